"""The agreement report in the app: coder and tolerance choices, one table per report table (a QTableView on a
small read-only pandas model, shown through a ShownTable: readable labels and tooltips, the coder pair as the row
header), and "Save CSV…" (AgreementReport.write_csv). The report is computed again when a choice changes; the
window's computing (a project of many coders and events, the per-frame tables of videos that have an overlay: 1-2 s
at 6,000 events, the window frozen) runs in a worker (:meth:`AgreementDialog.recompute`).

On a year-sized project (200 videos, 19,600 events of 8 coders) a report takes 70-110 s. Closing the dialog then
returns at once: the computation is asked to stop (agreement_report's ``cancel``, asked between a coder pair's
videos) and left to end unseen (:func:`_abandon`), never waited for on the GUI thread (that held the window 130 s);
the app waits for such a thread only as it quits, its window gone (:func:`wait_abandoned`). A computation whose
choices changed meanwhile is stopped the same way, the latest choices' started once it has. An edit with such a report open
marks it out of date, with a Recompute button, instead of computing it all again at every edit and undo
(:attr:`AgreementDialog.AUTO_RECOMPUTE_S`)."""

from __future__ import annotations

import inspect
import math
import numbers
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from merstudio.agreement.report import COLUMN_HELP, MODEL_CODER, _integer_columns, coefficient_text
from merstudio.errors import MerstudioError
from merstudio.gui.look import ERROR_COLOUR, fit_screen, on_window
from merstudio.gui.numbers import DecimalBox, WholeBox, unread_line
from merstudio.gui.plain_text import literal_tip
from merstudio.gui.workers import TaskWorker

TAB_TITLES = {"pairs": "Event matching", "kappa": "Cohen's kappa",
              "alpha": "Krippendorff's alpha / Fleiss' kappa",
              "icc": "ICC (AU intensity)", "matches": "Matches"}
# How a tab orders a table's columns (the CSVs keep the report's order), the rest after: on Event matching the
# figures a coder looks for first (events matched, F1, emotion, FACS index), the boundary details after.
SHOWN_ORDER = {"pairs": ("coder_a", "coder_b", "matched", "only_a", "only_b", "f1", "kappa_emotion",
                         "agreement_emotion", "n_emotion", "facs_agreement", "facs_agreement_all", "n_facs",
                         "kappa_frames", "mean_iou", "mean_abs_d_onset", "mean_abs_d_apex", "mean_abs_d_offset",
                         "n_apex", "mean_d_onset", "mean_d_apex", "mean_d_offset", "videos")}
# columns shown as the row header ("alice / bob"), not as columns: in sight however far the table scrolls
ROW_HEADER = {"pairs": ("coder_a", "coder_b")}
CODER_ROWS = 6  # the coder list shows this many rows at most, then scrolls
SIZED_ROWS = 100  # the rows a table's column widths are measured on
SIZED_CHARS = 48  # a column sized to its text is this many average characters wide at most (a long note: a tooltip)
NAMED_VIDEOS = 3  # the header names this many videos at most; more: "200 videos", their names on hover
TIP_VIDEOS = 40  # ... and the hover this many, then "and 160 more"
Index = QModelIndex | QPersistentModelIndex


class _Abandoned(QObject):
    """The computations of dialogs that closed while they ran, left to finish unseen (a report cannot be interrupted
    part-way: waiting for it on the GUI thread froze the window for the rest of it, 130 s on a year's project). Each
    is kept here, parentless, until its thread ends; ``idle`` says when the last one has, so that a dialog opened
    meanwhile starts its own then instead of beside it (two such computations at once halve each other's speed)."""

    idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.workers: set[TaskWorker] = set()
        self._hooked = False

    def add(self, w: TaskWorker) -> None:
        w.setParent(None)  # outlives its dialog (a QThread deleted while it runs aborts the app)
        self.workers.add(w)
        w.finished.connect(self._ended)  # queued: this object lives on the GUI thread
        app = QCoreApplication.instance()
        if app is not None and not self._hooked:
            app.aboutToQuit.connect(wait_abandoned)  # the window is gone by then: nobody sees the wait
            self._hooked = True
        if w.isFinished():  # it ended before the connection: nothing will say so
            self._forget(w)

    def _ended(self) -> None:
        w = self.sender()
        if isinstance(w, TaskWorker):
            self._forget(w)

    def _forget(self, w: TaskWorker) -> None:
        if w not in self.workers:
            return
        self.workers.discard(w)
        w.wait()  # its run() has returned: at once
        w.deleteLater()
        if not self.running():
            self.idle.emit()

    def running(self) -> bool:
        return any(w.isRunning() for w in self.workers)


