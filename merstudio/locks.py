"""One lock-file implementation for merstudio: an exclusive claim held as an OS lock on a file that names its owner.

Used by `merstudio.atomic.FileClaim` (one writer per analysis result) and `merstudio.project.lock.ProjectLock` (one
writer per project); they differ only in what they write into the file and how they report a claim held elsewhere.

- The lock is an OS lock on an open descriptor (flock; on Windows msvcrt on one byte far past the owner text, so
  other processes can still read who holds it). A kill releases it with the process, so a lock file left behind
  never blocks the next claim.
- Claims conflict within one process too (a set of held paths), on every OS: flock alone would, msvcrt would not.
- Where the file system cannot lock (some network shares), the owner written in the file decides: the claim is
  refused while the owner's `alive()` says it is there.
- Acquire loop: open (create) the file, lock it, then check that the locked file is still the one at the path (an
  owner releasing at that moment removes the file, and a lock on a removed file claims nothing); retried 100 times.
- Release: the file is removed while still locked (whoever opened the old file then sees it is not current), then
  closed. A claim whose owner cannot be written into the file (a full disk) is released so too: no empty lock file
  is left behind to look like a run's.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import TypeVar

WIN_LOCK_OFFSET = 1 << 30  # msvcrt locks bytes: lock one far past the owner text so readers can still read it

_held: set[str] = set()  # lock files this process holds
_held_guard = threading.Lock()

L = TypeVar("L", bound="LockFile")


class Busy(Exception):
    """The lock file is held by another process, or another claim in this one."""


class Unsettled(Busy):
    """The lock file kept being replaced while we tried to lock it (100 tries)."""


def os_lock(fd: int) -> bool | None:
    """Try to lock `fd` without waiting. True: locked; False: held by someone else; None: this file system cannot
    lock. Other OS errors propagate."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, WIN_LOCK_OFFSET, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except PermissionError:
                return False
            return True
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            return None
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise


def pid_alive(pid: int | None) -> bool:
    """Is process `pid` of this computer still running? (False for None and for this process itself.)"""
    if not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, another user's
        return True
    return True


def _take_fd(path: Path, alive: Callable[[], bool]) -> int:
    """Open (create) and lock `path`; return its descriptor. Raises Busy when held (by another process, or in this
    one; without OS locks, while `alive()` says the owner in the file is there), OSError when the file cannot be
    opened or locked. Called with `_held_guard` held."""
    key = os.path.abspath(path)
    if key in _held:
        raise Busy(path)
    for _ in range(100):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            got = os_lock(fd)
            if got is False or (got is None and alive()):
                raise Busy(path)
            # the owner we raced may have released (and removed) the file between our open and our lock: only a
            # lock on the file that is at the path now is a claim
            try:
                current = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                current = False
            if current:
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise Unsettled(path)


def _remove(path: Path, fd: int) -> None:
    """Give up the lock file `path` held on `fd`: removed while still locked (whoever opened the old file then sees
    it is not current, `_take_fd`), then closed; on Windows, which removes no open file, closed first."""
    if sys.platform != "win32":
        with suppress(OSError):
            path.unlink()
    os.close(fd)
    if sys.platform == "win32":
        with suppress(OSError):
            path.unlink()


class LockFile:
    """An exclusive claim on the lock file `path`, held until `release()` (or the end of a `with` block, or the
    process). Subclasses acquire it through `_take` and write their owner into `_fd`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def _take(cls: type[L], path: Path, alive: Callable[[], bool], make: Callable[[int], L]) -> L:
        """Lock `path`, build the claim with `make(fd)` (it writes the owner into `fd`), and record it as held.
        Raises Busy (held elsewhere) or OSError (cannot open or lock the file); `make`'s errors release the lock
        and remove the file, as `release` does."""
        with _held_guard:
            fd = _take_fd(path, alive)
            try:
                claim = make(fd)
            except BaseException:  # the owner not written (a full disk): no empty file left to look like a claim
                _remove(path, fd)
                raise
            _held.add(os.path.abspath(path))
            return claim

    @property
    def held(self) -> bool:
        return self._fd is not None

    def renamed(self, new: str | os.PathLike[str]) -> None:
        """The held lock file now has the name ``new`` (its folder was renamed with it): this process's claims are
        keyed by path, so the new name is held and the old one free."""
        with _held_guard:
            _held.discard(os.path.abspath(self.path))
            _held.add(os.path.abspath(new))
            self.path = Path(new)

    def release(self) -> None:
        """End the claim (idempotent): the lock file is removed, then unlocked."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with _held_guard:
            _held.discard(os.path.abspath(self.path))
            _remove(self.path, fd)

    def __enter__(self: L) -> L:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
