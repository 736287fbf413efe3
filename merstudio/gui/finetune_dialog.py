"""The fine-tuning dialog: runs merstudio.training.finetune in a worker thread with progress, Cancel and a live loss
plot, then shows the before/after metrics on the held-out videos, says whether the new model is the one the next
analyses use, and offers to use it (``useRequested(path)``) or to re-run predictions with it
(``rerunRequested(path)``); the main window acts on both."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from merstudio.errors import MerstudioError
from merstudio.gui.checkpoint_dialog import WARN_COLOUR
from merstudio.gui.failures import failure_line
from merstudio.gui.look import ERROR_COLOUR, fit_screen, on_window
from merstudio.gui.numbers import DecimalBox, WholeBox, unread_line
from merstudio.gui.questions import ask
from merstudio.model.columns import NONE_CLASS
from merstudio.names import name_sort_key
from merstudio.training.checks import LR_MAX
from merstudio.training.finetune_split import (
    MIN_TRAIN_PER_CLASS,
    fresh_text,
    held_out_text,
    metric_rows,
    trained_text,
)

log = logging.getLogger(__name__)

# the learning-rate box takes what `merstudio finetune --lr` takes, (0, LR_MAX]: `--lr 5e-6` ran while the box refused
# anything below 1e-5 (a117 finding 6). Its least is the smallest rate it holds to 6 significant digits (gui/numbers:
# EXPONENT_DIGITS at EXPONENT_DECIMALS), shown 0.000000001
LR_LEAST = 1e-9


STAGE_TEXT = {"inputs": "Building inputs from the events' videos…", "before": "Scoring the current model…",
              "training": "Training…", "after": "Scoring the new model…", "saving": "Saving the checkpoint…"}


class WrappedLabel(QLabel):
    """A word-wrapped label as tall as its text at its width: a wrapped QLabel in the form was given the height of
    fewer lines than it wraps to, at every dialog size (its refusal, on the last line, was cut off), and an
    unwrapped one made the dialog as wide as its longest line."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        # plain text: it shows paths and names (a folder named '<b>x' is not markup)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self.isVisible():  # not laid out yet: its height at a default width would stretch the dialog
            return
        self.setMinimumHeight(0)  # QLabel's height for a width is at least its minimum: measured without it
        self.setMinimumHeight(max(0, self.heightForWidth(self.width())) if self.text() else 0)


def _default_finetune(*args: Any, **kwargs: Any) -> Any:
    from merstudio.training.finetune import finetune

    return finetune(*args, **kwargs)


class FinetuneThread(QThread):
    """Runs one fine-tuning. Signals arrive in the GUI thread (queued); cancel() is thread-safe."""

    progress = Signal(int, int)
    stage = Signal(str)
    loss = Signal(int, int, float)  # epoch, epochs, loss
    succeeded = Signal(object)  # FinetuneResult
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any], parent: Any = None) -> None:
        super().__init__(parent)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._cancel = threading.Event()
        self.outcome = ""  # "ok" | "cancelled" | "failed"
        self.result: Any = None  # the FinetuneResult of an "ok" run

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        # torch loads here, on this thread, against DEVELOPERS.md's rule, by measure (h314): its C extension holds the
        # GIL wherever it loads, so the first Start stutters the window 0.2-0.45 s a few times; loaded on the GUI
        # thread (at Start, or at the dialog's open: test_finetune_dialog_no_torch) it froze it 1.4-2.3 s in one go
        from merstudio.training.trainer import TrainingCancelled

        try:
            res = self._fn(*self._args, progress=self.progress.emit, cancel=self._cancel,
                           loss_callback=lambda e, n, v: self.loss.emit(int(e), int(n), float(v)),
                           stage=self.stage.emit, **self._kwargs)
        except TrainingCancelled:
            self.outcome = "cancelled"
            self.cancelled.emit()
        except Exception as exc:  # a bug must reach the user as a message, not kill the thread silently
            self.outcome = "failed"
            self.failed.emit(failure_line("fine-tuning", exc))
        else:
            self.outcome, self.result = "ok", res
            self.succeeded.emit(res)


