"""The agreement report is computed in a worker: on a project of many coders and events (1-2 s at 6,000 events) the
window stopped repainting while the dialog recomputed. The computation is parked here at a gate the test opens:
meanwhile the window turns its event loop, the dialog says it is computing and Save CSV waits; only the latest
choices' report is computed and shown. A gate nobody opens opens by itself after GATE_S, so on code that computes on
the GUI thread the tests fail instead of hanging."""

from __future__ import annotations

import threading

import pytest
from helpers import event_loop_turns

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait, not the tests' 20 s

GATE_S = 5.0


class SlowReports:
    """merstudio.agreement.agreement_report as it is, held at a gate first: records the threads, the tolerances
    asked for and the reports made."""

    def __init__(self, monkeypatch):
        import merstudio.agreement as agreement

        self.gate = threading.Event()
        self.threads: list[threading.Thread] = []
        self.tolerances: list[int] = []
        self.reports: list = []
        real = agreement.agreement_report

        def report(*args, **kwargs):
            self.threads.append(threading.current_thread())
            self.tolerances.append(kwargs["tolerance"])
            self.gate.wait(GATE_S)
            out = real(*args, **kwargs)
            self.reports.append(out)
            return out

        monkeypatch.setattr(agreement, "agreement_report", report)


def test_the_report_is_computed_off_the_gui_thread_and_then_shown(qtbot, alice_and_bob, tmp_path, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.threads), timeout=10000)
    assert slow.threads[0] is not threading.main_thread()
    assert dlg.computing and dlg.header.text() == "Computing the report…"
    assert not dlg.save_button.isEnabled()
    assert event_loop_turns(qtbot, 100) > 0  # the window turns while the report is computed
    assert not win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path))  # not the report of other choices
    assert "still being computed" in win.errors[-1]
    assert not list(tmp_path.glob("agreement_*.csv"))
    slow.gate.set()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert dlg.report is slow.reports[0] and dlg.save_button.isEnabled()
    assert dlg.models["pairs"].df.loc[0, "matched"] == 1  # alice's and bob's events match (within 3 frames)
    assert "alice" in dlg.header.text()
    win.errors.clear()
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path)), win.errors
    assert (tmp_path / "agreement_pairs.csv").exists()


def test_only_the_latest_choices_are_computed_and_shown(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"], tolerance=3), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.threads), timeout=10000)
    dlg.set_choices(tolerance=0)  # both while the first runs: the second replaces the first waiting
    dlg.set_choices(iou=0.95, tolerance=1)
    assert dlg.computing
    slow.gate.set()
    qtbot.waitUntil(lambda: not dlg.computing, timeout=10000)
    assert slow.tolerances == [3, 1]  # the one replaced while it waited never ran
    assert dlg.report is slow.reports[-1]  # the running one's report was not shown
    # 10-12-15 against 11-12-16: the onsets one frame apart, within a tolerance of 1 (IoU 0.67 < 0.95)
    assert dlg.models["pairs"].df.loc[0, "matched"] == 1
    assert not win.errors


def test_closing_the_dialog_while_it_computes_leaves_no_thread(qtbot, alice_and_bob, monkeypatch):
    win = alice_and_bob
    slow = SlowReports(monkeypatch)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: bool(slow.threads), timeout=10000)
    opener = threading.Timer(0.2, slow.gate.set)  # the running computation ends soon after the close is asked
    opener.start()
    dlg.close()
    opener.join()
    assert not dlg.computing and dlg._worker is None  # waited for; the thread-leak check finds nothing running


def test_showing_a_long_report_asks_a_few_rows_of_each_table_for_their_widths(qtbot, window, video_path,
                                                                             monkeypatch):
    """Applying the report is on the GUI thread: its column widths were measured on up to 1,000 rows of each table,
    each cell a pandas lookup (170,000 cells, 5-8 s, for 6,000 events of four coders); now on the first
    SIZED_ROWS."""
    from merstudio.gui import agreement_dialog

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    n = 600  # alice's events one frame apart; bob's the same: 600 matches
    win.project.add_events([Event(vid, i % 80, i % 80 + 1, i % 80 + 2, face_id=i // 80, coder=coder)
                            for coder in ("alice", "bob") for i in range(n)])
    win.coding.reload()
    asked = []
    real = agreement_dialog.DataFrameModel.data
    monkeypatch.setattr(agreement_dialog.DataFrameModel, "data",  # before the dialog's views ask through it
                        lambda self, index, role=0: (asked.append(1), real(self, index, role))[1])
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    qtbot.waitUntil(lambda: not dlg.computing, timeout=20000)
    matches = dlg.models["matches"].df
    assert len(matches) >= n
    asked.clear()
    dlg.set_choices(tolerance=1)
    qtbot.waitUntil(lambda: not dlg.computing, timeout=20000)
    assert len(dlg.models["matches"].df) >= n
    # sizing asked every cell of the matches table for each of its roles before (~8 asks a cell); now its first
    # SIZED_ROWS rows: fewer asks in all than two a cell
    assert len(asked) < 2 * len(matches) * len(matches.columns)
