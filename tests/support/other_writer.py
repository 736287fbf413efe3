"""Another process at a project the test writes: a merstudio that opens it once and says how it got it (the second
opener), one that holds it open until told (the other writer), and a plain SQLite reader stopped in the middle of a
read transaction (a colleague's viewer: it holds back the fold of the journal). A real process, since the locks are
the OS's and a process's own second open is answered by its own bookkeeping, not by the lock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

# argv: the project, then `in_use` for Project.open ("" for its default); prints "in use", "read-only" or "writer"
OPENER = """
import sys
from merstudio.project import Project, ProjectInUse
try:
    q = Project.open(sys.argv[1], **({"in_use": sys.argv[2]} if sys.argv[2] else {}))
except ProjectInUse:
    print("in use")
else:
    print("read-only" if q.read_only else "writer")
    q.close()
"""

# the same open, held until a line comes on stdin (or the process is killed); prints how it opened, at once
HOLDER = """
import sys
from merstudio.project import Project
q = Project.open(sys.argv[1], **({"in_use": sys.argv[2]} if sys.argv[2] else {}))
print("read-only" if q.read_only else "writer", flush=True)
sys.stdin.readline()
q.close()
"""

# argv: the file, then a table to read; a read transaction begun by that read, held until a line comes on stdin
READER = """
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, isolation_level=None)
c.execute("BEGIN")
c.execute(f"SELECT COUNT(*) FROM {sys.argv[2]}").fetchone()
print("reading", flush=True)
sys.stdin.readline()
c.execute("COMMIT")
c.close()
"""


def open_elsewhere(path: Path, in_use: str = "") -> subprocess.CompletedProcess[str]:
    """Another process opens `path` and closes it; its stdout says how it opened ("in use" where it raised)."""
    return subprocess.run([sys.executable, "-c", OPENER, str(path), in_use], capture_output=True, text=True,
                          timeout=120)


@contextmanager
def _until_told(script: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """`script` run with `args` while the block runs, then sent the line that lets it end (a block that killed it
    loses nothing: the pipe's end is ignored)."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        yield proc
    finally:
        proc.communicate("\n", timeout=30)


def held_elsewhere(path: Path, in_use: str = "raise") -> AbstractContextManager[subprocess.Popen[str]]:
    """Another process holding `path` open while the block runs; read its first line ("writer") before relying
    on it. Told to close it afterwards."""
    return _until_told(HOLDER, str(path), in_use)


def reading_elsewhere(path: Path, table: str) -> AbstractContextManager[subprocess.Popen[str]]:
    """Another process in a read transaction of `path`, begun by reading `table`, while the block runs; read its
    first line ("reading") before relying on it. Told to end it afterwards."""
    return _until_told(READER, str(path), table)
