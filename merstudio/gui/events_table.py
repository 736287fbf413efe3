"""The events table beside the timeline: one row per event of the current video (a few hundred at most)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from merstudio.gui.look import mix, readable
from merstudio.gui.state import timecode
from merstudio.io.timebase import Timebase
from merstudio.project.events import Event

# what coders read first (the frames, emotion, AUs, coder, status) on the left: in the narrow pane of a 1280x720
# or 1366x768 screen the columns right of them scroll (status and source were off its edge behind the time);
# face after them (in a one-person video it says nothing new)
COLUMNS = ("id", "onset", "apex", "offset", "emotion", "AUs", "coder", "status", "time", "face", "conf", "source",
           "note")
# a proposal's and a rejected event's rows: the palette's base tinted toward these (a fixed light #fff8e1 sat behind
# a dark theme's light text), their text made readable on that (merstudio.gui.look)
_STATUS_TINT = {"proposal": ("#ffb300", 0.16), "rejected": ("#9e9e9e", 0.22)}

Index = QModelIndex | QPersistentModelIndex


class EventsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.events: list[Event] = []
        self.fps = 30.0
        self.timebase: Timebase | None = None  # a variable-rate video's (the time column reads its frame times)

    def set_events(self, events: list[Event], fps: float, timebase: Timebase | None = None) -> None:
        self.beginResetModel()
        self.events = list(events)
        self.fps = fps
        self.timebase = timebase
        self.endResetModel()

    def row_of(self, event_id: int) -> int | None:
        for i, e in enumerate(self.events):
            if e.id == event_id:
                return i
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.events[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "id": e.id, "onset": e.onset, "apex": e.apex, "offset": e.offset,
                "time": timecode(e.onset, self.fps, self.timebase), "face": e.face_id, "emotion": e.emotion,
                "AUs": e.aus, "coder": e.coder,
                "conf": "" if e.confidence is None else f"{e.confidence:.2f}", "source": e.source,
                "status": e.status, "note": e.note,
            }[col]
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and e.status in _STATUS_TINT:
            return QBrush(status_colours(e.status)[role == Qt.ItemDataRole.ForegroundRole])
        if role == Qt.ItemDataRole.FontRole and e.status == "rejected":
            font = QFont()
            font.setItalic(True)  # set apart by its slant, its text as readable as the others'
            return font
        return None


def status_colours(status: str, palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, text) of a row of this status under the palette (the application's): the base tinted, the
    text readable on it (WCAG 4.5:1), a rejected one's dimmed toward the background only as far as that allows."""
    pal = palette if palette is not None else QGuiApplication.palette()
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    bg, fg = _status_colours(status, base.name(), text.name())
    return QColor(bg), QColor(fg)


@lru_cache(maxsize=64)
def _status_colours(status: str, base: str, text: str) -> tuple[str, str]:
    """(background, text) as names; asked for every cell painted, computed once per palette."""
    colour, amount = _STATUS_TINT[status]
    bg = mix(QColor(base), QColor(colour), amount)
    fg = QColor(text) if status != "rejected" else mix(QColor(text), bg, 0.45)
    return bg.name(), readable(fg, bg).name()


def list_style(view: QTableView) -> None:
    """A read-only list of events: whole rows, one at a time, keys left to the window (which owns the shortcuts)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


class EventsTable(QTableView):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.model_ = EventsModel(self)
        self.setModel(self.model_)
        list_style(self)

    def select_event(self, event_id: int | None) -> None:
        row = self.model_.row_of(event_id) if event_id is not None else None
        self.blockSignals(True)
        sm = self.selectionModel()
        sm.blockSignals(True)
        if row is None:
            self.clearSelection()
        else:
            self.selectRow(row)
            self.scrollTo(self.model_.index(row, 0))
        sm.blockSignals(False)
        self.blockSignals(False)

    def selected_event(self) -> Event | None:
        rows = self.selectionModel().selectedRows()
        return self.model_.events[rows[0].row()] if rows else None
