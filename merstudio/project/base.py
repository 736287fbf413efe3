"""What the project's table mixins (merstudio.project.behaviours) need of an open project, which
merstudio.project.store.Project provides: one transaction at a time, a read, the session's coder."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any


class StoreBase:
    coder: str

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, committed or rolled back as a whole (Project._tx)."""
        raise NotImplementedError

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT on ``cur`` just added."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("the database did not report the id of the inserted row")
    return rowid
