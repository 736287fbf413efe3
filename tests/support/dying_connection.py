"""A project's SQLite connection that dies mid-transaction, for tests of what a kill leaves behind."""

from __future__ import annotations

from typing import Any


class Killed(BaseException):
    """The process dying mid-transaction: nothing after it runs, nothing uncommitted stays."""


class KillAt:
    """The project's connection, dying at the first statement starting with ``sql``."""

    def __init__(self, con: Any, sql: str) -> None:
        self._con, self._sql = con, sql

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith(self._sql):
            raise Killed(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)
