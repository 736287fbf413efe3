"""Atomic file writes: write beside the target, then os.replace, so a crash never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from merstudio.errors import OutputError


def _make_folder(folder: Path, name: Path, what: str) -> None:
    # a file standing where a folder should be is named as such (mkdir alone would only say "File exists")
    for anc in (folder, *folder.parents):
        if anc.exists():
            if not anc.is_dir():
                raise OutputError(f"{name}: {what} ({anc} is a file, not a folder)")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{name}: {what} ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{name}: {what} (no permission in {folder})")


def ensure_parent(path: str | os.PathLike[str]) -> None:
    """Create ``path``'s folder, or raise a one-line OutputError naming ``path``. Called before long work so a
    bad output path fails at once."""
    _make_folder(Path(path).parent, Path(path), "cannot write")


def ensure_dir(path: str | os.PathLike[str]) -> None:
    """Create the output folder ``path`` (and its parents), or raise a one-line OutputError naming it."""
    _make_folder(Path(path), Path(path), "cannot create the folder")


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` on success, remove it on failure.
    OS errors become one-line OutputErrors naming ``path``."""
    dst = Path(path)
    ensure_parent(dst)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{dst}: cannot write ({exc.strerror or exc})") from None
    try:
        yield Path(tmp)
        os.replace(tmp, dst)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{dst}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
