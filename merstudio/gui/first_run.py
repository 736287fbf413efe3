"""What a first-time user sees: a toolbar (open video, open project, analyse, play, speed) whose tooltips name the
keys, an empty state over the video area when nothing is open (Open video / Open project / Try the demo and the
keys to know), and a hint on the timeline's AU lane that says what to do next (open a video, press Ctrl+R to
analyse, or that the stored analysis is loading or the analysis is running).

``FirstRun(window)`` builds all of it; the window calls ``update()`` whenever what is open or what is stored may
have changed (labels refreshed, curves replaced). Nothing here owns state: it reads the window's."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui import commands as C
from merstudio.gui.plain_text import menu_text
from merstudio.gui.state import SPEEDS

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

# the keys a first-time user needs, shown on the empty state (the full list: docs/gui.md)
FIRST_KEYS = (
    ("Ctrl+Shift+O / Ctrl+O", "open a video / a project"),
    ("Ctrl+R", "analyse the video (AU curves, micro-motion, proposals)"),
    ("Space, Left / Right", "play / pause, one frame"),
    ("J / K / L", "slower / pause / faster"),
    ("I / A / O", "mark onset / apex / offset (O makes the event)"),
    ("N / Y / X", "next proposal / accept / reject"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
)

HINT_NO_VIDEO = "Open a video (Ctrl+Shift+O) or a project (Ctrl+O) to start"
HINT_MISSING = "The project's video is missing: locate it (above), or choose another in the Videos list"
START_TITLE = "Start by opening a video or a project"
START_SUB = ("A video gets its own project beside it (<video>.merproj) with its analysis and your coding; every edit "
             "is saved at once.")
HINT_NOT_ANALYSED = "Press Ctrl+R to analyse this video: the AU curves, micro-motion and proposals appear here"
HINT_LOADING = "Loading the stored analysis…"
HINT_RUNNING = "Analysing… the curves grow here as frames are processed (Ctrl+. cancels)"


def run_demo(win: MainWindow) -> bool:
    """Open the bundled demo clip with the starter model (what `merstudio demo` does)."""
    from merstudio.gui.app import start_demo
    from merstudio.resources import demo_video

    if not win.ctx.execute(C.OpenVideo, path=str(demo_video())):
        return False
    start_demo(win)
    return True


class EmptyState(QScrollArea):
    """Drawn over the video area while no video is open: what to do first, as big buttons, and the keys. Its fonts
    follow the application's (fixed 15/20 px made the title smaller than a 16-pt text), its colours the palette's
    (a fixed #fafafa was a light slab on a dark theme), and it scrolls where the area is too small for it (a
    200%-scaled laptop cut the keys off)."""

    def __init__(self, win: MainWindow, over: QWidget) -> None:
        super().__init__(over)
        self.setObjectName("empty_state")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        page = QWidget(self)
        page.setBackgroundRole(QPalette.ColorRole.Window)
        page.setAutoFillBackground(True)
        self.setWidget(page)
        pt = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 9.0
        pad = self.fontMetrics().height() // 3
        self.setStyleSheet(f"QPushButton {{ padding: {pad}px {pad}px; }}")  # big buttons, at the font in use
        col = QVBoxLayout(page)
        col.addStretch(2)
        title = QLabel(START_TITLE, page)
        self.title = title
        title.setObjectName("empty_title")
        title.setTextFormat(Qt.TextFormat.PlainText)  # it names files: "<b>x<!--.mp4" is a name, not markup
        title.setFont(_scaled(self.font(), pt * 1.4, bold=True))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        col.addWidget(title)
        sub = QLabel(START_SUB, page)
        self.sub = sub
        sub.setTextFormat(Qt.TextFormat.PlainText)
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setWordWrap(True)
        col.addWidget(sub)
        row = QHBoxLayout()
        row.addStretch(1)
        x = win.ctx.execute
        self.open_video = QPushButton("Open video…", page)
        self.open_video.setToolTip("Open a video file or an image-sequence folder (Ctrl+Shift+O)")
        self.open_video.clicked.connect(lambda: x(C.OpenVideo))
        self.open_project = QPushButton("Open project…", page)
        self.open_project.setToolTip("Open a .merproj project (Ctrl+O)")
        self.open_project.clicked.connect(lambda: x(C.OpenProject))
        self.demo = QPushButton("Try the demo", page)
        self.demo.setToolTip("The bundled synthetic interview clip, analysed with the starter model (synthetic "
                             "faces only)")
        self.demo.clicked.connect(lambda: run_demo(win))
        # a project open whose video is missing (its "Where is …?" dialog cancelled): the way back to it
        self.locate = QPushButton("Locate the video…", page)
        self.locate.clicked.connect(self._locate)
        self.locate.hide()
        self.missing: tuple[int, str] | None = None
        self.win = win
        for b in (self.locate, self.open_video, self.open_project, self.demo):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys keep working
            row.addWidget(b)
        self.open_video.setDefault(True)
        row.addStretch(1)
        col.addLayout(row)
        keys = "".join(f"<tr><td align='right'><b>{k}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
                       for k, what in FIRST_KEYS)
        self.keys = QLabel(f"<table cellspacing='3'>{keys}</table>", page)
        self.keys.setWordWrap(True)  # a narrow area wraps what a key does, not cuts it off
        # ... but only there: a wrapped label's own width hint is narrow (its lines broke with room to spare)
        doc = QTextDocument()
        doc.setDefaultFont(self.keys.font())
        doc.setHtml(self.keys.text())
        self.keys.setMaximumWidth(math.ceil(doc.idealWidth()) + 4)  # as wide as that where there is room (stretch)
        keys_row = QHBoxLayout()
        keys_row.addStretch(1)
        keys_row.addWidget(self.keys, 100)
        keys_row.addStretch(1)
        col.addSpacing(12)
        col.addLayout(keys_row)
        col.addStretch(3)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys keep working
        over.installEventFilter(self)
        self.setGeometry(over.rect())

    def follow(self, project: str | None, missing: tuple[int, str] | None) -> None:
        """Say what is open: nothing (start here), or a project whose video is missing (its name, and a button to
        locate it: the window said "Start by opening a video or a project" with the project open), or a project
        with no video shown."""
        self.missing = missing if project is not None else None
        if project is None:
            self.title.setText(START_TITLE)
            self.sub.setText(START_SUB)
        elif self.missing is not None:
            self.title.setText(f"{project} is open: its video {self.missing[1]} is missing")
            self.sub.setText(self._missing_text(self.missing[0]))
            self.locate.setText(f"Locate {menu_text(self.missing[1])}…")
        else:
            self.title.setText(f"{project} is open")
            self.sub.setText("Choose a video in the Videos list, or open a video to add it to this project.")
        self.locate.setVisible(self.missing is not None)
        self.locate.setDefault(self.missing is not None)
        self.open_video.setDefault(self.missing is None)
        self.demo.setVisible(project is None)

    def _missing_text(self, video_id: int) -> str:
        """Why the video is missing, as the project sees it (Project.missing_reason): it said "moved, renamed or
        deleted" of a file re-encoded in place, which is where the project says, and can be attached."""
        proj = self.win.project
        try:
            why = f": {proj.missing_reason(video_id)}" if proj is not None else ""
        except KeyError:  # removed meanwhile
            why = ""
        return (f"Changed or moved{why}. Locate it: a re-encoded copy with the same frames keeps its events and "
                "analysis, and the project's other missing videos are looked for in that folder too. Or choose "
                "another video in the Videos list.")

    def _locate(self) -> None:
        if self.missing is not None:
            vid, name = self.missing
            self.win.ctx.execute(C.LocateVideo, video_id=vid, name=name)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())  # type: ignore[attr-defined]
        return False


