"""Keys as docs/gui.md promises them (h283, a108 findings 1, 2, 6, 7): Go To past the end says so, Ctrl+Z / Ctrl+Shift+Z
/ Ctrl+Y undo and redo from the events filter field, Ctrl+Q quits where Qt's key scheme has no Quit key (Windows,
offscreen), Esc clears the selected event with the marks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from merstudio.gui import commands as C

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

pytestmark = pytest.mark.gui


def test_ctrl_q_quits_where_the_key_scheme_has_no_quit_key(qtbot, window):
    # offscreen uses Windows' key scheme, where QKeySequence.StandardKey.Quit is empty
    quit_action = next(a for a in window.findChildren(QAction) if a.text() == "&Quit")
    assert [s.toString() for s in quit_action.shortcuts()] == ["Ctrl+Q"]
    quit_action.triggered.disconnect()  # the window stays open for the fixture's shutdown
    with qtbot.waitSignal(quit_action.triggered, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Q, CTRL)


def _in_filter(qtbot, win) -> QLineEdit:
    win.activateWindow()
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key.Key_F, CTRL)  # Edit > Filter events
    field = win.events_pane.filter
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    return field


def test_undo_and_redo_act_from_the_filter_field_with_nothing_of_its_own(qtbot, three_events):
    win = three_events
    field = _in_filter(qtbot, win)
    stack = win.undo_stack
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # an empty field: the project's undo
    assert stack.index() == 2 and len(win.coding.events) == 2
    assert win.statusBar().currentMessage().startswith("Undone: ")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert stack.index() == 1
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL | SHIFT)
    assert stack.index() == 2 and win.statusBar().currentMessage().startswith("Redone: ")
    qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)
    assert stack.index() == 3 and len(win.coding.events) == 3
    # typed words: Ctrl+Z takes the typing back first (the field's own step), then the project's
    qtbot.keyClicks(field, "xyz")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert field.text() == "" and stack.index() == 3
    qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)  # and its redo is the field's while it has one
    assert field.text() == "xyz" and stack.index() == 3
    assert QApplication.focusWidget() is field and not win.errors


def test_esc_clears_the_selected_event_with_the_marks(qtbot, three_events):
    win = three_events
    second = win.coding.events[1]
    win.coding.select(second.id)
    assert win.table.selected_event() is not None
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_I)  # a pending mark too
    assert win.coding.marks.onset is not None
    qtbot.keyClick(win.table, Qt.Key.Key_Escape)
    assert win.selected_event_id is None and win.table.selected_event() is None
    assert win.coding.marks.onset is None
    qtbot.keyClick(win.table, Qt.Key.Key_Delete)  # nothing selected: nothing deleted
    assert len(win.project.events(win.video.id)) == 3


def test_go_to_past_the_end_says_so_in_the_status_line(qtbot, window, video_path, monkeypatch):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    last = window.frame_count - 1
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (str(last + 1), True)))
    window.timeline.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_G, CTRL)
    assert window.current_frame == last
    assert window.statusBar().currentMessage() == f"Go to {last + 1}: past the end, frame {last} is the last"
