"""The agreement dialog waits up to analysis_control.LOAD_GRACE_MS on the GUI thread for a report, so a quick one
shows at once without a flash of "Computing the report…". On a big project (tens of seconds a report) that wait was a
pure 150 ms freeze at every request: once the dialog's last computation of that scope ran longer than the grace, the
next request is not waited for and says "Computing the report…" at once. The computations are held at gates the test
opens (a gate nobody opens opens by itself after GATE_S, so a wrong wait fails the test instead of hanging it)."""

from __future__ import annotations

import threading

import pytest

from merstudio.agreement import agreement_from_events
from merstudio.project import Event

pytestmark = pytest.mark.gui

GATE_S = 5.0
EVENTS = [Event(1, 10, 12, 14, coder="ann"), Event(1, 11, 12, 15, coder="bob")]


class Reports:
    """The dialog's ``compute``: each request's report made by a function that waits at its own gate first (the
    gates already open make a quick report)."""

    def __init__(self) -> None:
        self.gates: list[threading.Event] = []
        self.open_next = False  # the next request's gate starts open

    def __call__(self, **kw):
        gate = threading.Event()
        if self.open_next:
            gate.set()
        self.gates.append(gate)

        def make():
            gate.wait(GATE_S)
            return agreement_from_events(EVENTS, coders=kw["coders"], tolerance=kw["tolerance"], iou=kw["iou"],
                                         frame_counts={1: 60}, all_coded=kw["all_coded"])

        return make


@pytest.fixture
def grace_waits(monkeypatch):
    """The timeouts the dialog waited for its worker with (a wait with none, for a finished thread, is not one)."""
    from merstudio.gui import agreement_dialog

    waits: list[int] = []
    real = agreement_dialog.TaskWorker.wait

    def wait(self, *args):
        if args:
            waits.append(args[0])
        return real(self, *args)

    monkeypatch.setattr(agreement_dialog.TaskWorker, "wait", wait)
    return waits


def test_a_slow_report_is_not_waited_for_again(qtbot, load_grace, grace_waits) -> None:
    from merstudio.gui.agreement_dialog import AgreementDialog

    reports = Reports()
    dlg = AgreementDialog(reports, ["ann", "bob"])
    qtbot.addWidget(dlg)
    dlg.set_choices(coders=["ann", "bob"])  # not known yet: waited for the grace, then "Computing…"
    assert grace_waits == [load_grace]
    assert dlg.computing and dlg.header.text() == "Computing the report…"
    reports.gates[0].set()  # it ran longer than the grace (held until the wait gave up)
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert dlg.report is not None
    reports.open_next = True  # a quick one now, but the dialog cannot know before it runs
    dlg.set_choices(tolerance=0)
    assert grace_waits == [load_grace]  # no second freeze of the GUI thread
    assert dlg.computing and dlg.header.text() == "Computing the report…"  # said at once
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert dlg.report is not None and "ann" in dlg.header.text()
    dlg.set_choices(iou=0.9)  # the last one was quick: waited for again, shown at once when it comes in time
    assert grace_waits == [load_grace, load_grace]
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)


def test_slow_on_all_videos_still_waits_on_one_video(qtbot, load_grace, grace_waits) -> None:
    """How long a report takes is known per scope: all videos' slow one says nothing of this video's."""
    from merstudio.gui.agreement_dialog import AgreementDialog

    reports = Reports()
    dlg = AgreementDialog(reports, ["ann", "bob"], all_videos=True)
    qtbot.addWidget(dlg)
    dlg.set_choices(coders=["ann", "bob"])
    assert dlg.computing
    reports.gates[0].set()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    reports.open_next = True
    dlg.set_choices(all_videos=False)
    assert grace_waits == [load_grace, load_grace]
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)


def test_a_quick_report_still_shows_at_once(qtbot, grace_waits) -> None:
    """(The tests' grace is 20 s: however loaded the machine, a quick report comes within it.)"""
    from merstudio.gui.agreement_dialog import AgreementDialog

    reports = Reports()
    reports.open_next = True
    dlg = AgreementDialog(reports, ["ann", "bob"])
    qtbot.addWidget(dlg)
    for tolerance in (3, 0):
        dlg.set_choices(coders=["ann", "bob"], tolerance=tolerance)
        assert not dlg.computing and dlg.report is not None  # shown before set_choices returned
        assert "Computing" not in dlg.header.text()
    assert len(grace_waits) == 2
