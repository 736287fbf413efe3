"""The events table beside the timeline: one row per event of the current video (thousands with several coders),
sorted by a click on a column's header (frames by value; a third click: the video's order again) and narrowed by the
filter field above it (EventsPane: words matched in the emotion, AUs, coder, note and status; Ctrl+F, Esc clears),
"120 of 919" beside it. Sorting and filtering are the view's: the events, their ids and the undo history stay as they
are. The model's ``events`` are the rows as shown (every use of a row reads it there), ``all_events`` the video's."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.look import mix, readable
from merstudio.gui.state import timecode
from merstudio.io.timebase import Timebase
from merstudio.names import fold_name, name_sort_key
from merstudio.project.events import Event

# what coders read first (the frames, emotion, AUs, coder, status) on the left: in the narrow pane of a 1280x720
# or 1366x768 screen the columns right of them scroll (status and source were off its edge behind the time).
# The face is shown after the id where the events are on more than one face, at the end (before the note, which
# stretches) where they are on one (EventsTable.place_face_column): 10th, it was scrolled out of view in the
# 1500-px window's 264-px pane when it told events of two people apart
COLUMNS = ("id", "onset", "apex", "offset", "emotion", "AUs", "coder", "status", "time", "face", "conf", "source",
           "note")
# a proposal's and a rejected event's rows: the palette's base tinted toward these (a fixed light #fff8e1 sat behind
# a dark theme's light text), their text made readable on that (merstudio.gui.look)
_STATUS_TINT = {"proposal": ("#ffb300", 0.16), "rejected": ("#9e9e9e", 0.22)}

Index = QModelIndex | QPersistentModelIndex

# a column's text, cheap per cell: data() is asked for every painted cell
_TEXT: dict[str, Callable[[Event, Any], Any]] = {  # (event, its EventsModel) -> the text
    "id": lambda e, m: e.id, "onset": lambda e, m: e.onset, "apex": lambda e, m: e.apex,
    "offset": lambda e, m: e.offset, "time": lambda e, m: timecode(e.onset, m.fps, m.timebase),
    "face": lambda e, m: e.face_id, "emotion": lambda e, m: e.emotion, "AUs": lambda e, m: e.aus,
    "coder": lambda e, m: e.coder, "conf": lambda e, m: confidence_text(e),
    "source": lambda e, m: e.source, "status": lambda e, m: e.status, "note": lambda e, m: e.note,
}
NO_NUMBER = "\u2014"  # an em dash: no model's probability


def model_p_text(e: Event) -> str:
    """The model's probability of an event it proposed as the app shows it ("model p 0.83"), "" where it gave none:
    never the coder's (Event.confidence), which is written apart (the events CSV's model_confidence)."""
    return "" if e.model_confidence is None else f"model p {e.model_confidence:.2f}"


def model_p_tip(e: Event) -> str:
    """What the model's number is, for a tooltip ("" where the event has none)."""
    if e.model_confidence is None:
        return ""
    by = f" ({e.model})" if e.model else ""
    return (f"The model's probability of this event{by}, set by the model: the events CSV writes it as "
            "model_confidence, apart from a coder's own confidence")


def confidence_text(e: Event) -> str:
    """The conf cell: the coder's own confidence (two decimals), the model's probability beside it where it gave one
    ("0.75 (model p 0.83)", "model p 0.83" alone): never one passed off as the other."""
    mine, model = "" if e.confidence is None else f"{e.confidence:.2f}", model_p_text(e)
    return f"{mine} ({model})" if mine and model else mine or model


# a number column's widest text is its largest value's (the most digits; the time's at the latest onset)
_NUMBER = {"id": "id", "onset": "onset", "apex": "apex", "offset": "offset", "time": "onset", "face": "face_id"}
FACE_EARLY = COLUMNS.index("id") + 1  # the face column's place (visual) where the events are on several faces
FACE_LATE = len(COLUMNS) - 2  # and where they are on one: last but the note
_ATTR = {"AUs": "aus"}  # a text column's Event field where its name is not the field's
WIDEST_SAMPLE = 12  # rows measured per column: a bounded cost per reload, whatever the event count
# the fields the filter field matches its words in (an id or a frame is found by sorting, not by typing it)
FILTERED = ("emotion", "aus", "coder", "note", "status")
FILTER_HINT = "Filter: emotion, AUs, coder, note, status (Ctrl+F)"