_abandoned: _Abandoned | None = None
# {id(report): seconds it took to compute} while the report lives: a report the window kept and shows again at once
# (MainWindow.compute_agreement) is still known to be a long one (an edit then marks it out of date)
_took_s: dict[int, float] = {}


def _remember_took(report: Any, took: float) -> None:
    if id(report) not in _took_s:
        _took_s[id(report)] = took
        weakref.finalize(report, _took_s.pop, id(report), None)


def _abandoned_workers() -> _Abandoned:
    global _abandoned
    if _abandoned is None:
        _abandoned = _Abandoned()
    return _abandoned


def _abandon(w: TaskWorker) -> None:
    """Leave ``w`` (a closed dialog's computation) to finish unseen: its result is dropped."""
    _abandoned_workers().add(w)


def abandoned_running() -> bool:
    """Whether a closed dialog's computation is still running."""
    return _abandoned is not None and _abandoned.running()


def wait_abandoned() -> None:
    """Wait for the closed dialogs' computations (the app quitting, its window gone): no thread outlives the app."""
    if _abandoned is None:
        return
    for w in list(_abandoned.workers):
        w.wait()
        _abandoned._forget(w)


def _column_widths(view: QTableView, model: DataFrameModel, rows: int = SIZED_ROWS) -> None:
    """Size each shown column to its header and its first ``rows`` rows' text, measured here with the view's font,
    at most SIZED_CHARS characters wide. QTableView.resizeColumnsToContents asked a hidden tab's every row (its
    precision counts only from the rows on screen, and a tab not shown has none): 141,000 rows of matches held
    the GUI thread 2-6 s at each report on a year's project."""
    fm = view.fontMetrics()
    header = view.horizontalHeader()
    pad = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + 8
    widest = SIZED_CHARS * fm.averageCharWidth()
    head = model.df.head(rows)
    for c in range(len(model.df.columns)):
        if view.isColumnHidden(c):
            continue
        texts = [_text(v, model.missing) for v in head.iloc[:, c]]
        cells = max((fm.horizontalAdvance(t) for t in texts), default=0) + pad
        view.setColumnWidth(c, max(header.sectionSizeHint(c), min(cells, widest)))


class DataFrameModel(QAbstractTableModel):
    """A read-only table model over a pandas DataFrame (floats to 3 decimals as the terminal prints them, numbers
    right-aligned, a missing value as ``missing``: '-', undefined, or '' where there is nothing, as an unmatched
    event's partner). Its header is the column names; a tab shows it through a ShownTable."""

    def __init__(self, df: pd.DataFrame | None = None, parent: Any = None, missing: str = "-") -> None:
        super().__init__(parent)
        self.df = df if df is not None else pd.DataFrame()
        self.missing = missing

    def set_frame(self, df: pd.DataFrame) -> None:
        self.beginResetModel()
        self.df = df.reset_index(drop=True)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        return 0 if parent.isValid() else len(self.df)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.df.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.df.iat[index.row(), index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(v, self.missing)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, numbers.Number) and not isinstance(v, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # numpy ints too
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self.df.columns[section])
        return str(section + 1)


def _text(v: Any, missing: str = "-") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return missing
    if isinstance(v, float):
        return coefficient_text(v)  # the terminal's formatter: never "-0.000"
    return str(v)


