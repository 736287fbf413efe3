"""A behaviour's key is a window shortcut, looked up before the focused widget gets the key: one on a key the app's
widgets use themselves (no menu action holds it) took that key from them. Down coded "look down" in the events
table instead of moving the row, Tab stopped moving the focus, Alt+C opened the Coding menu and coded nothing.
Those keys are refused in one line, as a menu action's are; ordinary keys still go."""

from __future__ import annotations

import pytest
from gui_fixtures import N_FRAMES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.project import Behaviour, Event

pytestmark = pytest.mark.gui


@pytest.fixture
def opened(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.frame_count == N_FRAMES
    return window


@pytest.mark.parametrize(("key", "why"), [
    ("Down", "moving the row"), ("Up", "moving the row"), ("Shift+Down", "moving the row"),
    ("Alt+Down", "moving the row"), ("Ctrl+Home", "moving the row"), ("Shift+PgUp", "moving the row"),
    ("Tab", "focus"), ("Shift+Tab", "focus"), ("Ctrl+Tab", "focus"), ("Alt+C", "Coding menu"),
    ("Alt+F", "File menu"),
])
def test_a_key_the_widgets_use_is_refused(opened, key, why):
    bh = opened.behaviours
    with pytest.raises(InputError, match=why):
        bh.check_key(key)
    with pytest.raises(InputError, match=why):
        bh.add(Behaviour("look down", key=key, kind="point"))
    assert opened.project.behaviours() == []


@pytest.mark.parametrize("key", ["1", "B", "Shift+B", "Ctrl+K", "F3", "Alt+G"])
def test_ordinary_keys_still_go(opened, key):
    assert opened.behaviours.check_key(key) == key


def _down_moves_the_row(qtbot, win):
    """Down pressed in the events table (three events, the first selected) moves the row and codes nothing."""
    win.project.add_events([Event(win.video.id, f, f + 2, f + 4, coder="tester") for f in (10, 30, 50)])
    win.coding.reload()
    win.activateWindow()
    win.table.setFocus()
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.table)
    qtbot.keyClick(win.table, Qt.Key.Key_Down)
    assert win.table.currentIndex().row() == 1
    assert win.project.behaviour_events(win.video.id) == []


def test_down_moves_the_events_tables_row_and_tab_the_focus(qtbot, opened):
    """What the refused keys do, pressed where the audit pressed them: nothing of it is lost to a behaviour."""
    win = opened
    with pytest.raises(InputError):
        win.behaviours.add(Behaviour("look down", key="Down", kind="point"))
    _down_moves_the_row(qtbot, win)
    qtbot.keyClick(win.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not win.table


def test_a_key_saved_before_it_was_refused_is_not_bound_and_said(qtbot, opened):
    """A project saved before these keys were refused still held "look down" on Down: opened, Down coded it in the
    events table and the row did not move. Such a key is left unbound, said once, and the widgets keep it."""
    win = opened
    win.project.add_behaviour(Behaviour("look down", key="Down", kind="point"))  # as an older merstudio saved it
    win.project.add_behaviour(Behaviour("nod", key="B", kind="point"))
    win.behaviours.reload()
    assert any("look down (Down: moving the row" in m for m in win.infos), win.infos
    assert [a.shortcut().toString() for a in win.behaviours.key_actions] == ["B"]  # the ordinary key still codes
    _down_moves_the_row(qtbot, win)
    said = len(win.infos)
    win.behaviours.reload()
    assert len(win.infos) == said  # said once, not at every reload
