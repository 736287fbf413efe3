"""The main window: video view + transport on top, timeline below, events table and undo history docked.

The window builds the views and the menus and wires them to four controllers, each the one owner of a piece of
state: :class:`~merstudio.gui.session.Session` (the project and the current video),
:class:`~merstudio.gui.transport.Transport` (the play head and playback),
:class:`~merstudio.gui.analysis_control.AnalysisControl` (the current video's results and the analysis worker) and
:class:`~merstudio.gui.coding.Coding` (events, selection, marks, coder, undo). Views only render what those
announce; a video switch takes one path (:meth:`MainWindow._video_changed`). The window keeps the questions to the
user (message boxes, which tests replace) and read-only shortcuts to the controllers' state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeyEvent, QKeySequence, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui import remembered
from merstudio.gui.analysis_control import AnalysisControl
from merstudio.gui.behaviours import Behaviours
from merstudio.gui.checkpoint_dialog import ModelNote
from merstudio.gui.coders import CoderView
from merstudio.gui.coding import Coding
from merstudio.gui.events_table import EventsPane
from merstudio.gui.exports import Exports, make_tables_safe, safe_note
from merstudio.gui.faces import PICTURE_SIZE, FacePictures, MergeFaces, SplitFace, face_entry, face_menu
from merstudio.gui.first_run import FirstRun
from merstudio.gui.look import ElidedLabel, fit_screen
from merstudio.gui.neutral import NeutralView
from merstudio.gui.photo_chart import PhotoChart
from merstudio.gui.places import Place, fit_place, store_place, store_video, stored_place
from merstudio.gui.plain_text import literal_tip, menu_text
from merstudio.gui.playback import AudioControls, selection_range
from merstudio.gui.questions import CANCEL, ask
from merstudio.gui.reencode import notes_details, seek_hint, short_note
from merstudio.gui.reencode import stop as stop_reencoding
from merstudio.gui.session import Earlier, Session
from merstudio.gui.state import StoreWatch, short_run_note, timecode
from merstudio.gui.status_bar import BusyIndicator, StatusBar
from merstudio.gui.timeline import Timeline
from merstudio.gui.transport import Transport
from merstudio.gui.undo import HistoryView
from merstudio.gui.video_list import SelectVideo, StepVideo, VideoList
from merstudio.gui.video_opening import AtProjectRate, rate_hint
from merstudio.gui.video_view import MenuButton, TransportSlider, VideoView
from merstudio.gui.workers import _default_analysis, _default_open
from merstudio.project import Event, Project, Video

log = logging.getLogger(__name__)
# a cancelled run's first note (gui/workers.py AnalysisWorker.run): the frames it analysed, said in its status line
_FRAMES_NOTE = re.compile(r"for frames 0-(\d+) analysed(?: \(of (\d+)\))?")
_NO_FRAMES_NOTE = "stopped before any frame was analysed"
PAGE_SECONDS = 10.0  # PageUp / PageDown step
# the texts of the last error and information boxes kept for tests (win.errors[-1]); a week-long session kept all
MESSAGES_KEPT = 200
WATCH_MS = 2000  # how often the window looks for changes made by others (_watch_disk): a stat and a PRAGMA
# an action's shortcut: a key string ("Ctrl+R"), a sequence, a platform-standard key, or several key strings
_Keys = str | QKeySequence | QKeySequence.StandardKey | list[str]


class FocusRing(QWidget):
    """A frame in the palette's highlight colour over the window's widget that has the keyboard's focus: Fusion
    draws none on the timeline or the "AUs" button, so Tab sent the keys somewhere unseen. A child of that widget
    (it moves and resizes with it, and a grab of the widget shows it), transparent to the mouse."""

    WIDTH = 2  # px

    def __init__(self, home: QWidget) -> None:
        super().__init__(home)
        self.home = home
        self.target: QWidget | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def follow(self, widget: QWidget | None) -> None:
        if self.target is not None and isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = widget
        self.setParent(widget if widget is not None else self.home)  # hidden by the move
        if widget is not None:
            self.setGeometry(widget.rect())
            widget.installEventFilter(self)
            self.raise_()
            self.show()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.target and e.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        return False

    def paintEvent(self, _e: Any) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), self.WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        half = self.WIDTH / 2
        p.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))


class MainWindow(QMainWindow):
    def __init__(self, qsettings: QSettings | None = None, open_source: Callable[[str], Any] = _default_open,
                 make_analysis: Callable[[Any, Any], Any] = _default_analysis) -> None:
        super().__init__()
        self.setWindowTitle("merstudio")
        self.status_bar = StatusBar(self)  # typed: its showMessage takes the hover details too
        self.setStatusBar(self.status_bar)
        self.qsettings = qsettings or QSettings()
        ignored = remembered.check(self.qsettings)  # a value of the wrong type: its default (said with the layout)
        self.ctx = C.CommandContext(self)
        self.errors: list[str] = []  # the last MESSAGES_KEPT messages shown in an error dialog (tests read it)
        self.infos: list[str] = []  # the last MESSAGES_KEPT messages shown in an information box (tests read it)
        self.last_exports: list[Path] = []
        self.last_import: Any = None  # the ImportPreview of the last import
        self._error_box: QMessageBox | None = None
        self._info_box: QMessageBox | None = None
        self.agreement_dialog: Any = None
        self.finetune_dialog: Any = None
        self.closing = False  # set as the window closes (shutdown)
        self.finetune_fn: Callable[..., Any] | None = None  # tests inject a fake fine-tuning

        # the controllers: one owner per piece of state
        self.coding = Coding(self, self.qsettings)
        # a project's frame folder opened at the rate the project holds for it, by every opener of the window
        self.session = Session(self, AtProjectRate(open_source, self))
        self.transport = Transport(self)
        self.analysis = AnalysisControl(self, make_analysis)
        self.exports = Exports(self)  # exports written in a worker (summary, per-frame CSV, XLSX reports)
        self.checkpoint_question: Any = None  # the checkpoint dialog asking whether to use a loaded model
        self.keys_dialog: Any = None  # Help's windows, non-modal (kept open beside the video)
        self.about_dialog: Any = None
        # where the coder was in each video of the open project (play head, timeline's frame range): switching back
        # to a video, or opening the project again, goes back there, not to frame 0 zoomed out. Kept here for the
        # session and in the project (merstudio.gui.places; a read-only project's only here)
        self._places: dict[int, Place] = {}
        self._placed: int | None = None  # the video the play head and the timeline show
        # every WATCH_MS: the video shown replaced on disk (said once), a read-only project's writer's commits
        self.store_watch = StoreWatch()
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._watch_disk)
        self._watch.start()
        self._tabs_pending: list[tuple[QDockWidget, QDockWidget]] = []  # docks tabbed once shown (tabify_when_shown)
        self._build_ui()
        self._build_actions()
        self._connect()
        self._focus_ring = FocusRing(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_moved)  # the focus frame, the dock brought to the front
        # within the screen's free area: 1400x900 on a 1366x768 laptop (or 1080p at 200 %, 960x540) put the status
        # bar, the docks' buttons and the timeline off screen; so did a size kept from a larger screen
        if remembered.restore_layout(self, self.qsettings, ignored):
            self._tabs_pending.clear()  # the coder's own layout, tabs and all
        else:  # first start (or none restored): the events table wide enough for its columns, not 300 px
            self.resizeDocks([self.events_dock], [min(460, self.width() // 3)], Qt.Orientation.Horizontal)
        self._chosen_size: QSize | None = self.size()  # fitted again once shown, its frame known (showEvent)
        self._update_labels()

    # ================================================================== read-only views of the controllers' state
    project = property(lambda self: self.session.project)
    video = property(lambda self: self.session.video)
    current_frame = property(lambda self: self.transport.current_frame)
    frame_count = property(lambda self: self.transport.frame_count)
    fps = property(lambda self: self.transport.fps)
    speed = property(lambda self: self.transport.speed)
    playback = property(lambda self: self.transport.playback)
    buffer = property(lambda self: self.analysis.buffer)
    worker = property(lambda self: self.analysis.worker)
    checkpoint = property(lambda self: self.analysis.checkpoint)
    checkpoint_meta = property(lambda self: self.analysis.checkpoint_meta)
    events = property(lambda self: self.coding.events)
    selected_event_id = property(lambda self: self.coding.selected_event_id)
    marks = property(lambda self: self.coding.marks)
    coder = property(lambda self: self.coding.coder)
    undo_stack = property(lambda self: self.coding.undo_stack)

    def require_video(self) -> Video:
        return self.session.require_video()

    def require_writable(self) -> Project:
        return self.session.require_writable()

    # ================================================================== UI
    def _build_ui(self) -> None:
        """The window's widgets: the video and its transport above the timeline (a photo's AU bars in its place),
        the events table, undo history and video list docked on the right, and the status bar's indicators.
        Built in this order: it is the widgets' order among their siblings (and so the Tab order)."""
        self._build_views()
        transport = self._build_transport()
        self._build_centre(transport)
        self._build_docks()
        self._build_status_bar()

    def _build_views(self) -> None:
        """The video view and the timeline, whose clicks and drags seek, pick and edit events."""
        self.video_view = VideoView(self)
        self.timeline = Timeline(self)
        self.timeline.seekRequested.connect(self.transport.seek)
        self.timeline.eventClicked.connect(self.coding.select)
        self.timeline.eventRangeEdited.connect(self._region_edited)
        self.timeline.selectionChanged.connect(self._selection_changed)

    def _build_transport(self) -> QWidget:
        """The row under the video: play, the slider, the frame and time, the face shown, the AU menu, the audio
        controls. None of them takes the keyboard's focus: the keys stay the coder's shortcuts."""
        transport = QWidget(self)
        row = QHBoxLayout(transport)
        row.setContentsMargins(4, 2, 4, 2)
        self.play_button = QPushButton("▶", transport)
        self.play_button.setFixedWidth(36)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.transport.toggle_play)
        self.play_button.setAccessibleName("play")  # a screen reader says the glyph "▶" otherwise
        self.play_button.setToolTip("Play / pause (Space)")
        self.slider = TransportSlider(Qt.Orientation.Horizontal, transport)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self.transport.seek)
        self.slider.setMinimumWidth(100)  # never a stub: it is how one scrubs
        # as wide as the video's longest frame numbers, time and speed read (it does not jump as they change), the
        # time elided in a narrow window: a fixed "frame 00000 / 00000 .." took 463 px at 16 pt (_update_labels)
        self.frame_label = ElidedLabel("", transport)
        self._frame_digits = 0
        self._build_face_combo(transport)
        self._build_au_button(transport)
        face_label = QLabel("face", transport)
        face_label.setBuddy(self.face_combo)  # a combo is read by its current text: the label says what it picks
        for w in (self.play_button, self.slider, self.frame_label, face_label, self.face_combo, self.au_button):
            row.addWidget(w)
        row.setStretch(1, 1)
        self.audio_controls = AudioControls(self.transport.playback, transport)  # mute + volume, shown when there is audio
        row.addWidget(self.audio_controls)
        return transport

    def _build_face_combo(self, transport: QWidget) -> None:
        """The transport's face picker (each face with its picture) and the state of which face is shown."""
        self.face_combo = QComboBox(transport)
        # until the coder picks a face, the one seen in most frames is shown (a clip that opens on someone else, or
        # on a wide shot, still shows its main face once the run has seen it); a pick outlives re-runs (as the face
        # of its person there: _follow_picked_face), a video switch forgets it
        self._picked_face: int | None = None
        self._picked_run: int | None = None  # the analysis run whose face ids _picked_face is one of
        self._picks: dict[int, int] = {}  # run -> the face shown in it when another run replaced it (undo gives it)
        self.face_popup: QMenu | None = None  # the menu of a face right-clicked in the video
        self.face_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.face_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "12  (1520 frames)"
        # never narrower than that: in a narrow transport (960x540 at 12 pt) the row shrank it with the frame label
        # and it showed "0 (600", cut; the frame label elides its time instead
        self.face_combo.setSizePolicy(QSizePolicy.Policy.Minimum, self.face_combo.sizePolicy().verticalPolicy())
        self.face_combo.currentIndexChanged.connect(self._face_changed)
        self.face_combo.setIconSize(QSize(PICTURE_SIZE, PICTURE_SIZE))
        self.face_pictures = FacePictures(self)  # who is who: each face's largest view, decoded off the GUI thread
        self.face_pictures.changed.connect(self._set_face_pictures)

    def _build_au_button(self, transport: QWidget) -> None:
        """The transport's "AUs" button: its menu, built as it opens, picks the AU tracks the timeline shows."""
        self.au_button = MenuButton(transport)  # Tab reaches it; Return, Space or Alt+Down open its menu
        self.au_button.setText("AUs")
        self.au_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.au_menu = QMenu(self.au_button)
        self.au_button.setMenu(self.au_menu)
        self.au_menu.aboutToShow.connect(self._build_au_menu)

    def _build_centre(self, transport: QWidget) -> None:
        """The central splitter: the video and its transport above, the timeline (a photo's AU chart in its
        place) below."""
        top = QWidget(self)
        col = QVBoxLayout(top)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.video_view, 1)
        col.addWidget(transport)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.photo_chart = PhotoChart(self)  # a photo has no timeline: its AUs as bars, in the timeline's place
        self.below_video = QStackedWidget(self)
        self.below_video.addWidget(self.timeline)
        self.below_video.addWidget(self.photo_chart)
        self.splitter.addWidget(self.below_video)
        self.splitter.setSizes([480, 420])  # the timeline's six tracks get almost half the height
        self.setCentralWidget(self.splitter)

    def _build_docks(self) -> None:
        """The right-hand docks: the events table, and the undo history tabbed with the video list (the history
        in front)."""
        self.events_pane = EventsPane(self)  # the table under its filter field (sorting and filtering: the view's)
        self.table = self.events_pane.table
        self.table.setAccessibleName("events")
        self.table.clicked.connect(self._row_clicked)
        # the keyboard moves the current row too: the highlighted row is the selected event (Delete, Enter act
        # on it), as a click makes it
        self.table.selectionModel().currentRowChanged.connect(self._row_current)
        self.table.doubleClicked.connect(self._row_double_clicked)
        self.events_dock = self._dock("Events", self.events_pane, Qt.DockWidgetArea.RightDockWidgetArea)
        # its id, frames and emotion; the rest scroll (300 px and a 16-pt status bar made the window wider than a
        # 200%-scaled laptop's 960 px)
        self.table.setMinimumWidth(self.table.fontMetrics().horizontalAdvance("0") * 20)
        self.undo_view = HistoryView(self.undo_stack, self)  # a flat cost per step at any history length
        self.undo_view.setEmptyLabel("<opened>")
        self.history_dock = self._dock("Undo history", self.undo_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self.video_list = VideoList(self)  # Return opens the current row's video (gui/video_list.py)
        self.video_list.setAccessibleName("videos")
        self.video_list.itemActivated.connect(
            lambda it: self.ctx.execute(SelectVideo, video_id=it.data(Qt.ItemDataRole.UserRole)))
        # right-click: name the person a video shows (fine-tuning holds out whole subjects)
        self.video_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.video_list.customContextMenuRequested.connect(self._video_list_menu)
        self.videos_dock = self._dock("Videos", self.video_list, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabify_when_shown(self.history_dock, self.videos_dock)

    def _build_status_bar(self) -> None:
        """The status bar's permanent widgets, left to right: "read-only" (shown for a read-only project), the
        busy indicator of a worker and an export's Cancel, the progress of a run (shown while one runs), the coder,
        the analysis device."""
        sb = self.statusBar()
        self.busy = BusyIndicator(self)  # what runs in a worker: an export, a checkpoint loading
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.hide()
        self.device_label = ElidedLabel("", self)  # elided, not the window widened, where the bar is short
        self.coder_label = ElidedLabel("", self)
        self.read_only_label = QLabel("read-only", self)
        self.read_only_label.setStyleSheet("QLabel { color: white; background: #b35900; padding: 0 6px; }")
        self.read_only_label.hide()
        sb.addPermanentWidget(self.read_only_label)
        sb.addPermanentWidget(self.busy)
        sb.addPermanentWidget(self.exports.cancel_button)  # beside the export's busy bar, shown while one runs
        sb.addPermanentWidget(self.progress_bar)
        sb.addPermanentWidget(self.coder_label)
        sb.addPermanentWidget(self.device_label)

    def tabify_when_shown(self, front: QDockWidget, back: QDockWidget) -> None:
        """Tab ``back`` behind ``front`` (in front) once the window is first shown, unless a stored layout was
        restored. Two pairs tabbed before the window was shown left Qt (6.12) with a third, orphan tab bar behind
        the video: a Tab stop where the focus went nowhere visible."""
        self._tabs_pending.append((front, back))

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
        """The menus in menu-bar order, then the parts that add their own actions, toolbar and lanes (first run,
        coders, behaviours, model note). In this order because later steps use what earlier ones made: the neutral
        calibration adds to Analysis and View, the coders and behaviours to Coding, the first run enables Run."""
        # the menu bar's menus by their plain lowercase name ("coding"): the one way the parts find a menu to add to.
        # Held here, not looked up again via QAction.menu(): before PySide6 6.11.2 that wrapper of a menu made as a
        # local is already deleted ("Internal C++ object (QMenu) already deleted" at start)
        self.menus: dict[str, QMenu] = {}
        self._file_menu()
        self._edit_menu()
        self._coding_menu()
        self._playback_menu()
        analysis = self._analysis_menu()
        self._view_menu(analysis)
        self._menu_parts()
        self._help_menu()

    def _top_menu(self, title: str) -> QMenu:
        """A menu of the menu bar, kept in self.menus under its title without the '&', lowercase."""
        menu = self.menuBar().addMenu(title)
        self.menus[title.replace("&", "").lower()] = menu
        return menu

    def _file_menu(self) -> None:
        """File: projects, videos, exports, event and AU-table interchange, re-encoding, Quit."""
        x = self.ctx.execute
        f = self._top_menu("&File")
        self._action(f, "&New project…", lambda: x(C.NewProject), QKeySequence.StandardKey.New)
        self._action(f, "&Open project…", lambda: x(C.OpenProject), QKeySequence.StandardKey.Open)
        self._action(f, "Open &video…", lambda: x(C.OpenVideo), "Ctrl+Shift+O")
        self.recent_menu = f.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(self._build_recent_menu)
        self._action(f, "&Save (and back up)", lambda: x(C.SaveProject), QKeySequence.StandardKey.Save)
        # a copy of every edit under another name, and on in it (also what keeps a project deleted while open)
        self._action(f, "Save project &as…", lambda: x(C.SaveProjectAs), QKeySequence.StandardKey.SaveAs)
        self._action(f, "&Compact project", lambda: x(C.CompactProject))  # the space deleted rows left
        # another copy's coding brought in (a colleague coded in a copy): summary first, one undo step
        self._action(f, "&Merge project…", lambda: x(C.MergeProject))
        exp = f.addMenu("&Export")
        self.export_actions: dict[str, QAction] = {}
        # each title's underlined letter (Alt+F, E, then it); the titles stay plain: the save dialogs show them
        letters = {"frames": "P", "frames_neutral": "n", "events_csv": "E", "events_xlsx": "X", "events_all": "a",
                   "summary": "S", "labelled": "L", "behaviours": "B"}
        for kind, (title, _f, _d) in C.EXPORTS.items():
            label = title.replace(letters[kind], "&" + letters[kind], 1) if kind in letters else title
            self.export_actions[kind] = self._action(exp, f"{label}…", partial(x, C.Export, kind=kind))
        exp.addSeparator()
        # remembered; off: a CSV stays exact for R and pandas (gui/exports.py make_tables_safe)
        self.spreadsheet_safe_action = self._action(
            exp, "Spreadsheet-sa&fe CSV (formula- and date-like cells as text, for Excel)", lambda: None, checkable=True)
        self.spreadsheet_safe_action.setStatusTip(
            "The CSV/TSV tables of every export (and of File > Export events…) for a spreadsheet: a cell starting "
            "= + - @ or read as a date (1-16) gets an apostrophe, numbers stay numbers; UTF-8 with a byte-order "
            "mark, so Excel shows names such as Zoë as written")
        self.spreadsheet_safe_action.setChecked(
            str(self.qsettings.value("export/spreadsheet_safe", "false")).lower() == "true")
        # a German or French Excel: ';' between cells and 0,5 (`merstudio convert --decimal-comma`); only with the
        # spreadsheet-safe tick, so each implies or drops the other
        self.decimal_comma_action = self._action(exp, "&Decimal comma (; between cells, for a German or French Excel)",
                                                 lambda: None, checkable=True)
        self.decimal_comma_action.setStatusTip(
            "Spreadsheet-safe CSVs for a spreadsheet whose locale writes 0,5: ';' between cells and a decimal comma "
            "in the columns of numbers (merstudio reads them back)")
        self.decimal_comma_action.setChecked(self.spreadsheet_safe_action.isChecked() and str(
            self.qsettings.value("export/decimal_comma", "false")).lower() == "true")

        def safe_toggled(on: bool) -> None:
            self.qsettings.setValue("export/spreadsheet_safe", "true" if on else "false")
            if not on:
                self.decimal_comma_action.setChecked(False)

        def comma_toggled(on: bool) -> None:
            self.qsettings.setValue("export/decimal_comma", "true" if on else "false")
            if on:
                self.spreadsheet_safe_action.setChecked(True)

        self.spreadsheet_safe_action.toggled.connect(safe_toggled)
        self.decimal_comma_action.toggled.connect(comma_toggled)
        f.addSeparator()
        # disabled while an import reads its file (commands._read_in_worker)
        self.import_events_action = self._action(f, "&Import events… (ELAN, BORIS, CSV)", lambda: x(C.ImportEvents),
                                                 "Ctrl+I")
        self._action(f, "E&xport events… (ELAN, BORIS, CSV)", lambda: x(C.ExportEvents), "Ctrl+Shift+E")
        self._action(f, "Import Open&Face or py-feat CSV…", lambda: x(C.ImportAUTable))
        f.addSeparator()
        self.reencode_action = self._action(f, "Re-enco&de video for exact seeking…", lambda: x(C.ReencodeVideo))
        f.aboutToShow.connect(lambda: self.reencode_action.setEnabled(self.video is not None))  # greyed: no video
        f.addSeparator()
        # "Ctrl+Q" (Cmd+Q on macOS), not StandardKey.Quit: Windows' key scheme leaves that one empty (no key at all)
        self._action(f, "&Quit", self.close, "Ctrl+Q")

    def _edit_menu(self) -> None:
        """Edit: the undo stack's Undo/Redo (window shortcuts too), the selected event's edits, the coder."""
        x = self.ctx.execute
        e = self._top_menu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for act in (undo, redo):
            e.addAction(act)
            self.addAction(act)
        e.addSeparator()
        self._action(e, "&New event from selection / marks", lambda: x(C.NewEvent), "C")
        self._action(e, "&Edit event…", lambda: x(C.EditEvent), ["Return", "Enter", "E"])  # Enter: the keypad's
        self._action(e, "&Delete event", lambda: x(C.DeleteEvent), ["Delete", "Backspace"])
        self._action(e, "&Clear marks and selection", self.coding.clear_marks_and_selection, "Esc")
        self._action(e, "&Filter events…", self.filter_events, QKeySequence.StandardKey.Find)  # Ctrl+F
        e.addSeparator()
        self._action(e, "Set c&oder…", lambda: x(C.SetCoder))
        self._action(e, "Set &subject of this video…", lambda: x(C.SetVideoSubject))  # also the Videos list's right-click

    def _coding_menu(self) -> None:
        """Coding: the I/A/O marks that make an event, reviewing proposals, the agreement report."""
        x = self.ctx.execute
        c = self._top_menu("&Coding")
        self._action(c, "Mark &onset", lambda: x(C.MarkPoint, which="onset"), "I")
        self._action(c, "Mark &apex", lambda: x(C.MarkPoint, which="apex"), "A")
        self._action(c, "Mark o&ffset (makes the event)", lambda: x(C.MarkPoint, which="offset"), "O")
        c.addSeparator()
        self._action(c, "A&ccept proposal", lambda: x(C.SetProposalStatus, status="accepted"), "Y")
        self._action(c, "&Reject proposal", lambda: x(C.SetProposalStatus, status="rejected"), "X")
        self._action(c, "&Next proposal", lambda: x(C.NextProposal), "N")
        c.addSeparator()
        self._action(c, "A&greement report…", lambda: x(C.ShowAgreement))

    def _playback_menu(self) -> None:
        """Playback: play, loop and sound; then stepping and seeking (_seek_actions) and, after a separator,
        moving the selected event's edges frame by frame (_boundary_actions). The less used items (volume, steps
        of seconds and pages, the edges) are in submenus, their keys as they were: 30 items at a 16-pt font were
        taller than a 768-px screen, wrapped into a second column cut at its edge."""
        t = self.transport
        p = self._top_menu("&Playback")
        self._action(p, "&Play / pause", t.toggle_play, "Space")
        self._action(p, "Play back&wards / pause", lambda: t.playback.toggle(-1), "Shift+J")
        self._action(p, "Play &selection (event, selection or I..O marks)", self.play_selection, "Shift+Space")
        self.loop_action = self._action(p, "Loop pla&yback", lambda: t.playback.set_loop(
            self.loop_action.isChecked()), "Ctrl+L", checkable=True)
        self.mute_action = self._action(p, "&Mute audio", lambda: t.playback.set_muted(
            self.mute_action.isChecked()), "Ctrl+M", checkable=True)
        self.audio_controls.set_mute_action(self.mute_action)
        volume = p.addMenu("&Volume")
        self._action(volume, "Volume &up", lambda: self.audio_controls.step_volume(+10), "Ctrl+Up")
        self._action(volume, "Volume &down", lambda: self.audio_controls.step_volume(-10), "Ctrl+Down")
        p.addSeparator()
        self._seek_actions(p)
        p.addSeparator()
        self._boundary_actions(p.addMenu("Selected event's e&dges"))

    def _seek_actions(self, p: QMenu) -> None:
        """Moving the play head: by frames, J/K/L, to the ends, by seconds and pages, to events, to a typed time."""
        x = self.ctx.execute
        t = self.transport
        self._action(p, "Ne&xt frame", lambda: t.step(1), "Right")
        self._action(p, "P&revious frame", lambda: t.step(-1), "Left")
        self._action(p, "&Forward 10 frames", lambda: t.step(10), "Shift+Right")
        self._action(p, "Ba&ck 10 frames", lambda: t.step(-10), "Shift+Left")
        self._action(p, "Slower (&J)", t.slower, "J")
        self._action(p, "Pa&use (K)", t.pause, "K")
        self._action(p, "Faster / play (&L)", t.faster, "L")
        self._action(p, "F&irst frame", lambda: t.go_to(0), "Home")
        self._action(p, "Las&t frame", lambda: t.go_to(t.frame_count - 1), "End")
        by_time = p.addMenu("&By seconds and pages")
        self._action(by_time, "F&orward 1 second", lambda: t.step_seconds(1.0), "Alt+Right")
        self._action(by_time, "Bac&k 1 second", lambda: t.step_seconds(-1.0), "Alt+Left")
        self._action(by_time, "Forward &a page (10 s)", lambda: t.step_seconds(PAGE_SECONDS), "PgDown")
        self._action(by_time, "&Back a page (10 s)", lambda: t.step_seconds(-PAGE_SECONDS), "PgUp")
        self._action(p, "&Next event", lambda: self.coding.goto_event(+1), ".")
        self._action(p, "Previous &event", lambda: self.coding.goto_event(-1), ",")
        self._action(p, "&Go to frame or time…", lambda: x(C.GoToFrame), "Ctrl+G")

    def _boundary_actions(self, p: QMenu) -> None:
        """The selected event's onset and offset one frame earlier or later, or onto the play head."""
        self._action(p, "Selected event: onset 1 frame &earlier", lambda: self.coding.nudge_boundary("onset", -1), "[")
        self._action(p, "Selected event: onset 1 frame &later", lambda: self.coding.nudge_boundary("onset", +1), "]")
        self._action(p, "Selected event: offset 1 frame ea&rlier", lambda: self.coding.nudge_boundary("offset", -1), "Alt+[")
        self._action(p, "Selected event: offset 1 frame la&ter", lambda: self.coding.nudge_boundary("offset", +1), "Alt+]")
        self._action(p, "Selected event: onset to the play &head", lambda: self.coding.snap_boundary("onset"), "Shift+I")
        self._action(p, "Selected event: offset to the &play head", lambda: self.coding.snap_boundary("offset"), "Shift+O")

    def _analysis_menu(self) -> QMenu:
        """Analysis: run and cancel, the checkpoint, the next analysis' settings (faces, turn, covers, model gate),
        merging and splitting faces, fine-tuning. Returned: the neutral calibration adds to it (_view_menu)."""
        x = self.ctx.execute
        a = self._top_menu("&Analysis")
        self.run_action = self._action(a, "&Run analysis", lambda: x(C.RunAnalysis), "Ctrl+R")
        self.cancel_action = self._action(a, "&Cancel analysis", lambda: x(C.CancelAnalysis), "Ctrl+.")
        self.cancel_action.setEnabled(False)
        self._action(a, "&Load checkpoint…", lambda: x(C.LoadCheckpoint))
        self._faces_menu(a.addMenu("Faces &per frame"))
        self._turn_menu(a.addMenu("&Turn video"))
        self._action(a, "Frame r&ate of this folder…", lambda: x(C.SetFolderRate))  # image files carry none
        self.covers_action = self._action(a, "&Judge covers",
                                          lambda: self.analysis.set_covers(self.covers_action.isChecked()),
                                          checkable=True)
        self.covers_action.setChecked(self.analysis.covers)
        self.covers_action.setStatusTip("A face region under a hand, a mask or dark glasses, or beyond the frame's "
                                        "edge, reads unknown (off: as the face mesh fits it)")
        self.model_gate_action = self._action(
            a, "Model &only where the face moves",
            lambda: self.analysis.set_model_gate(self.model_gate_action.isChecked()), checkable=True)
        self.model_gate_action.setChecked(self.analysis.model_gate)
        self.model_gate_action.setStatusTip("The model is asked on frames whose movement stands out from the face's "
                                            "own noise floor (a blink or a covered part alone does not) and does not "
                                            "undo its last movement, nor over a turning head; elsewhere its lane is "
                                            "blank (off: every face frame)")
        self.merge_faces_action = self._action(a, "M&erge faces…", lambda: x(MergeFaces))
        self.merge_faces_action.setStatusTip("Two face ids that are one person (a cut to a close-up, a head turned "
                                             "away and back): merge another face into the face shown")
        self.split_face_action = self._action(a, "&Split face here", lambda: x(SplitFace))
        self.split_face_action.setStatusTip("One face id on two people (a cut from one person to another): the face "
                                            "shown becomes a new face from the play head on")
        a.addSeparator()
        self._action(a, "&Fine-tune on corrections…", lambda: x(C.FineTune))
        return a

    def _view_menu(self, a: QMenu) -> None:
        """View: the face overlay and following, the timeline's lanes (the neutral calibration's actions among
        them, its Analysis ones after a separator in `a`), overlay curves, then zoom, videos and docks
        (_view_zoom_actions)."""
        v = self._top_menu("&View")
        self.overlay_action = self._action(v, "&Face overlay", self._toggle_overlay, "F", checkable=True)
        self.overlay_action.setChecked(True)
        self.follow_action = self._action(v, "F&ollow face", self._toggle_follow, "Shift+F", checkable=True)
        self.video_view.follow_stopped.connect(lambda: self.follow_action.setChecked(False))
        # the face box beside the transport takes no focus (its keys are the coder's shortcuts): these pick the
        # face shown from the keyboard, in the box's order
        faces = v.addMenu("Face sho&wn")
        self._action(faces, "&Next face", lambda: self.step_face(+1), "Ctrl+Shift+Down")
        self._action(faces, "&Previous face", lambda: self.step_face(-1), "Ctrl+Shift+Up")
        self.video_view.face_clicked.connect(self.pick_face)
        self.video_view.face_menu.connect(self._face_menu)
        self.heatmap_action = self._action(v, "AU &heat map", lambda: self.timeline.set_heatmap_visible(
            self.heatmap_action.isChecked()), "H", checkable=True)
        self.heatmap_action.setChecked(True)
        self.motion_action = self._action(v, "&Micro-motion lane", lambda: self.timeline.set_motion_visible(
            self.motion_action.isChecked()), "M", checkable=True)
        self.motion_action.setChecked(True)
        self.motion_by_au_action = self._action(v, "Micro-motion by &AU (directed)", lambda: self.timeline.set_motion_by_au(
            self.motion_by_au_action.isChecked()), "Shift+M", checkable=True)
        a.addSeparator()
        self.neutral = NeutralView(self, a, v)  # participant calibration: neutral frames per face (gui/neutral.py)
        self.coder_view_action = self._action(v, "Events by &coder", lambda: self.set_coder_view(
            self.coder_view_action.isChecked()), "Shift+C", checkable=True)
        self.overlay_menu = v.addMenu("Overlay curves (&dashed)")
        self.overlay_menu.aboutToShow.connect(self._build_overlay_menu)
        self.refresh_action = self._action(v, "Re&load from the project file", self.refresh, "F5")
        self._view_zoom_actions(v)

    def _view_zoom_actions(self, v: QMenu) -> None:
        """The rest of View: zooming the video and the timeline and panning (a submenu, their keys as they were: 25
        items at a 16-pt font were taller than a 768-px screen, wrapped into two columns as Playback was), stepping
        videos, the docks' toggles."""
        x = self.ctx.execute
        t = self.transport
        z = v.addMenu("&Zoom and pan")
        self._action(z, "Fi&t video", self.video_view.fit, "Ctrl+0")
        self._action(z, "Zoom video &in", lambda: self.video_view.zoom(1.25), "Ctrl+=")
        self._action(z, "Zoom video o&ut", lambda: self.video_view.zoom(0.8), "Ctrl+-")
        z.addSeparator()
        self._action(z, "Zoom timeline i&n", lambda: self.timeline.zoom_x(0.5, t.current_frame), ["=", "+"])
        self._action(z, "&Zoom timeline out", lambda: self.timeline.zoom_x(2.0, t.current_frame), "-")
        self._action(z, "&Pan timeline left", lambda: self.timeline.pan_x(-0.25), "Ctrl+Left")
        self._action(z, "Pan timeline &right", lambda: self.timeline.pan_x(0.25), "Ctrl+Right")
        v.addSeparator()
        self._action(v, "Ne&xt video", lambda: x(StepVideo, step=+1), "Ctrl+PgDown")
        self._action(v, "&Previous video", lambda: x(StepVideo, step=-1), "Ctrl+PgUp")
        for d, text in ((self.events_dock, "&Events"), (self.history_dock, "Undo hi&story"), (self.videos_dock, "&Videos")):
            d.toggleViewAction().setText(text)  # its mnemonic (the dock's title has none)
            v.addAction(d.toggleViewAction())

    def _help_menu(self) -> None:
        """Help: every key of the window (read from the menus when asked, so the project's behaviour keys are in
        it), and About. Both non-modal: a coder keeps the keys open beside the video."""
        h = self._top_menu("&Help")
        self._action(h, "&Keyboard shortcuts…", self.show_keys, "F1")
        self._action(h, "&About merstudio…", self.show_about)

    def show_keys(self) -> None:
        from merstudio.gui.help import KeysDialog

        self.keys_dialog = KeysDialog(self.menuBar(), self)
        self.keys_dialog.show()

    def show_about(self) -> None:
        from merstudio.gui.help import AboutDialog

        self.about_dialog = AboutDialog(str(self.checkpoint or ""), self)
        self.about_dialog.show()

    def _menu_parts(self) -> None:
        """The parts that add their own actions, toolbar and panels once the menus exist; the first run's
        followers update the others when a project or video changes."""
        self.first_run = FirstRun(self)  # toolbar, empty state, "what next" hint (gui/first_run.py)
        self.coders_view = CoderView(self)  # coders shown, blind coding, coder lanes (gui/coders.py)
        self.behaviours = Behaviours(self)  # the project's own behaviours and keys (gui/behaviours.py)
        self.model_note = ModelNote(self)  # what the drawn model was trained on (gui/checkpoint_dialog.py)
        # its status-bar badge takes at most a third of the window: the bar's messages keep the rest
        self.model_note.badge.set_share(1 / 3)
        self.first_run.followers += [self.coders_view.update, self.behaviours.update, self.model_note.update]
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab from the timeline: the AUs button, the events table and the behaviours table (the dock of the one
        reached comes to the front: _focus_moved), the video list, the undo history, then the docks' tab bars (Left /
        Right switch their tabs: event). The tables took
        the focus on a click only. A table with the focus leaves the play head's keys to the window (Space, Left /
        Right, Home / End, Return are window shortcuts, which win over a table's own keys; Up / Down move its row,
        as after a click), and Tab leaves it rather than stepping from cell to cell."""
        tables = (self.table, self.behaviours.table)
        for table in tables:
            table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            table.setTabKeyNavigation(False)
        chain: list[QWidget] = [self.timeline, self.au_button, *tables, self.video_list, self.undo_view]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _focus_moved(self, _old: QWidget | None, now: QWidget | None) -> None:
        ring = self._focus_ring
        if not isValid(ring):  # deleted with a widget it framed
            ring = self._focus_ring = FocusRing(self)
        mine = now is not None and now is not self and now.window() is self
        ring.follow(now if mine else None)
        dock = now.parentWidget() if mine and now is not None else None
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None and self.tabifiedDockWidgets(dock):
            # Tab into a dock tabbed behind another (the Behaviours table, the Videos list): its tab to the front.
            # Qt only moved it off screen: the focus went somewhere unseen
            dock.raise_()

    def event(self, e: QEvent) -> bool:
        # Left / Right on a dock's tab bar (Tab reaches it) switch its tabs, as on any tab bar; the window's frame
        # steps took them. Its ShortcutOverride comes up here: the window is the tab bar's parent
        if (e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent)
                and isinstance(QApplication.focusWidget(), QTabBar)
                and e.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right)
                and not e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            e.accept()
            return True
        return super().event(e)

    def _connect(self) -> None:
        """Controllers -> views: the only place the views learn about a change."""
        s, t, a, c = self.session, self.transport, self.analysis, self.coding
        s.projectChanged.connect(self._project_changed)
        s.projectClosing.connect(self._project_closing)
        s.projectMoved.connect(self._update_labels)  # the title names the project file
        s.compactingChanged.connect(self._compacting_changed)
        s.videoChanged.connect(self._video_changed)
        t.frameChanged.connect(self._frame_changed)
        t.frameReady.connect(self._frame_ready)
        t.frameFailed.connect(self._frame_failed)
        t.loading.connect(self._show_loading)
        t.stateChanged.connect(self._playback_changed)
        t.playback.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        t.playback.envelopeReady.connect(self.timeline.set_audio_envelope)
        a.bufferChanged.connect(self._buffer_changed)
        a.rowsAdded.connect(self._rows_added)
        a.refreshDue.connect(self.timeline.refresh_step)
        a.refreshDue.connect(self._draw_photo_chart)
        a.overlaysChanged.connect(lambda: self.timeline.set_overlays(self.analysis.overlays))
        a.overlaysChanged.connect(self._draw_photo_chart)
        a.running.connect(self._analysis_running)
        a.progress.connect(self._progress)
        a.deviceChanged.connect(lambda _d: self._update_labels())
        a.finished.connect(self._analysis_finished)
        s.opener.follow(s.videoChanged, a.finished)  # damaged data found since: the video shown renumbered
        a.message.connect(self._message)
        a.checkpointLoading.connect(lambda text, tip: self.busy.set("checkpoint", text, tip))
        a.checkpointLoading.connect(lambda *_: self._update_cancel())  # a starting re-run is cancellable
        self.exports.busy.connect(lambda text, tip: self.busy.set("export", text, tip))
        self.exports.progress.connect(lambda done, total: self.busy.progress("export", done, total))
        # one export is written in a worker at a time: those menu items are greyed out meanwhile (not offered, then
        # refused); the exports written at once stay offered
        self.exports.busy.connect(self._export_running)
        c.eventsChanged.connect(self._events_changed)
        c.selectionChanged.connect(self._selection_shown)
        c.message.connect(self._message)

    # ================================================================== errors and status
    def show_error(self, message: str) -> None:
        """A window-modal message box that does not block the caller (the app keeps running)."""
        log.warning("%s", message)
        _keep(self.errors, message)
        self._error_box = self._message_box(self._error_box, QMessageBox.Icon.Warning, message)

    def show_info(self, message: str) -> None:
        """A non-blocking information box (import reports)."""
        log.info("%s", message)
        _keep(self.infos, message)
        self._info_box = self._message_box(self._info_box, QMessageBox.Icon.Information, message)

    def close_error(self, message: str) -> None:
        """Close the error box if it still says ``message``: what it said is no longer true (a video it called
        missing was found), and the coder had to dismiss it after the fact."""
        box = self._error_box
        if box is not None and isValid(box) and box.text() == message:
            box.close()

    def _message_box(self, old: QMessageBox | None, icon: QMessageBox.Icon, message: str) -> QMessageBox:
        """A window-modal box in place of `old` (closed). Freed once closed (OK, or replaced): each box shown was
        kept until the window closed, 300 of them 66 MB."""
        if old is not None and isValid(old):
            old.close()
        box = QMessageBox(icon, "merstudio", message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # reports quote files' labels and names: shown as written
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        return box

    def _message(self, text: str, ms: int) -> None:
        if text:
            self.statusBar().showMessage(text, ms)
        else:
            self.statusBar().clearMessage()

    def _update_labels(self) -> None:
        t = self.transport
        digits = len(str(max(0, t.frame_count - 1)))
        if digits != self._frame_digits:
            self._frame_digits = digits
            n = "0" * digits
            self.frame_label.reserve = f"frame {n} / {n}  00:00:00.000  0.25×"
            self.frame_label.least = f"frame {n} / {n}…"  # the frame numbers are never elided
            self.frame_label.updateGeometry()
        # a frame folder's frame is an image file, which a dataset's sheet numbers by its name (img56 is frame 10
        # of a clip starting at img46): named beside the frame number, which stays the project's
        files = getattr(t.source, "files", None)
        # (a lone image: its name is the video's)
        image = files[t.current_frame].name if files and len(files) > 1 and 0 <= t.current_frame < len(files) else ""
        self.frame_label.setText(f"frame {t.current_frame} / {max(0, t.frame_count - 1)}  "
                                 + (f"{image}  " if image else "")
                                 + f"{timecode(t.current_frame, t.fps, t.playback.timebase)}  {t.speed:g}×  "
                                 f"{t.playback.state_text()}")
        self.frame_label.setToolTip(f"frame {t.current_frame} is the folder's image {image}: frames are numbered "
                                    f"from 0 in the folder's file order, as Go to frame takes them" if image else "")
        self.coder_label.setText(f"coder: {self.coding.coder or '(not set)'}")
        self.device_label.setText(f"analysis on {self.analysis.device}")
        title = "merstudio"
        proj = self.project
        if proj is not None:
            title = f"{proj.path.name}{' [read-only]' if proj.read_only else ''} — {title}"
            self.read_only_label.setToolTip(literal_tip(proj.read_only_reason))
        self.read_only_label.setVisible(proj is not None and proj.read_only)
        closing = self.session.compacting if self.session.compacting_closes else ""
        if closing:  # the project is gone from the session, its file still compacting
            title = f"Closing {closing} (compacting) — {title}"
        elif proj is not None and self.session.compacting:
            title = f"{proj.path.name}{' [read-only]' if proj.read_only else ''} (compacting) — merstudio"
        if self.video is not None:
            title = f"{self.video.name} — {title}"
        self.setWindowTitle(title)
        if hasattr(self, "first_run"):
            self.first_run.update()
            if closing:  # over the empty state's "NAME is open" (or "Start by opening…"), which stayed meanwhile
                self.first_run.empty.title.setText(f"Closing {closing}…")
                self.first_run.empty.sub.setText("Compacting it: giving back to the disk the space that removed "
                                                 "videos and re-runs left in the file. The window takes input "
                                                 "again once it is done.")

    def _compacting_changed(self) -> None:
        """A compaction in a worker began or ended (Session._compacting): the title, and while a closing project
        compacts the empty video area, say so; once it ends, the empty state says again what is open."""
        self._update_labels()
        if not self.session.compacting and self.video is not None and self.project is not None:
            self.transport.request_current()  # the faces of the frame shown while it compacted
        if not self.session.compacting and hasattr(self, "first_run"):
            proj = self.project
            self.first_run.empty.follow(proj.path.name if proj is not None else None,
                                        self.session.missing if proj is not None else None)

    # ================================================================== questions (tests replace these)
    def ask_read_only(self, question: str) -> bool:
        """The project is open elsewhere: ask whether to open it read-only."""
        return ask(self, question, [("open", "Open read-only", QMessageBox.ButtonRole.AcceptRole), CANCEL]) == "open"

    def ask_project_beside(self, video_name: str, beside: Path) -> str | None:
        """The video has a project of its own beside it: open that one ("beside"), add the video to the open
        project ("current"), or cancel (None)."""
        assert self.project is not None
        answer = ask(self, f"{video_name} has its own project, {beside.name}, beside it (its earlier coding is "
                           f"there).\n\nOpen {beside.name}, or add the video to {self.project.path.name}?",
                     [("beside", f"Open {menu_text(beside.name)}", QMessageBox.ButtonRole.AcceptRole),
                      ("current", f"Add to {menu_text(self.project.path.name)}", QMessageBox.ButtonRole.ActionRole), CANCEL],
                     default="beside")
        return None if answer in (None, "cancel") else answer

    def ask_project_holding(self, video_path: Path, earlier: Earlier) -> str | None:
        """Another project holds the video opened (renamed, or on another mount, since it was coded there: a
        Session.earlier_project): open that one ("earlier"; the video is relinked to its name now), add the video
        to the open project ("current"), or cancel (None)."""
        assert self.project is not None
        name, proj, here = video_path.name, earlier.path.name, self.project.path.name
        said = earlier.describe(video_path)  # as Session.ask_earlier_project names it
        answer = ask(self, f"{proj} {said.where} holds {name} {said.held} ({said.events}): its earlier coding is "
                           f"there.\n\nOpen {proj}{said.relink}, or add the video to {here}?",
                     [("earlier", f"Open {menu_text(proj)}", QMessageBox.ButtonRole.AcceptRole),
                      ("current", f"Add to {menu_text(here)}", QMessageBox.ButtonRole.ActionRole), CANCEL],
                     default="earlier")
        return None if answer in (None, "cancel") else answer

    def ask_checkpoint(self, path: str, meta: Any, answer: Callable[[bool], None]) -> None:
        """The checkpoint dialog (what the loaded model was trained on) asks whether to use it; ``answer(True)`` on
        "Use this model". Window-modal, not blocking: the app goes on meanwhile."""
        from merstudio.gui.checkpoint_dialog import CheckpointDialog

        self.close_checkpoint_question()
        dlg = CheckpointDialog(path, meta, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if self.checkpoint_question is dlg:
                self.checkpoint_question = None
            answer(result == CheckpointDialog.DialogCode.Accepted)

        dlg.finished.connect(done)
        self.checkpoint_question = dlg
        dlg.open()

    def close_checkpoint_question(self) -> None:
        """Close the checkpoint dialog still asking (a newer request supersedes it: its answer is dropped)."""
        dlg, self.checkpoint_question = self.checkpoint_question, None
        if dlg is not None:
            dlg.reject()

    def confirm(self, question: str) -> bool:
        """A yes/cancel question."""
        return ask(self, question, [("yes", QMessageBox.StandardButton.Yes, None), CANCEL], default="cancel") == "yes"

    # ================================================================== project and video switches
    def _project_changed(self) -> None:
        self.refresh_video_list()
        self._update_labels()

    def _project_closing(self) -> None:
        """Before the project closes: nothing may write to it any more, and nothing of it stays on screen."""
        self.analysis.project_closing()  # a re-run asked on one of its videos, its checkpoint still loading
        self.analysis.stop()
        self.coding.undo_stack.clear()
        self._places.clear()  # video ids are the project's
        self._agreement_kept = None  # its last agreement report (memory: a year's is ~200 MB)
        ft = self.finetune_dialog
        if ft is not None and ft.is_running():  # a close nothing asked about (every path asks: keep_lost_work)
            # how it ended: a run that saved before it saw the cancel said "no checkpoint was written" here too
            self.show_info(f"Its project closed. {ft.stop_now()}")
        for name in ("agreement_dialog", "finetune_dialog"):
            dlg = getattr(self, name, None)
            if dlg is not None:
                if hasattr(dlg, "shutdown"):
                    dlg.shutdown()
                dlg.close()
                dlg.deleteLater()
                setattr(self, name, None)

    def _video_changed(self) -> None:
        """The one path every video switch (and project close) takes: everything drawn for the previous video
        goes (AU curves, heat map, motion lane, class curves, overlays, events, selection, marks, face overlay,
        status message), then the new video's picture, results and events are loaded."""
        self.statusBar().clearMessage()
        self.keep_place()
        held_note = self.analysis.drop_held_elsewhere()  # a run waiting for its checkpoint: of the other video
        self._picked_face = self._picked_run = None
        self._picks.clear()
        self.face_pictures.stop()
        self.transport.set_source(self.session.source)
        self.timeline.clear_selection()
        self.coding.clear()
        self.video_view.set_faces({})
        self.video_view.new_video()  # the old video's picture is not this video's frame (shown as loading)
        video, n = self.video, self.transport.frame_count
        self.slider.blockSignals(True)
        self.slider.setRange(0, n - 1)
        self.slider.blockSignals(False)
        # 0 frames with no video (a project closed): its readout blank, not the closed video's frame
        self.timeline.set_video(n if video is not None else 0, self.fps, self.transport.playback.timebase)
        self.below_video.setCurrentWidget(self.photo_chart if video is not None and n == 1 else self.timeline)
        for w in (self.play_button, self.slider):  # one frame: nothing to play or scrub
            w.setEnabled(video is None or n > 1)
        self.analysis.load()
        self.video_view.set_turn(self.analysis.view_turn() if video is not None else 0)
        self.coding.reload()
        self.video_list.show_current(video.id if video is not None else None)
        self._placed = video.id if video is not None else None
        if video is None:
            self._update_labels()
            return
        self.transport.start()
        self._restore_place(video.id)
        assert self.project is not None
        a = self.project.analysis(video.id)
        stored, stored_ms = "", 0  # the stored analysis's line
        if a is not None:
            from merstudio.project.analyses import older_rules_note
            from merstudio.project.videos import analysed_at_text

            stored_ms = 15000
            if older := older_rules_note(video.name, a):  # the words project show and the CLI's exports use
                stored = older
            elif (measured := self.project.analysed_at(video.id)) is not None:  # its folder's rate set since
                stored = f"{video.name}: {analysed_at_text(measured, video.fps)}: Analysis > Run analysis (Ctrl+R)"
            elif a.status != "running" and (short := short_run_note(self.project, video)):  # e.g. killed mid-run
                stored = f"{video.name}: {short}: Analysis > Run analysis (Ctrl+R) analyses it to the end"
            else:
                stored, stored_ms = f"{video.name}: stored analysis ({a.status}, {a.device or 'cpu'})", 5000
        # every line of the switch is said, joined in one (each replaced the one before: a variable-rate video's seek
        # hint hid that its analysis is an earlier merstudio's). The reader's short hint first (their whole notes on
        # hover), so that at 1300 px both lines show and its remedy is not cut; the stored analysis's line after it,
        # a dropped run's last
        notes = list(getattr(self.session.source, "warnings", None) or [])  # e.g. more frames claimed than decode
        if notes:  # one that says the video seeks badly names File > Re-encode video for exact seeking…
            self.status_bar.showMessage(rate_hint(seek_hint(notes, self.session.source.path), self.session.source),
                                        15000, notes_details(notes))
        self.status_bar.add_message(stored, stored_ms)
        self.status_bar.add_message(held_note, 10000)
        self._update_labels()

    def keep_place(self) -> None:
        """Remember where the video being left was shown (_restore_place brings it back), here and in the project:
        every switch, the project's close (its videoChanged comes while the project is still open), Save As (before
        the copy is written) and the window's (shutdown) pass here."""
        if self._placed is not None and self.transport.source is not None:
            lo, hi = self.timeline.au_plot.viewRange()[0]
            place: Place = (self.transport.current_frame, (float(lo), float(hi)))
            self._places[self._placed] = place
            if self.project is not None:
                store_place(self.project, self._placed, place, self.transport.frame_count)

    def places_into(self, project: Project) -> None:
        """Store the places this window keeps (each video's play head and zoom, and the video shown) into
        ``project``, a copy of the open one (Save As): a read-only project's were kept only here, and its copy
        opened on the first video at frame 0. Call :meth:`keep_place` first."""
        frames = {v.id: v.frame_count for v in project.videos()}
        for vid, place in self._places.items():
            if vid in frames:
                store_place(project, vid, place, frames[vid])
        if self._placed is not None:
            store_video(project, self._placed)

    def _restore_place(self, video_id: int) -> None:
        """Back to a video shown before, in this session or an earlier one: its play head and the timeline's range
        as they were left (fitted to the video, should its file have changed: merstudio.gui.places.fit_place)."""
        place = self._places.get(video_id)
        if place is None and self.project is not None:
            place = stored_place(self.project, video_id)
        if place is None:
            return
        frame, rng = fit_place(place, self.timeline.frame_count)
        self.transport.seek(frame)
        if rng is not None:  # after the seek: its "keep the play head in view"
            self.timeline.au_plot.setXRange(*rng, padding=0)

    def _faces_menu(self, menu: QMenu) -> None:
        """How many faces the next analysis follows per frame: automatic, or a fixed number (a panel of five)."""
        from merstudio.analysis.pipeline import FACE_LIMIT_AUTO

        group = QActionGroup(menu)
        for n in (None, 1, 2, 4, 8, 16):
            # underlined: A, 1, 2, 4, 8 and 16's 6 (1 is taken)
            act = menu.addAction(f"&Automatic ({FACE_LIMIT_AUTO})" if n is None else "1&6" if n == 16 else f"&{n}")
            act.setCheckable(True)
            act.setChecked(n == self.analysis.max_faces)
            act.triggered.connect(lambda *_, n=n: self.analysis.set_max_faces(n))
            group.addAction(act)
        self.faces_menu = menu

    def _turn_menu(self, menu: QMenu) -> None:
        """How the current video's frames are turned before faces are found (a camera mounted upside down, a
        phone video without its rotation flag): automatic, or a fixed quarter turn. Per video, in the project."""
        group = QActionGroup(menu)
        acts = {}
        for deg in (None, 0, 90, 180, 270):
            act = menu.addAction("&Automatic" if deg is None else "As &recorded" if deg == 0
                                 else f"&{deg}° clockwise")
            act.setCheckable(True)

            def pick(*_: Any, d: int | None = deg) -> None:  # None: a slot returning a bool trips PySide6
                self.ctx.execute(C.TurnVideo, turn=d)

            act.triggered.connect(pick)
            group.addAction(act)
            acts[deg] = act

        def show() -> None:  # the current video's choice
            current = self.analysis.turn()
            for deg, act in acts.items():
                act.setChecked(deg == current)
                act.setEnabled(self.video is not None)

        menu.aboutToShow.connect(show)
        show()
        self.turn_menu = menu

    def _video_list_menu(self, pos: Any) -> None:
        it = self.video_list.itemAt(pos)
        if it is None:
            return
        menu = QMenu(self)
        vid = it.data(Qt.ItemDataRole.UserRole)
        menu.addAction("Set subject…", lambda: self.ctx.execute(C.SetVideoSubject, video_id=vid))
        menu.exec(self.video_list.viewport().mapToGlobal(pos))

    def refresh_video_list(self) -> None:
        self.video_list.clear()
        if self.project is None:
            return
        from merstudio.project.subjects import subjects

        named = subjects(self.project)
        for v in self.project.videos():
            what = "photo" if v.frame_count == 1 else f"{v.frame_count} frames, {v.fps:g} fps"
            if v.id in named:
                what += f"; subject {named[v.id]}"
            it = QListWidgetItem(f"{v.name}  ({what})")
            it.setData(Qt.ItemDataRole.UserRole, v.id)
            it.setToolTip(literal_tip(v.path))
            self.video_list.addItem(it)
        self.video_list.show_current(self.video.id if self.video is not None else None)  # once in the list

    def _build_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.session.recent_projects()
        for p in recent:
            act = self.recent_menu.addAction(menu_text(p))  # a path is shown as written: & is no Alt mark
            act.triggered.connect(lambda *_, p=p: None if self.ctx.execute(C.OpenProject, path=p) else None)
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear list")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(lambda *_: remembered.forget_recent(self, self.qsettings))

    # ================================================================== changes made by others
    def _watch_disk(self) -> None:
        """The timer's look: the video shown replaced on disk (said once); a read-only project's writer committed
        (its edits reloaded)."""
        if line := self.session.opener.changed_line():
            self.statusBar().showMessage(line, 30000)
        proj = self.project
        if proj is None or not proj.read_only:
            return
        changed, results = self.store_watch.look(proj, self.video)
        if changed:
            self._reload(results)
            self.statusBar().showMessage(f"{proj.path.name} changed elsewhere ({proj.read_only_reason}): read again",
                                         5000)

    def refresh(self) -> None:
        """View > Reload from the project file (F5): what :meth:`_reload` reads, the stored results included."""
        proj = self.project
        if proj is None:
            return
        self._reload(results=True)
        self.store_watch.forget()  # the watch starts again from what is shown now
        self.statusBar().showMessage(f"{proj.path.name} read again", 5000)

    def _reload(self, results: bool) -> None:
        """Read the project again: the video list, the current video's events and behaviour events and, with
        ``results``, its stored results. The play head, the zoom and the selection stay."""
        self.refresh_video_list()
        self.coding.reload()
        self.behaviours.reload()
        if results:
            self.analysis.load()

    # ================================================================== the play head and the picture
    def _frame_changed(self, frame: int) -> None:
        self.video_view.want(frame, self.transport.playing)
        self.timeline.set_playhead(frame)
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self._update_labels()

    def _show_loading(self, frame: int) -> None:
        """The seeked frame has not arrived yet: say so over the old picture."""
        self.video_view.set_loading(frame)  # nothing is said while the picture is that frame's (ShownFrame.marked)

    def _frame_failed(self, index: int, message: str) -> None:
        if index == self.transport.current_frame:
            # the picture shown is another frame's: it stays dimmed, labelled, not shown as frame `index`
            self.video_view.set_loading(index, failed=True)
        self.statusBar().showMessage(message, 5000)

    def _frame_ready(self, index: int, rgb: Any) -> None:
        self.video_view.set_frame(index, rgb)  # clears the loading label when it is the play head's or the run's
        overlay, follow = self.overlay_action.isChecked(), self.follow_action.isChecked()
        if (overlay or follow) and self.project is not None and self.video is not None:
            if self.session.compacting:  # the read would wait on the VACUUM's lock, the window frozen: drawn after
                self.video_view.set_faces({})  # not the last frame's faces over this picture meanwhile
                return
            faces = self.project.landmarks(self.video.id, index)
            if overlay:
                self.video_view.set_faces(faces, {tid: self._face_note(tid, index) for tid in faces})
            if follow:
                face = self.selected_face()
                self.video_view.follow_face(faces.get(face) if face is not None else None)

    def _face_note(self, face: int, frame: int) -> str:
        """The AUs marked present on this face in this frame and the regions hidden (features.aus.face_note): as
        the AU lane shows them, relative to the face's neutral frames while View > AUs relative to neutral is on."""
        from merstudio.features.aus import face_note

        if self.analysis.buffer is None:
            return ""

        def value(col: str) -> float | None:
            arr = self.neutral.column(face, col)
            return float(arr[frame]) if arr is not None and 0 <= frame < len(arr) else None

        return face_note(value, still=self.frame_count == 1)

    def _toggle_follow(self) -> None:
        on = self.follow_action.isChecked()
        self.video_view.set_following(on)
        if on:
            if self.selected_face() is None:
                self.statusBar().showMessage("Follow face: run the analysis first (it finds the faces)", 5000)
            self.transport.request_current()

    def _toggle_overlay(self) -> None:
        self.video_view.set_overlay_visible(self.overlay_action.isChecked())
        if self.overlay_action.isChecked():
            self.transport.request_current()

    def play_selection(self) -> None:
        """Play the selected event (else the timeline's selection, else the I..O marks): once, or looped (Ctrl+L)."""
        c = self.coding
        rng = selection_range(c.events, c.selected_event_id, self.timeline.selection, c.marks.onset, c.marks.offset)
        if self.video is None or rng is None:
            self.statusBar().showMessage("Select an event, drag a selection or mark I and O first", 4000)
            return
        self.transport.play_range(rng)

    def _playback_changed(self) -> None:
        self.play_button.setText("⏸" if self.transport.playing else "▶")
        self.play_button.setAccessibleName("pause" if self.transport.playing else "play")
        self._update_labels()

    # ================================================================== analysis
    def _analysis_running(self, on: bool) -> None:
        if on:
            self.progress_bar.setFormat("analysis %p%")
        self.progress_bar.setVisible(on)
        # at once, not at the first rows: Ctrl+R while it runs would only say "already running"
        self.run_action.setEnabled(not on and self.video is not None)
        self._update_cancel()
        self._update_labels()  # the lane's hint says "Analysing…", the toolbar's Analyse greys out

    def _update_cancel(self) -> None:
        """Ctrl+. is offered while a run goes (or waits for its checkpoint) and while a re-run's checkpoint loads."""
        self.cancel_action.setEnabled(self.analysis.worker is not None or self.analysis.rerun_starting is not None)

    def _progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)

    def _analysis_finished(self, status: str) -> None:
        self.video_view.set_turn(self.analysis.view_turn())  # an automatic run may have found the faces upside down
        if self._fill_faces():  # the face seen most (unless the coder picked one), now that every frame is in
            self._show_face()
        self.coding.reload()
        self.transport.request_current()  # the face overlay for this frame exists now
        n = sum(1 for e in self.coding.events if e.status == "proposal")
        notes = list(self.analysis.last_warnings)  # e.g. an upside-down camera, turned; a resting face
        buf = self.analysis.buffer
        if status == "complete" and buf is not None and not buf.faces:
            from merstudio.features.aus import NO_FACE_REASON

            notes.append(f"no face found ({NO_FACE_REASON})")
        faces = len(buf.faces) if buf is not None else 0
        details = ""
        if self.frame_count == 1 and faces:  # a photo: nothing is spotted in one frame, so no proposals to review
            lead = f"Analysis {status}: a photo, {faces} face{'s' if faces != 1 else ''} (each face's AUs on its " \
                   "label; click a face, or pick it in the face list, for its values)"
            msg = lead + ("; " + "; ".join(notes) if notes else "")
        elif status == "cancelled":
            msg, details = self._cancelled_line(n, notes)
        elif notes:  # what the run says comes first, each in a few words (the review keys are in the Coding menu)
            head = f"Analysis {status}, {n} proposal{'s' if n != 1 else ''}: "
            src = self.session.source
            details = head + "; ".join(notes)
            msg = head + "; ".join(short_note(t, src.path) for t in notes) if src is not None else details
        else:
            msg = f"Analysis {status}: {n} proposal{'s' if n != 1 else ''} to review (N next, Y accept, X reject)"
        # all of it on hover
        self.status_bar.showMessage(msg, 15000 if notes else 8000, details or msg)

    def _cancelled_line(self, n: int, notes: list[str]) -> tuple[str, str]:
        """A cancelled run's status line and its hover text: where it stopped and which frames its ``n`` proposals
        are of, said in the line itself (read from the worker's note, not repeated as one), the review keys only
        when there is something to review, and, when this run replaced a run that was not complete either (the
        re-run's undo step is on top), that Undo brings that one back."""
        done: int | None = None
        total = self.frame_count or None
        rest = []
        for t in notes:  # gui/workers.py writes one of these two first
            if m := _FRAMES_NOTE.fullmatch(t):
                done, total = int(m[1]) + 1, int(m[2]) if m[2] else total
            elif t == _NO_FRAMES_NOTE:
                done = 0
            else:
                rest.append(t)
        if done is None:  # no note: the frames the window holds
            done = self.buffer.frames_done if self.buffer is not None else 0
        s = "s" if n != 1 else ""
        if not done:
            line = "Analysis cancelled before any frame was analysed: no proposals"
        elif n:
            line = (f"Analysis cancelled at frame {done}{f' of {total}' if total else ''}: {n} proposal{s} for "
                    f"frames 0-{done - 1} (N next, Y accept, X reject)")
        else:
            line = f"Analysis cancelled at frame {done}{f' of {total}' if total else ''}: no proposals in frames " \
                   f"0-{done - 1}"
        if self._rerun_undoable():
            line += "; the previous run is kept: Edit > Undo (Ctrl+Z) brings it back"
        src = self.session.source
        short = [short_note(t, src.path) for t in rest] if src is not None else rest
        return "; ".join([line, *short]), "; ".join([line, *rest])

    def _rerun_undoable(self) -> bool:
        """Whether the last undo step is the re-run of the current video (its previous run kept for Undo)."""
        from merstudio.gui.undo import RerunAnalysisCommand

        stack, video = self.undo_stack, self.video
        top = stack.command(stack.index() - 1) if stack.index() > 0 else None
        return video is not None and isinstance(top, RerunAnalysisCommand) and top.video_id == video.id

    # ================================================================== curves
    def _buffer_changed(self) -> None:
        # another buffer: the timeline drops the curves of columns it lacks (the last run's class curves) and redraws
        # the others in place
        self._fill_faces()
        self.face_pictures.update()
        vis = self.project.get_setting("visible_aus") if self.project is not None else None
        self.timeline.visible_aus = vis
        if hasattr(self, "first_run"):
            self.first_run.update()  # before drawing: blind coding hides the model's curves (gui/coders.py)
        # no curves because the stored ones are being read (a long video's): the lanes say loading, not "analyse"
        self.timeline.set_loading(self.analysis.buffer is None and self.analysis.loading)
        self.timeline.set_buffer(self.analysis.buffer, self.selected_face())
        self._draw_photo_chart()
        if hasattr(self, "neutral"):
            self.neutral.update()

    def _rows_added(self) -> None:
        buf = self.analysis.buffer
        if buf is not None and self.face_combo.count() != len(buf.faces) and self._fill_faces():
            self._show_face()  # a newcomer outgrew the face shown (before the coder picked one)

    def _fill_faces(self) -> bool:
        """The face list from the buffer; the coder's pick stays, else the main face is chosen. True when the
        chosen face changed."""
        buf = self.analysis.buffer
        self.face_combo.blockSignals(True)
        cur = self.face_combo.currentData()
        self.face_combo.clear()
        faces = buf.face_ids() if buf is not None else []
        self._follow_picked_face(buf)
        for f in faces:  # with how much of the video it is in (counted when the list is filled: new faces, the end)
            n = buf.frames_seen(f) if buf is not None else 0
            self.face_combo.addItem(str(f) if self.frame_count == 1 else face_entry(f, n), f)
            if f in self.face_pictures.icons:
                self.face_combo.setItemIcon(self.face_combo.count() - 1, self.face_pictures.icons[f])
        pick = self._picked_face if self._picked_face in faces else buf.main_face() if buf is not None else None
        if pick is not None:
            self.face_combo.setCurrentIndex(faces.index(pick))
        self.face_combo.blockSignals(False)
        if buf is not None and self.timeline.face is None and pick is not None:
            self.timeline.face = pick
        self.video_view.selected_face = pick
        return cur is not None and pick != cur

    def _follow_picked_face(self, buf: Any) -> None:
        """The run shown is another than the one the coder picked a face in (a re-run, its undo or redo): the pick
        becomes the face that is the same person in it, as a re-run moves a coded event (same_person_faces: their
        boxes around the play head), else the face nearest its box at the play head, else the face seen most. A
        re-run numbers the people otherwise: the same number may be someone else now. While a run of this video
        streams in, it waits for its end (the boxes to compare are not all there yet)."""
        proj, video, worker = self.project, self.video, self.analysis.worker
        if self._picked_face is None or proj is None or video is None or buf is None or self.session.compacting:
            return
        if worker is not None and worker.video_id == video.id:
            return
        run = proj.analysis(video.id)
        now = run.id if run is not None else None
        if now is not None and self._picked_run not in (None, now):
            # back to a run shown before (the re-run undone, redone): the face it showed, not a guess from the other
            self._picks[self._picked_run] = self._picked_face
            face = self._picks.get(now)
            if face is None:
                face = same_face(proj, video.id, self._picked_run, now, self._picked_face,
                                 self.transport.current_frame)
            self._picked_face = face if face is not None else buf.main_face()
        self._picked_run = now

    def _set_face_pictures(self) -> None:
        for i in range(self.face_combo.count()):
            icon = self.face_pictures.icons.get(self.face_combo.itemData(i))
            self.face_combo.setItemIcon(i, icon if icon is not None else QIcon())

    def _face_menu(self, face: int, at: QPoint) -> None:
        # popup, not exec: no nested event loop while a run streams rows (kept for the tests to read)
        self.face_popup = face_menu(self, face)
        self.face_popup.popup(at)

    def selected_face(self) -> int | None:
        return self.face_combo.currentData()

    def pick_face(self, face: int, say: bool = True) -> None:
        """Show this face's curves, as choosing it in the face list does (a click on its box in the video, an event
        of that face selected). ``say``: tell the status bar."""
        i = self.face_combo.findData(face)
        if i >= 0 and i != self.face_combo.currentIndex():
            self.face_combo.setCurrentIndex(i)  # _face_changed: the coder's pick
            if say:
                self.statusBar().showMessage(f"face {face}: its curves in the timeline", 4000)

    def step_face(self, step: int) -> None:
        """Show the next (step > 0) or previous face of the face box, wrapping (View > Face shown), as picking it
        in the box does; the status bar names it."""
        n = self.face_combo.count()
        if n == 0:
            self.statusBar().showMessage("No faces yet: run the analysis (Ctrl+R) to find them", 4000)
            return
        i = (max(0, self.face_combo.currentIndex()) + step) % n
        face = self.face_combo.itemData(i)
        self.pick_face(face, say=False)
        self.statusBar().showMessage(f"face {face} ({i + 1} of {n}): its curves in the timeline", 4000)

    def _face_changed(self, _i: int) -> None:
        self._picked_face = self.selected_face()  # the coder chose it (the list is filled with its signals blocked)
        self._picks.clear()
        if self.project is not None and self.video is not None and not self.session.compacting:
            run = self.project.analysis(self.video.id)  # a face of the run shown (one streaming in included)
            self._picked_run = run.id if run is not None else None
        self._show_face()

    def _show_face(self) -> None:
        self.timeline.set_buffer(self.analysis.buffer, self.selected_face())
        self._draw_photo_chart()
        self.video_view.selected_face = self.selected_face()
        if self.follow_action.isChecked():  # follow the newly chosen face, at its own size
            self.video_view.set_following(True)
        self.transport.request_current()  # its box drawn bolder (and followed)
        self.neutral.update()

    def set_overlay_visible(self, name: str, on: bool) -> None:
        """Show or hide another table's values (View > Overlay curves): dashed curves, or a photo's outlined bars."""
        self.timeline.set_overlay_visible(name, on)
        self._draw_photo_chart()

    def _draw_photo_chart(self) -> None:
        if self.below_video.currentWidget() is self.photo_chart:
            shown = {n: b for n, b in self.analysis.overlays.items() if n not in self.timeline.overlay_hidden}
            self.photo_chart.show_face(self.analysis.buffer, self.selected_face(), self.timeline.visible_aus, shown)

    def _au_columns(self) -> list[str]:
        buf = self.analysis.buffer
        return buf.au_columns("_r") if buf is not None else []

    def _build_au_menu(self) -> None:
        self.au_menu.clear()
        cols = self._au_columns()
        shown = set(cols if self.timeline.visible_aus is None else self.timeline.visible_aus)
        for c in cols:
            act = self.au_menu.addAction(c[:-2])
            act.setCheckable(True)
            act.setChecked(c in shown)
            act.toggled.connect(lambda on, c=c: self.set_au_visible(c, on))
        if not cols:
            self.au_menu.addAction("(run the analysis first)").setEnabled(False)

    def set_au_visible(self, col: str, on: bool) -> None:
        cols = self._au_columns()
        shown = list(cols if self.timeline.visible_aus is None else self.timeline.visible_aus)
        shown = [c for c in cols if (c in shown and c != col) or (c == col and on)]
        self.timeline.set_visible_aus(shown)
        self._draw_photo_chart()
        if self.project is not None and not self.project.read_only:
            self.project.set_setting("visible_aus", shown)

    def activity(self) -> Any:
        """The current face's activity curve (where a marked event's apex goes)."""
        return self.analysis.activity(self.timeline.face)

    def _build_overlay_menu(self) -> None:
        self.overlay_menu.clear()
        for name in self.timeline.overlays:
            act = self.overlay_menu.addAction(menu_text(name))
            act.setCheckable(True)
            act.setChecked(name not in self.timeline.overlay_hidden)
            act.toggled.connect(lambda on, n=name: self.set_overlay_visible(n, on))
        if not self.timeline.overlays:
            self.overlay_menu.addAction("(none: File > Import OpenFace or py-feat CSV, or fine-tune)").setEnabled(False)

    # ================================================================== events
    _timeline_events: list[Event] | None = None  # the coding's events the timeline was last given

    def _events_changed(self) -> None:
        c = self.coding
        self._draw_timeline_events()
        self.table.model_.set_events(c.events, self.fps, self.transport.playback.timebase)
        self.table.select_event(c.selected_event_id)
        dlg = self.finetune_dialog
        if dlg is not None and dlg.isVisible() and not dlg.is_running():
            dlg.update_data()  # its count of coded events follows the coding
        agree = self.agreement_dialog
        if agree is not None and agree.isVisible() and self.video is not None:
            # the report (and what Save CSV writes) follows every edit, undo and import; a new coder is offered.
            # A switch with Videos on "all videos" changes nothing it is of: the dialog compares agreement_version
            agree.events_changed(lambda: self.agreement_coders(all_videos=True))  # read only if recomputed

    def _selection_shown(self) -> None:
        c = self.coding
        ev = c.find(c.selected_event_id)
        if ev is not None:  # a proposal or event of another person: show that face's curves
            self.pick_face(ev.face_id, say=False)
        if c.events is self._timeline_events:  # the events it shows: only the highlight moves
            self.timeline.select_event(c.selected_event_id)
        else:
            self._draw_timeline_events()
        self.table.select_event(c.selected_event_id)

    def _draw_timeline_events(self) -> None:
        c = self.coding
        self.timeline.set_events(c.events, c.selected_event_id)
        self._timeline_events = c.events

    def filter_events(self) -> None:
        """Edit > Filter events (Ctrl+F): the Events dock shown and in front, its filter field given the focus."""
        self.events_dock.show()
        self.events_dock.raise_()
        self.events_pane.focus_filter()

    def _row_double_clicked(self, _index: Any) -> None:
        self.ctx.execute(C.EditEvent)

    def _row_clicked(self, index: Any) -> None:
        ev = self.table.model_.events[index.row()]
        self.coding.select(ev.id, seek=True)

    def _row_current(self, current: Any, _previous: Any) -> None:
        # only the user's moves (the table has focus): a reload or select_event also moves the current row
        if not self.table.hasFocus() or not current.isValid() or current.row() >= len(self.table.model_.events):
            return
        ev = self.table.model_.events[current.row()]
        if ev.id != self.coding.selected_event_id:
            self.coding.select(ev.id, seek=True)

    def _region_edited(self, event_id: int, onset: int, offset: int) -> None:
        # deferred: the region that emitted this is rebuilt by the edit, so do not remove it inside its own signal
        QTimer.singleShot(0, lambda: self.coding.apply_region(event_id, onset, offset))

    def _selection_changed(self, sel: Any) -> None:
        if sel is not None:
            self.statusBar().showMessage(f"Selected frames {sel[0]}-{sel[1]}: press C to make an event", 4000)

    def set_coder(self, name: str) -> None:
        self.coding.set_coder(name)
        self._update_labels()

    def set_coder_view(self, on: bool) -> None:
        """View > Events by coder: each coder's events on its own lane below the events track."""
        self.coder_view_action.setChecked(on)
        self.timeline.set_coder_view(on)

    # ================================================================== agreement, fine-tuning
    # (project, its events_version, {video id: the coders with events there}, its coded records, {video id or None:
    # coders}): read once per change of the events, without reading the events themselves (every video's events
    # read on the GUI thread held the window 1.3-2.7 s at each opening and Recompute on a year's project)
    _agreement_read: tuple[Any, Any, dict[int, set[str]], dict[int, list[str]], dict[int | None, list[str]]] | None \
        = None
    # (what it is of: agreement_version and the choices, the report): the last report computed, shown at once when
    # the dialog is opened again on the same choices with the events unchanged (it took 109 s again on a year's
    # project, the closed dialog's report discarded with it)
    _agreement_kept: tuple[tuple[Any, ...], Any] | None = None

    def _agreement_coders_read(self) -> tuple[dict[int, set[str]], dict[int, list[str]], dict[int | None, list[str]]]:
        """{video id: the coders with an event there that is not rejected}, the coded records and a cache of
        agreement_coders, as the project holds them now. The events' coders are read as distinct (video, coder,
        source) rows (~20 ms at 19,600 events, where reading the events takes 0.3-2.7 s); the report's worker reads
        the events themselves (compute_agreement)."""
        from merstudio.agreement.report import coder_of

        proj = self.project
        assert proj is not None
        got, version = self._agreement_read, proj.events_version()
        if got is None or got[0] is not proj or got[1] != version:
            by_video: dict[int, set[str]] = {}
            for vid, coder, source in proj.event_coders():  # coder_of: the one rule of whom an event counts for
                by_video.setdefault(vid, set()).add(coder_of(Event(vid, 0, 0, 0, coder=coder, source=source)))
            got = self._agreement_read = (proj, version, by_video, proj.coded(), {})
        return got[2], got[3], got[4]

    def agreement_version(self, all_videos: bool = False) -> tuple[Any, ...]:
        """What the agreement report of this video (or all) is of: the same value, the same report."""
        proj, video = self.project, self.video
        return (id(proj), proj.events_version() if proj is not None else None,
                None if all_videos or video is None else video.id)

    def agreement_coders(self, all_videos: bool = False) -> list[str]:
        if self.project is None:
            return []
        vids = None if all_videos or self.video is None else self.video.id
        by_video, coded, known = self._agreement_coders_read()
        if vids not in known:
            have = set().union(*by_video.values()) if vids is None else by_video.get(vids, set())
            # and those recorded as having coded the video with no event in it (an imported file of theirs that
            # found nothing): the agreement compares them, the others' events counting as their misses
            recorded = coded if vids is None else {vids: coded.get(vids, [])}
            known[vids] = sorted(have | {c for cs in recorded.values() for c in cs})
        return list(known[vids])

    def compute_agreement(self, coders: list[str], tolerance: int = 3, iou: float = 0.5,
                          all_videos: bool = False, all_coded: bool = False) -> Any:
        """What makes the agreement report for the current video (or all), with imported OpenFace tables compared by
        ICC (and kappa on presence; py-feat tables by kappa alone): the function returned reads the events and the
        rest through a read-only snapshot of the project of its own and computes, so the agreement dialog runs it in
        a worker (1-2 s at 6,000 events froze the window; reading a year's events here, 1.3-2.7 s). The last report
        made is kept (``_agreement_kept``): asked again of the same events and choices, it is returned itself, at
        once."""
        from merstudio.agreement import agreement_report
        from merstudio.project.snapshot import read_snapshot

        video_id = self.require_video().id
        proj = self.project
        assert proj is not None
        key = (self.agreement_version(all_videos), tuple(coders), int(tolerance), float(iou), bool(all_videos),
               bool(all_coded))
        if self._agreement_kept is not None and self._agreement_kept[0] == key:
            return self._agreement_kept[1]  # the report itself: the dialog shows it at once

        def make(cancel: Callable[[], bool] | None = None, progress: Callable[[int, int], None] | None = None) -> Any:
            """``cancel``, ``progress``: agreement_report's (the dialog stops a computation nobody waits for)."""
            kept = self._agreement_kept  # made meanwhile by a closed dialog's computation, left to finish
            if kept is not None and kept[0] == key:
                return kept[1]
            report = made(cancel, progress)
            if self.project is proj:  # (not of a project closed meanwhile)
                self._agreement_kept = (key, report)  # one kept: the one before is freed
            return report

        def made(cancel: Callable[[], bool] | None, progress: Callable[[int, int], None] | None) -> Any:
            reader = read_snapshot(proj)  # in the worker: a request replaced before it started opens none
            try:
                # read here, in the worker, from the snapshot: the GUI thread reads no event (0.3-2.7 s on a year's
                # project). The snapshot is no older than agreement_version in the key (read when it was asked for):
                # an edit meanwhile is in the report, and the dialog marks it out of date all the same
                events = reader.events()
                vids = [v.id for v in reader.videos()] if all_videos else [video_id]
                tables: dict[int, dict[str, Any]] = {}
                for v in vids:
                    for o in reader.overlays(v):
                        if o.kind in ("openface", "pyfeat"):
                            tables.setdefault(v, {})[o.name] = reader.load_overlay(v, o.name)
                # all videos: none named, so a video not coded by two of them is noted, not refused (as the CLI
                # without --video); named, one such video refused the whole report
                return agreement_report(reader, video_ids=None if all_videos else vids, coders=coders,
                                        tolerance=tolerance, iou=iou, frame_tables=tables or None,
                                        all_coded=all_coded, events=events, cancel=cancel, progress=progress)
            finally:
                reader.close()

        return make

    def show_agreement(self, coders: list[str] | None = None, tolerance: int | None = None,
                       iou: float | None = None, all_videos: bool | None = None,
                       all_coded: bool | None = None) -> None:
        from merstudio.gui.agreement_dialog import AgreementDialog

        self.require_video()
        if self.agreement_dialog is not None:
            self.agreement_dialog.close()
            self.agreement_dialog.deleteLater()
        dlg = AgreementDialog(self.compute_agreement, self.agreement_coders(all_videos=True), self,
                              save=lambda: self.ctx.execute(C.SaveAgreementCSV),
                              video_names=lambda: {v.id: v.name for v in self.project.videos()} if self.project else {},
                              # ticked by default: the coders with events on the chosen videos
                              coders_for=lambda all_videos: self.agreement_coders(all_videos=all_videos),
                              version=self.agreement_version)
        self.agreement_dialog = dlg
        dlg.set_choices(coders=coders, tolerance=tolerance, iou=iou, all_videos=all_videos, all_coded=all_coded)
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
        self.follow_project()  # the dialog's default folders are the project's
        an = self.analysis  # the one owner of the model in use: the dialog reads it and asks it for the new one
        dlg = FinetuneDialog(self.project.path, ckpt, self, finetune_fn=self.finetune_fn, project=self.project,
                             model_in_use=lambda: an.checkpoint_loading or an.checkpoint)
        dlg.rerunRequested.connect(lambda path: self.ctx.execute(C.RerunPredictions, path=path))
        dlg.useRequested.connect(lambda path: self.ctx.execute(C.LoadCheckpoint, path=path, confirmed=True))
        dlg.stopped.connect(lambda line: self.statusBar().showMessage(line, 15000))
        dlg.finetuned.connect(lambda path: self.statusBar().showMessage(
            f"Fine-tuned {Path(path).name} saved; not in use yet: Use this model in the fine-tuning dialog", 10000))
        # queued: a load's end is announced before the model is set (AnalysisControl._use), read it after
        an.checkpointLoading.connect(dlg.show_model_in_use, Qt.ConnectionType.QueuedConnection)
        self.finetune_dialog = dlg
        dlg.show()

    # ================================================================== exports
    def export_progress(self, done: int, total: int) -> None:
        self.progress_bar.setFormat("export %p%")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)
        self.progress_bar.show()
        QApplication.processEvents()  # exports run on the GUI thread; keep the bar painting

    def _export_running(self, text: str, _tip: str = "") -> None:
        for kind in C.IN_WORKER:
            self.export_actions[kind].setEnabled(not text)

    @property
    def spreadsheet_safe(self) -> bool:
        """File > Export > Spreadsheet-safe CSV is on."""
        return self.spreadsheet_safe_action.isChecked()

    @property
    def decimal_comma(self) -> bool:
        """File > Export > Decimal comma is on (spreadsheet-safe CSVs with ';' and 0,5)."""
        return self.decimal_comma_action.isChecked()

    def export_done(self, paths: list[Path], made_safe: int | None = None) -> None:
        """``paths`` written. ``made_safe``: the cells the export's worker made spreadsheet-safe; None (an export
        written at once): its tables are made so here when the option is on."""
        if made_safe is None:
            made_safe = make_tables_safe(paths, self.decimal_comma) if self.spreadsheet_safe else 0
            self.exports.made_safe = made_safe  # a note shown after this line says it too
        self.last_exports = list(paths)
        if self.worker is None:
            self.progress_bar.hide()
        else:  # the bar is the running analysis' again
            self.progress_bar.setFormat("analysis %p%")
        self.statusBar().showMessage("Exported " + ", ".join(str(p) for p in paths) + safe_note(made_safe), 8000)

    def follow_project(self) -> None:
        """Follow the project file if it was moved or renamed while open (Session.follow_project), said in the
        status bar."""
        line = self.session.follow_project()
        if line:
            self.statusBar().showMessage(line, 8000)

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # back from a file manager, where the project may have been renamed: the title names it as it is now
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and hasattr(self, "session"):
            self.follow_project()
        super().changeEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        for front, back in self._tabs_pending:
            self.tabifyDockWidget(front, back)
            front.raise_()
        self._tabs_pending.clear()
        # once, with the frame the window manager adds (known now), unless the size was set since (a script's)
        if self._chosen_size is not None and self.size() == self._chosen_size:
            fit_screen(self)
        self._chosen_size = None  # later the user's size stands

    # ================================================================== closing
    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # the project file gone (its work kept with Save As, or not, or stay), a fine-tuning running (Keep training
        # keeps the window)
        if not self.session.keep_lost_work(window=True):  # a re-encoding too: the window's close stops it
            event.ignore()
            return
        remembered.save_layout(self, self.qsettings)
        self.shutdown()
        super().closeEvent(event)

    def ask_stop_analysis(self, question: str) -> bool:
        """A running analysis the close would stop: Stop (True) or Keep analysing (False, also Escape). Tests patch
        it: a modal box hangs a test."""
        return ask(self, question, [("stop", "Stop", QMessageBox.ButtonRole.DestructiveRole),
                                    ("keep", "Keep analysing", QMessageBox.ButtonRole.RejectRole)],
                   default="keep", escape="keep") == "stop"

    def ask_stop_reencode(self, question: str) -> bool:
        """A copy File > Re-encode is making, which the close would stop: Stop (True) or Keep re-encoding (False,
        also Escape). Tests patch it: a modal box hangs a test."""
        return ask(self, question, [("stop", "Stop", QMessageBox.ButtonRole.DestructiveRole),
                                    ("keep", "Keep re-encoding", QMessageBox.ButtonRole.RejectRole)],
                   default="keep", escape="keep") == "stop"

    def ask_lost_project(self, question: str) -> str:
        """The project's file was deleted or moved away while open: "save" (Save As), "discard" or "cancel"."""
        answer = ask(self, question, [("save", "Save As…", QMessageBox.ButtonRole.AcceptRole),
                                      ("discard", "Discard", QMessageBox.ButtonRole.DestructiveRole), CANCEL],
                     icon=QMessageBox.Icon.Warning, default="save")
        return answer or "cancel"

    def shutdown(self) -> None:
        """Stop every thread and close the project (idempotent). A running export stops at its next step, its old
        files kept (gui/exports.py); a checkpoint loading is dropped once its load ends."""
        self.closing = True  # what a worker read for a command meanwhile is dropped (commands.ReadDropped)
        self.keep_place()  # while the transport still shows the video (its shutdown lets go of it)
        self.exports.shutdown()
        stop_reencoding(self)
        self.analysis.shutdown()
        self.transport.shutdown()
        self.session.close_project()
        for box in (self._error_box, self._info_box):
            if box is not None and isValid(box):  # (one the coder closed is gone already)
                box.close()
        self._error_box = self._info_box = None


