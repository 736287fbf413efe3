"""The Open video / Open project / Import dialogs start in the folder their kind was last used in (they started in
the folder merstudio was launched from, every time)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_each_kind_of_dialog_starts_where_it_was_last_used(window, tmp_path, video_path, monkeypatch):
    projects = tmp_path / "projects"
    projects.mkdir()
    Project.create(projects / "study.merproj").close()
    asked: list[tuple[str, str]] = []
    answers = {"Open video": str(video_path), "Open project": str(projects / "study.merproj")}

    def dialog(_parent, title, folder, _filter):
        asked.append((title, folder))
        return answers[title], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(dialog))
    assert window.ctx.execute(C.OpenVideo), window.errors
    assert window.ctx.execute(C.OpenProject), window.errors
    assert window.ctx.execute(C.OpenVideo, project="beside"), window.errors  # (not asked: its own project)
    assert window.ctx.execute(C.OpenProject), window.errors

    assert asked == [("Open video", ""), ("Open project", ""),
                     ("Open video", str(video_path.parent)), ("Open project", str(projects))]
