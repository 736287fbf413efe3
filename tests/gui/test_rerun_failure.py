"""A re-run that fails (a frame that cannot be decoded) or is interrupted (the app killed) never replaces the complete
run it was re-doing: the complete run is shown again, the partial one kept inactive, and the status bar says so
(no longer "Re-running; previous predictions kept…"). A first run that fails stays as it is."""

from __future__ import annotations

import numpy as np
import pytest
from gui_fixtures import N_FRAMES
from helpers import run_analysis

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_a_failed_rerun_gives_the_complete_run_back(qtbot, window, video_path, fake_analysis):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    proj, vid = window.project, window.video.id
    first = proj.analysis(vid)
    assert first.status == "complete"
    proposals = [(e.id, e.onset) for e in proj.proposals(vid)]
    steps = window.undo_stack.count()
    fake_analysis.fail_at = 30
    run_analysis(qtbot, window)
    assert window.errors and "frame 30 cannot be decoded" in window.errors[-1]
    a = proj.analysis(vid)
    assert (a.id, a.status) == (first.id, "complete"), "the failed re-run replaced the complete run"
    assert proj.frame_count_stored(vid) == N_FRAMES
    failed = proj.previous_analysis(vid)
    assert failed is not None and failed.status == "failed"  # kept, inactive
    assert [(e.id, e.onset) for e in proj.proposals(vid)] == proposals
    assert window.undo_stack.count() == steps  # nothing to undo: the complete run never went
    line = window.statusBar().currentMessage()
    assert "re-run failed" in line and "complete run before it is shown again" in line and "\n" not in line
    y = window.timeline.curve_data("AU12_r")  # the complete run's curves, not the 30 frames of the failed one
    assert y is not None and np.isfinite(y[40:N_FRAMES]).all()
    # the next re-run replaces the failed one and can be undone to the complete one
    fake_analysis.fail_at = None
    run_analysis(qtbot, window)
    assert proj.analysis(vid).status == "complete" and proj.previous_analysis(vid).id == first.id


def test_a_first_run_that_fails_stays(qtbot, window, video_path, fake_analysis):
    fake_analysis.fail_at = 30
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    a = window.project.analysis(window.video.id)
    assert a.status == "failed" and window.project.previous_analysis(window.video.id) is None
    assert "Analysing" not in window.statusBar().currentMessage()


def test_reopening_after_an_interrupted_rerun_shows_the_complete_run_and_says_so(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    proj, vid = window.project, window.video.id
    path, first = proj.path, proj.analysis(vid).id
    # a re-run whose process died after six frames: its row still "running", the project's lock free
    aid = proj.begin_analysis(vid)
    proj.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "success": 1, "AU12_r": 0.1}
                             for i in range(6)])
    window.session.close_project()
    assert window.ctx.execute(C.OpenProject, path=str(path))
    proj = window.project
    assert proj.analysis(vid).id == first and proj.previous_analysis(vid).status == "interrupted"
    line = window.statusBar().currentMessage()
    assert "clip.avi: an interrupted re-run was set aside" in line, line