def _keep(texts: list[str], message: str) -> None:
    """`message` appended to `texts`, which keeps its last MESSAGES_KEPT."""
    texts.append(message)
    del texts[:-MESSAGES_KEPT]


def same_face(project: Project, video_id: int, old_run: int, new_run: int, face: int, frame: int) -> int | None:
    """The face of ``new_run`` that is the person ``face`` is in ``old_run`` around ``frame``: the one whose boxes
    overlap theirs on the face's frames near it (merstudio.project.faces.same_person_faces, the rule a re-run moves
    coded events by), else the one whose box at ``frame`` is nearest to theirs (that person is not in the new run,
    or not there); None when neither run has a box to go by."""
    from merstudio.project.faces import NEAR_FRAMES, Coded, same_person_faces

    half = NEAR_FRAMES // 2
    near = Coded("face", 0, max(0, frame - half), frame + half, face)  # the frames around the play head
    found = same_person_faces(project, video_id, old_run, new_run, coded=[near])
    if found.moved:
        return found.moved[0][1]
    if not found.lost and not found.unchecked:
        return face  # the same person under the same number
    was = found.outlines.get((near.kind, near.id))  # their boxes in the old run, as a lost event's are kept
    now = project.run_boxes(new_run, [frame]).get(frame)
    if not was or not now:
        return None
    _f, *box = min(was, key=lambda r: abs(r[0] - frame))

    def apart(b: Any) -> float:  # between the boxes' centres
        return float(((b[0] + b[2]) - (box[0] + box[2])) ** 2 + ((b[1] + b[3]) - (box[1] + box[3])) ** 2)

    return min(sorted(now), key=lambda f: apart(now[f]))
