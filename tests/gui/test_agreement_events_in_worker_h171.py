"""The agreement dialog reads no event on the GUI thread: the report's worker reads them from its snapshot, and the
coder list comes from the events' distinct coders (every event read on the GUI thread held the window 1.3-2.7 s at
each opening and Recompute on a year's project). The report and the coders are the ones read from the events."""

from __future__ import annotations

import threading

import pytest

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]


@pytest.fixture
def event_reads(monkeypatch):
    """The threads that read events (Project.events) while the test runs."""
    threads: list[threading.Thread] = []
    real = Project.events

    def events(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Project, "events", events)
    return threads


def test_the_events_are_read_in_the_reports_worker(qtbot, alice_and_bob, event_reads):
    from merstudio.agreement import agreement_report

    win = alice_and_bob
    vid = win.video.id
    # a coder whose only event is rejected is no coder here; an uncredited model event counts as "model"
    win.project.add_events([Event(vid, 30, 31, 33, coder="carol", source="model", status="rejected"),
                            Event(vid, 40, 41, 43, source="model", status="proposal")])
    win.coding.reload()
    event_reads.clear()
    assert win.ctx.execute(C.ShowAgreement, all_videos=True), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert dlg.report is not None, dlg.error
    assert event_reads and threading.main_thread() not in event_reads  # read, and in the worker
    assert win.agreement_coders(all_videos=True) == ["alice", "bob", "model"]
    assert dlg.chosen_coders() == ["alice", "bob", "model"]
    # the same report as the one read from the project directly
    direct = agreement_report(win.project, coders=dlg.chosen_coders(), tolerance=dlg.tolerance.value(),
                              iou=dlg.iou.value())
    for key, table in direct.tables().items():
        assert table.equals(dlg.report.tables()[key]), key


def test_recompute_after_an_edit_reads_the_events_in_the_worker(qtbot, alice_and_bob, event_reads, monkeypatch):
    """A long report marked out of date by an edit: Recompute offers the new coder and computes, reading no event
    on the GUI thread; the new report has the edit and is not out of date."""
    from merstudio.gui.agreement_dialog import AgreementDialog

    win = alice_and_bob
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    monkeypatch.setattr(AgreementDialog, "AUTO_RECOMPUTE_S", -1.0)  # every report counts as a long one
    dlg._took = 1.0
    assert win.ctx.execute(C.SetCoder, name="carol")
    assert win.ctx.execute(C.NewEvent, onset=40, apex=42, offset=44, emotion="fear", confirmed=True), win.errors
    assert dlg.stale
    event_reads.clear()
    dlg.recompute_button.click()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert event_reads and threading.main_thread() not in event_reads
    assert "carol" in [dlg.coder_list.item(i).text() for i in range(dlg.coder_list.count())]
    assert not dlg.stale and dlg.report is not None
    assert win.agreement_coders() == ["alice", "bob", "carol"]
    dlg.events_changed(lambda: win.agreement_coders(all_videos=True))  # nothing changed since: stays as it is
    assert not dlg.stale and not dlg.computing
