"""File > Merge project… and a frame folder's rate (h273; h267 made the merge carry a rate the other copy's user set):
a merge (and its undo, its redo) that changes the rate of the folder on screen shows it again at the new rate, as
Analysis > Frame rate of this folder… does (the view stayed at the old rate until the folder was chosen again); its
done line is kept beside the folder's own lines; and a merge whose only difference is a rate set in both copies to
different rates names that conflict in the status line rather than saying this project holds everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import frame_folder_copies, reopened
from helpers import analysed_shown, slow_opens

from merstudio.cli.main import main
from merstudio.gui import commands as C


def _set_fps(path: Path, fps: str) -> None:
    assert main(["project", "set-fps", str(path), "burst", fps]) == 0


def test_a_merge_that_sets_the_shown_folders_rate_shows_it_at_that_rate(qtbot, qsettings, tmp_path,
                                                                        monkeypatch) -> None:
    a, b = frame_folder_copies(tmp_path)
    _set_fps(b, "60")  # bob set the rate in his copy; alice's still holds the 30 assumed
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.source.fps == 30 and win.session.source.fps_assumed
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        assert win.project.video(win.video.id).fps == 60
        # the folder on screen opened again at the rate the merge brought (it stayed at 30 until chosen again)
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        assert not win.session.source.fps_assumed and win.video.fps == 60
        qtbot.wait(100)  # anything the switch queued
        assert "frame rates: burst 30 -> 60 fps, set in the other copy" in win.status_bar.currentMessage()
        win.undo_stack.undo()  # back to the 30 assumed, shown so
        qtbot.waitUntil(lambda: win.session.source.fps == 30)
        assert win.session.source.fps_assumed and win.video.fps == 30
        win.undo_stack.redo()
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        assert win.video.fps == 60
    finally:
        win.shutdown()


def test_a_rate_conflict_alone_is_named_not_nothing_to_merge(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    a, b = frame_folder_copies(tmp_path)
    _set_fps(a, "25")
    _set_fps(b, "50")  # set in both copies, to different rates: this copy's is kept, a conflict
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: pytest.fail("asked to merge nothing"))
    win = reopened(qtbot, qsettings, a)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        steps = win.undo_stack.count()
        assert not win.ctx.execute(C.MergeProject, path=str(b))
        line = win.statusBar().currentMessage()
        assert line.startswith("study.merproj: nothing to merge; "), line
        assert "burst set to 25 fps here and 50 in the other copy: a conflict, this copy's kept" in line, line
        assert "holds everything" not in line, line  # untrue: the other copy holds another rate
        assert win.undo_stack.count() == steps and win.project.video(win.video.id).fps == 25
    finally:
        win.shutdown()



def test_the_merge_line_joins_a_switch_that_outlasts_the_grace(qtbot, qsettings, tmp_path, monkeypatch,
                                                              open_grace) -> None:
    """An analysed folder opened again more slowly than the app's 250 ms: its own lines come after, the merge's stays
    with them, first; the videos list shows the rate merged, and the one put back by undo."""
    a, b = frame_folder_copies(tmp_path)
    _set_fps(b, "60")
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        analysed_shown(qtbot, win)
        slow_opens(monkeypatch, open_grace)
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        qtbot.waitUntil(lambda: win.session.source.fps == 60, timeout=10000)
        qtbot.wait(300)
        line = win.status_bar.currentMessage()
        assert line.startswith("merged ") and "frame rates: burst 30 -> 60 fps, set in the other copy" in line, line
        assert "Analysis > Run analysis (Ctrl+R)" in line, line  # the folder's own line after it: measured at 30
        assert "burst  (12 frames, 60 fps)" in win.video_list.item(0).text()
        win.undo_stack.undo()
        qtbot.waitUntil(lambda: win.session.source.fps == 30, timeout=10000)
        assert "burst  (12 frames, 30 fps)" in win.video_list.item(0).text()
    finally:
        win.shutdown()
