"""A project file as an older merstudio wrote it: the migrations up to that schema alone, recorded as applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from merstudio.project.schema import APPLICATION_ID, MIGRATIONS


def old_schema(path: Path, version: int, wal: bool = False) -> sqlite3.Connection:
    """A new file at `path` of schema `version` (its tables empty), open in autocommit; `wal`: in WAL mode, as the
    app leaves it. The caller fills it and closes it."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    if wal:
        con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied REAL)")
    for v in range(1, version + 1):
        MIGRATIONS[v](con)
        con.execute("INSERT INTO schema_version VALUES (?, 0)", (v,))
    return con


def old_project_with_an_event(path: Path, version: int, coder: str) -> None:
    """A schema-`version` project as that merstudio left it (WAL): the video /x/clip.avi (72 frames at 30 fps, 64x48)
    and one accepted event by `coder` (surprise, AUs 1+2, frames 5-8-12)."""
    con = old_schema(path, version, wal=True)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', NULL, 'h', 10, 30.0, 72, 64, 48, 0)")
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 5, 8, 12, 'surprise', '1+2', ?, NULL, '',"
                " 'manual', 'accepted', 0, 0)", (coder,))
    con.close()
