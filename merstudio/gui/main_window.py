"""The main window: video view + transport on top, timeline below, events table and undo history docked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui.behaviours import Behaviours
from merstudio.gui.checkpoint_dialog import ModelNote
from merstudio.gui.coders import CoderView
from merstudio.gui.dialogs import DEFAULT_EMOTIONS
from merstudio.gui.events_table import EventsTable
from merstudio.gui.first_run import FirstRun
from merstudio.gui.playback import AudioControls, Playback, selection_range
from merstudio.gui.state import CurveBuffer, Marks, neighbour_event_frame, next_proposal, next_speed, timecode
from merstudio.gui.timeline import Timeline
from merstudio.gui.undo import (
    AddEventCommand,
    DeleteEventCommand,
    EditEventCommand,
    ImportEventsCommand,
    ProjectCommand,
    StepGuard,
    set_status,
)
from merstudio.gui.video_view import TransportSlider, VideoView
from merstudio.gui.workers import AnalysisWorker, FrameLoader, _default_analysis, _default_open
from merstudio.project import PROJECT_SUFFIX, Event, Project, ProjectInUse, Video
from merstudio.project.lock import HEARTBEAT_EVERY

log = logging.getLogger(__name__)
MAX_RECENT = 8
# seconds a write on the GUI thread waits for a lock another program holds, then fails with a message (the store's
# default, for the CLI, is longer; SQLite's was 30 s and froze the window)
GUI_BUSY_TIMEOUT = 0.5
PAGE_SECONDS = 10.0  # PageUp / PageDown step
LOADING_AFTER_MS = 80  # a frame not shown this long after its seek is marked as loading (not while playing)
# an action's shortcut: a key string ("Ctrl+R"), a sequence, a platform-standard key, or several key strings
_Keys = str | QKeySequence | QKeySequence.StandardKey | list[str]


class MainWindow(QMainWindow):
    def __init__(self, qsettings: QSettings | None = None, open_source: Callable[[str], Any] = _default_open,
                 make_analysis: Callable[[Any, Any], Any] = _default_analysis) -> None:
        super().__init__()
        self.setWindowTitle("merstudio")
        self.qsettings = qsettings or QSettings()
        self._open_source = open_source
        self._make_analysis = make_analysis
        self.ctx = C.CommandContext(self)
        self.project: Project | None = None
        self.video: Video | None = None
        self.source: Any = None
        self.loader: FrameLoader | None = None
        self.worker: AnalysisWorker | None = None
        self.buffer: CurveBuffer | None = None
        self.events: list[Event] = []
        self.selected_event_id: int | None = None
        self.current_frame = 0
        self.frame_count = 1
        self.fps = 30.0
        self.speed = 1.0
        self.marks = Marks()
        self.coder = str(self.qsettings.value("coder", "") or "")
        self.checkpoint: Path | None = None
        self.checkpoint_meta: Any = None
        self.device = "CPU"
        self.analysis_batch_seconds = 0.2  # how often streamed rows are stored and drawn
        self.errors: list[str] = []  # every message shown in an error dialog (tests read it)
        self.last_exports: list[Path] = []
        self._error_box: QMessageBox | None = None
        self._info_box: QMessageBox | None = None
        self.infos: list[str] = []  # every message shown in an information box (tests read it)
        self.last_import: Any = None  # the ImportPreview of the last import
        self.agreement_dialog: Any = None
        self.finetune_dialog: Any = None
        self.finetune_fn: Callable[..., Any] | None = None  # tests inject a fake fine-tuning

        self.undo_stack = QUndoStack(self)
        self.undo_guard = StepGuard(self.show_error, self)  # a failed undo/redo: one message, the stack kept in step
        # the play state (direction, speed, loop range, audio): merstudio.gui.playback; the window seeks where it says
        self.playback = Playback(lambda: self.current_frame, self)
        self._build_ui()
        self._build_actions()
        self._play_timer = self.playback.timer
        self.playback.frameDue.connect(self.seek)
        self.playback.stateChanged.connect(self._playback_changed)
        self.playback.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.playback.envelopeReady.connect(self.timeline.set_audio_envelope)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(200)  # redraw streamed curves at 5 Hz, not per batch
        self._refresh_timer.timeout.connect(self.timeline.refresh)
        # a seek whose frame has not arrived after this long shows "loading frame N…" over the dimmed old picture
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(LOADING_AFTER_MS)
        self._loading_timer.timeout.connect(self._show_loading)
        self._pushing = False
        self._undo_index = 0
        self.undo_stack.indexChanged.connect(self._undo_index_changed)
        self._heartbeat_timer = QTimer(self)  # tells a second opener this window still has the project
        self._heartbeat_timer.setInterval(int(HEARTBEAT_EVERY * 1000))
        self._heartbeat_timer.timeout.connect(self._heartbeat)
        geo = self.qsettings.value("geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 900)
        state = self.qsettings.value("windowState")
        if state is not None:
            self.restoreState(state)
        self._update_labels()

    # ================================================================== UI
    def _build_ui(self) -> None:
        self.video_view = VideoView(self)
        self.timeline = Timeline(self)
        self.timeline.seekRequested.connect(self.seek)
        self.timeline.eventClicked.connect(self._event_clicked)
        self.timeline.eventRangeEdited.connect(self._region_edited)
        self.timeline.selectionChanged.connect(self._selection_changed)

        transport = QWidget(self)
        row = QHBoxLayout(transport)
        row.setContentsMargins(4, 2, 4, 2)
        self.play_button = QPushButton("▶", transport)
        self.play_button.setFixedWidth(36)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = TransportSlider(Qt.Orientation.Horizontal, transport)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self._slider_moved)
        self.frame_label = QLabel(transport)
        self.frame_label.setMinimumWidth(330)
        self.face_combo = QComboBox(transport)
        self.face_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.face_combo.currentIndexChanged.connect(self._face_changed)
        self.au_button = QToolButton(transport)
        self.au_button.setText("AUs")
        self.au_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.au_menu = QMenu(self.au_button)
        self.au_button.setMenu(self.au_menu)
        self.au_menu.aboutToShow.connect(self._build_au_menu)
        for w in (self.play_button, self.slider, self.frame_label, QLabel("face"), self.face_combo, self.au_button):
            row.addWidget(w)
        row.setStretch(1, 1)
        self.audio_controls = AudioControls(self.playback, transport)  # mute + volume, shown when there is audio
        row.addWidget(self.audio_controls)

        top = QWidget(self)
        col = QVBoxLayout(top)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.video_view, 1)
        col.addWidget(transport)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.timeline)
        self.splitter.setSizes([480, 420])  # the timeline's six tracks get almost half the height
        self.setCentralWidget(self.splitter)

        self.table = EventsTable(self)
        self.table.clicked.connect(self._row_clicked)
        self.table.doubleClicked.connect(self._row_double_clicked)
        self.events_dock = self._dock("Events", self.table, Qt.DockWidgetArea.RightDockWidgetArea)
        self.table.setMinimumWidth(400)
        self.undo_view = QUndoView(self.undo_stack, self)
        self.undo_view.setEmptyLabel("<opened>")
        self.history_dock = self._dock("Undo history", self.undo_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self.video_list = QListWidget(self)
        self.video_list.itemActivated.connect(lambda it: self.select_video(it.data(Qt.ItemDataRole.UserRole)))
        self.videos_dock = self._dock("Videos", self.video_list, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.history_dock, self.videos_dock)
        self.history_dock.raise_()

        sb = self.statusBar()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.hide()
        self.device_label = QLabel(self)
        self.coder_label = QLabel(self)
        self.read_only_label = QLabel("read-only", self)
        self.read_only_label.setStyleSheet("QLabel { color: white; background: #b35900; padding: 0 6px; }")
        self.read_only_label.hide()
        sb.addPermanentWidget(self.read_only_label)
        sb.addPermanentWidget(self.progress_bar)
        sb.addPermanentWidget(self.coder_label)
        sb.addPermanentWidget(self.device_label)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))  # saveState needs names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu: QMenu, text: str, slot: Callable[[], Any], keys: _Keys | None = None,
                checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if keys is not None:
            if isinstance(keys, list):
                act.setShortcuts([QKeySequence(k) for k in keys])
            else:
                act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.setCheckable(checkable)
        def run(*_: Any) -> None:  # returns None: a slot returning a bool trips a refcount bug in PySide6
            slot()

        act.triggered.connect(run)
        menu.addAction(act)
        self.addAction(act)  # shortcuts work while the menu bar is hidden too
        return act

    def _build_actions(self) -> None:
        mb = self.menuBar()
        x = self.ctx.execute
        f = mb.addMenu("&File")
        self._action(f, "&New project…", lambda: x(C.NewProject), QKeySequence.StandardKey.New)
        self._action(f, "&Open project…", lambda: x(C.OpenProject), QKeySequence.StandardKey.Open)
        self._action(f, "Open &video…", lambda: x(C.OpenVideo), "Ctrl+Shift+O")
        self.recent_menu = f.addMenu("Recent projects")
        self.recent_menu.aboutToShow.connect(self._build_recent_menu)
        self._action(f, "&Save (and back up)", lambda: x(C.SaveProject), QKeySequence.StandardKey.Save)
        exp = f.addMenu("&Export")
        for kind, (title, _f, _d) in C.EXPORTS.items():
            self._action(exp, f"{title}…", partial(x, C.Export, kind=kind))
        f.addSeparator()
        self._action(f, "&Import events… (ELAN, BORIS, CSV)", lambda: x(C.ImportEvents), "Ctrl+I")
        self._action(f, "E&xport events… (ELAN, BORIS, CSV)", lambda: x(C.ExportEvents), "Ctrl+Shift+E")
        self._action(f, "Import Open&Face CSV…", lambda: x(C.ImportOpenFace))
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for act in (undo, redo):
            e.addAction(act)
            self.addAction(act)
        e.addSeparator()
        self._action(e, "New event from selection / marks", lambda: x(C.NewEvent), "C")
        self._action(e, "Edit event…", lambda: x(C.EditEvent), ["Return", "E"])
        self._action(e, "Delete event", lambda: x(C.DeleteEvent), ["Delete", "Backspace"])
        self._action(e, "Clear marks and selection", self.clear_marks, "Esc")
        e.addSeparator()
        self._action(e, "Set coder…", lambda: x(C.SetCoder))

        c = mb.addMenu("&Coding")
        self._action(c, "Mark onset", lambda: x(C.MarkPoint, which="onset"), "I")
        self._action(c, "Mark apex", lambda: x(C.MarkPoint, which="apex"), "A")
        self._action(c, "Mark offset (makes the event)", lambda: x(C.MarkPoint, which="offset"), "O")
        c.addSeparator()
        self._action(c, "Accept proposal", lambda: x(C.SetProposalStatus, status="accepted"), "Y")
        self._action(c, "Reject proposal", lambda: x(C.SetProposalStatus, status="rejected"), "X")
        self._action(c, "Next proposal", lambda: x(C.NextProposal), "N")
        c.addSeparator()
        self._action(c, "A&greement report…", lambda: x(C.ShowAgreement))

        p = mb.addMenu("&Playback")
        self._action(p, "Play / pause", self.toggle_play, "Space")
        self._action(p, "Play backwards / pause", lambda: self.playback.toggle(-1), "Shift+J")
        self._action(p, "Play selection (event, selection or I..O marks)", self.play_selection, "Shift+Space")
        self.loop_action = self._action(p, "Loop playback", lambda: self.playback.set_loop(
            self.loop_action.isChecked()), "Ctrl+L", checkable=True)
        self.mute_action = self._action(p, "Mute audio", lambda: self.playback.set_muted(
            self.mute_action.isChecked()), "Ctrl+M", checkable=True)
        self.audio_controls.set_mute_action(self.mute_action)
        self._action(p, "Volume up", lambda: self.audio_controls.step_volume(+10), "Ctrl+Up")
        self._action(p, "Volume down", lambda: self.audio_controls.step_volume(-10), "Ctrl+Down")
        self._action(p, "Next frame", lambda: self.step(1), "Right")
        self._action(p, "Previous frame", lambda: self.step(-1), "Left")
        self._action(p, "Forward 10 frames", lambda: self.step(10), "Shift+Right")
        self._action(p, "Back 10 frames", lambda: self.step(-10), "Shift+Left")
        self._action(p, "Slower (J)", lambda: self.set_speed(next_speed(self.speed, -1)), "J")
        self._action(p, "Pause (K)", self.pause, "K")
        self._action(p, "Faster / play (L)", self.faster, "L")
        self._action(p, "First frame", lambda: self.go_to(0), "Home")
        self._action(p, "Last frame", lambda: self.go_to(self.frame_count - 1), "End")
        self._action(p, "Forward 1 second", lambda: self.step_seconds(1.0), "Alt+Right")
        self._action(p, "Back 1 second", lambda: self.step_seconds(-1.0), "Alt+Left")
        self._action(p, "Forward a page (10 s)", lambda: self.step_seconds(PAGE_SECONDS), "PgDown")
        self._action(p, "Back a page (10 s)", lambda: self.step_seconds(-PAGE_SECONDS), "PgUp")
        self._action(p, "Next event", lambda: self.goto_event(+1), ".")
        self._action(p, "Previous event", lambda: self.goto_event(-1), ",")
        self._action(p, "Go to frame or time…", lambda: x(C.GoToFrame), "Ctrl+G")
        p.addSeparator()
        self._action(p, "Selected event: onset 1 frame earlier", lambda: self.nudge_boundary("onset", -1), "[")
        self._action(p, "Selected event: onset 1 frame later", lambda: self.nudge_boundary("onset", +1), "]")
        self._action(p, "Selected event: offset 1 frame earlier", lambda: self.nudge_boundary("offset", -1), "Alt+[")
        self._action(p, "Selected event: offset 1 frame later", lambda: self.nudge_boundary("offset", +1), "Alt+]")
        self._action(p, "Selected event: onset to the play head", lambda: self.snap_boundary("onset"), "Shift+I")
        self._action(p, "Selected event: offset to the play head", lambda: self.snap_boundary("offset"), "Shift+O")

        a = mb.addMenu("&Analysis")
        self._action(a, "&Run analysis", lambda: x(C.RunAnalysis), "Ctrl+R")
        self._action(a, "&Cancel analysis", lambda: x(C.CancelAnalysis), "Ctrl+.")
        self._action(a, "Load &checkpoint…", lambda: x(C.LoadCheckpoint))
        a.addSeparator()
        self._action(a, "&Fine-tune on corrections…", lambda: x(C.FineTune))

        v = mb.addMenu("&View")
        self.overlay_action = self._action(v, "Face overlay", self._toggle_overlay, "F", checkable=True)
        self.overlay_action.setChecked(True)
        self.heatmap_action = self._action(v, "AU heat map", lambda: self.timeline.set_heatmap_visible(
            self.heatmap_action.isChecked()), "H", checkable=True)
        self.heatmap_action.setChecked(True)
        self.motion_action = self._action(v, "Micro-motion lane", lambda: self.timeline.set_motion_visible(
            self.motion_action.isChecked()), "M", checkable=True)
        self.motion_action.setChecked(True)
        self.motion_by_au_action = self._action(v, "Micro-motion by AU (directed)", lambda: self.timeline.set_motion_by_au(
            self.motion_by_au_action.isChecked()), "Shift+M", checkable=True)
        self.coder_view_action = self._action(v, "Events by coder", lambda: self.set_coder_view(
            self.coder_view_action.isChecked()), "Shift+C", checkable=True)
        self.overlay_menu = v.addMenu("Overlay curves (dashed)")
        self.overlay_menu.aboutToShow.connect(self._build_overlay_menu)
        self._action(v, "Fit video", self.video_view.fit, "Ctrl+0")
        self._action(v, "Zoom video in", lambda: self.video_view.zoom(1.25), "Ctrl+=")
        self._action(v, "Zoom video out", lambda: self.video_view.zoom(0.8), "Ctrl+-")
        self._action(v, "Zoom timeline in", lambda: self.timeline.zoom_x(0.5, self.current_frame), ["=", "+"])
        self._action(v, "Zoom timeline out", lambda: self.timeline.zoom_x(2.0, self.current_frame), "-")
        self._action(v, "Pan timeline left", lambda: self.timeline.pan_x(-0.25), "Ctrl+Left")
        self._action(v, "Pan timeline right", lambda: self.timeline.pan_x(0.25), "Ctrl+Right")
        v.addSeparator()
        for d in (self.events_dock, self.history_dock, self.videos_dock):
            v.addAction(d.toggleViewAction())
        self.first_run = FirstRun(self)  # toolbar, empty state, "what next" hint (gui/first_run.py)
        self.coders_view = CoderView(self)  # coders shown, blind coding, coder lanes (gui/coders.py)
        self.behaviours = Behaviours(self)  # the project's own behaviours and keys (gui/behaviours.py)
        self.model_note = ModelNote(self)  # what the drawn model was trained on (gui/checkpoint_dialog.py)
        self.first_run.followers += [self.coders_view.update, self.behaviours.update, self.model_note.update]

    # ================================================================== errors and status
    def show_error(self, message: str) -> None:
        """A window-modal message box that does not block the caller (the app keeps running)."""
        log.warning("%s", message)
        self.errors.append(message)
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "merstudio", message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._error_box = box

    def show_info(self, message: str) -> None:
        """A non-blocking information box (import reports)."""
        log.info("%s", message)
        self.infos.append(message)
        if self._info_box is not None:
            self._info_box.close()
        box = QMessageBox(QMessageBox.Icon.Information, "merstudio", message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._info_box = box

    def _update_labels(self) -> None:
        n = self.frame_count
        speed = f"{self.speed:g}×"
        self.frame_label.setText(f"frame {self.current_frame} / {max(0, n - 1)}   {timecode(self.current_frame, self.fps)}"
                                 f"   {speed}  {self.playback.state_text()}")
        self.coder_label.setText(f"coder: {self.coder or '(not set)'}")
        self.device_label.setText(f"analysis on {self.device}")
        title = "merstudio"
        if self.project is not None:
            ro = " [read-only]" if self.project.read_only else ""
            title = f"{self.project.path.name}{ro} — {title}"
            self.read_only_label.setToolTip(self.project.read_only_reason)
        self.read_only_label.setVisible(self.project is not None and self.project.read_only)
        if self.video is not None:
            title = f"{self.video.name} — {title}"
        self.setWindowTitle(title)
        if hasattr(self, "first_run"):
            self.first_run.update()

    # ================================================================== projects and videos
    def require_video(self) -> Video:
        if self.video is None or self.project is None:
            raise InputError("no video is open: open a video or a project first")
        return self.video

    def require_writable(self) -> Project:
        """The open project, or InputError (a dialog) when there is none or it is read-only."""
        if self.project is None:
            raise InputError("no project is open: open a video or a project first")
        if self.project.read_only:
            raise InputError(f"{self.project.path.name} is open read-only ({self.project.read_only_reason}): "
                             "changes are not saved")
        return self.project

    def create_project(self, path: Path) -> None:
        # ProjectInUse (someone has that file open) -> dialog, current project untouched
        proj = Project.create(path, overwrite=True, busy_timeout=GUI_BUSY_TIMEOUT)
        self._set_project(proj)

    def open_project(self, path: Path, read_only: bool | None = None, select: bool = True) -> bool:
        """Open a project; False when the user declined. In use by another window or program: ``read_only`` None
        asks whether to open it read-only, True opens it read-only, False refuses (ProjectInUse). Anything wrong
        with the file (missing, damaged, missing tables, newer) is an InputError before the current project is
        touched."""
        if read_only:
            proj = Project.open(path, read_only=True, busy_timeout=GUI_BUSY_TIMEOUT)
        else:
            try:
                proj = Project.open(path, in_use="raise", busy_timeout=GUI_BUSY_TIMEOUT)
            except ProjectInUse as exc:
                if read_only is False:
                    raise
                who = f"in use by merstudio ({exc.owner.describe()})" if exc.owner else "in use by another program"
                question = (f"{Path(path).name} is {who}: two writers would overwrite each other's edits.\n\n"
                            "Open it read-only? You can look at it and export from it; edits are refused.")
                if not self.ask_read_only(question):
                    return False
                proj = Project.open(path, read_only=True, busy_timeout=GUI_BUSY_TIMEOUT)
                proj.read_only_reason = who
        try:
            vids = proj.videos()
        except Exception as exc:  # a file the checks let through but that cannot be read: keep the current one
            proj.close()
            raise InputError(f"{proj.path}: cannot be read ({exc})") from None
        self._set_project(proj)
        if proj.read_only:
            self.show_info(f"{proj.path.name} is open read-only ({proj.read_only_reason}): you can look at it and "
                           "export from it, but edits are refused.")
        if vids and select:
            self.select_video(vids[0].id)
        return True

    def ask_read_only(self, question: str) -> bool:
        """The project is open elsewhere: ask whether to open it read-only (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "merstudio", question,
                          QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, self)
        open_ro = box.button(QMessageBox.StandardButton.Open)
        open_ro.setText("Open read-only")
        box.exec()
        return box.clickedButton() is open_ro

    def _set_project(self, proj: Project) -> None:
        self._close_project()
        self.project = proj
        if self.coder:
            proj.coder = self.coder
            if not proj.read_only:
                proj.add_coder(self.coder)
        if not proj.read_only:
            self._heartbeat_timer.start()
        self._add_recent(proj.path)
        self._refresh_video_list()
        self._update_labels()

    def _heartbeat(self) -> None:
        if self.project is not None:
            self.project.heartbeat()

    def _close_project(self) -> None:
        if hasattr(self, "_heartbeat_timer"):
            self._heartbeat_timer.stop()
        self.pause()
        self._stop_worker()
        self._stop_loader()
        self.playback.set_video(1, self.fps, None)  # no audio: the waveform lane and the sound go with the video
        self.undo_stack.clear()
        for name in ("agreement_dialog", "finetune_dialog"):
            dlg = getattr(self, name, None)
            if dlg is not None:
                if hasattr(dlg, "shutdown"):
                    dlg.shutdown()
                dlg.close()
                dlg.deleteLater()
                setattr(self, name, None)
        if self.project is not None:
            self.project.close()
        self.project, self.video, self.buffer, self.events = None, None, None, []
        self._reset_video_views()

    def default_project_path(self, video_path: Path) -> Path:
        """A project beside the video; in the app's data folder when that is not writable or is the bundled demo."""
        beside = video_path.with_suffix(PROJECT_SUFFIX)
        from merstudio.resources import resources_dir

        in_resources = resources_dir().resolve() in video_path.resolve().parents
        import os

        if not in_resources and os.access(video_path.parent, os.W_OK):
            return beside
        data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        return data / "projects" / beside.name

    def open_media(self, path: str | Path) -> Any:
        """A FrameSource for a video file or image folder (InputError on bad input)."""
        return self._open_source(str(path))

    def open_video(self, path: Path, project: str | None = None) -> None:
        """Open a video. With no project open, the project beside it is opened (created when there is none). With
        a project open that does not have this video while the video has its own project beside it (its earlier
        coding), ``project`` says which to use: "beside" opens that project, "current" adds the video to the open
        one; None asks."""
        source = self._open_source(str(path))  # InputError -> dialog before anything changes
        try:
            beside = self.default_project_path(Path(path))
            if (self.project is not None and beside.exists() and not _same_file(beside, self.project.path)
                    and not self._has_video(self.project, source)):
                choice = project or self.ask_project_beside(Path(path).name, beside)
                if choice not in ("beside", "current"):
                    _close(source)
                    return
                if choice == "beside" and not self.open_project(beside, select=False):
                    _close(source)  # the user chose not to open the project in use elsewhere
                    return
            if self.project is None:
                proj_path = self.default_project_path(Path(path))
                if proj_path.exists():
                    if not self.open_project(proj_path, select=False):
                        _close(source)  # the user chose not to open the project in use elsewhere
                        return
                else:
                    self.create_project(proj_path)
            assert self.project is not None
            video = self.project.add_source(source)
        except BaseException:
            _close(source)
            raise
        self._refresh_video_list()
        self.select_video(video.id, source=source)

    @staticmethod
    def _has_video(proj: Project, source: Any) -> bool:
        """Whether the project already has this video (same file, or the same content somewhere else)."""
        p = Path(source.path)
        if any(_same_file(p, Path(v.path)) for v in proj.videos()):
            return True
        if not p.is_file():
            return False
        from merstudio.project.store import content_hash

        digest, size = content_hash(p)
        return any(v.hash == digest and v.size == size for v in proj.videos())

    def ask_project_beside(self, video_name: str, beside: Path) -> str | None:
        """The video has a project of its own beside it: open that one ("beside"), add the video to the open
        project ("current"), or cancel (None). Tests replace this."""
        assert self.project is not None
        box = QMessageBox(QMessageBox.Icon.Question, "merstudio",
                          f"{video_name} has its own project, {beside.name}, beside it (its earlier coding is "
                          f"there).\n\nOpen {beside.name}, or add the video to {self.project.path.name}?",
                          QMessageBox.StandardButton.Cancel, self)
        own = box.addButton(f"Open {beside.name}", QMessageBox.ButtonRole.AcceptRole)
        add = box.addButton(f"Add to {self.project.path.name}", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(own)
        box.exec()
        clicked = box.clickedButton()
        return "beside" if clicked is own else "current" if clicked is add else None

    def _reset_video_views(self) -> None:
        """The one path every video switch (and project close) goes through: everything drawn for the previous
        video goes (AU curves, heat map, motion lane, class curves, overlays, events, selection, marks, face
        overlay, status message) before the next video's state is loaded."""
        self.statusBar().clearMessage()
        self.marks.clear()
        self.timeline.clear_selection()
        self.selected_event_id = None
        self.buffer = None
        self.timeline.set_buffer(None)  # removes every curve, the heat map and the motion lane
        self.timeline.set_overlays({})
        self.timeline.set_events([])
        self.table.model_.set_events([], self.fps)
        self.video_view.set_faces({})
        self.video_view.frame_index = -1  # the old video's picture is not this video's frame (shown as loading)
        self._fill_faces()

    def select_video(self, video_id: int, source: Any = None) -> None:
        assert self.project is not None
        video = self.project.video(video_id)
        if source is None:
            where = self.project.locate_video(video_id)
            if where is None:
                self.show_error(f"{video.path}: video not found (moved or deleted); please locate it")
                self.ctx.execute(C.LocateVideo, video_id=video_id, name=video.name)
                return
            source = self._open_source(str(where))
            video = self.project.video(video_id)
        self.pause()
        self._stop_loader()
        self._reset_video_views()
        self.video, self.source = video, source
        self.frame_count, self.fps = max(1, int(source.frame_count)), float(source.fps or 30.0)
        self.loader = FrameLoader(source, self)
        self.loader.frameReady.connect(self._frame_ready)
        self.loader.failed.connect(self._frame_failed)
        self.loader.start()
        self.playback.set_video(self.frame_count, self.fps, getattr(source, "path", None))  # audio, waveform
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.frame_count - 1)
        self.slider.blockSignals(False)
        self.timeline.set_video(self.frame_count, self.fps)
        # what is stored (a running analysis stores each batch before sending it, so its rows are there too)
        self.buffer = CurveBuffer.from_frame(self.project.load_frames(video_id), self.frame_count)
        self._buffer_changed()
        self.reload_overlays()
        self.reload_events()
        for i in range(self.video_list.count()):
            it = self.video_list.item(i)
            it.setSelected(it.data(Qt.ItemDataRole.UserRole) == video_id)
        self.current_frame = -1
        self.seek(0)
        a = self.project.analysis(video_id)
        if a is not None:
            self.statusBar().showMessage(f"{video.name}: stored analysis ({a.status}, {a.device or 'cpu'})", 5000)
        notes = list(getattr(source, "warnings", None) or [])  # e.g. the file claims more frames than decode
        if notes:
            self.statusBar().showMessage(notes[0] if len(notes) == 1 else f"{notes[0]} (+{len(notes) - 1} more)",
                                         15000)
        self._update_labels()

    def _refresh_video_list(self) -> None:
        self.video_list.clear()
        if self.project is None:
            return
        for v in self.project.videos():
            it = QListWidgetItem(f"{v.name}  ({v.frame_count} frames, {v.fps:g} fps)")
            it.setData(Qt.ItemDataRole.UserRole, v.id)
            it.setToolTip(v.path)
            self.video_list.addItem(it)

    def _add_recent(self, path: Path) -> None:
        recent = [str(path.resolve())] + [p for p in self.recent_projects() if p != str(path.resolve())]
        self.qsettings.setValue("recentProjects", recent[:MAX_RECENT])

    def recent_projects(self) -> list[str]:
        v = self.qsettings.value("recentProjects", [])
        if isinstance(v, str):  # QSettings gives a single-entry list back as a plain string
            return [v]
        return [str(p) for p in v] if isinstance(v, (list, tuple)) else []

    def _build_recent_menu(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_projects():
            act = self.recent_menu.addAction(p)
            act.triggered.connect(lambda *_, p=p: None if self.ctx.execute(C.OpenProject, path=p) else None)
        if not self.recent_projects():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ================================================================== frames and transport
    def seek(self, frame: int) -> None:
        frame = int(min(max(frame, 0), self.frame_count - 1))
        if frame == self.current_frame:
            return
        self.current_frame = frame
        if self.loader is not None:
            self.loader.request(frame)
            self._loading_timer.start()
        self.timeline.set_playhead(frame)
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self._update_labels()

    def step(self, n: int) -> None:
        self.pause()
        self.seek(self.current_frame + n)

    def go_to(self, frame: int) -> None:
        """Stop playback and put the play head on ``frame`` (clamped to the video)."""
        self.pause()
        self.seek(frame)

    def step_seconds(self, seconds: float) -> None:
        """Step the play head by ``seconds`` (rounded to whole frames, at least one)."""
        n = int(round(seconds * self.fps))
        self.step(n if n else (1 if seconds > 0 else -1))

    def goto_event(self, direction: int) -> None:
        """Select the next (direction > 0) or previous event of any kind (coded or proposal) and seek to its onset."""
        ev = neighbour_event_frame(self.events, self.current_frame, direction)
        if ev is None:
            self.statusBar().showMessage("No next event" if direction > 0 else "No previous event", 3000)
            return
        self.select_event(ev.id, seek=True)

    def _selected_event(self) -> Event | None:
        ev = next((e for e in self.events if e.id == self.selected_event_id), None)
        if ev is None:
            self.statusBar().showMessage("Select an event first", 3000)
        return ev

    def nudge_boundary(self, which: str, n: int) -> None:
        """Move the selected event's onset or offset by ``n`` frames (undoable; never past the other boundary)."""
        ev = self._selected_event()
        if ev is None or ev.id is None:
            return
        if which == "onset":
            self._apply_region(ev.id, min(ev.onset + n, ev.offset), ev.offset)
        else:
            self._apply_region(ev.id, ev.onset, max(ev.offset + n, ev.onset))

    def snap_boundary(self, which: str) -> None:
        """Put the selected event's onset or offset on the play head (undoable; refused where it would cross the
        other boundary)."""
        ev = self._selected_event()
        if ev is None or ev.id is None:
            return
        f = self.current_frame
        if (which == "onset" and f > ev.offset) or (which == "offset" and f < ev.onset):
            where = "after the offset" if which == "onset" else "before the onset"
            self.statusBar().showMessage(f"The play head is {where}: not moved", 4000)
            return
        if which == "onset":
            self._apply_region(ev.id, f, ev.offset)
        else:
            self._apply_region(ev.id, ev.onset, f)

    def _slider_moved(self, value: int) -> None:
        self.seek(value)

    def _show_loading(self) -> None:
        """The seeked frame has not arrived yet: say so over the old picture (not while playing: the picture
        follows a moving play head as fast as frames decode, and dimming it every tick would flicker)."""
        if self.loader is not None and not self._play_timer.isActive() and \
                self.video_view.frame_index != self.current_frame:
            self.video_view.set_loading(self.current_frame)

    def _frame_failed(self, index: int, message: str) -> None:
        if index == self.current_frame:
            self.video_view.set_loading(None)
        self.statusBar().showMessage(message, 5000)

    def _frame_ready(self, index: int, rgb: Any) -> None:
        self.video_view.set_frame(index, rgb)  # clears the loading label when it is the frame asked for
        if self.overlay_action.isChecked() and self.project is not None and self.video is not None:
            self.video_view.set_faces(self.project.landmarks(self.video.id, index))

    def _toggle_overlay(self) -> None:
        self.video_view.set_overlay_visible(self.overlay_action.isChecked())
        if self.overlay_action.isChecked() and self.loader is not None:
            self.loader.request(self.current_frame)

    def toggle_play(self) -> None:
        if self._play_timer.isActive():
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.video is not None:
            self.playback.play(+1)  # from the play head; at the last frame it starts over

    def pause(self) -> None:
        if hasattr(self, "playback"):
            self.playback.pause()

    def faster(self) -> None:
        if self._play_timer.isActive():
            self.set_speed(next_speed(self.speed, +1))
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self.playback.set_speed(speed)
        self._update_labels()

    def play_selection(self) -> None:
        """Play the selected event (else the timeline's selection, else the I..O marks): once, or looped (Ctrl+L)."""
        rng = selection_range(self.events, self.selected_event_id, self.timeline.selection, self.marks.onset,
                              self.marks.offset)
        if self.video is None or rng is None:
            self.statusBar().showMessage("Select an event, drag a selection or mark I and O first", 4000)
            return
        self.playback.play(+1, rng)

    def _playback_changed(self) -> None:
        self.play_button.setText("⏸" if self.playback.playing else "▶")
        if not self.playback.playing:
            self._loading_timer.start()  # paused on a frame still decoding: show it is loading
        self._update_labels()

    # ================================================================== analysis
    def rerun_question(self) -> str | None:
        """The question asked before re-running the analysis of a video with coded events or reviewed proposals
        (None: nothing to lose, run without asking)."""
        if self.project is None or self.video is None or self.project.read_only or self.worker is not None:
            return None  # refused anyway, with its own message
        evs = self.project.events(self.video.id)
        coded = sum(1 for e in evs if e.source != "model")
        reviewed = sum(1 for e in evs if e.source == "model" and e.status != "proposal")
        if not coded and not reviewed:
            return None
        what = " and ".join(t for t in (f"{coded} coded event{'s' * (coded != 1)}" if coded else "",
                                        f"{reviewed} reviewed proposal{'s' * (reviewed != 1)}" if reviewed else "")
                            if t)
        return (f"{self.video.name} has {what}. Re-run the analysis?\n\n"
                "Coded events are kept; new proposals on the interval of a reviewed one are dropped (the decision "
                "stands); the current model predictions are kept as a dashed overlay. The stored per-frame results "
                "are replaced (this cannot be undone).")

    def confirm(self, question: str) -> bool:
        """A yes/cancel question (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "merstudio", question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def previous_checkpoint(self) -> Path | None:
        """The checkpoint the current video's stored analysis used, when it is still there."""
        if self.project is None or self.video is None:
            return None
        a = self.project.analysis(self.video.id)
        if a is None or not a.model:
            return None
        p = Path(a.model)
        return p if p.is_file() else None

    def start_analysis(self, settings: Any = None, keep_previous: bool = True) -> None:
        """Run the analysis of the current video. A re-run keeps the previous predictions as an overlay
        (``keep_previous``), uses the loaded checkpoint or else the one the previous run used, and clears the old
        curves before the new ones stream in; the worker keeps coded events and reviewed proposals."""
        video = self.require_video()
        self.require_writable()  # the results are stored in the project
        assert self.project is not None
        if self.worker is not None:
            raise InputError("analysis: already running (cancel it first)")
        note = ""
        if settings is None:
            from merstudio.analysis.pipeline import AnalysisSettings

            ckpt = self.checkpoint
            if ckpt is None:
                ckpt = self.previous_checkpoint()
                if ckpt is not None:
                    note = f"with {ckpt.name}, the checkpoint used before"
            settings = AnalysisSettings(landmarks=True, checkpoint=ckpt)
        path = self.project.locate_video(video.id)
        if path is None:
            raise InputError(f"{video.path}: video not found (moved or deleted)")
        kept = self.keep_predictions() if keep_previous and self.project.analysis(video.id) is not None else None
        if kept is not None:
            self.reload_overlays()
            self.timeline.set_overlay_visible(kept, True)
        self.buffer = CurveBuffer(self.frame_count)
        self.timeline.set_buffer(None)  # the previous run's curves (class curves too) go before the new ones grow
        self._buffer_changed()
        w = AnalysisWorker(self.project, video.id, str(path), settings, make_analysis=self._make_analysis,
                           open_source=self._open_source, batch_seconds=self.analysis_batch_seconds, parent=self)
        w.started_on.connect(self._analysis_device)
        w.progress.connect(self._analysis_progress)
        w.rows.connect(self._analysis_rows)
        w.finished_ok.connect(self._analysis_done)
        w.errored.connect(self._analysis_failed)
        self.worker = w
        self.progress_bar.setRange(0, self.frame_count)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("analysis %p%")
        self.progress_bar.show()
        self._refresh_timer.start()
        w.start()
        if note or kept:
            self.statusBar().showMessage("Re-running" + (f" {note}" if note else "") +
                                         (f"; previous predictions kept as {kept!r} (dashed)" if kept else ""), 8000)

    def cancel_analysis(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _analysis_device(self, device: str) -> None:
        self.device = "CUDA" if device.startswith("cuda") else "CPU"
        self._update_labels()

    def _analysis_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)

    def _analysis_rows(self, rows: list) -> None:
        w = self.worker
        if w is not None and self.video is not None and w.video_id == self.video.id and self.buffer is not None:
            self.buffer.add_rows(rows)
            if self.face_combo.count() != len(self.buffer.faces):
                self._fill_faces()

    def _analysis_done(self, status: str) -> None:
        vid = self.worker.video_id if self.worker else None
        self._stop_worker()
        if self.video is not None and vid == self.video.id and self.project is not None:
            self.buffer = CurveBuffer.from_frame(self.project.load_frames(vid), self.frame_count)
            self._buffer_changed()
            self.reload_events()
            if self.loader is not None:
                self.loader.request(self.current_frame)  # the overlay for this frame exists now
        n = len([e for e in self.events if e.status == "proposal"])
        self.statusBar().showMessage(f"Analysis {status}: {n} proposals to review (N next, Y accept, X reject)",
                                     8000)

    def _analysis_failed(self, message: str) -> None:
        self._stop_worker()
        self.show_error(message)

    def _stop_worker(self) -> None:
        if not hasattr(self, "_refresh_timer"):
            return
        self._refresh_timer.stop()
        w, self.worker = self.worker, None
        if w is not None:
            w.cancel()
            w.wait()
            w.deleteLater()
        self.progress_bar.hide()
        self.timeline.refresh()

    def _stop_loader(self) -> None:
        if self.loader is not None:
            self.loader.stop()
            self.loader.deleteLater()
            self.loader = None
            self.source = None

    def set_checkpoint(self, path: Path, meta: Any) -> None:
        self.checkpoint, self.checkpoint_meta = path, meta
        self.statusBar().showMessage(f"Checkpoint {path.name} loaded: run the analysis to use it", 6000)

    def emotion_names(self) -> tuple[str, ...]:
        names: list[str] = []
        meta = self.checkpoint_meta
        classes = (meta.get("class_names") or meta.get("classes")) if isinstance(meta, dict) else \
            getattr(meta, "class_names", None)
        if classes:
            names += list(classes)
        if self.buffer is not None:
            names += [c[2:] for c in self.buffer.class_columns()]
        return tuple(dict.fromkeys(names + list(DEFAULT_EMOTIONS)))

    # ================================================================== curves
    def _buffer_changed(self) -> None:
        self._fill_faces()
        vis = self.project.get_setting("visible_aus") if self.project is not None else None
        self.timeline.visible_aus = vis
        if hasattr(self, "first_run"):
            self.first_run.update()  # before drawing: blind coding hides the model's curves (gui/coders.py)
        self.timeline.set_buffer(self.buffer, self._selected_face())

    def _fill_faces(self) -> None:
        self.face_combo.blockSignals(True)
        cur = self.face_combo.currentData()
        self.face_combo.clear()
        faces = self.buffer.face_ids() if self.buffer is not None else []
        for f in faces:
            self.face_combo.addItem(str(f), f)
        main = self.buffer.main_face() if self.buffer is not None else None
        pick = cur if cur in faces else main
        if pick is not None:
            self.face_combo.setCurrentIndex(faces.index(pick))
        self.face_combo.blockSignals(False)
        if self.buffer is not None and self.timeline.face is None and pick is not None:
            self.timeline.face = pick

    def _selected_face(self) -> int | None:
        return self.face_combo.currentData()

    def _face_changed(self, _i: int) -> None:
        self.timeline.set_buffer(self.buffer, self._selected_face())

    def _build_au_menu(self) -> None:
        self.au_menu.clear()
        cols = self.buffer.au_columns("_r") if self.buffer is not None else []
        shown = set(cols if self.timeline.visible_aus is None else self.timeline.visible_aus)
        for c in cols:
            act = self.au_menu.addAction(c[:-2])
            act.setCheckable(True)
            act.setChecked(c in shown)
            act.toggled.connect(lambda on, c=c: self.set_au_visible(c, on))
        if not cols:
            self.au_menu.addAction("(run the analysis first)").setEnabled(False)

    def set_au_visible(self, col: str, on: bool) -> None:
        cols = self.buffer.au_columns("_r") if self.buffer is not None else []
        shown = list(cols if self.timeline.visible_aus is None else self.timeline.visible_aus)
        shown = [c for c in cols if (c in shown and c != col) or (c == col and on)]
        self.timeline.set_visible_aus(shown)
        if self.project is not None and not self.project.read_only:
            self.project.set_setting("visible_aus", shown)

    def activity(self) -> Any:
        if self.buffer is None or self.timeline.face is None:
            return None
        return self.buffer.activity(self.timeline.face)

    # ================================================================== events
    def reload_events(self) -> None:
        self.events = self.coders_view.filter(self.project.events(self.video.id) if self.project and self.video
                                              else [])  # hidden coders, blind coding
        ids = {e.id for e in self.events}
        if self.selected_event_id not in ids:
            self.selected_event_id = None
        self.timeline.set_events(self.events, self.selected_event_id)
        self.table.model_.set_events(self.events, self.fps)
        self.table.select_event(self.selected_event_id)

    def select_event(self, event_id: int | None, seek: bool = False) -> None:
        self.selected_event_id = event_id
        self.timeline.set_events(self.events, event_id)
        self.table.select_event(event_id)
        if seek and event_id is not None:
            ev = next((e for e in self.events if e.id == event_id), None)
            if ev is not None:
                self.pause()
                self.seek(ev.onset)

    def _event_clicked(self, event_id: int) -> None:
        self.select_event(event_id)

    def _row_double_clicked(self, _index: Any) -> None:
        self.ctx.execute(C.EditEvent)

    def _row_clicked(self, index: Any) -> None:
        ev = self.table.model_.events[index.row()]
        self.select_event(ev.id, seek=True)

    def _region_edited(self, event_id: int, onset: int, offset: int) -> None:
        # deferred: the region that emitted this is rebuilt by the edit, so do not remove it inside its own signal
        QTimer.singleShot(0, lambda: self._apply_region(event_id, onset, offset))

    def _apply_region(self, event_id: int, onset: int, offset: int) -> None:
        if self.project is None:
            return
        before = self.project.event(event_id)
        if before is None or (before.onset, before.offset) == (onset, offset):
            self.reload_events()
            return
        onset = max(0, onset)
        offset = min(self.frame_count - 1, max(onset, offset))
        apex = min(max(before.apex, onset), offset)
        self.selected_event_id = event_id
        if not self.ctx.execute(C.EditEvent, event_id=event_id, changes={"onset": onset, "apex": apex,
                                                                          "offset": offset}):
            self.reload_events()  # refused (read-only) or not saved: the dragged region goes back

    def _selection_changed(self, sel: Any) -> None:
        if sel is not None:
            self.statusBar().showMessage(f"Selected frames {sel[0]}-{sel[1]}: press C to make an event", 4000)

    def current_proposal_id(self) -> int | None:
        sel = next((e for e in self.events if e.id == self.selected_event_id), None)
        if sel is not None and sel.status == "proposal":
            return sel.id
        here = [e for e in self.events if e.status == "proposal" and e.onset <= self.current_frame <= e.offset]
        return here[0].id if here else None

    def goto_next_proposal(self) -> None:
        ev = next_proposal(self.events, self.current_frame if self.selected_event_id is None else
                           next((e.onset for e in self.events if e.id == self.selected_event_id),
                                self.current_frame))
        if ev is None:
            self.statusBar().showMessage("No open proposals", 3000)
            return
        self.select_event(ev.id, seek=True)

    def clear_marks(self) -> None:
        self.marks.clear()
        self.timeline.clear_selection()
        self.show_marks()

    def show_marks(self) -> None:
        m = self.marks
        parts = [f"{k} {v}" for k, v in (("onset", m.onset), ("apex", m.apex), ("offset", m.offset)) if v is not None]
        self.statusBar().showMessage("marks: " + (", ".join(parts) or "none"), 5000)

    def require_coder(self) -> str:
        if not self.coder:
            self.ctx.execute(C.SetCoder)
        if not self.coder:
            raise InputError("coder: set your coder name first (Edit > Set coder)")
        return self.coder

    def set_coder(self, name: str) -> None:
        self.coder = name
        self.qsettings.setValue("coder", name)
        if self.project is not None:
            self.project.coder = name
            if not self.project.read_only:
                self.project.add_coder(name)
        self._update_labels()

    def push(self, cmd: ProjectCommand) -> None:
        """Do an edit, then put it on the undo stack: only an edit that was saved enters the history (a failed one
        raises a one-line error, shown by the command's dialog, and the view is reloaded from the project)."""
        cmd.guard = self.undo_guard
        cmd.perform()
        self._pushing = True
        try:
            self.undo_stack.push(cmd)
        finally:
            self._pushing = False

    def _undo_index_changed(self, index: int) -> None:
        """An undo or redo (a key, the menu, a click in the history): the status message said something about the
        state before it, so it is replaced by what was undone or redone."""
        before, self._undo_index = self._undo_index, index
        if self._pushing or index == before:
            return
        if index < before:
            cmd = self.undo_stack.command(index)
            text = f"Undone: {cmd.text()}" if cmd is not None else ""
        else:
            cmd = self.undo_stack.command(index - 1)
            text = f"Redone: {cmd.text()}" if cmd is not None else ""
        if text:
            self.statusBar().showMessage(text, 4000)
        else:
            self.statusBar().clearMessage()

    def push_add(self, event: Event) -> AddEventCommand:
        cmd = AddEventCommand(self.require_writable(), event, self.reload_events)
        self.push(cmd)
        return cmd

    def push_edit(self, before: Event, after: Event) -> None:
        self.push(EditEventCommand(self.require_writable(), before, after, self.reload_events))

    def push_delete(self, event: Event) -> None:
        self.push(DeleteEventCommand(self.require_writable(), event, self.reload_events))

    def push_status(self, event: Event, status: str) -> None:
        proj = self.require_writable()
        self.push(set_status(proj, event, status, self.require_coder(), self.reload_events))

    def push_import(self, events: list[Event], text: str) -> None:
        """An import as one undo step (all its events added, or removed, in one transaction)."""
        self.push(ImportEventsCommand(self.require_writable(), events, self.reload_events, text))

    # ================================================================== overlays, agreement, fine-tuning
    def reload_overlays(self) -> None:
        """Read the current video's overlay tables from the project and hand them to the timeline."""
        bufs: dict[str, CurveBuffer] = {}
        if self.project is not None and self.video is not None:
            for o in self.project.overlays(self.video.id):
                bufs[o.name] = CurveBuffer.from_frame(self.project.load_overlay(self.video.id, o.name),
                                                      self.frame_count)
        self.timeline.set_overlays(bufs)

    def _build_overlay_menu(self) -> None:
        self.overlay_menu.clear()
        for name in self.timeline.overlays:
            act = self.overlay_menu.addAction(name)
            act.setCheckable(True)
            act.setChecked(name not in self.timeline.overlay_hidden)
            act.toggled.connect(lambda on, n=name: self.timeline.set_overlay_visible(n, on))
        if not self.timeline.overlays:
            self.overlay_menu.addAction("(none: File > Import OpenFace CSV, or fine-tune)").setEnabled(False)

    def set_coder_view(self, on: bool) -> None:
        """View > Events by coder: each coder's events on its own lane below the events track."""
        self.coder_view_action.setChecked(on)
        self.timeline.set_coder_view(on)

    def agreement_coders(self, all_videos: bool = False) -> list[str]:
        from merstudio.agreement.report import coder_of

        if self.project is None:
            return []
        vids = None if all_videos or self.video is None else self.video.id
        evs = [e for e in self.project.events(vids) if e.status != "rejected"]
        return sorted({coder_of(e) for e in evs})

    def compute_agreement(self, coders: list[str], tolerance: int = 3, iou: float = 0.5,
                          all_videos: bool = False) -> Any:
        """The agreement report for the current video (or all), with imported OpenFace tables compared by ICC."""
        from merstudio.agreement import agreement_report

        video = self.require_video()
        assert self.project is not None
        vids = [v.id for v in self.project.videos()] if all_videos else [video.id]
        tables: dict[int, dict[str, Any]] = {}
        for v in vids:
            for o in self.project.overlays(v):
                if o.kind == "openface":
                    tables.setdefault(v, {})[o.name] = self.project.load_overlay(v, o.name)
        return agreement_report(self.project, video_ids=vids, coders=coders, tolerance=tolerance, iou=iou,
                                frame_tables=tables or None)

    def show_agreement(self, coders: list[str] | None = None, tolerance: int | None = None,
                       iou: float | None = None, all_videos: bool | None = None) -> None:
        from merstudio.gui.agreement_dialog import AgreementDialog

        self.require_video()
        if self.agreement_dialog is not None:
            self.agreement_dialog.close()
            self.agreement_dialog.deleteLater()
        dlg = AgreementDialog(self.compute_agreement, self.agreement_coders(all_videos=True), self,
                              save=lambda: self.ctx.execute(C.SaveAgreementCSV))
        self.agreement_dialog = dlg
        dlg.set_choices(coders=coders, tolerance=tolerance, iou=iou, all_videos=all_videos)
        dlg.show()

    def open_finetune(self, checkpoint: str | Path | None = None) -> None:
        from merstudio.gui.finetune_dialog import FinetuneDialog

        if self.project is None:
            raise InputError("fine-tune: open a project first")
        if self.finetune_dialog is not None:
            if self.finetune_dialog.is_running():
                self.finetune_dialog.raise_()
                return
            self.finetune_dialog.close()
            self.finetune_dialog.deleteLater()
        ckpt = checkpoint or self.checkpoint
        if ckpt is None:
            from merstudio.resources import starter_checkpoint

            ckpt = starter_checkpoint()
        dlg = FinetuneDialog(self.project.path, ckpt, self, finetune_fn=self.finetune_fn, project=self.project)
        dlg.rerunRequested.connect(lambda path: self.ctx.execute(C.RerunPredictions, path=path))
        self.finetune_dialog = dlg
        dlg.show()

    def keep_predictions(self) -> str | None:
        """Store the current video's model outputs (p_<class>, AUxx_p) as an overlay named after the model that
        made them, so the timeline can show them beside the new model's. Returns the overlay name (None: none)."""
        video = self.require_video()
        assert self.project is not None
        df = self.project.load_frames(video.id)
        cols = [c for c in df.columns if c.startswith("p_") or (c.startswith("AU") and c.endswith("_p"))]
        if not cols or not len(df):
            return None
        a = self.project.analysis(video.id)
        model = (a.model if a is not None and a.model else "") or (str(self.checkpoint) if self.checkpoint else "")
        name = f"model: {Path(model).stem if model else 'previous'}"
        self.project.save_overlay(video.id, name, df[["frame", "face_id", "timestamp", *cols]], kind="model",
                                  meta={"checkpoint": model})
        return name

    def rerun_with_checkpoint(self, path: Path, meta: Any, settings: Any = None) -> None:
        """After fine-tuning: keep the old predictions as an overlay, load the new checkpoint, re-run the analysis."""
        self.require_video()
        self.require_writable()
        if self.worker is not None:
            raise InputError("analysis: already running (cancel it first)")
        kept = self.keep_predictions()
        self.set_checkpoint(Path(path), meta)
        self.reload_overlays()
        if kept is not None:
            self.timeline.set_overlay_visible(kept, True)
        self.start_analysis(settings, keep_previous=False)
        self.statusBar().showMessage(f"Re-running with {Path(path).name}" +
                                     (f"; previous predictions kept as {kept!r} (dashed)" if kept else ""), 8000)

    # ================================================================== exports
    def export_progress(self, done: int, total: int) -> None:
        self.progress_bar.setFormat("export %p%")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)
        self.progress_bar.show()
        QApplication.processEvents()  # exports run on the GUI thread; keep the bar painting

    def export_done(self, paths: list[Path]) -> None:
        self.last_exports = list(paths)
        self.progress_bar.hide()
        self.statusBar().showMessage("Exported " + ", ".join(str(p) for p in paths), 8000)

    # ================================================================== closing
    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("windowState", self.saveState())
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every thread and close the project (idempotent)."""
        self.pause()
        self.playback.shutdown()
        self._close_project()
        if self._error_box is not None:
            self._error_box.close()
            self._error_box = None
        if self._info_box is not None:
            self._info_box.close()
            self._info_box = None


def _close(source: Any) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        close()



def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