class FinetuneDialog(QDialog):
    """Fine-tune `checkpoint` on the project at `project_path`. `finetune_fn` (default
    merstudio.training.finetune.finetune) and `extra` (more keyword arguments for it) exist for tests and callers
    that want other settings (cache folder, device ...). `model_in_use()`: the checkpoint the app's next analyses
    use (None: each video's earlier one), read to say whether that is the new model yet."""

    finetuned = Signal(str)  # path of the new checkpoint
    rerunRequested = Signal(str)  # "re-run predictions with this checkpoint"
    useRequested = Signal(str)  # "use this checkpoint for the next analyses"
    stopped = Signal(str)  # a running fine-tuning stopped on the user's word (ask_stop): the line that says so

    def __init__(self, project_path: str | Path, checkpoint: str | Path | None = None, parent: QWidget | None = None,
                 finetune_fn: Callable[..., Any] | None = None, extra: dict[str, Any] | None = None,
                 project: Any = None, model_in_use: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fine-tune the model on this project")
        self.project_path = Path(project_path)
        # The app's open project (GUI thread only): it records the locked held-out split when fine-tuning itself
        # cannot open the project for writing (the app holds it).
        self.project = project
        self._fn = finetune_fn or _default_finetune
        self._model_in_use = model_in_use
        self._extra = dict(extra or {})
        self.worker: FinetuneThread | None = None
        self.result: Any = None
        self.error = ""
        self._losses: list[float] = []
        self._run_inputs = ("", "")  # the run's checkpoint and Mix with, as its warnings name them
        # (grouping, locked held-out events, fresh ones) as the run would count them (_data_text), for the split row
        self._lock_counts: tuple[str, int, int] | None = None

        form = QFormLayout()
        self._add_run_rows(form, checkpoint)
        self._add_split_rows(form)
        self._add_data_rows(form)
        self._build_progress()
        buttons = self._build_buttons()
        self._lay_out(form, buttons)
        self._follow_settings()
        self.update_data()

    def _add_run_rows(self, form: QFormLayout, checkpoint: str | Path | None) -> None:
        """The form's first rows: the project, the checkpoint to start from (Browse…), the new checkpoint's path,
        epochs and learning rate."""
        form.addRow("Project", WrappedLabel(str(self.project_path), self))  # a long path wraps at its slashes
        self.checkpoint = QLineEdit(str(checkpoint or ""), self)
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.checkpoint, 1)
        row.addWidget(self.browse_button)
        form.addRow("Start from checkpoint", row)
        self.out = QLineEdit(self)
        self.out.setPlaceholderText("automatic: <checkpoint>-ftN.pt beside the project")
        form.addRow("New checkpoint", self.out)
        self.epochs = WholeBox(self, what="number of epochs")
        self.epochs.setRange(1, 1000)
        self.epochs.setValue(15)
        form.addRow("Epochs", self.epochs)
        self.lr = DecimalBox(self, exponent=True, what="learning rate")  # `1e-4`, as `merstudio finetune --lr` takes it
        self.lr.setDecimals(5)
        self.lr.setRange(LR_LEAST, LR_MAX)
        self.lr.setSingleStep(1e-4)
        self.lr.setValue(1e-3)
        form.addRow("Learning rate", self.lr)
        # `merstudio finetune --min-per-class`: a lab's rare class (1 repression event) refused the run with no way
        # out in the app (a105)
        self.min_per_class = WholeBox(self, what="number of events")
        self.min_per_class.setRange(1, 1000)
        self.min_per_class.setValue(int(self._extra.pop("min_per_class", MIN_TRAIN_PER_CLASS)))
        self.min_per_class.setToolTip("The fewest accepted events a class the project has events of needs to train "
                                      "on (as `merstudio finetune --min-per-class`).\nA class with fewer may be "
                                      "predicted less often after; one with none is kept as the model had it.")
        form.addRow("Min events per class", self.min_per_class)

    def _add_split_rows(self, form: QFormLayout) -> None:
        """The held-out split: by video or subject and what fraction, a fresh split instead of the locked one, and
        the split the run would use."""
        self.holdout = QComboBox(self)
        self.holdout.addItems(["video", "subject"])
        self.fraction = DecimalBox(self, what="fraction")
        self.fraction.setRange(0.05, 0.9)
        self.fraction.setSingleStep(0.05)
        self.fraction.setValue(0.25)
        hold = QHBoxLayout()
        hold.addWidget(self.holdout)
        hold.addWidget(QLabel("fraction", self))
        hold.addWidget(self.fraction)
        form.addRow("Hold out by", hold)
        # short: a check box does not wrap, and the long form made the dialog wider than a 200%-scaled laptop screen
        self.fresh_split = QCheckBox("Fresh split (new held-out events)", self)
        self.fresh_split.setToolTip(
            "Draw new held-out events instead of the project's locked ones.\n"
            "The first fine-tuning locks which videos (or subjects) are held out, so runs with other epochs or\n"
            "learning rates are compared on the same events. Every comparison spends those events a little:\n"
            "draw a fresh split to check a choice on events that did not make it.")
        form.addRow("", self.fresh_split)
        self.split_label = WrappedLabel(self._split_text(), self)
        form.addRow("Held-out split", self.split_label)

    def _add_data_rows(self, form: QFormLayout) -> None:
        """What it learns from: a dataset to mix in, the class map from the coders' emotions to the model's
        classes, and the coded events it would use (update_data fills that row)."""
        self.mix = QLineEdit(self)
        self.mix.setPlaceholderText("optional: also train on a dataset (KIND:ROOT or a sample table)")
        form.addRow("Mix with", self.mix)
        # the coders' emotions -> the model's classes: "happiness" is not "positive" without a map
        self.class_map = QComboBox(self)
        self.class_map.setEditable(True)
        self.class_map.addItem("")
        from merstudio.datasets.classes import class_map_names

        self.class_map.addItems([n for n in class_map_names() if n != "raw"])
        edit = self.class_map.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("none: emotions named as the model's classes (or a JSON map)")
        self.class_map.setToolTip("A preset such as megc2019 (happiness -> positive, disgust -> negative, ...) or a "
                                  "JSON class map file: as `merstudio finetune --classes`")
        form.addRow("Class map", self.class_map)
        # what it would learn from, before Start: the accepted events per class, and why it would refuse
        self.data_label = WrappedLabel("", self)
        form.addRow("Coded events", self.data_label)
        self._data_ok = True
        self._classes: tuple[tuple[str, float], list[str]] | None = None  # the checkpoint's, by (path, mtime)

    def _build_progress(self) -> None:
        """A run's stage and progress bar, the live loss plot, the before/after table, the summary, and whether
        the next analyses use the new model."""
        self.stage_label = WrappedLabel("Ready.", self)  # a failure names paths: wrapped, not widening the dialog
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self._build_loss_plot()
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["held-out metric", "before", "after"])
        self.table.verticalHeader().setVisible(False)
        self._fit_table()
        # what the held-out figures rest on, right above them (a run's result; hidden before one)
        self.basis_label = WrappedLabel("", self)
        self.basis_label.setVisible(False)
        # each held-out event's class before and after, and what the figures measure (a93: "F1 surprise 0.000 ->
        # 0.667" was read as "the proposals will say surprise"; the events scored right were ones the app never asks
        # the model about)
        self.events_label = WrappedLabel("", self)
        self.events_table = QTableWidget(0, 5, self)
        self.events_table.setHorizontalHeaderLabels(["held-out event", "frames", "coded", "before", "after"])
        self.events_table.verticalHeader().setVisible(False)
        self.scope_label = WrappedLabel("", self)
        for w in (self.events_label, self.events_table, self.scope_label):
            w.setVisible(False)
        self.summary = WrappedLabel("", self)
        self.use_label = WrappedLabel("", self)  # whether the next analyses use the new model
        self._stage = ""  # the run's stage now (STAGE_TEXT's keys)
        self._cancelling = False
        self.stop_line = ""  # how the run ask_stop last stopped ended, in one line (Session.stop_finetune says it)
        self._clock: Callable[[], float] = time.monotonic  # the epochs' times, for the time left (tests set it)
        self._training_since: float | None = None
        self._left = ""  # "about 9 min left", as the stage line last said it ("" before an epoch ended)

    def _build_loss_plot(self) -> None:
        """The training loss per epoch, drawn as the run goes (_on_loss), black on white like the timeline."""
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")  # as the timeline; pyqtgraph's default black hid the app's black axes
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setPen("k")
            self.plot.getAxis(side).setTextPen("k")
        self.plot.setMinimumHeight(max(160, 9 * self.fontMetrics().lineSpacing()))  # its axis labels grow with the font
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "training loss")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#1f77b4", width=2), symbol="o", symbolSize=5)

    def _build_buttons(self) -> QHBoxLayout:
        """Start, Cancel, Use this model and Re-run (off until a run allows them), then Close on the right."""
        self.start_button = QPushButton("Start", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.rerun_button = QPushButton("Re-run predictions with the new model", self)
        self.rerun_button.setEnabled(False)
        self.use_button = QPushButton("Use this model", self)
        self.use_button.setToolTip("Use the new checkpoint for the next analyses (as Analysis > Load checkpoint);\n"
                                   "the predictions shown now stay until a video is analysed again")
        self.use_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.rerun_button.clicked.connect(self._rerun)
        self.use_button.clicked.connect(self._use)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.use_button, self.rerun_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        return buttons

    def _lay_out(self, form: QFormLayout, buttons: QHBoxLayout) -> None:
        """The form and the run's progress and results in a scroll area; the use note and the buttons below it."""
        # Everything but the buttons scrolls: the content is ~720 px tall, more than a laptop screen leaves under
        # its taskbar and title bar, and Start/Close must never be the part that is cut off.
        content = QWidget(self)
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(form)
        # text in a number box that is no value, said (Start is off meanwhile): Enter did nothing, unexplained (h310)
        self.number_problem = QLabel("", self)
        self.number_problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        self.number_problem.setVisible(False)
        body.addWidget(self.number_problem)
        body.addWidget(self.stage_label)
        body.addWidget(self.bar)
        body.addWidget(self.plot, 1)
        body.addWidget(self.basis_label)
        body.addWidget(self.table)
        body.addWidget(self.scope_label)
        body.addWidget(self.events_label)
        body.addWidget(self.events_table)
        body.addWidget(self.summary)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        # it scrolls up and down only: as wide as the content with the scroll bar beside it
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setMinimumWidth(content.minimumSizeHint().width()
                                         + self.scroll_area.verticalScrollBar().sizeHint().width())
        lay = QVBoxLayout(self)
        lay.addWidget(self.scroll_area, 1)
        lay.addWidget(self.use_label)  # beside its button, never scrolled away under the result
        lay.addLayout(buttons)
        self.resize(620, 720)
        self._fitted = False

    def _follow_settings(self) -> None:
        """The "Coded events" row and Start follow the checkpoint, hold-out, class map, fraction and fresh split;
        the split row follows the hold-out."""
        self.checkpoint.editingFinished.connect(self.update_data)
        self.holdout.currentTextChanged.connect(self.update_data)
        self.holdout.currentTextChanged.connect(lambda *_: self.split_label.setText(self._split_text()))
        self.class_map.currentTextChanged.connect(self.update_data)
        self.fraction.valueChanged.connect(self.update_data)  # how many groups are held out: the hold-out check
        self.fresh_split.toggled.connect(self.update_data)
        self.min_per_class.valueChanged.connect(self.update_data)
        for box in (self.epochs, self.lr, self.min_per_class, self.fraction):
            box.textValid.connect(self._numbers_typed)  # `1.5` epochs typed: said and Start off

    def _class_map(self) -> Any:
        return self.class_map.currentText().strip() or self._extra.get("class_map")

    def update_data(self) -> None:
        """The "Coded events" row: the project's accepted events the checkpoint's classes can learn from, per
        class, in how many videos (subjects), those left out (a left-out emotion close to a class's name: its likely
        typo), and the refusal fine-tuning would give (Start is off then), by the checks it runs: the counts
        (training.finetune.check_counts) and the held-out split (locked_split, else split_holdout)."""
        self._lock_counts = None
        text, ok = self._data_text()
        self._data_ok = ok
        self.data_label.setText(text)
        self.split_label.setText(self._split_text())  # its counts follow the events, as the row above
        self.data_label.setStyleSheet("" if ok else f"QLabel {{ color: {on_window(self, WARN_COLOUR)}; }}")
        if not self.is_running():
            self.start_button.setEnabled(ok and not self._numbers_typed())

    def _numbers_typed(self) -> str:
        """'' when each number box holds a value, else the one line why (shown; Start is disabled meanwhile)."""
        msg = unread_line((("Epochs", self.epochs), ("Learning rate", self.lr),
                           ("Min events per class", self.min_per_class), ("Hold-out fraction", self.fraction)))
        self.number_problem.setText(msg)
        self.number_problem.setVisible(bool(msg))
        if not self.is_running():
            self.start_button.setEnabled(self._data_ok and not msg)
        return msg

    def _data_text(self) -> tuple[str, bool]:
        ckpt = self.checkpoint.text().strip()
        if self.project is None or not ckpt:
            return "", True  # counted when it runs (its errors say what is missing)
        from collections import Counter

        from merstudio.training.finetune_split import (  # torch-free: the dialog opens without loading torch
            SPLIT_SETTING,
            check_counts,
            collect_samples,
            group_names,
            locked_fresh,
            locked_split,
            split_holdout,
            suggest_class_map,
            thin_classes_text,
        )

        try:
            key = (ckpt, Path(ckpt).stat().st_mtime)  # read once, not on every edit in the window
            if self._classes is None or self._classes[0] != key:
                self._classes = (key, list(_read_meta(ckpt).get("class_names") or []))
            classes = self._classes[1]
            by = self.holdout.currentText()
            got = collect_samples(self.project, classes, by=by, class_map=self._class_map())
            items, skipped = got.items, got.skipped
        except MerstudioError as exc:
            return f"cannot count them: {exc}", False
        except OSError as exc:
            return f"cannot count them: {ckpt}: {exc.strerror or exc}", False
        counts = Counter(it.label for it in items)
        groups = len({it.group for it in items})
        text = (f"{len(items)} accepted with one of the model's classes "
                f"({', '.join(f'{c} {counts[c]}' for c in classes if counts[c])}) in {groups} "
                f"{by}{'s' if groups != 1 else ''}") if items else ""
        if skipped:
            left = "left out: " + ", ".join(f"{k} {skipped[k]}" for k in sorted(skipped, key=name_sort_key))
            text = f"{text}; {left}" if text else left
            # only a map under which the counts would pass: the hint must not lead to the same refusal (h292)
            hint = suggest_class_map(classes, skipped, items, self.min_per_class.value()) \
                if self._class_map() is None else None
            if hint is not None:
                text += f" (Class map {hint[0]} would use {hint[1]} of them)"
            typos = _typo_hints(skipped, classes, self._class_map())
            if typos:
                text += f"; {typos}"
        if got.note():  # counted as the run will: an expression coded twice once, a disputed one not at all
            text = f"{text}; {got.note()}" if text else got.note()
        min_train = self.min_per_class.value()
        try:
            check_counts(items, classes, min_train)
            # said before Start, as the run says it: a class with no or few events (a105)
            thin = thin_classes_text(counts, [c for c in classes if c != NONE_CLASS]) if items else ""
            if thin:
                text = f"{text}\n{thin}" if text else thin
            # the held-out split the run would hold out, by the run's own functions (finetune.finetune)
            record = self.project.get_setting(SPLIT_SETTING)
            locked = None if self.fresh_split.isChecked() else locked_split(
                record, items, by, min_train=min_train, names=group_names(self.project, by))
            if locked is not None:  # the split row counts what the run scores on, and the fresh events apart
                self._lock_counts = (by, len(locked[2]), len(locked_fresh(record, items, locked[0])))
            if locked is None:
                split_holdout(items, self.fraction.value(), min_train=min_train, by=by,
                              seed=int(self._extra.get("seed", 0)))
        except MerstudioError as exc:
            return "\n".join(t for t in (text, str(exc).removeprefix("project: ")) if t), False
        except OSError as exc:
            return "\n".join(t for t in (text, f"cannot read the project's split: {exc.strerror or exc}") if t), False
        return text, True

    # ------------------------------------------------------------------ running
    def is_running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def start(self) -> None:
        if self.is_running():
            return
        ckpt = self.checkpoint.text().strip()
        if not ckpt:
            self._show_error("Choose the checkpoint to start from.")
            return
        checked = self._checked_output(ckpt)
        if checked is None:
            return
        out, fn = checked
        self.result, self.error = None, ""
        self._losses = []
        self.curve.setData([], [])
        self.table.setRowCount(0)
        self.basis_label.setVisible(False)
        self.events_table.setRowCount(0)
        for w in (self.events_label, self.events_table, self.scope_label):
            w.setVisible(False)
        self.summary.setText("")
        self.rerun_button.setEnabled(False)
        self.use_button.setEnabled(False)
        self.use_label.setText("")
        self._cancelling = False
        self._left = ""
        self._run_inputs = (ckpt, self.mix.text().strip())
        kwargs = {"holdout": f"{self.holdout.currentText()}:{self.fraction.value():.2f}",
                  "epochs": self.epochs.value(), "lr": self.lr.value(),
                  "mix_with": self.mix.text().strip() or None, "fresh_split": self.fresh_split.isChecked(),
                  "min_per_class": self.min_per_class.value(), **self._extra}
        class_map = self._class_map()
        if class_map is not None:
            kwargs["class_map"] = class_map
        self.worker = FinetuneThread(fn, (self.project_path, ckpt, out), kwargs, self)
        self.worker.progress.connect(self._on_progress)
        self.worker.stage.connect(self._on_stage)
        self.worker.loss.connect(self._on_loss)
        self.worker.succeeded.connect(self._on_done)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self._on_thread_finished)
        self._set_running(True)
        self.stage_label.setText("Starting…")
        self.bar.setRange(0, 0)  # busy: the model and the project are read before the first stage (~1.6 s)
        self.worker.start()

    def _checked_output(self, ckpt: str) -> tuple[str | None, Callable[..., Any]] | None:
        """The new checkpoint's path and the fine-tuning that checks it again right before writing; None (the
        reason shown) when it must not be written there: the project, its side files or videos, the parent, a
        checkpoint loaded or named by its analyses (training.finetune_output), or an existing file not to replace."""
        from merstudio.training.finetune_output import check_output, guarded, guarded_paths

        out = self.out.text().strip() or None
        if out is None:  # the next free <checkpoint>-ftN.pt
            return None, self._fn
        loaded = [self._model_in_use()] if self._model_in_use is not None else []
        keep = guarded_paths(self.project_path, ckpt, loaded, opened=self.project)
        try:
            target = check_output(out, keep, overwrite=True)
        except MerstudioError as exc:
            self._show_error(str(exc))
            return None
        replace = target.exists()
        if replace and QMessageBox.question(self, "merstudio", f"Replace {target}?") != QMessageBox.StandardButton.Yes:
            return None
        hint = "it appeared during the training; nothing was written"
        return str(target), guarded(self._fn, lambda: check_output(target, keep, overwrite=replace, exists_hint=hint))

    def cancel(self) -> None:
        if self.is_running():
            assert self.worker is not None
            self.worker.cancel()
            self._cancelling = True  # progress arriving after this does not hide it
            self.stage_label.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def shutdown(self) -> None:
        """Cancel a running fine-tuning and wait for its thread (the window is closing)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def ask_stop(self) -> bool:
        """Before something that ends a running fine-tuning (this dialog's Close, another project opened, the
        window closed): ask "Stop it?" (it was cancelled without a word: 9-16 minutes of training gone). True: nothing
        runs now (stopped, its thread ended, ``stopped`` said so; or it finished meanwhile, ``finetuned`` said so), and
        ``stop_line`` says how it ended; False: keep training, the close is not done."""
        if not self.is_running():
            return True
        left = f" ({self._left})" if self._left else ""
        if not self._ask_stop_question(f"A fine-tuning is running{left}. Stop it?"):
            return False
        self.stop_now()
        return True

    def stop_now(self) -> str:
        """Stop the fine-tuning with no question (its project closes) and return ``stop_line``: how it ended."""
        self.shutdown()
        # The run may have ended on its own while the question was up, or before it saw the cancel (scoring and
        # saving look at it no more): its last signals, still queued, are taken now (the window may close before
        # they arrive), and its end is said as it was. It said "no checkpoint was written" beside the one saved (a114).
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        assert self.worker is not None
        outcome = self.worker.outcome
        if outcome == "ok":  # finished: _on_done said so (Done., finetuned)
            saved = getattr(self.worker.result, "checkpoint", None) or "its checkpoint"
            self.stop_line = f"The fine-tuning finished before it could stop: {saved} was saved."
            return self.stop_line
        if outcome == "failed":
            self.stop_line = f"Fine-tuning stopped by an error: {self.error}"
        else:
            self.stage_label.setText("Cancelled: no checkpoint was written.")
            self.stop_line = "Fine-tuning stopped: no checkpoint was written."
        self.stopped.emit(self.stop_line)
        return self.stop_line

    def _ask_stop_question(self, question: str) -> bool:
        """Stop (True) or Keep training (False, also Escape). Tests patch it: a modal box hangs a test."""
        return ask(self, question, [("stop", "Stop", QMessageBox.ButtonRole.DestructiveRole),
                                    ("keep", "Keep training", QMessageBox.ButtonRole.RejectRole)],
                   default="keep", escape="keep") == "stop"

    def reject(self) -> None:
        if not self.ask_stop():
            return
        super().reject()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)  # the scroll area takes the difference; the buttons stay
        if not self.is_running():
            self.update_data()  # events coded while it was closed

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        # Enter in a field takes what it holds (a number box's value) and presses no button: Browse…, the first
        # button, was the dialog's default, so Enter after epochs typed opened a file dialog (h311); Start, a run of
        # minutes, is clicked. A button with the focus still takes Enter itself.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(self.focusWidget(), QPushButton):
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if not self.ask_stop():
            event.ignore()
            return
        super().closeEvent(event)

    # ------------------------------------------------------------------ slots
    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running and self._data_ok and not self._numbers_typed())
        self.cancel_button.setEnabled(running)
        for w in (self.checkpoint, self.browse_button, self.out, self.epochs, self.lr, self.min_per_class,
                  self.holdout, self.fraction, self.mix, self.fresh_split, self.class_map):
            w.setEnabled(not running)

    def _on_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        if self._stage == "inputs" and not self._cancelling:  # a sample takes seconds: say which one
            self.stage_label.setText(f"{STAGE_TEXT['inputs']} {done} of {total}")

    def _on_stage(self, name: str) -> None:
        self._stage = name
        text = STAGE_TEXT.get(name, name)
        if name == "training":  # counted in epochs, the spin box's (start() passes it); 0 until the first ends
            self._training_since = self._clock()
            n = self.epochs.value()
            self.bar.setRange(0, n)
            text = f"Training: epoch 1/{n}…"
        else:  # scoring and saving report no steps, and inputs count from their first progress: a busy bar, not
            self.bar.setRange(0, 0)  # the last stage's maximum standing at 0
        self.bar.setValue(0)
        if not self._cancelling:
            self.stage_label.setText(text)

    def _on_loss(self, epoch: int, epochs: int, loss: float) -> None:
        self._losses.append(loss)
        self.curve.setData(list(range(1, len(self._losses) + 1)), self._losses)
        text = f"Training: epoch {epoch}/{epochs}, loss {loss:.3f}"
        if self._training_since is not None and 0 < epoch < epochs:  # the epochs' mean time so far, times those left
            mean = (self._clock() - self._training_since) / epoch
            self._left = f"about {_duration(mean * (epochs - epoch))} left"
            text += f", {self._left}"
        if not self._cancelling:  # "Cancelling…" stays until the run stops
            self.stage_label.setText(text)

    def _on_done(self, res: Any) -> None:
        self.result = res
        self._fill_table(res)
        self._show_basis(res)
        self._show_events(res)
        saved = bool(getattr(res, "split_saved", False))
        record = getattr(res, "split", None)
        if not saved and record and self.project is not None:
            try:
                from merstudio.training.finetune_split import SPLIT_SETTING

                self.project.set_setting(SPLIT_SETTING, record)
                saved = True
            except (MerstudioError, OSError) as exc:
                log.warning("could not record the held-out split: %s", exc)
        note = getattr(res, "split_note", "")
        trained = trained_text(res)
        text = (f"{trained[:1].upper()}{trained[1:]}; {held_out_text(res)}."
                f"\nSaved {res.checkpoint}")
        n_left = int(getattr(res, "n_mix_held_out", 0) or 0)
        if n_left:
            text += (f"\n{n_left} mixed sample{'s' * (n_left != 1)} taken from the held-out videos (the same file, "
                     f"frame folder or clip) {'were' if n_left != 1 else 'was'} left out of training.")
        for line in (getattr(res, "samples_note", ""), fresh_text(getattr(res, "fresh", None))):
            if line:  # an expression coded twice counted once; the events coded since the lock, scored apart
                text += f"\n{line[:1].upper()}{line[1:]}."
        if note:
            text += f"\n⚠ {note}"
        repeated = int(getattr(res, "mix_images_repeated", 0) or 0)
        if repeated:
            text += f"\n⚠ {self._mix_images_text(repeated)}"
        if record and not saved:
            text += "\n⚠ The held-out split could not be recorded in the project: the next run may hold out others."
        self.summary.setText(text)
        warned = note or repeated or (record and not saved)
        self.summary.setStyleSheet(f"color: {on_window(self, WARN_COLOUR)};" if warned else "")
        self.split_label.setText(self._split_text())
        self.fresh_split.setChecked(False)
        self.stage_label.setText("Done.")
        self.bar.setRange(0, 1)  # full: the last stage (scoring the held-out events) reports no steps
        self.bar.setValue(1)
        self.rerun_button.setEnabled(True)
        self.show_model_in_use()
        self.finetuned.emit(str(res.checkpoint))

    def _mix_images_text(self, steps: int) -> str:
        """`merstudio finetune`'s warning that the mixed data holds single flow images, each repeated at every one
        of the model's `steps` time steps, worded as the CLI's (train and evaluate say it too), Mix with for --mix."""
        # the one wording (light: no torch, no Qt)
        from merstudio.cli.train import MIX_IMAGES_CONSEQUENCE, single_images_warning

        ckpt, mix = self._run_inputs
        line = single_images_warning(Path(ckpt).name or "the model", steps, f"Mix with {mix or 'the mixed data'}",
                                     MIX_IMAGES_CONSEQUENCE)
        return line.removeprefix("warning: ")  # the ⚠ says it; the line starts with the file's name, as written

    def _on_failed(self, message: str) -> None:
        self._show_error(message)

    def _on_cancelled(self) -> None:
        self.stage_label.setText("Cancelled: no checkpoint was written.")

    def _on_thread_finished(self) -> None:
        # the coding went on during the run (the window recounts only an idle dialog): recount, so the row and
        # Start tell the next run's refusal (a closed dialog recounts when shown again: its project may be gone)
        if self.isVisible():
            self.update_data()
            self.split_label.setText(self._split_text())
        if self.bar.maximum() == 0:  # a busy bar left by a stage that failed or was cancelled: stopped, empty
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
        self._set_running(False)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.stage_label.setText(f"Error: {message}")

    def _fill_table(self, res: Any) -> None:
        rows = metric_rows(res.before, res.after, res.class_names)  # the CLI's rows, unmeasured classes named
        self.table.setRowCount(len(rows))
        for r, (name, before, after) in enumerate(rows):
            for col, text in enumerate((name, _fmt(before), _fmt(after))):
                self.table.setItem(r, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self._fit_table()

    def _show_basis(self, res: Any) -> None:
        """What the before/after figures rest on, above the table, in the CLI's words
        (training.finetune_split.holdout_basis); in orange when they are no estimate (2 held-out samples of one
        class scored 1.000)."""
        basis = getattr(res, "basis", None) or {}
        text = basis.get("text", "")
        self.basis_label.setText(f"Held-out figures: {text}" if text else "")
        warn = bool(text) and not basis.get("estimate", True)
        self.basis_label.setStyleSheet(f"QLabel {{ color: {on_window(self, WARN_COLOUR)}; font-weight: bold; }}"
                                       if warn else "")
        self.basis_label.setVisible(bool(text))

    def _show_events(self, res: Any) -> None:
        """Under the figures: what they measure, then each held-out event's class before and after (the coded
        class marked ✓) and the 'none' windows counted, as `merstudio finetune` prints them."""
        from merstudio.training.finetune import events_rows, figures_scope, none_windows_text

        scope = figures_scope(float(getattr(res, "span_s", 0.2) or 0.2))
        self.scope_label.setVisible(True)  # first: a hidden WrappedLabel does not fit its height to the text
        self.scope_label.setText(f"What the figures measure: {scope}.")
        scored = getattr(res, "scored", None) or []
        rows = events_rows(scored)
        none = none_windows_text(scored)
        caption = "Each held-out event as read before and after (✓ the coded class)." if rows else ""
        self.events_label.setVisible(bool(rows or none))
        self.events_label.setText(" ".join(t for t in (caption, f"{none[:1].upper()}{none[1:]}." if none else "")
                                           if t))
        t = self.events_table
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for col, text in enumerate(row):
                t.setItem(r, col, QTableWidgetItem(text))
        t.resizeColumnsToContents()
        t.setVisible(bool(rows))
        self._fit_table(table=t)

    def _fit_table(self, most: int = 12, table: QTableWidget | None = None) -> None:
        """The results table (or `table`) as tall as its header and rows (up to `most` rows, then it scrolls): at a
        fixed 120 px the per-class rows under UF1/UAR/accuracy were scrolled out of sight."""
        t = table if table is not None else self.table
        t.resizeRowsToContents()
        rows = sum(t.rowHeight(r) for r in range(min(t.rowCount(), most)))
        header = t.horizontalHeader().height() if t.horizontalHeader().isVisible() else 0
        header = max(header, t.horizontalHeader().sizeHint().height())
        scroll = t.horizontalScrollBar().sizeHint().height() if t.horizontalScrollBar().isVisible() else 0
        t.setFixedHeight(header + rows + scroll + 2 * t.frameWidth())

    def _split_text(self) -> str:
        record = None
        if self.project is not None:
            from merstudio.training.finetune_split import SPLIT_SETTING

            try:
                record = self.project.get_setting(SPLIT_SETTING)
            except (MerstudioError, OSError):
                record = None
        if not isinstance(record, dict):
            return "not drawn yet: the first run draws it and the project keeps it for later runs"
        from merstudio.training.finetune_split import (
            held_and_fresh_text,
            named_groups,
            runs_best_text,
            scored_runs,
            unestimated_runs,
        )

        # the runs of every split that held out these events, spent ones included (a fresh draw of the same ones);
        # a run on too few held-out samples is no best run (split note's words)
        runs, best, _spent = scored_runs(record)
        names = _group_names(self.project, str(record.get("by")))
        best_text = runs_best_text(best, unestimated_runs(record), runs)
        locked = (f"locked: {record.get('by')} {named_groups(record.get('groups', []), names)} "
                  f"({runs} earlier run{'s' if runs != 1 else ''} scored on it"
                  + (f", {best_text.strip()[1:-1]}" if best_text else "") + ")")
        by = self.holdout.currentText() if hasattr(self, "holdout") else record.get("by")
        if by != record.get("by"):  # another grouping draws a new split; the locked one is kept as spent
            return f"{locked}; holding out by {by} draws a new split (away from those events where it can)"
        counts = self._lock_counts
        if counts is not None and counts[0] == by:  # the events coded since the lock are not among those it scores
            locked += f": {held_and_fresh_text(counts[1], counts[2])}"
        return locked

    def _rerun(self) -> None:
        if self.result is not None:
            self.rerunRequested.emit(str(self.result.checkpoint))
            self.show_model_in_use()

    def _use(self) -> None:
        if self.result is not None:
            self.useRequested.emit(str(self.result.checkpoint))
            self.show_model_in_use()

    def show_model_in_use(self, *_args: Any) -> None:
        """Say whether the next analyses use the new checkpoint (the app's model in use, or the one loading for
        them: a run asked for meanwhile waits for it); Use this model is offered while they do not."""
        if self.result is None:
            self.use_label.setText("")
            self.use_button.setEnabled(False)
            return
        new = Path(self.result.checkpoint)
        now = self._model_in_use() if self._model_in_use is not None else None
        if now is not None and _same_file(Path(now), new):
            self.use_label.setText(f"In use: the next analyses use {new.name}.")
            self.use_label.setStyleSheet("")
            self.use_button.setEnabled(False)
            return
        current = f"{Path(now).name}, the model loaded now" if now is not None else \
            ("the model each video was analysed with before, and no learned model for a video never analysed (no "
             "class confidence)")
        self.use_label.setText(f"⚠ {new.name} is not in use yet: the next analyses use {current}. Use this model "
                               "to analyse with it from now on, or Re-run predictions to also re-analyse this video "
                               "with it.")
        self.use_label.setStyleSheet(f"QLabel {{ color: {on_window(self, WARN_COLOUR)}; }}")
        self.use_button.setEnabled(True)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Checkpoint", self.checkpoint.text(), "Checkpoints (*.pt)")
        if path:
            self.checkpoint.setText(path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return a == b


def _group_names(project: Any, by: str) -> dict[str, str]:
    """The project's videos by file name (training.finetune_split.group_names); {} when it cannot be read now."""
    from merstudio.training.finetune_split import group_names

    try:
        return group_names(project, by)
    except (MerstudioError, OSError):
        return {}


