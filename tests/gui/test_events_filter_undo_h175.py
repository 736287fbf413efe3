"""An undo or redo that brings back an event the events table's filter hides clears the filter and says so, as a new
or edited event does (h168): before, Ctrl+Z restored a deleted event selected but out of sight, the table showing no
row selected and `,`/`.`/Delete not reaching it."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui

ROWS = [(5, "happiness", "ann"), (40, "sadness", "bob"), (20, "happiness", "bob")]


def _coded(win, video_path) -> dict[int, int]:
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, o, o + 1, o + 2, emotion=emo, coder=coder, status="accepted")
                            for o, emo, coder in ROWS])
    win.coding.reload()
    return {e.onset: e.id for e in win.project.events(vid)}


def test_undoing_a_delete_the_filter_hides_clears_it_and_says_so(qtbot, window, video_path):
    win = window
    ids = _coded(win, video_path)
    pane = win.events_pane
    pane.filter.setText("zzz")  # matches nothing
    assert pane.count.text() == "0 of 3"
    pane.filter.clear()
    win.coding.select(ids[20], seek=True)
    assert win.ctx.execute(C.DeleteEvent), win.errors
    pane.filter.setText("ann")  # hides bob's event once it is back
    assert pane.count.text() == "1 of 2"
    win.undo_stack.undo()
    assert sorted(e.onset for e in win.project.events(win.video.id)) == [5, 20, 40]
    assert win.selected_event_id == ids[20]
    assert pane.filter.text() == "" and pane.count.text() == "3 events"
    assert win.table.selected_event() is not None and win.table.selected_event().id == ids[20]  # in sight
    qtbot.waitUntil(lambda: "filter cleared" in win.statusBar().currentMessage())
    line = win.statusBar().currentMessage()
    assert line.startswith("Undone: Delete") and "(filter cleared: the restored event did not match 'ann')" in line, \
        line
    assert not win.errors


def test_redoing_an_add_the_filter_hides_clears_it_and_an_event_it_shows_keeps_it(qtbot, window, video_path):
    win = window
    _coded(win, video_path)
    pane = win.events_pane
    assert win.ctx.execute(C.NewEvent, onset=30, apex=31, offset=33, emotion="fear"), win.errors  # by "tester"
    new = win.selected_event_id
    win.undo_stack.undo()
    pane.filter.setText("tester")  # shows the event once it is back: kept
    win.undo_stack.redo()
    assert win.selected_event_id == new and pane.filter.text() == "tester"
    assert win.table.selected_event() is not None and win.table.selected_event().id == new
    win.undo_stack.undo()
    pane.filter.setText("bob")  # hides it
    win.undo_stack.redo()
    assert win.selected_event_id == new and pane.filter.text() == ""
    assert win.table.selected_event() is not None and win.table.selected_event().id == new
    qtbot.waitUntil(lambda: "the redone event did not match 'bob'" in win.statusBar().currentMessage())
    assert win.statusBar().currentMessage().startswith("Redone: ")
    assert not win.errors
