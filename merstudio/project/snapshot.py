"""A read-only snapshot of an open project for another thread to read: the project as it is now, whatever is
committed meanwhile (the app's exports in a worker, ``gui/exports.py``).

The cheap way, taken whenever it can be: a read-only connection of its own to the project file, its read
transaction pinned (``Project.pin_snapshot``): ~1 ms, whatever the project's size. It needs the file where it was
opened. A project moved or renamed while open (the app keeps it open, and SQLite goes on through its open file,
the journal ``-wal`` beside the old name) is reached by no path: a connection to its new place would read it
without its journal, and there is no file at the old one. The snapshot is then a copy made through the open
connection itself (SQLite's backup API, into memory): 60-160 ms and the project's size in memory for a 20-minute
video's project (36 000 rows with their landmarks, 170 MB), only after such a move, followed or not
(``Project.follow_move`` names the file's new place, but its journal stays beside the name SQLite opened).

Whether the file at the path is still the open project is asked before anything opens it
(``Project.at_its_path``: the file's device and inode as opened). Another file put under the name (a copy of the
project, another project) is never opened: beside the open project's journal, which it would take for its own, a
connection to it would read a mix of the two, and on closing fold that journal into the wrong file and delete it.
"""

from __future__ import annotations

from merstudio.project.store import Project

COPY_REASON = "a copy of the open project taken in memory (its file was moved or renamed while open)"


def read_snapshot(project: Project) -> Project:
    """A read-only Project of its own, pinned to ``project`` as it is now (see the module); the caller closes it.
    Safe to hand to another thread: nothing else uses its connection."""
    if not project.at_its_path():  # moved, renamed, or another file under its name
        return project.copy_in_memory(COPY_REASON)
    reader = Project.open(project.path, check=False, read_only=True, busy_timeout=project.busy_timeout)
    try:
        reader.pin_snapshot()
    except BaseException:
        reader.close()
        raise
    return reader

