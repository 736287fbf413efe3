"""Behaviour events edited as in ELAN/BORIS: selected by a click on the lane (or a row of the Behaviours dock),
dragged to new frames, changed in the edit dialog, deleted with Delete; each edit one undo step with a readable
text. The Behaviours dock lists them and follows undo/redo, video switches, hidden coders and blind coding."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video
from helpers import click, drag, plot_to_widget
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.gui.behaviours import BehaviourEventDialog, EditBehaviourEvent
from merstudio.gui.coders import SetBlindCoding
from merstudio.project import Behaviour, BehaviourEvent, Event

pytestmark = pytest.mark.gui


@pytest.fixture
def coded(window, video_path):
    """A video with two state behaviours and a point one; gaze away coded 20-40 and a nod at 60 by the coder."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    bh = win.behaviours
    gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
    bh.add(Behaviour("look down", key="2", kind="state"))
    nod = bh.add(Behaviour("nod", key="3", kind="point"))
    bh.code(gaze.id, frame=20)
    bh.code(gaze.id, frame=40)
    bh.code(nod.id, frame=60)
    return win


def _ev(win, name):
    bid = next(b.id for b in win.project.behaviours() if b.name == name)
    (ev,) = [e for e in win.project.behaviour_events(win.video.id) if e.behaviour_id == bid]
    return ev


def _whole_lane(qtbot, win):
    """The behaviours lane showing every frame (pixel positions in the tests depend on it)."""
    plot = win.behaviours.lane.plot
    plot.setXRange(0, 90, padding=0)
    qtbot.wait(50)
    return win.behaviours, win.timeline, plot


def _lane_y(win, name):
    return win.behaviours.lane.rows.index(name) + 0.5


def test_drag_edits_frames_one_undo_step_each(qtbot, coded):
    win = coded
    bh, tl, plot = _whole_lane(qtbot, win)
    gaze = _ev(win, "gaze away")
    n = win.undo_stack.count()
    # drag the end (drawn at offset + 1) from 41 to 51
    y = _lane_y(win, "gaze away")
    drag(tl.viewport(), plot_to_widget(tl, plot, 40.5, y), plot_to_widget(tl, plot, 50.5, y))
    qtbot.waitUntil(lambda: _ev(win, "gaze away").offset != 40)
    moved = _ev(win, "gaze away")
    assert moved.onset == 20 and moved.offset in (49, 50, 51)
    assert win.undo_stack.count() == n + 1  # one drag, one step
    assert win.undo_stack.text(n) == f"Edit behaviour 'gaze away' 20–{moved.offset}"
    win.undo_stack.undo()
    assert _ev(win, "gaze away") == gaze and bh.lane.regions[gaze.id].getRegion() == pytest.approx((19.5, 40.5))
    win.undo_stack.redo()
    assert _ev(win, "gaze away") == moved
    # a point moves as a whole and stays one frame
    y = _lane_y(win, "nod")
    drag(tl.viewport(), plot_to_widget(tl, plot, 60, y), plot_to_widget(tl, plot, 70, y))
    qtbot.waitUntil(lambda: _ev(win, "nod").onset != 60)
    nod = _ev(win, "nod")
    assert nod.onset in (69, 70, 71) and nod.offset == nod.onset
    assert win.undo_stack.count() == n + 2
    # what a drag reports is clamped to the video (one step)
    bh._apply_drag(gaze.id, -5, 500)
    assert (_ev(win, "gaze away").onset, _ev(win, "gaze away").offset) == (0, win.frame_count - 1)
    assert win.undo_stack.count() == n + 3
    bh._apply_drag(nod.id, 30, 35)  # a point given a width (an edge dragged): still one frame
    assert (_ev(win, "nod").onset, _ev(win, "nod").offset) == (30, 30)


def test_an_open_state_keeps_its_end_open_when_its_start_is_dragged(qtbot, coded):
    win = coded
    bh = win.behaviours
    look = next(b for b in bh.list if b.name == "look down")
    ev = bh.code(look.id, frame=50)
    bh._apply_drag(ev.id, 45, win.frame_count - 1)
    (after,) = [e for e in win.project.behaviour_events(win.video.id) if e.id == ev.id]
    assert after.onset == 45 and after.open
    assert win.undo_stack.text(win.undo_stack.count() - 1) == "Edit behaviour 'look down' 45–…"


