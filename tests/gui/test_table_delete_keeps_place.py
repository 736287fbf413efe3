"""Delete in the events table (or the Behaviours table) keeps the coder's place: the row that took the deleted
one's place is selected (the last row when the last was deleted), its event under the play head, the focus still in
the table, so the next Down, Y, X or Delete acts from there. Before, nothing was selected after a Delete and Down
jumped to the first row (and seeked there). Driven by real key presses, as a keyboard-only coder works."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.project import Behaviour, BehaviourEvent, Event

pytestmark = pytest.mark.gui
ONSETS = (5, 15, 25, 35, 45, 55)


def _focus(qtbot, win, table) -> None:
    win.activateWindow()
    table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)


def _events_table(qtbot, win, video_path):
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, f, f + 2, f + 4, emotion="positive", coder="tester") for f in ONSETS])
    win.coding.reload()
    _focus(qtbot, win, win.table)
    return [e.id for e in win.coding.events]


def test_delete_in_the_events_table_selects_the_row_that_took_its_place(qtbot, window, video_path):
    win = window
    ids = _events_table(qtbot, win, video_path)
    table = win.table
    while win.selected_event_id != ids[3]:  # Down to the fourth row (its event selected, as by a click)
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert [e.id for e in win.coding.events] == ids[:3] + ids[4:]
    # the fifth event moved up into the fourth row: it is selected and under the play head, the focus stays
    assert win.selected_event_id == ids[4] and table.currentIndex().row() == 3
    assert win.transport.current_frame == ONSETS[4]
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)  # on from there, not from the first row
    assert win.selected_event_id == ids[5] and win.transport.current_frame == ONSETS[5]
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # the last row: the new last row is selected
    assert win.selected_event_id == ids[4] and table.currentIndex().row() == 3


def test_delete_from_the_timeline_leaves_nothing_selected(qtbot, window, video_path):
    """Outside the table Delete is as it was: the event goes, no other is picked for the coder."""
    win = window
    ids = _events_table(qtbot, win, video_path)
    win.coding.select(ids[2], seek=True)
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    qtbot.keyClick(win.timeline, Qt.Key.Key_Delete)
    assert ids[2] not in [e.id for e in win.coding.events] and win.selected_event_id is None


def test_delete_in_the_behaviours_table_selects_the_row_that_took_its_place(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    bh = win.behaviours
    nod = bh.add(Behaviour("nod", key="2", kind="point"))
    for f in ONSETS:
        win.project.add_behaviour_event(BehaviourEvent(win.video.id, nod.id, f, f, coder="tester"))
    bh.reload()
    ids = list(bh.table.ids)
    assert [bh.find(i).onset for i in ids] == list(ONSETS)
    table = bh.table
    _focus(qtbot, win, table)
    while bh.selected_id != ids[2]:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert table.ids == ids[:2] + ids[3:]
    assert bh.selected_id == ids[3] and table.currentRow() == 2 and win.transport.current_frame == ONSETS[3]
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert bh.selected_id == ids[4] and win.transport.current_frame == ONSETS[4]
    while bh.selected_id != ids[5]:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)  # Shift+Del: the same
    assert bh.selected_id == ids[4] and table.currentRow() == 3
