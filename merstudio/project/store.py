"""The project file: one SQLite database (stdlib sqlite3) holding videos, analysis results, events and settings.

Crash safety comes from SQLite itself: WAL journal, synchronous=FULL, and every edit in its own transaction, so a
kill -9 at any moment loses no committed edit and never leaves a broken file (tests/project/test_crash.py kills a
writer process to prove it). ``save()`` additionally writes a consistent copy to ``<name>.bak`` with the backup API.

The connection is shared between threads (the GUI's analysis worker appends frames while the GUI reads), so every
operation takes one re-entrant lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from merstudio.errors import InputError, OutputError
from merstudio.project.events import Event

APPLICATION_ID = 0x4D455253  # "MERS": tells our files apart from any other SQLite database
SCHEMA_VERSION = 3
PROJECT_SUFFIX = ".merproj"
BASE_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")
MIB = 1 << 20
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".wmv", ".mpg", ".mpeg", ".webm")

_SCHEMA_V1 = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE coders (name TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE videos (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, relpath TEXT, hash TEXT NOT NULL, size INTEGER NOT NULL,
    fps REAL NOT NULL, frame_count INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
    added REAL NOT NULL);
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    created REAL NOT NULL, status TEXT NOT NULL, columns TEXT NOT NULL, settings TEXT NOT NULL,
    device TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '');
CREATE TABLE frames (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    frame INTEGER NOT NULL, face_id INTEGER NOT NULL, timestamp REAL, confidence REAL, success INTEGER,
    vals BLOB NOT NULL, landmarks BLOB,
    PRIMARY KEY (analysis_id, frame, face_id)) WITHOUT ROWID;
CREATE TABLE events (
    id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    face_id INTEGER NOT NULL, onset INTEGER NOT NULL, apex INTEGER NOT NULL, offset INTEGER NOT NULL,
    emotion TEXT NOT NULL, aus TEXT NOT NULL, coder TEXT NOT NULL, confidence REAL, note TEXT NOT NULL,
    source TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL,
    CHECK (onset <= apex AND apex <= offset));
CREATE INDEX events_video ON events(video_id, onset);
CREATE TABLE event_history (
    id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, time REAL NOT NULL, action TEXT NOT NULL,
    coder TEXT NOT NULL, before TEXT, after TEXT);
CREATE INDEX event_history_event ON event_history(event_id);
"""


def _migrate_to_1(con: sqlite3.Connection) -> None:
    # executescript() would COMMIT behind our back; run the statements one by one inside the migration's transaction.
    for stmt in _SCHEMA_V1.split(";"):
        if stmt.strip():
            con.execute(stmt)


def _migrate_to_2(con: sqlite3.Connection) -> None:
    # v2: when an analysis ended (complete, cancelled or failed), shown in the GUI's video list.
    con.execute("ALTER TABLE analyses ADD COLUMN finished REAL")


def _migrate_to_3(con: sqlite3.Connection) -> None:
    # v3: named per-frame tables kept beside our analysis (an imported OpenFace CSV, a previous model's
    # predictions). One row per table: frame/face_id as int64 and the values as a float32 matrix, so saving or
    # loading a 100k-frame table is one statement, not 100k.
    con.execute("""CREATE TABLE overlays (
        id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        name TEXT NOT NULL, kind TEXT NOT NULL, created REAL NOT NULL, meta TEXT NOT NULL, columns TEXT NOT NULL,
        int_columns TEXT NOT NULL, n_rows INTEGER NOT NULL, keys BLOB NOT NULL, vals BLOB NOT NULL,
        UNIQUE (video_id, name))""")


# MIGRATIONS[n] upgrades a version n-1 database to version n, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
}


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
    status: str  # running | complete | cancelled | failed
    columns: tuple[str, ...]
    settings: dict[str, Any]
    device: str
    model: str
    created: float


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


