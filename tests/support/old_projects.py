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
