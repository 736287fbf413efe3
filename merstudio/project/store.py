"""The project file: one SQLite database (stdlib sqlite3) holding videos, analysis results, events and settings.

Crash safety comes from SQLite itself: WAL journal, synchronous=FULL, and every edit in its own transaction, so a
kill -9 at any moment loses no committed edit and never leaves a broken file (tests/project/test_crash.py kills a
writer process to prove it). ``save()`` additionally writes a consistent copy to ``<name>.bak`` with the backup API.

The connection is shared between threads (the GUI's analysis worker appends frames while the GUI reads), so every
operation takes one re-entrant lock.

Faults: an edit that fails (full disk, a lock held by another program, a read-only file) rolls back as a whole and
raises a one-line OutputError; the connection stays usable. SQLite waits at most ``busy_timeout`` seconds for a lock
another program holds (the app uses a fraction of a second, so its GUI thread never hangs on one).

One writer: opening for writing claims the project (``<name>.merproj.lock``, see merstudio.project.lock); a second
opener gets it read-only (``read_only`` and ``read_only_reason`` say why) or, with ``in_use="raise"``, a
ProjectInUse naming the owner. A project in a read-only location opens read-only too, as does one with SQLite
side files beside it that this process cannot write (another user's reader made them: merstudio.project.sidefiles
removes them when unused, else the reason names them). Opening checks the tables
and columns against the schema version (a file missing its ``events`` table is refused in one line) and, as the
writer, removes what a killed ``save()`` left (``<name>.bak.tmp``, temporaries of the backup and their journals).

Analysis runs (schema 6): a video has one active run, the one every reader sees, and at most one previous run a
re-run kept so that the re-run can be undone (``begin_analysis``, ``previous_analysis``, ``set_active_analysis``).
A re-run that fails, is interrupted or is cancelled never replaces a complete run: ``restore_complete_run`` (the
GUI, after a failure or a cancel; the writer's open, after a kill) makes the complete one active again and keeps the
partial one inactive (``set_aside_cancelled_reruns``: those an older app left active).

A file moved or renamed while open is followed (``follow_move``: its new name from this process's open descriptor
of it, Linux), so that the backup, and whatever is named after the project, go beside it; the writer's lock goes
with it, and where another writer opened the new name first it is not followed (``move_refused``).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from merstudio.atomic import atomic_path, remove_old_files, remove_stale_temps
from merstudio.errors import InputError, OutputError
from merstudio.face.boxes import Box
from merstudio.io import VIDEO_EXTENSIONS, Timebase
from merstudio.locks import pid_alive
from merstudio.project import portraits, sidefiles
from merstudio.project.base import inserted_id
from merstudio.project.behaviours import BehaviourTables
from merstudio.project.events import Event
from merstudio.project.lock import ProjectInUse, ProjectLock
from merstudio.project.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, schema_problem

PROJECT_SUFFIX = ".merproj"
BASE_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")
MIB = 1 << 20
VIDEO_SUFFIXES = VIDEO_EXTENSIONS  # one home: merstudio.io
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds SQLite waits for a lock held by another program (was 30: the GUI froze)


def _location_writable(p: Path) -> bool:
    """Can the project and the files SQLite keeps beside it be written? (root too: a read-only mount or an
    immutable file says no.)"""
    return os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)


def _damaged(p: Path, what: object) -> str:
    """The one line for a damaged project; its backup (``save()``'s) named only when there is one."""
    bak = p.with_name(p.name + ".bak")
    return f"{p}: project file is damaged ({what})" + (f"; try {bak.name}" if bak.is_file() else "")


def killed_before_created(path: str | os.PathLike[str]) -> bool:
    """A file a creation killed at once left, which ``create`` (and ``project new``) may make afresh: 0 bytes
    (SQLite had not written yet), or SQLite's first page alone, with no application id and no table (killed before
    the id was set). Read from the bytes, so nothing is written beside it; a journal with anything in it (what was
    committed may be there) makes it a project like any other."""
    p = Path(path)
    try:
        if not p.is_file():
            return False
        size = p.stat().st_size
        if size == 0:
            return True
        if any(q.exists() and q.stat().st_size > 0 for q in (Path(f"{p}-wal"), Path(f"{p}-journal"))):
            return False
        with p.open("rb") as f:
            head = f.read(105)
    except OSError:
        return False
    if len(head) < 105 or head[:16] != b"SQLite format 3\x00":
        return False
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    # one page, application id 0, and page 1 (sqlite_master) a leaf table page (0x0d) with no cell: no table
    return (size == page and head[68:72] == b"\0\0\0\0" and head[100] == 0x0D
            and int.from_bytes(head[103:105], "big") == 0)


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


@dataclass(frozen=True)
class Video:
    id: int
    path: str
    hash: str
    size: int
    fps: float
    frame_count: int
    width: int
    height: int
    relpath: str | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class Analysis:
    id: int
    video_id: int
    status: str  # running | complete | cancelled | failed | interrupted (its process died; frames so far kept)
    columns: tuple[str, ...]
    settings: dict[str, Any]
    device: str
    model: str
    created: float
    owner: dict[str, Any] | None = None  # {"pid", "host", "since"} of the process that ran it (None before v4)
    active: bool = True  # the run readers see; False: the previous run a re-run kept (see Project.begin_analysis)


@dataclass(frozen=True)
class Overlay:
    """A named per-frame table stored beside a video's analysis (see Project.save_overlay)."""

    video_id: int
    name: str
    kind: str  # "openface" | "model" | free text
    columns: tuple[str, ...]
    rows: int
    meta: dict[str, Any]
    created: float


@dataclass(frozen=True)
class FaceChange:
    """One edit of a video's face tracks (:meth:`Project.merge_faces`, :meth:`Project.split_face`): face ``source``
    became ``target`` in ``frames``; what moved with it, so that :meth:`Project.undo_face_change` puts it back."""

    video_id: int
    analysis_id: int
    source: int  # a merge: the face merged away; a split: the face split
    target: int  # a merge: the face kept; a split: the new face
    frames: tuple[int, ...]  # the frames that moved
    events: tuple[int, ...]  # coded events and proposals that moved
    behaviour_events: tuple[int, ...]
    overlay_keys: dict[str, bytes]  # "model" overlays (our own runs' predictions) with rows that moved: their keys
    settings_before: dict[str, Any]  # project settings written with the edit (neutral baselines), as they were
    run_settings_before: dict[str, Any]  # the run's settings (its face edits, its faces' portraits), as they were
    op: str = "merge"  # "merge" | "split"


def content_hash(path: str | os.PathLike[str]) -> tuple[str, int]:
    """sha256 over the size plus the first and last MiB: cheap on hour-long files, and enough to recognise a
    video that was moved or renamed. Returns (hex digest, size)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        h = hashlib.sha256(str(size).encode())
        with p.open("rb") as f:
            h.update(f.read(MIB))
            if size > MIB:
                f.seek(max(MIB, size - MIB))
                h.update(f.read(MIB))
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return h.hexdigest(), size


class Project(BehaviourTables):
    """An open project file. Create with :meth:`create`, open with :meth:`open`; close with :meth:`close`.

    ``read_only`` is True when it was opened read-only (asked for, in use by another opener, or in a read-only
    location; ``read_only_reason`` says which): every write then raises a one-line OutputError."""

    def __init__(self, path: Path, con: sqlite3.Connection, read_only_reason: str = "",
                 claim: ProjectLock | None = None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.path = path  # where the file is (follow_move updates it when the file moved while open)
        self._opened_path = path  # the name SQLite opened it by: its -wal and -shm stay beside that name
        self._con = con
        self._lock = threading.RLock()
        self._claim = claim
        # a project dropped without close() must not keep its claim (this process could not reopen it)
        self._release_claim = weakref.finalize(self, claim.release) if claim is not None else None
        self._closed = False
        self.read_only_reason = read_only_reason
        self.busy_timeout = float(busy_timeout)
        self.removed_leftovers: list[Path] = []  # what a killed save() had left, removed on open
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

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def _register(self, tidy: bool) -> None:
        sidefiles.register(self._opened_path)
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
            claim = ProjectLock.acquire(p)
        except ProjectInUse as exc:
            raise ProjectInUse(p, exc.owner, hint="close it there before replacing it") from None
        except OSError as exc:
            raise OutputError(f"{p}: cannot create project ({exc.strerror or exc})") from None
        try:
            for q in (p, Path(f"{p}-wal"), Path(f"{p}-shm"), Path(f"{p}-journal")):
                q.unlink(missing_ok=True)
            con = cls._connect(p, busy_timeout)
        except (OSError, sqlite3.Error) as exc:
            claim.release()
            raise OutputError(f"{p}: cannot create project ({_fault_text(exc)})") from None
        proj = cls(p, con, claim=claim, busy_timeout=busy_timeout)
        proj._file_id = _file_id(p)
        proj._register(tidy=False)
        try:
            with proj._lock:
                con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            proj._migrate(0)
        except BaseException:
            proj.close()
            raise
        return proj

    @classmethod
    def open(cls, path: str | os.PathLike[str], check: bool = True, *, read_only: bool | None = None,
             in_use: str = "read-only", busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Project:
        """Open a project file, refusing (InputError, one line) one that is not ours, damaged, missing tables or
        columns of its schema version, or newer than this merstudio.

        A 0-byte file (a creation killed before SQLite wrote its first page) is a new, empty project to the writer.

        ``read_only``: None (default) opens it for writing when possible, else read-only with the reason in
        ``read_only_reason`` (in a read-only location; open for writing elsewhere, unless ``in_use="raise"``,
        which raises ProjectInUse naming the owner instead). True opens it read-only. False opens it for writing
        or raises (ProjectInUse; OutputError for a read-only location). The writer removes what a killed
        ``save()`` left beside the file."""
        p = Path(path)
        if in_use not in ("read-only", "raise"):
            raise ValueError(f"in_use must be 'read-only' or 'raise', not {in_use!r}")
        if p.is_dir():
            raise InputError(f"{p}: a folder, not a project file (.merproj)")
        if not p.is_file():
            raise InputError(f"{p}: no such project file")
        try:
            with p.open("rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
        # empty: created but killed before SQLite wrote its first page -> a new project, made by the writer
        empty = head == b""
        if head != b"SQLite format 3\x00" and not empty:
            raise InputError(f"{p}: not a merstudio project (not an SQLite database)")
        reason, claim = "", None
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
                reason = f"in use by merstudio ({exc.owner.describe() if exc.owner else 'another program'})"
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
        try:
            try:
                con = cls._connect_ro(p, busy_timeout, immutable_ok=claim is None and not _location_writable(p)) \
                    if reason else cls._connect(p, busy_timeout)
                app_id = con.execute("PRAGMA application_id").fetchone()[0]
                # no id and nothing in it either: create() killed before it set the id (SQLite had written its
                # header), or an empty file -> as create() does; the writer migrates below
                if app_id == 0 and not con.execute("SELECT 1 FROM sqlite_master").fetchone():
                    if reason:
                        raise InputError(blank)
                    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    app_id = APPLICATION_ID
                if app_id != APPLICATION_ID:
                    raise InputError(f"{p}: not a merstudio project (an SQLite file of another program)")
                if check:
                    res = con.execute("PRAGMA quick_check").fetchone()[0]
                    if res != "ok":
                        raise InputError(_damaged(p, res))
                has_table = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
                # no table: created but killed before the first migration committed -> an empty project, migrate it
                version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0) \
                    if has_table else 0
                if version > SCHEMA_VERSION:
                    raise InputError(f"{p}: made by a newer merstudio (schema {version} > {SCHEMA_VERSION}); "
                                     "update merstudio")
                problem = schema_problem(con, version)
                if problem:
                    raise InputError(_damaged(p, problem))
                if reason and version < SCHEMA_VERSION:
                    raise InputError(f"{p}: made by an older merstudio (schema {version}); upgrading it needs "
                                     f"write access ({reason})")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise InputError(f"{p}: locked by another program; try again") from None
                raise InputError(_damaged(p, exc)) from None
            except sqlite3.DatabaseError as exc:
                raise InputError(_damaged(p, exc)) from None
        except BaseException:
            if con is not None:
                con.close()
                if reason and not _location_writable(p):  # a refused file: no side files left either
                    sidefiles.remove_unused(p)
            if claim is not None:
                claim.release()
            raise
        proj = cls(p, con, read_only_reason=reason, claim=claim, busy_timeout=busy_timeout)
        proj._file_id = _file_id(p)
        proj._register(tidy=bool(reason) and not _location_writable(p))
        try:
            if claim is not None:
                proj._migrate(version)
                proj.removed_leftovers = proj._remove_leftovers(before=claim.owner.since or time.time())
                proj.interrupted_analyses = proj._interrupt_orphaned_analyses()
        except BaseException:
            proj.close()
            raise
        return proj

    @staticmethod
    def _connect(p: Path, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per edit.
        con = sqlite3.connect(p, isolation_level=None, check_same_thread=False, timeout=busy_timeout)
        try:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = FULL")
            con.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            con.close()
            raise
        return con

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
                              timeout=busy_timeout)
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
            con = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA query_only = ON")
        except BaseException:
            con.close()
            raise
        return con

    def _migrate(self, version: int) -> None:
        while version < SCHEMA_VERSION:
            target = version + 1
            with self._tx() as con:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL)")
                MIGRATIONS[target](con)
                con.execute("INSERT INTO schema_version VALUES (?, ?)", (target, time.time()))
            version = target

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

    def restore_complete_run(self, video_id: int, proposals: Iterable[Event] | None = None) -> int | None:
        """After a re-run failed or was interrupted: when the video's active run did not complete and its previous
        run did, make the previous one active again (the partial run stays, inactive: a record, and the run a next
        re-run replaces, see :meth:`begin_analysis`); with ``proposals``, the open proposals become those (what the
        re-run replaced, should it have got that far), in the same transaction. Returns the run made active, None
        when nothing changed (a first run, or the active run is complete)."""
        evs = self._checked_proposals(video_id, proposals) if proposals is not None else None
        with self._tx() as con:
            restored = self._restore_complete_run(con, video_id)
            if restored is not None and evs is not None:
                self._replace_proposals(con, video_id, evs)
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
        elsewhere, I/O error) becomes a one-line OutputError; the connection stays usable."""
        if self.read_only:
            raise OutputError(f"{self.path}: opened read-only ({self.read_only_reason}); the edit was not saved")
        with self._lock:
            try:
                self._con.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from None
            try:
                yield self._con
                self._con.execute("COMMIT")
            except BaseException as exc:
                if self._con.in_transaction:  # SQLite may have rolled back already (a full disk does)
                    with suppress(sqlite3.Error):
                        self._con.execute("ROLLBACK")
                if _is_write_fault(exc):
                    raise self._write_error(exc) from None
                raise

    def _write_error(self, exc: BaseException) -> OutputError:
        return OutputError(f"{self.path}: the edit was not saved ({_fault_text(exc)})")

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def pin_snapshot(self) -> None:
        """On a read-only connection: begin a read transaction and read once, so that everything read until
        close() is the project as it is now (SQLite's WAL keeps a reader on its transaction's snapshot while the
        writer goes on committing): an export in a worker writes one consistent table, a re-run meanwhile or not."""
        if not self.read_only:
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
        if self._claim is not None:
            # the write lock goes with the name, else a second opener of the new name would find none and write
            # too, through a journal of its own: one of the two would lose its edits
            try:
                claim: ProjectLock | None = ProjectLock.acquire(found)
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
                    self._release_claim = weakref.finalize(self, claim.release)
        self.move_refused = None
        self.path = found
        return found

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

    def close(self) -> None:
        """Fold the journal into the file, close it and end this opener's claim (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self.read_only:
                with suppress(sqlite3.Error):
                    self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # SQLite neither checkpoints nor removes the journal of a file no longer at the name it opened
            moved = self._file_id is not None and _file_id(self._opened_path) != self._file_id
            with suppress(sqlite3.Error):
                self._con.close()
            if self._registered:
                sidefiles.unregister(self._opened_path)
                # a read-only connection's side files, which no writer of the file could use; or the emptied ones
                # left beside the name a moved file had
                if self._tidy or moved:
                    sidefiles.remove_unused(self._opened_path)
            if self._release_claim is not None:
                self._release_claim()  # releases the claim once
            self._claim = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        """'ok' or SQLite's description of the damage."""
        return str(self._query("PRAGMA integrity_check")[0][0])

    def save(self, backup: bool = True) -> Path | None:
        """Every edit is already committed; saving folds the WAL into the file and writes ``<name>.bak``
        (atomically: a temporary beside it, renamed when complete)."""
        if self.read_only:
            raise OutputError(f"{self.path}: opened read-only ({self.read_only_reason}); nothing to save")
        with self._lock:
            try:
                self._con.execute("PRAGMA wal_checkpoint(FULL)")
            except sqlite3.Error as exc:
                raise OutputError(f"{self.path}: cannot save ({_fault_text(exc)})") from None
            if not backup:
                return None
            bak = self.path.with_name(self.path.name + ".bak")
            try:
                with atomic_path(bak) as tmp:  # the old backup stays whole until the new one is complete
                    dst = sqlite3.connect(tmp)
                    try:
                        # a temporary renamed only when complete needs no rollback journal (none is left on a kill)
                        dst.execute("PRAGMA journal_mode = OFF")
                        self._con.backup(dst)
                    finally:
                        dst.close()
            except sqlite3.Error as exc:
                raise OutputError(f"{bak}: cannot write backup ({_fault_text(exc)})") from None
            return bak

    # ----------------------------------------------------------------- settings and coders
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        with self._tx() as con:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def delete_setting(self, key: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM settings WHERE key = ?", (key,))

    def set_settings(self, values: Mapping[str, Any]) -> None:
        """Several settings in one transaction (all written, or none)."""
        with self._tx() as con:
            for key, value in values.items():
                con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def add_coder(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise InputError("coder: the name is empty")
        with self._tx() as con:
            con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, time.time()))

    def coders(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM coders ORDER BY created, name")]

    # A coder who coded a video and found nothing leaves no event there; an import of a file of theirs (even one
    # with no events) records them in the per-video setting ``coded:<video id>`` (a sorted list of names), so the
    # agreement report can count their silence as a judgement (merstudio.agreement).
    def coded_by(self, video_id: int) -> list[str]:
        """The coders recorded as having coded the video (see above), sorted."""
        return sorted(str(c) for c in self.get_setting(coded_key(video_id)) or [])

    def coded(self) -> dict[int, list[str]]:
        """{video id: :meth:`coded_by`} of every video with a record."""
        out: dict[int, list[str]] = {}
        for key, value in self._query("SELECT key, value FROM settings WHERE key LIKE 'coded:%'"):
            try:
                vid = int(key.split(":", 1)[1])
            except ValueError:
                continue
            out[vid] = sorted(str(c) for c in json.loads(value) or [])
        return out

    def mark_coded(self, video_id: int, coders: Iterable[str]) -> None:
        """Record that ``coders`` coded the video (kept with those recorded before)."""
        with self._tx() as con:
            self._mark_coded(con, {video_id: coders})

    @staticmethod
    def _mark_coded(con: sqlite3.Connection, coded: Mapping[int, Iterable[str]], keep: bool = True) -> None:
        """Add ``coded``'s coders to the videos' records (``keep=False``: take them off: an undone import)."""
        for vid, names in coded.items():
            change = {c.strip() for c in names if c.strip()}
            if not change:
                continue
            key = coded_key(vid)
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            have = set(json.loads(row[0]) or []) if row else set()
            now = have | change if keep else have - change
            if now == have:
                continue
            if now:
                con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(sorted(now))))
            else:
                con.execute("DELETE FROM settings WHERE key = ?", (key,))

    # ----------------------------------------------------------------- videos
    def add_video(self, path: str | os.PathLike[str], fps: float, frame_count: int, width: int,
                  height: int) -> Video:
        """Register a video (metadata from its FrameSource). Adding the same file twice returns the first record."""
        p = Path(path).resolve()
        digest, size = content_hash(p) if p.is_file() else (_folder_hash(p), 0)
        for v in self.videos():
            if v.hash == digest and v.size == size:
                return v
        rel = _relpath(p, self.path.parent)
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (str(p), rel, digest, size, float(fps), int(frame_count), int(width), int(height), time.time()))
            vid = inserted_id(cur)
        return self.video(vid)

    def add_source(self, source: Any) -> Video:
        """Register a merstudio.io FrameSource."""
        w, h = source.size
        return self.add_video(source.path, source.fps, source.frame_count, w, h)

    def videos(self) -> list[Video]:
        rows = self._query("SELECT id, path, hash, size, fps, frame_count, width, height, relpath FROM videos"
                           " ORDER BY id")
        return [Video(*r) for r in rows]

    def video(self, video_id: int) -> Video:
        for v in self.videos():
            if v.id == video_id:
                return v
        raise KeyError(f"no video {video_id} in {self.path}")

    def remove_video(self, video_id: int) -> None:
        """Remove the video and, in the same transaction, its per-video settings (VIDEO_SETTING_PREFIXES): a video
        added later may get its id, and must not inherit them."""
        with self._tx() as con:
            con.execute("DELETE FROM videos WHERE id = ?", (video_id,))
            con.executemany("DELETE FROM settings WHERE key = ?", [(k,) for k in video_setting_keys(video_id)])

    def locate_video(self, video_id: int, search_dirs: Iterable[str | os.PathLike[str]] = ()) -> Path | None:
        """Where the video is now: its stored path if the content still matches, else a file with the same
        content hash next to the project, at its path relative to the project, or in ``search_dirs``.
        A hit elsewhere is remembered (the path is updated; not in a read-only project). None when it cannot be
        found."""
        v = self.video(video_id)
        candidates: list[Path] = [Path(v.path)]
        if v.relpath:
            candidates.append(self.path.parent / v.relpath)
        dirs = list(dict.fromkeys([self.path.parent, Path(v.path).parent, *map(Path, search_dirs),
                                   *self.search_dirs]))
        candidates += [d / v.name for d in dirs]
        for c in candidates:
            if self.matches(c, v):
                if c.resolve() != Path(v.path) and not self.read_only:
                    self.relocate(video_id, c)
                return c.resolve()
        for d in dirs:  # renamed as well as moved: compare every same-size file
            if not d.is_dir():
                continue
            for c in sorted(d.iterdir()):
                if c.suffix.lower() in VIDEO_SUFFIXES and self.matches(c, v):
                    if not self.read_only:
                        self.relocate(video_id, c)
                    return c.resolve()
        return None

    def locate_missing(self, folder: str | os.PathLike[str], exclude: Iterable[int] = ()) -> tuple[list[int], list[int]]:
        """The user found a video in ``folder``: look there (by name, then by content, as :meth:`locate_video`)
        for the project's other videos that are not where the project says (those in ``exclude`` aside: the one
        just found), remembering the folder for the rest of the session (``search_dirs``). Returns (ids found,
        ids still missing)."""
        where = Path(folder).resolve()
        self.search_dirs = [d for d in self.search_dirs if d != where] + [where]  # the last one found in: last
        skip = set(exclude)
        found: list[int] = []
        missing: list[int] = []
        for v in self.videos():
            if v.id in skip or self.matches(Path(v.path), v):
                continue
            (found if self.locate_video(v.id) is not None else missing).append(v.id)
        return found, missing

    def missing_reason(self, video_id: int) -> str:
        """Why locate_video found nothing, in a few words: the file at the stored path is another one now (edited,
        re-encoded, replaced), or nothing is there."""
        v = self.video(video_id)
        if Path(v.path).is_file():
            return "the file there is not the video that was added (its content changed: edited, re-encoded or replaced)"
        return "video not found (moved or deleted)"

    @staticmethod
    def matches(c: Path, v: Video) -> bool:
        """Whether the file or frame folder ``c`` holds the video ``v`` was added as (its content hash)."""
        try:
            if c.is_dir():
                return v.size == 0 and _folder_hash(c) == v.hash
            return c.is_file() and c.stat().st_size == v.size and content_hash(c)[0] == v.hash
        except (OSError, InputError):
            return False

    def relocate(self, video_id: int, new_path: str | os.PathLike[str], check_hash: bool = True) -> Video:
        """Point a video record at a new path (the user found it). Refuses a file with other content. A read-only
        project stores nothing and returns the record with the new path."""
        p = Path(new_path).resolve()
        v = self.video(video_id)
        if check_hash and not self.matches(p, v):
            raise InputError(f"{p}: not the same video as {v.name} (content differs)")
        if self.read_only:
            return replace(v, path=str(p), relpath=_relpath(p, self.path.parent))
        with self._tx() as con:
            con.execute("UPDATE videos SET path = ?, relpath = ? WHERE id = ?",
                        (str(p), _relpath(p, self.path.parent), video_id))
        return self.video(video_id)

    # ----------------------------------------------------------------- analysis results
    def begin_analysis(self, video_id: int, settings: Mapping[str, Any] | None = None, device: str = "",
                       model: str = "") -> int:
        """Start a new result set for a video and make it the video's active run (the one every reader sees).
        Returns the analysis id. The row records its owner (this process: pid, host, start time) so that after a
        crash the next writer marks it ``interrupted`` instead of ``running`` for ever.

        One previous run per video is kept, inactive, so that a re-run can be undone (:meth:`previous_analysis`,
        :meth:`set_active_analysis`); any other run of the video is deleted with its frames and landmarks, so a
        video holds two runs at most. The run kept is the one active until now, unless it never completed
        (running, interrupted, failed or cancelled) while the run kept before it did: then the incomplete one is
        replaced as before this version and the complete one stays. When neither completed, the newer is kept
        (it is the data there is). All of it, with the insert, in one transaction."""
        now = time.time()
        owner = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now})
        with self._tx() as con:
            runs = con.execute("SELECT id, status, active FROM analyses WHERE video_id = ? ORDER BY id",
                               (video_id,)).fetchall()
            current = next((r for r in runs if r[2]), None)
            older = next((r for r in reversed(runs) if not r[2]), None)
            keep = current
            if current is None or (current[1] != "complete" and older is not None and older[1] == "complete"):
                keep = older
            con.executemany("DELETE FROM analyses WHERE id = ?",  # frames go with them (ON DELETE CASCADE)
                            [(r[0],) for r in runs if keep is None or r[0] != keep[0]])
            con.execute("UPDATE analyses SET active = 0 WHERE video_id = ?", (video_id,))
            cur = con.execute(
                "INSERT INTO analyses (video_id, created, status, columns, settings, device, model, owner, active)"
                " VALUES (?,?,?,?,?,?,?,?,1)",
                (video_id, now, "running", "[]", json.dumps(dict(settings or {}), default=str),
                 device, model, owner))
            return inserted_id(cur)

    def append_frames(self, analysis_id: int, rows: Sequence[Mapping[str, Any]],
                      landmark_subset: Sequence[int] | None = None) -> None:
        """Append one batch of per-frame rows (OpenFace-style dicts) in one transaction. Value columns are stored
        generically; a column first seen in a later batch is appended to the column list. Landmark columns
        (x_0.., y_0..) are packed separately as float32, all of them or only the mesh indices in
        ``landmark_subset`` (in that order)."""
        if not rows:
            return
        with self._tx() as con:
            cols = json.loads(con.execute("SELECT columns FROM analyses WHERE id = ?",
                                          (analysis_id,)).fetchone()[0])
            known = set(cols)
            for k in rows[0]:
                if k not in known and k not in BASE_COLUMNS and not _is_landmark(k):
                    cols.append(k)
                    known.add(k)
            for r in rows[1:]:
                for k in r:
                    if k not in known and k not in BASE_COLUMNS and not _is_landmark(k):
                        cols.append(k)
                        known.add(k)
            con.execute("UPDATE analyses SET columns = ? WHERE id = ?", (json.dumps(cols), analysis_id))
            data = []
            for r in rows:
                vals = np.array([_num(r.get(c)) for c in cols], dtype=np.float32).tobytes()
                lm = None
                if "x_0" in r:
                    idx = landmark_subset if landmark_subset is not None else range(
                        sum(1 for k in r if _is_landmark(k) and k[0] == "x"))
                    xy = np.array([[_num(r.get(f"x_{i}")), _num(r.get(f"y_{i}"))] for i in idx],
                                  dtype=np.float32)
                    lm = xy.tobytes()
                data.append((analysis_id, int(r["frame"]), int(r.get("face_id", 0)), _num(r.get("timestamp")),
                             _num(r.get("confidence")), int(_num(r.get("success"), 0)), vals, lm))
            con.executemany("INSERT OR REPLACE INTO frames VALUES (?,?,?,?,?,?,?,?)", data)

    def finish_analysis(self, analysis_id: int, status: str = "complete",
                        found: Mapping[str, Any] | None = None) -> None:
        """Mark a run finished. ``found``: what the run itself decided (e.g. ``{"turned": 180}``, the turn an
        automatic run chose), merged into its settings so that it travels with the run: undoing a re-run brings
        back the previous run's."""
        with self._tx() as con:
            if found:
                self._note_run(con, analysis_id, found)
            con.execute("UPDATE analyses SET status = ?, finished = ? WHERE id = ?",
                        (status, time.time(), analysis_id))

    def note_run(self, analysis_id: int, found: Mapping[str, Any]) -> None:
        """Merge what a run found (e.g. ``portraits``: each face's largest view) into its settings before it ends."""
        with self._tx() as con:
            self._note_run(con, analysis_id, found)

    @staticmethod
    def _note_run(con: sqlite3.Connection, analysis_id: int, found: Mapping[str, Any]) -> None:
        row = con.execute("SELECT settings FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row is not None:
            merged = {**json.loads(row[0] or "{}"), **dict(found)}
            con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(merged, default=str), analysis_id))

    _ANALYSIS_COLS = "id, video_id, status, columns, settings, device, model, created, owner, active"

    @staticmethod
    def _analysis_row(r: Sequence[Any]) -> Analysis:
        return Analysis(r[0], r[1], r[2], tuple(json.loads(r[3])), json.loads(r[4]), r[5], r[6], r[7], _owner(r[8]),
                        bool(r[9]))

    def analysis(self, video_id: int) -> Analysis | None:
        """The video's active run: the one its frames, landmarks and exports come from (None: never analysed)."""
        rows = self._query(f"SELECT {self._ANALYSIS_COLS} FROM analyses WHERE video_id = ? AND active = 1",
                           (video_id,))
        return self._analysis_row(rows[0]) if rows else None

    def previous_analysis(self, video_id: int) -> Analysis | None:
        """The run a re-run kept (inactive; see :meth:`begin_analysis`), None when there is none. Its frames are
        read only after :meth:`set_active_analysis` makes it the active run again."""
        rows = self._query(f"SELECT {self._ANALYSIS_COLS} FROM analyses WHERE video_id = ? AND active = 0"
                           " ORDER BY id DESC LIMIT 1", (video_id,))
        return self._analysis_row(rows[0]) if rows else None

    def set_active_analysis(self, video_id: int, analysis_id: int,
                            proposals: Iterable[Event] | None = None) -> None:
        """Make ``analysis_id`` (a run of this video: the active or the previous one) the run readers see, the
        other one becoming the previous; with ``proposals``, the video's open proposals are replaced by them
        (:meth:`replace_proposals`) in the same transaction, which is how undoing a re-run puts back both.
        InputError for a run of another video or one no longer stored (a later re-run deleted it)."""
        evs = self._checked_proposals(video_id, proposals) if proposals is not None else None
        with self._tx() as con:
            row = con.execute("SELECT video_id FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
            if row is None:
                raise InputError(f"analysis run {analysis_id} of video {video_id} is no longer stored "
                                 "(a later re-run replaced it)")
            if row[0] != video_id:
                raise InputError(f"analysis run {analysis_id} belongs to video {row[0]}, not to video {video_id}")
            # two statements: the unique index on the active run is checked row by row
            con.execute("UPDATE analyses SET active = 0 WHERE video_id = ? AND id != ?", (video_id, analysis_id))
            con.execute("UPDATE analyses SET active = 1 WHERE id = ?", (analysis_id,))
            if evs is not None:
                self._replace_proposals(con, video_id, evs)

    def frame_count_stored(self, video_id: int) -> int:
        a = self.analysis(video_id)
        if a is None:
            return 0
        return int(self._query("SELECT COUNT(DISTINCT frame) FROM frames WHERE analysis_id = ?", (a.id,))[0][0])

    def frame_times(self, video_id: int) -> np.ndarray | None:
        """Each frame's stored timestamp (seconds, indexed by frame) when the active run stored frames 0..n-1 with
        their times (a run cut short stores a prefix), else None (never analysed, or holes)."""
        a = self.analysis(video_id)
        if a is None:
            return None
        rows = self._query("SELECT frame, MIN(timestamp) FROM frames WHERE analysis_id = ? GROUP BY frame"
                           " ORDER BY frame", (a.id,))
        if not rows or rows[0][0] != 0 or rows[-1][0] != len(rows) - 1 or any(r[1] is None for r in rows):
            return None
        return np.array([r[1] for r in rows], dtype=np.float64)

    def timebase(self, video_id: int, times: np.ndarray | None = None) -> Timebase:
        """Frame <-> seconds for a video: `times` (a variable-rate video's frame times as its player knows them,
        which cover frames an analysis still running or stopped short has not stored), else the stored frame
        times, else frame / fps."""
        return Timebase(self.video(video_id).fps, times if times is not None else self.frame_times(video_id))

    def load_frames(self, video_id: int, start: int = 0, stop: int | None = None,
                    columns: Callable[[str], bool] | None = None) -> pd.DataFrame:
        """The stored per-frame table of a video (empty frame with the base columns when not analysed),
        ordered by frame then face_id. Landmarks are not included (see :meth:`landmarks`). ``columns``: only the
        stored columns it says yes to, as float32 (what the app's curves keep: a 60-minute video's whole table as
        float64 took ~400 MB more, for a moment, when a project opened)."""
        a = self.analysis(video_id)
        cols = list(a.columns) if a else []
        if a is None:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in BASE_COLUMNS})
        stop = (1 << 62) if stop is None else stop
        rows = self._query("SELECT frame, face_id, timestamp, confidence, success, vals FROM frames"
                           " WHERE analysis_id = ? AND frame >= ? AND frame < ? ORDER BY frame, face_id",
                           (a.id, start, stop))
        n, k = len(rows), len(cols)
        vals = np.full((n, k), np.nan, dtype=np.float32)
        if n:
            blobs = [r[5] for r in rows]
            if all(len(b) == 4 * k for b in blobs):
                vals = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(n, k).copy()
            else:  # columns added mid-run: older rows are shorter, padded with NaN
                for i, b in enumerate(blobs):
                    v = np.frombuffer(b, dtype=np.float32)
                    vals[i, : len(v)] = v
        base: list[Sequence[Any]] = list(zip(*[r[:5] for r in rows], strict=True)) if n else [[]] * 5
        df = pd.DataFrame({
            "frame": np.asarray(base[0], dtype=np.int64),
            "face_id": np.asarray(base[1], dtype=np.int64),
            "timestamp": np.asarray(base[2], dtype=np.float64),
            "confidence": np.asarray(base[3], dtype=np.float64),
            "success": np.asarray(base[4], dtype=np.int64),
        })
        if columns is not None:
            kept = [c for c in cols if columns(c)]
            vals = vals[:, [cols.index(c) for c in kept]]
            # presence flags 0/1, NaN where unknown (the AU's intensity is: a cover, lids shut), never 0 (absent)
            return pd.concat([df, pd.DataFrame(vals, index=df.index, columns=kept)], axis=1)
        # every column in one go: replacing the presence columns one by one left a frame of ~100 blocks, which
        # pandas reports as a PerformanceWarning at the next insert (merstudio agreement)
        data = vals.astype(np.float64)
        # presence flags read back as integers, as pandas reads a CSV column: float with NaN when some are unknown
        extra = pd.DataFrame({c: (data[:, j].astype(np.int64) if c.endswith("_c") and not np.isnan(data[:, j]).any()
                                  else data[:, j]) for j, c in enumerate(cols)}, index=df.index, columns=cols)
        return pd.concat([df, extra], axis=1).copy()  # consolidated: one block per dtype

    def landmarks(self, video_id: int, frame: int) -> dict[int, np.ndarray]:
        """{face_id: (N, 2) float32 pixel landmarks} stored for one frame (empty when none were stored)."""
        a = self.analysis(video_id)
        if a is None:
            return {}
        rows = self._query("SELECT face_id, landmarks FROM frames WHERE analysis_id = ? AND frame = ?"
                           " AND landmarks IS NOT NULL AND success = 1", (a.id, frame))
        return {int(f): np.frombuffer(b, dtype=np.float32).reshape(-1, 2) for f, b in rows}

    def face_spans(self, video_id: int) -> dict[int, tuple[int, int, int]]:
        """{face_id: (first frame, last frame, frames seen)} of the video's active run (no face: -1 left out)."""
        a = self.analysis(video_id)
        if a is None:
            return {}
        rows = self._query("SELECT face_id, MIN(frame), MAX(frame), COUNT(*) FROM frames WHERE analysis_id = ?"
                           " AND face_id >= 0 GROUP BY face_id", (a.id,))
        return {int(f): (int(lo), int(hi), int(n)) for f, lo, hi, n in rows}

    def merge_faces(self, video_id: int, keep: int, merged: int,
                    settings: Mapping[str, Any] | None = None) -> FaceChange:
        """Make face track ``merged`` part of ``keep`` in the video's active run, in one transaction: its frames,
        the events and behaviour events on it, the rows of our "model" overlays (an imported OpenFace table keeps
        its own ids) and ``settings`` (project settings that change with it: the neutral baselines). One person
        seen in two shots (a wide shot, then a close-up) becomes one face. InputError when either face is not in
        the run, or when both are in one frame (two people). The merge is recorded in the run's settings
        (``face_edits``), so that a re-run can repeat it (:func:`merstudio.project.faces.carry_face_edits`)."""
        if keep == merged:
            raise InputError(f"face {keep}: cannot merge a face into itself")
        with self._tx() as con:
            aid, run_settings = self._active_run(con, video_id, "merge")
            spans = {face: self._span(con, aid, face) for face in (keep, merged)}
            both = [int(r[0]) for r in con.execute(
                "SELECT a.frame FROM frames a JOIN frames b ON b.analysis_id = a.analysis_id AND b.frame = a.frame"
                " WHERE a.analysis_id = ? AND a.face_id = ? AND b.face_id = ? ORDER BY a.frame",
                (aid, keep, merged))]
            if both:
                where = f"frame {both[0]}" if len(both) == 1 else f"{len(both)} frames ({both[0]}-{both[-1]})"
                raise InputError(f"faces {keep} and {merged} are both in {where}: two people, not one; "
                                 "not merged")
            record = {"op": "merge", "keep": keep, "merged": merged, "keep_span": spans[keep],
                      "merged_span": spans[merged]}
            return self._move_face(con, video_id, aid, run_settings, merged, keep, 0, record, settings)

    def split_face(self, video_id: int, face: int, at: int, new: int | None = None) -> FaceChange:
        """Give face track ``face`` a new id from frame ``at`` on, in one transaction: where the tracker kept one id
        across two people (a cut from one person to another it took for the same). Its frames from ``at`` on, the
        events and behaviour events that start there or later and the rows of our "model" overlays move to the new
        id (one above every face id the video has had: in its runs, its events and its face edits, a merged-away
        id included); the neutral frames stay. InputError when the face is not seen both before and from ``at``.
        Recorded in the run's ``face_edits``, as a merge is. ``new``: the id to give (a re-run repeating a split:
        the id its events already carry); it must be free in the run."""
        with self._tx() as con:
            aid, run_settings = self._active_run(con, video_id, "split")
            span = self._span(con, aid, face)
            if not span[0] < at <= span[1]:
                raise InputError(f"face {face} is seen in frames {span[0]}-{span[1]}: split it at a frame after its "
                                 f"first and up to its last, not at {at}")
            if new is None:
                row = con.execute("SELECT MAX(face_id) FROM frames WHERE analysis_id IN (SELECT id FROM analyses"
                                  " WHERE video_id = ?)", (video_id,)).fetchone()
                ev_row = con.execute("SELECT MAX(face_id) FROM events WHERE video_id = ?", (video_id,)).fetchone()
                # and above every id the video's face edits named, a face merged away included: its id reused
                # would make `project show` and a re-run's replay call two people by one id
                edited = [int(v) for (text,) in con.execute("SELECT settings FROM analyses WHERE video_id = ?",
                                                            (video_id,))
                          for r in json.loads(text or "{}").get("face_edits", []) if isinstance(r, dict)
                          for k in ("keep", "merged", "face", "new") if isinstance(v := r.get(k), int)]
                new = max(int(row[0] or 0), int(ev_row[0] or 0), *edited) + 1
            elif new < 0 or con.execute("SELECT 1 FROM frames WHERE analysis_id = ? AND face_id = ? LIMIT 1",
                                        (aid, new)).fetchone():
                raise InputError(f"face {face}: cannot split off as face {new}, which is taken")
            record = {"op": "split", "face": face, "at": at, "new": new, "span": span}
            return self._move_face(con, video_id, aid, run_settings, face, new, at, record, None)

    def _active_run(self, con: sqlite3.Connection, video_id: int, verb: str) -> tuple[int, dict[str, Any]]:
        row = con.execute("SELECT id, settings FROM analyses WHERE video_id = ? AND active = 1",
                          (video_id,)).fetchone()
        if row is None:
            raise InputError(f"video {video_id}: not analysed, so it has no faces to {verb}")
        return int(row[0]), json.loads(row[1] or "{}")

    @staticmethod
    def _largest_view(con: sqlite3.Connection, aid: int, face: int, most: int = 300) -> tuple[int, Box] | None:
        """The face's largest view among its stored landmarks, from at most ``most`` evenly spaced frames (a long
        video's landmarks are hundreds of MB: only the chosen frames' are read)."""
        where = "analysis_id = ? AND face_id = ? AND landmarks IS NOT NULL AND success = 1"
        frames = [int(r[0]) for r in con.execute(f"SELECT frame FROM frames WHERE {where} ORDER BY frame", (aid, face))]
        chosen = frames[::max(1, -(-len(frames) // most))]
        if not chosen:
            return None
        rows = con.execute(f"SELECT frame, landmarks FROM frames WHERE {where} AND frame IN "
                           f"({','.join('?' * len(chosen))}) ORDER BY frame", (aid, face, *chosen))
        return portraits.largest_view(rows)

    @staticmethod
    def _span(con: sqlite3.Connection, aid: int, face: int) -> list[int]:
        lo, hi, n = con.execute("SELECT MIN(frame), MAX(frame), COUNT(*) FROM frames WHERE analysis_id = ?"
                                " AND face_id = ?", (aid, face)).fetchone()
        if not n or face < 0:
            raise InputError(f"face {face} is not in this video's analysis")
        return [int(lo), int(hi), int(n)]

    def _move_face(self, con: sqlite3.Connection, video_id: int, aid: int, run_settings: dict[str, Any],
                   source: int, target: int, start: int, record: dict[str, Any],
                   settings: Mapping[str, Any] | None) -> FaceChange:
        """Move face ``source`` from frame ``start`` on to face ``target`` (frames, events and behaviour events
        starting there, model overlay rows), write ``settings``, record the edit; inside the caller's transaction."""
        run_before = json.loads(json.dumps(run_settings))
        frames = tuple(int(r[0]) for r in con.execute(
            "SELECT frame FROM frames WHERE analysis_id = ? AND face_id = ? AND frame >= ? ORDER BY frame",
            (aid, source, start)))
        con.execute("UPDATE frames SET face_id = ? WHERE analysis_id = ? AND face_id = ? AND frame >= ?",
                    (target, aid, source, start))
        now = time.time()
        events = []
        for ev in self._select_events(con, "video_id = ? AND face_id = ? AND onset >= ?", (video_id, source, start)):
            assert ev.id is not None
            con.execute("UPDATE events SET face_id = ?, modified = ? WHERE id = ?", (target, now, ev.id))
            self._log(con, ev.id, "update", ev, replace(ev, face_id=target))
            events.append(ev.id)
        bevs = tuple(int(r[0]) for r in con.execute(
            "SELECT id FROM behaviour_events WHERE video_id = ? AND face_id = ? AND onset >= ? ORDER BY id",
            (video_id, source, start)))
        con.executemany("UPDATE behaviour_events SET face_id = ?, modified = ? WHERE id = ?",
                        [(target, now, b) for b in bevs])
        overlay_keys = {}
        for name, n_rows, blob in con.execute("SELECT name, n_rows, keys FROM overlays WHERE video_id = ?"
                                              " AND kind = 'model'", (video_id,)).fetchall():
            keys = np.frombuffer(blob, dtype=np.int64).reshape(int(n_rows), 2)
            hit = (keys[:, 1] == source) & (keys[:, 0] >= start)
            if hit.any():
                moved = keys.copy()
                moved[hit, 1] = target
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ?",
                            (moved.tobytes(), video_id, name))
                overlay_keys[name] = bytes(blob)
        before = {}
        for key, value in (settings or {}).items():
            old = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            before[key] = json.loads(old[0]) if old else None
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))
        run_settings["face_edits"] = [*run_settings.get("face_edits", []), record]
        if run_settings.get("portraits"):
            carried = portraits.carry(run_settings["portraits"], source, target, start)
            for face in (source, target):  # a split's part without the recorded view: its largest stored one
                if str(face) not in carried and (view := self._largest_view(con, aid, face)) is not None:
                    carried |= portraits.encode({face: view})
            run_settings["portraits"] = carried
        con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(run_settings, default=str), aid))
        return FaceChange(video_id, aid, source, target, frames, tuple(events), bevs, overlay_keys, before, run_before,
                          str(record["op"]))

    def undo_face_change(self, c: FaceChange) -> None:
        """Undo :meth:`merge_faces` or :meth:`split_face`: the frames, events, overlay rows and settings that moved
        go back, in one transaction. InputError when the run is no longer the video's active run (re-run since)."""
        with self._tx() as con:
            row = con.execute("SELECT id FROM analyses WHERE video_id = ? AND active = 1", (c.video_id,)).fetchone()
            if row is None or int(row[0]) != c.analysis_id:
                raise InputError(f"faces {c.target} and {c.source}: the run of that {c.op} is no longer the "
                                 "video's active analysis")
            con.executemany("UPDATE frames SET face_id = ? WHERE analysis_id = ? AND frame = ? AND face_id = ?",
                            [(c.source, c.analysis_id, f, c.target) for f in c.frames])
            now = time.time()
            for eid in c.events:
                ev = self._get_event(con, eid)
                if ev is not None and ev.face_id == c.target:
                    con.execute("UPDATE events SET face_id = ?, modified = ? WHERE id = ?", (c.source, now, eid))
                    self._log(con, eid, "update", ev, replace(ev, face_id=c.source))
            con.executemany("UPDATE behaviour_events SET face_id = ?, modified = ? WHERE id = ? AND face_id = ?",
                            [(c.source, now, b, c.target) for b in c.behaviour_events])
            for name, blob in c.overlay_keys.items():
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ? AND length(keys) = ?",
                            (blob, c.video_id, name, len(blob)))
            _put_settings(con, c.settings_before)
            con.execute("UPDATE analyses SET settings = ? WHERE id = ?",
                        (json.dumps(c.run_settings_before, default=str), c.analysis_id))

    def face_boxes(self, video_id: int) -> Iterator[tuple[int, int, Box]]:
        """(frame, face, box round its stored landmarks) for every tracked face of the active run, in frame order,
        streamed (a long video's landmarks are hundreds of MB); nothing when the run stored no landmarks."""
        a = self.analysis(video_id)
        if a is None:
            return
        lo, hi = self._query("SELECT MIN(frame), MAX(frame) FROM frames WHERE analysis_id = ?", (a.id,))[0]
        if lo is None:
            return
        for start in range(int(lo), int(hi) + 1, 2000):  # 2,000 frames' landmarks at a time
            for frame, face, blob in self._query(
                    "SELECT frame, face_id, landmarks FROM frames WHERE analysis_id = ? AND frame BETWEEN ? AND ?"
                    " AND landmarks IS NOT NULL AND success = 1 AND face_id >= 0 ORDER BY frame",
                    (a.id, start, start + 1999)):
                box = portraits.landmark_box(blob)
                if box is not None:
                    yield int(frame), int(face), box

    def face_box(self, video_id: int, frame: int, face: int) -> Box | None:
        """The box (x0, y0, x1, y1, pixels) round a face's stored landmarks on one frame: which person an event is
        about, in a video of several (None when the run stored no landmarks of that face there)."""
        pts = self.landmarks(video_id, frame).get(face)
        return None if pts is None else portraits.landmark_box(pts)

    # ----------------------------------------------------------------- overlays
    def save_overlay(self, video_id: int, name: str, df: pd.DataFrame, kind: str = "",
                     meta: Mapping[str, Any] | None = None) -> Overlay:
        """Store a per-frame table under ``name`` for a video, replacing one of the same name (one transaction).
        ``frame`` is required, ``face_id`` defaults to 0; every other column must be numeric (stored as float32,
        integer columns read back as integers). Use it for tables that are not our analysis: an imported OpenFace
        CSV, the predictions of the model used before a fine-tuning."""
        name = name.strip()
        if not name:
            raise InputError("overlay: the name is empty")
        self.video(video_id)  # KeyError for an unknown video
        if "frame" not in df.columns:
            raise InputError(f"overlay {name}: the table has no frame column")
        cols = [str(c) for c in df.columns if c not in ("frame", "face_id")]
        bad = [c for c in cols if not pd.api.types.is_numeric_dtype(df[c])]
        if bad:
            raise InputError(f"overlay {name}: column(s) {', '.join(bad[:5])} are not numeric")
        n = len(df)
        frames = df["frame"].to_numpy()
        if n and (np.isnan(frames.astype(np.float64)).any() or (frames < 0).any()):
            raise InputError(f"overlay {name}: frame numbers must be 0 or more")
        face = df["face_id"].to_numpy() if "face_id" in df.columns else np.zeros(n)
        keys = np.column_stack([frames, face]).astype(np.int64) if n else np.zeros((0, 2), np.int64)
        vals = df[cols].to_numpy(dtype=np.float32) if cols else np.zeros((n, 0), np.float32)
        ints = [c for c in cols if pd.api.types.is_integer_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
        with self._tx() as con:
            con.execute("DELETE FROM overlays WHERE video_id = ? AND name = ?", (video_id, name))
            con.execute("INSERT INTO overlays (video_id, name, kind, created, meta, columns, int_columns, n_rows,"
                        " keys, vals) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (video_id, name, kind, time.time(), json.dumps(dict(meta or {}), default=str),
                         json.dumps(cols), json.dumps(ints), n, np.ascontiguousarray(keys).tobytes(),
                         np.ascontiguousarray(vals).tobytes()))
        return next(o for o in self.overlays(video_id) if o.name == name)

    def overlays(self, video_id: int) -> list[Overlay]:
        """The overlays of a video, oldest first (without their data)."""
        rows = self._query("SELECT name, kind, columns, n_rows, meta, created FROM overlays WHERE video_id = ?"
                           " ORDER BY created, id", (video_id,))
        return [Overlay(video_id, r[0], r[1], tuple(json.loads(r[2])), int(r[3]), json.loads(r[4]), float(r[5]))
                for r in rows]

    def load_overlay(self, video_id: int, name: str) -> pd.DataFrame:
        """An overlay's table: ``frame``, ``face_id`` then its columns in the order saved, sorted by frame."""
        rows = self._query("SELECT columns, int_columns, n_rows, keys, vals FROM overlays"
                           " WHERE video_id = ? AND name = ?", (video_id, name))
        if not rows:
            raise KeyError(f"no overlay {name!r} for video {video_id} in {self.path}")
        cols, ints = json.loads(rows[0][0]), set(json.loads(rows[0][1]))
        n = int(rows[0][2])
        keys = np.frombuffer(rows[0][3], dtype=np.int64).reshape(n, 2)
        vals = np.frombuffer(rows[0][4], dtype=np.float32).reshape(n, len(cols))
        df = pd.DataFrame({"frame": keys[:, 0].copy(), "face_id": keys[:, 1].copy()})
        extra = pd.DataFrame(vals.astype(np.float64), columns=cols)
        for c in ints:
            extra[c] = extra[c].fillna(0).astype(np.int64)
        out = pd.concat([df, extra], axis=1)
        return out.sort_values(["frame", "face_id"], kind="stable").reset_index(drop=True)

    def delete_overlay(self, video_id: int, name: str) -> bool:
        """Remove an overlay; False when there was none of that name."""
        with self._tx() as con:
            return con.execute("DELETE FROM overlays WHERE video_id = ? AND name = ?", (video_id, name)).rowcount > 0

    # ----------------------------------------------------------------- events
    _EVENT_COLS = ("id", "video_id", "face_id", "onset", "apex", "offset", "emotion", "aus", "coder",
                   "confidence", "note", "source", "status")

    def _log(self, con: sqlite3.Connection, event_id: int, action: str, before: Event | None,
             after: Event | None) -> None:
        ref = after or before
        coder = ref.coder if ref else ""
        con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after) VALUES (?,?,?,?,?,?)",
                    (event_id, time.time(), action, self.coder or coder,
                     json.dumps(before.to_dict()) if before else None,
                     json.dumps(after.to_dict()) if after else None))

    @staticmethod
    def _next_event_id(con: sqlite3.Connection) -> int:
        """An id no event has had: past the largest in the events and in their history. SQLite would give the id
        of a deleted newest event to the next one, and its history (and a checkpoint's list of the events it
        trained on) would then mix two events."""
        row = con.execute("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM events UNION ALL "
                          "SELECT MAX(event_id) FROM event_history)").fetchone()
        return int(row[0] or 0) + 1

    def _insert_event(self, con: sqlite3.Connection, ev: Event, now: float) -> Event:
        """INSERT one event (its id kept when given: undo restoring a deleted one; else a never-used id) and log
        its creation; the stored event, with its id."""
        if ev.id is None:
            ev = replace(ev, id=self._next_event_id(con))
        cur = con.execute(
            "INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
            " note, source, status, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (ev.id, ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder,
             ev.confidence, ev.note, ev.source, ev.status, now, now))
        eid = inserted_id(cur)
        ev = replace(ev, id=eid)
        self._log(con, eid, "create", None, ev)
        return ev

    def add_event(self, event: Event) -> Event:
        """Insert a validated event (keeping ``event.id`` when given, which is how undo restores a deleted one)."""
        ev = event.validated()
        if not ev.coder and self.coder:
            ev = replace(ev, coder=self.coder)
        now = time.time()
        with self._tx() as con:
            ev = self._insert_event(con, ev, now)
        return ev

    def add_events(self, events: Iterable[Event], coders: Iterable[str] = (),
                   coded: Mapping[int, Iterable[str]] | None = None) -> list[Event]:
        """Insert many events in one transaction (proposals from spotting, imports), registering ``coders`` and
        recording ``coded`` ({video id: coders who coded it}, see :meth:`coded_by`) in the same transaction (a
        failed import registers nobody)."""
        return self.replace_events((), events, coders=coders, coded=coded)[1]

    def replace_events(self, remove: Iterable[int], events: Iterable[Event], coders: Iterable[str] = (),
                       coded: Mapping[int, Iterable[str]] | None = None,
                       uncoded: Mapping[int, Iterable[str]] | None = None,
                       settings: Mapping[str, Any] | None = None) -> tuple[list[Event], list[Event]]:
        """Delete the events ``remove`` (ids) and insert ``events`` (keeping the id of one that has one: how undo
        restores deleted events), registering ``coders``, recording ``coded`` (see :meth:`add_events`), taking
        ``uncoded`` off those records (the undo of an import) and writing ``settings`` ({key: value}, None deletes
        the key: what an import remembers, an ELAN file's media offset and tier mapping), all in one transaction: a
        re-import of a coder's corrected file replaces their events whole, or not at all (an id that is gone
        meanwhile: KeyError, nothing changed). Returns (the events removed, as they were; the events stored)."""
        out: list[Event] = []
        now = time.time()
        evs = [e.validated() for e in events]
        names = sorted({c.strip() for c in coders if c.strip()})
        with self._tx() as con:
            removed = [self._delete_in(con, eid) for eid in remove]
            for name in names:
                con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, now))
            self._mark_coded(con, coded or {})
            self._mark_coded(con, uncoded or {}, keep=False)
            _put_settings(con, settings or {})
            for ev in evs:
                out.append(self._insert_event(con, ev, now))
        return removed, out

    def update_event(self, event: Event) -> Event:
        eid = event.id
        if eid is None:
            raise ValueError("update_event needs an event with an id")
        ev = event.validated()
        with self._tx() as con:
            before = self._get_event(con, eid)
            if before is None:
                raise KeyError(f"no event {ev.id}")
            con.execute(
                "UPDATE events SET video_id=?, face_id=?, onset=?, apex=?, offset=?, emotion=?, aus=?, coder=?,"
                " confidence=?, note=?, source=?, status=?, modified=? WHERE id=?",
                (ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder,
                 ev.confidence, ev.note, ev.source, ev.status, time.time(), ev.id))
            self._log(con, eid, "update", before, ev)
        return ev

    def _delete_in(self, con: sqlite3.Connection, event_id: int) -> Event:
        """Delete one event inside the caller's transaction, logged; returns it as it was (KeyError: no such id)."""
        before = self._get_event(con, event_id)
        if before is None:
            raise KeyError(f"no event {event_id}")
        con.execute("DELETE FROM events WHERE id = ?", (event_id,))
        self._log(con, event_id, "delete", before, None)
        return before

    def delete_event(self, event_id: int) -> Event:
        with self._tx() as con:
            return self._delete_in(con, event_id)

    def delete_events(self, event_ids: Iterable[int]) -> list[Event]:
        """Delete several events in one transaction (undo of an import); returns them as they were."""
        with self._tx() as con:
            return [self._delete_in(con, eid) for eid in event_ids]

    def proposals(self, video_id: int) -> list[Event]:
        """The video's open model proposals (status "proposal"): what :meth:`replace_proposals` replaces, so a saved
        list can be put back with it."""
        return self.events(video_id, status="proposal")

    def replace_proposals(self, video_id: int, events: Iterable[Event]) -> list[Event]:
        """Swap the open (not yet accepted/rejected) model proposals of a video for new ones, in one transaction.
        Events with an id keep it (a list saved with :meth:`proposals` comes back exactly, so undo steps naming
        those ids still find them); InputError when an id is taken by another event, when an event is of another
        video or is not an open proposal."""
        return self.swap_proposals(video_id, events)[1]

    def swap_proposals(self, video_id: int, events: Iterable[Event]) -> tuple[list[Event], list[Event]]:
        """:meth:`replace_proposals` returning (the proposals it removed, the ones it stored), read in its
        transaction: what an undo of a re-run puts back, exactly, even when the GUI edited events meanwhile."""
        evs = self._checked_proposals(video_id, events)
        with self._tx() as con:
            old = self._select_events(con, "video_id = ? AND status = 'proposal'", (video_id,))
            return old, self._replace_proposals(con, video_id, evs)

    @staticmethod
    def _checked_proposals(video_id: int, events: Iterable[Event]) -> list[Event]:
        evs = [e.validated() for e in events]
        for e in evs:
            if e.video_id != video_id:
                raise InputError(f"proposal {e.onset}-{e.offset}: of video {e.video_id}, not of video {video_id}")
            if e.status != "proposal":
                raise InputError(f"proposal {e.onset}-{e.offset}: status {e.status!r}, not an open proposal")
        return evs

    def _replace_proposals(self, con: sqlite3.Connection, video_id: int, evs: Sequence[Event]) -> list[Event]:
        now = time.time()
        out = []
        for old in self._select_events(con, "video_id = ? AND status = 'proposal'", (video_id,)):
            con.execute("DELETE FROM events WHERE id = ?", (old.id,))
            self._log(con, _stored_id(old), "delete", old, None)
        # new proposals get ids never used before (SQLite would reuse those just deleted): the proposals an undone
        # re-run removed keep theirs free to come back on redo, and no id names two events in one undo history
        fresh = 1 + max(con.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0],
                        con.execute("SELECT COALESCE(MAX(event_id), 0) FROM event_history").fetchone()[0],
                        max((e.id for e in evs if e.id is not None), default=0))
        for ev in evs:
            if ev.id is None:
                ev, fresh = replace(ev, id=fresh), fresh + 1
            # an id taken by another event is refused: a later undo step naming it would edit the wrong event
            elif con.execute("SELECT 1 FROM events WHERE id = ?", (ev.id,)).fetchone():
                raise InputError(f"proposal {ev.onset}-{ev.offset}: event id {ev.id} is taken by another event")
            ev = self._insert_event(con, ev, now)
            out.append(ev)
        return out

    def _select_events(self, con: sqlite3.Connection, where: str, args: Sequence[Any]) -> list[Event]:
        rows = con.execute(f"SELECT {', '.join(self._EVENT_COLS)} FROM events WHERE {where}"
                           " ORDER BY video_id, onset, id", args).fetchall()
        return [Event(**dict(zip(self._EVENT_COLS, r, strict=True))) for r in rows]

    def _get_event(self, con: sqlite3.Connection, event_id: int) -> Event | None:
        evs = self._select_events(con, "id = ?", (event_id,))
        return evs[0] if evs else None

    def event(self, event_id: int) -> Event | None:
        with self._lock:
            return self._get_event(self._con, event_id)

    def events(self, video_id: int | None = None, status: str | None = None,
               coder: str | None = None) -> list[Event]:
        where, args = ["1"], []
        for col, val in (("video_id", video_id), ("status", status), ("coder", coder)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        with self._lock:
            return self._select_events(self._con, " AND ".join(where), args)

    def event_history(self, event_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, event_id, time, action, coder, before, after FROM event_history"
        args: tuple[Any, ...] = ()
        if event_id is not None:
            sql += " WHERE event_id = ?"
            args = (event_id,)
        out = []
        for r in self._query(sql + " ORDER BY id", args):
            out.append({"id": r[0], "event_id": r[1], "time": r[2], "action": r[3], "coder": r[4],
                        "before": json.loads(r[5]) if r[5] else None, "after": json.loads(r[6]) if r[6] else None})
        return out


def _put_settings(con: sqlite3.Connection, values: Mapping[str, Any]) -> None:
    """Write settings inside the caller's transaction; None removes the key (what undo restores to a setting that
    was not there)."""
    for key, value in values.items():
        if value is None:
            con.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))


