"""Every key that acts at the play head acts, while playing, on the frame whose picture is shown (h286, after h284's
I / A / O): the play head then runs on the clock and its decoded picture comes later, 1-2 frames on a busy machine,
and Shift+I / Shift+O, a behaviour's key, Shift+Del, Y / X, , / . and Ctrl+G's default took the clock's frame, past
what the coder saw. And Esc clears a selected behaviour event as it clears a coded one (Delete after Esc deleted it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from merstudio.gui import commands as C
from merstudio.gui.transport import Transport
from merstudio.project import Behaviour, Event

pytestmark = pytest.mark.gui

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    window.activateWindow()
    window.timeline.setFocus()
    return window


@pytest.fixture
def playing(monkeypatch):
    monkeypatch.setattr(Transport, "playing", property(lambda self: True))


def _behind(qtbot, win, shown: int, clock: int) -> None:
    """Playing on a busy machine: the clock at ``clock``, the picture of ``shown`` still on screen (the later
    frames' decodes late). The clock's own picture is waited for first, so that no decode lands after this."""
    win.transport.seek(clock)
    qtbot.waitUntil(lambda: win.video_view.frame_index == clock and win.video_view.loading is None, timeout=10000)
    win.video_view.frame_index = shown
    assert win.current_frame == clock


def test_paused_the_play_head_is_the_frame_seen(qtbot, opened):
    win = opened
    win.transport.seek(14)  # a step whose picture may not have come yet: the frame stepped to
    win.video_view.frame_index = 10
    assert not win.transport.playing
    assert C.frame_seen(win) == 14


def test_apex_and_shift_i_shift_o_take_the_picture_shown(qtbot, opened, playing):
    win = opened
    ev = win.coding.push_add(Event(win.video.id, 30, 35, 40, coder="tester")).event
    win.coding.select(ev.id)
    _behind(qtbot, win, 20, 22)
    qtbot.keyClick(win, Qt.Key.Key_I, SHIFT)  # the selected event's onset here
    assert (win.project.event(ev.id).onset, win.project.event(ev.id).offset) == (20, 40)
    _behind(qtbot, win, 45, 47)
    qtbot.keyClick(win, Qt.Key.Key_O, SHIFT)
    assert (win.project.event(ev.id).onset, win.project.event(ev.id).offset) == (20, 45)
    _behind(qtbot, win, 50, 52)
    qtbot.keyClick(win, Qt.Key.Key_A)
    assert win.marks.apex == 50 and not win.errors


def test_behaviour_keys_start_end_and_point_at_the_picture_shown(qtbot, opened, playing):
    win = opened
    bh = win.behaviours
    gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
    nod = bh.add(Behaviour("nod", key="3", kind="point"))
    _behind(qtbot, win, 10, 12)
    qtbot.keyClick(win, Qt.Key.Key_1)  # starts the state
    _behind(qtbot, win, 30, 32)
    qtbot.keyClick(win, Qt.Key.Key_1)  # ends it
    _behind(qtbot, win, 50, 52)
    qtbot.keyClick(win, Qt.Key.Key_3)
    got = {e.behaviour_id: (e.onset, e.offset) for e in win.project.behaviour_events(win.video.id)}
    assert got == {gaze.id: (10, 30), nod.id: (50, 50)}, win.errors
    # Shift+Del with none selected: the one at the picture shown (the clock at 52 is past the nod)
    assert bh.selected_id is None
    qtbot.keyClick(win, Qt.Key.Key_Delete, SHIFT)
    assert [e.behaviour_id for e in win.project.behaviour_events(win.video.id)] == [gaze.id]
    # Alt+.: the next behaviour event after what is seen, the gaze starting at 10 (after the clock's 12, none)
    _behind(qtbot, win, 9, 12)
    qtbot.keyClick(win, Qt.Key.Key_Period, Qt.KeyboardModifier.AltModifier)
    assert bh.selected_id is not None and bh.find(bh.selected_id).behaviour_id == gaze.id


def test_next_event_and_accept_from_the_picture_shown(qtbot, opened, playing):
    win = opened
    first = win.coding.push_add(Event(win.video.id, 11, 13, 15, coder="tester")).event
    win.coding.push_add(Event(win.video.id, 40, 42, 44, coder="tester"))
    win.coding.select(None)
    _behind(qtbot, win, 10, 12)
    qtbot.keyClick(win, Qt.Key.Key_Period)  # the next event after what is seen: the one starting at 11
    assert win.selected_event_id == first.id
    prop = win.coding.push_add(Event(win.video.id, 60, 62, 64, coder="tester", status="proposal",
                                     source="model")).event
    win.coding.select(None)
    _behind(qtbot, win, 64, 66)
    qtbot.keyClick(win, Qt.Key.Key_Y)  # the proposal under the picture shown
    assert win.project.event(prop.id).status == "accepted", win.statusBar().currentMessage()


def test_go_to_offers_the_frame_seen(qtbot, opened, playing, monkeypatch):
    win = opened
    offered = []
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: offered.append(k.get("text")) or ("", False)))
    _behind(qtbot, win, 10, 12)
    win.ctx.execute(C.GoToFrame)
    assert offered == ["10"]


def test_esc_clears_a_selected_behaviour_event(qtbot, opened):
    win = opened
    bh = win.behaviours
    nod = bh.add(Behaviour("nod", key="3", kind="point"))
    ev = bh.code(nod.id, frame=20)
    assert ev is not None
    bh.select(ev.id)
    assert bh.selected_id == ev.id
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert bh.selected_id is None and bh.table.selectedItems() == []
    qtbot.keyClick(win, Qt.Key.Key_Delete)  # nothing selected: nothing deleted
    assert len(win.project.behaviour_events(win.video.id)) == 1


def test_the_neutral_range_and_the_face_split_take_the_picture_shown(qtbot, opened, playing):
    """Analysis > Neutral frames > Set from … with an I mark alone runs to the picture shown, and a face's
    right-click menu offers to split it at the picture clicked, not at the clock ahead of them."""
    from merstudio.gui.faces import face_menu
    from merstudio.gui.neutral import neutral_range

    win = opened
    win.marks.onset = 5
    _behind(qtbot, win, shown=20, clock=23)
    assert neutral_range(win) == (5, 20)
    split = next(a for a in face_menu(win, 0).actions() if a.text().startswith("Split face"))
    assert "from frame 20 on" in split.text(), split.text()