def _read_meta(path: str) -> dict[str, Any]:
    """A checkpoint's metadata, read without torch where the file is plainly a checkpoint (the dialog is built on
    the GUI thread: importing torch for the class names froze the window ~2 s on its first open); else torch's
    reader, which says what is wrong (MerstudioError, OSError)."""
    from merstudio.model.checkpoint_meta import peek_checkpoint_meta

    meta = peek_checkpoint_meta(path, verify=True)  # a damaged part refused here, as before, not at Start
    if meta is not None:
        return meta
    from merstudio.model.checkpoint import read_checkpoint_meta

    return read_checkpoint_meta(path)


def _typo_hints(skipped: dict[str, int], classes: list[str], class_map: Any) -> str:
    """"'postive' looks like a typo of 'positive'" for each left-out emotion one edit or so from a name the model
    would use (its classes, the class map's labels) or from a left-out emotion coded more often; '' when none is.
    Matched as `merstudio train` and `datasets inspect` name a likely typo (datasets.classes.likely_typo, which
    compares names as classes do: class_key); a class is named as the model spells it."""
    from merstudio.datasets.classes import likely_typo

    names = {c.strip() for c in classes if c != NONE_CLASS}
    if class_map is not None:
        from merstudio.datasets.classes import class_map as resolve_map

        try:
            names |= {raw for table in resolve_map(class_map).mapping.values() for raw, c in table.items() if c}
        except (MerstudioError, OSError):
            pass  # the row already says why the map cannot be used
    hints = []
    for emotion in sorted(skipped, key=name_sort_key):  # as the 'left out' list names them
        n = skipped[emotion]
        if emotion == "(no emotion)":
            continue
        close = likely_typo(emotion, names | {k.strip() for k, m in skipped.items() if m > n})
        if close:
            hints.append(f"'{emotion}' looks like a typo of '{close}'")
    return "; ".join(hints)


def _duration(seconds: float) -> str:
    """'45 s', '1 min 20 s', '1 h 5 min': a time left, to the second under a minute, to 5 s under an hour."""
    s = max(1, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, s = divmod(5 * round(s / 5), 60)
        return f"{m} min {s} s" if s else f"{m} min"
    h, m = divmod(round(s / 60), 60)
    return f"{h} h {m} min" if m else f"{h} h"


def _fmt(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"
