"""The events filter's "(filter cleared: …)" note ends the line of the command that cleared it, never whatever the
status bar showed then: an edit wrote no line of its own, so its note was added to the line before it, an undo's
with its own note ("Undone: Delete positive 47-54 (filter cleared: …) (filter cleared: the edited event did not
match 'bob')", audit a92 finding 3 via h190). An edit now says what was edited, with the undo step's words."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _coded(win, video_path) -> dict[str, int]:
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, 5, 6, 8, emotion="positive", coder="ann", status="accepted"),
                            Event(vid, 20, 22, 25, emotion="negative", coder="bob", status="accepted")])
    win.coding.reload()
    return {e.coder: e.id for e in win.project.events(vid)}


def _line(qtbot, win) -> str:
    qtbot.wait(20)  # a line (or note) put off to the event loop is in by now
    return win.statusBar().currentMessage()


def test_an_edit_the_filter_hides_says_its_own_line_with_the_note(qtbot, window, video_path):
    win = window
    ids = _coded(win, video_path)
    pane = win.events_pane
    win.coding.select(ids["ann"], seek=True)
    assert win.ctx.execute(C.DeleteEvent), win.errors
    pane.filter.setText("bob")
    win.undo_stack.undo()  # ann's event back: the filter cleared, and said
    assert _line(qtbot, win) == "Undone: Delete positive 5-8 (filter cleared: the restored event did not match 'bob')"
    pane.filter.setText("bob")
    assert win.ctx.execute(C.EditEvent, event_id=ids["ann"], changes={"note": "hello"}), win.errors
    assert pane.filter.text() == ""  # still shown: the filter cleared
    assert _line(qtbot, win) == "Edited positive 5-8 (filter cleared: the edited event did not match 'bob')"
    assert not win.errors


def test_an_edit_says_what_was_edited_and_an_undo_after_it_its_own_line(qtbot, window, video_path):
    win = window
    ids = _coded(win, video_path)
    win.statusBar().showMessage("an older line")
    assert win.ctx.execute(C.EditEvent, event_id=ids["bob"], changes={"emotion": "surprise"}), win.errors
    assert _line(qtbot, win) == "Edited surprise 20-25"  # it said nothing: "an older line" stayed
    win.events_pane.filter.setText("ann")
    win.undo_stack.undo()
    assert _line(qtbot, win) == ("Undone: Edit surprise 20-25 (filter cleared: the restored event did not match "
                                 "'ann')")
    win.events_pane.filter.setText("ann")
    assert win.ctx.execute(C.NewEvent, onset=40, apex=41, offset=43, emotion="fear"), win.errors  # by "tester"
    line = _line(qtbot, win)
    assert line.startswith("Event ") and line.endswith(
        "frames 40-43, apex 41 (filter cleared: the new event did not match 'ann')"), line
    assert line.count("filter cleared") == 1
    assert not win.errors
