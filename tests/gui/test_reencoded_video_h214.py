"""A video re-encoded in place (the same frames, another file) in the app (h214, audit a96 finding 4): the "Where is
…?" dialog offers the file there and attaches it once asked ("Attach it / Cancel": frame count and rate match), so
its events and analysis come back; a file of other frames is refused naming what differs; the missing-video panel
says "changed or moved" and why; File > Open video of that path adds no second video of it (it added one with no
events)."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video
from helpers import open_and_analyse
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


@pytest.fixture
def asked(monkeypatch):
    """The attach question's calls; its answer is asked["answer"] ("attach" unless set)."""
    calls: dict = {"answer": "attach", "calls": []}

    def fake(win, file, video, frames, fps, analysed, here):
        calls["calls"].append((file, video, frames, fps, analysed, here))
        return calls["answer"]

    monkeypatch.setattr(C, "ask_attach", fake)
    return calls


def _reencoded(qtbot, window, tmp_path, analyse=False):
    """study.merproj with a.avi (one event; analysed with ``analyse``), closed, then a.avi re-encoded in place."""
    video = write_video(tmp_path / "a.avi", n=30)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    if analyse:
        open_and_analyse(qtbot, window, video)
    else:
        assert window.ctx.execute(C.OpenVideo, path=str(video))
    window.project.add_event(Event(window.video.id, 3, 5, 9, coder="alice"))
    window.session.close_project()
    video.write_bytes(video.read_bytes() + bytes(64))  # the same frames, another file
    return video


def _dialog(monkeypatch, answer):
    seen = []

    def where(parent, title, start="", filt="", *a, **k):
        seen.append((title, start))
        return str(answer) if answer else "", filt

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(where))
    return seen


def test_a_reencoded_file_is_attached_once_asked(qtbot, window, tmp_path, monkeypatch, asked):
    video = _reencoded(qtbot, window, tmp_path)
    seen = _dialog(monkeypatch, video)
    window.errors.clear()
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    assert seen == [("Where is a.avi?", str(video.resolve()))]  # the file there offered
    assert asked["calls"] == [("a.avi", "a.avi", 30, 30.0, False, True)]  # was: "content differs", no way to attach
    assert window.video is not None and window.video.path == str(video.resolve())
    assert len(window.project.events(window.video.id)) == 1
    assert window.project.locate_video(window.video.id) == video.resolve()  # found from then on
    assert window.statusBar().currentMessage().startswith("Attached a.avi in ")
    assert len(window.errors) == 1  # the "please locate it" box only (closed once attached)


def test_cancelled_the_panel_says_changed_or_moved_and_why(qtbot, window, tmp_path, monkeypatch, asked):
    video = _reencoded(qtbot, window, tmp_path)
    _dialog(monkeypatch, video)
    asked["answer"] = "cancel"
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    assert window.video is None and len(asked["calls"]) == 1
    sub = window.first_run.empty.sub.text()
    assert sub.startswith("Changed or moved: the file there is not the video that was added"), sub
    assert "moved, renamed or deleted" not in sub


def test_open_video_of_its_path_adds_no_second_video(qtbot, window, tmp_path, monkeypatch, asked):
    video = _reencoded(qtbot, window, tmp_path)
    _dialog(monkeypatch, "")  # the "Where is" dialog cancelled: the video is missing
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    assert window.video is None and not asked["calls"]
    assert window.ctx.execute(C.OpenVideo, path=str(video))
    assert [v.id for v in window.project.videos()] == [1]  # was: a second "a.avi" of this path, 0 events
    assert window.video.id == 1 and len(window.project.events(1)) == 1
    assert len(asked["calls"]) == 1


def test_a_file_of_other_frames_is_refused_naming_what_differs(qtbot, window, tmp_path, monkeypatch, asked):
    video = _reencoded(qtbot, window, tmp_path)
    write_video(video, n=25)
    _dialog(monkeypatch, video)
    window.errors.clear()
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    assert not asked["calls"] and window.video is None
    assert window.errors[-1] == f"{video.resolve()}: not the same video as a.avi (frames 30 vs 25; the project's " \
        "first): not attached; it is at the path that video was added from: rename it to add it as a new video", \
        window.errors


def test_attach_and_rerun_the_analysis_made_on_the_old_file(qtbot, window, tmp_path, monkeypatch, asked):
    video = _reencoded(qtbot, window, tmp_path, analyse=True)
    _dialog(monkeypatch, video)
    asked["answer"] = "rerun"
    monkeypatch.setattr(window, "confirm", lambda question: True)  # a re-run's own question (coded events kept)
    with Project.open(tmp_path / "study.merproj", read_only=True) as p:
        old = p.analysis(1).id
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    assert asked["calls"] == [("a.avi", "a.avi", 30, 30.0, True, True)]
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.project.analysis(1).id != old and window.project.analysis(1).status == "complete"  # re-run
    assert [e.coder for e in window.project.events(1) if e.source != "model"] == ["alice"]  # coded: kept


def test_the_question_names_what_changed() -> None:
    seen = []

    def fake_ask(win, text, choices, default=None):
        seen.append((text, [k for k, *_ in choices]))
        return "cancel"

    with pytest.MonkeyPatch.context() as m:
        m.setattr(C, "ask", fake_ask)
        C.ask_attach(None, "a.avi", "a.avi", 30, 30.0, analysed=False, here=True)
        C.ask_attach(None, "a_h264.mp4", "a.avi", 30, 29.97, analysed=True)
    assert seen == [
        ("a.avi has changed since it was added (re-encoded?): frame count and rate match (30 frames at 30 fps), so "
         "its events and analysis keep their frames.", ["attach", "cancel"]),
        ("a_h264.mp4 is not the same file as a.avi (re-encoded?): frame count and rate match (30 frames at 29.97 "
         "fps), so its events and analysis keep their frames.\n\nIts stored analysis was made on the old file: "
         "re-run it on this one?", ["rerun", "attach", "cancel"])]


def test_open_video_with_no_project_open_attaches_it_to_its_project(qtbot, window, tmp_path, monkeypatch, asked):
    video = write_video(tmp_path / "a.avi", n=30)
    assert window.ctx.execute(C.OpenVideo, path=str(video))  # its own project beside it: a.merproj
    window.project.add_event(Event(window.video.id, 3, 5, 9, coder="alice"))
    window.session.close_project()
    video.write_bytes(video.read_bytes() + bytes(64))
    window.errors.clear()
    assert window.ctx.execute(C.OpenVideo, path=str(video))
    assert asked["calls"] == [("a.avi", "a.avi", 30, 30.0, False, True)], window.errors
    assert [v.id for v in window.project.videos()] == [1] and window.video.id == 1
    assert len(window.project.events(1)) == 1 and not window.errors
