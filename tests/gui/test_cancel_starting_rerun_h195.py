"""Ctrl+. cancels a re-run of the predictions whose checkpoint is still loading (h195 item 1): it had no analysis
worker yet, so Cancel analysis was greyed out and AnalysisControl.cancel ignored it; the load ends unused, nothing
is stored and the status line says it was cancelled."""

from __future__ import annotations

import pytest
from helpers import HeldLoad

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_ctrl_period_cancels_a_rerun_whose_checkpoint_loads(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    first = win.project.analysis(win.video.id).id
    load = HeldLoad(monkeypatch)
    assert win.ctx.execute(C.RerunPredictions, path=str(tmp_path / "new.pt"), confirmed=True), win.errors
    assert win.worker is None and win.analysis.checkpoint_loading == tmp_path / "new.pt"
    assert win.cancel_action.isEnabled()  # offered while it loads (it was greyed out: no worker yet)
    win.cancel_action.trigger()  # Ctrl+.
    assert win.analysis.checkpoint_loading is None and not win.cancel_action.isEnabled()
    assert win.statusBar().currentMessage() == ("Re-run of clip.avi with new.pt cancelled while the checkpoint "
                                                "loaded (nothing was stored; the model in use is unchanged)")
    assert "new.pt" not in win.busy.text()  # the status bar no longer says it loads
    load.gate.set()
    qtbot.waitUntil(load.done.is_set, timeout=10000)
    qtbot.wait(50)  # the loader's result is delivered, and dropped
    assert win.worker is None and win.analysis.checkpoint is None  # the load ended unused
    assert win.project.analysis(win.video.id).id == first  # nothing stored
    assert win.errors == []
    assert win.ctx.execute(C.CompactProject), win.errors
