"""User-defined behaviours (ELAN tiers, a BORIS ethogram) beside the fixed emotion/AU fields.

Coding > Behaviours… edits the project's list (name, key, colour, point or state); each change is saved at once
and is one undo step. Pressing a behaviour's key codes it at the play head: a point behaviour makes a one-frame
event; a state behaviour starts an event on the first press and ends it at the play head on the next (an event
being coded is drawn to the video's end, paler). Every coding press is one undo step. The events are drawn on a
"behaviours" lane under the events track, one row per behaviour, listed in the Behaviours dock (a click selects one
and seeks to its start), and exported with the events (ELAN: one tier per behaviour and coder; CSV: a
``<name>_behaviours.csv`` beside the events file). Blind coding and hidden coders apply as to the events.

Editing, as in ELAN: click an event on the lane (or its row) to select it; drag its edges or body to change its
frames; Coding > Edit behaviour event… (or Return / E with it selected, or a double-click on its row) changes its
behaviour (to another of the same kind), frames or note; Delete removes the selected one (Shift+Delete: the selected
one, else the one under the play head; from its table, the row that took its place is selected next). Each edit is
one undo step ("Edit behaviour 'gaze away' 120–180")."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from shiboken6 import isValid

from merstudio.errors import InputError
from merstudio.gui.coders import visible_events
from merstudio.gui.commands import AppCommand, CommandContext, Params, frame_seen
from merstudio.gui.events_table import list_style
from merstudio.gui.look import ERROR_COLOUR, fit_screen, on_window, readable
from merstudio.gui.numbers import WholeBox, unread_line
from merstudio.gui.plain_text import literal_tip, menu_text
from merstudio.gui.state import timecode
from merstudio.gui.timeline import PLAYHEAD_COLOUR
from merstudio.gui.timeline_items import FrameRegion, LegendBox, RatioLine, TippedBars, frame_cell
from merstudio.gui.undo import ProjectCommand
from merstudio.io.timebase import Timebase
from merstudio.project import Behaviour, BehaviourEvent, Project

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

# Keys the window's parts use themselves, not through a menu action (so reserved_keys' scan of the shortcuts missed
# them): a behaviour on one took it from them, as a window shortcut comes first (Down coded "look down" in the events
# table instead of moving the row; Tab stopped moving the focus). The tables and lists move their row on the arrows,
# Home / End and PgUp / PgDown with any modifier (Shift+Down, Alt+PgDown, Ctrl+Home all did), Tab with any modifier
# moves the focus; Return, Enter, Space, Esc, Delete and Backspace play, edit and delete.
_NAVIGATION = {
    **dict.fromkeys((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home,
                     Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown),
                    "moving the row in the tables and lists"),
    **dict.fromkeys((Qt.Key.Key_Tab, Qt.Key.Key_Backtab), "moving the keyboard's focus"),
}
_EDITING = dict.fromkeys((Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Escape,
                          Qt.Key.Key_Delete, Qt.Key.Key_Backspace), "playing, editing and deleting")


def navigation_use(seq: QKeySequence) -> str | None:
    """What the app's own widgets do with a one-key sequence (see _NAVIGATION), or None."""
    combo = seq[0]  # type: ignore[index]  # QKeySequence::operator[]: not in the stubs
    key, mods = combo.key(), combo.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if key in _NAVIGATION:
        return _NAVIGATION[key]
    return _EDITING[key] if key in _EDITING and mods == Qt.KeyboardModifier.NoModifier else None


LANE_ROW = 20  # the lane's row in the timeline's layout: below every built-in track (empty rows take no room)
WHITE = QColor("white")  # the timeline's lanes' background
LABEL_PAD = 2.0  # px between the legend column's left edge and a row's name
# the rows' names widen the legend column (every lane narrows with it) up to this share of the timeline's width; a
# longer name is elided there, whole in its tooltip. Never narrower than the other lanes' legends (legend_width):
# a fixed 180 px cut a 20-pt user's names to a few letters
NAME_COLUMN_SHARE = 0.3
PALETTE = ("#5e35b1", "#00897b", "#f4511e", "#3949ab", "#c0ca33", "#8e24aa", "#6d4c41", "#039be5")
Notify = Callable[[], None]


# ---------------------------------------------------------------------------------------------------- undo
class _ReplaceCommand(ProjectCommand):
    """Replace `before` by `after` in the project (None on one side: add or delete); undo swaps them back. A
    redo after an add keeps the record the first do stored (its id)."""

    before: Any
    after: Any

    def _set(self, old: Any, new: Any) -> Any:
        raise NotImplementedError

    def _do(self) -> None:
        got = self._set(self.before, self.after)
        if got is not None:
            self.after = got

    def _undo(self) -> None:
        self._set(self.after, self.before)


class BehaviourCommand(_ReplaceCommand):
    """Add (before None), change, or delete (after None) a behaviour; each do/undo is one transaction."""

    def __init__(self, project: Project, before: Behaviour | None, after: Behaviour | None, notify: Notify) -> None:
        what = (after or before).name  # type: ignore[union-attr]
        verb = "Add" if before is None else "Delete" if after is None else "Edit"
        super().__init__(f"{verb} behaviour {what}", project, notify)
        self.before, self.after = before, after

    def _set(self, old: Behaviour | None, new: Behaviour | None) -> Behaviour | None:
        if new is None:
            assert old is not None and old.id is not None
            self.project.delete_behaviour(old.id)
            return None
        if old is None:
            return self.project.add_behaviour(new)  # keeps new.id on a redo
        return self.project.update_behaviour(new)


