"""Keys as docs/gui.md promises them (h283, a108 findings 1, 2, 6, 7): Go To past the end says so, Ctrl+Z / Ctrl+Shift+Z
/ Ctrl+Y undo and redo from the events filter field, Ctrl+Q quits where Qt's key scheme has no Quit key (Windows,
offscreen), Esc clears the selected event with the marks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

CTRL = Qt.KeyboardModifier.ControlModifier

pytestmark = pytest.mark.gui


def test_ctrl_q_quits_where_the_key_scheme_has_no_quit_key(qtbot, window):
    # offscreen uses Windows' key scheme, where QKeySequence.StandardKey.Quit is empty
    quit_action = next(a for a in window.findChildren(QAction) if a.text() == "&Quit")
    assert [s.toString() for s in quit_action.shortcuts()] == ["Ctrl+Q"]
    quit_action.triggered.disconnect()  # the window stays open for the fixture's shutdown
    with qtbot.waitSignal(quit_action.triggered, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Q, CTRL)