def _scaled(font: QFont, pt: float, bold: bool = False) -> QFont:
    f = QFont(font)
    f.setPointSizeF(pt)
    f.setBold(bold)
    return f


class FirstRun:
    """The toolbar, the empty state and the timeline hint of one window."""

    def __init__(self, win: MainWindow) -> None:
        self.win = win
        x = win.ctx.execute
        tb = QToolBar("Toolbar", win)
        tb.setObjectName("main_toolbar")  # saveState needs a name
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar = tb

        def add(text: str, tip: str, slot: Any) -> Any:
            act = tb.addAction(text)
            act.setToolTip(tip)
            act.triggered.connect(lambda *_: slot())
            return act

        # no shortcuts here: the menu actions own the keys (two actions with one key would make it ambiguous)
        self.open_video = add("Open video…", "Open a video file or image folder (Ctrl+Shift+O)",
                              lambda: x(C.OpenVideo))
        self.open_project = add("Open project…", "Open a .merproj project (Ctrl+O)", lambda: x(C.OpenProject))
        tb.addSeparator()
        self.analyse = add("Analyse", "Run the analysis of this video (Ctrl+R; Ctrl+. cancels)",
                           lambda: x(C.RunAnalysis))
        self.play = add("▶ Play", "Play / pause (Space); Left / Right step one frame", win.transport.toggle_play)
        self.speed = QComboBox(tb)
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setToolTip("Playback speed (J slower, L faster, K pause)")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.currentIndexChanged.connect(self._speed_picked)
        tb.addWidget(QLabel(" speed ", tb))
        tb.addWidget(self.speed)
        win.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)

        self.empty = EmptyState(win, win.video_view)
        self.hint = pg.TextItem("", color="#37474f", anchor=(0.5, 0.5))
        font = self.hint.textItem.font()
        font.setPointSize(11)
        self.hint.setFont(font)
        win.timeline.au_plot.addItem(self.hint, ignoreBounds=True)
        win.timeline.au_plot.vb.sigRangeChanged.connect(lambda *_: self._place_hint())
        self._state: tuple[Any, ...] = ()
        # other views that follow what is open (the model note, the coder filter): called from update()
        self.followers: list[Callable[[], None]] = []
        self.update()

    def _speed_picked(self, i: int) -> None:
        speed = self.speed.itemData(i)
        if speed is not None and speed != self.win.speed:
            self.win.transport.set_speed(float(speed))

    def hint_text(self) -> str:
        """What the AU lane says while it has nothing to draw ('' once there are curves)."""
        win = self.win
        if win.video is None:
            return HINT_MISSING if win.project is not None and win.session.missing is not None else HINT_NO_VIDEO
        # a long video's stored analysis read after a switch: HINT_NOT_ANALYSED (or "Not analysed yet") there invited
        # a re-run that replaces it; as the heat-map and motion lanes say (timeline.LOADING)
        loading = win.buffer is None and win.analysis.loading
        if win.worker is not None:
            if getattr(win.worker, "video_id", win.video.id) != win.video.id:  # another video is analysed
                buf = win.buffer
                if buf is not None and buf.columns:
                    return ""
                if loading:
                    return HINT_LOADING
                return (f"Not analysed yet: {win.analysis.video_name(win.worker.video_id)} is being analysed "
                        "(one video at a time); press Ctrl+R here when it is done")
            buf = win.buffer
            return "" if buf is not None and buf.frames_done else HINT_RUNNING
        buf = win.buffer
        if loading:
            return HINT_LOADING
        if buf is None or not buf.columns:
            return HINT_NOT_ANALYSED
        return ""

    def update(self) -> None:
        """Follow the window: empty state shown with no video, the hint, play text, speed, enabled actions.
        Cheap when nothing changed (it runs on every frame of playback)."""
        win = self.win
        for follow in self.followers:
            follow()
        playing = win.transport.playing
        # Analysis > Run analysis (Ctrl+R): a video to analyse, and no run going (or waiting for its checkpoint)
        win.run_action.setEnabled(win.video is not None and win.worker is None)
        proj = win.project
        missing = win.session.missing if proj is not None else None
        state = (win.video is None, self.hint_text(), playing, win.speed, win.worker is None,
                 proj is not None and proj.read_only, win.frame_count <= 1, proj.path.name if proj else None, missing)
        if state == self._state:
            return
        self._state = state
        no_video, hint, _, speed, idle, read_only, still, name, _ = state
        if no_video:
            self.empty.follow(name, missing)
        self.empty.setVisible(no_video)
        if no_video:
            self.empty.raise_()
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        if hint:
            self._place_hint()
        self.play.setText("⏸ Pause" if playing else "▶ Play")
        self.play.setEnabled(not no_video and not still)  # a photo: nothing to play, as the transport says
        self.analyse.setEnabled(not no_video and idle and not read_only)
        i = self.speed.findData(speed)
        if i >= 0 and i != self.speed.currentIndex():
            self.speed.blockSignals(True)
            self.speed.setCurrentIndex(i)
            self.speed.blockSignals(False)

    def _place_hint(self) -> None:
        """In the middle of the AU lane's visible range (it follows zoom and pan)."""
        if not self.hint.isVisible():
            return
        (x0, x1), (y0, y1) = self.win.timeline.au_plot.vb.viewRange()
        self.hint.setPos((x0 + x1) / 2.0, (y0 + y1) / 2.0)
