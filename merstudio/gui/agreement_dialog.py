"""The agreement report in the app: coder and tolerance choices, one table per report table (a QTableView on a
small read-only pandas model), and "Save CSV…" (AgreementReport.write_csv). Computing is quick (events only, plus
the per-frame tables of videos that have an overlay), so it runs on the GUI thread when a choice changes."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from merstudio.agreement.report import coefficient_text
from merstudio.errors import MerstudioError

TAB_TITLES = {"pairs": "Event matching", "kappa": "Cohen's kappa",
              "alpha": "Krippendorff's alpha / Fleiss' kappa",
              "icc": "ICC (AU intensity)", "matches": "Matches"}
Index = QModelIndex | QPersistentModelIndex


class DataFrameModel(QAbstractTableModel):
    """A read-only table model over a pandas DataFrame (floats to 3 decimals as the terminal prints them, NaN as
    '-')."""

    def __init__(self, df: pd.DataFrame | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.df = df if df is not None else pd.DataFrame()

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
            return _text(v)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, int | float) and not isinstance(v, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self.df.columns[section])
        return str(section + 1)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "-"
    if isinstance(v, float):
        return coefficient_text(v)  # the terminal's formatter: never "-0.000"
    return str(v)


class AgreementDialog(QDialog):
    """``compute(coders, tolerance, iou, all_videos, all_coded)`` returns an AgreementReport (the window binds it to its
    project); ``coders``: every coder known for the scope, all checked at first; ``save``: what "Save CSV…" runs;
    ``video_names()``: {video id: file name}, how the header names the videos."""

    def __init__(self, compute: Callable[..., Any], coders: Sequence[str], parent: QWidget | None = None,
                 tolerance: int = 3, iou: float = 0.5, all_videos: bool = False, all_coded: bool = False,
                 save: Callable[[], Any] | None = None,
                 video_names: Callable[[], Mapping[int, str]] | None = None) -> None:
        super().__init__(parent)
        self._video_names = video_names  # {video id: file name}: the header names the videos, not their ids
        self.setWindowTitle("Agreement between coders")
        self._compute = compute
        self.report: Any = None
        self.error = ""
        self.coder_list = QListWidget(self)
        self.coder_list.setMaximumHeight(84)
        for c in coders:
            it = QListWidgetItem(c)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            self.coder_list.addItem(it)
        self.tolerance = QSpinBox(self)
        self.tolerance.setRange(0, 1000)
        self.tolerance.setSuffix(" frames")
        self.tolerance.setValue(tolerance)
        self.iou = QDoubleSpinBox(self)
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
        form.addRow("Coders", self.coder_list)
        form.addRow("Onset/apex/offset tolerance", self.tolerance)
        form.addRow("or IoU at least", self.iou)
        form.addRow("Videos", self.scope)
        form.addRow("", self.all_coded)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.models: dict[str, DataFrameModel] = {}
        self.views: dict[str, QTableView] = {}
        for key, title in TAB_TITLES.items():
            view = QTableView(self)
            model = DataFrameModel(parent=view)
            view.setModel(model)
            view.setAlternatingRowColors(True)
            view.verticalHeader().setVisible(False)
            self.models[key], self.views[key] = model, view
            self.tabs.addTab(view, title)
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
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.header)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.notes)
        lay.addLayout(buttons)
        self.coder_list.itemChanged.connect(lambda *_: self.recompute())
        self.tolerance.valueChanged.connect(lambda *_: self.recompute())
        self.iou.valueChanged.connect(lambda *_: self.recompute())
        self.scope.currentIndexChanged.connect(lambda *_: self.recompute())
        self.all_coded.toggled.connect(lambda *_: self.recompute())
        self.resize(900, 620)

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
        if coders is not None:
            want = set(coders)
            for i in range(self.coder_list.count()):
                it = self.coder_list.item(i)
                it.setCheckState(Qt.CheckState.Checked if it.text() in want else Qt.CheckState.Unchecked)
        if tolerance is not None:
            self.tolerance.setValue(int(tolerance))
        if iou is not None:
            self.iou.setValue(float(iou))
        if all_videos is not None:
            self.scope.setCurrentIndex(1 if all_videos else 0)
        if all_coded is not None:
            self.all_coded.setChecked(bool(all_coded))
        for w in widgets:
            w.blockSignals(False)
        self.recompute()

    def events_changed(self, coders: Sequence[str]) -> None:
        """The project's events changed (an edit, an undo, an import): the report is computed again, so what it
        shows and what Save CSV writes are never stale. ``coders``: every coder known now; one new since the
        dialog opened is offered, not chosen (the comparison asked for stays the same)."""
        known = {self.coder_list.item(i).text() for i in range(self.coder_list.count())}
        self.coder_list.blockSignals(True)
        for c in coders:
            if c not in known:
                it = QListWidgetItem(c)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Unchecked)
                self.coder_list.addItem(it)
        self.coder_list.blockSignals(False)
        self.recompute()

    def recompute(self) -> None:
        coders = self.chosen_coders()
        self.error = ""
        if len(coders) < 2:
            self._show(None, "Choose at least two coders.")
            return
        try:
            rep = self._compute(coders=coders, tolerance=self.tolerance.value(), iou=self.iou.value(),
                                all_videos=self.scope.currentIndex() == 1, all_coded=self.all_coded.isChecked())
        except MerstudioError as exc:
            self._show(None, str(exc))
            return
        # in the app: the videos by file name, no command-line option
        self._show(rep, rep.header(video_names=self._video_names() if self._video_names else None, cli=False))

    def _show(self, report: Any, header: str) -> None:
        self.report = report
        if report is None:
            self.error = header
        self.header.setText(header)
        for key, model in self.models.items():
            model.set_frame(report.tables()[key] if report is not None else pd.DataFrame())
            self.views[key].resizeColumnsToContents()
        self.notes.setText("\n".join(f"Note: {n}" for n in report.notes) if report is not None else "")
        self.save_button.setEnabled(report is not None)

    def save_csv(self, folder: str | Path | None = None) -> list[Path]:
        """Write the report's CSVs (agreement_<table>.csv) to ``folder``, asking for it when not given."""
        if self.report is None:
            return []
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Save agreement CSVs in")
            if not folder:
                return []
        return self.report.write_csv(folder)
