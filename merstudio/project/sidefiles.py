"""SQLite's side files beside a project (``<name>.merproj-wal`` and ``-shm``): when they may go, and who trips on them.

A connection that cannot write the project (``mode=ro``: another user's file, or a file made read-only) creates
them where the folder can be written, owned by the reader and with the project's permissions, and SQLite never
removes them (only a connection that can write the database does). The project's owner then cannot write them, so
every edit of theirs failed ("the file cannot be written") until someone removed them by hand. Hence:

- a read-only opener removes them on close when nobody uses them (:func:`remove_unused`): the ``-wal`` holds no
  frame and no process has the ``-shm`` open (every SQLite connection holds a shared lock on one byte of it,
  :data:`DMS_BYTE`, while it has it open; we take that byte exclusively, or where we cannot, ask whether anyone
  holds it) and no other project of this process has the file open (closing a descriptor drops the process's POSIX
  locks, SQLite's included, so we never open the -shm while SQLite in this process has it: an opener registers
  before its connection is made, and the check, the removal and the closing of our descriptor hold the registry's
  lock, so no connection of another thread starts in between);
- the writer, finding side files it cannot write, removes them the same way, or else opens read-only with a reason
  naming them and saying what to do (:func:`blocking`).
"""

from __future__ import annotations

import os
import struct
import sys
import threading
from collections import Counter
from contextlib import suppress
from pathlib import Path

SUFFIXES = ("-wal", "-shm")
DMS_BYTE = 128  # SQLite's unix VFS: the "dead man switch" byte of the -shm (UNIX_SHM_DMS), locked by every user

_open_here: Counter[str] = Counter()  # projects this process has open, by real path (register / unregister)
# export workers close their snapshot readers from their own threads; re-entrant: remove_unused holds it throughout
_open_lock = threading.RLock()


def _key(project: Path) -> str:
    return os.path.realpath(project)


def register(project: Path) -> None:
    key = _key(project)
    with _open_lock:
        _open_here[key] += 1


def unregister(project: Path) -> None:
    key = _key(project)
    with _open_lock:
        _open_here[key] -= 1
        if _open_here[key] <= 0:
            del _open_here[key]


def _open_in_this_process(project: Path) -> bool:
    key = _key(project)
    with _open_lock:
        return _open_here.get(key, 0) > 0


def side_files(project: Path) -> list[Path]:
    """The side files beside the project now."""
    return [q for q in (Path(f"{project}{s}") for s in SUFFIXES) if q.exists()]


def unwritable(project: Path) -> list[Path]:
    """The side files beside the project that this process cannot write (a writer's SQLite would fail on them)."""
    return [q for q in side_files(project) if not os.access(q, os.W_OK)]


def _shm_in_use(fd: int, writable: bool) -> bool | None:
    """Whether another process has the -shm open (holds a lock on its DMS byte); None when it cannot be told. With
    ``writable``, the byte stays locked exclusively until ``fd`` is closed, so that no connection starts using the
    files while they are removed."""
    import fcntl

    if writable:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, DMS_BYTE)
        except OSError:
            return True
        return False
    if not sys.platform.startswith("linux"):
        return None  # struct flock's layout is the platform's; Linux's is known
    # a descriptor we cannot write cannot take a write lock, but can ask who would stand in its way (F_GETLK).
    # Unlike the branch above this holds nothing: a connection may open the -shm between this answer and the
    # removal. Accepted because nothing better is possible without write access, the window is a few system calls,
    # and the -wal is checked empty after the query, so no committed frame is lost; such a connection would keep an
    # unlinked -shm until it reopens, while the alternative (never removing) locks the owner out for good.
    query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, DMS_BYTE, 1, 0)
    try:
        got = fcntl.fcntl(fd, fcntl.F_GETLK, query)
    except OSError:
        return None
    return struct.unpack("hhqqi4x", got)[0] != fcntl.F_UNLCK


def remove_unused(project: Path) -> bool:
    """Remove the side files when nobody uses them (see the module's notes). True when none is left."""
    with _open_lock:  # no opener of this process registers (and so connects) while we look and remove
        return _remove_unused(project)


def _remove_unused(project: Path) -> bool:
    wal, shm = (Path(f"{project}{s}") for s in SUFFIXES)
    if not side_files(project):
        return True
    if sys.platform == "win32" or _open_in_this_process(project):
        return False  # Windows refuses to remove a file in use anyway; here, SQLite of this process may use them

    def wal_empty() -> bool:
        try:
            return wal.stat().st_size == 0
        except FileNotFoundError:
            return True
        except OSError:
            return False

    if not wal_empty():
        return False  # frames not yet in the project: only a writer may fold them in
    if not shm.exists():
        with suppress(OSError):
            wal.unlink()
        return not side_files(project)
    writable = os.access(shm, os.W_OK)
    try:
        fd = os.open(shm, os.O_RDWR if writable else os.O_RDONLY)
    except OSError:
        return False
    try:
        if _shm_in_use(fd, writable) is not False or not wal_empty():
            return False
        for q in (shm, wal):
            with suppress(FileNotFoundError):
                q.unlink()
    except OSError:  # a folder we cannot write (or a sticky one): left as they are
        return False
    finally:
        os.close(fd)
    return not side_files(project)


def blocking(project: Path, files: list[Path]) -> str:
    """Why a writer cannot use the project with ``files`` (side files it cannot write) beside it, and what to do:
    part of a one-line message."""
    names = " and ".join(q.name for q in files)
    owners = sorted({_owner(q) for q in files})
    me = _owner_name(os.getuid()) if hasattr(os, "getuid") else ""
    whose = f"of {', '.join(owners)}" if owners != [me] else "read-only"
    them = "them" if len(files) > 1 else "it"
    return (f"cannot write {names} beside it ({whose}: a program that reads or read the project made {them}); "
            f"once nobody has it open, remove {them} and open it again")


def _owner(q: Path) -> str:
    try:
        return _owner_name(q.stat().st_uid)
    except OSError:
        return "another user"


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return f"user {pwd.getpwuid(uid).pw_name}"
    except (ImportError, KeyError):
        return f"user {uid}"
