"""After a key or a drag edits the selected event's frames, the status bar names its new frames (the line the app
shows for a new event), and says when the apex moved with a boundary; a successful , / . replaces an earlier
"No previous event" with the event it went to. Before, these edits said nothing: the line of the event's making
("frames 30-42, apex 32") stayed on screen over a 38-38-38 event."""

import pytest
from gui_fixtures import N_FRAMES
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

ALT, SHIFT = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.frame_count == N_FRAMES
    return window


def _line(win):
    return win.statusBar().currentMessage()


def _frames(win, event_id):
    e = win.project.event(event_id)
    return e.onset, e.apex, e.offset


def test_each_key_edit_names_the_new_frames_and_an_apex_pushed_along(qtbot, opened):
    """The audit's steps: an event 30-32-42 made with I / A / O, then ], [, Alt+], Alt+[, Shift+O and Shift+I on
    frame 38."""
    win = opened
    for frame, key in ((30, Qt.Key.Key_I), (32, Qt.Key.Key_A), (42, Qt.Key.Key_O)):
        win.transport.seek(frame)
        qtbot.keyClick(win, key)
    ev_id = win.selected_event_id
    assert _frames(win, ev_id) == (30, 32, 42)
    assert _line(win) == f"Event {ev_id}: frames 30-42, apex 32"  # the line the app gives a new event
    steps = [  # key, modifier, (onset, apex, offset) after it: each one frame from the one before, or the play head
        (Qt.Key.Key_BracketRight, Qt.KeyboardModifier.NoModifier, (31, 32, 42)),
        (Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.NoModifier, (30, 32, 42)),
        (Qt.Key.Key_BracketRight, ALT, (30, 32, 43)),
        (Qt.Key.Key_BracketLeft, ALT, (30, 32, 42)),
    ]
    for key, mod, (on, apex, off) in steps:
        qtbot.keyClick(win, key, mod)
        assert _frames(win, ev_id) == (on, apex, off)
        assert _line(win) == f"Event {ev_id}: frames {on}-{off}, apex {apex}"
    win.transport.seek(38)
    qtbot.keyClick(win, Qt.Key.Key_O, SHIFT)
    assert _frames(win, ev_id) == (30, 32, 38)
    assert _line(win) == f"Event {ev_id}: frames 30-38, apex 32"
    qtbot.keyClick(win, Qt.Key.Key_I, SHIFT)  # the onset passes the coded apex 32: the apex goes along, said so
    assert _frames(win, ev_id) == (38, 38, 38)
    assert _line(win) == f"Event {ev_id}: frames 38-38, apex 38 (apex moved to 38 with the onset)"


def test_offset_pushing_the_apex_and_a_drag_say_the_new_frames(qtbot, opened):
    win = opened
    ev = win.coding.push_add(Event(win.video.id, 40, 48, 50, coder="tester")).event
    win.coding.select(ev.id)
    win.transport.seek(44)
    qtbot.keyClick(win, Qt.Key.Key_O, SHIFT)  # the offset passes the apex 48 from above
    assert _frames(win, ev.id) == (40, 44, 44)
    assert _line(win) == f"Event {ev.id}: frames 40-44, apex 44 (apex moved to 44 with the offset)"
    # a drag of the body (both ends by +10): the event moves, its apex with it; no boundary pushed it
    win.timeline.eventRangeEdited.emit(ev.id, 50, 54)
    qtbot.waitUntil(lambda: _frames(win, ev.id) == (50, 54, 54))
    assert _line(win) == f"Event {ev.id}: frames 50-54, apex 54"
    # a drag of one edge: the onset back to 45
    win.timeline.eventRangeEdited.emit(ev.id, 45, 54)
    qtbot.waitUntil(lambda: _frames(win, ev.id) == (45, 54, 54))
    assert _line(win) == f"Event {ev.id}: frames 45-54, apex 54"


