"""A really full file system for tests: a tiny tmpfs (Linux, root only), and a filler that takes its free space; and
a disk full for lock files only, where no tmpfs can be made (write() raising as a full disk's does)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tiny_tmpfs(folder: Path, size: str = "512k") -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` for the block; skips the test (with the reason) where it cannot. A new
    project with its WAL takes ~250 kB while it saves (schema 6), so 256 kB was full before a test began."""
    if not sys.platform.startswith("linux"):
        pytest.skip("a tiny tmpfs needs Linux")
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root (run as root to test a really full disk)")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs: {exc}")
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip() or res.returncode}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def fill(folder: Path, leave: int = 0) -> Path:
    """Take the free space of `folder`'s file system but about `leave` bytes; returns the filler (delete it to free
    the space). Without `leave`, the next write of even one byte fails with ENOSPC."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        if free > leave:
            try:
                fh.write(b"\0" * (free - leave))
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        if not leave:  # take the last bytes too (block rounding)
            try:
                while fh.write(b"\0" * 512):
                    pass
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    return filler


def full_for_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on os.write() into any lock file (named through /proc: Linux) raises ENOSPC, as on a full disk;
    other writes go through."""
    write = os.write

    def full(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".lock"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write(fd, data)

    monkeypatch.setattr(os, "write", full)