def test_click_selects_and_delete_deletes_the_selected_one(qtbot, coded):
    win = coded
    bh, tl, plot = _whole_lane(qtbot, win)
    gaze = _ev(win, "gaze away")
    win.coding.select(win.project.add_event(Event(win.video.id, 5, 6, 8, coder="tester")).id)
    win.coding.reload()
    click(tl.viewport(), plot_to_widget(tl, plot, 30, _lane_y(win, "gaze away")))
    assert bh.selected_id == gaze.id
    assert win.selected_event_id is None  # one selection at a time: Delete is for this one now
    region = bh.lane.regions[gaze.id]
    assert region.brush.color().alpha() > 0 and region.zValue() > bh.lane.regions[_ev(win, "nod").id].zValue()
    assert bh.table.selectionModel().selectedRows()[0].row() == bh.table.ids.index(gaze.id)
    n = win.undo_stack.count()
    qtbot.keyClick(win, Qt.Key.Key_Delete)
    assert [e.id for e in win.project.behaviour_events(win.video.id)] == [_ev(win, "nod").id]
    assert len(win.project.events(win.video.id)) == 1  # the coded event stays
    assert win.undo_stack.count() == n + 1 and win.undo_stack.text(n) == "Delete gaze away at 20"
    win.undo_stack.undo()
    assert _ev(win, "gaze away") == gaze
    # Shift+Delete: the selected one, else the one under the play head
    bh.select(_ev(win, "nod").id)
    win.transport.go_to(30)
    qtbot.keyClick(win, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert [e.behaviour_id for e in win.project.behaviour_events(win.video.id)] == [gaze.behaviour_id]
    qtbot.keyClick(win, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert win.project.behaviour_events(win.video.id) == []
    # with a coded event selected, Delete is the coded event's again
    win.undo_stack.undo()
    win.coding.select(win.project.events(win.video.id)[0].id)
    qtbot.keyClick(win, Qt.Key.Key_Delete)
    assert win.project.events(win.video.id) == [] and len(win.project.behaviour_events(win.video.id)) == 1


def test_arrow_keys_in_the_behaviour_table_select_the_row_they_highlight(qtbot, coded):
    win = coded
    bh = win.behaviours
    first, second = bh.table.ids[:2]
    bh.select(first)
    bh.table.setFocus()
    bh.table.setCurrentCell(0, 0)
    qtbot.keyClick(bh.table, Qt.Key.Key_Down)
    assert bh.table.currentRow() == 1 and bh.selected_id == second  # Delete now acts on the highlighted one
    assert win.current_frame == _event_by_id(win, second).onset


def _event_by_id(win, event_id):
    return next(e for e in win.project.behaviour_events(win.video.id) if e.id == event_id)


def test_edit_dialog_changes_behaviour_frames_and_note(qtbot, coded):
    win = coded
    bh = win.behaviours
    gaze = _ev(win, "gaze away")
    look = next(b for b in bh.list if b.name == "look down")
    n = win.undo_stack.count()
    EditBehaviourEvent.do(win.ctx, {"event_id": gaze.id, "changes": {
        "behaviour_id": look.id, "onset": 12, "offset": 30, "note": " looks at her hands "}})
    after = _ev(win, "look down")
    assert (after.id, after.onset, after.offset, after.note) == (gaze.id, 12, 30, "looks at her hands")
    assert win.undo_stack.count() == n + 1 and win.undo_stack.text(n) == "Edit behaviour 'look down' 12–30"
    assert bh.table.row_texts()[0][:5] == ("look down", "tester", "12", "30", "19")
    win.undo_stack.undo()
    assert _ev(win, "gaze away") == gaze
    # refused with one line, nothing changed: another kind, an end before the start
    nod = next(b for b in bh.list if b.name == "nod")
    assert not win.ctx.execute(EditBehaviourEvent, event_id=gaze.id, changes={"behaviour_id": nod.id})
    assert "point" in win.errors[-1]
    assert not win.ctx.execute(EditBehaviourEvent, event_id=gaze.id, changes={"onset": 30, "offset": 10})
    assert "before the start" in win.errors[-1]
    assert _ev(win, "gaze away") == gaze and win.undo_stack.count() == n + 1
    # the dialog offers behaviours of the same kind only and returns what do() takes
    dlg = BehaviourEventDialog(gaze, bh.list, win.frame_count, win)
    qtbot.addWidget(dlg)
    assert [dlg.behaviour.itemText(i) for i in range(dlg.behaviour.count())] == ["gaze away", "look down"]
    dlg.onset.setValue(15)
    dlg.note.setText("x")
    assert dlg.changes() == {"behaviour_id": gaze.behaviour_id, "onset": 15, "offset": 40, "note": "x"}
    dlg.still_open.setChecked(True)
    assert dlg.changes()["offset"] is None and not dlg.offset.isEnabled()
    point = BehaviourEventDialog(_ev(win, "nod"), bh.list, win.frame_count, win)
    qtbot.addWidget(point)
    point.onset.setValue(33)
    assert point.changes()["offset"] == 33 and [point.behaviour.itemText(0)] == ["nod"]
    # no behaviour event selected: the menu action says what to do instead of opening an empty dialog
    bh.select(None)
    assert not win.ctx.execute(EditBehaviourEvent)
    assert "Select a behaviour event" in win.statusBar().currentMessage()


def test_table_lists_events_and_follows_undo_and_video_switch(qtbot, coded, tmp_path):
    win = coded
    bh = win.behaviours
    t = bh.table
    assert win.behaviours.dock.windowTitle() == "Behaviours"
    assert [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())] == \
        ["behaviour", "coder", "start", "end", "frames", "start time", "duration", "note"]
    assert t.row_texts() == [
        ("gaze away", "tester", "20", "40", "21", "00:00:00.667", "0.700 s", ""),
        ("nod", "tester", "60", "60", "1", "00:00:02.000", "0.033 s", "")]
    # a click on a row selects the event and seeks to its start
    win.transport.go_to(5)
    t.clicked.emit(t.model().index(1, 0))
    assert bh.selected_id == _ev(win, "nod").id and win.current_frame == 60
    win.undo_stack.undo()  # the nod goes
    assert [r[0] for r in t.row_texts()] == ["gaze away"] and bh.selected_id is None
    win.undo_stack.redo()
    assert [r[0] for r in t.row_texts()] == ["gaze away", "nod"]
    # an open state: no end, no duration yet
    look = next(b for b in bh.list if b.name == "look down")
    bh.code(look.id, frame=70)
    assert t.row_texts()[-1][:5] == ("look down", "tester", "70", "open", "")
    # another video: its own (none); back again: these
    first = win.video.id
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    assert t.rowCount() == 0 and bh.lane.regions == {}
    win.session.select_video(first)
    assert t.rowCount() == 3


def test_table_follows_hidden_coders_and_blind_coding(qtbot, coded):
    win = coded
    bh = win.behaviours
    gaze = _ev(win, "gaze away")
    win.project.add_behaviour_event(BehaviourEvent(win.video.id, gaze.behaviour_id, 5, 9, coder="bob"))
    bh.reload()
    assert [r[1] for r in bh.table.row_texts()] == ["bob", "tester", "tester"]
    win.coders_view.set_hidden("bob", True)
    assert [r[1] for r in bh.table.row_texts()] == ["tester", "tester"]
    win.coders_view.show_all()
    assert len(bh.table.row_texts()) == 3
    win.confirm = lambda q: True
    assert win.ctx.execute(SetBlindCoding, on=True)
    assert [r[1] for r in bh.table.row_texts()] == ["tester", "tester"]
    assert len(bh.lane.regions) == 2
    assert win.ctx.execute(SetBlindCoding, on=False, confirmed=True)
    assert len(bh.table.row_texts()) == 3


def test_read_only_project_refuses_a_drag_and_the_region_goes_back(qtbot, coded):
    win = coded
    gaze = _ev(win, "gaze away")
    path = win.project.path
    win.session.close_project()
    assert win.ctx.execute(C.OpenProject, path=str(path), read_only=True)
    bh = win.behaviours
    region = bh.lane.regions[gaze.id]
    region.setRegion((24.5, 49.5))  # what a drag leaves before it is reported
    bh._apply_drag(gaze.id, 25, 49)
    assert "read-only" in win.errors[-1]
    assert _ev(win, "gaze away") == gaze and bh.lane.regions[gaze.id].getRegion() == pytest.approx((19.5, 40.5))


def test_selecting_a_coded_event_drops_the_behaviour_selection(qtbot, coded):
    win = coded
    bh = win.behaviours
    ev = win.project.add_event(Event(win.video.id, 5, 6, 8, coder="tester"))
    win.coding.reload()
    bh.select(_ev(win, "nod").id)
    win.coding.goto_event(+1)  # "." from the play head (frame 0): the coded event at 5
    assert win.selected_event_id == ev.id and bh.selected_id is None
    assert not bh.table.selectionModel().selectedRows()


def test_a_variable_rate_videos_behaviour_times_are_its_frames_own(window):
    # 30 fps for a second, then 24 (a phone clip; its header says 26.4): frame 42 is shown at 1.5 s, and frames
    # 42-53 last 0.5 s (frame / fps would say 1.591 s and 0.455 s)
    import numpy as np

    from merstudio.io.timebase import Timebase

    table = window.behaviours.table
    tb = Timebase(26.4, np.r_[np.arange(30) / 30.0, 1.0 + np.arange(60) / 24.0])
    table.fill([Behaviour("gaze away", id=1)], [BehaviourEvent(1, 1, 42, 53, id=7)], 26.4, None, tb)
    texts = [table.item(0, j).text() for j in range(table.columnCount())]
    assert "00:00:01.500" in texts and "0.500 s" in texts, texts