class ShownTable(QIdentityProxyModel):
    """A report table as its tab shows it: header labels a reader knows, each with a tooltip saying what the column
    is and how it is computed (``labels``: COLUMN_HELP's), and the ``pair`` columns' values as the row header."""

    def __init__(self, table: DataFrameModel, labels: Mapping[str, tuple[str, str]], pair: Sequence[str] = (),
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.table, self.labels, self.pair = table, labels, tuple(pair)
        self.setSourceModel(table)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        df = self.table.df
        tip = role == Qt.ItemDataRole.ToolTipRole
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(df.columns):
            name = str(df.columns[section])
            label, what = self.labels.get(name, (name, ""))
            if role == Qt.ItemDataRole.DisplayRole:
                return label
            if tip and what:
                return f"{label}: {what}\n(CSV column {name})"
        elif orientation == Qt.Orientation.Vertical and self.pair and 0 <= section < len(df):
            if role == Qt.ItemDataRole.DisplayRole:
                return " / ".join(str(df.at[section, c]) for c in self.pair)
            if tip:
                return " / ".join(self.labels.get(c, (c, ""))[0] for c in self.pair)
        return super().headerData(section, orientation, role)


def _shown(key: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table as its tab holds it: ids, frames and counts as integers (not 3.000), the columns in SHOWN_ORDER."""
    df = _integer_columns(df)
    first = [c for c in SHOWN_ORDER.get(key, ()) if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]


def _alpha_coders(report: Any) -> str:
    """Whose ratings the alpha tab is over: the chosen coders with events on a compared video, the ones its pairs
    compare (the model's proposals among them, by default)."""
    paired = set(report.pairs["coder_a"]) | set(report.pairs["coder_b"])
    coders = [c for c in report.coders if c in paired]
    if not coders:
        return ""
    text = f"All coders together ({len(coders)}): {', '.join(coders)}."
    if MODEL_CODER in coders:
        text += (f" {MODEL_CODER!r} is the model's proposals, counted as a coder: untick it under Coders to compare "
                 "the people alone.")
    return text


class AgreementDialog(QDialog):
    """``compute(coders, tolerance, iou, all_videos, all_coded)`` returns an AgreementReport, or a function of no
    arguments that makes it, which the dialog runs in a worker (the window's: what it reads on the GUI thread is read
    there, the rest through a snapshot of its project); ``coders``: every coder known for the scope, all checked at first; ``save``: what "Save CSV…" runs;
    ``video_names()``: {video id: file name}, how the header names the videos; ``coders_for(all_videos)``: the
    coders with events (or a recorded coding) on this video / all videos. Given it, only those are ticked by default
    (again when Videos changes, the user's own ticks kept) and a ticked coder without events there is left out with a
    note: in a multi-video project a coder of another video no longer makes the report refuse. ``version(all_videos)``:
    a value that changes whenever what the report of this video / all videos is of changes (its events, the video
    shown): given it, :meth:`events_changed` computes the report again only when it did."""

    # A report that took longer than this to compute is not computed again at every edit, undo or import with the
    # dialog open (71 s each on a year's project, one core kept busy): it is marked out of date, with a Recompute
    # button, and kept shown (Save CSV writes it, saying so). A quicker one follows the events at once.
    AUTO_RECOMPUTE_S = 5.0

    def __init__(self, compute: Callable[..., Any], coders: Sequence[str], parent: QWidget | None = None,
                 tolerance: int = 3, iou: float = 0.5, all_videos: bool = False, all_coded: bool = False,
                 save: Callable[[], Any] | None = None,
                 video_names: Callable[[], Mapping[int, str]] | None = None,
                 coders_for: Callable[[bool], Sequence[str]] | None = None,
                 version: Callable[[bool], Hashable] | None = None) -> None:
        super().__init__(parent)
        self._version = version
        self._computed_on: Hashable = None  # version() when the report shown was computed
        self._coders_for = coders_for
        self._user_ticks: dict[str, bool] = {}  # coder -> ticked, as the user set it: kept when Videos changes
        self._video_names = video_names  # {video id: file name}: the header names the videos, not their ids
        self.setWindowTitle("Agreement between coders")
        self._compute = compute
        self.report: Any = None
        self.error = ""
        self._asked = 0  # the serial number of the latest request: only its outcome is shown
        self._worker: TaskWorker | None = None  # the computation running (one at a time)
        # the latest request not yet started: (serial, what makes it, of all videos)
        self._waiting: tuple[int, Callable[[], Any], bool] | None = None
        # {all videos: seconds the latest computation of that scope ran}: one known to take longer than
        # analysis_control.LOAD_GRACE_MS is not waited for on the GUI thread (_run)
        self._ran_s: dict[bool, float] = {}
        self.computing = False  # a request's outcome is not shown yet (Save CSV is disabled meanwhile)
        self.stale = False  # the report shown is of the events before a change (AUTO_RECOMPUTE_S)
        self._stale_after = False  # ... and so is the one computing now: shown marked so
        self._took: float | None = None  # seconds the report shown took to compute (None: not in a worker)
        self._new_coders: Sequence[str] | Callable[[], Sequence[str]] | None = None  # to offer at Recompute
        self._started = 0.0  # time.monotonic() when the running computation started
        self.coder_list = QListWidget(self)  # as tall as its rows, up to CODER_ROWS (_fit_list)
        for c in coders:
            it = QListWidgetItem(c)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            self.coder_list.addItem(it)
        self.tolerance = WholeBox(self, what="number of frames")
        self.tolerance.setRange(0, 1000)
        self.tolerance.setSuffix(" frames")
        self.tolerance.setValue(tolerance)
        self.iou = DecimalBox(self, what="number")
        self.iou.setRange(0.05, 1.0)
        self.iou.setSingleStep(0.05)
        self.iou.setValue(iou)
        self.scope = QComboBox(self)
        self.scope.addItems(["this video", "all videos"])
        self.scope.setCurrentIndex(1 if all_videos else 0)
        # Without it a coder with no events on a video did not code it; with it, they found nothing there.
        self.all_coded = QCheckBox("every coder coded these videos (no events = found none)", self)
        self.all_coded.setToolTip("Checked: a chosen coder with no events on a video looked and found nothing, so "
                                  "the others' events there count as misses. Unchecked: that coder did not code "
                                  "the video, and it is left out of their comparisons.")
        self.all_coded.setChecked(all_coded)
        form = QFormLayout()
        # a label over its field where the two do not fit side by side (a big font): 958 px wide at 16 pt before
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.coder_note = QLabel(self)  # the coders without events on the chosen videos
        self.coder_note.setTextFormat(Qt.TextFormat.PlainText)  # coders' names, as written
        self.coder_note.setWordWrap(True)
        self.coder_note.setVisible(False)
        coders_box = QVBoxLayout()
        coders_box.setContentsMargins(0, 0, 0, 0)
        coders_box.addWidget(self.coder_list)
        coders_box.addWidget(self.coder_note)
        form.addRow("Coders", coders_box)
        form.addRow("Onset/apex/offset tolerance", self.tolerance)
        form.addRow("or IoU at least", self.iou)
        # text in either box that is no value, said (the report stays that of the values before it) (h310)
        self.number_problem = QLabel("", self)
        self.number_problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        self.number_problem.setVisible(False)
        form.addRow(self.number_problem)
        form.addRow("Videos", self.scope)
        form.addRow("", self.all_coded)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.recompute_button = QPushButton("Recompute", self)  # shown while the report is out of date
        self.recompute_button.setToolTip("Compute the report again on the project's events now")
        self.recompute_button.clicked.connect(lambda *_: self._recompute_clicked())
        self.recompute_button.setVisible(False)
        head_row = QHBoxLayout()
        head_row.setContentsMargins(0, 0, 0, 0)
        head_row.addWidget(self.header, 1)
        head_row.addWidget(self.recompute_button, 0, Qt.AlignmentFlag.AlignTop)
        self.tabs = QTabWidget(self)
        # Fleiss' kappa and alpha are over every coder compared, the model's proposals too unless unticked: say whose
        self.alpha_coders = QLabel(self)
        self.alpha_coders.setWordWrap(True)
        self.models: dict[str, DataFrameModel] = {}  # the report's tables (CSV column names)
        self.views: dict[str, QTableView] = {}  # each through a ShownTable: labels, tooltips, the pair as row header
        for key, title in TAB_TITLES.items():
            view = QTableView(self)
            model = DataFrameModel(parent=view, missing="" if key == "matches" else "-")  # no partner: blank
            view.setModel(ShownTable(model, COLUMN_HELP.get(key, {}), ROW_HEADER.get(key, ()), parent=view))
            view.setAlternatingRowColors(True)
            # columns sized to their first SIZED_ROWS rows, not Qt's 1,000: sizing asked 170,000 cells of a
            # 6,000-event report (each a pandas lookup), 5-8 s on the GUI thread at every recompute
            view.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
            view.verticalHeader().setVisible(key in ROW_HEADER)
            view.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.models[key], self.views[key] = model, view
            page: QWidget = view
            if key == "alpha":
                page = QWidget(self)
                page_lay = QVBoxLayout(page)
                page_lay.setContentsMargins(0, 0, 0, 0)
                page_lay.addWidget(self.alpha_coders)
                page_lay.addWidget(view, 1)
            self.tabs.addTab(page, title)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.save_button = QPushButton("Save CSV…", self)
        # the window passes its Save command (errors become its dialog); alone, the dialog saves itself
        self.save_button.clicked.connect(lambda *_: None if (save or self.save_csv)() else None)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        # everything but the buttons scrolls where the screen is short (at 16 pt on a 200%-scaled laptop the wrapped
        # header and notes squeezed the coder list under the tolerance's field); the tables keep a few rows
        body = QWidget(self)
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(form)
        col.addLayout(head_row)
        col.addWidget(self.tabs, 1)
        col.addWidget(self.notes)
        self.tabs.setMinimumHeight(8 * self.fontMetrics().height())
        self.body_scroll = QScrollArea(self)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.addWidget(self.body_scroll, 1)
        lay.addLayout(buttons)
        self.coder_list.itemChanged.connect(self._ticked)
        self.tolerance.valueChanged.connect(lambda *_: self.recompute())
        self.iou.valueChanged.connect(lambda *_: self.recompute())
        for box in (self.tolerance, self.iou):
            box.textValid.connect(self._numbers_typed)  # `1.5` typed: said and Recompute off, not Enter doing nothing
        self.scope.currentIndexChanged.connect(lambda *_: self._scope_changed())
        self.all_coded.toggled.connect(lambda *_: self.recompute())
        _abandoned_workers().idle.connect(self._start_waiting)  # a closed dialog's computation ended
        self._apply_default_ticks()
        self._fit_list()
        self._fitted = False
        self.resize(900, 620)

    def _fit_list(self) -> None:
        """The coder list as tall as its rows at the font in use, CODER_ROWS at most (it scrolls past them), two
        where the screen is short: a fixed 84 px showed 2 of 5 coders at a 16-pt font."""
        lst = self.coder_list
        row = lst.sizeHintForRow(0) if lst.count() else lst.fontMetrics().height() + 4
        frame = 2 * lst.frameWidth()
        lst.setMaximumHeight(row * max(1, min(lst.count(), CODER_ROWS)) + frame)
        lst.setMinimumHeight(row * max(1, min(lst.count(), 2)) + frame)  # on a short screen: two, and it scrolls

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)  # 620 px was taller than a 200%-scaled laptop's 540; the tables take the difference

    def _items(self) -> list[QListWidgetItem]:
        return [self.coder_list.item(i) for i in range(self.coder_list.count())]

    def _with_events(self) -> set[str] | None:
        """The coders with events on the chosen videos; None when the caller cannot tell (every coder counts)."""
        if self._coders_for is None:
            return None
        return set(self._coders_for(self.scope.currentIndex() == 1))

    def _ticked(self, item: QListWidgetItem) -> None:
        self._user_ticks[item.text()] = item.checkState() == Qt.CheckState.Checked
        self.recompute()

    def _scope_changed(self) -> None:
        self._apply_default_ticks()
        self.recompute()

    def _apply_default_ticks(self) -> None:
        """Tick the coders with events on the chosen videos, except where the user ticked or unticked one."""
        have = self._with_events()
        if have is None:
            return
        self.coder_list.blockSignals(True)
        for it in self._items():
            on = self._user_ticks.get(it.text(), it.text() in have)
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.coder_list.blockSignals(False)

    def chosen_coders(self) -> list[str]:
        return [self.coder_list.item(i).text() for i in range(self.coder_list.count())
                if self.coder_list.item(i).checkState() == Qt.CheckState.Checked]

    def set_choices(self, coders: Sequence[str] | None = None, tolerance: int | None = None,
                    iou: float | None = None, all_videos: bool | None = None,
                    all_coded: bool | None = None) -> None:
        """Set the choices as a user would (one recompute at the end)."""
        widgets = (self.coder_list, self.tolerance, self.iou, self.scope, self.all_coded)
        for w in widgets:
            w.blockSignals(True)
        if all_videos is not None:
            self.scope.setCurrentIndex(1 if all_videos else 0)
            self._apply_default_ticks()
        if coders is not None:  # asked for by name: the user's ticks
            want = set(coders)
            for it in self._items():
                it.setCheckState(Qt.CheckState.Checked if it.text() in want else Qt.CheckState.Unchecked)
                self._user_ticks[it.text()] = it.text() in want
        if tolerance is not None:
            self.tolerance.setValue(int(tolerance))
        if iou is not None:
            self.iou.setValue(float(iou))
        if all_coded is not None:
            self.all_coded.setChecked(bool(all_coded))
        for w in widgets:
            w.blockSignals(False)
        self.recompute()

    def events_changed(self, coders: Sequence[str] | Callable[[], Sequence[str]]) -> None:
        """The project's events changed (an edit, an undo, an import): the report is computed again, so what it
        shows and what Save CSV writes are never stale, or, a long one, marked out of date (AUTO_RECOMPUTE_S).
        ``coders``: every coder known now (or what reads them: read only when the report is computed again, not
        for one marked out of date: 19,600 events read at each edit held the window 2-4 s); one new since the
        dialog opened is offered, not chosen (the comparison asked for stays the same)."""
        # a switch with Videos on "all videos", or a reload with nothing written: the report shown is still right
        # (computing it again held the window 0.2-5 s at 6,000 events, and read every video's events six times)
        if self._version is not None and self._version(self._all_videos()) == self._computed_on:
            return
        slow = self.AUTO_RECOMPUTE_S
        if self._worker is not None and self._waiting is None and time.monotonic() - self._started > slow:
            self._new_coders = coders  # a long one computing: shown when done, marked, not computed again after it
            self._stale_after = True
            return
        if self._worker is None and self._waiting is None and self.report is not None and self._took is not None \
                and self._took > slow:
            self._new_coders = coders  # offered at Recompute
            self._mark_stale()
            return
        self._offer(coders)
        self.recompute()

    def _offer(self, coders: Sequence[str] | Callable[[], Sequence[str]] | None) -> None:
        """Add the coders not in the list yet, unticked."""
        self._new_coders = None
        if coders is None:
            return
        if callable(coders):
            coders = coders()
        known = {self.coder_list.item(i).text() for i in range(self.coder_list.count())}
        self.coder_list.blockSignals(True)
        for c in coders:
            if c not in known:
                it = QListWidgetItem(c)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Unchecked)
                self.coder_list.addItem(it)
        self.coder_list.blockSignals(False)
        self._fit_list()

    def _numbers_typed(self) -> str:
        """'' when the tolerance and IoU typed are values, else the one line why (shown; Recompute is disabled)."""
        msg = unread_line((("Tolerance", self.tolerance), ("IoU", self.iou)))
        self.number_problem.setText(msg)
        self.number_problem.setVisible(bool(msg))
        self.recompute_button.setEnabled(not msg)
        return msg

    def _recompute_clicked(self) -> None:
        self._offer(self._new_coders)  # the coders new since the report was marked out of date
        self.recompute()

    def _mark_stale(self) -> None:
        """The report shown stays, said to be of the events before a change; Recompute computes it again."""
        self.stale = True
        took = f" (it took {self._took:.0f} s)" if self._took is not None else ""
        self.header.setText("Out of date: the events changed since this report was computed" + took
                            + ". Press Recompute to include the changes; Save CSV writes the report shown.")
        self.header.setToolTip("")
        self.recompute_button.setVisible(True)
        self.save_button.setEnabled(self.report is not None)

    def _mark_coders(self) -> set[str] | None:
        """Grey out and name, under the list, the coders without events on the chosen videos."""
        have = self._with_events()
        where = "these videos" if self.scope.currentIndex() == 1 else "this video"
        idle = [] if have is None else [it.text() for it in self._items() if it.text() not in have]
        fate = "counted as finding none" if self.all_coded.isChecked() else "left out of the report"
        for it in self._items():
            none = it.text() in idle
            it.setToolTip(literal_tip(f"no events by {it.text()} on {where}: {fate}") if none else "")
            it.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText) if none
                             else self.palette().color(self.palette().ColorRole.Text))
        self.coder_note.setText(f"No events on {where}: {', '.join(idle)} ({fate} if ticked)." if idle else "")
        self.coder_note.setVisible(bool(idle))
        return have

    def _all_videos(self) -> bool:
        return self.scope.currentIndex() == 1

    def recompute(self) -> None:
        self._computed_on = self._version(self._all_videos()) if self._version is not None else None
        self.coder_list.blockSignals(True)  # the marks are no tick
        have = self._mark_coders()
        self.coder_list.blockSignals(False)
        coders = self.chosen_coders()
        if have is not None and not self.all_coded.isChecked():
            # one ticked without events here would make the report refuse as a whole: left out, as its note says
            # (with "every coder coded these videos" it found nothing there, and counts)
            coders = [c for c in coders if c in have]
        self.error = ""
        self._asked += 1  # a computation running or waiting is stale now
        self._waiting, self.computing = None, False
        self.stale = self._stale_after = False
        self.recompute_button.setVisible(False)
        if len(coders) < 2:
            self._show(None, "Choose at least two coders.")
            return
        try:
            made = self._compute(coders=coders, tolerance=self.tolerance.value(), iou=self.iou.value(),
                                 all_videos=self.scope.currentIndex() == 1, all_coded=self.all_coded.isChecked())
        except MerstudioError as exc:
            self._show(None, str(exc))
            return
        if not callable(made):  # the report itself
            self._shown_report(made)
            return
        self._run(self._asked, made, self._all_videos())

    def _run(self, serial: int, make: Callable[[], Any], all_videos: bool) -> None:
        """Make the report in a worker: one at a time, only the latest request served (a request meanwhile waits,
        replacing any waiting); the window is drawn and its other work goes on. Waited for up to
        analysis_control.LOAD_GRACE_MS (as a video's stored curves are), so a quick one is shown at once without
        a flash of "Computing…" -- unless this dialog's last computation of the same scope ran longer than that:
        on a big project (tens of seconds a report) the wait was only a 150 ms freeze at every request."""
        from merstudio.gui import analysis_control

        self.computing = True
        self.save_button.setEnabled(False)
        if self._worker is not None or abandoned_running():  # (a closed dialog's: this one starts once it ends)
            if self._worker is not None:  # its report is of choices no longer asked for: it stops at its next step
                self._worker.stop.set()  # type: ignore[attr-defined]
            self._waiting = (serial, make, all_videos)
            self.header.setText("Computing the report…")
            self.header.setToolTip("")
            return
        took: list[float] = []  # the seconds it took, once it made its report
        ran: list[float] = []  # the seconds it ran, however it ended (stopped, failed)
        stop = threading.Event()  # set when nobody waits for its report any more: it stops at its next step
        call: Callable[..., Any] = make
        hooks = "cancel" in inspect.signature(make).parameters  # the window's: agreement_report's hooks

        def timed(progress: Any) -> Any:
            start = time.monotonic()
            try:
                out = call(cancel=stop.is_set, progress=progress) if hooks else call()
            finally:
                ran.append(time.monotonic() - start)
            took.append(ran[0])
            return out

        w = TaskWorker(timed, "agreement report", self)
        w.setProperty("serial", serial)
        w.took = took  # type: ignore[attr-defined]  # read by _done
        w.ran = ran  # type: ignore[attr-defined]
        w.all_videos = all_videos  # type: ignore[attr-defined]
        w.stop = stop  # type: ignore[attr-defined]
        w.progress.connect(self._progress)  # queued: the worker's thread emits it
        self._started = time.monotonic()
        w.finished.connect(self._worker_ended)  # queued: on the GUI thread once its run() returned
        self._worker = w
        w.start()
        grace = analysis_control.LOAD_GRACE_MS
        before = self._ran_s.get(all_videos)  # None: not known yet, waited for (a small project's is quick)
        if (before is None or before * 1000 < grace) and w.wait(grace):
            self._done(w)
        else:
            self.header.setText("Computing the report…")
            self.header.setToolTip("")

    def _progress(self, done: int, total: int) -> None:
        w = self.sender()
        if w is self._worker and self._waiting is None and total > 0 and not self._stale_after:
            self.header.setText(f"Computing the report… {100 * done // total} % (Close stops it)")

    def _start_waiting(self) -> None:
        """A closed dialog's computation ended: the request waiting for it starts."""
        if self._worker is None and self._waiting is not None and not abandoned_running():
            latest, self._waiting = self._waiting, None
            self._run(*latest)

    def _worker_ended(self) -> None:
        w = self.sender()
        if isinstance(w, TaskWorker):
            self._done(w)

    def _done(self, w: TaskWorker) -> None:
        if self._worker is not w:  # shown already (waited for), or the dialog stopped it
            return
        self._worker = None
        w.wait()
        w.deleteLater()
        ran = getattr(w, "ran", None)
        if ran:  # a stopped one ran at least this long: a lower bound, kept when it says more than the last
            stopped = not getattr(w, "took", None)
            scope = bool(getattr(w, "all_videos", False))
            self._ran_s[scope] = max(ran[0], self._ran_s.get(scope, 0.0)) if stopped else ran[0]
        serial = w.property("serial")
        if self._waiting is not None:  # a newer request came meanwhile: this outcome is stale
            latest, self._waiting = self._waiting, None
            self._run(*latest)
            return
        if serial != self._asked:
            return
        self.computing = False
        if isinstance(w.exception, MerstudioError):
            self._show(None, str(w.exception))
        elif w.error:
            self._show(None, w.error)
        else:
            took = getattr(w, "took", None)
            self._shown_report(w.result, took[0] if took else None)
            if self._stale_after:  # the events changed while it was computed
                self._stale_after = False
                self._mark_stale()

    def _shown_report(self, rep: Any, took: float | None = None) -> None:
        self.computing = False
        if took is not None:
            _remember_took(rep, took)
        self._took = _took_s.get(id(rep))
        # in the app: the videos by file name (NAMED_VIDEOS at most, all on hover), no command-line option
        names = dict(self._video_names()) if self._video_names else None
        header = rep.header(video_names=names, cli=False)
        if names is not None and len(rep.video_ids) > NAMED_VIDEOS:
            # counted, the names on hover: 200 names one after another filled the dialog, the tables below a scroll
            listed = [names.get(v, f"video {v}") for v in rep.video_ids]
            header = header.replace(f"on {', '.join(listed)}", f"on {len(listed)} videos", 1)
            more = len(listed) - TIP_VIDEOS
            tip = ", ".join(listed[:TIP_VIDEOS]) + (f" and {more} more" if more > 0 else "")
        else:
            tip = ""
        self._show(rep, header)
        self.header.setToolTip(literal_tip(tip) if tip else "")

    def shutdown(self) -> None:
        """The dialog goes (the project closing, the window too): the request waiting is dropped and the
        computation running is left to finish unseen (:func:`_abandon`: it cannot be interrupted, and waiting
        for it here held the window up to two minutes); the app waits for it only as it quits."""
        self._waiting = None
        self._asked += 1  # whatever still comes is of no request
        w, self._worker = self._worker, None
        if w is not None:
            w.stop.set()  # type: ignore[attr-defined]  # it stops at its next step, unseen
            _abandon(w)
        self.computing = self._stale_after = False

    def done(self, result: int) -> None:  # Close, Esc: the dialog's work ends with it, and its report is freed
        self.shutdown()
        self.report = None  # (the window keeps the last one for the same choices: MainWindow.compute_agreement)
        for model in self.models.values():
            model.set_frame(pd.DataFrame())
        super().done(result)

    def _show(self, report: Any, header: str) -> None:
        self.report = report
        if report is None:
            self.error = header
        self.header.setText(header)
        self.header.setToolTip("")
        for key, model in self.models.items():
            model.set_frame(_shown(key, report.tables()[key]) if report is not None else pd.DataFrame())
            view = self.views[key]
            for c, name in enumerate(model.df.columns):  # the pair is the row header
                view.setColumnHidden(c, name in ROW_HEADER.get(key, ()))
            _column_widths(view, model)
        self.alpha_coders.setText(_alpha_coders(report) if report is not None else "")
        self.notes.setText("\n".join(f"Note: {n}" for n in report.notes) if report is not None else "")
        self.save_button.setEnabled(report is not None)

    def save_csv(self, folder: str | Path | None = None) -> list[Path]:
        """Write the report's CSVs (agreement_<table>.csv) to ``folder``, asking for it when not given; spreadsheet-
        safe (and with decimal commas) where the window's File > Export options say so, as every export is."""
        if self.report is None:
            return []
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Save agreement CSVs in")
            if not folder:
                return []
        win = self.parent()
        comma = bool(getattr(win, "decimal_comma", False))
        return self.report.write_csv(folder, spreadsheet_safe=comma or bool(getattr(win, "spreadsheet_safe", False)),
                                     decimal_comma=comma)
