"""Who has a project open for writing: ``<name>.merproj.lock`` beside the project.

The writer holds an OS lock on that file (flock; msvcrt on Windows) for as long as the project is open, and keeps
its owner in it as one line of JSON: pid, host, user, when it was opened and a heartbeat (refreshed by
:meth:`ProjectLock.heartbeat`; the app does it every minute). A second opener, in this process or another, finds
the lock taken and learns who holds it, so it can open the project read-only or say who to ask. A kill releases the
OS lock with the process, so a lock file left behind never blocks the next opener; a clean close removes it.

The lock file is beside the project's real file (symbolic links followed), so every path to it finds the same
lock. A file with more than one name (hard links) is locked by its device and inode as well, in a folder of the
user's under the temporary folder (:func:`linked_lock_path`): on this computer, no two names of one file are
written at once (two writers through two journals: one loses its edits).

Where the file system has no working locks (some network shares), the owner in the file decides instead: on this
host a live pid, on another host a heartbeat younger than :data:`STALE_AFTER` seconds.

In this process, a claim held by an earlier :class:`~merstudio.project.Project` object (or an operation writing the
file now) is found by this process's own bookkeeping, not by the OS lock: ProjectInUse's ``holder`` is that claim and
its message says so (the pid in the file is this program's, never another program's). An earlier object dropped
without close() in a reference cycle is collected first (``gc``), so that its claim is free.

:func:`claim_to_write` (and :func:`claimed`, for a ``with`` block) claims a project for an operation that writes it,
refused in one line a user can act on (create, save-as, drop-triggers). :func:`held_elsewhere` says whether a writer
still holds a project (a killed one does not); :func:`wal_readers`, who reads it now (what keeps a save from folding
the journal into the file).
"""

from __future__ import annotations

import gc
import getpass
import json
import os
import socket
import tempfile
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from merstudio.errors import InputError, OutputError
from merstudio.locks import Busy, LockFile, pid_alive
from merstudio.private_dirs import own_private_folder

LOCK_SUFFIX = ".lock"
HEARTBEAT_EVERY = 60.0  # seconds between heartbeats of an open project (the app's timer)
STALE_AFTER = 5 * HEARTBEAT_EVERY  # without OS locks: an owner on another host silent this long is gone


def lock_path(project: str | os.PathLike[str]) -> Path:
    """The lock file beside the project's real file: a symbolic link to the project (or to a folder above it) is
    followed, so every name that reaches the file through links finds one lock (a lock beside the link let two
    windows write at once)."""
    p = Path(os.path.realpath(project))
    return p.with_name(p.name + LOCK_SUFFIX)


@dataclass(frozen=True)
class LockOwner:
    pid: int | None
    host: str
    user: str = ""
    since: float | None = None
    heartbeat: float | None = None

    def describe(self) -> str:
        """``pid 1234 on this computer, opened 10:31, active 10:45`` (one line, for messages)."""
        who = f"pid {self.pid}" if self.pid else "another program"
        if self.user:
            who += f" of {self.user}"
        here = self.host == socket.gethostname()
        parts = [f"{who} {'on this computer' if here else 'on ' + (self.host or 'another computer')}"]
        if self.since:
            parts.append(f"opened {_clock(self.since)}")
        if self.heartbeat and self.since and self.heartbeat - self.since > 1:
            parts.append(f"active {_clock(self.heartbeat)}")
        return ", ".join(parts)


def _clock(t: float) -> str:
    fmt = "%H:%M" if time.localtime(t)[:3] == time.localtime()[:3] else "%Y-%m-%d %H:%M"
    return time.strftime(fmt, time.localtime(t))


class ProjectInUse(InputError):
    """The project is open for writing elsewhere (another window, instance or program). ``owner``: who, when known.
    ``holder``: the claim that has it when that is this very process's (an earlier Project object, or an operation
    writing the file now), else None."""

    def __init__(self, project: Path, owner: LockOwner | None,
                 hint: str = "open it read-only, or close it there first", holder: ProjectLock | None = None) -> None:
        self.project, self.owner, self.holder = project, owner, holder
        who = owner.describe() if owner else "another program"
        if holder is not None:  # the pid is this one's: said plainly, not as if another program's
            who += f": {holder.in_this_program()}"
        super().__init__(f"{project}: in use by merstudio ({who}); {hint}")

    def reason(self) -> str:
        """Why a project opened read-only on this: ``in use by merstudio (<owner>)``; for this very process's own
        earlier Project object, what to do about it."""
        h = self.holder
        if h is None:
            return f"in use by merstudio ({self.owner.describe() if self.owner else 'another program'})"
        if h.kind == PROJECT:
            since = f" (opened {_clock(h.owner.since)})" if h.owner.since else ""
            return (f"in use by merstudio in this program: an earlier Project object{since} has it open for writing; "
                    "close() it first, and this one can write")
        return f"in use by merstudio ({h.owner.describe()}: {h.in_this_program()})"


