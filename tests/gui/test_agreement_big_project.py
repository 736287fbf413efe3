"""The agreement dialog on a year-sized project (200 videos, 19,600 events of 8 coders: a report takes 70-110 s):
closing it while it computes returns at once, the computation left to finish unseen; an edit with a long report
open marks it out of date instead of computing it all again; the last report is shown at once when the dialog is
opened again on the same choices; a big report's Save CSV writes in the export worker; its columns are sized from a
few rows; the header counts many videos instead of naming them. The computations are parked at a gate the test
opens (a gate nobody opens opens by itself after GATE_S, so a wait on the GUI thread fails the test, not hangs it)."""

from __future__ import annotations

import threading

import pytest
from helpers import event_loop_turns

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's short wait, not the tests' 20 s

GATE_S = 8.0


class Gate:
    """A gate (threading.Event) that opens by itself after GATE_S; ``closed_for``: how long the GUI thread
    waited at it is not measured, but a wait on it shows up as the gate having opened by itself (``timed_out``)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.timed_out = False

    def wait(self) -> None:
        if not self.event.wait(GATE_S):
            self.timed_out = True

    def open(self) -> None:
        self.event.set()


class SlowReports:
    """merstudio.agreement.agreement_report as it is, held at a gate first: counts the computations started and
    the reports made."""

    def __init__(self, monkeypatch) -> None:
        import merstudio.agreement as agreement

        self.gate = Gate()
        self.started: list[threading.Thread] = []
        self.reports: list = []
        self.cancels: list = []  # each computation's cancel() (agreement_report's hook)
        real = agreement.agreement_report

        def report(*args, **kwargs):
            self.started.append(threading.current_thread())
            self.cancels.append(kwargs.get("cancel"))
            self.gate.wait()
            out = real(*args, **kwargs)
            self.reports.append(out)
            return out

        monkeypatch.setattr(agreement, "agreement_report", report)


def _end_abandoned(qtbot, slow: SlowReports) -> None:
    """Open the gate and let the closed dialogs' computations end (the thread-leak check finds none running)."""
    from merstudio.gui import agreement_dialog

    slow.gate.open()
    qtbot.waitUntil(lambda: not agreement_dialog.abandoned_running(), timeout=10000)


def test_closing_the_dialog_while_it_computes_returns_at_once(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.started), timeout=10000)
    dlg.reject()  # Esc / Close, the computation parked at the gate
    assert not slow.gate.event.is_set() and not slow.gate.timed_out  # returned without waiting for it
    assert not dlg.computing and dlg._worker is None and dlg.report is None
    from merstudio.gui import agreement_dialog

    assert agreement_dialog.abandoned_running()
    assert slow.cancels[0] is not None and slow.cancels[0]()  # asked to stop at its next step
    assert event_loop_turns(qtbot, 50) > 0
    _end_abandoned(qtbot, slow)
    assert not win.errors


