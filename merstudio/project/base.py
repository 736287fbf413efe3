"""What the project's table mixins (merstudio.project.settings, videos, analyses, overlays, event_store,
behaviours) need of an open project, which merstudio.project.store.Project provides: one transaction at a time, a
read, the session's coder, where the file is, and the few methods one mixin uses of another's."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from merstudio.project.events import Event

if TYPE_CHECKING:
    from merstudio.project.videos import Video


class StoreBase:
    coder: str
    path: Path
    search_dirs: list[Path]
    _con: sqlite3.Connection
    _lock: threading.RLock
    _storing: dict[int, int]  # run id -> the thread storing its rows (Project.__init__)

    @property
    def read_only(self) -> bool:
        raise NotImplementedError

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, committed or rolled back as a whole (Project._tx)."""
        raise NotImplementedError

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    # SettingTables
    @staticmethod
    def _mark_coded(con: sqlite3.Connection, coded: Mapping[int, Iterable[str]], keep: bool = True) -> None:
        raise NotImplementedError

    # VideoTables
    def video(self, video_id: int) -> Video:
        raise NotImplementedError

    def locate_video(self, video_id: int, search_dirs: Iterable[str | os.PathLike[str]] = ()) -> Path | None:
        raise NotImplementedError

    # EventTables
    def _log(self, con: sqlite3.Connection, event_id: int, action: str, before: Event | None,
             after: Event | None) -> None:
        raise NotImplementedError

    @staticmethod
    def _checked_proposals(video_id: int, events: Iterable[Event]) -> list[Event]:
        raise NotImplementedError

    def _replace_proposals(self, con: sqlite3.Connection, video_id: int, evs: Sequence[Event]) -> list[Event]:
        raise NotImplementedError

    def _select_events(self, con: sqlite3.Connection, where: str, args: Sequence[Any]) -> list[Event]:
        raise NotImplementedError

    def _swap_proposals(self, con: sqlite3.Connection, video_id: int,
                        evs: Sequence[Event]) -> tuple[list[Event], list[Event]]:
        raise NotImplementedError

    def _get_event(self, con: sqlite3.Connection, event_id: int) -> Event | None:
        raise NotImplementedError


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT on ``cur`` just added."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("the database did not report the id of the inserted row")
    return rowid
