"""An event of a coder hidden in View > Coders shown (h219): a new one made under that coder (C, or I / O) shows the
coder again and says so, rather than being stored, selected and deletable unseen; nothing hidden can be selected;
an undo or redo that brings back a hidden event says it is hidden."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _line(win) -> str:
    return win.statusBar().currentMessage()


@pytest.fixture
def hidden(qtbot, window, video_path):
    """The window's coder (tester) has an event 10-20 and is hidden in View > Coders shown."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.NewEvent, onset=10, offset=20, emotion="positive"), win.errors
    win.coders_view.set_hidden(win.coder, True)
    assert win.coding.events == [] and win.selected_event_id is None
    return win


def test_a_new_event_under_a_hidden_coder_shows_that_coder_again(hidden):
    win = hidden
    assert win.ctx.execute(C.NewEvent, onset=40, offset=50, emotion="surprise"), win.errors
    new = win.coding.find(win.selected_event_id)
    assert new is not None and (new.onset, new.offset) == (40, 50)  # selected and in sight
    assert win.coder not in win.coders_view.hidden and win.table.model_.rowCount() == 2
    assert "tester's events shown again: the new event is tester's" in _line(win)


def test_marking_i_and_o_under_a_hidden_coder_shows_that_coder_again(qtbot, hidden):
    win = hidden
    for frame, key in ((60, Qt.Key.Key_I), (66, Qt.Key.Key_O)):
        win.transport.seek(frame)
        qtbot.keyClick(win, key)
    new = win.coding.find(win.selected_event_id)
    assert new is not None and (new.onset, new.offset) == (60, 66)
    assert win.coder not in win.coders_view.hidden
    assert _line(win).startswith(f"Event {new.id}: frames 60-66") and "tester's events shown again" in _line(win)


def test_nothing_hidden_is_selected_nor_deleted_and_undo_says_hidden(hidden):
    win = hidden
    first = win.project.events(win.video.id)[0]
    win.coding.select(first.id)  # e.g. a stale id: refused, nothing selected
    assert win.selected_event_id is None
    win.ctx.execute(C.DeleteEvent)
    assert [e.id for e in win.project.events(win.video.id)] == [first.id]  # Delete did nothing
    win.undo_stack.undo()  # the event taken away (nothing shown changes)
    win.undo_stack.redo()  # back, hidden: said so, not selected
    assert win.selected_event_id is None
    assert _line(win) == "Redone: Add positive 10-20 (hidden: View > Coders shown hides tester's events)"
    assert win.coder in win.coders_view.hidden  # the coder's choice of coders shown stands
