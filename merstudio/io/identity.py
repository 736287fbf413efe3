"""Whether the file at a path is still the one a reader opened: its device and inode (another file moved or copied
over the name: mv, most editors and sync tools), size and modification time (the same file written into: cp).

A video open in the app is read again by its path (each decoder reopen, a seek that starts over, the analysis);
replaced while open, those reads gave the new file's pictures under the old file's frame numbers with no warning.
A stat is all it takes (no hash: asked on every decode); the project's own check when it reopens a video is its
content hash (merstudio.project.videos), which also knows a file put back unchanged."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from merstudio.errors import InputError


class FileIdentity(NamedTuple):
    dev: int
    ino: int
    size: int
    mtime_ns: int


def file_identity(path: str | os.PathLike[str]) -> FileIdentity | None:
    """The identity of the file at ``path`` now; None where there is none (moved or deleted) or it cannot be read."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return FileIdentity(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def changed_line(path: str | os.PathLike[str]) -> str:
    """What the app and the errors say of a file replaced or rewritten while open (one line)."""
    return f"{Path(path).name} changed on disk while open: reopen it (the results are the old file's)"


class FileChanged(InputError):
    """Another file is at the path of a file open for reading (or the file was written into): nothing more is read
    from it under the old file's numbering."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(changed_line(path))
        self.path = Path(path)


def replaced(path: str | os.PathLike[str], opened: FileIdentity | None) -> bool:
    """Whether a file is at ``path`` that is not the one opened as ``opened`` (False where nothing is there: a
    file moved or deleted is not another file; its reader says so where it needs the path)."""
    now = file_identity(path)
    return opened is not None and now is not None and now != opened
