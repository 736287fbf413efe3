"""Where a fine-tuning may write its new checkpoint: the one check of `merstudio finetune -o` and the dialog's "New
checkpoint" box.

A checkpoint written over the project file turned a study into a 0.8 MB zip while the app kept taking edits (all
coding lost); over a video, the parent or a checkpoint the project's analyses name, it destroys what the results
come from. So an output is refused, in one line saying why, when it is the project or a file merstudio keeps beside
it, a video of the project, the parent checkpoint, a checkpoint the app has loaded or a stored analysis names, a
folder, or not a .pt path; an existing other file only with ``overwrite``. Checked before the training and once
more when fine-tuning announces its "saving" stage (:func:`guarded`), since a file may appear meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from merstudio.errors import OutputError

Guarded = list[tuple[Path, str]]  # (a file no checkpoint may replace, what it is)


def _side_files(project: Path) -> Guarded:
    """What merstudio and SQLite keep beside the project (merstudio.project.store, .lock, .sidefiles)."""
    from merstudio.project.lock import LOCK_SUFFIX
    from merstudio.project.sidefiles import SUFFIXES

    names = [*SUFFIXES, "-journal", LOCK_SUFFIX, ".bak", ".bak-journal", ".bak.tmp", ".bak.tmp-journal"]
    return [(Path(f"{project}{s}"), f"a file merstudio keeps beside the project ({project.name}{s})") for s in names]


def _project_files(project: Path, opened: Any = None) -> tuple[list[Path], list[Path]]:
    """The project's videos (stored and relative paths) and the checkpoints its stored analyses name (every video
    keeps two runs at most: the active and the previous one). `opened`: the caller's open Project (its thread
    only); else it is opened read-only. Unreadable: nothing (fine-tuning itself refuses such a project)."""
    import sqlite3

    from merstudio.errors import MerstudioError
    from merstudio.project import Project

    proj = opened
    try:
        if proj is None:
            proj = Project.open(project, read_only=True)
        videos: list[Path] = []
        models: list[Path] = []
        for v in proj.videos():
            videos.append(Path(v.path))
            if v.relpath:
                videos.append(project.parent / v.relpath)
            for run in (proj.analysis(v.id), proj.previous_analysis(v.id)):
                for named in (run.model, run.settings.get("checkpoint")) if run is not None else ():
                    if named:
                        models += [Path(str(named)).expanduser(), project.parent / str(named)]
        return videos, models
    except (MerstudioError, OSError, sqlite3.Error):
        return [], []
    finally:
        if opened is None and proj is not None:
            proj.close()


def guarded_paths(project: str | os.PathLike[str], parent: str | os.PathLike[str] | None,
                  loaded: Iterable[str | os.PathLike[str] | None] = (), opened: Any = None) -> Guarded:
    """Every file a fine-tuning of `project` from `parent` must not write over; `loaded`: the checkpoints the app
    has loaded (or is loading) for its analyses."""
    p = Path(project).expanduser()
    out: Guarded = [(p, "the project file"), *_side_files(p)]
    if parent:
        out.append((Path(parent).expanduser(),
                    "the checkpoint being fine-tuned (the new one records it as its parent)"))
    out += [(Path(c).expanduser(), "the checkpoint loaded for the analyses") for c in loaded if c]
    videos, models = _project_files(p, opened)
    out += [(v, "a video of the project") for v in videos]
    out += [(m, "a checkpoint the project's analyses were made with") for m in models]
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)  # a hard link, another spelling
    except OSError:
        return False


def check_output(out: str | os.PathLike[str], guarded: Guarded, *, overwrite: bool,
                 exists_hint: str = "use --overwrite") -> Path:
    """`out` when a new checkpoint may be written there; else OutputError in one line saying why."""
    o = Path(out).expanduser()
    for path, what in guarded:
        if _same(o, path):
            raise OutputError(f"{o}: that is {what}; write the new checkpoint elsewhere")
    if o.is_dir():
        raise OutputError(f"{o}: is a folder; give the file to write (e.g. {o / 'finetuned.pt'})")
    if (o.exists() or o.is_symlink()) and not overwrite:
        raise OutputError(f"{o}: already exists ({exists_hint})")
    if o.suffix.lower() != ".pt":
        raise OutputError(f"{o}: not a .pt path; a checkpoint is written as NAME.pt")
    return o


def guarded(fn: Callable[..., Any], check: Callable[[], object]) -> Callable[..., Any]:
    """`fn` (training.finetune.finetune or one like it) with `check()` run when it announces its "saving" stage,
    right before it writes: a refusal then raises, and nothing is written."""

    def run(*args: Any, stage: Callable[[str], None] | None = None, **kwargs: Any) -> Any:
        def on_stage(name: str) -> None:
            if name == "saving":
                check()
            if stage is not None:
                stage(name)

        return fn(*args, stage=on_stage, **kwargs)

    return run
