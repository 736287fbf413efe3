"""Ctrl+Z of File > Merge project… never deletes work done after it (h282): a video the merge added and analysed since
(Ctrl+R: a first analysis is no undo step) stays in the project with its analysis, the status line saying so, and
Ctrl+Shift+Z does not add it twice; a merge that brought the only video, undone while it is shown, leaves the
window on the empty state (it stayed on the video taken away)."""

from __future__ import annotations

import shutil

import pytest
from gui_fixtures import frame_folder, frame_folder_copies, reopened

from merstudio.cli.main import main
from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_an_added_video_analysed_since_stays_through_the_undo(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    a, b = frame_folder_copies(tmp_path, second=8)
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        [second] = [v for v in win.project.videos() if v.name == "second"]
        win.session.select_video(second.id)
        qtbot.waitUntil(lambda: win.video.id == second.id and win.session.source.frame_count == 8)
        assert win.ctx.execute(C.RunAnalysis), win.errors  # Ctrl+R
        qtbot.waitUntil(lambda: win.analysis.worker is None and win.project.analysis(second.id) is not None,
                        timeout=30000)
        win.undo_stack.undo()  # Ctrl+Z of the merge: the analysis is not the merge's
        qtbot.wait(50)  # the undo's lines
        assert [v.name for v in win.project.videos()] == ["burst", "second"]
        assert win.project.analysis(second.id) is not None and win.video.id == second.id
        line = win.status_bar.currentMessage()
        assert line.startswith("Undone: Merge study.merproj; second kept in the project: it holds an analysis"), line
        assert "made since the merge (what the merge brought to it was taken back)" in line, line
        assert win.errors == []
        win.undo_stack.redo()  # Ctrl+Shift+Z: matched, not added twice
        assert [v.name for v in win.project.videos()] == ["burst", "second"]
        assert win.project.analysis(second.id) is not None and win.video.id == second.id
    finally:
        win.shutdown()
    with Project.open(a, read_only=True) as p:
        assert [v.name for v in p.videos()] == ["burst", "second"] and p.analysis(second.id) is not None


def test_undoing_a_merge_that_brought_the_only_video_shows_the_empty_state(qtbot, qsettings, tmp_path,
                                                                           monkeypatch) -> None:
    a = tmp_path / "A" / "study.merproj"
    a.parent.mkdir()
    Project.create(a).close()
    shutil.copytree(tmp_path / "A", tmp_path / "B")
    b = tmp_path / "B" / "study.merproj"
    assert main(["project", "add", str(b), str(frame_folder(tmp_path / "B" / "only", 8))]) == 0
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        assert win.video is None
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        [only] = win.project.videos()
        win.session.select_video(only.id)
        qtbot.waitUntil(lambda: win.video is not None and win.session.source is not None)
        win.undo_stack.undo()
        assert win.project.videos() == []
        qtbot.waitUntil(lambda: win.video is None and win.session.source is None)
        qtbot.wait(50)
        assert win.first_run.empty.isVisible()
        line = win.status_bar.currentMessage()
        assert "only is no longer in the project (Merge study.merproj undone): it holds no video now" in line, line
        assert win.project.get_setting(f"view_place/{only.id}") is None
        assert win.errors == []
        win.undo_stack.redo()
        assert [v.name for v in win.project.videos()] == ["only"] and win.video is None
    finally:
        win.shutdown()
