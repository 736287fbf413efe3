"""Navigation (ELAN's media controls): Home/End, 1-second and page steps, Go To by frame or time, a click on the
transport slider, next/previous event, nudging and snapping the selected event's boundaries (undoable)."""

import pytest
from gui_fixtures import N_FRAMES
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from merstudio.gui import commands as C
from merstudio.gui.state import neighbour_event_frame, next_proposal, parse_goto
from merstudio.project.events import Event

ALT = Qt.KeyboardModifier.AltModifier


# ---------------------------------------------------------------- pure parsing (no Qt)
@pytest.mark.parametrize("text, frame", [
    ("45", 45), (" 0 ", 0), ("1000", 89),  # frame numbers, clamped to the video
    ("00:00:01.500", 45), ("0:01.5", 45), ("1.5", 45), ("1.5s", 45), ("2s", 60), (".5", 15),
    ("00:00:02.999", 89), ("01:00:00.000", 89), ("00:00:00.032", 0),
    ("00:00:00.033", 1),  # frame 1's time as shown (1/30 s rounded to the millisecond): frame 1 (h283)
])
def test_parse_goto(text, frame):
    assert parse_goto(text, 30.0, 90) == frame


@pytest.mark.parametrize("text", ["", "abc", "-3", "1:2:3:4", "00:61:00", "00:00:75", "1..5", "12 frames"])
def test_parse_goto_rejects(text):
    with pytest.raises(ValueError, match="go to"):
        parse_goto(text, 30.0, 90)


def test_neighbour_event():
    evs = [Event(1, 40, 44, 50, id=2), Event(1, 10, 12, 20, id=1, status="proposal"), Event(1, 70, 72, 80, id=3)]
    assert neighbour_event_frame(evs, 0, +1).id == 1
    assert neighbour_event_frame(evs, 10, +1).id == 2
    assert neighbour_event_frame(evs, 40, -1).id == 1
    assert neighbour_event_frame(evs, 80, +1) is None
    assert neighbour_event_frame(evs, 10, -1) is None


def test_events_sharing_an_onset_are_each_reached_both_ways():
    # a coder agreeing with a proposal's onset, and a second face's proposal at the same frame
    evs = [Event(1, 20, 24, 28, id=1, status="proposal"), Event(1, 55, 58, 62, id=2, status="proposal"),
           Event(1, 20, 23, 26, id=3), Event(1, 20, 25, 30, id=4), Event(1, 20, 23, 27, face_id=1, id=5,
                                                                        status="proposal")]
    by_id = {e.id: e for e in evs}
    seen, ev = [], neighbour_event_frame(evs, 0, +1)
    while ev is not None:
        seen.append(ev.id)
        ev = neighbour_event_frame(evs, ev.onset, +1, ev)
    assert seen == [1, 3, 4, 5, 2]
    seen, ev = [], neighbour_event_frame(evs, 89, -1)
    while ev is not None:
        seen.append(ev.id)
        ev = neighbour_event_frame(evs, ev.onset, -1, ev)
    assert seen == [2, 5, 4, 3, 1]
    # N: every open proposal in turn, those sharing an onset too, from a coded event among them as well
    cycle, ev = [], next_proposal(evs, 0)
    for _ in range(4):
        cycle.append(ev.id)
        ev = next_proposal(evs, ev.onset, ev)
    assert cycle == [1, 5, 2, 1]
    assert next_proposal(evs, 20, by_id[3]).id == 5
    assert next_proposal(evs, 20, by_id[5]).id == 2


@pytest.mark.gui
def test_dot_comma_and_n_reach_every_event_sharing_an_onset(qtbot, opened):
    win = opened
    prop = _add(win, 20, 24, 28, status="proposal", source="model").event
    mine = _add(win, 20, 23, 26).event
    other_face = _add(win, 20, 22, 27, status="proposal", source="model", face_id=1).event
    later = _add(win, 55, 58, 62, status="proposal", source="model").event
    win.coding.select(None)
    win.transport.go_to(0)
    seen = []
    for _ in range(5):
        qtbot.keyClick(win, Qt.Key.Key_Period)
        seen.append(win.selected_event_id)
        assert win.current_frame == win.project.event(seen[-1]).onset
    assert seen == [prop.id, mine.id, other_face.id, later.id, later.id]  # the last: no next event
    seen = []
    for _ in range(4):
        qtbot.keyClick(win, Qt.Key.Key_Comma)
        seen.append(win.selected_event_id)
    assert seen == [other_face.id, mine.id, prop.id, prop.id]
    # moved off the selected event's onset: from the play head again
    win.transport.go_to(40)
    qtbot.keyClick(win, Qt.Key.Key_Comma)
    assert win.selected_event_id == other_face.id
    win.coding.select(None)
    win.transport.go_to(0)
    seen = []
    for _ in range(4):
        qtbot.keyClick(win, Qt.Key.Key_N)
        seen.append(win.selected_event_id)
    assert seen == [prop.id, other_face.id, later.id, prop.id]
    # Y then steps to the proposal of the other face at the same onset, not past it
    qtbot.keyClick(win, Qt.Key.Key_Y)
    assert win.project.event(prop.id).status == "accepted" and win.selected_event_id == other_face.id