def linked_lock_path(project: str | os.PathLike[str]) -> Path | None:
    """Where a project file with more than one name (hard links, which a lock beside each name cannot tell apart)
    is locked as well: keyed by its device and inode, in a folder of this user's on this computer, so that every
    name finds it. None for a file with one name (or none: not there)."""
    try:
        st = os.stat(project)
    except OSError:
        return None
    if st.st_nlink < 2:
        return None
    who = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    return Path(tempfile.gettempdir()) / f"merstudio-locks-{who}" / f"{st.st_dev:x}-{st.st_ino}{LOCK_SUFFIX}"


def read_owner(project: str | os.PathLike[str], lock: Path | None = None) -> LockOwner | None:
    """The owner written in the project's lock file, or in ``lock`` (None: no file, or not readable)."""
    try:
        text = (lock or lock_path(project)).read_text(encoding="utf-8", errors="replace")
        d = json.loads(text.splitlines()[0]) if text.strip() else None
    except (OSError, ValueError, IndexError):
        return None
    if not isinstance(d, dict):
        return None
    pid = d.get("pid")
    return LockOwner(pid=pid if isinstance(pid, int) else None, host=str(d.get("host") or ""),
                     user=str(d.get("user") or ""), since=_float(d.get("since")), heartbeat=_float(d.get("heartbeat")))


def _float(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float)) else None


def _me() -> LockOwner:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        user = ""
    now = time.time()
    return LockOwner(pid=os.getpid(), host=socket.gethostname(), user=user, since=now, heartbeat=now)


def _alive(owner: LockOwner | None) -> bool:
    """Without OS locks: does the owner in the file still hold the project?"""
    if owner is None or owner.pid is None:
        return False
    if owner.host == socket.gethostname():
        return pid_alive(owner.pid)  # our own pid: a leftover (this process knows the claims it holds)
    return owner.heartbeat is not None and time.time() - owner.heartbeat < STALE_AFTER


PROJECT, OPERATION = "project", "operation"  # ProjectLock.kind: held by a Project object, or by one operation
_mine: weakref.WeakValueDictionary[str, ProjectLock] = weakref.WeakValueDictionary()  # this process's claims


class ProjectLock(LockFile):
    """This process's claim on a project; :meth:`acquire` raises ProjectInUse when someone else has it. The lock
    itself is :mod:`merstudio.locks`'s (shared with the analysis results' ``FileClaim``). ``kind``: what holds it
    here, a Project object (PROJECT: the Project marks its claim) or one operation writing the file (OPERATION)."""

    def __init__(self, path: Path, fd: int, owner: LockOwner) -> None:
        super().__init__(path, fd)
        self.owner = owner
        self.kind = OPERATION
        self._linked: ProjectLock | None = None  # the lock by device and inode of a hard-linked file

    def in_this_program(self) -> str:
        """What holds this claim, for a second opener in this process: ``an earlier Project object in this
        program, still open``."""
        if self.kind == PROJECT:
            return "an earlier Project object in this program, still open"
        return "this program, which is writing it now"

    def mark(self, kind: str) -> None:
        """What holds the claim (PROJECT or OPERATION), for its lock by inode too."""
        self.kind = kind
        if self._linked is not None:
            self._linked.kind = kind

    @classmethod
    def acquire(cls, project: str | os.PathLike[str], replacing: ProjectLock | None = None) -> ProjectLock:
        """Claim the project (and, for a file with hard links, :func:`linked_lock_path` too). OSError when the lock
        file cannot be made (a read-only folder: the caller opens the project read-only then). ``replacing``: this
        process's claim on the same file by its old name (it was renamed), whose lock by inode passes on.

        Held by an earlier claim of this process: unreachable objects are collected once (a Project object dropped
        in a reference cycle lets go of its claim when collected) and the claim tried again."""
        try:
            return cls._acquire(Path(project), replacing)
        except ProjectInUse as exc:
            if exc.holder is None:
                raise
            gc.collect()  # the holder's release takes the claims' guard: never collected while holding it
            if exc.holder.held:
                raise
        return cls._acquire(Path(project), replacing)

    @classmethod
    def _acquire(cls, proj: Path, replacing: ProjectLock | None) -> ProjectLock:
        claim = cls._claim(proj, lock_path(proj))
        linked = linked_lock_path(proj)
        if replacing is not None and replacing._linked is not None and replacing._linked.path == linked:
            claim._linked, replacing._linked = replacing._linked, None
        elif linked is not None:
            try:
                own_private_folder(linked.parent)  # someone else's, made first, or a link: NotPrivate, not used
                claim._linked = cls._claim(proj, linked)
            except ProjectInUse:
                claim.release()
                raise
            except OSError:  # no such folder can be made: the lock beside the name is all there is
                pass
        return claim

    @classmethod
    def _claim(cls, proj: Path, path: Path) -> ProjectLock:
        def make(fd: int) -> ProjectLock:
            claim = cls(path, fd, _me())
            claim._write()
            return claim

        try:
            claim = cls._take(path, lambda: _alive(read_owner(proj, path)), make)
        except Busy:
            holder = _mine.get(os.path.abspath(path))
            if holder is not None and holder.held:  # this process's own: its owner is known, not read
                raise ProjectInUse(proj, holder.owner, holder=holder) from None
            raise ProjectInUse(proj, read_owner(proj, path)) from None
        _mine[os.path.abspath(path)] = claim
        return claim

    def release(self) -> None:
        if self._linked is not None:
            self._linked.release()
            self._linked = None
        if self.held and _mine.get(os.path.abspath(self.path)) is self:
            del _mine[os.path.abspath(self.path)]
        super().release()

    def renamed(self, new: str | os.PathLike[str]) -> None:
        if _mine.get(os.path.abspath(self.path)) is self:
            del _mine[os.path.abspath(self.path)]
        super().renamed(new)
        _mine[os.path.abspath(new)] = self

    def moved_with(self, project: str | os.PathLike[str]) -> bool:
        """Whether the lock file beside ``project`` is the very file this claim holds (the project's folder was
        renamed or moved with the lock in it): the claim then takes that name and True is returned. Taking it
        anew would clash with this claim's own OS lock (another descriptor of the same file), read as another
        writer's."""
        new = lock_path(project)
        if self._fd is None:
            return False
        try:
            same = os.path.samestat(os.fstat(self._fd), os.stat(new))
        except OSError:
            return False
        if same:
            self.renamed(new)
        return same

    def _write(self) -> None:
        if self._fd is None:
            return
        o = self.owner
        data = (json.dumps({"pid": o.pid, "host": o.host, "user": o.user, "since": o.since,
                            "heartbeat": o.heartbeat}) + "\n").encode()
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, data)
        os.ftruncate(self._fd, len(data))

    def heartbeat(self) -> None:
        """Refresh the heartbeat (the owner is still here). Errors are ignored: the OS lock is what counts."""
        if self._fd is None:
            return
        self.owner = LockOwner(self.owner.pid, self.owner.host, self.owner.user, self.owner.since, time.time())
        with suppress(OSError):
            self._write()


