"""Work that took seconds on the GUI thread runs in a worker: the summary export (its timeline PNG, drawn with
matplotlib, froze a 20-minute project's window for 2.4 s) and loading a checkpoint (torch.load and building the
network, ~1.5 s). The slow parts are replaced here by stand-ins parked at a gate, so each test sees the work in
flight: the window keeps turning its event loop, shows what runs, refuses or supersedes what comes meanwhile, and
says in one line what failed. A gate opens by itself after a few seconds, so on code that runs the work on the GUI
thread these tests fail instead of hanging."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import event_loop_turns, open_and_analyse

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves

GATE_S = 3.0  # a gate nobody opens opens by itself: work on the GUI thread fails the test, never hangs it


class SlowDrawing:
    """Figure.savefig (the timeline PNG's drawing) parked at a gate: records the threads that draw."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: str = "") -> None:
        from matplotlib.figure import Figure

        self.gate, self.started = threading.Event(), threading.Event()
        self.threads: list[threading.Thread] = []
        original = Figure.savefig

        def savefig(fig, *args, **kwargs):
            self.threads.append(threading.current_thread())
            self.started.set()
            self.gate.wait(GATE_S)
            if fail:
                raise RuntimeError(fail)
            return original(fig, *args, **kwargs)

        monkeypatch.setattr(Figure, "savefig", savefig)


class SlowLoads:
    """merstudio.model.checkpoint.load_checkpoint replaced: a file named in ``gates`` waits at its gate; a name with
    "bad" in it fails with a message of several lines (as torch's unpickling errors are)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gates: dict[str, threading.Event] = {}
        self.threads: list[threading.Thread] = []
        self.started: list[str] = []
        monkeypatch.setattr("merstudio.model.checkpoint.load_checkpoint", self)

    def ran_off_the_gui_thread(self, qtbot) -> bool:
        """Whether the first load ran in a thread of its own (waiting for it to begin: the loader's thread may not
        have reached the load yet)."""
        qtbot.waitUntil(lambda: bool(self.threads), timeout=10000)
        return self.threads[0] is not threading.main_thread()

    def gate(self, name: str) -> threading.Event:
        self.gates[name] = threading.Event()
        return self.gates[name]

    def __call__(self, path, map_location="cpu"):
        p = Path(path)
        self.threads.append(threading.current_thread())
        self.started.append(p.name)
        gate = self.gates.get(p.name)
        if gate is not None:
            gate.wait(GATE_S)
        if "bad" in p.name:
            raise RuntimeError("unpickling failed\n  at byte 12\nthe file looks damaged")
        return None, {"class_names": [p.stem, "other"], "aus": [12], "model_config": {}}


@pytest.fixture
def analysed(qtbot, window, video_path):
    return open_and_analyse(qtbot, window, video_path, landmarks=True)


class FrameReads:
    """Project.load_frames spied on: the threads that read the per-frame table."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from merstudio.project import Project

        self.threads: list[threading.Thread] = []
        original = Project.load_frames

        def load_frames(proj, *a, **k):
            self.threads.append(threading.current_thread())
            return original(proj, *a, **k)

        monkeypatch.setattr(Project, "load_frames", load_frames)


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ------------------------------------------------------------------------------------------------ summary export
def test_the_summary_is_drawn_in_a_worker_while_the_window_stays_responsive(qtbot, analysed, tmp_path, monkeypatch):
    win = analysed
    drawing = SlowDrawing(monkeypatch)
    out = tmp_path / "reports"
    t0 = time.monotonic()
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    assert time.monotonic() - t0 < GATE_S  # the command returned with the drawing still parked
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert drawing.threads[0] is not threading.main_thread()
    # in flight: the status bar says so, the event loop turns, the PNG is not there under its name
    assert win.exports.running and win.busy.isVisible() and "Exporting the summary" in win.busy.text()
    assert "clip.avi" in win.busy.toolTip()
    assert event_loop_turns(qtbot) >= 10
    assert not (out / "s.png").exists()
    drawing.gate.set()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert not win.errors and not win.busy.isVisible()
    assert win.last_exports == [out / "s.csv", out / "s.png"]
    assert "Exported" in win.statusBar().currentMessage()
    assert (out / "s.png").read_bytes()[:4] == b"\x89PNG" and _parts(out) == []


def test_the_summary_menu_item_is_greyed_out_while_one_is_written(qtbot, analysed, tmp_path, monkeypatch):
    """One summary at a time: Export > Summary is not offered while one is written (rather than offered, then
    refused with an error box), and is again once it is."""
    win = analysed
    drawing = SlowDrawing(monkeypatch)
    from PySide6.QtGui import QAction

    act = next(a for a in win.findChildren(QAction) if a.text().replace("&", "").startswith("Summary CSV"))
    assert act.isEnabled()
    assert win.ctx.execute(C.Export, kind="summary", path=str(tmp_path / "s.csv")), win.errors
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert not act.isEnabled()
    drawing.gate.set()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert act.isEnabled() and not win.errors


def test_run_analysis_is_greyed_out_without_a_video(qtbot, window, video_path):
    win = window
    assert not win.run_action.isEnabled()  # nothing open: nothing to analyse
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.run_action.isEnabled()
    win.session.close_project()
    assert win.video is None and not win.run_action.isEnabled()


def test_the_summary_is_the_project_as_it_was_when_asked_for(qtbot, analysed, tmp_path, monkeypatch):
    """The report is the project as it was when the export was asked for: an event coded while it is drawn is not
    half in it (where the data is read: test_the_summary_reads_the_project_in_the_worker_...)."""
    win = analysed
    drawing = SlowDrawing(monkeypatch)
    before = sum(e.status == "accepted" for e in win.events)
    reads = FrameReads(monkeypatch)
    assert win.ctx.execute(C.Export, kind="summary", path=str(tmp_path / "s.csv")), win.errors
    assert threading.main_thread() not in reads.threads  # nothing of the table read on the GUI thread
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert drawing.threads[0] is not threading.main_thread()
    assert reads.threads and threading.main_thread() not in reads.threads
    assert win.ctx.execute(C.NewEvent, onset=70, offset=75, emotion="negative")  # coded meanwhile
    drawing.gate.set()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    summary = pd.read_csv(tmp_path / "s.csv")
    assert summary.query("measure == 'events' and category == 'all' and face == 'all'")["value"].item() == before


def test_the_summary_reads_the_project_in_the_worker_through_a_snapshot_pinned_when_asked_for(qtbot, analysed,
                                                                                              tmp_path, monkeypatch):
    """The summary export: the rows, events and frame times are read in the worker (0.2 s of a 20-minute project
    on the GUI thread before), through a read-only connection of the export's own pinned when it was asked for: an
    event coded meanwhile is not in the report, and the GUI's connection is never used from the worker."""
    from merstudio.project import Project

    win = analysed
    drawing = SlowDrawing(monkeypatch)
    reads: list[tuple[str, threading.Thread, Project]] = []
    for name in ("load_frames", "events", "video", "timebase"):
        original = getattr(Project, name)

        def spy(self, *a, _original=original, _name=name, **k):
            reads.append((_name, threading.current_thread(), self))
            return _original(self, *a, **k)

        monkeypatch.setattr(Project, name, spy)
    before = sum(e.status == "accepted" for e in win.events)
    assert win.ctx.execute(C.Export, kind="summary", path=str(tmp_path / "s.csv")), win.errors
    # nothing of the table read on the GUI thread (the worker may have begun reading already)
    assert not [r for r in reads if r[0] == "load_frames" and r[1] is threading.main_thread()]
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert win.ctx.execute(C.NewEvent, onset=70, offset=75, emotion="negative")  # coded meanwhile
    drawing.gate.set()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert not win.errors and win.last_exports == [tmp_path / "s.csv", tmp_path / "s.png"]
    worker = [(n, p) for n, t, p in reads if t is not threading.main_thread()]
    assert {n for n, _ in worker} >= {"load_frames", "events", "timebase"}
    assert all(p is not win.project for _, p in worker)
    summary = pd.read_csv(tmp_path / "s.csv")
    assert summary.query("measure == 'events' and category == 'all' and face == 'all'")["value"].item() == before
    assert summary.query("measure == 'face_frames'")["value"].item() > 0


def test_a_second_export_is_refused_and_closing_the_project_lets_the_first_finish(qtbot, analysed, tmp_path,
                                                                                 monkeypatch):
    win = analysed
    drawing = SlowDrawing(monkeypatch)
    out = tmp_path / "reports"
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert drawing.threads[0] is not threading.main_thread()
    assert not win.ctx.execute(C.Export, kind="summary", path=str(out / "t.csv"))
    assert "still being written" in win.errors[-1] and "\n" not in win.errors[-1]
    assert not (out / "t.csv").exists()
    win.session.close_project()  # the worker reads through a connection of its own (pinned when asked): it goes on
    assert win.project is None and win.exports.running
    drawing.gate.set()
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert len(win.errors) == 1 and win.last_exports == [out / "s.csv", out / "s.png"]
    assert (out / "s.png").read_bytes()[:4] == b"\x89PNG" and _parts(out) == []


def test_closing_the_window_while_exporting_leaves_no_half_report(qtbot, analysed, tmp_path, monkeypatch):
    """Closing stops the export at its next step (it waited for the whole of it: minutes with many events): no
    report, no temporary, nothing said to be exported (tests/gui/test_export_stopped_on_close_h127.py: an old
    report is kept)."""
    win = analysed
    drawing = SlowDrawing(monkeypatch)
    out = tmp_path / "reports"
    before = list(win.last_exports)
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    qtbot.waitUntil(drawing.started.is_set, timeout=10000)
    assert drawing.threads[0] is not threading.main_thread()
    opener = threading.Timer(0.3, drawing.gate.set)  # the drawing ends while the window is closing
    opener.start()
    win.close()
    opener.join()
    assert not win.exports.running and win.exports.worker is None
    assert win.last_exports == before
    assert not (out / "s.csv").exists() and not (out / "s.png").exists()
    assert not out.exists() or _parts(out) == []


def test_a_failed_summary_export_says_why_in_one_line(qtbot, analysed, tmp_path, monkeypatch):
    win = analysed
    drawing = SlowDrawing(monkeypatch, fail="the renderer gave up\n  at line 3\nfor no reason")
    drawing.gate.set()
    assert win.ctx.execute(C.Export, kind="summary", path=str(tmp_path / "s.csv")) is not None
    qtbot.waitUntil(lambda: bool(win.errors), timeout=10000)
    msg = win.errors[-1]
    assert "\n" not in msg and "summary" in msg and "the renderer gave up" in msg
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert drawing.threads[0] is not threading.main_thread()
    assert not (tmp_path / "s.png").exists() and _parts(tmp_path) == []  # no half-written PNG, no temporary
    assert not win.busy.isVisible()


# ------------------------------------------------------------------------------------------------ checkpoints
def test_a_checkpoint_loads_in_a_worker_and_the_status_bar_says_so(qtbot, window, tmp_path, monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    gate = loads.gate("a.pt")
    t0 = time.monotonic()
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "a.pt"), confirmed=True), win.errors
    assert time.monotonic() - t0 < GATE_S
    qtbot.waitUntil(lambda: bool(loads.started), timeout=10000)
    assert loads.ran_off_the_gui_thread(qtbot)
    assert win.analysis.checkpoint_loading == tmp_path / "a.pt" and win.checkpoint is None
    assert win.busy.isVisible() and "Loading a.pt" in win.busy.text()
    assert event_loop_turns(qtbot) >= 10
    gate.set()
    qtbot.waitUntil(lambda: win.checkpoint == tmp_path / "a.pt", timeout=10000)
    assert win.analysis.checkpoint_loading is None and not win.busy.isVisible() and not win.errors
    assert win.analysis.emotion_names()[:2] == ("a", "other")


