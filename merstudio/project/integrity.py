"""What a project file holds that merstudio never makes: SQL triggers above all. A trigger in a received project
runs inside every write of ours: a67's rewrote each new event's coder to 'mallory' and its note to 'tampered', and
copied notes into a table of its own, while `convert --import` said "imported 1 event(s)" for carol. merstudio makes
no trigger at any schema version, so a file with one is opened read-only (:func:`trigger_note`, the one line that
says why, named in ``read_only_reason``); :func:`drop_triggers` (`merstudio project drop-triggers P`) removes them,
after which it opens for writing again. Other objects it never makes (a table, a view, an index) do nothing on a
write of ours: they are named in that line, not refused. Nothing here reads the file but SQLite."""

from __future__ import annotations

import os
import sqlite3
from functools import cache
from pathlib import Path

from merstudio.errors import InputError
from merstudio.project.schema import APPLICATION_ID, MIGRATIONS


@cache
def made_objects(version: int) -> frozenset[tuple[str, str]]:
    """(type, name) of what merstudio's migrations make up to ``version`` (SQLite's own sqlite_* aside)."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied REAL)")
        for v in range(1, version + 1):
            MIGRATIONS[v](con)
        return frozenset((str(t), str(n)) for t, n in con.execute("SELECT type, name FROM sqlite_master")
                         if not str(n).startswith("sqlite_"))
    finally:
        con.close()


def triggers(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, table) of every trigger in the file."""
    return [(str(n), str(t)) for n, t in
            con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]


def foreign_objects(con: sqlite3.Connection, version: int) -> list[str]:
    """'table stolen', 'view v', 'index i' for each table, view or index merstudio never makes at ``version``."""
    made = made_objects(version) if version in MIGRATIONS or version == 0 else frozenset()
    rows = con.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'index') "
                       "ORDER BY type, name")
    return [f"{t} {n}" for t, n in rows if not str(n).startswith("sqlite_") and (str(t), str(n)) not in made]


def _names(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def trigger_note(con: sqlite3.Connection, version: int, path: str | os.PathLike[str] = "PROJECT") -> str:
    """'' for a file without triggers; else the one line (a read-only reason) that names them, what else
    merstudio never makes, and how to remove them."""
    found = triggers(con)
    if not found:
        return ""
    named = _names([f"{n!r} (on {t})" for n, t in found])
    others = foreign_objects(con, version)
    also = f"; also {_names(others)}, which merstudio never makes" if others else ""
    return (f"it holds SQL trigger{'s' * (len(found) > 1)} {named}, which merstudio never makes and which would "
            f"change what it writes (an event's coder or note){also}; "
            f"`merstudio project drop-triggers {path}` removes them")


def drop_triggers(path: str | os.PathLike[str]) -> list[str]:
    """Remove every trigger from a merstudio project, in one transaction, while no merstudio has it open for
    writing (its lock claimed meanwhile); the names of those removed. Dropping a trigger runs none."""
    from merstudio.project.lock import claimed

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such project file")
    with claimed(p, hint="close it there first"):
        try:
            con = sqlite3.connect(p, isolation_level=None)
            try:
                if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                    raise InputError(f"{p}: not a merstudio project (an SQLite file of another program)")
                con.execute("BEGIN IMMEDIATE")
                found = triggers(con)
                for name, _table in found:
                    con.execute(f'DROP TRIGGER "{name.replace(chr(34), chr(34) * 2)}"')
                con.execute("COMMIT")
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{p}: cannot remove its triggers ({exc})") from None
    return [n for n, _t in found]
