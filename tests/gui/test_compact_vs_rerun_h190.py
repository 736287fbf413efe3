"""File > Compact project is refused while a re-run of the predictions is starting (its checkpoint still loading),
as while it runs or a Run analysis waits for its checkpoint: the re-run has no analysis worker until the load ends,
so Compact went ahead, and a load ending during the compaction found the project refused and the re-run was
dropped (audit a92 finding 2 via h190)."""

from __future__ import annotations

import pytest
from helpers import HeldLoad

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

def test_compact_is_refused_while_a_rerun_loads_its_checkpoint(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    first = win.project.analysis(win.video.id).id
    load = HeldLoad(monkeypatch)
    assert win.ctx.execute(C.RerunPredictions, path=str(tmp_path / "new.pt"), confirmed=True), win.errors
    assert win.worker is None and win.analysis.checkpoint_loading == tmp_path / "new.pt"  # no worker yet
    assert not win.ctx.execute(C.CompactProject)
    assert win.errors == ["compact: the re-run of clip.avi is starting (loading new.pt); compact once it ends (or "
                          "cancel it with Ctrl+.)"]
    assert not win.session.compacting
    load.gate.set()  # loaded: the re-run starts, and Compact is refused while it runs, as before
    qtbot.waitUntil(lambda: win.worker is not None or win.project.analysis(win.video.id).id != first, timeout=20000)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    run = win.project.analysis(win.video.id)
    assert run.id != first and run.status == "complete"  # re-run, not dropped
    assert len(win.errors) == 1
    assert win.ctx.execute(C.CompactProject), win.errors  # once it ended
