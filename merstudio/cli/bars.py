"""The command line's progress bars: every command makes its tqdm bars here (`Bar`), so that they all start no
monitor thread, follow the terminal's width, and print plain lines to a log.

On a terminal a bar is tqdm's. Where stderr is not a terminal (`2>log`, a pipe, a CI job) tqdm would redraw the
bar with carriage returns into the file, a line that grows by one copy per update; a `Bar` there prints one line
when it starts and one when it ends: tqdm's last state of it (count, time, rate, postfix), a bar cleared from the
terminal (leave=False) included."""

from __future__ import annotations

import io
import sys
from typing import Any, TextIO

from tqdm import tqdm
from tqdm.utils import _supports_unicode

# tqdm's default less its rate, for bars whose first update comes after a long step whose count can jump (train's
# folds and epochs: the rate read "11155 epoch/s"); the elapsed and remaining times say the pace
NO_RATE = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]"


def on_terminal(file: Any) -> bool:
    """Whether `file` is a terminal (where a bar may redraw itself)."""
    isatty = getattr(file, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # closed
        return False


class _Nowhere(io.TextIOBase):
    """Where a bar in a log draws: its redraws go nowhere; its first and last lines go to the log itself."""

    def write(self, s: str) -> int:
        return len(s)


class Bar(tqdm):
    """A tqdm bar on stderr (or ``file``), as every command draws one: no monitor thread (it would outlive the run,
    and tests check for leaks), the terminal's width as it changes. Where the file is not a terminal: ``start``
    (default "<desc>: <total> <unit>s") when the bar is made and tqdm's final line when it closes, each after
    ``prefix``."""

    monitor_interval = 0

    def __init__(self, *args: Any, start: str | None = None, prefix: str = "", **kw: Any) -> None:
        file: Any = kw.pop("file", None) or sys.stderr
        self._log: TextIO | None = None if kw.get("disable") or on_terminal(file) else file
        self._prefix = prefix
        kw.setdefault("dynamic_ncols", True)
        if self._log is not None:
            kw.setdefault("ascii", not _supports_unicode(file))  # the log's characters, not the sink's
            file = _Nowhere()
        super().__init__(*args, file=file, **kw)
        if self._log is not None:
            self._say(start if start is not None else _start_line(self.desc, self.total, self.unit))

    def close(self) -> None:
        end = None
        if self._log is not None and not self.disable:
            self._ema_dt = lambda: None  # the whole run's rate, as tqdm's last line on a terminal shows it
            end = str(self)
        super().close()
        if end is not None:
            self._say(end)
            self._log = None

    def _say(self, line: str) -> None:
        assert self._log is not None
        try:
            print(self._prefix + line, file=self._log, flush=True)
        except ValueError:  # the log was closed under us: nothing to say it on
            pass


def _start_line(desc: str, total: float | None, unit: str) -> str:
    if not total:
        return desc
    # whole counts written out with thousands separators ("1,000,000 rows"; :g gave "1e+06 rows"), others as given
    count = f"{int(total):,}" if float(total).is_integer() else f"{total:g}"
    return f"{desc}: {count} {unit}{'' if total == 1 else 's'}"


def index_bar(name: str, done: int, total: int, **kw: Any) -> Bar:
    """The bar of a video's index pass (a variable rate: one decode-only pass over the whole file before its first
    frame, ~9 s for 20 minutes), named after its file, made at the pass's first report: `done` frames then (a short
    file's first report is its last: the frames before it are left out of its rate, which read 6 million frames/s),
    of `total`, the count known so far."""
    return Bar(desc=f"indexing {name}", total=total, initial=done, unit="frame",
               start=f"indexing {name} (one pass over the whole file)", **kw)


def write(line: str, err: bool = False) -> None:
    """Print a line to stdout (stderr with ``err``) above the bars on the terminal, never over them."""
    Bar.write(line, file=sys.stderr if err else sys.stdout)
