"""The events table's filter is the coder's view of the events, and the keys that act on events agree with it:
`,`/`.` and N step through the events it shows (by onset, whatever the sort), Delete never removes an event it hides
(the table shows no row selected), and a new or edited event it would hide clears it, with a status line saying so.
Before, the filter was the table's only: `.` under "bob" landed on ann's hidden events, Delete removed a hidden
selected one, and a new event was added out of sight ("2 of 4" became "2 of 5")."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui

ROWS = [(5, "happiness", "ann"), (40, "sadness", "bob"), (20, "happiness", "bob"), (60, "surprise", "ann")]


def _coded(win, video_path, rows=ROWS, status="accepted") -> dict[int, int]:
    """The events coded on the test clip: their ids by onset."""
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, o, o + 1, o + 2, emotion=emo, coder=coder, status=status)
                            for o, emo, coder in rows])
    win.coding.reload()
    return {e.onset: e.id for e in win.project.events(vid)}


def _onset(win) -> int | None:
    ev = win.coding.find(win.selected_event_id)
    return ev.onset if ev is not None else None


def test_next_and_previous_event_step_through_the_events_the_filter_shows_by_onset(qtbot, window, video_path):
    win = window
    _coded(win, video_path)
    win.table.model_.sort(1)  # sorted by onset is the same order; a sort by coder below is not followed
    win.table.model_.sort(6)  # coder: ann 5, ann 60, bob 20, bob 40
    win.events_pane.filter.setText("bob")
    assert win.events_pane.count.text() == "2 of 4"
    win.transport.go_to(0)
    win.coding.select(None)
    seen = []
    for _ in range(3):
        win.coding.goto_event(+1)
        seen.append(_onset(win))
        assert win.table.selected_event() is not None and win.table.selected_event().id == win.selected_event_id
    assert seen == [20, 40, 40]  # ann's 60 is hidden: no next
    assert win.statusBar().currentMessage() == "No next event the filter 'bob' shows"
    win.coding.goto_event(-1)
    win.coding.goto_event(-1)
    assert _onset(win) == 20
    win.coding.goto_event(-1)  # ann's 5 is hidden
    assert _onset(win) == 20 and win.statusBar().currentMessage() == "No previous event the filter 'bob' shows"
    # a hidden event selected (a click on the timeline): `.` goes on from the play head among the rows shown
    ids = {e.onset: e.id for e in win.coding.events}
    win.coding.select(ids[5], seek=True)
    win.coding.goto_event(+1)
    assert _onset(win) == 20
    win.events_pane.filter.clear()  # no filter: every event again
    win.coding.goto_event(+1)
    win.coding.goto_event(+1)
    win.coding.goto_event(+1)
    assert _onset(win) == 60
    assert not win.errors


def test_n_steps_through_the_proposals_the_filter_shows(qtbot, window, video_path):
    win = window
    _coded(win, video_path, status="proposal")
    win.events_pane.filter.setText("bob")
    win.transport.go_to(0)
    win.coding.select(None)
    seen = []
    for _ in range(3):
        win.coding.goto_next_proposal()
        seen.append(_onset(win))
    assert seen == [20, 40, 20]  # wraps among bob's; ann's 5 and 60 hidden
    win.events_pane.filter.setText("nobody")
    win.coding.goto_next_proposal()
    assert win.statusBar().currentMessage() == "No open proposals the filter 'nobody' shows"


def test_delete_never_removes_an_event_the_filter_hides(qtbot, window, video_path):
    win = window
    ids = _coded(win, video_path)
    win.events_pane.filter.setText("bob")
    steps = win.undo_stack.count()
    win.coding.select(ids[5], seek=True)  # ann's, selected on the timeline; the table shows no row selected
    assert win.table.selected_event() is None
    win.ctx.execute(C.DeleteEvent)
    assert sorted(e.onset for e in win.project.events(win.video.id)) == [5, 20, 40, 60]
    assert win.undo_stack.count() == steps
    line = win.statusBar().currentMessage()
    assert line.startswith("Not deleted: ") and "hidden by the events filter 'bob'" in line, line
    # a row the filter shows is deleted as before
    win.coding.select(ids[20], seek=True)
    assert win.ctx.execute(C.DeleteEvent), win.errors
    assert sorted(e.onset for e in win.project.events(win.video.id)) == [5, 40, 60]
    # with the filter cleared the one it hid is deleted too
    win.events_pane.filter.clear()
    win.coding.select(ids[5], seek=True)
    assert win.ctx.execute(C.DeleteEvent), win.errors
    assert sorted(e.onset for e in win.project.events(win.video.id)) == [40, 60]
    assert not win.errors


def test_a_new_or_edited_event_the_filter_would_hide_clears_it_and_says_so(qtbot, window, video_path):
    win = window
    ids = _coded(win, video_path)
    pane = win.events_pane
    pane.filter.setText("bob")
    assert pane.count.text() == "2 of 4"
    assert win.ctx.execute(C.NewEvent, onset=30, apex=31, offset=33, emotion="fear"), win.errors  # by "tester"
    assert pane.filter.text() == "" and pane.count.text() == "5 events"  # not "2 of 5", out of sight
    new = win.selected_event_id
    assert win.table.selected_event() is not None and win.table.selected_event().id == new
    qtbot.waitUntil(lambda: "filter cleared" in win.statusBar().currentMessage())
    line = win.statusBar().currentMessage()
    assert line.startswith("Event ") and "frames 30-33" in line and "(filter cleared: the new event did not match 'bob')" in line, line
    # a new event the filter shows keeps it
    pane.filter.setText("tester")
    assert win.ctx.execute(C.NewEvent, onset=50, apex=51, offset=52, emotion="fear"), win.errors
    assert pane.filter.text() == "tester" and pane.count.text() == "2 of 6"
    # an edit that takes an event out of the filter's words: shown, the filter cleared
    pane.filter.setText("bob")
    assert win.ctx.execute(C.EditEvent, event_id=ids[40], changes={"coder": "carl"}), win.errors
    assert pane.filter.text() == "" and win.table.model_.row_of(ids[40]) is not None
    qtbot.waitUntil(lambda: "the edited event did not match 'bob'" in win.statusBar().currentMessage())
    assert not win.errors
