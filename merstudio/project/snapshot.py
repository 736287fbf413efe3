"""A read-only snapshot of an open project for another thread to read: the project as it is now, whatever is
committed meanwhile (the app's exports in a worker, ``gui/exports.py``).

The cheap way, taken whenever it can be: a read-only connection of its own to the project file, its read
transaction pinned (``Project.pin_snapshot``): ~1 ms, whatever the project's size. It needs the file where it was
opened. A project moved or renamed while open (the app keeps it open, and SQLite goes on through its open file,
the journal ``-wal`` beside the old name) is reached by no path: a connection to its new place would read it
without its journal, and there is no file at the old one. The snapshot is then a copy made through the open
connection itself (SQLite's backup API, into memory): 60-160 ms and the project's size in memory for a 20-minute
video's project (36 000 rows with their landmarks, 170 MB), only after such a move.

Whether the file at the path is still the open project is asked before anything opens it: its file (device and
inode) is one this process has open. Another file put under the name (a copy of the project, another project) is
never opened: beside the open project's journal, which it would take for its own, a connection to it would read
a mix of the two, and on closing fold that journal into the wrong file and delete it.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress

from merstudio.project.store import Project

COPY_REASON = "a copy of the open project taken in memory (its file was moved or renamed while open)"


def open_here(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is one this process has open (its device and inode among the open files').
    Where the open files cannot be listed (no /dev/fd: Windows, where a file SQLite has open cannot be moved or
    replaced), whether a file is there."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    try:
        fds = os.listdir("/dev/fd")
    except OSError:
        return True
    for name in fds:
        with suppress(OSError, ValueError):  # closed since listed (the listing's own), or not a number
            f = os.fstat(int(name))
            if (f.st_dev, f.st_ino) == (st.st_dev, st.st_ino):
                return True
    return False


def read_snapshot(project: Project) -> Project:
    """A read-only Project of its own, pinned to ``project`` as it is now (see the module); the caller closes it.
    Safe to hand to another thread: nothing else uses its connection."""
    if not open_here(project.path):  # moved, renamed, or another file under its name
        return _copy(project)
    reader = Project.open(project.path, check=False, read_only=True, busy_timeout=project.busy_timeout)
    try:
        reader.pin_snapshot()
    except BaseException:
        reader.close()
        raise
    return reader


def _copy(project: Project) -> Project:
    """The open project copied into memory through its own connection (the backup API, at once)."""
    mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        with project._lock:
            project._con.backup(mem)
        mem.execute("PRAGMA query_only = ON")
    except BaseException:
        mem.close()
        raise
    return Project(project.path, mem, read_only_reason=COPY_REASON, busy_timeout=project.busy_timeout)