# a column's sort key: numbers by value (a frame 1000 after 999, not after 100), the time by its onset, text in
# natural order ("AU2" before "AU12", "coder2" before "coder10") as people read it (names.name_sort_key: "ärger"
# beside "Ärger" before "Freude", not after "Zorn"); an empty cell goes last either way
_SORT_NUMBER = {**_NUMBER, "conf": "confidence"}


def _sort_value(e: Event, col: str) -> Any:
    if col in _SORT_NUMBER:
        return getattr(e, _SORT_NUMBER[col])
    text = getattr(e, _ATTR.get(col, col))
    return name_sort_key(text) if text else None


def filter_words(text: str) -> tuple[str, ...]:
    """The filter's words, case-folded as names compare (names.fold_name: 'ilker' finds 'İlker'): a row shows when
    each is in one of its FILTERED fields."""
    return tuple(fold_name(text).split())


def matches(e: Event, words: tuple[str, ...]) -> bool:
    if not words:
        return True
    hay = fold_name("\n".join(getattr(e, f) or "" for f in FILTERED))
    return all(w in hay for w in words)


class EventsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.all_events: list[Event] = []  # the video's, in the order given (the coding's: by onset)
        self.events: list[Event] = []  # the rows as shown: all_events filtered, then sorted
        self.fps = 30.0
        self.timebase: Timebase | None = None  # a variable-rate video's (the time column reads its frame times)
        self.sort_column = -1  # -1: the order given
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.words: tuple[str, ...] = ()  # the filter's (filter_words)

    def set_events(self, events: list[Event], fps: float, timebase: Timebase | None = None) -> None:
        """The video's events (every reload after an edit): shown under the sort and filter chosen."""
        self.beginResetModel()
        self.all_events = list(events)
        self.events = self._rows()
        self.fps = fps
        self.timebase = timebase
        self.endResetModel()

    def _rows(self) -> list[Event]:
        rows = [e for e in self.all_events if matches(e, self.words)] if self.words else list(self.all_events)
        if not 0 <= self.sort_column < len(COLUMNS):
            return rows
        col = COLUMNS[self.sort_column]
        keyed = [(_sort_value(e, col), e) for e in rows]
        known = [k for k in keyed if k[0] is not None]
        # stable: equal values keep the order given (by onset), in both directions
        known.sort(key=lambda k: k[0], reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        return [e for _, e in known] + [e for v, e in keyed if v is None]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort (a click on a header; column -1: the order given). The rows move, the selection and the
        current row with their events (persistent indexes), as QSortFilterProxyModel's do."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        moved = [self.events[i.row()] if 0 <= i.row() < len(self.events) else None for i in before]
        self.events = self._rows()
        row = {id(e): r for r, e in enumerate(self.events)}
        self.changePersistentIndexList(before, [self.index(row[id(e)], i.column()) if e is not None else
                                                QModelIndex() for e, i in zip(moved, before, strict=True)])
        self.layoutChanged.emit()

    def set_filter(self, text: str) -> None:
        """Show the events whose FILTERED fields hold each word of ``text`` (case-insensitive; "" shows all)."""
        words = filter_words(text)
        if words == self.words:
            return
        self.beginResetModel()
        self.words = words
        self.events = self._rows()
        self.endResetModel()

    def hides(self, e: Event) -> bool:
        """Whether the filter leaves this event out of the rows (Coding.shown: the keys that step through or delete
        events act on the rows shown only)."""
        return bool(self.words) and not matches(e, self.words)

    def row_of(self, event_id: int) -> int | None:
        """The row showing this event (None: not in the rows, filtered out or not the video's)."""
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
            return _TEXT[col](e, self)
        if role == Qt.ItemDataRole.ToolTipRole and col == "conf" and e.model_confidence is not None:
            return model_p_tip(e)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and e.status in _STATUS_TINT:
            return QBrush(status_colours(e.status)[role == Qt.ItemDataRole.ForegroundRole])
        if role == Qt.ItemDataRole.FontRole and e.status == "rejected":
            font = QFont()
            font.setItalic(True)  # set apart by its slant, its text as readable as the others'
            return font
        return None

    def widest_rows(self, column: int, k: int = WIDEST_SAMPLE) -> list[int]:
        """Rows (at most k) holding this column's likely widest texts, found at C speed (a reload's cost): of a
        number column the largest value's, of a text column the longest distinct texts' (each once upright and once
        italic: in a proportional font "surprise" and "positive" differ though equally long)."""
        col, events = COLUMNS[column], self.events
        if not events:
            return []
        if col == "conf":  # both numbers are the widest, then the model's alone
            return [next((i for i, e in enumerate(events) if e.confidence is not None and e.model_confidence is not None),
                         next((i for i, e in enumerate(events) if e.model_confidence is not None),
                              next((i for i, e in enumerate(events) if e.confidence is not None), 0)))]
        if col in _NUMBER:
            values = [v or 0 for v in map(attrgetter(_NUMBER[col]), events)]
            return [max(range(len(values)), key=values.__getitem__)]
        texts = list(map(attrgetter(_ATTR.get(col, col)), events))
        italic = [e.status == "rejected" for e in events]
        last = dict(zip(zip(texts, italic, strict=True), range(len(events)), strict=True))  # -> a row showing it
        return [i for _, i in heapq.nlargest(k, last.items(), key=lambda kv: (len(kv[0][0]), kv[0][1]))]


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


class SortHeader(QHeaderView):
    """The events table's column header: a click sorts (QTableView.setSortingEnabled), and only the column sorted
    by has room for the arrow. Qt's keeps that room on every section while sorting is on: 20 px on each of 13
    columns, and the coder and status columns went out of the 400-px pane of a small screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def sectionSizeFromContents(self, logical: int) -> QSize:  # noqa: N802 - Qt override
        size = super().sectionSizeFromContents(logical)
        if self.isSortIndicatorShown() and logical != self.sortIndicatorSection():
            opt = QStyleOptionHeader()
            self.initStyleOption(opt)
            # what QHeaderView adds for the arrow: the section's height and the header margin
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, opt, self)
            size.setWidth(max(0, size.width() - size.height() - margin))
        return size


class EventsTable(QTableView):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeader(SortHeader(self))
        self.model_ = EventsModel(self)
        self.setModel(self.model_)
        list_style(self)
        # columns sized here, not by ResizeToContents: that asked every cell of up to 1,000 rows on each reload and
        # selection (97,000 data() calls, 0.4-1 s per edit at 2,000-4,000 events); the coder may drag them wider
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # a click on a header sorts by it, a second reverses, a third gives the video's order back (the model's
        # sort: EventsModel.sort). Unsorted at first: the events by onset, as the timeline lays them out
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorClearable(True)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._fit_sorted)
        self._fitted_video: int | None = None
        self._wanted: int | None = None  # the event to show selected (select_event): kept across a filter's change
        self.model_.modelReset.connect(self.place_face_column)
        self.model_.modelReset.connect(self.fit_columns)
        self.model_.modelReset.connect(self._restore_selection)
        self.place_face_column()

    def _restore_selection(self) -> None:
        """After a reset (a change of the filter) the selected event is selected again (and scrolled to) where it
        is a row: one the filter hid comes back selected with the filter cleared. A reload's caller selects the
        coding's event after it anyway."""
        if self._wanted is not None:
            self.select_event(self._wanted)

    def place_face_column(self) -> None:
        """The face column right after the id where the events are on more than one face (a video call, a group:
        whose event a row is, in view in the narrowest pane), at the end where they are all on one (it says
        nothing new there). Moved in the header only: the model's columns stay COLUMNS."""
        place = FACE_EARLY if len({e.face_id for e in self.model_.all_events}) > 1 else FACE_LATE
        header = self.horizontalHeader()
        at = header.visualIndex(COLUMNS.index("face"))
        if at != place:
            header.moveSection(at, place)

    def fit_columns(self) -> None:
        """Each column as wide as its header and the widest texts in it (measured on a few rows, WIDEST_SAMPLE): on
        the same video only wider (a column the coder widened stays; one does not jump narrower as events go, nor
        as the filter hides them)."""
        events = self.model_.all_events
        video = events[0].video_id if events else None
        grow = video is not None and video == self._fitted_video
        self._fitted_video = video
        header, grid = self.horizontalHeader(), 1 if self.showGrid() else 0
        for c in range(len(COLUMNS)):
            width = header.sectionSizeHint(c)
            for r in self.model_.widest_rows(c):
                width = max(width, self.sizeHintForIndex(self.model_.index(r, c)).width() + grid)
            if grow:
                width = max(width, self.columnWidth(c))
            if width != self.columnWidth(c):
                self.setColumnWidth(c, width)

    def _fit_sorted(self, column: int, _order: Qt.SortOrder) -> None:
        """The column sorted by made wide enough for its header and the arrow (never narrower)."""
        if 0 <= column < len(COLUMNS):
            self.setColumnWidth(column, max(self.columnWidth(column), self.horizontalHeader().sectionSizeHint(column)))

    def select_event(self, event_id: int | None) -> None:
        self._wanted = event_id
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

    def event_at(self, row: int) -> Event | None:
        """The event of this row, or of the last row past the end (None: no rows)."""
        events = self.model_.events
        return events[min(max(0, row), len(events) - 1)] if events else None

    def selected_event(self) -> Event | None:
        rows = self.selectionModel().selectedRows()
        return self.model_.events[rows[0].row()] if rows else None


class FilterField(QLineEdit):
    """The events table's filter field. Its keys are its own while it has the focus: Esc clears it (empty: back to
    the table), Return / Enter / Down go to the table; elsewhere Esc clears the marks and Return edits the event
    (window shortcuts, taken before a widget sees its key, so they are claimed on ShortcutOverride). Undo / redo
    are the field's only while its typing has a step to undo / redo; else the window's (the project's): QLineEdit
    claims them always, and Ctrl+Z after a click into the filter undid nothing, unsaid."""

    OWN = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down)
    # the window's undo / redo keys (main_window's Edit menu) besides the platform's standard ones
    UNDO_KEYS = (QKeySequence("Ctrl+Z"),)
    REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))

    def __init__(self, table: EventsTable, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table

    def _own(self, e: QKeyEvent) -> bool:
        return e.key() in self.OWN and not (e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)

    def _lets_through(self, e: QKeyEvent) -> bool:
        """An undo / redo key the field has no step for: the window's shortcut takes it."""
        keys = QKeySequence(e.keyCombination())
        if e.matches(QKeySequence.StandardKey.Undo) or keys in self.UNDO_KEYS:
            return not self.isUndoAvailable()
        if e.matches(QKeySequence.StandardKey.Redo) or keys in self.REDO_KEYS:
            return not self.isRedoAvailable()
        return False

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            if self._own(e):
                e.accept()
                return True
            if self._lets_through(e):
                e.ignore()  # not overridden: the shortcut map runs the window's action
                return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self._own(e):
            if e.key() == Qt.Key.Key_Escape and self.text():
                self.clear()
            else:
                self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            e.accept()
            return
        super().keyPressEvent(e)


class EventsPane(QWidget):
    """The Events dock: the filter field and the count of rows shown ("120 of 919"), the table under them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = EventsTable(self)
        self.filter = FilterField(self.table, self)
        self.filter.setPlaceholderText(FILTER_HINT)
        self.filter.setToolTip("Show only the events with each word in their emotion, AUs, coder, note or status "
                               "(Ctrl+F; Esc clears). A click on a column's header sorts by it.")
        self.filter.setAccessibleName("filter events")
        self.filter.setClearButtonEnabled(True)
        # out of the Tab chain (timeline, AUs, events table, ...): Ctrl+F or a click reaches it
        self.filter.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.filter.textChanged.connect(self.table.model_.set_filter)
        self.count = QLabel(self)
        self.count.setAccessibleName("events shown")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter, 1)
        row.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        self.table.model_.modelReset.connect(self._count)
        self._count()

    def _count(self) -> None:
        m = self.table.model_
        shown, total = len(m.events), len(m.all_events)
        self.count.setText(f"{shown} of {total}" if m.words else f"{total} event{'s' if total != 1 else ''}")

    def focus_filter(self) -> None:
        """Ctrl+F: the filter field, its text selected (typing replaces it)."""
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()