def test_only_the_latest_checkpoint_request_is_used(qtbot, window, tmp_path, monkeypatch):
    """As the frame loader: a request replaces one not yet started (never loaded), and the answer of a load that
    was running when a newer request came is dropped."""
    win = window
    loads = SlowLoads(monkeypatch)
    used: list[str] = []
    original = win.analysis.set_checkpoint
    monkeypatch.setattr(win.analysis, "set_checkpoint", lambda p, m: (used.append(Path(p).name), original(p, m)))
    gate = loads.gate("a.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "a.pt"), confirmed=True)
    qtbot.waitUntil(lambda: bool(loads.started), timeout=10000)
    assert loads.ran_off_the_gui_thread(qtbot)
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "b.pt"), confirmed=True)
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "c.pt"), confirmed=True)
    assert win.analysis.checkpoint_loading == tmp_path / "c.pt"
    gate.set()
    qtbot.waitUntil(lambda: win.checkpoint == tmp_path / "c.pt", timeout=10000)
    qtbot.wait(100)  # nothing late arrives
    assert used == ["c.pt"] and loads.started == ["a.pt", "c.pt"]  # b was replaced before it started
    assert win.checkpoint == tmp_path / "c.pt" and not win.errors


def test_the_checkpoint_dialog_asks_once_loaded_and_a_newer_request_closes_it(qtbot, window, tmp_path, monkeypatch):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog

    win = window
    loads = SlowLoads(monkeypatch)
    monkeypatch.setattr(CheckpointDialog, "exec", lambda self: 0)  # a modal dialog would hang the test: declined
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "a.pt"))
    qtbot.waitUntil(lambda: getattr(win, "checkpoint_question", None) is not None, timeout=10000)
    dlg = win.checkpoint_question
    assert dlg.isVisible() and "2: a, other" in dlg.rows["Classes"] and win.checkpoint is None
    assert loads.ran_off_the_gui_thread(qtbot)
    closed: list[int] = []
    dlg.finished.connect(closed.append)
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "b.pt"))  # a newer request: a's question goes
    assert closed == [0]
    qtbot.waitUntil(lambda: win.checkpoint_question is not None, timeout=10000)
    win.checkpoint_question.accept()  # "Use this model"
    assert win.checkpoint == tmp_path / "b.pt" and win.checkpoint_question is None
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "c.pt"))
    qtbot.waitUntil(lambda: win.checkpoint_question is not None, timeout=10000)
    win.checkpoint_question.reject()  # Cancel: the model in use stays
    assert win.checkpoint == tmp_path / "b.pt" and "c.pt: not loaded" in win.statusBar().currentMessage()
    assert not win.errors


