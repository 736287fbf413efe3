"""An export of the analysis asked for while the video's first analysis is starting (its model loading: the real
pipeline stores its run only once that is done) says the video is being analysed (audit a75: "X is not analysed
yet: Analysis > Run analysis (Ctrl+R) first" while the run was going)."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import FakeAnalysis

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_export_while_the_first_run_starts_says_it_is_being_analysed(qtbot, window, video_path, tmp_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    loaded = threading.Event()

    def slow_model(source, settings):  # the worker's thread waits here, before the run is stored
        loaded.wait(10)
        return FakeAnalysis(source, settings)

    win.analysis._make_analysis = slow_model
    try:
        assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
        assert win.worker is not None and win.project.analysis(win.video.id) is None
        out = tmp_path / "frames.csv"
        assert not win.ctx.execute(C.Export, kind="frames", path=str(out))
        assert win.errors[-1] == "clip.avi is being analysed: export once its analysis ends" and not out.exists()
    finally:
        loaded.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.ctx.execute(C.Export, kind="frames", path=str(out)), win.errors
    qtbot.waitUntil(out.exists, timeout=10000)
