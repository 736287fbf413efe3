"""A stop signal's quit stops the analysis before anything else (h176): where the signal came to the whole process
group (`timeout`, Ctrl-C in a terminal), the analysis child got it too and waits a few seconds only for the app
to stop it (analysis.remote.STOP_GRACE) before it ends by that signal, which stores the run as failed."""

from __future__ import annotations

import signal
import threading

import pytest

from merstudio.gui import commands as C
from merstudio.gui import remembered
from merstudio.gui.app import end

pytestmark = pytest.mark.gui


def test_a_stop_signal_cancels_the_analysis_before_the_layout_is_saved(qtbot, window, video_path, fake_analysis,
                                                                        monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    fake_analysis.gate = threading.Event()  # parked before frame 11
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    worker = win.worker
    seen: list[bool] = []
    monkeypatch.setattr(remembered, "save_layout", lambda w, q: seen.append(worker._cancel.is_set()))
    monkeypatch.setattr("merstudio.gui.app.dispose", lambda w: w.shutdown())  # the fixture's window stays
    assert end(win, signal.SIGTERM, 0) == 143
    assert seen == [True]
    assert worker.status == "cancelled"