def test_a_checkpoint_that_fails_to_load_says_why_in_one_line(qtbot, window, tmp_path, monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    win.analysis.set_checkpoint(tmp_path / "old.pt", {"class_names": ["x"]})
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "bad.pt"), confirmed=True) is not None
    qtbot.waitUntil(lambda: bool(win.errors), timeout=10000)
    msg = win.errors[-1]
    assert "\n" not in msg and "bad.pt" in msg and "unpickling failed" in msg
    assert loads.ran_off_the_gui_thread(qtbot)
    assert win.checkpoint == tmp_path / "old.pt" and win.analysis.checkpoint_loading is None
    assert not win.busy.isVisible()


def test_an_analysis_asked_for_while_a_checkpoint_loads_waits_and_runs_with_it(qtbot, window, video_path, tmp_path,
                                                                              monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.analysis.set_checkpoint(tmp_path / "old.pt", {"class_names": ["x"]})  # the model in use before
    gate = loads.gate("new.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "new.pt"), confirmed=True)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    # waiting, shown as running (Ctrl+R says "already running", Ctrl+. cancels), not running with old.pt
    assert win.worker is not None and not win.worker.isRunning()
    assert "starts once new.pt has loaded" in win.statusBar().currentMessage()
    assert "Loading new.pt" in win.busy.text()
    assert not win.run_action.isEnabled() and win.progress_bar.isVisible()
    assert loads.ran_off_the_gui_thread(qtbot)
    gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.project.analysis(win.video.id).model == str(tmp_path / "new.pt") and not win.errors


def test_an_analysis_waiting_for_a_checkpoint_can_be_cancelled(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    gate = loads.gate("new.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "new.pt"), confirmed=True)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    assert win.worker is not None and not win.worker.isRunning()
    assert win.ctx.execute(C.CancelAnalysis)  # Ctrl+.
    assert win.worker is None and "cancelled" in win.statusBar().currentMessage()
    assert win.run_action.isEnabled() and not win.progress_bar.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: win.checkpoint == tmp_path / "new.pt", timeout=10000)
    qtbot.wait(100)
    assert win.worker is None and win.project.analysis(win.video.id) is None and not win.errors


def test_another_video_opened_while_a_run_waits_for_its_checkpoint_drops_that_run_at_once(qtbot, window, video_path,
                                                                                          tmp_path, monkeypatch):
    """The held run belonged to the video it was asked on: opening another one drops it at once, so the new video is
    not shown as being analysed (Analyse enabled, no progress bar, Ctrl+R runs it), and says so."""
    win = window
    loads = SlowLoads(monkeypatch)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video.name
    gate = loads.gate("new.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "new.pt"), confirmed=True)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    assert win.worker is not None and not win.worker.isRunning()
    other = video_path.with_name("other.avi")
    other.write_bytes(video_path.read_bytes() + b"another file")
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert win.video.name == "other.avi"
    assert win.worker is None and win.run_action.isEnabled() and not win.progress_bar.isVisible()
    msg = win.statusBar().currentMessage()
    assert f"Analysis of {first} not started: another video was opened while the checkpoint loaded" in msg
    gate.set()
    qtbot.waitUntil(lambda: win.checkpoint == tmp_path / "new.pt", timeout=10000)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors  # Ctrl+R runs the video shown
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.project.analysis(win.video.id) is not None and not win.errors


def test_a_run_waiting_for_the_checkpoint_dialog_says_it_waits_for_the_answer(qtbot, window, video_path, tmp_path,
                                                                               monkeypatch):
    """Once the file has loaded and its dialog asks, the run waits for the coder's answer, not for a load."""
    from merstudio.gui.checkpoint_dialog import CheckpointDialog

    win = window
    loads = SlowLoads(monkeypatch)
    monkeypatch.setattr(CheckpointDialog, "exec", lambda self: 0)  # a modal dialog would hang the test
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    gate = loads.gate("new.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "new.pt"))  # asks once loaded
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    assert "starts once new.pt has loaded" in win.statusBar().currentMessage()
    gate.set()
    qtbot.waitUntil(lambda: win.checkpoint_question is not None, timeout=10000)
    msg = win.statusBar().currentMessage()
    assert "starts once new.pt is confirmed in its dialog" in msg and "has loaded" not in msg
    win.checkpoint_question.reject()  # Cancel: not run
    assert win.worker is None
    # asked for while the dialog is already open: the same
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "new.pt"))
    qtbot.waitUntil(lambda: win.checkpoint_question is not None, timeout=10000)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    assert "starts once new.pt is confirmed in its dialog" in win.statusBar().currentMessage()
    win.checkpoint_question.accept()  # "Use this model": it runs
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.project.analysis(win.video.id).model == str(tmp_path / "new.pt") and not win.errors


def test_an_analysis_waiting_for_a_checkpoint_that_fails_is_not_run(qtbot, window, video_path, tmp_path,
                                                                   monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.analysis.set_checkpoint(tmp_path / "old.pt", {"class_names": ["x"]})
    gate = loads.gate("bad.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "bad.pt"), confirmed=True) is not None
    assert win.ctx.execute(C.RunAnalysis, confirmed=True) is not None
    assert loads.ran_off_the_gui_thread(qtbot)
    gate.set()
    qtbot.waitUntil(lambda: bool(win.errors), timeout=10000)
    qtbot.waitUntil(lambda: win.worker is None, timeout=10000)
    msg = win.errors[-1]
    assert "\n" not in msg and "bad.pt" in msg and "not started" in msg
    assert win.project.analysis(win.video.id) is None  # never run with old.pt
    assert "starts once" not in win.statusBar().currentMessage()
    assert win.checkpoint == tmp_path / "old.pt" and not win.progress_bar.isVisible()


def test_closing_the_window_while_a_checkpoint_loads(qtbot, window, tmp_path, monkeypatch):
    win = window
    loads = SlowLoads(monkeypatch)
    gate = loads.gate("a.pt")
    assert win.ctx.execute(C.LoadCheckpoint, path=str(tmp_path / "a.pt"), confirmed=True)
    qtbot.waitUntil(lambda: bool(loads.started), timeout=10000)
    assert loads.ran_off_the_gui_thread(qtbot)
    opener = threading.Timer(0.2, gate.set)
    opener.start()
    win.close()  # waits for the load running (it cannot be interrupted), drops its answer
    opener.join()
    qtbot.wait(100)
    assert win.checkpoint is None and win.analysis.checkpoint_loading is None and not win.errors
