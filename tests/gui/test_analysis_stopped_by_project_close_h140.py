"""Opening another project (or New project) while an analysis runs stops it, and the status bar says so (audit
a75: it was cancelled with an empty status line). A re-run stopped so gives the complete run before it its place
back with the open proposals it replaced, the coder's edits included (the next open only set the run back: the
proposals were the partial run's)."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import N_FRAMES, SPOTS
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _parked(qtbot, win, fake_analysis):
    fake_analysis.gate = threading.Event()  # parked before frame 11: frames 0-10 analysed
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)


def test_a_first_run_stopped_by_new_project_is_said(qtbot, window, video_path, fake_analysis, tmp_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _parked(qtbot, win, fake_analysis)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj"))
    assert win.worker is None
    expected = f"Stopped the analysis of clip.avi at frame 11 of {N_FRAMES} as its project closed: the frames " \
               "analysed are kept"
    qtbot.waitUntil(lambda: expected in win.statusBar().currentMessage(), timeout=5000)


def test_a_rerun_stopped_by_new_project_gives_back_the_complete_run(qtbot, window, video_path, fake_analysis,
                                                                   tmp_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    path, vid = win.project.path, win.video.id
    complete = win.project.analysis(vid).id
    on, _apex, off = SPOTS[1]
    second = next(e for e in win.project.proposals(vid) if e.onset == on)
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"note": "checked"})
    _parked(qtbot, win, fake_analysis)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj"))
    with Project.open(path, read_only=True) as proj:
        assert proj.analysis(vid).id == complete
        assert sorted((e.onset, e.offset, e.note) for e in proj.proposals(vid)) == \
            [(SPOTS[0][0], SPOTS[0][2], ""), (on, off, "checked")]
    qtbot.waitUntil(lambda: "Stopped the analysis of clip.avi at frame 11" in win.statusBar().currentMessage(),
                    timeout=5000)
    assert "the complete run before it is active again" in win.statusBar().currentMessage()
