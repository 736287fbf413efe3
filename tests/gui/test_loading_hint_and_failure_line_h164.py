"""The AU lane's hint while a video's stored analysis is read says it is loading (it said "Press Ctrl+R to analyse
this video", inviting a re-run that replaces the stored one), as the heat-map and motion lanes do; the window asks
AnalysisControl.loading (public) whether curves are on their way. A first run that fails says why in the status
bar too (it was left blank once the dialog closed)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from gui_fixtures import write_video
from helpers import analysed_and_another

from merstudio.gui import analysis_control as ac
from merstudio.gui import commands as C
from merstudio.gui.first_run import HINT_NOT_ANALYSED

pytestmark = pytest.mark.gui


def _hint(win) -> str | None:
    """The AU lane's hint as shown (None: hidden)."""
    h = win.first_run.hint
    return h.toPlainText() if h.isVisible() else None


def test_the_au_lane_says_loading_while_the_stored_curves_are_read(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    analysed, other = analysed_and_another(qtbot, win, tmp_path / "study", video_path,
                                           write_video(tmp_path / "other.avi", n=40))
    assert _hint(win) == HINT_NOT_ANALYSED and not win.analysis.loading  # the other video: not analysed

    class Late(threading.Event):  # the curves never come within the grace: they arrive as a long video's do
        def wait(self, timeout: float | None = None) -> bool:
            return False

    monkeypatch.setattr(ac, "threading", SimpleNamespace(Event=Late))
    win.session.select_video(analysed.id)
    loading, hint = win.buffer is None and win.analysis.loading, _hint(win)
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)  # before any assertion (as below)
    assert loading
    assert hint is not None and "loading the stored analysis" in hint.lower() and "Ctrl+R" not in hint, hint
    assert not win.analysis.loading
    assert _hint(win) is None  # its curves are drawn
    win.session.select_video(other.id)
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    assert _hint(win) == HINT_NOT_ANALYSED  # no analysis: Ctrl+R only there
    assert not win.errors


def test_a_first_run_that_fails_says_why_in_the_status_bar(qtbot, window, video_path, fake_analysis):
    fake_analysis.fail_at = 40
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.errors and "frame 40 cannot be decoded" in window.errors[-1]
    line = window.statusBar().currentMessage()
    assert "frame 40 cannot be decoded" in line and "\n" not in line, repr(line)


def test_loading_is_said_while_another_video_is_analysed(qtbot, window, video_path, tmp_path, monkeypatch,
                                                          fake_analysis):
    """An analysed video shown while another one's run goes on: its stored curves are loading, not "Not analysed
    yet"."""
    win = window
    analysed, other = analysed_and_another(qtbot, win, tmp_path / "study", video_path,
                                           write_video(tmp_path / "other.avi", n=40))
    fake_analysis.gate = threading.Event()
    assert win.ctx.execute(C.RunAnalysis, settings={}), win.errors  # the other video's run, held at the gate

    class Late(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            return False

    monkeypatch.setattr(ac, "threading", SimpleNamespace(Event=Late))
    win.session.select_video(analysed.id)
    running, hint = win.worker is not None and win.buffer is None, _hint(win)
    # the run and the load end before any assertion (a failed one would leave them to the window's teardown)
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    drawn = _hint(win)
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert running
    assert hint is not None and "loading" in hint.lower() and "Not analysed" not in hint, hint
    assert drawn is None
