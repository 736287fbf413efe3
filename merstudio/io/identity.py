"""Whether the file at a path is still the one a reader opened: its device and inode (another file moved or copied
over the name: mv, most editors and sync tools) and size; where only the modification time moved (cp of a file of
the same size into it, or a mere `touch`, a backup tool restoring times), its first and last 64 KiB decide: the
same bytes there are the same file (a touch said "changed on disk" on every seek, and nothing but switching videos
cleared it).

A video open in the app is read again by its path (each decoder reopen, a seek that starts over, the analysis);
replaced while open, those reads gave the new file's pictures under the old file's frame numbers with no warning.
A stat is all it takes (no hash: asked on every decode); the project's own check when it reopens a video is its
content hash (merstudio.project.videos), which also knows a file put back unchanged."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from merstudio.errors import InputError

SAMPLE = 64 * 1024  # bytes read at each end where only the modification time changed


class FileIdentity(NamedTuple):
    dev: int
    ino: int
    size: int
    mtime_ns: int
    sample: bytes = b""  # a digest of the first and last SAMPLE bytes (file_identity(..., sample=True))


def file_identity(path: str | os.PathLike[str], sample: bool = False) -> FileIdentity | None:
    """The identity of the file at ``path`` now (with ``sample``, the digest of its ends too: at open); None where
    there is none (moved or deleted) or it cannot be read."""
    try:
        st = os.stat(path)
        digest = _ends_digest(path, st.st_size) if sample else b""
    except (OSError, ValueError):
        return None
    return FileIdentity(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, digest)


def _ends_digest(path: str | os.PathLike[str], size: int) -> bytes:
    with open(path, "rb") as fh:
        h = hashlib.blake2b(fh.read(SAMPLE), digest_size=16)
        if size > SAMPLE:
            fh.seek(max(SAMPLE, size - SAMPLE))
            h.update(fh.read(SAMPLE))
    return h.digest()


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
    if opened is None or now is None:
        return False
    if now[:3] != opened[:3]:
        return True
    if now.mtime_ns == opened.mtime_ns:
        return False
    try:  # only the time moved: the same bytes at both ends are the same file (a touch)
        return not opened.sample or _ends_digest(path, now.size) != opened.sample
    except OSError:
        return False  # gone meanwhile: its reader says so