# The project settings that belong to one video: each key is one of these prefixes followed by the video's id.
# Project.remove_video removes them all (a video added later may get the id). A new per-video setting's prefix goes
# here; tests/project/test_video_settings.py finds the per-video keys merstudio's sources build and checks that
# each is listed.
VIDEO_SETTING_PREFIXES = (
    "coded:",            # the coders recorded as having coded it (coded_key, below)
    "subject:",          # who is in it (merstudio.project.subjects.subject_key)
    "neutral.video.",    # its neutral baselines (merstudio.features.neutral.setting_key)
    "elan_media/",       # an imported .eaf's media offset and linked media (merstudio.interchange.elan_media_key)
    "analysis_turn/",    # the turn chosen for its analysis (merstudio.gui.analysis_control)
    "analysis_turned/",  # an automatic run's turn, kept by projects before 2026-12-03 (the same)
    "view_place/",       # its play head and timeline zoom as the coder left them (merstudio.gui.places.place_key)
)


def video_setting_keys(video_id: int) -> list[str]:
    """The keys of every per-video setting (VIDEO_SETTING_PREFIXES) of a video."""
    return [f"{prefix}{int(video_id)}" for prefix in VIDEO_SETTING_PREFIXES]


def coded_key(video_id: int) -> str:
    """The project setting that lists the coders recorded as having coded a video (:meth:`Project.coded_by`)."""
    return f"coded:{int(video_id)}"


