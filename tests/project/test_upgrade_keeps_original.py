"""Opening a project an older merstudio made upgrades it in place; the file as it was is kept beside it first
(``<stem> (merstudio schema N).merproj``, a project that older merstudio opens as its own, which save()'s ``.bak``
never replaces), and the upgrade is said once (``Project.upgrade_note``, a ProjectUpgraded warning: the CLI's
line). Where the copy cannot be written (a full disk) the project is not upgraded and one line says why. The steps
are one transaction: a failure half-way leaves the file the older merstudio wrote."""

from __future__ import annotations

import hashlib
import sqlite3
import warnings
from pathlib import Path

import pytest
from support.old_projects import old_schema
from support.tinyfs import fill, tiny_tmpfs

from merstudio.errors import OutputError
from merstudio.project.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from merstudio.project.store import Project, ProjectUpgraded

EVENTS = [(1, 0, 5, 8, 12, "surprise", "1+2", "anna", None, "brows up", "manual", "accepted", 0.0, 0.0),
          (1, 0, 30, 33, 40, "happiness", "6+12", "ben", 0.7, "", "model", "rejected", 0.0, 0.0),
          (1, 0, 50, 52, 60, "disgust", "9", "ben", None, "", "manual", "accepted", 0.0, 0.0)]
EVENT_SQL = ("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
             " source, status, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
EVENT_COLS = "video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note, source, status"


def _v2_file(path: Path, frames: int = 6) -> sqlite3.Connection:
    """A schema-2 project as merstudio of 2026-11-25 wrote it (WAL): a video, an analysis with `frames` rows and
    EVENTS, the last event still in the -wal. The returned connection keeps it there (the caller closes it)."""
    con = old_schema(path, 2, wal=True)
    con.execute("INSERT INTO coders VALUES ('anna', 0), ('ben', 0)")
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', 'clip.avi', 'h', 10, 30.0, 72, 64, 48, 0)")
    con.execute("INSERT INTO analyses (video_id, created, status, columns, settings, finished)"
                " VALUES (1, 0, 'complete', '[\"AU12_r\"]', '{}', 1)")
    con.execute("BEGIN")
    for f in range(frames):
        con.execute("INSERT INTO frames VALUES (1, ?, 0, ?, 0.9, 1, ?, NULL)", (f, f / 30, bytes(400)))
    con.execute("COMMIT")
    con.executemany(EVENT_SQL, EVENTS[:-1])
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute(EVENT_SQL, EVENTS[-1])  # committed, in the -wal only while `con` is open
    assert Path(f"{path}-wal").stat().st_size > 0
    return con


def _read(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)  # a mode=ro connection would leave the -wal and -shm of a WAL file behind
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _schema(path: Path) -> int:
    return int(_read(path, "SELECT MAX(version) FROM schema_version")[0][0])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_original_is_kept_beside_it_and_the_upgrade_said_once(tmp_path: Path) -> None:
    path = tmp_path / "study.merproj"
    old = _v2_file(path)
    try:
        with pytest.warns(ProjectUpgraded) as said, Project.open(path) as p:
            assert p.schema_version == SCHEMA_VERSION
            assert p.upgraded_from == 2
            copy = tmp_path / "study (merstudio schema 2).merproj"
            assert p.upgrade_copy == copy
            assert p.upgrade_note.startswith("upgraded study.merproj from schema 2 (merstudio of 2026-11-25 or "
                                             f"earlier) to schema {SCHEMA_VERSION}; the original is kept as "
                                             "study (merstudio schema 2).merproj")
            assert len(p.events()) == 3
    finally:
        old.close()
    assert [str(w.message) for w in said] == [p.upgrade_note]
    # the copy is the project as schema 2 wrote it, the event still in the -wal then included
    assert _schema(copy) == 2 and _read(copy, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert _read(copy, f"SELECT {EVENT_COLS} FROM events ORDER BY id") == [e[:12] for e in EVENTS]
    assert _read(copy, "SELECT COUNT(*) FROM frames") == [(6,)]
    assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
    assert "active" not in {r[1] for r in _read(copy, "PRAGMA table_info(analyses)")}  # schema 6's column
    # opened again: nothing to upgrade, nothing said, no second copy
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProjectUpgraded)
        with Project.open(path) as p:
            assert p.upgraded_from is None and p.upgrade_note == "" and p.upgrade_copy is None
    assert sorted(f.name for f in tmp_path.glob("*.merproj")) == ["study (merstudio schema 2).merproj",
                                                                   "study.merproj"]


def test_saving_never_touches_the_kept_copy(tmp_path: Path) -> None:
    path = tmp_path / "study.merproj"
    _v2_file(path).close()
    with pytest.warns(ProjectUpgraded), Project.open(path) as p:
        copy = p.upgrade_copy
        assert copy is not None
        before = _digest(copy)
        p.coder = "chloé"
        p.save()
        p.add_coder("chloé")
        p.save()
    assert _schema(path.with_name("study.merproj.bak")) == SCHEMA_VERSION
    assert _digest(copy) == before and _schema(copy) == 2


def test_a_name_taken_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "study.merproj"
    _v2_file(path).close()
    mine = tmp_path / "study (merstudio schema 2).merproj"
    mine.write_bytes(b"the coder's own file")
    with pytest.warns(ProjectUpgraded), Project.open(path) as p:
        assert p.upgrade_copy == tmp_path / "study (merstudio schema 2, 2).merproj"
    assert mine.read_bytes() == b"the coder's own file"
    assert _schema(tmp_path / "study (merstudio schema 2, 2).merproj") == 2


def test_a_failed_step_leaves_the_file_the_older_merstudio_wrote(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "study.merproj"
    _v2_file(path).close()

    def broken(con: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(MIGRATIONS, 6, broken)
    with pytest.raises(OutputError):
        Project.open(path)
    assert _schema(path) == 2  # steps 3 to 5 were committed one by one: 5, which no merstudio of schema 2 opens
    assert "overlays" not in {r[0] for r in _read(path, "SELECT name FROM sqlite_master")}


def test_no_room_for_the_copy_no_upgrade(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "disk", size="1m") as disk:
        path = disk / "study.merproj"
        _v2_file(path, frames=400).close()
        size = path.stat().st_size
        filler = fill(disk, leave=size // 2)  # room for the lock and the journal's index, not for a copy
        try:
            with pytest.raises(OutputError) as exc:
                Project.open(path)
            assert _schema(path) == 2
        finally:
            filler.unlink()
        msg = str(exc.value)
        assert "\n" not in msg and "not upgraded" in msg and "disk is full" in msg, msg
        assert sorted(f.name for f in disk.iterdir()) == ["study.merproj"]
        with pytest.warns(ProjectUpgraded), Project.open(path) as p:  # once there is room
            assert p.schema_version == SCHEMA_VERSION and p.upgrade_copy is not None
