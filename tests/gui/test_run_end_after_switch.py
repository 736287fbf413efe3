"""A run ends on video A while A's stored curves are read slowly (a long video) and the coder switches to video B
before they come: the run's end was said nowhere (neither "Analysis complete" nor "Analysis of A: ..."): the load
for B dropped what A's load was to do when its curves came."""

from __future__ import annotations

import threading
import time

import pytest
from gui_fixtures import write_video
from PySide6.QtCore import QEventLoop, QTimer

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves


def _spin(ms: int) -> None:
    """Wait on a real event loop (QTest.qWait holds the GIL: the loader's thread would crawl)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def test_a_runs_end_is_said_when_the_coder_switched_video_before_its_curves_came(window, video_path, tmp_path,
                                                                                   monkeypatch):
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(write_video(tmp_path / "media" / "second.avi", n=30))), win.errors
    second = win.video
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    real = Project.load_frames

    def slow(self, *a, **k):  # the stored curves of a long video, read off the GUI thread
        if threading.current_thread() is not threading.main_thread():
            time.sleep(1.0)
        return real(self, *a, **k)

    monkeypatch.setattr(Project, "load_frames", slow)
    finished, messages = [], []
    win.analysis.finished.connect(finished.append)
    win.analysis.message.connect(lambda m, *_: messages.append(m))
    assert win.ctx.execute(C.RunAnalysis, settings={}), win.errors
    t0 = time.perf_counter()
    while win.worker is not None:
        _spin(20)
        assert time.perf_counter() - t0 < 20
    win.session.select_video(second.id)  # before the run's curves are in
    _spin(1500)
    assert finished or any(m.startswith("Analysis of ") for m in messages), (finished, messages)
