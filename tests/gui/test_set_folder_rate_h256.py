"""Analysis > Frame rate of this folder… (h256 item 1): a frame folder added without a rate holds the 30 assumed, and
its status line said "30 fps assumed — set the rate" while nothing in the app could. The command sets it as one undo
step: the folder is shown at the rate set, its events keep their frames, and a stored analysis (measured at the old
rate) is run again at the new one when the coder ticks it (the app's own analysis opened folders at 30 whatever the
project held: h247's rate reached the view only). A video file is refused."""

from __future__ import annotations

import pytest
from gui_fixtures import FakeAnalysis, frame_folder_project, reopened, write_video

from merstudio.cli.main import main
from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Event


@pytest.fixture
def fps_seen(monkeypatch) -> list[float]:
    """The rate of the source each analysis is given (the app's FakeAnalysis)."""
    seen: list[float] = []
    init = FakeAnalysis.__init__

    def spy(self, source, settings):
        seen.append(source.fps)
        init(self, source, settings)

    monkeypatch.setattr(FakeAnalysis, "__init__", spy)
    return seen


def test_the_assumed_rate_is_set_in_one_undo_step(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    asked = []
    monkeypatch.setattr(video_opening, "ask_folder_rate", lambda win, video, assumed, analysed, events: asked.append(
        (video.name, assumed, analysed, events)) or (60.0, False))
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path, 12))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        qtbot.waitUntil(lambda: "30 fps assumed — set the rate: Analysis > Frame rate of this folder…"
                        in win.statusBar().currentMessage())
        vid = win.video.id
        win.project.add_event(Event(vid, 3, 4, 6, emotion="positive", coder="ann"))
        assert any(a.text() == "Frame r&ate of this folder…" for a in win.actions())
        assert win.ctx.execute(C.SetFolderRate), win.errors
        assert asked == [("burst", True, False, 1)]
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        assert win.video.fps == 60 and not win.session.source.fps_assumed
        assert [(e.onset, e.offset) for e in win.project.events(vid)] == [(3, 6)]  # by frame, as stored
        line = win.statusBar().currentMessage()
        assert "burst: frame rate 30 -> 60 fps" in line and "its 1 event(s) keep their frames" in line
        assert win.undo_stack.undoText() == "Frame rate of burst: 30 -> 60 fps"
        win.undo_stack.undo()
        qtbot.waitUntil(lambda: win.session.source.fps == 30)
        assert win.project.video(vid).fps == 30 and win.session.source.fps_assumed  # the guess it was
        win.undo_stack.redo()
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        assert win.project.video(vid).fps == 60
    finally:
        win.shutdown()


def test_the_analysis_is_run_again_at_the_rate_set(qtbot, qsettings, tmp_path, monkeypatch, fps_seen) -> None:
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path, 12, "60"))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.ctx.execute(C.RunAnalysis), win.errors
        qtbot.waitUntil(lambda: win.analysis.worker is None and win.project.analysis(win.video.id) is not None)
        assert fps_seen == [60]  # the app's own analysis at the project's rate, as the view (was 30)
        monkeypatch.setattr(video_opening, "ask_folder_rate", lambda *a: (120.0, True))
        monkeypatch.setattr(win, "confirm", lambda q: True)  # the re-run's own question, where it asks one
        assert win.ctx.execute(C.SetFolderRate), win.errors
        assert "measured at 60 fps" in win.statusBar().currentMessage()
        qtbot.waitUntil(lambda: len(fps_seen) == 2)
        qtbot.waitUntil(lambda: win.analysis.worker is None)
        assert fps_seen == [60, 120] and win.project.analysed_at(win.video.id) is None  # a new run, at 120
    finally:
        win.shutdown()


def test_a_video_file_is_refused(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(video_opening, "ask_folder_rate", lambda *a: pytest.fail("asked for a video file"))
    clip = write_video(tmp_path / "clip.avi", n=10)
    path = tmp_path / "study.merproj"
    assert main(["project", "new", str(path), str(clip)]) == 0
    win = reopened(qtbot, qsettings, path)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert not win.ctx.execute(C.SetFolderRate)
        assert win.errors[-1] == ("clip.avi: a video file's frames are timed by the file (30 fps); only a frame "
                                  "folder's rate can be set (image files carry none)")
        assert win.project.video(win.video.id).fps == 30 and win.undo_stack.count() == 0
    finally:
        win.shutdown()
