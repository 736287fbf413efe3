"""Who has a project open for writing: ``<name>.merproj.lock`` beside the project.

The writer holds an OS lock on that file (flock; msvcrt on Windows) for as long as the project is open, and keeps
its owner in it as one line of JSON: pid, host, user, when it was opened and a heartbeat (refreshed by
:meth:`ProjectLock.heartbeat`; the app does it every minute). A second opener, in this process or another, finds
the lock taken and learns who holds it, so it can open the project read-only or say who to ask. A kill releases the
OS lock with the process, so a lock file left behind never blocks the next opener; a clean close removes it.

Where the file system has no working locks (some network shares), the owner in the file decides instead: on this
host a live pid, on another host a heartbeat younger than :data:`STALE_AFTER` seconds.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from merstudio.errors import InputError
from merstudio.locks import Busy, LockFile, pid_alive

LOCK_SUFFIX = ".lock"
HEARTBEAT_EVERY = 60.0  # seconds between heartbeats of an open project (the app's timer)
STALE_AFTER = 5 * HEARTBEAT_EVERY  # without OS locks: an owner on another host silent this long is gone


def lock_path(project: str | os.PathLike[str]) -> Path:
    p = Path(project)
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
    """The project is open for writing elsewhere (another window, instance or program). ``owner``: who, when known."""

    def __init__(self, project: Path, owner: LockOwner | None,
                 hint: str = "open it read-only, or close it there first") -> None:
        self.project, self.owner = project, owner
        who = owner.describe() if owner else "another program"
        super().__init__(f"{project}: in use by merstudio ({who}); {hint}")


def read_owner(project: str | os.PathLike[str]) -> LockOwner | None:
    """The owner written in the project's lock file (None: no file, or not readable)."""
    try:
        text = lock_path(project).read_text(encoding="utf-8", errors="replace")
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


class ProjectLock(LockFile):
    """This process's claim on a project; :meth:`acquire` raises ProjectInUse when someone else has it. The lock
    itself is :mod:`merstudio.locks`'s (shared with the analysis results' ``FileClaim``)."""

    def __init__(self, path: Path, fd: int, owner: LockOwner) -> None:
        super().__init__(path, fd)
        self.owner = owner

    @classmethod
    def acquire(cls, project: str | os.PathLike[str]) -> ProjectLock:
        """Claim the project. OSError when the lock file cannot be made (a read-only folder: the caller opens the
        project read-only then)."""
        proj = Path(project)

        def make(fd: int) -> ProjectLock:
            claim = cls(lock_path(proj), fd, _me())
            claim._write()
            return claim

        try:
            return cls._take(lock_path(proj), lambda: _alive(read_owner(proj)), make)
        except Busy:
            raise ProjectInUse(proj, read_owner(proj)) from None

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