def test_closing_the_project_while_the_report_computes_returns_at_once(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    qtbot.waitUntil(lambda: bool(slow.started), timeout=10000)
    win._project_closing()  # as closing or opening a project does
    assert win.agreement_dialog is None and not slow.gate.timed_out
    _end_abandoned(qtbot, slow)


def test_opening_the_dialog_again_shows_the_last_report_at_once(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    slow.gate.open()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    qtbot.waitUntil(lambda: not win.agreement_dialog.computing, timeout=10000)
    first = win.agreement_dialog.report
    assert first is not None and len(slow.started) == 1
    win.agreement_dialog.reject()
    assert win.agreement_dialog.report is None  # a closed dialog holds no report (the window keeps one)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    assert not dlg.computing and dlg.report is first and len(slow.started) == 1  # shown at once, not computed
    dlg.set_choices(tolerance=0)  # other choices: computed
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert len(slow.started) == 2 and dlg.report is not first


def test_a_changed_choice_stops_the_computation_running(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.started), timeout=10000)
    assert not slow.cancels[0]()
    dlg.set_choices(tolerance=0)
    assert slow.cancels[0]()  # its report is of choices no longer asked for
    slow.gate.open()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert len(slow.started) == 2 and not slow.cancels[1]() and dlg.report is slow.reports[-1]


def test_a_report_shown_again_at_once_is_still_marked_out_of_date_by_an_edit(qtbot, alice_and_bob, monkeypatch):
    """The window's kept report, shown at once, is known to be a long one: an edit marks it out of date, and
    reads no event for the dialog (19,600 read at each edit held the window 2-4 s)."""
    from merstudio.gui.agreement_dialog import AgreementDialog

    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    slow.gate.open()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    qtbot.waitUntil(lambda: not win.agreement_dialog.computing, timeout=10000)
    win.agreement_dialog.reject()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    assert dlg.report is not None and len(slow.started) == 1
    monkeypatch.setattr(AgreementDialog, "AUTO_RECOMPUTE_S", -1.0)  # every report counts as a long one
    reads = []
    real = win.agreement_coders
    monkeypatch.setattr(win, "agreement_coders", lambda **kw: (reads.append(kw), real(**kw))[1])
    assert win.ctx.execute(C.SetCoder, name="carol")
    assert win.ctx.execute(C.NewEvent, onset=40, apex=42, offset=44, emotion="fear", confirmed=True), win.errors
    assert dlg.stale and not dlg.computing and len(slow.started) == 1 and reads == []
    dlg.recompute_button.click()  # carol is offered now, not chosen
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert "carol" in [dlg.coder_list.item(i).text() for i in range(dlg.coder_list.count())]
    assert dlg.chosen_coders() == ["alice", "bob"] and len(slow.started) == 2


def test_the_dialog_opened_again_starts_once_the_closed_ones_computation_ended(qtbot, alice_and_bob, monkeypatch):
    """Opened again while the closed one's computation is still stopping: its own starts once that one ended, not
    beside it (two at once halve each other's speed), and it is shown."""
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    qtbot.waitUntil(lambda: bool(slow.started), timeout=10000)
    win.agreement_dialog.reject()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    assert dlg.computing and dlg.header.text() == "Computing the report…"
    assert event_loop_turns(qtbot, 50) > 0 and len(slow.started) == 1  # waiting, not computing beside it
    slow.gate.open()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert len(slow.started) == 2 and dlg.report is slow.reports[-1]
    assert dlg.models["pairs"].df.loc[0, "matched"] == 1


def test_an_edit_marks_a_long_report_out_of_date_and_recompute_computes_it(qtbot, alice_and_bob, monkeypatch, tmp_path):
    from merstudio.gui.agreement_dialog import AgreementDialog

    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    slow.gate.open()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    shown = dlg.report
    monkeypatch.setattr(AgreementDialog, "AUTO_RECOMPUTE_S", -1.0)  # every report counts as a long one
    assert win.ctx.execute(C.SetCoder, name="bob")
    assert win.ctx.execute(C.NewEvent, onset=40, apex=42, offset=44, emotion="fear", confirmed=True), win.errors
    win.undo_stack.undo()
    win.undo_stack.redo()
    assert len(slow.started) == 1 and not dlg.computing  # no recompute at each edit, undo, redo
    assert dlg.stale and dlg.report is shown and "Out of date" in dlg.header.text()
    assert dlg.recompute_button.isVisibleTo(dlg) and dlg.save_button.isEnabled()
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path / "old")), win.errors  # saved, said so
    assert (tmp_path / "old" / "agreement_pairs.csv").exists()
    assert "before the latest change" in win.statusBar().currentMessage()
    dlg.recompute_button.click()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert len(slow.started) == 2 and not dlg.stale and not dlg.recompute_button.isVisibleTo(dlg)
    assert dlg.models["pairs"].df.loc[0, "only_b"] == 1  # bob's new event


def test_an_edit_while_a_long_report_computes_marks_it_out_of_date_once_shown(qtbot, alice_and_bob, monkeypatch):
    from merstudio.gui.agreement_dialog import AgreementDialog

    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.started), timeout=10000)
    monkeypatch.setattr(AgreementDialog, "AUTO_RECOMPUTE_S", -1.0)
    assert win.ctx.execute(C.SetCoder, name="bob")
    assert win.ctx.execute(C.NewEvent, onset=40, apex=42, offset=44, emotion="fear", confirmed=True), win.errors
    slow.gate.open()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert len(slow.started) == 1 and dlg.report is slow.reports[0] and dlg.stale  # not started again after it
    assert dlg.recompute_button.isVisibleTo(dlg)


def test_a_quick_report_still_follows_an_edit(qtbot, alice_and_bob):
    win = alice_and_bob
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)  # this module keeps the app's 150 ms wait: on a
    assert win.ctx.execute(C.SetCoder, name="bob")  # loaded machine (CI) a quick report can still outlast it
    assert win.ctx.execute(C.NewEvent, onset=40, apex=42, offset=44, emotion="fear", confirmed=True), win.errors
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert not dlg.stale and dlg.models["pairs"].df.loc[0, "only_b"] == 1


def test_a_big_reports_save_csv_writes_in_the_export_worker(qtbot, alice_and_bob, monkeypatch, tmp_path):
    from merstudio.agreement.report import AgreementReport

    win = alice_and_bob
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    gate, threads = Gate(), []
    real = AgreementReport.write_csv

    def parked(self, *args, **kwargs):
        threads.append(threading.current_thread())
        gate.wait()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AgreementReport, "write_csv", parked)
    monkeypatch.setattr(C, "AGREEMENT_AT_ONCE_ROWS", 0, raising=False)  # this small one counts as big
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path / "agree")), win.errors
    assert win.exports.running and not win.exports.cancel_button.isHidden()  # Cancel export offered
    assert threads and threads[0] is not threading.main_thread()
    assert event_loop_turns(qtbot, 50) > 0
    gate.open()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert not gate.timed_out and (tmp_path / "agree" / "agreement_matches.csv").exists()
    assert "Exported" in win.statusBar().currentMessage() and not win.errors


