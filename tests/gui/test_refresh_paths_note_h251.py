"""The app's opening of a project refreshes its videos' relative paths by the core's one refresh
(Project.refresh_relpaths_on_open, as the CLI's and finetune's, h251), and where that cannot be written it shows the
core's line on the status bar with the opening's other notes; before, it was only logged."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video

from merstudio.errors import OutputError
from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_a_refresh_that_cannot_be_written_is_shown_and_the_project_opens(qtbot, window, tmp_path, monkeypatch):
    lab = tmp_path / "lab"
    (lab / "videos").mkdir(parents=True)
    write_video(lab / "videos" / "a.avi", n=30)
    with Project.create(lab / "study.merproj") as p:
        p.add_video(lab / "videos" / "a.avi", 30.0, 30, 160, 120)
    (lab / "projects").mkdir()
    moved = (lab / "study.merproj").rename(lab / "projects" / "study.merproj")

    def refuse(self: Project) -> list[int]:
        raise OutputError(f"{self.path}: the disk is full")

    monkeypatch.setattr(Project, "refresh_relpaths", refuse)
    shown: list[str] = []
    monkeypatch.setattr(window.statusBar(), "showMessage", lambda text, *a: shown.append(text))
    assert window.ctx.execute(C.OpenProject, path=str(moved)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    said = (f"{window.project.path}: the videos' relative paths were not refreshed (the disk is full); they are "
            "found by their stored paths")
    qtbot.waitUntil(lambda: any(said in text for text in shown), timeout=5000)
    assert window.errors == []  # a note, not an error: the project is open, its video found by its stored path