def test_a_key_that_cannot_move_a_boundary_says_why(qtbot, opened):
    win = opened
    last = N_FRAMES - 1
    ev = win.coding.push_add(Event(win.video.id, 0, 0, last, coder="tester")).event
    win.coding.select(ev.id)
    win.statusBar().showMessage("something else", 10000)
    qtbot.keyClick(win, Qt.Key.Key_BracketLeft)
    assert _frames(win, ev.id) == (0, 0, last)
    assert _line(win) == f"Event {ev.id}: frames 0-{last}, apex 0 (the onset is on the video's first frame: not moved)"
    qtbot.keyClick(win, Qt.Key.Key_BracketRight, ALT)
    assert _line(win) == (f"Event {ev.id}: frames 0-{last}, apex 0 "
                          f"(the offset is on the video's last frame: not moved)")
    win.transport.seek(0)
    qtbot.keyClick(win, Qt.Key.Key_I, SHIFT)
    assert _line(win) == f"Event {ev.id}: frames 0-{last}, apex 0 (the onset is on the play head already)"
    one = win.coding.push_add(Event(win.video.id, 20, 20, 20, coder="tester")).event
    win.coding.select(one.id)
    qtbot.keyClick(win, Qt.Key.Key_BracketRight)
    assert _frames(win, one.id) == (20, 20, 20)
    assert _line(win) == f"Event {one.id}: frames 20-20, apex 20 (the onset is on the offset: not moved)"
    assert win.undo_stack.count() == 2  # the two events added; no edit was made


def test_comma_and_dot_replace_a_no_previous_event_line(qtbot, opened):
    win = opened
    first = win.coding.push_add(Event(win.video.id, 10, 12, 20, coder="tester")).event
    second = win.coding.push_add(Event(win.video.id, 40, 44, 50, coder="tester", status="proposal",
                                       source="model")).event
    win.coding.select(None)
    win.transport.seek(5)
    qtbot.keyClick(win, Qt.Key.Key_Comma)
    assert _line(win) == "No previous event"
    qtbot.keyClick(win, Qt.Key.Key_Period)
    assert win.selected_event_id == first.id and win.current_frame == 10
    assert _line(win) == f"Event {first.id}: frames 10-20, apex 12"
    qtbot.keyClick(win, Qt.Key.Key_Period)
    assert win.selected_event_id == second.id and win.current_frame == 40
    assert _line(win) == f"Event {second.id}: frames 40-50, apex 44"
    qtbot.keyClick(win, Qt.Key.Key_Period)
    assert _line(win) == "No next event"
    qtbot.keyClick(win, Qt.Key.Key_Comma)
    assert win.selected_event_id == first.id and _line(win) == f"Event {first.id}: frames 10-20, apex 12"


def test_delete_replaces_the_deleted_events_line(qtbot, opened):
    """After , / . named an event, Delete must not leave that line standing over an event that is gone."""
    win = opened
    ev = win.coding.push_add(Event(win.video.id, 10, 12, 20, coder="tester")).event
    win.coding.select(None)
    win.transport.seek(0)
    qtbot.keyClick(win, Qt.Key.Key_Period)
    assert _line(win) == f"Event {ev.id}: frames 10-20, apex 12"
    qtbot.keyClick(win, Qt.Key.Key_Delete)
    assert win.project.event(ev.id) is None
    assert _line(win) == f"Deleted: Event {ev.id}: frames 10-20, apex 12 (Ctrl+Z brings it back)"


def test_next_proposal_names_the_proposal_it_went_to(qtbot, opened):
    win = opened
    win.coding.push_add(Event(win.video.id, 10, 12, 20, coder="tester"))
    prop = win.coding.push_add(Event(win.video.id, 40, 44, 50, coder="tester", status="proposal",
                                     source="model")).event
    win.coding.select(None)
    win.transport.seek(5)
    qtbot.keyClick(win, Qt.Key.Key_Comma)
    assert _line(win) == "No previous event"
    qtbot.keyClick(win, Qt.Key.Key_N)  # N: the next open proposal; the old line no longer stands
    assert win.selected_event_id == prop.id and win.current_frame == 40
    assert _line(win) == f"Proposal: Event {prop.id}: frames 40-50, apex 44"
