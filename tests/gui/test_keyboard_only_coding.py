"""A coder on the keyboard alone (what-users-expect: the keys in their fingers) reaches what the mouse did: the face
shown (View > Face shown > Next / Previous face), the "AUs" menu from its button (Return, Space, Alt+Down once Tab
is on it; Space plays elsewhere), behaviour events (Coding > Next / Previous behaviour event, Alt+. / Alt+,) and
neutral frames from the I mark to the play head (no drag on the events track)."""

from __future__ import annotations

import pytest
from gui_fixtures import AUS, FakeAnalysis
from helpers import open_and_analyse
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def test_the_face_shown_is_stepped_from_the_keyboard(qtbot, window, video_path, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "cut_at", 15)  # face 0 on frames 2-14, then another person, face 1
    win = open_and_analyse(qtbot, window, video_path)
    assert win.selected_face() == 1  # the face seen most (75 frames against 13)
    qtbot.keyClick(win, Qt.Key.Key_Down, CTRL_SHIFT)
    assert win.selected_face() == 0 and win.timeline.face == 0
    assert "face 0 (1 of 2)" in win.statusBar().currentMessage()
    qtbot.keyClick(win, Qt.Key.Key_Down, CTRL_SHIFT)  # wraps
    assert win.selected_face() == 1
    qtbot.keyClick(win, Qt.Key.Key_Up, CTRL_SHIFT)
    assert win.selected_face() == 0 and win.timeline.face == 0


def test_no_faces_yet_says_what_finds_them(window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.step_face(+1)
    assert "run the analysis" in window.statusBar().currentMessage()


def _menu_opened_by(qtbot, win, key, mods=Qt.KeyboardModifier.NoModifier) -> list[str]:
    """The AU menu's items after ``key`` on the focused AUs button (the menu is closed again)."""
    win.au_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.au_button)
    qtbot.keyClick(win.au_button, key, mods)
    qtbot.waitUntil(win.au_menu.isVisible)
    items = [a.text() for a in win.au_menu.actions()]
    assert win.au_menu.activeAction() is win.au_menu.actions()[0]  # Up / Down / Return work in it at once
    win.au_menu.hide()
    return items


def test_the_au_button_opens_its_menu_from_the_keyboard_and_space_plays_elsewhere(qtbot, window, video_path):
    win = open_and_analyse(qtbot, window, video_path)
    win.activateWindow()
    shown = [f"AU{a:02d}" for a in AUS]  # what the analysis wrote
    keys = [(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier),
            (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Down, ALT),
            (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)]
    for key, mods in keys:
        assert _menu_opened_by(qtbot, win, key, mods) == shown, key
        assert not win.playback.playing  # Space opened the menu, not playback
    # in the menu, Return toggles the current AU (the first): its curve leaves the timeline
    win.au_button.setFocus()
    qtbot.keyClick(win.au_button, Qt.Key.Key_Return)
    qtbot.waitUntil(win.au_menu.isVisible)
    qtbot.keyClick(win.au_menu, Qt.Key.Key_Return)
    assert win.timeline.visible_aus == [f"AU{a:02d}_r" for a in AUS[1:]]
    # the focus elsewhere: Space is the window's play / pause again
    win.timeline.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    qtbot.keyClick(win.timeline, Qt.Key.Key_Space)
    assert win.playback.playing and not win.au_menu.isVisible()
    win.transport.pause()


def test_behaviour_events_are_selected_from_the_keyboard(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    bh = win.behaviours
    gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
    nod = bh.add(Behaviour("nod", key="3", kind="point"))
    bh.code(gaze.id, frame=20)
    bh.code(gaze.id, frame=40)
    bh.code(nod.id, frame=60)
    coded = {e.onset: e.id for e in win.project.behaviour_events(win.video.id)}
    assert sorted(coded) == [20, 60]
    win.transport.go_to(0)
    qtbot.keyClick(win, Qt.Key.Key_Period, ALT)
    assert bh.selected_id == coded[20] and win.current_frame == 20
    assert "gaze away: frames 20–40" in win.statusBar().currentMessage()
    qtbot.keyClick(win, Qt.Key.Key_Period, ALT)
    assert bh.selected_id == coded[60] and win.current_frame == 60
    qtbot.keyClick(win, Qt.Key.Key_Period, ALT)
    assert bh.selected_id == coded[60] and "No next behaviour event" in win.statusBar().currentMessage()
    qtbot.keyClick(win, Qt.Key.Key_Comma, ALT)
    assert bh.selected_id == coded[20] and win.current_frame == 20
    assert bh.table.selectedItems()  # its row too
    # from the play head when it has moved off the selected event's start
    win.transport.go_to(50)
    qtbot.keyClick(win, Qt.Key.Key_Comma, ALT)
    assert bh.selected_id == coded[20]
    # then the keys that act on the selected behaviour event: Shift+Del deletes that one, not the one at the play head
    win.transport.go_to(60)
    bh.select(coded[20])
    qtbot.keyClick(win, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert [e.onset for e in win.project.behaviour_events(win.video.id)] == [60]


def test_neutral_frames_from_the_i_mark_to_the_play_head(qtbot, window, video_path):
    win = open_and_analyse(qtbot, window, video_path)
    events = len(win.project.events(win.video.id))
    win.timeline.clear_selection()
    win.transport.go_to(3)
    qtbot.keyClick(win, Qt.Key.Key_I)
    assert win.marks.onset == 3
    win.transport.go_to(12)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    b = load_baselines(win.project, win.video.id)[0]
    assert (b.first, b.last, b.auto) == (3, 12, False)
    assert (win.marks.onset, win.marks.offset) == (None, None)  # used: O would not make an event of them now
    assert len(win.project.events(win.video.id)) == events
    # the O mark alone works too, the play head before it
    win.transport.go_to(30)
    qtbot.keyClick(win, Qt.Key.Key_O)
    win.transport.go_to(21)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    b = load_baselines(win.project, win.video.id)[0]
    assert (b.first, b.last) == (21, 30)
    # neither a selection nor a mark: it says how to give one without the mouse
    assert not win.ctx.execute(SetNeutral, mode="selection")
    assert "mark I" in win.errors[-1]