class Project:
    """An open project file. Create with :meth:`create`, open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, con: sqlite3.Connection) -> None:
        self.path = path
        self._con = con
        self._lock = threading.RLock()
        self.coder = ""  # default coder for edits; the GUI sets it once per session

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(cls, path: str | os.PathLike[str], overwrite: bool = False) -> Project:
        p = Path(path)
        if p.exists():
            if not overwrite:
                raise OutputError(f"{p}: already exists")
            for q in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
                q.unlink(missing_ok=True)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            con = cls._connect(p)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{p}: cannot create project ({exc})") from None
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        proj = cls(p, con)
        proj._migrate(0)
        return proj

    @classmethod
    def open(cls, path: str | os.PathLike[str], check: bool = True) -> Project:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{p}: no such project file")
        with p.open("rb") as f:
            head = f.read(16)
        if head != b"SQLite format 3\x00":
            raise InputError(f"{p}: not a merstudio project (not an SQLite database)")
        try:
            con = cls._connect(p)
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                con.close()
                raise InputError(f"{p}: not a merstudio project (an SQLite file of another program)")
            if check:
                res = con.execute("PRAGMA quick_check").fetchone()[0]
                if res != "ok":
                    con.close()
                    raise InputError(f"{p}: project file is damaged ({res}); try {p.name}.bak")
            has_table = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
            # no table: created but killed before the first migration committed -> an empty project, migrate it
            version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0) if has_table else 0
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{p}: project file is damaged ({exc}); try {p.name}.bak") from None
        if version > SCHEMA_VERSION:
            con.close()
            raise InputError(f"{p}: made by a newer merstudio (schema {version} > {SCHEMA_VERSION}); update merstudio")
        proj = cls(p, con)
        proj._migrate(version)
        return proj

    @staticmethod
    def _connect(p: Path) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per edit.
        con = sqlite3.connect(p, isolation_level=None, check_same_thread=False, timeout=30)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def _migrate(self, version: int) -> None:
        while version < SCHEMA_VERSION:
            target = version + 1
            with self._tx() as con:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL)")
                MIGRATIONS[target](con)
                con.execute("INSERT INTO schema_version VALUES (?, ?)", (target, time.time()))
            version = target

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            try:
                self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            self._con.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        """'ok' or SQLite's description of the damage."""
        return str(self._query("PRAGMA integrity_check")[0][0])

    def save(self, backup: bool = True) -> Path | None:
        """Every edit is already committed; saving folds the WAL into the file and writes ``<name>.bak``."""
        with self._lock:
            self._con.execute("PRAGMA wal_checkpoint(FULL)")
            if not backup:
                return None
            bak = self.path.with_name(self.path.name + ".bak")
            tmp = bak.with_name(bak.name + ".tmp")
            try:
                dst = sqlite3.connect(tmp)
                with dst:
                    self._con.backup(dst)
                dst.close()
                os.replace(tmp, bak)  # the old backup stays whole until the new one is complete
            except (OSError, sqlite3.Error) as exc:
                raise OutputError(f"{bak}: cannot write backup ({exc})") from None
            return bak

    # ----------------------------------------------------------------- settings and coders
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        with self._tx() as con:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def add_coder(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise InputError("coder: the name is empty")
        with self._tx() as con:
            con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, time.time()))

    def coders(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM coders ORDER BY created, name")]

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
            vid = _inserted_id(cur)
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
        with self._tx() as con:
            con.execute("DELETE FROM videos WHERE id = ?", (video_id,))

    def locate_video(self, video_id: int, search_dirs: Iterable[str | os.PathLike[str]] = ()) -> Path | None:
        """Where the video is now: its stored path if the content still matches, else a file with the same
        content hash next to the project, at its path relative to the project, or in ``search_dirs``.
        A hit elsewhere is remembered (the path is updated). None when it cannot be found."""
        v = self.video(video_id)
        candidates: list[Path] = [Path(v.path)]
        if v.relpath:
            candidates.append(self.path.parent / v.relpath)
        dirs = [self.path.parent, Path(v.path).parent, *map(Path, search_dirs)]
        candidates += [d / v.name for d in dirs]
        for c in candidates:
            if self._matches(c, v):
                if c.resolve() != Path(v.path):
                    self.relocate(video_id, c)
                return c.resolve()
        for d in dirs:  # renamed as well as moved: compare every same-size file
            if not d.is_dir():
                continue
            for c in sorted(d.iterdir()):
                if c.suffix.lower() in VIDEO_SUFFIXES and self._matches(c, v):
                    self.relocate(video_id, c)
                    return c.resolve()
        return None

    @staticmethod
    def _matches(c: Path, v: Video) -> bool:
        try:
            if c.is_dir():
                return v.size == 0 and _folder_hash(c) == v.hash
            return c.is_file() and c.stat().st_size == v.size and content_hash(c)[0] == v.hash
        except (OSError, InputError):
            return False

    def relocate(self, video_id: int, new_path: str | os.PathLike[str], check_hash: bool = True) -> Video:
        """Point a video record at a new path (the user found it). Refuses a file with other content."""
        p = Path(new_path).resolve()
        v = self.video(video_id)
        if check_hash and not self._matches(p, v):
            raise InputError(f"{p}: not the same video as {v.name} (content differs)")
        with self._tx() as con:
            con.execute("UPDATE videos SET path = ?, relpath = ? WHERE id = ?",
                        (str(p), _relpath(p, self.path.parent), video_id))
        return self.video(video_id)

    # ----------------------------------------------------------------- analysis results
    def begin_analysis(self, video_id: int, settings: Mapping[str, Any] | None = None, device: str = "",
                       model: str = "") -> int:
        """Start a new result set for a video, replacing the previous one. Returns the analysis id."""
        with self._tx() as con:
            con.execute("DELETE FROM analyses WHERE video_id = ?", (video_id,))
            cur = con.execute(
                "INSERT INTO analyses (video_id, created, status, columns, settings, device, model)"
                " VALUES (?,?,?,?,?,?,?)",
                (video_id, time.time(), "running", "[]", json.dumps(dict(settings or {}), default=str),
                 device, model))
            return _inserted_id(cur)

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

    def finish_analysis(self, analysis_id: int, status: str = "complete") -> None:
        with self._tx() as con:
            con.execute("UPDATE analyses SET status = ?, finished = ? WHERE id = ?",
                        (status, time.time(), analysis_id))

    def analysis(self, video_id: int) -> Analysis | None:
        rows = self._query("SELECT id, video_id, status, columns, settings, device, model, created FROM analyses"
                           " WHERE video_id = ? ORDER BY id DESC LIMIT 1", (video_id,))
        if not rows:
            return None
        r = rows[0]
        return Analysis(r[0], r[1], r[2], tuple(json.loads(r[3])), json.loads(r[4]), r[5], r[6], r[7])

    def frame_count_stored(self, video_id: int) -> int:
        a = self.analysis(video_id)
        if a is None:
            return 0
        return int(self._query("SELECT COUNT(DISTINCT frame) FROM frames WHERE analysis_id = ?", (a.id,))[0][0])

    def load_frames(self, video_id: int, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """The stored per-frame table of a video (empty frame with the base columns when not analysed),
        ordered by frame then face_id. Landmarks are not included (see :meth:`landmarks`)."""
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
        extra = pd.DataFrame(vals.astype(np.float64), columns=cols)
        for c in cols:  # presence flags and counts read back as integers
            if c.endswith("_c"):
                extra[c] = extra[c].fillna(0).astype(np.int64)
        return pd.concat([df, extra], axis=1)

    def landmarks(self, video_id: int, frame: int) -> dict[int, np.ndarray]:
        """{face_id: (N, 2) float32 pixel landmarks} stored for one frame (empty when none were stored)."""
        a = self.analysis(video_id)
        if a is None:
            return {}
        rows = self._query("SELECT face_id, landmarks FROM frames WHERE analysis_id = ? AND frame = ?"
                           " AND landmarks IS NOT NULL AND success = 1", (a.id, frame))
        return {int(f): np.frombuffer(b, dtype=np.float32).reshape(-1, 2) for f, b in rows}

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

    def add_event(self, event: Event) -> Event:
        """Insert a validated event (keeping ``event.id`` when given, which is how undo restores a deleted one)."""
        ev = event.validated()
        if not ev.coder and self.coder:
            ev = replace(ev, coder=self.coder)
        now = time.time()
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                " note, source, status, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ev.id, ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder,
                 ev.confidence, ev.note, ev.source, ev.status, now, now))
            eid = _inserted_id(cur)
            ev = replace(ev, id=eid)
            self._log(con, eid, "create", None, ev)
        return ev

    def add_events(self, events: Iterable[Event]) -> list[Event]:
        """Insert many events in one transaction (proposals from spotting, imports)."""
        out = []
        now = time.time()
        evs = [e.validated() for e in events]
        with self._tx() as con:
            for ev in evs:
                cur = con.execute(
                    "INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder,"
                    " confidence, note, source, status, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (ev.id, ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus,
                     ev.coder, ev.confidence, ev.note, ev.source, ev.status, now, now))
                eid = _inserted_id(cur)
                ev = replace(ev, id=eid)
                self._log(con, eid, "create", None, ev)
                out.append(ev)
        return out

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

    def delete_event(self, event_id: int) -> Event:
        with self._tx() as con:
            before = self._get_event(con, event_id)
            if before is None:
                raise KeyError(f"no event {event_id}")
            con.execute("DELETE FROM events WHERE id = ?", (event_id,))
            self._log(con, event_id, "delete", before, None)
        return before

    def delete_events(self, event_ids: Iterable[int]) -> list[Event]:
        """Delete several events in one transaction (undo of an import); returns them as they were."""
        out = []
        with self._tx() as con:
            for eid in event_ids:
                before = self._get_event(con, eid)
                if before is None:
                    raise KeyError(f"no event {eid}")
                con.execute("DELETE FROM events WHERE id = ?", (eid,))
                self._log(con, eid, "delete", before, None)
                out.append(before)
        return out

    def replace_proposals(self, video_id: int, events: Iterable[Event]) -> list[Event]:
        """Swap the open (not yet accepted/rejected) model proposals of a video for new ones, in one transaction."""
        evs = [e.validated() for e in events]
        now = time.time()
        out = []
        with self._tx() as con:
            for old in self._select_events(con, "video_id = ? AND status = 'proposal'", (video_id,)):
                con.execute("DELETE FROM events WHERE id = ?", (old.id,))
                self._log(con, _stored_id(old), "delete", old, None)
            for ev in evs:
                cur = con.execute(
                    "INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                    " note, source, status, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder,
                     ev.confidence, ev.note, ev.source, ev.status, now, now))
                eid = _inserted_id(cur)
                ev = replace(ev, id=eid)
                self._log(con, eid, "create", None, ev)
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


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT on ``cur`` just added."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("the database did not report the id of the inserted row")
    return rowid


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