# ---------------------------------------------------------------- the window


@pytest.fixture
def opened(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.frame_count == N_FRAMES
    return window


@pytest.mark.gui
def test_home_end_second_and_page_steps(qtbot, opened):
    win = opened
    qtbot.keyClick(win, Qt.Key.Key_End)
    assert win.current_frame == N_FRAMES - 1
    qtbot.keyClick(win, Qt.Key.Key_Home)
    assert win.current_frame == 0
    qtbot.keyClick(win, Qt.Key.Key_Right, ALT)
    assert win.current_frame == 30  # one second at 30 fps
    qtbot.keyClick(win, Qt.Key.Key_Right, ALT)
    qtbot.keyClick(win, Qt.Key.Key_Left, ALT)
    assert win.current_frame == 30
    qtbot.keyClick(win, Qt.Key.Key_PageDown)  # 10 s: clamped to the last frame of this 3-s clip
    assert win.current_frame == N_FRAMES - 1
    qtbot.keyClick(win, Qt.Key.Key_PageUp)
    assert win.current_frame == 0
    win.transport.play()
    qtbot.keyClick(win, Qt.Key.Key_End)  # a jump stops playback
    assert not win.transport.playing and win.current_frame == N_FRAMES - 1


@pytest.mark.gui
def test_go_to_by_time_or_frame(qtbot, opened, monkeypatch):
    win = opened
    from PySide6.QtWidgets import QInputDialog

    answers = iter([("00:00:01.500", True), ("12", True), ("nonsense", True), ("30", False)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    qtbot.keyClick(win, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert win.current_frame == 45
    qtbot.keyClick(win, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert win.current_frame == 12
    qtbot.keyClick(win, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert win.current_frame == 12 and "neither a frame number nor a time" in win.errors[-1]
    qtbot.keyClick(win, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # cancelled
    assert win.current_frame == 12


@pytest.mark.gui
def test_click_on_slider_jumps_there(qtbot, opened):
    win = opened
    s = win.slider
    assert s.maximum() == N_FRAMES - 1
    opt = QStyleOptionSlider()
    s.initStyleOption(opt)
    groove = s.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, s)
    handle = s.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, s)
    # three quarters along the groove: far more than a page step (a page step is what a plain QSlider does)
    x = groove.x() + handle.width() // 2 + int(0.75 * (groove.width() - handle.width()))
    qtbot.mouseClick(s, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, groove.center().y()))
    assert abs(win.current_frame - 0.75 * (N_FRAMES - 1)) <= 3
    assert s.value() == win.current_frame


def _add(win, onset, apex, offset, **kw):
    return win.coding.push_add(Event(win.video.id, onset, apex, offset, coder="tester", emotion="negative", **kw))


@pytest.mark.gui
def test_next_and_previous_event(qtbot, opened):
    win = opened
    _add(win, 40, 44, 50)
    _add(win, 10, 12, 20, status="proposal")
    _add(win, 70, 72, 80)
    onsets = {e.id: e.onset for e in win.events}
    seen = []
    for _ in range(3):
        qtbot.keyClick(win, Qt.Key.Key_Period)
        seen.append(onsets[win.selected_event_id])
        assert win.current_frame == seen[-1]
    assert seen == [10, 40, 70]
    qtbot.keyClick(win, Qt.Key.Key_Period)  # none after: nothing moves
    assert win.current_frame == 70
    qtbot.keyClick(win, Qt.Key.Key_Comma)
    assert win.current_frame == 40 and onsets[win.selected_event_id] == 40


@pytest.mark.gui
def test_nudge_and_snap_boundaries_undoable(qtbot, opened):
    win = opened
    _add(win, 40, 44, 50)
    (ev,) = win.events
    win.coding.select(ev.id)

    def bounds():
        e = win.project.event(ev.id)
        return e.onset, e.offset

    qtbot.keyClick(win, Qt.Key.Key_BracketLeft)
    assert bounds() == (39, 50)
    qtbot.keyClick(win, Qt.Key.Key_BracketRight)
    qtbot.keyClick(win, Qt.Key.Key_BracketRight)
    assert bounds() == (41, 50)
    qtbot.keyClick(win, Qt.Key.Key_BracketRight, ALT)
    assert bounds() == (41, 51)
    qtbot.keyClick(win, Qt.Key.Key_BracketLeft, ALT)
    assert bounds() == (41, 50)
    win.transport.seek(35)
    qtbot.keyClick(win, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    assert bounds() == (35, 50)
    win.transport.seek(60)
    qtbot.keyClick(win, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert bounds() == (35, 60)
    assert win.project.event(ev.id).apex == 44
    win.transport.seek(70)
    qtbot.keyClick(win, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)  # onset after the offset: refused
    assert bounds() == (35, 60)
    # every nudge and snap is one undoable edit
    for expected in [(35, 50), (41, 50), (41, 51), (41, 50), (40, 50), (39, 50), (40, 50)]:
        win.undo_stack.undo()
        assert bounds() == expected
    win.undo_stack.redo()
    assert bounds() == (39, 50)