class BehaviourEventCommand(_ReplaceCommand):
    """Add (before None), change (end a state, an edit) or delete (after None) a behaviour event; its undo or redo
    on another video opens that video (``video_id``), as an event's does."""

    def __init__(self, project: Project, before: BehaviourEvent | None, after: BehaviourEvent | None,
                 notify: Notify, text: str) -> None:
        super().__init__(text, project, notify)
        self.before, self.after = before, after
        self.video_id = (after or before).video_id  # type: ignore[union-attr]

    def _set(self, old: BehaviourEvent | None, new: BehaviourEvent | None) -> BehaviourEvent | None:
        if new is None:
            assert old is not None and old.id is not None
            self.project.delete_behaviour_event(old.id)
            return None
        if old is None:
            return self.project.add_behaviour_event(new)
        return self.project.update_behaviour_event(new)


# ---------------------------------------------------------------------------------------------------- lane
class BehaviourLane:
    """The "behaviours" track of the timeline: one row per behaviour; states as bars, points as ticks; a region
    over each event selects it (click) and changes its frames (drag)."""

    def __init__(self, timeline: Any, edited: Callable[[int, int, int], Any], clicked: Callable[[int], Any]) -> None:
        self.timeline = timeline
        self._edited, self._clicked = edited, clicked
        # one region per event over its bar or tick: the handle that selects (click) and edits (drag) it, the
        # events track's mechanism (timeline_items.FrameRegion); drawn transparent but for the selected one
        self.regions: dict[int, FrameRegion] = {}
        self._pool: list[FrameRegion] = []
        self.plot = timeline._track(LANE_ROW, "behav.", height=1)  # a short lane: the full word does not fit
        self.plot.getAxis("left").setTicks([[]])
        # "[key] name" of each row beside it in the legend column (the axis is too narrow): over the lane's left end
        # the names hid the states and points there (a state from frame 2 to 60 was not drawn at all) and the play
        # head cut through them; the legend column's cell comes and goes (and collapses) with the lane
        self.key = LegendBox()
        self.key.setFixedWidth(timeline.legend_width)
        self.key.setFlag(self.key.GraphicsItemFlag.ItemClipsChildrenToShape, True)
        self.key.on_double_click = lambda: timeline._user_collapse(self.plot)
        timeline.ci.addItem(self.key, row=LANE_ROW, col=1)
        timeline.legend_boxes[self.plot] = self.key
        self.labels: list[pg.TextItem] = []
        self.plot.vb.sigRangeChanged.connect(lambda *_: self._place_labels())
        self.plot.vb.sigResized.connect(lambda *_: self._place_labels())
        # the layout may place the cell after the lane, or move the lane without resizing it (scrolled to the end
        # at 200 %: the names kept the lane's old place, "[1] gaze away" cut at the cell's top)
        self.key.geometryChanged.connect(self._place_labels)
        self.plot.geometryChanged.connect(self._place_labels)
        self.plot.vb.geometryChanged.connect(self._place_labels)
        self.plot.setYRange(0, 1, padding=0)
        self.plot.invertY(True)
        self.plot.setXLink(timeline.au_plot)
        # the states' outlines and the play head as thick at 200 % as at 100 % (ratio_pen), as the other lanes'
        self.bars = TippedBars(x0=np.zeros(0), width=np.zeros(0), y0=np.zeros(0), height=np.zeros(0),
                               pen=pg.mkPen("#424242", width=0.5))
        self.points = pg.ScatterPlotItem(symbol="t", size=9, pen=pg.mkPen("#212121", width=0.5))
        self.plot.addItem(self.bars)
        self.plot.addItem(self.points)
        line = RatioLine(0, pen=pg.mkPen(PLAYHEAD_COLOUR, width=2), movable=True,
                         hoverPen=pg.mkPen("#ff6d00", width=3))  # (the other lanes' play heads: _build_playheads)
        line.setZValue(100)
        line.sigDragged.connect(timeline._playhead_dragged)
        self.plot.addItem(line, ignoreBounds=True)
        timeline.playheads.append(line)  # follows the play head like the other tracks'
        self.rows: list[str] = []
        self._names: list[tuple[str, QColor]] = []  # each row's "[key] name" and its text's colour
        self._drawn: list[str] = []  # the names as drawn (elided where the column is short)
        timeline._show_track(self.plot, False)

    def draw(self, behaviours: list[Behaviour], events: list[BehaviourEvent], frame_count: int,
             selected: int | None = None) -> None:
        tl = self.timeline
        tl._show_track(self.plot, bool(behaviours))
        tl.set_lane_rows(self.plot, len(behaviours))
        row = {b.id: i for i, b in enumerate(behaviours)}
        by_id = {b.id: b for b in behaviours}
        states = [e for e in events if e.behaviour_id in row and by_id[e.behaviour_id].kind == "state"]
        points = [e for e in events if e.behaviour_id in row and by_id[e.behaviour_id].kind == "point"]
        brushes = []
        for e in states:
            c = QColor(by_id[e.behaviour_id].colour)
            c.setAlpha(80 if e.open else 200)
            brushes.append(pg.mkBrush(c))
        end = [frame_count if e.offset is None else e.offset + 1 for e in states]
        self.bars.setOpts(x0=np.array([e.onset for e in states], dtype=np.float64) - 0.5,  # timeline_items.frame_cell
                          width=np.array([b - e.onset for e, b in zip(states, end, strict=True)], dtype=np.float64),
                          y0=np.array([row[e.behaviour_id] + 0.15 for e in states], dtype=np.float64),
                          height=np.full(len(states), 0.7), brushes=brushes)
        self.points.setData(x=np.array([e.onset for e in points], dtype=np.float64),
                            y=np.array([row[e.behaviour_id] + 0.5 for e in points], dtype=np.float64),
                            brush=[pg.mkBrush(by_id[e.behaviour_id].colour) for e in points])
        self.rows = [b.name for b in behaviours]
        self.plot.setYRange(0, max(1, len(behaviours)), padding=0)
        self._draw_regions([e for e in events if e.behaviour_id in row and e.id is not None], by_id, row,
                           frame_count, selected)
        while len(self.labels) < len(behaviours):
            # on opaque white (the lanes' background, whatever the theme's), in the lanes' tick font (a fixed 7 pt
            # beside a big font's values)
            item = pg.TextItem("", anchor=(0, 0.5), fill=pg.mkBrush("w"))
            # no margin: a row is the line's height + 2 px (LaneSizes.row), the 4-px margin's white covered the
            # descenders of the name above ("[1] gaze away" read "aaze awav" at 200 %)
            item.textItem.document().setDocumentMargin(0)
            item.setFont(tl.tick_font)
            item.setParentItem(self.key)
            self.labels.append(item)
        self._names = [(f"[{b.key}] {b.name}" if b.key else b.name, readable(QColor(b.colour), WHITE))
                       for b in behaviours]
        self._drawn = []
        self._place_labels()

    def _fit_names(self) -> None:
        """The legend column as wide as the longest name needs (in the lanes' tick font), legend_width at the least
        and NAME_COLUMN_SHARE of the timeline at the most; a name longer than that cut with an ellipsis (not at the
        column's edge), whole in its tooltip."""
        tl = self.timeline
        fm = QFontMetrics(tl.tick_font)
        margin = 2 * self.labels[0].textItem.document().documentMargin() if self.labels else 0.0
        need = math.ceil(max((fm.horizontalAdvance(text) for text, _c in self._names), default=0) + LABEL_PAD
                         + margin + 1)
        width = max(tl.legend_width, min(need, round(NAME_COLUMN_SHARE * tl.width())))
        if width != round(self.key.maximumWidth()):
            self.key.setFixedWidth(width)
        room = width - LABEL_PAD - margin
        drawn = [text if fm.horizontalAdvance(text) <= room
                 else fm.elidedText(text, Qt.TextElideMode.ElideRight, int(room)) for text, _c in self._names]
        if drawn == self._drawn:
            return
        self._drawn = drawn
        for item, shown, (text, colour) in zip(self.labels, drawn, self._names, strict=False):
            item.setText(shown, color=colour)
            item.setToolTip(literal_tip(text) if shown != text else "")

    def _draw_regions(self, events: list[BehaviourEvent], by_id: dict[int | None, Behaviour],
                      row: dict[int | None, int], frame_count: int, selected: int | None) -> None:
        while len(self._pool) < len(events):
            r = FrameRegion(self._edited, self._clicked)
            self.plot.addItem(r)
            self._pool.append(r)
        self.regions = {}
        n = max(1, len(row))
        for r, e in zip(self._pool, events, strict=False):
            b = by_id[e.behaviour_id]
            on = e.id == selected
            edge, fill, hover = QColor(b.colour), QColor(b.colour), QColor(b.colour)
            fill.setAlpha(90 if on else 0)
            hover.setAlpha(60)
            edge.setAlpha(255 if on else 120)
            r.item_id = e.id
            r.setSpan((row[e.behaviour_id] + 0.1) / n, (row[e.behaviour_id] + 0.9) / n)  # its row (y is inverted)
            r.setBrush(fill)
            r.setHoverBrush(hover)
            for line in r.lines:
                line.setPen(pg.mkPen(edge, width=3 if on else 1))
            r.setBounds(frame_cell(0, frame_count - 1))  # never dragged off the video
            r.set_frames(e.onset, frame_count - 1 if e.offset is None else e.offset)
            # a point moves as a whole (it stays one frame); an open state only by its start (it has no end yet)
            r.setMovable(b.kind == "state" and not e.open)  # the body and both edges
            if b.kind == "point":
                r.movable = True  # the body only: its edges stay fixed
                r.setAcceptHoverEvents(True)
            elif e.open:
                r.lines[0].setMovable(True)
            r.setZValue(10 if on else 5)
            r.setVisible(True)
            self.regions[e.id] = r  # type: ignore[index]
        for r in self._pool[len(events):]:
            r.item_id = None
            r.setVisible(False)

    def _place_labels(self) -> None:
        """Each row's name beside it in the legend column, level with the row; every n-th where the rows are
        squeezed below a name's height (a short window at a big font), never over each other."""
        vb, tl = self.plot.vb, self.timeline
        # the timeline closing (its scene deletes the lane before the cell) or destroyed with the window (dispose, a
        # stop signal: the lane's and the cell's geometryChanged come after the Timeline's C++ object is gone)
        if not isValid(tl) or tl.closed or not isValid(vb):
            return
        self._fit_names()  # (the timeline's width caps the column: it is resized with the lane)
        n = len(self.rows)
        px = vb.height()  # 0: not laid out yet (thinned when it is)
        step = max(1, math.ceil(self.timeline.sizes.row * n / px)) if n and px > 0 else 1
        for i, item in enumerate(self.labels):
            y = self.key.mapFromScene(vb.mapViewToScene(QPointF(0, i + 0.5))).y()
            item.setPos(LABEL_PAD, y)
            item.setVisible(i < n and i % step == 0)


