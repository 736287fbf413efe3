"""User-defined behaviours (ELAN tiers, a BORIS ethogram) beside the fixed emotion/AU fields.

Coding > Behaviours… edits the project's list (name, key, colour, point or state); each change is saved at once
and is one undo step. Pressing a behaviour's key codes it at the play head: a point behaviour makes a one-frame
event; a state behaviour starts an event on the first press and ends it at the play head on the next (an event
being coded is drawn to the video's end, paler). Every coding press is one undo step. Shift+Delete removes the
behaviour event under the play head (undoable). The events are drawn on a "behaviours" lane under the events
track, one row per behaviour, and exported with the events (ELAN: one tier per behaviour and coder; CSV: a
``<name>_behaviours.csv`` beside the events file). Blind coding shows only the coder's own behaviour events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from merstudio.errors import InputError
from merstudio.gui.commands import AppCommand, CommandContext, Params
from merstudio.gui.undo import ProjectCommand
from merstudio.project import Behaviour, BehaviourEvent, Project

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

LANE_ROW = 20  # the lane's row in the timeline's layout: below every built-in track (empty rows take no room)
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
    """Add (before None), change (end a state) or delete (after None) a behaviour event."""

    def __init__(self, project: Project, before: BehaviourEvent | None, after: BehaviourEvent | None,
                 notify: Notify, text: str) -> None:
        super().__init__(text, project, notify)
        self.before, self.after = before, after

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
    """The "behaviours" track of the timeline: one row per behaviour; states as bars, points as ticks."""

    def __init__(self, timeline: Any) -> None:
        self.timeline = timeline
        self.plot = timeline._track(LANE_ROW, "behav.", height=1)  # a short lane: the full word does not fit
        self.plot.getAxis("left").setTicks([[]])
        self.labels: list[pg.TextItem] = []  # "[key] name" at the left of each row (the axis is too narrow)
        self.plot.vb.sigRangeChanged.connect(lambda *_: self._place_labels())
        self.plot.setYRange(0, 1, padding=0)
        self.plot.invertY(True)
        self.plot.setXLink(timeline.au_plot)
        self.bars = pg.BarGraphItem(x0=np.zeros(0), width=np.zeros(0), y0=np.zeros(0), height=np.zeros(0),
                                    pen=pg.mkPen("#424242", width=0.5))
        self.points = pg.ScatterPlotItem(symbol="t", size=9, pen=pg.mkPen("#212121", width=0.5))
        self.plot.addItem(self.bars)
        self.plot.addItem(self.points)
        line = pg.InfiniteLine(0, pen=pg.mkPen("#d50000", width=2), movable=True)
        line.setZValue(100)
        line.sigDragged.connect(timeline._playhead_dragged)
        self.plot.addItem(line, ignoreBounds=True)
        timeline.playheads.append(line)  # follows the play head like the other tracks'
        self.rows: list[str] = []
        timeline._show_track(self.plot, False)

    def draw(self, behaviours: list[Behaviour], events: list[BehaviourEvent], frame_count: int) -> None:
        tl = self.timeline
        tl._show_track(self.plot, bool(behaviours))
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
        self.bars.setOpts(x0=np.array([e.onset for e in states], dtype=np.float64),
                          width=np.array([b - e.onset for e, b in zip(states, end, strict=True)], dtype=np.float64),
                          y0=np.array([row[e.behaviour_id] + 0.15 for e in states], dtype=np.float64),
                          height=np.full(len(states), 0.7), brushes=brushes)
        self.points.setData(x=np.array([e.onset + 0.5 for e in points], dtype=np.float64),
                            y=np.array([row[e.behaviour_id] + 0.5 for e in points], dtype=np.float64),
                            brush=[pg.mkBrush(by_id[e.behaviour_id].colour) for e in points])
        self.rows = [b.name for b in behaviours]
        self.plot.setYRange(0, max(1, len(behaviours)), padding=0)
        while len(self.labels) < len(behaviours):
            item = pg.TextItem("", anchor=(0, 0.5), fill=pg.mkBrush(255, 255, 255, 190))
            font = item.textItem.font()
            font.setPointSize(7)
            item.setFont(font)
            item.setZValue(60)
            self.plot.addItem(item, ignoreBounds=True)
            self.labels.append(item)
        for i, item in enumerate(self.labels):
            if i < len(behaviours):
                b = behaviours[i]
                item.setText(f"[{b.key}] {b.name}" if b.key else b.name, color=b.colour)
            item.setVisible(i < len(behaviours))
        self._place_labels()

    def _place_labels(self) -> None:
        x0 = self.plot.vb.viewRange()[0][0]
        for i, item in enumerate(self.labels):
            item.setPos(x0, i + 0.5)


# ---------------------------------------------------------------------------------------------------- controller
class Behaviours:
    """The behaviours of the open project: key actions, the lane, coding at the play head."""

    def __init__(self, win: MainWindow) -> None:
        self.win = win
        self.list: list[Behaviour] = []
        self.events: list[BehaviourEvent] = []  # the current video's, as shown (blind coding: the coder's own)
        self.key_actions: list[QAction] = []
        self.lane = BehaviourLane(win.timeline)
        self.dialog: BehavioursDialog | None = None
        self._key: tuple[Any, ...] | None = None
        from merstudio.gui.coders import _menu

        c = _menu(win, "&Coding")
        c.addSeparator()
        x = win.ctx.execute
        win._action(c, "&Behaviours… (your own tiers and keys)", lambda: x(EditBehaviours))
        win._action(c, "Delete the behaviour event at the play head", lambda: x(DeleteBehaviourEvent),
                    "Shift+Del")

    # ---------------------------------------------------------------- following the window
    def update(self) -> None:
        win = self.win
        blind = win.coders_view.blind if hasattr(win, "coders_view") else False
        key = (id(win.project), win.video.id if win.video is not None else None, blind, win.coder)
        if key != self._key:
            self._key = key
            self.reload()

    def reload(self) -> None:
        """Read the behaviours and the current video's behaviour events from the project; rebuild keys and lane."""
        win = self.win
        proj = win.project
        self.list = proj.behaviours() if proj is not None else []
        evs = proj.behaviour_events(win.video.id) if proj is not None and win.video is not None else []
        if hasattr(win, "coders_view") and win.coders_view.blind:
            evs = [e for e in evs if e.coder == win.coder]
        self.events = evs
        self._rebuild_keys()
        self.lane.draw(self.list, self.events, win.frame_count)

    def reserved_keys(self) -> dict[str, str]:
        """{key: action} of every shortcut the window already uses (a behaviour cannot take one)."""
        mine = set(map(id, self.key_actions))
        out: dict[str, str] = {}
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
        for b in self.list:
            if b.id != behaviour_id and b.key.casefold() == text.casefold():
                raise InputError(f"key {text}: already codes {b.name}")
        return text

    def _rebuild_keys(self) -> None:
        for act in self.key_actions:
            self.win.removeAction(act)
            act.deleteLater()
        self.key_actions = []
        for b in self.list:
            if not b.key:
                continue
            act = QAction(f"Code {b.name}", self.win)
            act.setShortcut(QKeySequence(b.key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda *_, bid=b.id: self.win.ctx.execute(CodeBehaviour, behaviour_id=bid))
            self.win.addAction(act)
            self.key_actions.append(act)

    # ---------------------------------------------------------------- edits (each one undo step)
    def _push(self, cmd: ProjectCommand) -> None:
        self.win.push(cmd)

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
        """The behaviour's key at the play head: a point event, or start / end a state event."""
        win = self.win
        video = win.require_video()
        proj = win.require_writable()
        coder = win.require_coder()
        b = proj.behaviour(behaviour_id)
        if b is None:
            raise InputError("behaviour: no longer exists")
        f = win.current_frame if frame is None else int(frame)
        face = win.timeline.face or 0
        if b.kind == "point":
            ev = BehaviourEvent(video.id, behaviour_id, f, f, coder=coder, face_id=face)
            cmd = BehaviourEventCommand(proj, None, ev, self.reload, f"{b.name} at {f}")
            self._push(cmd)
            win.statusBar().showMessage(f"{b.name} at frame {f}", 3000)
            return cmd.after
        open_ = [e for e in proj.behaviour_events(video.id, behaviour_id) if e.open and e.coder == coder]
        if open_:
            cur = open_[-1]
            if f < cur.onset:
                win.statusBar().showMessage(f"{b.name} started at frame {cur.onset}, after the play head: not "
                                            "ended", 4000)
                return None
            cmd = BehaviourEventCommand(proj, cur, replace(cur, offset=f), self.reload,
                                        f"End {b.name} {cur.onset}-{f}")
            self._push(cmd)
            win.statusBar().showMessage(f"{b.name}: frames {cur.onset}-{f}", 3000)
            return cmd.after
        ev = BehaviourEvent(video.id, behaviour_id, f, None, coder=coder, face_id=face)
        cmd = BehaviourEventCommand(proj, None, ev, self.reload, f"Start {b.name} at {f}")
        self._push(cmd)
        win.statusBar().showMessage(f"{b.name} started at frame {f}: press {b.key or 'its key'} again to end it",
                                    4000)
        return cmd.after

    def delete_at_playhead(self) -> bool:
        """Delete the latest shown behaviour event under the play head (an open state counts from its start)."""
        win = self.win
        proj = win.require_writable()
        f = win.current_frame
        here = [e for e in self.events if e.onset <= f and (e.offset is None or f <= e.offset)]
        if not here:
            win.statusBar().showMessage("No behaviour event at the play head", 3000)
            return False
        ev = max(here, key=lambda e: (e.onset, e.id or 0))
        name = next((b.name for b in self.list if b.id == ev.behaviour_id), "behaviour")
        self._push(BehaviourEventCommand(proj, ev, None, self.reload, f"Delete {name} at {ev.onset}"))
        return True


# ---------------------------------------------------------------------------------------------------- commands
class CodeBehaviour(AppCommand):
    """params: behaviour_id, optional frame (default: the play head)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.behaviours.code(int(params["behaviour_id"]), params.get("frame"))


class DeleteBehaviourEvent(AppCommand):
    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.behaviours.delete_at_playhead()


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


class BehavioursDialog(QDialog):
    """Coding > Behaviours…: the project's behaviours; Add / Edit / Delete save at once (each one undo step)."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.setWindowTitle("Behaviours")
        lay = QVBoxLayout(self)
        note = QLabel("Your own tiers beside the emotion and AU fields: press a behaviour's key to code it at the "
                      "play head. Every change is saved at once and can be undone (Ctrl+Z).", self)
        note.setWordWrap(True)
        lay.addWidget(note)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["name", "key", "kind", "colour", "events"])
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
        self.resize(560, 360)
        self.refresh()

    def refresh(self) -> None:
        proj = self.win.project
        bs = proj.behaviours() if proj is not None else []
        counts = {b.id: len(proj.behaviour_events(behaviour_id=b.id)) for b in bs} if proj is not None else {}
        self.table.setRowCount(len(bs))
        for i, b in enumerate(bs):
            for j, text in enumerate((b.name, b.key, b.kind, b.colour, str(counts.get(b.id, 0)))):
                it = QTableWidgetItem(text)
                it.setData(Qt.ItemDataRole.UserRole, b.id)
                if j == 3:
                    it.setBackground(QColor(b.colour))
                self.table.setItem(i, j, it)

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