def test_columns_are_sized_without_asking_the_model_cell_by_cell(qtbot, monkeypatch):
    """Sizing asked each of SIZED_ROWS rows' cells through the model for every role (28,000 asks of a pandas
    Arrow column, 0.4-1.9 s CPU on the GUI thread at each report on a year's project); the widths are measured on
    the first rows' text now: a tab not shown is asked nothing."""
    import pandas as pd

    from merstudio.gui import agreement_dialog
    from merstudio.gui.agreement_dialog import SIZED_ROWS, AgreementDialog

    class Report:
        coders, video_ids, notes = ["alice", "bob"], [1], []
        pairs = pd.DataFrame({"coder_a": ["alice"], "coder_b": ["bob"], "matched": [1]})
        kappa = alpha = icc = pd.DataFrame({"x": [1.0]})
        matches = pd.DataFrame({"video_id": range(5000), "note": ["a much longer note than its header"] * 5000})

        def tables(self):
            return {"pairs": self.pairs, "kappa": self.kappa, "alpha": self.alpha, "icc": self.icc,
                    "matches": self.matches}

        def header(self, video_names=None, cli=True):
            return "Agreement"

    asked = [0]
    real = agreement_dialog.DataFrameModel.data
    monkeypatch.setattr(agreement_dialog.DataFrameModel, "data",  # before the views ask through it
                        lambda self, index, role=0: (asked.__setitem__(0, asked[0] + (len(self.df) > 100)),
                                                     real(self, index, role))[1])
    dlg = AgreementDialog(lambda **kw: Report(), ["alice", "bob"])
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.tabs.currentIndex() == 0  # matches is a tab not shown
    dlg.recompute()
    assert len(dlg.models["matches"].df) == 5000
    assert asked[0] < SIZED_ROWS * 2  # fewer asks than its first rows' cells (each was asked ~8 times)
    view = dlg.views["matches"]
    assert view.columnWidth(1) > view.fontMetrics().horizontalAdvance("a much longer note")  # fits its text


def test_the_header_counts_many_videos_and_names_them_on_hover(qtbot):
    import pandas as pd

    from merstudio.agreement.report import AgreementReport
    from merstudio.gui.agreement_dialog import NAMED_VIDEOS, AgreementDialog

    empty = pd.DataFrame()
    n = 200
    report = AgreementReport(coders=["alice", "bob"], video_ids=list(range(1, n + 1)), tolerance=3, iou=0.5,
                             pairs=pd.DataFrame({"coder_a": ["alice"], "coder_b": ["bob"]}), kappa=empty,
                             alpha=empty, icc=empty, matches=empty)
    names = {v: f"clip{v:03d}.mp4" for v in range(1, n + 1)}
    dlg = AgreementDialog(lambda **kw: report, ["alice", "bob"], video_names=lambda: names)
    qtbot.addWidget(dlg)
    dlg.recompute()
    text = dlg.header.text()
    assert "on 200 videos" in text and "clip001.mp4" not in text
    assert "clip001.mp4" in dlg.header.toolTip() and "and 160 more" in dlg.header.toolTip()
    few = AgreementReport(coders=["alice", "bob"], video_ids=list(range(1, NAMED_VIDEOS + 1)), tolerance=3,
                          iou=0.5, pairs=report.pairs, kappa=empty, alpha=empty, icc=empty, matches=empty)
    dlg._compute = lambda **kw: few
    dlg.recompute()
    assert "clip001.mp4" in dlg.header.text() and not dlg.header.toolTip()


def test_cancel_export_stops_a_big_reports_save_before_anything_is_replaced(qtbot, alice_and_bob, monkeypatch, tmp_path):
    import merstudio.csv_write as csv_write

    win = alice_and_bob
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    gate, writes = Gate(), []
    real = csv_write.frame_to_csv

    def parked(*args, **kwargs):
        writes.append(1)
        if len(writes) == 1:
            gate.wait()  # the first table being written
        return real(*args, **kwargs)

    monkeypatch.setattr(csv_write, "frame_to_csv", parked)
    monkeypatch.setattr(C, "AGREEMENT_AT_ONCE_ROWS", 0, raising=False)
    out = tmp_path / "agree"
    out.mkdir()
    (out / "agreement_pairs.csv").write_text("an earlier report\n")
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(out)), win.errors
    qtbot.waitUntil(lambda: bool(writes), timeout=10000)
    win.exports.cancel_button.click()
    gate.open()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert len(writes) == 1  # stopped before the next file
    assert (out / "agreement_pairs.csv").read_text() == "an earlier report\n"  # kept as it was
    assert sorted(p.name for p in out.iterdir()) == ["agreement_pairs.csv"]  # no temporary left
    assert "Cancelled" in win.statusBar().currentMessage() and not win.errors
