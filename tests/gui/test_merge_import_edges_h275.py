"""Rough edges of File > Merge project… and File > Import events left by h273 and h274 (h275):

1. Ctrl+Z of a merge that added the video on screen: the window moves to the video shown before the merge (else the
   first) and the status line says why (it stayed on a video no longer in the project, unsaid).
2. A merge that sets the rate of the analysed folder on screen says "measured at 30 fps" once: the folder's own line
   says it with its remedy, the merge's line no longer repeats it (as FolderRateStep's does not).
3. An ELAN file of behaviour events alone records the file's coders as having coded the video (Project.coded_by), as
   `convert --project P --import r.eaf` does, in the import's one undo step.
4. The all-videos import's confirmation says how many of each video's open proposals the file's reviews replace."""

from __future__ import annotations

import pytest
from gui_fixtures import frame_folder_copies, reopened, two_video_project
from helpers import analysed_shown, slow_opens
from support.model_proposals import proposal, rejected, reviewed_elan

from merstudio import interchange as ix
from merstudio.cli.main import main
from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_undoing_a_merge_that_added_the_video_shown_moves_the_view(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    a, b = frame_folder_copies(tmp_path, second=8)
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        first = win.video.id
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        [second] = [v for v in win.project.videos() if v.name == "second"]
        win.session.select_video(second.id)
        qtbot.waitUntil(lambda: win.video.id == second.id and win.session.source.frame_count == 8)
        win.undo_stack.undo()  # the merge, and the video it added, taken back
        assert [v.name for v in win.project.videos()] == ["burst"]
        qtbot.waitUntil(lambda: win.video.id == first and win.session.source.frame_count == 12)
        qtbot.wait(50)  # anything the switch queued
        line = win.status_bar.currentMessage()
        assert "second is no longer in the project (Merge study.merproj undone): showing burst" in line, line
        # its place is not kept for a video that is gone (a video added later may get its id)
        assert win.project.get_setting(f"view_place/{second.id}") is None
        assert win.errors == []
        win.undo_stack.redo()  # back in the project; the view stays where it is
        assert [v.name for v in win.project.videos()] == ["burst", "second"] and win.video.id == first
    finally:
        win.shutdown()


def test_the_undo_line_stays_through_a_switch_that_outlasts_the_grace(qtbot, qsettings, tmp_path, monkeypatch,
                                                                      open_grace) -> None:
    a, b = frame_folder_copies(tmp_path, second=8)
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None, timeout=10000)
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        [second] = [v for v in win.project.videos() if v.name == "second"]
        win.session.select_video(second.id)
        qtbot.waitUntil(lambda: win.session.source.frame_count == 8, timeout=10000)
        slow_opens(monkeypatch, open_grace)
        win.undo_stack.undo()
        qtbot.wait(50)
        said = "second is no longer in the project (Merge study.merproj undone): showing burst"
        assert said in win.status_bar.currentMessage()  # while burst opens
        qtbot.waitUntil(lambda: win.session.source.frame_count == 12, timeout=10000)
        qtbot.wait(50)
        assert said in win.status_bar.currentMessage()  # and once it is shown
    finally:
        win.shutdown()


def test_a_merge_that_retimes_the_analysed_folder_shown_says_measured_once(qtbot, qsettings, tmp_path,
                                                                         monkeypatch) -> None:
    a, b = frame_folder_copies(tmp_path)
    assert main(["project", "set-fps", str(b), "burst", "60"]) == 0
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    win = reopened(qtbot, qsettings, a)
    try:
        analysed_shown(qtbot, win)
        assert win.ctx.execute(C.MergeProject, path=str(b)), win.errors
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        qtbot.wait(50)
        line = win.status_bar.currentMessage()
        assert line.startswith("merged ") and "frame rates: burst 30 -> 60 fps, set in the other copy" in line, line
        assert "Analysis > Run analysis (Ctrl+R)" in line, line  # the folder's own line, with the remedy
        assert line.count("measured at 30 fps") == 1, line
    finally:
        win.shutdown()


def test_elan_behaviours_alone_record_the_files_coders(qtbot, window, tmp_path, monkeypatch) -> None:
    from merstudio.gui import dialogs as D

    _, b = two_video_project(window, tmp_path)
    p = window.project
    eaf = reviewed_elan(p, b.id, 10, 15, tmp_path / "r.eaf")
    assert "bob" not in p.coded_by(b.id)
    monkeypatch.setattr(D.ImportPreviewDialog, "exec", lambda self: D.QDialog.DialogCode.Accepted)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    assert window.errors == []
    assert "bob" in p.coded_by(b.id) and len(p.behaviour_events(b.id)) == 1  # as convert --import records him
    assert window.undo_stack.count() == steps + 1  # one step takes both back
    window.undo_stack.undo()
    assert "bob" not in p.coded_by(b.id) and p.behaviour_events(b.id) == []
    window.undo_stack.redo()
    assert "bob" in p.coded_by(b.id) and len(p.behaviour_events(b.id)) == 1


def test_all_videos_confirmation_says_the_proposals_the_reviews_replace(qtbot, window, tmp_path, monkeypatch) -> None:
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([proposal(a.id, 3, 8)])
    src = ix.write_events_csv([rejected(a.id, 3, 8), Event(b.id, 20, 22, 25, emotion="fear", coder="bob")],
                              tmp_path / "all.csv", {a.id: ix.Media(a.name, fps=30.0), b.id: ix.Media(b.name, fps=30.0)})
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or True)
    assert window.ctx.execute(C.ImportEvents, path=str(src)), window.errors
    assert window.errors == []
    said = ix.resolved_line(1)
    assert len(asked) == 1 and f"{a.name}: 1 new, {said}" in asked[0], asked
    assert f"{b.name}: 1 new\n" in asked[0], asked  # none there: nothing said
    assert said in window.statusBar().currentMessage()  # as the line after says it
