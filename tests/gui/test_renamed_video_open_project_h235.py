"""A renamed video opened while another project is open (h235): the project beside it that holds its content
(its coding, under its old name) is offered, as h213 offers it with no project open: open that project (the video
relinked to its new name there), add the video to the open project, or cancel. Before, it was added to the open
project without a word. The open project's work is never lost: it closes as any open closes (Session.keep_lost_work),
and what was coded there stays in its file."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import write_video
from PySide6.QtWidgets import QMessageBox

from merstudio.gui import commands as C
from merstudio.gui import main_window as main_window_module
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


@pytest.fixture
def renamed(qtbot, window, video_path, tmp_path) -> tuple[Path, Path, Path]:
    """clip.avi coded (one event) in clip.merproj beside it, then renamed P01_clip.avi; study.merproj (another
    folder, its own video other.avi and one event) open in the window. (P01_clip.avi, clip.merproj,
    study.merproj)."""
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    window.project.add_events([Event(window.video.id, 10, 12, 15, emotion="positive", coder="tester")])
    coded = window.project.path
    window.session.close_project()
    moved = video_path.rename(video_path.with_name("P01_clip.avi"))
    (tmp_path / "study").mkdir()
    other = write_video(tmp_path / "study" / "other.avi", n=20)
    with Project.create(tmp_path / "study" / "study.merproj") as p:
        vid = p.add_video(other, 30.0, 20, 160, 120).id
        p.add_event(Event(vid, 2, 3, 5, emotion="surprise", coder="ann"))
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study" / "study.merproj")), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    return moved, coded, window.project.path


def _answer(monkeypatch, window, key: str | None) -> list[tuple[str, object]]:
    asked: list[tuple[str, object]] = []
    monkeypatch.setattr(window, "ask_project_holding", lambda path, earlier: asked.append((path.name, earlier)) or key)
    return asked


def test_the_project_that_holds_it_is_offered_and_opened_relinked(qtbot, window, renamed, monkeypatch):
    moved, coded, study = renamed
    asked = _answer(monkeypatch, window, "earlier")
    assert window.ctx.execute(C.OpenVideo, path=str(moved)), window.errors
    qtbot.waitUntil(lambda: window.video is not None and window.project.path == coded, timeout=10000)
    (name, earlier), = asked  # was: added to study.merproj, nothing asked
    assert (name, earlier.path, earlier.name, earlier.events) == ("P01_clip.avi", coded, "clip.avi", 1)
    assert window.video.path == str(moved.resolve()) and window.video.name == "P01_clip.avi"  # relinked
    assert [v.name for v in window.project.videos()] == ["P01_clip.avi"]
    assert len(window.project.events(window.video.id)) == 1
    with Project.open(study, read_only=True) as p:  # the project open before: as it was, its event kept
        assert [v.name for v in p.videos()] == ["other.avi"] and len(p.events()) == 1


def test_add_to_this_project_and_cancel(qtbot, window, renamed, monkeypatch):
    moved, coded, study = renamed
    asked = _answer(monkeypatch, window, None)
    window.ctx.execute(C.OpenVideo, path=str(moved))  # cancelled: nothing changes
    assert len(asked) == 1 and window.project.path == study and window.video.name == "other.avi"
    assert [v.name for v in window.project.videos()] == ["other.avi"]
    _answer(monkeypatch, window, "current")
    assert window.ctx.execute(C.OpenVideo, path=str(moved)), window.errors
    qtbot.waitUntil(lambda: window.video is not None and window.video.name == "P01_clip.avi", timeout=10000)
    assert window.project.path == study and [v.name for v in window.project.videos()] == ["other.avi", "P01_clip.avi"]
    # held by the open project now: opened again, nothing asked
    monkeypatch.setattr(window, "ask_project_holding", lambda *a: pytest.fail("asked"))
    assert window.ctx.execute(C.OpenVideo, path=str(moved)), window.errors
    with Project.open(coded, read_only=True) as p:  # the earlier project untouched
        assert [v.name for v in p.videos()] == ["clip.avi"] and len(p.events()) == 1


def test_the_open_projects_work_is_asked_about_before_it_closes(qtbot, window, renamed, monkeypatch):
    """The close that opening the other project makes goes through keep_lost_work (its file gone, an analysis or
    a fine-tuning running): declined there, the open project stays as it was and the video is not opened."""
    moved, _coded, study = renamed
    _answer(monkeypatch, window, "earlier")
    asked = []
    monkeypatch.setattr(window.session, "keep_lost_work", lambda *a, **k: asked.append(1) or False)
    window.ctx.execute(C.OpenVideo, path=str(moved))
    assert asked == [1] and window.project.path == study and window.video.name == "other.avi"
    assert [v.name for v in window.project.videos()] == ["other.avi"]


def test_the_question_names_both_projects_the_old_name_and_the_events(window, renamed, monkeypatch):
    moved, coded, study = renamed
    earlier = window.session.earlier_project(moved, moved.with_suffix(".merproj"))
    asked = []
    monkeypatch.setattr(main_window_module, "ask", lambda parent, text, choices, **k: asked.append(
        (text, [c[1] for c in choices], [c[2] for c in choices[:2]])) or "earlier")
    assert window.ask_project_holding(moved, earlier) == "earlier"
    (text, buttons, roles), = asked
    assert text.startswith("clip.merproj beside it holds P01_clip.avi under its old name clip.avi (1 event)")
    assert "Open clip.merproj (clip.avi is relinked to P01_clip.avi), or add the video to study.merproj?" in text
    assert buttons[:2] == ["Open clip.merproj", "Add to study.merproj"]
    assert roles == [QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.ActionRole]
