"""File > Compact project gives back the space re-runs left in the open project's file (Project.compact), and says
so in the status bar; refused while an analysis runs."""

from __future__ import annotations

import numpy as np
from gui_fixtures import two_video_project

from merstudio.gui import commands as C


def _leave_free_pages(project, video_id: int) -> None:
    """A run with landmarks, then two re-runs: the first is deleted (one previous run is kept), its pages free."""
    rng = np.random.default_rng(0)
    for frames in (200, 5, 5):
        run = project.begin_analysis(video_id)
        project.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0,
                                     "success": 1, **{f"x_{k}": float(x) for k, x in enumerate(rng.random(468))},
                                     **{f"y_{k}": float(y) for k, y in enumerate(rng.random(468))}}
                                    for i in range(frames)])
        project.finish_analysis(run)
    project.fold_journal()


def test_compact_project_from_the_file_menu(window, tmp_path) -> None:
    a, _b = two_video_project(window, tmp_path)
    proj = window.project
    _leave_free_pages(proj, a.id)
    size, free = proj.space()
    assert free > size / 2
    before = proj.path.stat().st_size
    file_menu = next(m for m in window.menuBar().actions() if m.text() == "&File").menu()
    action = next(act for act in file_menu.actions() if act.text() == "&Compact project")
    action.trigger()
    assert not window.errors
    assert window.statusBar().currentMessage().startswith("Compacted study.merproj: ")
    assert proj.path.stat().st_size < before / 2 and proj.space()[1] == 0
    assert len(proj.videos()) == 2 and proj.analysis(a.id) is not None


def test_compact_project_waits_for_a_running_analysis(window, tmp_path) -> None:
    a, _b = two_video_project(window, tmp_path)
    _leave_free_pages(window.project, a.id)
    size = window.project.path.stat().st_size
    window.analysis.worker = object()  # an analysis storing its rows (for this call only: no event loop turn)
    try:
        assert not window.ctx.execute(C.CompactProject)
    finally:
        window.analysis.worker = None
    assert window.errors[-1].startswith("compact: an analysis is running")
    assert window.project.path.stat().st_size == size
