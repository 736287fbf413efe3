"""Closing the window while File > Re-encode makes a copy asks "Stop it?" as a running analysis does (a108 finding 3):
it was cancelled and its partial file removed without a word, minutes of an hour-long video's copy gone on one
Ctrl+Q. Keep re-encoding keeps the window and the copy going; Stop closes as before. The re-encoding is parked at a
gate that opens by itself, so no test hangs; the question is patched (a modal box hangs a test)."""

from __future__ import annotations

import threading

import pytest

from merstudio.gui import commands as C
from merstudio.gui import reencode as R

pytestmark = pytest.mark.gui


def _parked(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The core's reencode parked after its first frame until the gate opens (5 s at most)."""
    gate, parked = threading.Event(), threading.Event()
    real = R.reencode

    def reencode(src, dst, **kw):
        progress = kw.pop("progress")

        def park(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:
                parked.set()
                gate.wait(5.0)

        return real(src, dst, progress=park, **kw)

    monkeypatch.setattr(R, "reencode", reencode)
    return gate, parked


def test_closing_during_a_reencode_asks_and_keep_keeps_it(qtbot, window, video_path, monkeypatch, tmp_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    gate, parked = _parked(monkeypatch)
    out = tmp_path / "copy.avi"
    assert win.ctx.execute(C.ReencodeVideo, dst=str(out), open=False)
    job = R.running(win)
    qtbot.waitUntil(parked.is_set, timeout=10000)
    qtbot.waitUntil(lambda: job.progress.maximum() > 0, timeout=5000)  # the progress signal reached the bar
    asked: list[str] = []
    monkeypatch.setattr(win, "ask_stop_reencode", lambda q: asked.append(q) or False)
    win.show()
    win.close()
    assert len(asked) == 1 and "The copy of clip.avi is being made (" in asked[0] and "% done). Stop it?" in asked[0]
    assert "copy.avi is removed" in asked[0]
    assert win.isVisible() and R.running(win) is job and job.worker.isRunning()  # Keep re-encoding: nothing stopped
    # Stop: closed as before, the partial copy removed
    monkeypatch.setattr(win, "ask_stop_reencode", lambda q: asked.append(q) or True)
    threading.Timer(0.3, gate.set).start()  # the worker's next frame sees the cancel
    win.close()
    assert len(asked) == 2 and not win.isVisible()
    assert not job.worker.isRunning() and not out.exists() and list(tmp_path.glob(".copy.*")) == []


def test_only_the_windows_close_asks(qtbot, window, video_path, monkeypatch, tmp_path):
    """Another project opened leaves the copy running (it belongs to no project): nothing to ask there."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    gate, parked = _parked(monkeypatch)
    assert win.ctx.execute(C.ReencodeVideo, dst=str(tmp_path / "copy.avi"), open=False)
    qtbot.waitUntil(parked.is_set, timeout=10000)
    monkeypatch.setattr(win, "ask_stop_reencode", lambda q: pytest.fail("asked"))
    try:
        assert win.session.keep_lost_work()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: R.running(win) is None, timeout=20000)
