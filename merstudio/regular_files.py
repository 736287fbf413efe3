"""Whether a path is a regular file to read, asked before anything reads it: a named pipe (FIFO) holds its reader
until something writes to it, a device such as /dev/zero never ends. A received checkpoint naming its parent
/dev/zero was hashed for ever on the app's GUI thread, `merstudio analyze` of a FIFO hung hashing it and left its
lock behind. One home for the check (checkpoints, videos to open, inputs to hash)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO


def not_a_file(path: str | Path) -> str:
    """Why ``path`` is no file to read, in a few words ("a named pipe (FIFO), not a file"); '' for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "no such file"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def open_regular(path: str | Path) -> IO[bytes]:
    """``path`` opened for reading where it is a regular file; OSError (with the reason, not_a_file) otherwise,
    without waiting: it is opened non-blocking (a FIFO's open waits for a writer) and checked on the descriptor."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: {not_a_file(path) or 'not a regular file'}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a regular file's bytes, read in 1 MiB blocks (checkpoints, inputs, outputs: one hasher);
    OSError for what open_regular refuses (a FIFO or a device is never read: /dev/zero never ends)."""
    import hashlib

    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
