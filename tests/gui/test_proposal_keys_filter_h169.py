"""Y / X (accept / reject a proposal) follow the events table's filter as `,`/`.`/N/Delete do (h168): with nothing
selected they act on the proposal under the play head that the filter shows, never on one it hides; a hidden one
(under the play head, or selected on the timeline) is left open and the status line says why. Before, under "bob"
Y accepted ann's proposal under the play head, out of sight."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui

# (onset, coder): each proposal spans onset..onset+2; ann's 19 overlaps bob's 20 and comes first by onset
ROWS = [(5, "ann"), (19, "ann"), (20, "bob"), (40, "bob")]


def _proposals(win, video_path) -> dict[int, int]:
    """The proposals on the test clip: their ids by onset."""
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, o, o + 1, o + 2, emotion="happiness", coder=coder, status="proposal")
                            for o, coder in ROWS])
    win.coding.reload()
    win.coding.set_coder("carol")
    return {e.onset: e.id for e in win.project.events(vid)}


def _status(win) -> dict[int, str]:
    return {e.onset: e.status for e in win.project.events(win.video.id)}


def test_y_and_x_leave_a_proposal_the_filter_hides_and_say_why(qtbot, window, video_path):
    win = window
    ids = _proposals(win, video_path)
    win.events_pane.filter.setText("bob")
    assert win.events_pane.count.text() == "2 of 4"
    win.coding.select(None)
    win.transport.go_to(6)  # on ann's 5-7 only
    assert not win.ctx.execute(C.SetProposalStatus, status="accepted")
    assert not win.ctx.execute(C.SetProposalStatus, status="rejected")
    assert set(_status(win).values()) == {"proposal"}  # nothing out of sight changed
    qtbot.waitUntil(lambda: "hidden by the events filter 'bob'" in win.statusBar().currentMessage(), timeout=2000)
    assert f"Event {ids[5]}: frames 5-7" in win.statusBar().currentMessage()
    # one selected on the timeline, out of the table's rows: refused as Delete refuses it
    win.coding.select(ids[19], seek=True)
    assert not win.ctx.execute(C.SetProposalStatus, status="rejected")
    assert _status(win)[19] == "proposal"
    # ann's 19 and bob's 20 under the play head: the shown one (ann's came first, and was taken)
    win.coding.select(None)
    win.transport.go_to(20)
    assert win.ctx.execute(C.SetProposalStatus, status="accepted", advance=False), win.errors
    assert _status(win) == {5: "proposal", 19: "proposal", 20: "accepted", 40: "proposal"}
    assert win.statusBar().currentMessage().startswith("Accepted happiness 20-22")
    win.events_pane.filter.clear()  # no filter: every proposal again
    win.coding.select(None)
    win.transport.go_to(6)
    assert win.ctx.execute(C.SetProposalStatus, status="rejected", advance=False), win.errors
    assert _status(win)[5] == "rejected"
    assert not win.errors


def test_n_takes_the_shown_proposal_under_the_play_head(qtbot, window, video_path):
    """N with nothing selected starts at the proposal under the play head the filter shows (a hidden one there first
    by onset sent it past the shown one to the next)."""
    win = window
    ids = _proposals(win, video_path)
    win.events_pane.filter.setText("bob")
    win.coding.select(None)
    win.transport.go_to(20)
    win.coding.goto_next_proposal()
    assert win.selected_event_id == ids[20]
    assert not win.errors
