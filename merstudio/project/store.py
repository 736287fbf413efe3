"""The project file: one SQLite database (stdlib sqlite3) holding videos, analysis results, events and settings.

Crash safety comes from SQLite itself: WAL journal, synchronous=FULL, and every edit in its own transaction, so a
kill -9 at any moment loses no committed edit and never leaves a broken file (tests/project/test_crash.py kills a
writer process to prove it). ``save()`` additionally writes a consistent copy to ``<name>.bak`` with the backup API.
The journal is folded into the file by ``fold_journal`` (the app, every few seconds), ``save()``, ``close()`` and a
commit that leaves more than :data:`JOURNAL_FOLD_AT` bytes in it (a CLI batch, an analysis storing per-frame rows),
so a copy of the file alone made while it is open is little behind; all of them through ``_fold``, never half-way
while a reader holds an older snapshot (the file alone would be no database then). SQLite's own automatic
checkpoint is off on the writer's connection: it folded every ~4 MB of journal whatever readers held.

Nothing in this process reads the project file but SQLite: its header too is SQLite's to read (``open`` takes
SQLite's "not a database" for a file that is not one; ``killed_before_created`` reads through an immutable
connection). On POSIX, closing any descriptor of a file drops every lock the process holds on it, those of SQLite's
open connections included (SQLite keeps its own descriptors open while a connection of the process holds a lock).
The app opens its own project again and again (its curve loader, export snapshots), and a header read with a plain
open() stripped its writer of its locks: the next outside reader (``merstudio project show``) took itself for the
last user, folded and deleted the ``-wal`` and ``-shm``, and the writer's later edits went into a journal nobody
could see, lost on a crash (tests/project/test_outside_reader_kill.py). A file that is not ours is refused before
the writer's connection is made one (WAL): it is left byte for byte as it was.

The connection is shared between threads (the GUI's analysis worker appends frames while the GUI reads), so every
operation takes one re-entrant lock.

Faults: an edit that fails (full disk, a lock held by another program, a read-only file) rolls back as a whole and
raises a one-line OutputError; the connection stays usable. SQLite waits at most ``busy_timeout`` seconds for a lock
another program holds (the app uses a fraction of a second, so its GUI thread never hangs on one).

One writer: opening for writing claims the project (``<name>.merproj.lock``, see merstudio.project.lock); a second
opener gets it read-only (``read_only`` and ``read_only_reason`` say why) or, with ``in_use="raise"``, a
ProjectInUse naming the owner. A second opener in this very process (a notebook cell ``project = Project.open(p)``
run again: the earlier object still holds the claim while the cell runs) is told so, not pointed at a process: the
earlier object has it, close() it first; and once that one is closed or dropped, the second takes its place as the
writer at its next edit (or ``read_only`` check), where it was opened with ``read_only`` left None. A project in a read-only location opens read-only too, as does one with SQLite
side files beside it that this process cannot write (another user's reader made them: merstudio.project.sidefiles
removes them when unused, else the reason names them). Opening checks the tables
and columns against the schema version (a file missing its ``events`` table is refused in one line) and, as the
writer, removes what a killed ``save()`` left (``<name>.bak.tmp``, temporaries of the backup and their journals).

A file an older merstudio made is upgraded by its writer's open, in one transaction, after the file as it was is
copied beside it (``<stem> (merstudio schema N).merproj``, which that merstudio opens and ``save()`` never replaces;
no copy, no upgrade); ``upgrade_note`` says so, and a ProjectUpgraded warning (the CLI's one line on stderr).

Analysis runs (schema 6): a video has one active run, the one every reader sees, and at most one previous run a
re-run kept so that the re-run can be undone (``begin_analysis``, ``previous_analysis``, ``set_active_analysis``).
A re-run that fails, is interrupted or is cancelled never replaces a complete run: ``restore_complete_run`` (the
GUI, after a failure or a cancel; the writer's open, after a kill) makes the complete one active again and keeps the
partial one inactive (``set_aside_cancelled_reruns``: those an older app left active).

Space: deleted rows (a removed video, a replaced run) leave free pages, which SQLite reuses but never gives back;
``compact()`` does (VACUUM through the journal: a kill leaves the file as it was or compacted), ``close()`` does it
by itself when over half the file is free, and the backup and Save As are written compacted (VACUUM INTO). Opening
reads the whole file (SQLite's quick_check), except for the app (``fast``): there only where that is cheap or the
last close was not clean (:data:`CHECK_ALWAYS_BELOW`, :func:`left_open`), the rest in a worker. A damaged page met
by any read or write later is the open's one line (:class:`ProjectDamaged`, through :class:`_Connection`).

A file moved or renamed while open is followed (``follow_move``: its new name from this process's open descriptor
of it, Linux), so that the backup, and whatever is named after the project, go beside it; the writer's lock goes
with it, and where another writer opened the new name first it is not followed (``move_refused``).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from merstudio.atomic import atomic_path, name_bytes, name_max, remove_old_files, remove_stale_temps
from merstudio.errors import InputError, OutputError
from merstudio.project import sidefiles
from merstudio.project.analyses import (
    BASE_COLUMNS,
    Analysis,
    AnalysisTables,
    FaceChange,
    _is_landmark,
    _num,
    _owner,
    _owner_gone,
)
from merstudio.project.behaviours import BehaviourTables
from merstudio.project.event_store import EventTables, _stored_id
from merstudio.project.events import Event
from merstudio.project.integrity import trigger_note
from merstudio.project.lock import (
    PROJECT,
    ProjectInUse,
    ProjectLock,
    claim_to_write,
    claimed,
    lock_path,
    wal_readers,
)
from merstudio.project.overlays import Overlay, OverlayTables
from merstudio.project.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, WRITTEN_UNTIL, schema_problem
from merstudio.project.settings import (
    VIDEO_SETTING_PREFIXES,
    SettingTables,
    _put_settings,
    coded_key,
    video_setting_keys,
)
from merstudio.project.videos import (
    MIB,
    VIDEO_SUFFIXES,
    Video,
    VideoTables,
    _folder_hash,
    _relpath,
    content_hash,
)

# Importable from here, where they were defined before Project's tables became mixins (the GUI, the CLI and the
# tests import them from here).
__all__ = ["BASE_COLUMNS", "MIB", "VIDEO_SETTING_PREFIXES", "VIDEO_SUFFIXES", "Analysis", "FaceChange", "Overlay",
           "Video", "_folder_hash", "_is_landmark", "_num", "_put_settings", "_relpath", "_stored_id",
           "coded_key", "content_hash", "video_setting_keys"]

PROJECT_SUFFIX = ".merproj"
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds SQLite waits for a lock held by another program (was 30: the GUI froze)
SAVE_RETRY = 1.0  # seconds save() tries again to fold the journal in while a reader holds it (beyond busy_timeout)
# bytes of journal past which a commit folds it in (_fold_when_grown): SQLite's own automatic checkpoint (~1000
# pages, 4 MiB) is off, as it folded half-way past a reader's snapshot; the -wal is cut back to this after a fold
JOURNAL_FOLD_AT = 4 * MIB
# a project up to this size is checked whole (SQLite's quick_check, which reads every page) at every open, the
# app's too: a fraction of a second; a bigger one the app opens (``fast``) only where it was not closed cleanly
# (:func:`left_open`): the check took 4 s for a 273 MB project, on the GUI thread, and grows with the file; the app
# checks it in a worker after the open
CHECK_ALWAYS_BELOW = 64 * MIB
# close() compacts (:meth:`Project.compact`) a project whose free pages are over half the file and at least this
# many bytes: what a removed video or a replaced run left, which SQLite never gives back by itself
COMPACT_ON_CLOSE_AT = 4 * MIB


def _location_writable(p: Path) -> bool:
    """Can the project and the files SQLite keeps beside it be written? (root too: a read-only mount or an
    immutable file says no.)"""
    real = Path(os.path.realpath(p))  # SQLite keeps its side files beside the real file, a link followed
    return os.access(real, os.W_OK) and os.access(real.parent, os.W_OK)


def _damaged(p: Path, what: object) -> str:
    """The one line for a damaged project; its backup (``save()``'s) named only when there is one."""
    bak = p.with_name(p.name + ".bak")
    return f"{p}: project file is damaged ({what})" + (f"; try {bak.name}" if bak.is_file() else "")


class ProjectDamaged(InputError):
    """A damaged page found while an open project was read or written (SQLite's "database disk image is malformed",
    "file is not a database"): the same one line as an open that finds it (:func:`_damaged`, the backup named).
    ``cause`` is SQLite's own words. Not an sqlite3.Error: no handler of a disk or lock fault takes it for one
    (an edit's "not saved", compact's "needs about N MB free")."""

    def __init__(self, path: Path, cause: object) -> None:
        super().__init__(_damaged(path, cause))
        self.path, self.cause = path, str(cause)


class ProjectClosed(InputError, sqlite3.ProgrammingError):
    """A project used after its close(): SQLite's bare "Cannot operate on a closed database." as one line naming the
    file. Still the sqlite3.ProgrammingError it was, so that a reader that meets a project closed meanwhile and takes
    an sqlite3.Error for "cannot be read now" (the app's watch of another writer's commits) still does."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: the project is closed (close() was called, or its with-block ended); open it "
                         "again with Project.open")
        self.path = path


def _is_damage(exc: BaseException) -> bool:
    """SQLite's error for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB), not for a disk, a lock or a bad query."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text


class _Cursor(sqlite3.Cursor):
    """A cursor of a project's connection (:class:`_Connection`): SQLite's damage error, from a statement or from a
    row read, becomes :class:`ProjectDamaged`; every other error is as SQLite raised it."""

    connection: _Connection

    def _damage(self, exc: sqlite3.DatabaseError) -> BaseException:
        # closed first: the traceback keeps this frame, and so this cursor, alive, and SQLite defers the close of a
        # connection with a statement not finalized (its -wal and -shm stayed beside the file while a caller held
        # the error: an upgrade refused on a full disk left them)
        with suppress(sqlite3.Error):
            self.close()
        return self.connection.damage(exc)

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> _Cursor:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            raise self._damage(exc) from None


class _Connection(sqlite3.Connection):
    """Every project connection (:meth:`Project._connect`, ``_connect_ro``): the one place every query of the
    project and its table mixins goes through, so that a damaged page read or written any time after the open is
    the open's one line (:class:`ProjectDamaged`), not a raw sqlite3.DatabaseError (a traceback in the CLI, "reading
    failed" in the app). A big project closed cleanly is not read whole at open (:data:`CHECK_ALWAYS_BELOW`): its
    damage is found here. Until a Project owns it (``owner``), errors stay SQLite's: :meth:`Project.open` words
    them itself ("not a merstudio project", "damaged")."""

    owner: Callable[[], Project | None] | None = None

    def damage(self, exc: sqlite3.DatabaseError) -> BaseException:
        """`exc` as the project's one line where it means damage and a Project owns this connection, else as is."""
        proj = self.owner() if self.owner is not None else None
        if proj is None or not _is_damage(exc):
            return exc
        return ProjectDamaged(proj.path, exc)

    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        try:
            return super().cursor(factory)
        except sqlite3.ProgrammingError:
            proj = self.owner() if self.owner is not None else None
            if proj is not None and proj.closed:  # every query of the project and its mixins comes here first
                raise ProjectClosed(proj.path) from None
            raise

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> _Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        return self.cursor().executescript(sql_script)


def killed_before_created(path: str | os.PathLike[str]) -> bool:
    """A file a creation killed at once left, which ``create`` (and ``project new``) may make afresh: 0 bytes
    (SQLite had not written yet), or SQLite's first page alone, with no application id and no table (killed before
    the id was set). Nothing is written beside it: the header is read through an immutable SQLite connection (no
    journal, no lock; see :func:`_immutable`); a journal with anything in it (what was committed may be there)
    makes it a project like any other."""
    found = _unmade(path)
    return found is not None and found[0] <= found[1]  # 0 bytes, or one page


def holds_no_project(path: str | os.PathLike[str]) -> bool:
    """An empty project file, as ``open`` read-only calls it ("an empty project file"): 0 bytes, or an SQLite file
    of any size with no application id and no table (a killed creation's first page, or a file another program
    made and emptied), and no journal with anything in it. The writer's open makes it a new project; a command
    that does not create projects refuses it (merstudio.cli.project.refuse_unmade). Read as killed_before_created
    reads it: nothing written."""
    return _unmade(path) is not None


def _unmade(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(size, page size) of a file that holds no project yet (0 bytes, or SQLite with no application id and no
    table, no journal with anything in it); None for anything else (a project, another program's file, a file
    that is not SQLite, none)."""
    p = Path(path)
    try:
        if not p.is_file():
            return None
        size = p.stat().st_size
        if size == 0:
            return 0, 0
        if any(q.exists() and q.stat().st_size > 0 for q in (Path(f"{p}-wal"), Path(f"{p}-journal"))):
            return None
        con = _immutable(p)
        try:
            page = int(con.execute("PRAGMA page_size").fetchone()[0])
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            tables = con.execute("SELECT 1 FROM sqlite_master").fetchone()
        finally:
            con.close()
    except (OSError, sqlite3.Error):  # not an SQLite file (SQLite: "file is not a database"), or unreadable
        return None
    return (size, page) if app_id == 0 and tables is None else None


def left_open(path: str | os.PathLike[str]) -> bool:
    """Whether the project was not closed cleanly the last time, or is open now: a journal with something in it
    (``-wal``) or a rollback journal (``-journal``) beside it, or its lock file (a clean close removes it; a kill,
    a crash or a power cut leaves it). Such a file is checked whole when it is opened (:data:`CHECK_ALWAYS_BELOW`).
    Asked before the opener makes its own lock file."""
    real = Path(os.path.realpath(path))  # SQLite's side files and the lock are beside the real file
    try:
        wal = Path(f"{real}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return True
        return Path(f"{real}-journal").exists() or lock_path(real).exists()
    except OSError:  # cannot be told: as if it was
        return True


def _immutable(p: Path) -> sqlite3.Connection:
    """A connection that reads ``p`` as it is on disk (its journal aside), creating and locking nothing: how the
    project file is read without a descriptor of our own (see the module's notes)."""
    return sqlite3.connect(f"{p.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)


# bytes free below which an I/O error opening a project is taken for a full disk: its -shm alone takes 32 kB (on a
# tmpfs, 16 kB free failed every open with SQLITE_IOERR_SHMSIZE, "disk I/O error"; 32 kB opened it), its journal more
LOW_SPACE = 1 << 20


def _free_bytes(folder: Path) -> int | None:
    """What the user may still write on `folder`'s file system (statvfs), None where that cannot be told."""
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # gone, or no statvfs (Windows)
        return None
    return st.f_bavail * st.f_frsize


def _no_space(p: Path, exc: BaseException) -> str:
    """The one line for a project that cannot be opened because its disk is full ("" where the fault is another):
    SQLite says only "disk I/O error" when it cannot grow its -shm, which read as a damaged project, with advice
    (the backup) that dropped every edit since the last save."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    free = _free_bytes(p.parent)
    full = primary == sqlite3.SQLITE_FULL or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)
    if not full and not (primary == sqlite3.SQLITE_IOERR and free is not None and free < LOW_SPACE):
        return ""
    left = f" ({free // 1000} kB free)" if free is not None else ""
    return (f"cannot open {p}: no space left on {p.parent}{left}; the project is not damaged: free some space there "
            "and open it again")


def _not_a_database(exc: BaseException) -> bool:
    """SQLite's answer for a file that is not an SQLite database (or whose header is wrecked)."""
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB or "not a database" in str(exc)


def _not_ours(p: Path) -> str:
    """The one line for a file SQLite cannot read as a database; its header is not read by us (see
    :func:`_immutable`), so where a backup is beside it, it may be a project with a wrecked first page."""
    bak = p.with_name(p.name + ".bak")
    return f"{p}: not a merstudio project (not an SQLite database)" + (
        f"; if it was one, it is damaged: try {bak.name}" if bak.is_file() else "")


class ProjectUpgraded(UserWarning):
    """Opening upgraded a project an older merstudio made (``Project.upgrade_note`` says it): the CLI prints it as
    one line on stderr (its warnings are lines), the app in its status bar."""


def original_copy(p: Path, version: int) -> Path:
    """Where an upgrade keeps the file as it was: ``<stem> (merstudio schema N).merproj`` beside it, a project the
    older merstudio opens as its own and its file dialog lists (``*.merproj``); never ``<name>.bak``, which
    ``save()`` replaces. A name already taken (another upgrade's copy) gets a number: nothing is overwritten. The
    kept copy upgraded in its turn is kept as ``<stem> (merstudio schema N, 2)``, its suffix not repeated."""
    stem = re.sub(r" \(merstudio schema \d+(, \d+)?\)$", "", p.stem) or p.stem
    base = f"{stem} (merstudio schema {version}"
    for n in range(1, 1000):
        q = p.with_name(f"{base}{'' if n == 1 else f', {n}'}){p.suffix}")
        if not any(Path(f"{q}{s}").exists() for s in ("", "-wal", "-journal")):
            return q
    raise OutputError(f"{p}: too many copies named {base}…) beside it")


def upgrade_note(p: Path, version: int, copy: Path) -> str:
    """The one line that says an upgrade was made and where the original is."""
    return (f"upgraded {p.name} from schema {version} (merstudio of {WRITTEN_UNTIL.get(version, 'an unknown day')}"
            f" or earlier) to schema {SCHEMA_VERSION}; the original is kept as {copy.name}, which that merstudio "
            "opens")


class NeedsUpgrade(InputError):
    """A project of an older schema opened read-only: it is read at this version's schema only, so it must be
    upgraded first, which needs a writer (a reader that may write opens it again without ``read_only``, as
    ``project show`` does; one that only reads and cannot write it reads :meth:`Project.open_upgraded_copy`).
    ``version``: the file's schema; ``reason``: why it was not opened for writing; ``remedy`` ("" for none): what
    the user can do (close the program that has it; copy it to a folder that can be written), also in the message."""

    def __init__(self, path: Path, version: int, reason: str, in_use: bool = False) -> None:
        remedy = ("close it there, or copy it to another folder and open the copy" if in_use else
                  "copy it to a folder you can write and open the copy"
                  if reason.startswith(("read-only location", "cannot write beside it")) else "")
        super().__init__(f"{path}: made by an older merstudio (schema {version}); upgrading it needs write access "
                         f"({reason}){f': {remedy}' if remedy else ''}")
        self.path, self.version, self.reason, self.remedy = path, version, reason, remedy


def _is_write_fault(exc: BaseException) -> bool:
    """A fault of the disk or of a lock (not of the data): the edit fails with a message, nothing else changes."""
    return isinstance(exc, (sqlite3.OperationalError, OSError)) or type(exc) is sqlite3.DatabaseError


def _file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, None where there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _current_name(file_id: tuple[int, int]) -> Path | None:
    """The name the file (device, inode) has now, read from this process's open descriptors of it (Linux's
    /proc/self/fd); None where that cannot be told (another OS) or no name reaches it (deleted)."""
    fds = Path("/proc/self/fd")
    try:
        names = os.listdir(fds)
    except OSError:
        return None
    for fd in names:
        try:
            st = os.fstat(int(fd))
            if (st.st_dev, st.st_ino) != file_id:
                continue
            p = Path(os.readlink(fds / fd))
        except (OSError, ValueError):  # closed meanwhile, or not a number
            continue
        if p.is_absolute() and _file_id(p) == file_id:  # a deleted file's link ("… (deleted)") names nothing
            return p
    return None


def _fault_text(exc: BaseException) -> str:
    """A write fault in a few plain words."""
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the project is locked by another program; try again"
    if "readonly" in text or "read-only" in text:
        return "the file cannot be written"
    if "full" in text:
        return "the disk is full"
    return text


class Project(SettingTables, VideoTables, AnalysisTables, OverlayTables, EventTables, BehaviourTables):
    """An open project file. Create with :meth:`create`, open with :meth:`open`; close with :meth:`close`.

    ``read_only`` is True when it was opened read-only (asked for, in use by another opener, or in a read-only
    location; ``read_only_reason`` says which): every write then raises a one-line OutputError.

    Here: opening, locking, migrating, transactions, saving and closing. Its tables' methods come from mixins, one
    module each (on merstudio.project.base.StoreBase): settings and coders (merstudio.project.settings), videos
    (.videos), analysis runs and face tracks (.analyses), overlays (.overlays), events and proposals
    (.event_store), behaviours (.behaviours)."""

    def __init__(self, path: Path, con: sqlite3.Connection, read_only_reason: str = "",
                 claim: ProjectLock | None = None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.path = path  # where the file is (follow_move updates it when the file moved while open)
        self._opened_path = path  # the name SQLite opened it by: its -wal and -shm stay beside that name
        self._con = con
        self._own(con)
        self._lock = threading.RLock()
        self._in_transaction = False  # inside transaction(): each edit is a savepoint of its one transaction
        self._claim = claim
        if claim is not None:
            claim.mark(PROJECT)
        # a project dropped without close() must not keep its claim (this process could not reopen it)
        self._release_claim = weakref.finalize(self, claim.release) if claim is not None else None
        # read-only only because an earlier Project object of this process holds the claim: this one takes its
        # place once it lets go (read_only, _take_over)
        self._earlier: ProjectLock | None = None
        self._closed = False
        self._read_only_reason = read_only_reason
        # {run id: the thread storing its rows} from begin_analysis to finish_analysis, in this process (the one
        # writer): only that thread may edit the run's faces meanwhile (a redo of a merge mid-run half-merged them)
        self._storing: dict[int, int] = {}
        # read-only because another writer holds it (it may be opened for writing once they let go of it)
        self.in_use_elsewhere = False
        self.busy_timeout = float(busy_timeout)
        self.removed_leftovers: list[Path] = []  # what a killed save() had left, removed on open
        # opening upgraded a file of an older schema: which, the copy of it kept as it was, and the line saying so
        self.upgraded_from: int | None = None
        self.upgrade_copy: Path | None = None
        self.upgrade_note = ""
        self.interrupted_analyses: list[int] = []  # analyses found "running" by a process gone, marked on open
        # {video id: its complete run} made active again on open, over an interrupted re-run (restore_complete_run)
        self.restored_analyses: dict[int, int] = {}
        self.coder = ""  # default coder for edits; the GUI sets it once per session
        # (device, inode) of the file as opened: whether `path` still names it (at_its_path); None for a copy
        self._file_id: tuple[int, int] | None = None
        self._registered = False  # counted among this process's openers of the file (merstudio.project.sidefiles)
        self._tidy = False  # a reader that cannot write the file: removes SQLite's side files on close when unused
        # folders the user found a moved video in this session (locate_missing): locate_video looks there too, so a
        # read-only project, which stores no new path, still finds the videos moved with it
        self.search_dirs: list[Path] = []
        # the file was moved to a name another writer had opened meanwhile: not followed (follow_move), who has it
        self.move_refused: ProjectInUse | None = None
        self.unsaved_note = ""  # the last save() could not fold the journal into the file: why, in one line
        self._folded_at = -1  # the connection's total_changes when the journal was last all folded in (fold_journal)
        self._fold_refused_at = 0  # the journal's size when a commit's fold was last kept from it (_fold_when_grown)
        # the connection's total_changes and the backup's (device, inode) when save() last wrote it (backup_holds_all)
        self._backed_up: tuple[int, tuple[int, int] | None] | None = None
        self.checked_whole = False  # open() ran SQLite's quick_check over the whole file (see CHECK_ALWAYS_BELOW)
        self.compacted_on_close: tuple[int, int] | None = None  # close() compacted it: (bytes before, after)

    def __repr__(self) -> str:
        # what a notebook shows: the file and its state, nothing read from it
        state = ("closed" if self._closed else
                 f"read-only: {self._read_only_reason}" if self._read_only_reason else "open")
        return f"<Project {str(self.path)!r} {state}>"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called: every use since is a :class:`ProjectClosed` line."""
        return self._closed

    @property
    def read_only(self) -> bool:
        """Whether edits are refused (``read_only_reason`` says why). One opened read-only only because an earlier
        Project object of this program had it (:meth:`open` with ``read_only`` None) becomes the writer here once
        that one is closed or dropped (:meth:`_take_over`): every edit asks this first."""
        return bool(self.read_only_reason)

    @property
    def read_only_reason(self) -> str:
        """Why edits are refused ("" when they are not): as of now (see :attr:`read_only`)."""
        if self._earlier is not None and not self._earlier.held:
            self._take_over()
        return self._read_only_reason

    @read_only_reason.setter
    def read_only_reason(self, reason: str) -> None:
        self._read_only_reason, self._earlier = reason, None  # a reason given: it stays what it says

    def _take_over(self) -> None:
        """Become the writer in the place of this process's earlier Project object, now closed or dropped: claim the
        project and open a writer's connection to it in place of the reader's, as :meth:`open` does. Where that cannot
        be (another writer came first, a trigger, side files this process cannot write), it stays read-only and the
        reason says the new why."""
        with self._lock:
            earlier, self._earlier = self._earlier, None
            if earlier is None or earlier.held:
                self._earlier = earlier
                return
            if self._closed or not self.at_its_path() or self._con.in_transaction:
                return  # moved, replaced, or a snapshot pinned: stays what it was opened as
            p = self.path
            try:
                claim = ProjectLock.acquire(p)
            except ProjectInUse as exc:
                self._read_only_reason, self._earlier = exc.reason(), exc.holder
                return
            except OSError as exc:
                self._read_only_reason = f"cannot write beside it ({exc.strerror or exc})"
                self.in_use_elsewhere = False
                return
            con: sqlite3.Connection | None = None
            try:
                if blocked := sidefiles.unwritable(p):
                    why = sidefiles.blocking(p, blocked)
                else:
                    con = self._connect(p, self.busy_timeout)
                    version = int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])
                    why = trigger_note(con, version, p)
            except (OSError, sqlite3.Error) as exc:
                why = f"cannot write it ({_fault_text(exc)})"
            if why or con is None:
                if con is not None:
                    con.close()
                claim.release()
                self._read_only_reason, self.in_use_elsewhere = why, False
                return
            reader, self._con = self._con, con
            self._own(con)
            with suppress(sqlite3.Error):
                reader.close()
            self._claim = claim
            claim.mark(PROJECT)
            self._release_claim = weakref.finalize(self, claim.release)
            self._read_only_reason, self.in_use_elsewhere = "", False
            # runs the earlier object left "running" can no longer grow: as a writer's open marks them
            self.interrupted_analyses += self._interrupt_orphaned_analyses()

    def _own(self, con: sqlite3.Connection) -> None:
        """From now on a damaged page `con` meets is this project's one line (:class:`_Connection`)."""
        if isinstance(con, _Connection):
            con.owner = weakref.ref(self)

    def _registered_as(self, tidy: bool) -> None:
        """The opener's registration (made before its connection: sidefiles.register) is now this project's,
        given up by close()."""
        self._registered, self._tidy = True, tidy

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(cls, path: str | os.PathLike[str], overwrite: bool = False,
               busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Project:
        """A new, empty project. ``overwrite`` replaces an existing file, unless someone has it open
        (ProjectInUse)."""
        p = Path(path)
        if p.exists() and not overwrite and not killed_before_created(p):  # a creation killed at once: made again
            raise OutputError(f"{p}: already exists")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{p}: cannot create project ({exc.strerror or exc})") from None
        claim = claim_to_write(p, hint="close it there before replacing it", cannot="cannot create project")
        try:
            for q in (p, Path(f"{p}-wal"), Path(f"{p}-shm"), Path(f"{p}-journal")):
                q.unlink(missing_ok=True)
            # made here, empty, with 0666 less the umask: SQLite creates its file 0644 whatever the umask (a group
            # colleague under umask 002 could only read the project), and gives its -wal/-shm the file's own mode
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666))
            sidefiles.register(p)  # before SQLite opens the -shm (see sidefiles)
            try:
                con = cls._connect(p, busy_timeout)
            except BaseException:
                sidefiles.unregister(p)
                raise
        except (OSError, sqlite3.Error) as exc:
            claim.release()
            raise OutputError(f"{p}: cannot create project ({_fault_text(exc)})") from None
        proj = cls(p, con, claim=claim, busy_timeout=busy_timeout)
        proj._file_id = _file_id(p)
        proj._registered_as(tidy=False)
        try:
            with proj._lock:
                con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            proj._migrate(0)
        except BaseException as exc:
            proj.close()
            # the file made above holds nothing yet: removed, so that a retry (or the app's other place) starts
            # clean; left (a full disk or quota), it was opened next time as a new project, which failed again
            with suppress(OSError):
                p.unlink()
            if isinstance(exc, sqlite3.Error):  # the first page not written (a full disk): not a raw sqlite3 error
                raise OutputError(f"{p}: cannot create project ({_fault_text(exc)})") from None
            if isinstance(exc, OutputError):
                raise OutputError(str(exc).replace(": the edit was not saved (", ": cannot create project (", 1)) \
                    from None
            raise
        return proj

    @classmethod
    def open(cls, path: str | os.PathLike[str], check: bool = True, *, read_only: bool | None = None,
             in_use: str = "read-only", busy_timeout: float = DEFAULT_BUSY_TIMEOUT, fast: bool = False) -> Project:
        """Open a project file, refusing (InputError, one line) one that is not ours, damaged, missing tables or
        columns of its schema version, or newer than this merstudio.

        A 0-byte file (a creation killed before SQLite wrote its first page) is a new, empty project to the writer.

        ``read_only``: None (default) opens it for writing when possible, else read-only with the reason in
        ``read_only_reason`` (in a read-only location; open for writing elsewhere, unless ``in_use="raise"``,
        which raises ProjectInUse naming the owner instead); where that writer is an earlier Project object of this
        very process (a notebook cell run again), the reason says so, and this one becomes the writer once that one
        is closed or dropped (see :attr:`read_only`). True opens it read-only. False opens it for writing
        or raises (ProjectInUse; OutputError for a read-only location). The writer removes what a killed
        ``save()`` left beside the file.

        ``check``: SQLite's quick_check reads the whole file (the CLI, a notebook: a command is not interactive; 1 s
        for a 273 MB project). ``fast`` (the app, which must draw at once): only below :data:`CHECK_ALWAYS_BELOW` or
        after an unclean close (:func:`left_open`); ``checked_whole`` says whether it ran, and the app runs
        :func:`quick_check` in a worker after the open. Damage found later, by any read or write, is the same one
        line (:class:`ProjectDamaged`)."""
        p = Path(path)
        if in_use not in ("read-only", "raise"):
            raise ValueError(f"in_use must be 'read-only' or 'raise', not {in_use!r}")
        if p.is_dir():
            raise InputError(f"{p}: a folder, not a project file (.merproj)")
        if not p.is_file():
            raise InputError(f"{p}: no such project file")
        # the header is read by SQLite below, never by a descriptor of ours (see _immutable); an empty file was
        # created but killed before SQLite wrote its first page -> a new project, made by the writer
        try:
            size = p.stat().st_size
            empty = size == 0
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
        if not os.access(p, os.R_OK):  # what the open() said (SQLite would say "unable to open database file")
            raise InputError(f"{p}: cannot read ({os.strerror(errno.EACCES)})")
        # the whole file is read by the check only where that is cheap or the last close was not clean (asked
        # before our own lock file exists): see CHECK_ALWAYS_BELOW
        check_whole = check and (not fast or size < CHECK_ALWAYS_BELOW or left_open(p))
        reason, claim, in_use_elsewhere = "", None, False
        earlier: ProjectLock | None = None  # this process's own earlier Project object holds it (see _take_over)
        if read_only:
            reason = "opened read-only"
        elif not _location_writable(p):
            reason = "read-only location: the file or its folder cannot be written"
        else:
            try:
                claim = ProjectLock.acquire(p)
            except ProjectInUse as exc:
                if read_only is False or in_use == "raise":
                    raise
                reason, in_use_elsewhere, earlier = exc.reason(), True, exc.holder
            except OSError as exc:  # no lock file beside it: nobody can write there, nor can we
                reason = f"cannot write beside it ({exc.strerror or exc})"
            # SQLite's side files left by a reader who could not write the file (another user's, or the file made
            # read-only then) would fail every edit: removed when unused, else named
            blocked = sidefiles.unwritable(p) if claim is not None else []
            if blocked and not sidefiles.remove_unused(p):
                assert claim is not None
                claim.release()
                claim, reason = None, sidefiles.blocking(p, sidefiles.unwritable(p) or blocked)
        if reason and read_only is False:
            raise OutputError(f"{p}: cannot be opened for writing ({reason})")
        blank = (f"{p}: an empty project file (being created, or its creation was cut short); opened for writing, "
                 f"it becomes a new project ({reason})")
        if reason and empty:
            raise InputError(blank)
        con: sqlite3.Connection | None = None
        sidefiles.register(p)  # before SQLite opens the -shm (see sidefiles)
        try:
            try:
                # the writer's connection is made a writer's (WAL) only once the file is known to be ours: a
                # refused file stays as it was, byte for byte
                con = cls._connect_ro(p, busy_timeout, immutable_ok=claim is None and not _location_writable(p)) \
                    if reason else cls._connect(p, busy_timeout, writer=False)
                app_id = con.execute("PRAGMA application_id").fetchone()[0]
                # no id and nothing in it either: create() killed before it set the id (SQLite had written its
                # header), or an empty file -> as create() does; the writer migrates below
                fresh = app_id == 0 and not con.execute("SELECT 1 FROM sqlite_master").fetchone()
                if fresh and reason:
                    raise InputError(blank)
                if app_id != APPLICATION_ID and not fresh:
                    raise InputError(f"{p}: not a merstudio project (an SQLite file of another program)")
                if not reason:
                    cls._make_writer(con)
                if fresh:
                    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                if check_whole:
                    res = con.execute("PRAGMA quick_check").fetchone()[0]
                    if res != "ok":
                        raise ProjectDamaged(p, res)
                has_table = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
                # no table: created but killed before the first migration committed -> an empty project, migrate it
                version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0) \
                    if has_table else 0
                if version > SCHEMA_VERSION:
                    raise InputError(f"{p}: made by a newer merstudio (schema {version} > {SCHEMA_VERSION}); "
                                     "update merstudio")
                problem = schema_problem(con, version)
                if problem:
                    raise ProjectDamaged(p, problem)
                if not reason and (odd := trigger_note(con, version, p)):  # a trigger runs inside our writes
                    if read_only is False:
                        raise OutputError(f"{p}: cannot be opened for writing ({odd})")
                    assert claim is not None
                    con.close()
                    con = None
                    claim.release()
                    claim, reason = None, odd
                    con = cls._connect_ro(p, busy_timeout, immutable_ok=False)
                if reason and version < SCHEMA_VERSION:
                    raise NeedsUpgrade(p, version, reason, in_use_elsewhere)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise InputError(f"{p}: locked by another program; try again") from None
                if full := _no_space(p, exc):  # an output that cannot be written (exit status 3), not a bad input
                    raise OutputError(full) from None
                raise ProjectDamaged(p, exc) from None
            except sqlite3.DatabaseError as exc:
                if full := _no_space(p, exc):
                    raise OutputError(full) from None
                raise (InputError(_not_ours(p)) if _not_a_database(exc) else ProjectDamaged(p, exc)) from None
        except BaseException:
            if con is not None:
                con.close()
            sidefiles.unregister(p)
            if con is not None and reason and not _location_writable(p):  # a refused file: no side files left either
                sidefiles.remove_unused(p)
            if claim is not None:
                claim.release()
            raise
        proj = cls(p, con, read_only_reason=reason, claim=claim, busy_timeout=busy_timeout)
        proj.in_use_elsewhere = in_use_elsewhere
        proj._earlier = earlier
        proj.checked_whole = check_whole
        proj._file_id = _file_id(p)
        proj._registered_as(tidy=bool(reason) and not _location_writable(p))
        try:
            if claim is not None:
                proj._migrate(version)
                proj.removed_leftovers = proj._remove_leftovers(before=claim.owner.since or time.time())
                proj.interrupted_analyses = proj._interrupt_orphaned_analyses()
        except BaseException:
            proj.close()
            raise
        return proj

    @classmethod
    def open_upgraded_copy(cls, path: str | os.PathLike[str], *,
                           busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Project:
        """A project to read that an older merstudio made and that cannot be upgraded where it is (in use by another
        program, a read-only location): the file is copied into memory (SQLite's backup API: its journal's edits
        too) and that copy upgraded; the file itself is never written. Read-only (``read_only_reason`` says why);
        ``upgrade_note`` is the one line that says so, ``upgraded_from`` the file's schema. A project of this
        schema is opened read-only as it is. InputError as :meth:`open` (not a project, damaged, newer). For
        commands that only read (show, export, agreement, a merge's other copy); one that writes must upgrade the
        file itself (:class:`NeedsUpgrade` names the remedy)."""
        p = Path(path)
        try:
            return cls.open(p, read_only=True, busy_timeout=busy_timeout)  # checked whole, as every open
        except NeedsUpgrade as exc:
            version = exc.version
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        con: sqlite3.Connection | None = None
        sidefiles.register(p)  # before SQLite opens the -shm (see sidefiles)
        try:
            try:
                con = cls._connect_ro(p, busy_timeout, immutable_ok=not _location_writable(p))
                con.backup(mem)
            finally:
                if con is not None:
                    con.close()
                sidefiles.unregister(p)
                if not _location_writable(p):  # a reader's side files would stop the owner's edits
                    sidefiles.remove_unused(p)
            mem.execute("BEGIN")
            mem.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL)")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](mem)
                mem.execute("INSERT INTO schema_version VALUES (?, ?)", (target, time.time()))
            mem.execute("COMMIT")
            mem.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            mem.close()
            raise ProjectDamaged(p, exc) from None
        except BaseException:
            mem.close()
            raise
        proj = cls(p, mem, read_only_reason=f"made by an older merstudio (schema {version}): read through an "
                   "upgraded copy in memory", busy_timeout=busy_timeout)
        proj.upgraded_from = version
        proj.upgrade_note = (f"{p.name}: made by an older merstudio (schema {version}), read through an upgraded "
                             "temporary copy; the file itself is unchanged")
        return proj

    @staticmethod
    def _connect(p: Path, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, writer: bool = True) -> sqlite3.Connection:
        """A read-write connection; ``writer``: set up as the writer's (:meth:`_make_writer`) at once."""
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per edit.
        con = sqlite3.connect(p, isolation_level=None, check_same_thread=False, timeout=busy_timeout,
                              factory=_Connection)
        if writer:
            try:
                Project._make_writer(con)
            except BaseException:
                con.close()
                raise
        return con

    @staticmethod
    def _make_writer(con: sqlite3.Connection) -> None:
        """WAL journal (a kill loses no committed edit), every commit on the disk, foreign keys enforced. Changes
        the file (its header says WAL): only on a file that is ours. Only :meth:`_fold` folds the journal in: SQLite's
        automatic checkpoint would fold half-way past a reader's snapshot (measured: a copy of the file alone then
        failed integrity_check); the -wal is cut back to :data:`JOURNAL_FOLD_AT` once folded, so that its size says
        how much is not (:meth:`_fold_when_grown`)."""
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA wal_autocheckpoint = 0")
        con.execute(f"PRAGMA journal_size_limit = {JOURNAL_FOLD_AT}")

    @staticmethod
    def _connect_ro(p: Path, busy_timeout: float, immutable_ok: bool) -> sqlite3.Connection:
        """A read-only connection: live (it sees the writer's commits) where SQLite can share the WAL index beside
        the file; in a read-only location, where nobody can change the file, as an immutable file.

        Where the location can be written it is opened `mode=rw` with `query_only` (no statement of ours writes):
        a `mode=ro` connection to a WAL project creates the `-wal` and `-shm` files beside it and can never remove
        them, so every read (`project show`) left two empty files; a read-write connection that is the last one
        to close removes them as SQLite always does (and leaves them to a writer that still has the project
        open; its commits are read as from any reader, one snapshot per transaction). Where the file cannot be
        written but its folder can (another user's project), `mode=ro` is all there is: close() then removes the
        side files it made when nobody uses them (merstudio.project.sidefiles), as they would stop the owner's
        edits."""
        uri = p.resolve().as_uri()
        mode = "ro" if not _location_writable(p) else "rw"  # immutable_ok implies it
        con = sqlite3.connect(f"{uri}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False,
                              timeout=busy_timeout, factory=_Connection)
        try:
            con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            con.close()
            wal = Path(f"{p}-wal")
            if not immutable_ok:
                raise
            if wal.is_file() and wal.stat().st_size > 0:
                raise InputError(f"{p}: cannot be read where it is (a read-only folder, and edits still in "
                                 f"{wal.name}); copy both files to a folder you can write") from None
            con = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False,
                                  factory=_Connection)
        try:
            con.execute("PRAGMA query_only = ON")
        except BaseException:
            con.close()
            raise
        return con

    def _migrate(self, version: int) -> None:
        """Upgrade to this schema: a file an older merstudio made (not a new one, version 0) is copied beside it
        first as it is (:meth:`_keep_original`; no copy, no upgrade), then upgraded in one transaction: a kill
        leaves the file the older merstudio wrote or the upgraded one, never one in between that neither opens."""
        if version >= SCHEMA_VERSION:
            return
        copy = self._keep_original(version) if version > 0 else None
        with self._tx() as con:
            con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL)")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](con)
                con.execute("INSERT INTO schema_version VALUES (?, ?)", (target, time.time()))
        if copy is not None:
            self.upgraded_from, self.upgrade_copy = version, copy
            self.upgrade_note = upgrade_note(self.path, version, copy)
            warnings.warn(self.upgrade_note, ProjectUpgraded, stacklevel=2)

    def _write_copy(self, dest: Path, what: str = "cannot write") -> None:
        """The whole project as this connection reads it (its journal's edits, and a file deleted while open,
        included) written to ``dest`` atomically, compacted: SQLite's VACUUM INTO writes the live pages only (the
        backup API, used until 2026-12-07, copied the free ones too: a .bak or Save As of a project whose video was
        removed was 98 % empty pages). The file at ``dest`` stays whole until the copy is complete; the temporary
        has no journal (it is renamed only when complete). sqlite3.Error and OSError come through; atomic_path's
        OutputError names ``dest`` with ``what``."""
        with atomic_path(dest, what) as tmp, self._lock:
            if name_bytes(f"{tmp.name}-journal") > name_max(tmp.parent):
                # VACUUM INTO looks for `<copy>-journal`, a name too long here (a project's name within a few
                # bytes of the limit): the backup API, free pages and all, with no journal
                dst = sqlite3.connect(tmp)
                try:
                    dst.execute("PRAGMA journal_mode = OFF")
                    self._con.backup(dst)
                finally:
                    dst.close()
                return
            # a reader's connection refuses VACUUM INTO while query_only is on (it writes only the copy)
            reader = bool(self._con.execute("PRAGMA query_only").fetchone()[0])
            if reader:
                self._con.execute("PRAGMA query_only = OFF")
            try:
                self._con.execute("VACUUM INTO ?", (str(tmp),))
            finally:
                if reader:
                    self._con.execute("PRAGMA query_only = ON")

    def _keep_original(self, version: int) -> Path:
        """Write the file as it is (its journal's edits included: SQLite's backup API on this connection) to
        :func:`original_copy`, atomically and fsynced; an OutputError (nothing changed) where it cannot be."""
        copy = original_copy(self.path, version)
        try:
            self._write_copy(copy)
        except (OutputError, OSError, sqlite3.Error) as exc:
            why = str(exc).removeprefix(f"{copy}: ") if isinstance(exc, OutputError) else _fault_text(exc)
            raise OutputError(f"{self.path}: made by an older merstudio (schema {version}), not upgraded: its "
                              f"original could not be kept as {copy.name} ({why}); nothing was changed") from None
        return copy

    def _remove_leftovers(self, before: float) -> list[Path]:
        """Remove what a save() killed half-way left beside the project (only the writer may: nobody else saves):
        the backup's temporaries (``.<name>.bak.<token>.part``, ``<name>.bak.tmp`` of older versions) and the
        rollback journals SQLite kept beside them (``…-journal``), when older than ``before``."""
        bak = self.path.with_name(self.path.name + ".bak")
        prefix = f".{bak.name}."

        def journal_or_old_tmp(n: str) -> bool:
            return n in (f"{bak.name}.tmp", f"{bak.name}.tmp-journal") or (
                n.startswith(prefix) and n.endswith(".part-journal"))

        return remove_stale_temps(bak, before) + remove_old_files(self.path.parent, journal_or_old_tmp, before)

    def _interrupt_orphaned_analyses(self) -> list[int]:
        """As the writer just opened: mark ``interrupted`` every analysis still ``running`` whose owner is gone, its
        committed frames kept. An analysis writes through the project's writer, and this open got the project's
        lock, so the lock was free: no process can still be adding to such a run, whether its pid is still alive
        (a reused pid, or a process that closed the project) or not. The owner decides too (:func:`_owner_gone`),
        for a clear account in the log and for readers. An interrupted re-run gives the active place back to the
        complete run it was replacing (:meth:`restore_complete_run`, recorded in ``restored_analyses``); a first
        run interrupted stays active (its frames are all there is)."""
        rows = self._query("SELECT id, owner, video_id, active FROM analyses WHERE status = 'running'")
        gone = [r for r in rows if _owner_gone(_owner(r[1]), lock_free=True)]
        if gone:
            with self._tx() as con:
                con.executemany("UPDATE analyses SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                                [(int(r[0]),) for r in gone])
                for r in gone:
                    if r[3]:
                        restored = self._restore_complete_run(con, int(r[2]))
                        if restored is not None:
                            self.restored_analyses[int(r[2])] = restored
        return [int(r[0]) for r in gone]

    def set_aside_cancelled_reruns(self) -> dict[int, int]:
        """Re-runs cancelled over a complete run and still active (the app kept them so, one undo step away, until
        2026-12-05; once the project was closed the complete run could not be reached): the complete run is made
        active again and the cancelled one kept inactive, as :meth:`restore_complete_run` does. The app calls it
        when it opens a project for writing (a cancel is the coder's; the CLI shows the run as stored). Returns
        {video id: the run made active}."""
        rows = self._query("SELECT video_id FROM analyses WHERE active = 1 AND status = 'cancelled'")
        restored: dict[int, int] = {}
        if rows:
            with self._tx() as con:
                for (vid,) in rows:
                    run = self._restore_complete_run(con, int(vid))
                    if run is not None:
                        restored[int(vid)] = run
        return restored

    def restore_complete_run(self, video_id: int, proposals: Iterable[Event] | None = None,
                             event_faces: Sequence[Sequence[Any]] = ()) -> int | None:
        """After a re-run failed or was interrupted: when the video's active run did not complete and its previous
        run did, make the previous one active again (the partial run stays, inactive: a record, and the run a next
        re-run replaces, see :meth:`begin_analysis`); with ``proposals``, the open proposals become those (what the
        re-run replaced, should it have got that far), in the same transaction. ``event_faces``: (kind, id, face
        before, face after) of the events coded on the re-run's faces while it went, each to its person's face in
        the run made active (:func:`merstudio.project.faces.faces_back`), moved in the same transaction (one still on
        its face). Returns the run made active, None when nothing changed (a first run, or the active run is
        complete)."""
        evs = self._checked_proposals(video_id, proposals) if proposals is not None else None
        with self._tx() as con:
            restored = self._restore_complete_run(con, video_id)
            if restored is not None and evs is not None:
                self._replace_proposals(con, video_id, evs)
            if restored is not None and event_faces:
                self._move_event_faces(con, video_id, event_faces)
            return restored

    @staticmethod
    def _restore_complete_run(con: sqlite3.Connection, video_id: int) -> int | None:
        runs = con.execute("SELECT id, status, active FROM analyses WHERE video_id = ? ORDER BY id DESC",
                           (video_id,)).fetchall()
        current = next((r for r in runs if r[2]), None)
        previous = next((r for r in runs if not r[2]), None)
        if current is None or current[1] == "complete" or previous is None or previous[1] != "complete":
            return None
        # two statements: the unique index on the active run is checked row by row
        con.execute("UPDATE analyses SET active = 0 WHERE id = ?", (current[0],))
        con.execute("UPDATE analyses SET active = 1 WHERE id = ?", (previous[0],))
        return int(previous[0])

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for a lock another program holds before failing with a message."""
        with self._lock:
            self.busy_timeout = float(seconds)
            self._con.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def heartbeat(self) -> None:
        """Tell other openers this writer is still here (the app calls it every minute)."""
        if self._claim is not None:
            self._claim.heartbeat()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed as a whole, or rolled back as a whole. A write fault (full disk, lock held
        elsewhere, I/O error) becomes a one-line OutputError; the connection stays usable. Inside
        :meth:`transaction` it is a savepoint of that one: undone as a whole where it fails, committed with it."""
        if self._closed:  # (before read_only: a closed reader's edit is refused for being closed)
            raise ProjectClosed(self.path)
        if self.read_only:
            raise OutputError(f"{self.path}: opened read-only ({self.read_only_reason}); the edit was not saved")
        with self._lock:
            outer = not self._in_transaction  # (set by this thread only: the lock is held throughout)
            if not outer and not self._con.in_transaction:  # SQLite rolled it all back at a fault (a full disk)
                raise OutputError(f"{self.path}: the edit was not saved (an earlier edit of its transaction "
                                  "failed, and SQLite rolled them all back)")
            try:
                self._con.execute("BEGIN IMMEDIATE" if outer else "SAVEPOINT edit")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from None
            try:
                yield self._con
                self._con.execute("COMMIT" if outer else "RELEASE edit")
            except BaseException as exc:
                if self._con.in_transaction:  # SQLite may have rolled back already (a full disk does)
                    with suppress(sqlite3.Error):
                        self._con.execute("ROLLBACK" if outer else "ROLLBACK TO edit")
                        if not outer:
                            self._con.execute("RELEASE edit")
                if _is_write_fault(exc):
                    raise self._write_error(exc) from None
                raise
            if outer:
                self._fold_when_grown()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The edits made inside, on this thread, as one transaction: committed once at the end (one sync to the
        disk, not one each), or rolled back as a whole where the block raises (the project as it was before it).
        Each edit stays whole by itself (a savepoint: one that fails leaves nothing of itself). Other threads' edits
        wait for its end: it holds the project's lock throughout. The app's jump through many undo steps at once
        (gui/undo.ProjectUndoStack.setIndex) is one."""
        with self._tx():
            nested, self._in_transaction = self._in_transaction, True
            try:
                yield
            finally:
                self._in_transaction = nested
            if not nested and not self._con.in_transaction:  # an edit's fault made SQLite roll it all back
                raise OutputError(f"{self.path}: the edits were not saved (SQLite rolled their transaction back "
                                  "after a fault)")

    def _write_error(self, exc: BaseException) -> OutputError:
        return OutputError(f"{self.path}: the edit was not saved ({_fault_text(exc)})")

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def pin_snapshot(self) -> None:
        """On a read-only connection: begin a read transaction and read once, so that everything read until
        close() is the project as it is now (SQLite's WAL keeps a reader on its transaction's snapshot while the
        writer goes on committing): an export in a worker writes one consistent table, a re-run meanwhile or not."""
        if not self._read_only_reason:  # (not read_only: a pin takes nothing over)
            raise RuntimeError("pin_snapshot is for a read-only connection (it would block the writer's saves)")
        with self._lock:
            self._con.execute("BEGIN")
            self._con.execute("SELECT COUNT(*) FROM videos").fetchone()

    def at_its_path(self) -> bool:
        """Whether `path` still names the file this project was opened from, its journal beside it: not once it was
        moved or renamed while open (SQLite goes on through its open file, its journal beside the old name, even
        when follow_move found the new one) or another file was put under the name (a connection opened by the
        path would read a mix of that file and this one's journal, and on closing fold the journal into the wrong
        file and delete it)."""
        return (self._file_id is not None and self.path == self._opened_path
                and _file_id(self.path) == self._file_id)

    def follow_move(self) -> Path | None:
        """The file was moved or renamed while open: ``path`` becomes its new name, which is returned (the backup,
        and what the app names after the project, go beside it). None when ``path`` still names it (one stat) or
        no name can be found for it (see :meth:`lost`). The name is that of this process's open descriptor of the
        file (its device and inode as opened; Linux only). The writer takes the lock beside the new name and lets
        go of the old one; where someone else holds the new name's lock it does not follow (None) and
        ``move_refused`` says who (ProjectInUse)."""
        if self._file_id is None or self._closed or _file_id(self.path) == self._file_id:
            return None
        found = _current_name(self._file_id)
        if found is None or found == self.path:
            return None
        if self._claim is not None and self._claim.moved_with(found):
            pass  # its folder was renamed or moved, the lock file in it: the lock already has the new name
        elif self._claim is not None:
            # the write lock goes with the name, else a second opener of the new name would find none and write
            # too, through a journal of its own: one of the two would lose its edits
            try:
                claim: ProjectLock | None = ProjectLock.acquire(found, replacing=self._claim)
            except ProjectInUse as exc:
                self.move_refused = exc  # another writer has the new name: not followed
                return None
            except OSError:  # no lock file can be made there: nobody else can write there either
                claim = None
            if claim is not None:
                with self._lock:
                    if self._release_claim is not None:
                        self._release_claim()  # the old name's lock, released once
                    self._claim = claim
                    claim.mark(PROJECT)
                    self._release_claim = weakref.finalize(self, claim.release)
        self.move_refused = None
        self.path = found
        return found

    def current_name(self) -> Path | None:
        """Where the open file is now, changing nothing (:meth:`follow_move` follows it): ``path`` while that names
        it, else its new name (see follow_move; Linux), None where no name reaches it (deleted, or another OS)."""
        if self._file_id is None or _file_id(self.path) == self._file_id:
            return self.path
        return _current_name(self._file_id)

    def lost(self) -> bool:
        """Whether no name reaches the open file any more (deleted, or moved where follow_move cannot find it: on
        another OS): the edits go on into it, but only ``save()``'s backup is a file anyone else can open."""
        return self._file_id is not None and _file_id(self.path) != self._file_id

    def copy_in_memory(self, reason: str) -> Project:
        """A read-only copy of the project as it is now, in memory, made through this connection (SQLite's backup
        API): reachable whatever became of the file. `reason` is the copy's read_only_reason."""
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            with self._lock:
                self._con.backup(mem)
            mem.execute("PRAGMA query_only = ON")
        except BaseException:
            mem.close()
            raise
        return Project(self.path, mem, read_only_reason=reason, busy_timeout=self.busy_timeout)

    def close(self, compact: bool = True) -> None:
        """Compact a file over half empty (:meth:`_compact_when_mostly_free`; not with ``compact`` False: a quit
        at a stop signal), fold the journal into the file (:meth:`_fold`), close it and end this opener's claim
        (idempotent). While a reader holds a snapshot the journal stays beside the file, whole: the next opener of
        the project reads it (SQLite replays it), and the last connection to close folds it in."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._read_only_reason and compact:  # (not read_only: closing takes nothing over)
                with suppress(sqlite3.Error, OutputError):
                    self._compact_when_mostly_free()
                with suppress(sqlite3.Error):
                    self._fold("TRUNCATE")
            # SQLite neither checkpoints nor removes the journal of a file no longer at the name it opened
            moved = self._file_id is not None and _file_id(self._opened_path) != self._file_id
            with suppress(sqlite3.Error):
                self._con.close()
            if self._registered:
                sidefiles.unregister(self._opened_path)
                # a read-only connection's side files, which no writer of the file could use; or the emptied ones
                # left beside the name a moved file had, or beside its new name where its folder moved with them
                if self._tidy or moved:
                    sidefiles.remove_unused(self._opened_path)
                if moved and self.path != self._opened_path:
                    sidefiles.remove_unused(self.path)
            if self._release_claim is not None:
                self._release_claim()  # releases the claim once
            self._claim = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        """'ok' or SQLite's description of the damage (a page so damaged that SQLite stops: its error)."""
        try:
            return str(self._query("PRAGMA integrity_check")[0][0])
        except ProjectDamaged as exc:
            return exc.cause
        except sqlite3.DatabaseError as exc:
            return str(exc)

    def quick_check(self) -> str:
        """'ok' or SQLite's description of the damage: SQLite's quick_check, every page read (what :meth:`open`
        runs; the app runs it in a worker on a big project opened ``fast``). Less than :meth:`integrity_check`
        (no index checked against its table), about as quick as reading the file."""
        try:
            return str(self._query("PRAGMA quick_check")[0][0])
        except ProjectDamaged as exc:
            return exc.cause
        except sqlite3.DatabaseError as exc:
            return str(exc)

    def space(self) -> tuple[int, int]:
        """(bytes the project's pages take, bytes of them free): free pages are what deleted rows left (a video
        removed, a run replaced), which SQLite reuses but never gives back to the disk; :meth:`compact` does."""
        with self._lock:
            page = int(self._con.execute("PRAGMA page_size").fetchone()[0])
            pages = int(self._con.execute("PRAGMA page_count").fetchone()[0])
            free = int(self._con.execute("PRAGMA freelist_count").fetchone()[0])
        return page * pages, page * free

    def compact(self) -> tuple[int, int]:
        """Give the free pages back to the disk (:meth:`space`): SQLite's VACUUM rewrites the live pages in one
        transaction through the journal (WAL), so a kill or a power cut at any moment leaves the project as it
        was or compacted, never a mix; then the journal is folded into the file, which is cut to its new size.
        The writer only (its lock held: no other merstudio writes it meanwhile). Needs free space for SQLite's
        temporary copy (in the temporary folder) and for the journal, each about the compacted size; without it,
        an OutputError and nothing changed. Returns the file's size before and after, in bytes; where a reader
        keeps the journal from being folded in, the file shrinks once it lets go (``unsaved_note`` says so)."""
        if self.read_only:
            raise OutputError(f"{self.path}: opened read-only ({self.read_only_reason}); cannot compact it")
        with self._lock:
            if self._closed:
                raise OutputError(f"{self.path}: closed; nothing to compact")
            return self._compact()

    def _compact(self) -> tuple[int, int]:
        """:meth:`compact`'s work (close() calls it too, once closing has begun). Called with ``_lock`` held."""
        self.unsaved_note = ""
        try:
            self._fold("FULL")  # the size before counts what the journal held
            before = self._file_size()
            self._con.execute("VACUUM")
        except sqlite3.Error as exc:
            need = self.space()[0] - self.space()[1]
            raise OutputError(f"{self.path}: cannot compact ({_fault_text(exc)}; it needs about "
                              f"{need / 1e6:.1f} MB free beside it and as much in the temporary folder); "
                              "nothing was changed") from None
        try:
            readers = self._fold("TRUNCATE")
        except sqlite3.Error:  # compacted, in the journal: the next fold puts it in the file
            readers = ["another program"]
        if readers:
            self.unsaved_note = (f"compacted in the journal ({self._opened_path.name}-wal): {', '.join(readers)} "
                                 f"is reading it; {self.path.name} shrinks once it lets go")
        return before, self._file_size()

    def _file_size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def compacts_on_close(self) -> bool:
        """Whether :meth:`close` would compact the file now (seconds for hundreds of MB: the app closes it in a
        worker then, saying so). Two PRAGMAs and a look at the journal's readers: no page is read."""
        with self._lock:
            return not self._closed and not self._read_only_reason and self._mostly_free()

    def _mostly_free(self) -> bool:
        """Over half the file is free pages and at least :data:`COMPACT_ON_CLOSE_AT` bytes, the file where it was
        opened and nobody reading it (a reader would keep the compacted pages in the journal). With ``_lock``."""
        size, free = self.space()
        if free < COMPACT_ON_CLOSE_AT or 2 * free <= size or not self.at_its_path():
            return False
        return not wal_readers(self._side_files_of("-shm"))

    def _compact_when_mostly_free(self) -> None:
        """On close: :meth:`compact` when :meth:`_mostly_free`. Called with ``_lock`` held."""
        if self._mostly_free():
            self.compacted_on_close = self._compact()

    def save(self, backup: bool = True) -> Path | None:
        """Every edit is already committed; saving folds the WAL into the file and writes ``<name>.bak``
        (atomically: a temporary beside it, renamed when complete; the backup holds every edit either way).

        A reader in the middle of a transaction (another program's, a read-only window's export) keeps the journal
        from being folded in: tried again for up to :data:`SAVE_RETRY` seconds, and if still so, ``unsaved_note``
        says it in one line (else it is ""). A project whose folder is gone (renamed or deleted, and not followed)
        is not saved: the backup would make the folder again, without the project's videos (OutputError)."""
        if self.read_only:
            raise OutputError(f"{self.path}: opened read-only ({self.read_only_reason}); nothing to save")
        with self._lock:
            self.unsaved_note = ""
            if backup and not self.path.parent.is_dir():
                raise OutputError(f"{self.path}: its folder {self.path.parent} is gone (renamed, moved or deleted "
                                  "while open, and not found): nothing was written, the edits are only in the open "
                                  "file; put the folder back (or make it yourself) and save again")
            deadline = time.monotonic() + SAVE_RETRY
            while True:
                try:
                    readers = self._fold("FULL")
                except sqlite3.Error as exc:
                    raise OutputError(f"{self.path}: cannot save ({_fault_text(exc)})") from None
                if not readers or time.monotonic() >= deadline:
                    break
                time.sleep(0.1)
            if readers:
                self.unsaved_note = (f"saved in the journal ({self._opened_path.name}-wal), not yet in "
                                     f"{self.path.name} itself: {', '.join(readers)} is reading it; a copy of "
                                     f"{self.path.name} alone lacks the newest edits until it lets go")
            if not backup:
                return None
            bak = self.path.with_name(self.path.name + ".bak")
            try:
                self._write_copy(bak)  # the old backup stays whole until the new one is complete
            except sqlite3.Error as exc:
                raise OutputError(f"{bak}: cannot write backup ({_fault_text(exc)})") from None
            self._backed_up = (self._con.total_changes, _file_id(bak))
            return bak

    def backup_holds_all(self) -> Path | None:
        """The backup the last save() wrote where it holds every edit of this session (none committed since, and
        the file at its name still the one written); else None. A project whose file was deleted while open has
        nothing else to lose then."""
        with self._lock:
            if self._backed_up is None or self._closed or self._backed_up[0] != self._con.total_changes:
                return None
            bak = self.path.with_name(self.path.name + ".bak")
            return bak if _file_id(bak) == self._backed_up[1] else None

    def save_as(self, dest: str | os.PathLike[str]) -> Path:
        """Write the project as it is now, every committed edit, to ``dest``: a whole project file, written
        atomically (an old ``dest`` stays whole until the copy is), through this connection (SQLite's backup API),
        which reads the open file even once it was deleted or moved away (:meth:`lost`), where nothing else can.
        This project stays open as it was: the caller opens the copy to go on in it. Refused (nothing written):
        this very file where it is (that is :meth:`save`), or a project another writer has open (ProjectInUse)."""
        d = Path(dest)
        if self._closed:
            raise OutputError(f"{self.path}: closed; nothing to save")
        if self._file_id is not None and _file_id(d) == self._file_id:
            raise OutputError(f"{d}: is the open project's own file; Save writes it")
        # the lock beside the name: this project's own where it is saved under its lost name, else taken for the
        # write, so that no other merstudio has that project open meanwhile
        own = self._claim is not None and os.path.abspath(self._claim.path) == os.path.abspath(lock_path(d))
        with nullcontext() if own else claimed(d, cannot="cannot save the project there"):
            try:
                self._write_copy(d, "cannot save the project there")
                # a journal left beside the name (another project's, or this one's own before it was deleted)
                # would be read into the copy by its first opener (removed once the copy is whole: a failed copy
                # keeps them)
                for side in ("-wal", "-shm", "-journal"):
                    try:
                        Path(f"{d}{side}").unlink(missing_ok=True)
                    except OSError as exc:
                        raise OutputError(f"{d}: saved, but the old {d.name}{side} beside it could not be removed "
                                          f"({exc.strerror or exc}): remove it before opening the copy") from None
            except sqlite3.Error as exc:
                raise OutputError(f"{d}: cannot save the project there ({_fault_text(exc)})") from None
        return d

    def fold_journal(self) -> bool:
        """Fold what the journal holds into the file, without waiting, when something was committed since the last
        fold: the app calls it every few seconds, so a copy of the .merproj alone made while it is open is that
        far behind (a commit does it by itself only past :data:`JOURNAL_FOLD_AT` bytes of journal). True when the
        file holds every committed edit; False when a reader keeps it from it (see :meth:`_fold`; the next call
        tries again)."""
        if self._read_only_reason or self._closed:  # (not read_only: a fold takes nothing over)
            return False
        with self._lock:
            if self._con.total_changes == self._folded_at:
                return True
            try:
                return not self._fold("PASSIVE")
            except sqlite3.Error:  # a lock held elsewhere, a full disk: the next fold or the save tries again
                return False

    def _fold(self, mode: str) -> list[str]:
        """Fold the journal into the file whole, or not at all: [] when the file now holds every committed edit,
        else who keeps it from it. A checkpoint a reader stops half-way (SQLite writes the pages no reader needs
        and skips the others) leaves a file that is a project only with its journal beside it: a copy of it alone
        is damaged ("database disk image is malformed", measured). So none is started while a reader holds a
        snapshot (Linux: /proc/locks; a reader starting meanwhile reads the newest commit, which does not stop
        it); where readers cannot be seen, SQLite's ``mode`` checkpoint as it goes. Called with ``_lock`` held."""
        readers = wal_readers(self._side_files_of("-shm"))
        if readers:
            return readers
        busy, log, done = self._con.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        if busy and log > done:
            return ["another program"]
        self._folded_at = self._con.total_changes
        self._fold_refused_at = 0
        return []

    def _fold_when_grown(self) -> None:
        """After a commit: fold the journal in (:meth:`_fold`) once it holds more than :data:`JOURNAL_FOLD_AT`
        bytes, for writers no timer folds for (a CLI batch, an analysis storing per-frame rows): with SQLite's own
        fold off, the -wal would grow without bound. Where a reader keeps it from it, tried again once the journal grew by another
        quarter of that (a reader's snapshot is read from /proc/locks, not at every commit). Never raises: the
        edit is committed, and the next fold tries again. Called with ``_lock`` held."""
        try:
            size = Path(f"{self._side_files_of('-wal')}-wal").stat().st_size
        except OSError:
            return
        if size <= JOURNAL_FOLD_AT or size < self._fold_refused_at + JOURNAL_FOLD_AT // 4:
            return
        try:
            refused = bool(self._fold("PASSIVE"))
        except sqlite3.Error:  # a lock held elsewhere, a full disk: as refused
            refused = True
        if refused:
            self._fold_refused_at = size

    def _side_files_of(self, suffix: str) -> Path:
        """The name SQLite's side file ``suffix`` (``-wal``, ``-shm``) of the open file is beside: the name SQLite
        opened, or the new name where the folder moved with them."""
        return next((q for q in (self._opened_path, self.path) if Path(f"{q}{suffix}").exists()), self.path)