def claim_to_write(project: str | os.PathLike[str], *, hint: str | None = None,
                   cannot: str = "cannot write beside it") -> ProjectLock:
    """Claim ``project`` for an operation that must write it, in the one line a user is shown when refused:
    ProjectInUse naming the holder, ending in ``hint`` (None: ProjectInUse's own advice), or OutputError
    ``<project>: <cannot> (<why>)`` where no lock file can be made (then nobody could write there anyway)."""
    p = Path(project)
    try:
        return ProjectLock.acquire(p)
    except ProjectInUse as exc:
        if hint is None:
            raise
        raise ProjectInUse(p, exc.owner, hint=hint, holder=exc.holder) from None
    except OSError as exc:
        raise OutputError(f"{p}: {cannot} ({exc.strerror or exc})") from None


@contextmanager
def claimed(project: str | os.PathLike[str], *, hint: str | None = None,
            cannot: str = "cannot write beside it") -> Iterator[ProjectLock]:
    """:func:`claim_to_write` for the length of a ``with`` block: let go when it ends, however it ends."""
    claim = claim_to_write(project, hint=hint, cannot=cannot)
    try:
        yield claim
    finally:
        claim.release()


def held_elsewhere(project: str | os.PathLike[str]) -> bool:
    """Whether another writer holds the project now: its lock is tried (taken for an instant and let go when free),
    so a writer killed since (kill -9 leaves its lock file, never its OS lock) does not count. Where that cannot be
    told (no lock file can be made), the owner in the file decides as for file systems without locks."""
    try:
        ProjectLock.acquire(project).release()
    except ProjectInUse:
        return True
    except OSError:
        return _alive(read_owner(project))
    return False


WAL_READ_BYTES = range(123, 128)  # SQLite's unix VFS: the -shm bytes a reader locks for its snapshot (WAL_READ_LOCK)


def wal_readers(project: str | os.PathLike[str]) -> list[str]:
    """Who holds a read transaction on the project now, which a checkpoint waits for: ``pid 4242 (merstudio)`` for
    each process holding a reader's lock on its ``-shm`` (Linux: /proc/locks), "this program" for this one; []
    where none is found or it cannot be told (another OS)."""
    shm = Path(f"{os.path.realpath(project)}-shm")
    try:
        st = os.stat(shm)
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids: list[int] = []
    for line in lines:
        f = line.split()
        # "4: POSIX  ADVISORY  READ 20361 fe:00:2147374 124 124"; waiters ("4: -> POSIX …") hold nothing yet
        if len(f) < 8 or f[1] != "POSIX" or f[5] != dev or not f[4].isdigit():
            continue
        try:
            start, end = int(f[6]), (int(f[7]) if f[7] != "EOF" else 1 << 62)
        except ValueError:
            continue
        pid = int(f[4])
        if start <= WAL_READ_BYTES[-1] and end >= WAL_READ_BYTES[0] and pid not in pids:
            pids.append(pid)
    return [_program(pid) for pid in pids]


def _program(pid: int) -> str:
    if pid == os.getpid():
        return "this program"
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        name, args = "", []
    if any(b"merstudio" in a for a in args[:3]):  # `merstudio …`, `python -m merstudio …`: not just "python"
        name = "merstudio"
    return f"pid {pid}" + (f" ({name})" if name else "")
