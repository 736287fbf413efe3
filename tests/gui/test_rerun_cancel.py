"""A re-run cancelled (Ctrl+.) never replaces the complete run it was re-doing: the complete run and its proposals
stay shown, the partial run is kept inactive, one status line says so and nothing needs undoing; reopened, the
complete run is the active one. A cancelled re-run an older version left active is set aside on opening. A failed
re-run's error box says the complete run is shown again. A first run cancelled stays."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from gui_fixtures import N_FRAMES
from helpers import run_analysis

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _cancelled_run(qtbot, win, fake_analysis) -> None:
    fake_analysis.gate = threading.Event()
    win.analysis.batch_seconds = 0.0  # frames 0..10 stored before the gate
    assert win.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    win.ctx.execute(C.CancelAnalysis)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    fake_analysis.gate = None


def test_a_cancelled_rerun_keeps_the_complete_run(qtbot, window, video_path, fake_analysis):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    proj, vid = window.project, window.video.id
    first = proj.analysis(vid).id
    proposals = [(e.id, e.onset) for e in proj.proposals(vid)]
    assert proposals
    steps = window.undo_stack.count()
    _cancelled_run(qtbot, window, fake_analysis)
    a = proj.analysis(vid)
    assert (a.id, a.status) == (first, "complete"), "the cancelled re-run replaced the complete run"
    assert proj.frame_count_stored(vid) == N_FRAMES
    assert proj.previous_analysis(vid).status == "cancelled"  # kept, inactive
    assert [(e.id, e.onset) for e in proj.proposals(vid)] == proposals
    assert window.undo_stack.count() == steps  # nothing to undo: the complete run never went
    line = window.statusBar().currentMessage()
    assert "clip.avi: the re-run was cancelled; the complete run before it is shown again" in line, line
    assert "\n" not in line and not window.errors
    y = window.timeline.curve_data("AU12_r")  # the complete run's curves, not the 11 frames of the cancelled one
    assert y is not None and np.isfinite(y[40:N_FRAMES]).all()
    path = proj.path
    window.session.close_project()
    assert window.ctx.execute(C.OpenProject, path=str(path))
    assert window.project.analysis(vid).id == first
    # the next re-run replaces the cancelled one and can be undone to the complete one
    run_analysis(qtbot, window)
    assert window.project.previous_analysis(vid).id == first


def test_a_cancelled_first_run_stays(qtbot, window, video_path, fake_analysis):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    _cancelled_run(qtbot, window, fake_analysis)
    a = window.project.analysis(window.video.id)
    assert a.status == "cancelled" and window.project.frame_count_stored(window.video.id) == 11
    # said once the stored rows are loaded (a worker thread): after the run's worker is gone
    qtbot.waitUntil(lambda: "Analysis cancelled" in window.statusBar().currentMessage(), timeout=10000)


def test_a_cancelled_rerun_left_active_is_set_aside_on_opening(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    proj, vid = window.project, window.video.id
    path, first = proj.path, proj.analysis(vid).id
    aid = proj.begin_analysis(vid)  # as an older version left a cancelled re-run: active
    proj.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "success": 1, "AU12_r": 0.1}
                             for i in range(6)])
    proj.finish_analysis(aid, "cancelled")
    window.session.close_project()
    assert window.ctx.execute(C.OpenProject, path=str(path))
    assert window.project.analysis(vid).id == first and window.project.previous_analysis(vid).id == aid
    line = window.statusBar().currentMessage()
    assert "clip.avi: a cancelled re-run was set aside" in line, line


def test_a_failed_reruns_error_box_says_the_complete_run_is_back(qtbot, window, video_path, fake_analysis):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    fake_analysis.fail_at = 30
    run_analysis(qtbot, window)
    box = window.errors[-1]
    assert "frame 30 cannot be decoded" in box and "the complete run before it is shown again" in box, box
