"""Tab from the timeline reaches the events table and the behaviours table (each dock's table, whichever of the two
is in front), then the video list: before, both tables took the focus on a click only, and Tab went from the AUs
button to the undo history. A table reached with Tab leaves the play head's keys to the window: Space plays, Right
steps a frame, Return edits the selected event; Tab goes on out of the table, not from cell to cell."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _tab_chain(qtbot, win, start, n=8) -> list[tuple]:
    """(widget with the focus, whether it is visible) after each of ``n`` Tabs from ``start``."""
    start.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = []
    for _ in range(n):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        w = QApplication.focusWidget()
        seen.append((w, w.isVisible()))
    return seen


def test_tab_goes_from_the_timeline_to_the_events_table_then_the_behaviours_table(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.activateWindow()
    chain = _tab_chain(qtbot, win, win.timeline)
    widgets = [w for w, _ in chain]
    assert widgets[:5] == [win.au_button, win.table, win.behaviours.table, win.video_list, win.undo_view]
    assert all(shown for _, shown in chain[:5])  # each table's dock comes to the front as Tab reaches it


def test_a_table_reached_with_tab_leaves_the_play_heads_keys_to_the_window(qtbot, window, video_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, 10, 12, 15, emotion="positive", coder="ann"),
                            Event(vid, 30, 32, 35, emotion="negative", coder="ann")])
    win.coding.reload()
    win.activateWindow()
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    for _ in range(2):  # the AUs button, then the events table
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is win.table
    table = win.table
    frame = win.transport.current_frame
    qtbot.keyClick(table, Qt.Key.Key_Right)  # a frame on, not a cell to the right
    assert win.transport.current_frame == frame + 1
    qtbot.keyClick(table, Qt.Key.Key_Space)  # plays
    qtbot.waitUntil(lambda: win.transport.playing, timeout=5000)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not win.transport.playing, timeout=5000)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the next row: its event selected
    qtbot.waitUntil(lambda: win.selected_event_id is not None)
    edited = []
    monkeypatch.setattr(C.EditEvent, "do", staticmethod(lambda ctx, params: edited.append(ctx.win.selected_event_id)))
    monkeypatch.setattr(C.EditEvent, "ask", staticmethod(lambda ctx, params: True))
    qtbot.keyClick(table, Qt.Key.Key_Return)  # edits the selected event
    assert edited and edited[0] is not None
