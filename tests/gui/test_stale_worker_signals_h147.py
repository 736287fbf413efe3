"""A worker's signals act only for that worker (audit h147). The handlers read ``AnalysisControl.worker``, not the
worker that sent the signal: a run stopped as its project closed still had its end ("cancelled") queued, and when a
run started before that end was delivered (the project opened again and Ctrl+R, in one go as a script or
`start_demo` runs commands), the stopped run's end was taken for the new run's: the new run was stopped as well,
said "cancelled", and its curves cleared."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import N_FRAMES

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_a_stopped_runs_late_end_is_not_taken_for_the_next_runs(qtbot, window, video_path, fake_analysis,
                                                                monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    path, vid = win.project.path, win.video.id
    fake_analysis.gate = threading.Event()  # parked before frame 11
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    first = win.worker
    # no event is delivered from here to the end of the second run's start: the first run's end stays queued
    win.session.close_project()  # stops the run (cancelled, waited for): its "cancelled" is queued
    assert win.worker is None and first.status == "cancelled"
    fake_analysis.gate = None  # the next run goes through
    assert win.ctx.execute(C.OpenProject, path=str(path))
    assert win.video is not None and win.video.id == vid
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    second = win.worker
    assert second is not None and second is not first
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert second.status == "complete", "the first run's late end stopped the second run"
    assert win.project.analysis(vid).status == "complete"
    assert win.project.frame_count_stored(vid) == N_FRAMES
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done == N_FRAMES, timeout=5000)
