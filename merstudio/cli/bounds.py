"""Bounds of the CLI's numeric options, checked as the command line is read: NaN, infinity or a value out of range
is one line naming the option (``merstudio: error: --lr must be ...``, exit 2) before a command touches anything
(an output folder, a run folder, a batch's partial files). An upper bound is where a larger value can only exhaust
memory, overflow a library's integers or mean nothing (a 10-hour neutral stretch). Core functions called from
Python keep their own checks.

Use: ``p.add_argument("--lr", action=real(0, LR_MAX, above=True))``; the action reads the value itself: a malformed one
(``1,5``, ``nan`` for a whole number, ``''``) is refused in the same words, naming the option as typed.
Output paths alike: ``p.add_argument("-o", "--out", action=output())`` refuses an empty one (-o '').
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from merstudio.errors import InputError

# the training settings' own bounds (merstudio.training.checks), one rule for the flags and for callers from Python
from merstudio.training.checks import LR_MAX as LR_MAX
from merstudio.training.checks import SEED_MAX as SEED_MAX
from merstudio.training.checks import WIDTH_MAX as WIDTH_MAX

# shared by every command that takes the option
FPS_MIN, FPS_MAX = 0.01, 10_000.0  # a time-lapse's frame per 100 s .. a high-speed camera's rate
JOBS_MAX = 1024  # processes (-j, --jobs, --threads, --cores)
MINUTES_MAX = 10_000.0  # about a week: --segment-minutes, bench --minutes
KEYINT_MAX = 1000  # a keyframe every 1000 frames is already no seek aid (io.reencode takes up to its writer's limit)
SIZE_MAX = 512  # network input pixels (a batch of clips is n x T x C x size^2 floats)
STEPS_MAX = 64
EPOCHS_MAX = 100_000
BATCH_MAX = 100_000
FACES_MAX = 100
COUNT_MAX = 1_000_000  # other counts (trials, seeds, videos, frames, events per class, a tolerance in frames)


class _Bounded(argparse.Action):
    """Stores the option's value after checking it against the class's bounds (made by `whole` and `real`)."""

    integer = True
    low: float = 0
    high: float = math.inf
    above = False  # low itself is refused (a positive number)
    under = False  # high itself is refused (a fraction below 1)
    below_text = ""  # how a value at or under `low` is refused, where it differs from the range's words

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        # the value is read in __call__, where the option as typed is known: a malformed one ("1,5", "nan" for a
        # whole number, "") is refused in the words of one out of range, not argparse's "invalid int value"
        kwargs.setdefault("type", None)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        # a positional as its usage shows it (FPS of `project set-fps`)
        flag = option_string or (self.metavar if isinstance(self.metavar, str) else self.dest)
        value = parse(flag, values, type(self)) if isinstance(values, str) else values
        check(flag, value, type(self))
        setattr(namespace, self.dest, value)


def parse(flag: str, text: str, bounds: type[_Bounded]) -> int | float:
    """`text` as the number `bounds` takes; InputError naming `flag` and what it takes where it is none."""
    try:
        return int(text) if bounds.integer else float(text)
    except ValueError:
        pass
    hint = ""
    if "," in text and not bounds.integer:
        try:
            float(text.replace(",", "."))
            hint = f"; write a decimal with a point ({text.replace(',', '.')})"
        except ValueError:
            pass
    raise InputError(f"{flag} must be {span(bounds)} (got {text!r}{hint})")


def span(bounds: type[_Bounded]) -> str:
    """What an option of `bounds` takes, in words: "a whole number from 1 to 100", "a positive number up to 10",
    "a number from 0 to below 1"."""
    b = bounds
    if b.integer:
        return f"a whole number from {int(b.low)} to {int(b.high)}"
    if math.isinf(b.high):
        return f"a finite number {'above' if b.above else 'of at least'} {b.low:g}"
    top = f"below {b.high:g}" if b.under else f"{b.high:g}"
    if b.low > 0 or b.above:
        return "a positive number" + (f" from {b.low:g}" if b.low > 0 else "") + f" up to {top}"
    return f"a number from {b.low:g} to {top}"


def check(flag: str, value: Any, bounds: type[_Bounded]) -> None:
    """Raise InputError naming `flag` when `value` is outside `bounds` (NaN and infinity always are)."""
    b = bounds
    if b.integer:
        if value < b.low:
            raise InputError(f"{flag} must be at least {int(b.low)} (got {value})")
        if value > b.high:
            raise InputError(f"{flag} must be at most {int(b.high)} (got {value})")
        return
    v = float(value)
    under = v <= b.low if b.above else v < b.low
    if under and b.below_text and math.isfinite(v):
        raise InputError(f"{flag} must be {b.below_text} (got {v:g})")
    if under or not math.isfinite(v):
        raise InputError(f"{flag} must be {span(b)} (got {v:g})")
    if v > b.high or (b.under and v >= b.high):
        raise InputError(f"{flag} must be {'below' if b.under else 'at most'} {b.high:g} (got {v:g})")


def whole(low: int, high: int) -> type[argparse.Action]:
    """An action for a whole-number option within [low, high]."""
    return type("Whole", (_Bounded,), {"integer": True, "low": low, "high": high})


def real(low: float, high: float, *, above: bool = False, under: bool = False,
         below_text: str = "") -> type[argparse.Action]:
    """An action for a finite number within [low, high] (`above`: low excluded; `under`: high excluded);
    `below_text` words the refusal of a value at or under `low` where a command has always said it so."""
    return type("Real", (_Bounded,), {"integer": False, "low": low, "high": high, "above": above, "under": under,
                                      "below_text": below_text})


def frame_rate() -> type[argparse.Action]:
    """--fps of every command: a frame rate from FPS_MIN to FPS_MAX."""
    return real(FPS_MIN, FPS_MAX)



class _Output(argparse.Action):
    """Stores an output path option (a folder or file a command writes) after refusing an empty one: argparse's
    ``type=Path`` made ``-o ''`` the current folder (``Path('') == Path('.')``), so a variable left empty in a
    script wrote results among whatever was there. ``.`` still names the current folder."""

    what = "a file name"
    convert: Any = Path

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs["type"] = str  # the text as typed: once a Path, '' cannot be told from '.'
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if isinstance(values, str):
            if not values.strip():
                flag = option_string or (self.metavar if isinstance(self.metavar, str) else self.dest)
                raise InputError(f"{flag} is empty: give {self.what}")
            values = self.convert(values)
        setattr(namespace, self.dest, values)


def output(folder: bool = True, convert: Any = Path) -> type[argparse.Action]:
    """The action of every command's output option (-o/--out, OUT, --final, --json, --cache): an empty or blank value
    is one line naming the option (``-o is empty: give a folder (. for the current one)``, exit 2), as the command
    line is read; otherwise the text as `convert` reads it (a Path; analyze's -o keeps a URL as text)."""
    what = "a folder (. for the current one)" if folder else "a file name"
    return type("Output", (_Output,), {"what": what, "convert": staticmethod(convert)})