# ---------------------------------------------------------------------------------------------------- controller
class Behaviours:
    """The behaviours of the open project: key actions, the lane, coding at the play head."""

    def __init__(self, win: MainWindow) -> None:
        self.win = win
        self.list: list[Behaviour] = []
        self.events: list[BehaviourEvent] = []  # the current video's, as shown (blind coding: the coder's own)
        self.key_actions: list[QAction] = []
        self._unbound_said: set[tuple[str, str]] = set()  # (behaviour, key) said once: not bound, the app uses it
        self.selected_id: int | None = None  # the selected behaviour event (lane and table)
        self.lane = BehaviourLane(win.timeline, self._region_edited, lambda eid: self.select(eid))
        self.dialog: BehavioursDialog | None = None
        self._key: tuple[Any, ...] | None = None
        c = win.menus["coding"]
        c.addSeparator()
        x = win.ctx.execute
        win._action(c, "&Behaviours… (your own tiers and keys)", lambda: x(EditBehaviours))
        # the keyboard's way to a behaviour event (the lane takes clicks): select it and go to its start, as , / .
        # do for coded events; then Edit behaviour event… and Shift+Del act on it
        win._action(c, "Ne&xt behaviour event", lambda: self.step(+1), "Alt+.")
        win._action(c, "&Previous behaviour event", lambda: self.step(-1), "Alt+,")
        win._action(c, "&Edit behaviour event…", lambda: x(EditBehaviourEvent))
        win._action(c, "&Delete the selected behaviour event (or the one at the play head)",
                    lambda: x(DeleteBehaviourEvent), "Shift+Del")
        self.table = BehaviourEventsTable(self)
        self.table.setAccessibleName("behaviour events")
        self.dock = win._dock("Behaviours", self.table, Qt.DockWidgetArea.RightDockWidgetArea)
        win.tabify_when_shown(win.events_dock, self.dock)
        win.menus["view"].addAction(self.dock.toggleViewAction())
        self.dock.toggleViewAction().setText("&Behaviours")  # its mnemonic (the dock's title has none)
        # one selection at a time, as in ELAN: picking a coded event drops the behaviour event's
        win.coding.selectionChanged.connect(lambda: self.select(None) if win.selected_event_id is not None else None)

    # ---------------------------------------------------------------- following the window
    def update(self) -> None:
        win = self.win
        view = getattr(win, "coders_view", None)
        shown = (view.blind, tuple(sorted(view.hidden))) if view is not None else None
        # the rate too: a folder's rate changed reopens the same video, and the table's times are read at it
        key = (id(win.project), win.video.id if win.video is not None else None, shown, win.coder, win.fps)
        if key != self._key:
            self._key = key
            self.reload()

    def reload(self) -> None:
        """Read the behaviours and the current video's behaviour events from the project; rebuild keys and lane."""
        win = self.win
        proj = win.project
        self.list = proj.behaviours() if proj is not None else []
        evs = proj.behaviour_events(win.video.id) if proj is not None and win.video is not None else []
        view = getattr(win, "coders_view", None)
        if view is not None:  # the events' rule: blind coding, hidden coders (gui/coders.py)
            evs = visible_events(evs, view.hidden, win.coder if view.blind else None, coder=lambda e: e.coder)
        self.events = evs
        if self.selected_id not in {e.id for e in evs}:
            self.selected_id = None
        self._rebuild_keys()
        self.lane.draw(self.list, self.events, win.frame_count, self.selected_id)
        self.table.fill(self.list, self.events, win.fps, self.selected_id, win.transport.playback.timebase)

    def find(self, event_id: int | None) -> BehaviourEvent | None:
        return next((e for e in self.events if e.id is not None and e.id == event_id), None)

    def stored(self, event_id: int | None) -> BehaviourEvent | None:
        """The behaviour event as the project holds it now (a face split, a re-run or an undo may have moved it since
        it was shown): steps are built from this, never from the copy shown. None: not shown, or gone."""
        proj, video = self.win.project, self.win.video
        if proj is None or video is None or self.find(event_id) is None:
            return None
        return next((e for e in proj.behaviour_events(video.id) if e.id == event_id), None)

    def name_of(self, ev: BehaviourEvent) -> str:
        return next((b.name for b in self.list if b.id == ev.behaviour_id), "behaviour")

    def select(self, event_id: int | None, seek: bool = False) -> None:
        """Select a behaviour event (None: none) on the lane and in the table; ``seek``: stop and go to its start.
        Selecting one drops the coded event's selection (Delete then deletes this one)."""
        ev = self.find(event_id)
        self.selected_id = ev.id if ev is not None else None
        if ev is not None and self.win.selected_event_id is not None:
            self.win.coding.select(None)
        self.lane.draw(self.list, self.events, self.win.frame_count, self.selected_id)
        self.table.select_event(self.selected_id)
        if seek and ev is not None:
            self.win.transport.go_to(ev.onset)

    def step(self, direction: int) -> None:
        """Select the next (direction > 0) or previous behaviour event shown and put the play head on its start:
        next to the selected one while the play head is on its start (events sharing a start each in turn), else
        the nearest start after (before) the play head (while playing, the picture shown: frame_seen). The status bar
        names it."""
        frame = frame_seen(self.win)
        order = sorted(self.events, key=lambda e: (e.onset, e.id or 0))
        sel = self.find(self.selected_id)
        if sel is not None and sel.onset == frame:
            at = (sel.onset, sel.id or 0)
            ahead = [e for e in order if ((e.onset, e.id or 0) > at if direction > 0 else (e.onset, e.id or 0) < at)]
        else:
            ahead = [e for e in order if (e.onset > frame if direction > 0 else e.onset < frame)]
        if not ahead:
            self.win.statusBar().showMessage("No next behaviour event" if direction > 0 else
                                             "No previous behaviour event", 3000)
            return
        ev = ahead[0] if direction > 0 else ahead[-1]
        self.select(ev.id, seek=True)
        where = (f"at frame {ev.onset}" if ev.offset == ev.onset else
                 f"frames {ev.onset}–{'…' if ev.offset is None else ev.offset}")
        self.win.statusBar().showMessage(f"{self.name_of(ev)}: {where} (Coding > Edit behaviour event…; Shift+Del "
                                         "deletes it)", 5000)

    def reserved_keys(self) -> dict[str, str]:
        """{key: what} of every shortcut the window already uses (a behaviour cannot take one): its actions', and
        the menu bar's Alt+letter (Alt+C opened the Coding menu, the behaviour never coded). The keys the widgets
        use themselves are navigation_use's."""
        mine = set(map(id, self.key_actions))
        out: dict[str, str] = {}
        for act in self.win.menuBar().actions():
            alt = QKeySequence.mnemonic(act.text()).toString()
            if alt:
                out[alt.casefold()] = f"the {act.text().replace('&', '')} menu"
        for act in self.win.actions():
            if id(act) in mine:
                continue
            for seq in act.shortcuts():
                out[seq.toString().casefold()] = act.text().replace("&", "")
        return out

    def check_key(self, key: str, behaviour_id: int | None = None) -> str:
        """The key in Qt's spelling ('' for none); InputError when it is not one key or the app uses it."""
        key = key.strip()
        if not key:
            return ""
        seq = QKeySequence(key)
        text = seq.toString()
        if seq.count() != 1 or not text:
            raise InputError(f"key {key!r}: not one key (e.g. 1, B, Shift+B)")
        taken = self.reserved_keys().get(text.casefold())
        if taken:
            raise InputError(f"key {text}: already used by “{taken}”")
        used = navigation_use(seq)
        if used:
            raise InputError(f"key {text}: already used for {used}")
        for b in self.list:
            if b.id != behaviour_id and b.key.casefold() == text.casefold():
                raise InputError(f"key {text}: already codes {b.name}")
        return text

    def _rebuild_keys(self) -> None:
        for act in self.key_actions:
            self.win.removeAction(act)
            act.deleteLater()
        self.key_actions = []
        reserved = self.reserved_keys()
        unbound: list[str] = []
        for b in self.list:
            if not b.key:
                continue
            # a key saved before the app refused it (Down, Tab, a menu's): bound, it codes instead of navigating
            used = reserved.get(b.key.casefold()) or navigation_use(QKeySequence(b.key))
            if used:
                if (b.name, b.key) not in self._unbound_said:
                    self._unbound_said.add((b.name, b.key))
                    unbound.append(f"{b.name} ({b.key}: {used})")
                continue
            act = QAction(f"Code {menu_text(b.name)}", self.win)
            act.setShortcut(QKeySequence(b.key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda *_, bid=b.id: self.win.ctx.execute(CodeBehaviour, behaviour_id=bid))
            self.win.addAction(act)
            self.key_actions.append(act)
        if unbound:
            self.win.show_info(f"behaviour key{'s' if len(unbound) > 1 else ''} not bound, the app uses "
                                 f"{'them' if len(unbound) > 1 else 'it'}: {'; '.join(unbound)}; give "
                                 f"{'them' if len(unbound) > 1 else 'it'} another in Coding > Behaviours…")

    # ---------------------------------------------------------------- edits (each one undo step)
    def _push(self, cmd: ProjectCommand) -> None:
        self.win.coding.push(cmd)

    def add(self, b: Behaviour) -> Behaviour:
        proj = self.win.require_writable()
        b = replace(b, key=self.check_key(b.key), position=b.position or len(self.list))
        cmd = BehaviourCommand(proj, None, b, self.reload)
        self._push(cmd)
        assert cmd.after is not None
        return cmd.after

    def edit(self, after: Behaviour) -> None:
        proj = self.win.require_writable()
        assert after.id is not None
        before = proj.behaviour(after.id)
        if before is None:
            raise InputError(f"behaviour {after.name}: no longer exists")
        after = replace(after, key=self.check_key(after.key, after.id))
        if after != before:
            self._push(BehaviourCommand(proj, before, after, self.reload))

    def delete(self, behaviour_id: int) -> None:
        proj = self.win.require_writable()
        b = proj.behaviour(behaviour_id)
        if b is None:
            return
        n = len(proj.behaviour_events(behaviour_id=behaviour_id))
        if n:
            raise InputError(f"behaviour {b.name}: has {n} coded event(s); delete them first (Shift+Delete at "
                             "each, or undo them)")
        self._push(BehaviourCommand(proj, b, None, self.reload))

    def code(self, behaviour_id: int, frame: int | None = None) -> BehaviourEvent | None:
        """The behaviour's key at the play head (while playing, at the picture shown: the coder pressed it at what
        they saw, and the clock's frame runs 1-2 ahead of it on a busy machine): a point event, or start / end a
        state event."""
        win = self.win
        video = win.require_video()
        proj = win.require_writable()
        coder = win.coding.require_coder()
        b = proj.behaviour(behaviour_id)
        if b is None:
            raise InputError("behaviour: no longer exists")
        f = frame_seen(win) if frame is None else int(frame)
        face = win.timeline.face or 0
        if b.kind == "point":
            ev = BehaviourEvent(video.id, behaviour_id, f, f, coder=coder, face_id=face)
            cmd = BehaviourEventCommand(proj, None, ev, self.reload, f"{b.name} at {f}")
            self._push(cmd)
            win.statusBar().showMessage(f"{b.name} at frame {f}", 3000)
            return cmd.after
        # the open state of this coder on the face shown: another face's is that person's own, left as it is
        open_ = [e for e in proj.behaviour_events(video.id, behaviour_id)
                 if e.open and e.coder == coder and (e.face_id or 0) == face]
        on = f" (face {face})" if face else ""
        if open_:
            cur = open_[-1]
            if f < cur.onset:
                win.statusBar().showMessage(f"{b.name}{on} started at frame {cur.onset}, after the play head: not "
                                            "ended", 4000)
                return None
            cmd = BehaviourEventCommand(proj, cur, replace(cur, offset=f), self.reload,
                                        f"End {b.name} {cur.onset}-{f}")
            self._push(cmd)
            win.statusBar().showMessage(f"{b.name}{on}: frames {cur.onset}-{f}", 3000)
            return cmd.after
        ev = BehaviourEvent(video.id, behaviour_id, f, None, coder=coder, face_id=face)
        cmd = BehaviourEventCommand(proj, None, ev, self.reload, f"Start {b.name} at {f}")
        self._push(cmd)
        win.statusBar().showMessage(f"{b.name}{on} started at frame {f}: press {b.key or 'its key'} again to end it",
                                    4000)
        return cmd.after

    def delete_at_playhead(self) -> bool:
        """Delete the latest shown behaviour event under the play head, while playing the picture shown (an open state
        counts from its start)."""
        win = self.win
        win.require_writable()
        f = frame_seen(win)
        here = [e for e in self.events if e.onset <= f and (e.offset is None or f <= e.offset)]
        if not here:
            win.statusBar().showMessage("No behaviour event at the play head", 3000)
            return False
        ev = max(here, key=lambda e: (e.onset, e.id or 0))
        assert ev.id is not None
        self.delete_event(ev.id)
        return True

    def delete_event(self, event_id: int) -> None:
        proj = self.win.require_writable()
        ev = self.stored(event_id)
        if ev is None:
            raise InputError("behaviour event: no longer exists")
        ids = self.table.ids
        row = ids.index(event_id) if self.table.hasFocus() and event_id in ids else None
        self._push(BehaviourEventCommand(proj, ev, None, self.reload, f"Delete {self.name_of(ev)} at {ev.onset}"))
        if row is not None and self.table.ids:  # from its table: the row that took its place (or the last)
            self.select(self.table.ids[min(row, len(self.table.ids) - 1)], seek=True)

    def edit_event(self, event_id: int, **changes: Any) -> BehaviourEvent | None:
        """Change a behaviour event's ``behaviour_id`` (to another behaviour of the same kind), ``onset``,
        ``offset`` (None: still open) or ``note``, as one undo step. Frames are clamped to the video; a point
        stays one frame. Returns the event as saved (None: nothing changed)."""
        win = self.win
        proj = win.require_writable()
        before = self.stored(event_id)
        if before is None:
            raise InputError("behaviour event: no longer exists")
        after = replace(before, **changes)
        old, b = proj.behaviour(before.behaviour_id), proj.behaviour(after.behaviour_id)
        if old is None or b is None:
            raise InputError("behaviour: no longer exists")
        if b.kind != old.kind:
            raise InputError(f"behaviour event: {old.name} is a {old.kind}, {b.name} a {b.kind}; choose another "
                             f"{old.kind} behaviour")
        if after.offset is not None and after.offset < after.onset:
            raise InputError(f"behaviour event: the end ({after.offset}) is before the start ({after.onset})")
        last = max(0, win.frame_count - 1)
        onset = min(max(0, int(after.onset)), last)
        offset = onset if b.kind == "point" else None if after.offset is None else min(max(onset, after.offset),
                                                                                          last)
        after = replace(after, onset=onset, offset=offset, note=after.note.strip())
        if after == before:
            self.reload()  # a drag that changed nothing: the region goes back
            return None
        end = "…" if offset is None else str(offset)
        cmd = BehaviourEventCommand(proj, before, after, self.reload, f"Edit behaviour '{b.name}' {onset}–{end}")
        self.selected_id = event_id
        self._push(cmd)
        win.statusBar().showMessage(f"{b.name}: frames {onset}–{end}", 3000)
        return cmd.after

    def _region_edited(self, event_id: int, onset: int, offset: int) -> None:
        # deferred, as for the events track: the edit redraws the lane, so not inside the region's own signal
        QTimer.singleShot(0, lambda: self._apply_drag(event_id, onset, offset))

    def _apply_drag(self, event_id: int, onset: int, offset: int) -> None:
        ev = self.find(event_id)
        if ev is None:
            return
        changes = {"onset": onset} if ev.open else {"onset": onset, "offset": offset}  # an open state stays open
        if not self.win.ctx.execute(EditBehaviourEvent, event_id=event_id, changes=changes):
            self.reload()  # refused (read-only) or not saved: the dragged region goes back


# ---------------------------------------------------------------------------------------------------- commands
class CodeBehaviour(AppCommand):
    """params: behaviour_id, optional frame (default: the play head)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.behaviours.code(int(params["behaviour_id"]), params.get("frame"))


class DeleteBehaviourEvent(AppCommand):
    """params: event_id (default: the selected behaviour event; with none, the one under the play head)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        bh = ctx.win.behaviours
        event_id = params.get("event_id", bh.selected_id)
        if event_id is None:
            bh.delete_at_playhead()
        else:
            bh.delete_event(int(event_id))


class EditBehaviourEvent(AppCommand):
    """params: event_id (default: the selected behaviour event) and changes ({behaviour_id, onset, offset,
    note}); without changes, the behaviour event dialog asks."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        bh = win.behaviours
        params.setdefault("event_id", bh.selected_id)
        ev = bh.find(params["event_id"])
        if ev is None:
            win.statusBar().showMessage("Select a behaviour event first (click it on the behaviours lane or in "
                                        "the Behaviours list)", 4000)
            return False
        win.require_writable()  # refused before the dialog, not after the user filled it in
        if "changes" in params:
            return True
        dlg = BehaviourEventDialog(ev, bh.list, win.frame_count, win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        params["changes"] = dlg.changes()
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.behaviours.edit_event(int(params["event_id"]), **params["changes"])


class EditBehaviours(AppCommand):
    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        ctx.win.require_writable()
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        dlg = BehavioursDialog(ctx.win)
        ctx.win.behaviours.dialog = dlg
        dlg.exec()
        ctx.win.behaviours.dialog = None


# ---------------------------------------------------------------------------------------------------- dialogs
class BehaviourForm(QDialog):
    """One behaviour's fields."""

    def __init__(self, b: Behaviour, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Behaviour" if b.id is None else f"Behaviour: {b.name}")
        self._b = b
        form = QFormLayout(self)
        self.name = QLineEdit(b.name, self)
        self.key = QLineEdit(b.key, self)
        self.key.setPlaceholderText("a key that codes it at the play head, e.g. 1 or B")
        self.kind = QComboBox(self)
        self.kind.addItem("state (press to start, press again to end)", "state")
        self.kind.addItem("point (one frame per press)", "point")
        self.kind.setCurrentIndex(0 if b.kind == "state" else 1)
        self.colour = QLineEdit(b.colour, self)
        pick = QPushButton("Pick…", self)
        pick.clicked.connect(self._pick)
        row = QHBoxLayout()
        row.addWidget(self.colour)
        row.addWidget(pick)
        form.addRow("Name", self.name)
        form.addRow("Key", self.key)
        form.addRow("Kind", self.kind)
        form.addRow("Colour", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pick(self) -> None:
        c = QColorDialog.getColor(QColor(self.colour.text()), self, "Behaviour colour")
        if c.isValid():
            self.colour.setText(c.name())

    def result_behaviour(self) -> Behaviour:
        return replace(self._b, name=self.name.text(), key=self.key.text(), kind=str(self.kind.currentData()),
                       colour=self.colour.text().strip())


BEHAVIOUR_ROWS = 6  # rows the Behaviours dialog shows before its table scrolls
BEHAVIOURS_LEAST = QSize(560, 360)  # its size at the default font (it was fixed: names and colours cut at 16 pt)


class BehavioursDialog(QDialog):
    """Coding > Behaviours…: the project's behaviours; Add / Edit / Delete save at once (each one undo step)."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.setWindowTitle("Behaviours")
        lay = self.box_layout = QVBoxLayout(self)
        note = self.note = QLabel("Your own tiers beside the emotion and AU fields: press a behaviour's key to code it "
                                  "at the play head. Every change is saved at once and can be undone with Ctrl+Z after "
                                  "closing this dialog.", self)  # (Ctrl+Z does nothing while it is open)
        note.setWordWrap(True)
        lay.addWidget(note)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["name", "key", "kind", "colour", "events"])
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # rows at the font
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        for text, slot in (("Add…", self.add), ("Edit…", self.edit_selected), ("Delete", self.delete_selected)):
            b = QPushButton(text, self)
            b.clicked.connect(lambda *_, s=slot: s())
            row.addWidget(b)
        row.addStretch(1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)
        self.buttons_row = row
        self.refresh()
        self.resize(self._natural_size())
        self._fitted = False

    def _natural_size(self) -> QSize:
        """Every column whole (names, colours) and BEHAVIOUR_ROWS rows at the app's font, BEHAVIOURS_LEAST at the
        least; fit_screen then caps it to the screen (the rows scroll): a fixed 560x360 cut them at 16 pt."""
        t = self.table
        m = self.box_layout.contentsMargins()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        head = t.horizontalHeader()
        columns = sum(max(t.sizeHintForColumn(c), head.sectionSizeHint(c)) for c in range(t.columnCount()))
        table = columns + t.verticalHeader().sizeHint().width() + bar + 2 * t.frameWidth()
        width = max(BEHAVIOURS_LEAST.width(), max(table, self.buttons_row.sizeHint().width()) + m.left() + m.right())
        inner = width - m.left() - m.right()
        rows = head.sizeHint().height() + BEHAVIOUR_ROWS * t.verticalHeader().defaultSectionSize()
        gaps = 2 * self.box_layout.spacing() + m.top() + m.bottom()
        height = self.note.heightForWidth(inner) + rows + 2 * t.frameWidth() + self.buttons_row.sizeHint().height()
        return QSize(width, max(BEHAVIOURS_LEAST.height(), height + gaps))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)

    def refresh(self) -> None:
        proj = self.win.project
        bs = proj.behaviours() if proj is not None else []
        counts = {b.id: len(proj.behaviour_events(behaviour_id=b.id)) for b in bs} if proj is not None else {}
        self.table.setRowCount(len(bs))
        for i, b in enumerate(bs):
            for j, text in enumerate((b.name, b.key, b.kind, b.colour, str(counts.get(b.id, 0)))):
                it = QTableWidgetItem(text)
                it.setData(Qt.ItemDataRole.UserRole, b.id)
                if j == 3:  # the hex name on the colour itself: black or white text, whichever reads there (the
                    # palette's text read at 1.4 to 3.0:1 on these colours, in light and dark themes alike)
                    bg = QColor(b.colour)
                    it.setBackground(bg)
                    it.setForeground(readable(self.table.palette().color(QPalette.ColorRole.Text), bg))
                self.table.setItem(i, j, it)
        self.table.resizeColumnsToContents()  # a name or colour whole, not "gaze …"

    def _selected(self) -> Behaviour | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.win.project is None:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None:
            return None
        bid = item.data(Qt.ItemDataRole.UserRole)
        return self.win.project.behaviour(int(bid))

    def _run(self, fn: Callable[[], Any]) -> None:
        """An edit with errors shown as one line (the dialog stays open)."""
        from merstudio.errors import MerstudioError

        try:
            fn()
        except MerstudioError as exc:
            self.win.show_error(str(exc))
        self.refresh()

    def add(self, behaviour: Behaviour | None = None) -> None:
        n = len(self.win.behaviours.list)
        b = behaviour
        if b is None:
            form = BehaviourForm(Behaviour("", key="", colour=PALETTE[n % len(PALETTE)]), self)
            if form.exec() != QDialog.DialogCode.Accepted:
                return
            b = form.result_behaviour()
        self._run(lambda: self.win.behaviours.add(b))

    def edit_selected(self, after: Behaviour | None = None) -> None:
        b = self._selected()
        if b is None:
            return
        if after is None:
            form = BehaviourForm(b, self)
            if form.exec() != QDialog.DialogCode.Accepted:
                return
            after = form.result_behaviour()
        final = after
        self._run(lambda: self.win.behaviours.edit(final))

    def delete_selected(self) -> None:
        b = self._selected()
        if b is not None and b.id is not None:
            bid = b.id
            self._run(lambda: self.win.behaviours.delete(bid))


class BehaviourEventDialog(QDialog):
    """Coding > Edit behaviour event…: its behaviour (one of the same kind), start, end (a state: or still open)
    and note."""

    def __init__(self, ev: BehaviourEvent, behaviours: list[Behaviour], frame_count: int, parent: Any = None) -> None:
        super().__init__(parent)
        kind = next((b.kind for b in behaviours if b.id == ev.behaviour_id), "state")
        self.point = kind == "point"
        self.setWindowTitle("Behaviour event")
        form = QFormLayout(self)
        self.behaviour = QComboBox(self)
        for b in behaviours:
            if b.kind == kind:
                self.behaviour.addItem(b.name, b.id)
        self.behaviour.setCurrentIndex(max(0, self.behaviour.findData(ev.behaviour_id)))
        last = max(0, frame_count - 1)
        self.onset = WholeBox(self, what="frame number")
        self.offset = WholeBox(self, what="frame number")
        for spin, value in ((self.onset, ev.onset), (self.offset, ev.offset if ev.offset is not None else ev.onset)):
            spin.setRange(0, max(last, value))
            spin.setValue(value)
        self.still_open = QCheckBox("still open (no end yet)", self)
        self.still_open.setChecked(ev.open)
        self.still_open.toggled.connect(self._still_open)
        self.offset.setEnabled(not ev.open and not self.point)
        self.still_open.setVisible(not self.point)
        self.note = QLineEdit(ev.note, self)
        form.addRow("Behaviour", self.behaviour)
        form.addRow("Start frame", self.onset)
        form.addRow("End frame" + (" (a point: its start)" if self.point else ""), self.offset)
        form.addRow("", self.still_open)
        form.addRow("Note", self.note)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._order_said = False  # the red line says the frames are out of order
        for spin in (self.onset, self.offset):
            spin.textValid.connect(self.validate)  # `1.5` typed: said and OK off, not the old frame taken in silence
            spin.valueChanged.connect(self.validate)  # a frame taken (Enter, leaving the field): its order checked
            spin.lineEdit().textEdited.connect(self._order_typed)
        self.validate()

    def _still_open(self, on: bool) -> None:
        self.offset.setEnabled(not on)
        self.validate()  # an end not used is not asked

    def _order_typed(self) -> None:
        # frames out of order are said once taken (never of the `1` on the way to `15`), then follow the typing: the
        # line goes, and OK is on again, as soon as the frames typed are in order (as the event dialog, h311)
        if self._order_said:
            self.validate()

    def accept(self) -> None:
        # OK clicked with the focus left in a frame box (a Mac's OK takes none): its text is not taken, so validate()
        # last ran on the frame before it; checked here on the values changes() reads, the dialog stays open with the
        # note typed rather than the edit failing after it closed (a117 finding 3)
        if self.validate():
            return
        super().accept()

    def validate(self) -> str:
        """'' when the frames typed are frames in order, else the one line why (shown, and OK is disabled)."""
        msg = unread_line((("Start frame", self.onset), ("End frame", self.offset)))
        start, end = self.onset.value(), self.offset.value()
        # a point's end is its start, and a state still open has none: only an end in use is checked
        self._order_said = not msg and not self.point and not self.still_open.isChecked() and end < start
        if self._order_said:
            msg = f"End frame: {end} is before the Start frame ({start}); type an end at or after the start"
        self.problem.setText(msg)
        self.problem.setVisible(bool(msg))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not msg)
        return msg

    def changes(self) -> dict[str, Any]:
        onset = self.onset.value()
        offset = onset if self.point else None if self.still_open.isChecked() else self.offset.value()
        return {"behaviour_id": int(self.behaviour.currentData()), "onset": onset, "offset": offset,
                "note": self.note.text()}


# ---------------------------------------------------------------------------------------------------- the list
EVENT_COLUMNS = ("behaviour", "coder", "start", "end", "frames", "start time", "duration", "note")


class BehaviourEventsTable(QTableWidget):
    """The Behaviours dock: the current video's behaviour events as shown (blind coding, hidden coders); a click
    selects one and seeks to its start, a double-click (or Return / E, the window's Edit event) edits it."""

    def __init__(self, owner: Behaviours) -> None:
        super().__init__(0, len(EVENT_COLUMNS), owner.win)
        self.owner = owner
        self.setHorizontalHeaderLabels(list(EVENT_COLUMNS))
        list_style(self)  # as the events table
        self.ids: list[int | None] = []
        self.clicked.connect(lambda index: owner.select(self.ids[index.row()], seek=True))
        self.doubleClicked.connect(lambda *_: owner.win.ctx.execute(EditBehaviourEvent))
        self.currentCellChanged.connect(self._current_changed)

    def _current_changed(self, row: int, *_: int) -> None:
        # the keyboard moves the current row too: that is the selected event (Delete acts on it), as a click makes
        # it; a refill also moves it, but without the focus
        if self.hasFocus() and 0 <= row < len(self.ids) and self.ids[row] != self.owner.selected_id:
            self.owner.select(self.ids[row], seek=True)

    def fill(self, behaviours: list[Behaviour], events: list[BehaviourEvent], fps: float,
             selected: int | None, timebase: Timebase | None = None) -> None:
        """`timebase`: a variable-rate video's frame times, which its time and duration columns read."""
        tb = timebase if timebase is not None else Timebase(fps)
        by_id = {b.id: b for b in behaviours}
        self.setRowCount(len(events))
        self.ids = [e.id for e in events]
        for i, e in enumerate(events):
            b = by_id.get(e.behaviour_id)
            n = None if e.offset is None else e.offset - e.onset + 1
            texts = (b.name if b else "?", e.coder, str(e.onset), "open" if e.offset is None else str(e.offset),
                     "" if n is None else str(n), timecode(e.onset, fps, timebase),
                     "" if e.offset is None or fps <= 0 else f"{tb.span(e.onset, e.offset):.3f} s",
                     e.note)
            for j, text in enumerate(texts):
                it = QTableWidgetItem(text)
                if j == 0 and b is not None:
                    # a swatch of its colour; the name in the table's own text colour (a dark purple name was
                    # unreadable on a dark theme's base)
                    it.setData(Qt.ItemDataRole.DecorationRole, QColor(b.colour))
                self.setItem(i, j, it)
        self.select_event(selected)

    def select_event(self, event_id: int | None) -> None:
        self.blockSignals(True)
        if event_id in self.ids and event_id is not None:
            row = self.ids.index(event_id)
            self.selectRow(row)
            self.scrollTo(self.model().index(row, 0))
        else:
            self.clearSelection()
        self.blockSignals(False)

    def row_texts(self) -> list[tuple[str, ...]]:
        """Every row's cells as shown (for tests and screenshots)."""
        return [tuple(self.item(i, j).text() for j in range(self.columnCount()))  # type: ignore[union-attr]
                for i in range(self.rowCount())]