def _owner(text: str | None) -> dict[str, Any] | None:
    """The owner recorded in an analyses row (None: none recorded, or not readable)."""
    try:
        d = json.loads(text) if text else None
    except ValueError:
        return None
    return d if isinstance(d, dict) else None


def _owner_gone(owner: Mapping[str, Any] | None, lock_free: bool) -> bool:
    """Whether the process that ran an analysis can no longer be adding to it: the project's lock was free (its
    writer is gone, see merstudio.project.lock), no owner was recorded (a project of schema 3 or older), or its
    pid is not alive on this host."""
    if lock_free or not owner:
        return True
    pid = owner.get("pid")
    if not isinstance(pid, int) or owner.get("host") != socket.gethostname():
        return not isinstance(pid, int)  # on another host: only its lock can tell
    return not (pid == os.getpid() or pid_alive(pid))




def _stored_id(ev: Event) -> int:
    """The id of an event read from the database (always set there)."""
    if ev.id is None:
        raise RuntimeError(f"event read from the project has no id: {ev}")
    return ev.id


def _is_landmark(k: str) -> bool:
    return (k.startswith("x_") or k.startswith("y_")) and k[2:].isdigit()


def _num(v: Any, default: float = float("nan")) -> float:
    if v is None or v == "":
        return default
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def _relpath(p: Path, base: Path) -> str | None:
    try:
        return os.path.relpath(p, base.resolve())
    except ValueError:  # other drive on Windows
        return None


def _folder_hash(p: Path) -> str:
    """Image-sequence folders: hash of the sorted file names and sizes."""
    h = hashlib.sha256(b"folder")
    if p.is_dir():
        for c in sorted(p.iterdir()):
            if c.is_file():
                h.update(f"{c.name}:{c.stat().st_size};".encode())
    return h.hexdigest()
