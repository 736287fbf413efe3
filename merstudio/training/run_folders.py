"""Which folder a training command may write its run into: the one rule of `merstudio train`, `tune`, `ablate`
and `evaluate` (merstudio.cli.train) and of `run_protocol(..., out_dir=...)` called from Python. A folder holds
one command's run; the fixed names a run writes never replace files no earlier run of that command wrote (a
user's own summary.md) unless the caller says so (--overwrite / overwrite=True). Standard library only: the CLI
checks it before torch is imported or the data is read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from merstudio.errors import OutputError

# what each command writes at the top of its --out (merstudio.training.run.prepare_run/summarise, the CLI's
# write_data_record, tune.tune, run.run_ablation): names a folder not of its own earlier run must not already hold
RUN_OUTPUTS = {
    "train": ("run.json", "folds", "metrics.json", "predictions.csv", "summary.md", "confusion.png", "data.md",
              "final_tune"),
    "tune": ("tune.json", "search.json", "trials", "trials.csv", "chosen.json", "tune.md", "data.md"),
    "ablate": ("ablation.md", "ablation.csv", "data.md", "full"),
}

# how run_ablation's table begins (ablation.md's first line, ablation.csv's first columns): a file of that name
# that does not begin so is a user's own, no ablation's
_ABLATION_MD_HEAD = "# Ablation ("
_ABLATION_CSV_HEAD = "variant,switched_off,"


def run_record(out: Path) -> dict[str, Any]:
    """A run folder's run.json as a dict ({} when there is none or it cannot be read)."""
    try:
        rec = json.loads((Path(out) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return rec if isinstance(rec, dict) else {}


def _begins(path: Path, head: str) -> bool:
    """Whether the file `path` begins with `head` (False for none, a folder or one that cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(len(head)) == head
    except OSError:
        return False


def ablation_table(out: Path) -> bool:
    """Whether `out` holds a table `merstudio ablate` wrote (ablation.md or ablation.csv as run_ablation begins
    them); a file of those names that begins otherwise is a user's own (notes named ablation.md)."""
    out = Path(out)
    return _begins(out / "ablation.md", _ABLATION_MD_HEAD) or _begins(out / "ablation.csv", _ABLATION_CSV_HEAD)


def held_run(out: Path) -> tuple[str, str] | None:
    """(command, in words) of the run a folder holds, as its files tell: `merstudio tune`'s tune.json, `ablate`'s
    table or variant runs (full/, no-<parts>/), an evaluation's or a training run's run.json; None for none."""
    out = Path(out)
    if (out / "tune.json").exists():
        return "tune", "a `merstudio tune` search"
    if ablation_table(out):
        return "ablate", "a `merstudio ablate` table"
    rec = run_record(out)
    if rec.get("protocol") == "evaluate":
        return "evaluate", f"an evaluation (merstudio evaluate of {rec.get('checkpoint', '?')})"
    if rec.get("protocol") is not None:
        return "train", f"a `merstudio train` run ({rec['protocol']})"
    if ablation_variant_runs(out):  # an ablation stopped before its table
        return "ablate", "a `merstudio ablate` run"
    return None


def ablation_variant_runs(out: Path) -> bool:
    """Whether `out` holds an ablation's variant runs (full/, no-<parts>/, each a run folder or seed-N/ ones)."""
    try:
        variants = [c for c in Path(out).iterdir() if c.is_dir() and (c.name == "full" or c.name.startswith("no-"))]
    except OSError:
        return False
    return any((c / "run.json").exists() or any(c.glob("seed-*/run.json")) for c in variants)


def held_results(out: Path, names: Iterable[str]) -> list[str]:
    """Those of `names` in the folder `out` that hold a result: a file, or a folder with something in it (an empty
    one is what a Ctrl-C left before anything was written, no result)."""
    held = []
    for name in names:
        path = Path(out) / name
        try:
            if path.is_file() or (path.is_dir() and any(path.iterdir())):
                held.append(name)
        except OSError:
            if path.exists():
                held.append(name)
    return held


def check_results_kept(out: Path, names: Iterable[str], overwrite: bool, flag: str = "--out", what: str = "",
                       overwrite_as: str = "--overwrite") -> None:
    """Refuse (OutputError, one line, exit 3) an output folder that holds any of `names` (held_results) unless
    `overwrite`: the one check of every command that writes fixed names into a folder it is given (evaluate,
    train, tune, ablate, spotting, run_protocol), before any work. `what` says whose results they are where that
    is known; `flag` and `overwrite_as` name the folder and the way to allow it as the caller takes them (the
    CLI's --out and --overwrite, Python's out_dir= and overwrite=True)."""
    held = held_results(out, names)
    if held and not overwrite:
        raise OutputError(f"{flag} {out}: holds results already ({', '.join(held)}){what}; choose another folder or "
                          f"use {overwrite_as} to replace them")


def own_run(out: Path, command: str) -> bool:
    """Whether `out` is an earlier run of `command` (resumed there, its settings checked by the run itself): a
    training run's run.json, a search's tune.json, an ablation's variant runs. A summary.md or ablation.md alone
    is no run: it may be the user's own notes."""
    if command == "train":
        return run_record(out).get("protocol") not in (None, "evaluate")
    if command == "tune":
        return (Path(out) / "tune.json").is_file()
    return command == "ablate" and ablation_variant_runs(out)


def check_new_run_folder(out: Path, command: str, overwrite: bool, flag: str = "--out",
                         overwrite_as: str = "--overwrite") -> None:
    """Refuse an output folder that is not an earlier run of `command` but holds files of the names it writes (a
    user's summary.md, chosen.json, ...): the run replaced them without a word. `overwrite` lets it."""
    out = Path(out)
    if own_run(out, command):
        return
    names = list(RUN_OUTPUTS[command])
    if command == "ablate":  # the variants' folders, by the parts they have off
        names += sorted(p.name for p in out.glob("no-*")) if out.is_dir() else []
    check_results_kept(out, names, overwrite, flag=flag, overwrite_as=overwrite_as)


def check_run_folder(out: Path, command: str) -> None:
    """Refuse, in one line, an --out holding another command's run (train, tune, ablate, evaluate: one folder is
    one command's): a `tune` into a `train` folder replaced its data.md while its summary.md still described the
    old run. A run of the same command is the command's own business (resume, or refusal of other settings)."""
    held = held_run(out)
    if held is not None and held[0] != command:
        raise OutputError(f"--out {out}: holds {held[1]}; pick another --out (`merstudio {command}` there would "
                          "replace its results)")
