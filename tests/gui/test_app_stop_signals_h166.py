"""Ctrl-C, SIGTERM and SIGHUP quit the app cleanly and at once, asking nothing (h166, audit a87 finding 1): a
running analysis stops with its rows kept, the project closes (its lock released), the layout is saved, and the
exit status and line name the signal. `merstudio demo` ran inside the command line's watch, whose Interrupted was
raised inside a Qt slot: "unexpected error: Interrupted" and the app ran on, holding its project, until SIGKILL.
Real signals sent to this process while the app's handlers are installed."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from gui_fixtures import N_FRAMES

from merstudio.gui import commands as C
from merstudio.gui.app import StopSignals, end
from merstudio.project import Project

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                 reason="signals reach the main thread only")]


def _quit_by(qapp, signum: int) -> int | None:
    """The app's event loop run until `signum`, sent to this process from inside it, ends it; the signal taken."""
    from PySide6.QtCore import QTimer

    with StopSignals(qapp) as stop:
        QTimer.singleShot(0, lambda: os.kill(os.getpid(), signum))
        QTimer.singleShot(15000, qapp.quit)  # a failure must not hang the suite
        qapp.exec()
        return stop.signum


@pytest.mark.parametrize(("name", "code", "line"), [("SIGTERM", 143, "stopped by SIGTERM"),
                                                    ("SIGHUP", 129, "stopped by SIGHUP"),
                                                    ("SIGINT", 130, "interrupted")])
def test_a_stop_signal_quits_the_app_stopping_its_analysis_and_closing_its_project(
        qtbot, qapp, window, video_path, fake_analysis, monkeypatch, capsys, sighup_delivered, name, code, line):
    win = window
    asked: list[str] = []
    monkeypatch.setattr(win, "ask_stop_analysis", lambda q: asked.append(q) or False)  # nothing may be asked
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    path, vid = win.project.path, win.video.id
    fake_analysis.gate = threading.Event()  # parked before frame 11: frames 0-10 analysed
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    win.qsettings.remove("geometry")

    signum = getattr(signal, name)
    assert _quit_by(qapp, signum) == signum
    assert signal.getsignal(signum) is not StopSignals._record  # the handlers put back
    monkeypatch.setattr("merstudio.gui.app.dispose", lambda w: w.shutdown())  # the fixture's window stays
    assert end(win, signum, 0) == code
    assert capsys.readouterr().err.splitlines()[-1:] == [f"merstudio: {line}"]
    assert asked == []
    assert win.worker is None and win.project is None
    assert not path.with_name(path.name + ".lock").exists()
    assert not path.with_name(path.name + "-wal").exists()  # the journal folded into the file
    assert win.qsettings.value("geometry") is not None  # the layout saved as a close saves it
    with Project.open(path, read_only=True) as proj:  # the stopped run's rows are kept, as Cancel keeps them
        run = proj.analysis(vid)
        assert run is not None and run.status != "running"
        assert 11 <= proj.frame_count_stored(vid) < N_FRAMES


def test_a_sighup_ignored_when_the_app_starts_stays_ignored(qapp):
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with StopSignals(qapp) as stop:
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) == stop._record
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, old)
