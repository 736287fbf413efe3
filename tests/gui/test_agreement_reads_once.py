"""With the agreement dialog open, a change of the project's events reads them once (the window read every video's
events six times per edit, undo or switch), and a switch with Videos on "all videos" computes nothing again (it
changes nothing the report is of: 170 ms on a 20-minute video); a real change still recomputes, never stale."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


@pytest.fixture
def two_coded(window, video_path, tmp_path):
    """Two videos, alice and bob matching once on each; the dialog open over all videos, the first video shown."""
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(write_video(tmp_path / "media" / "other.avi", n=30))), win.errors
    second = win.video
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    first = win.video
    win.project.add_events([Event(first.id, 17, 30, 69, emotion="happiness", coder="alice"),
                            Event(first.id, 18, 30, 68, emotion="happiness", coder="bob"),
                            Event(second.id, 10, 12, 14, emotion="fear", coder="alice"),
                            Event(second.id, 10, 12, 14, emotion="fear", coder="bob")])
    win.coding.reload()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"], all_videos=True), win.errors
    dlg = win.agreement_dialog
    assert dlg.report is not None and dlg.models["pairs"].df.loc[0, "matched"] == 2
    return win, dlg, first, second


def _spy(monkeypatch, dlg):
    """(the report computations, the videos whose events were read: None for every video's at once)."""
    computed: list[dict] = []
    compute = dlg._compute
    monkeypatch.setattr(dlg, "_compute", lambda **kw: (computed.append(kw), compute(**kw))[1])
    reads: list[int | None] = []
    real = Project.events

    def events(self, video_id=None, *a, **k):
        reads.append(video_id)
        return real(self, video_id, *a, **k)

    monkeypatch.setattr(Project, "events", events)
    return computed, reads


def test_a_switch_over_all_videos_keeps_the_report_and_reads_nothing_more(two_coded, monkeypatch):
    win, dlg, _first, second = two_coded
    computed, reads = _spy(monkeypatch, dlg)
    shown = dlg.report
    win.transport.go_to(40)  # leaving the video keeps its place in the project: a write, not of the events
    written = win.project._con.total_changes
    win.session.select_video(second.id)
    assert win.video.id == second.id and win.project._con.total_changes > written
    assert computed == [] and dlg.report is shown  # nothing it is of changed
    assert None not in reads and set(reads) <= {second.id}  # the shown video's own events (the list), no more
    assert dlg.models["pairs"].df.loc[0, "matched"] == 2 and not win.errors


def test_an_edit_reads_the_events_once_and_recomputes(two_coded, monkeypatch):
    win, dlg, first, second = two_coded
    win.session.select_video(second.id)
    computed, reads = _spy(monkeypatch, dlg)
    assert win.ctx.execute(C.SetCoder, name="bob")
    assert win.ctx.execute(C.NewEvent, onset=22, apex=24, offset=26, emotion="fear", confirmed=True), win.errors
    assert len(computed) == 1 and reads.count(None) == 1  # every video's events, read once for the dialog
    assert first.id not in reads  # and not again video by video
    pairs = dlg.models["pairs"].df
    assert (pairs.loc[0, "matched"], pairs.loc[0, "only_b"]) == (2, 1)  # bob's new event matches none of alice's
    win.undo_stack.undo()
    assert len(computed) == 2 and dlg.models["pairs"].df.loc[0, "only_b"] == 0
    assert not win.errors


def test_a_change_written_outside_the_window_is_not_missed(two_coded):
    """An import writes the events, then the coding reloads: the report is the project's events now."""
    win, dlg, first, _second = two_coded
    win.project.add_events([Event(first.id, 40, 41, 42, emotion="fear", coder="alice")])
    win.coding.reload()
    assert dlg.models["pairs"].df.loc[0, "only_a"] == 1


def test_this_video_recomputes_on_a_switch(two_coded):
    win, dlg, first, second = two_coded
    win.project.add_events([Event(second.id, 20, 21, 22, emotion="fear", coder="alice")])
    win.coding.reload()
    dlg.set_choices(all_videos=False)
    assert dlg.models["pairs"].df.loc[0, "only_a"] == 0  # the first video's: alice's extra is on the second
    win.session.select_video(second.id)
    assert second.name in dlg.header.text()
    assert (dlg.models["pairs"].df.loc[0, "matched"], dlg.models["pairs"].df.loc[0, "only_a"]) == (1, 1)
    win.session.select_video(first.id)
    assert first.name in dlg.header.text() and dlg.models["pairs"].df.loc[0, "only_a"] == 0
    assert not win.errors
