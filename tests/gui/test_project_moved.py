"""A project file renamed or moved while open is followed (Linux: /proc/self/fd): a save writes the backup beside
the new name, the title and the default export folder name the file as it is now, the status bar says so, and
closing leaves nothing beside the old name. A project file deleted while open is said on save (the backup is then
the copy to open)."""

from __future__ import annotations

import sys

import pytest

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")]


def test_a_renamed_project_is_followed(qtbot, window, video_path, tmp_path, monkeypatch):
    old = tmp_path / "study.merproj"
    assert window.ctx.execute(C.NewProject, path=str(old))
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    (tmp_path / "moved").mkdir()
    new = tmp_path / "moved" / "renamed.merproj"
    old.rename(new)
    assert window.ctx.execute(C.SaveProject)
    assert (tmp_path / "moved" / "renamed.merproj.bak").is_file()
    assert not (tmp_path / "study.merproj.bak").exists()
    assert window.project.path == new and "renamed.merproj" in window.windowTitle()
    line = window.statusBar().currentMessage()
    assert f"project file moved to {new}" in line and "Saved renamed.merproj" in line, line
    assert window.session.recent_projects()[0] == str(new.resolve())
    assert str(old.resolve()) not in window.session.recent_projects()
    asked = {}

    def ask(ctx, params, key, *args, default="", **kw):
        asked["default"] = default
        return False

    monkeypatch.setattr(C, "_ask_path", ask)
    window.ctx.execute(C.Export, kind="labelled")
    assert asked["default"] == str(new.parent / "renamed_labels.csv")
    window.session.close_project()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("study.merproj")]


def test_a_project_renamed_while_in_the_background_is_named_anew(qtbot, window, tmp_path):
    old = tmp_path / "study.merproj"
    assert window.ctx.execute(C.NewProject, path=str(old))
    old.rename(tmp_path / "renamed.merproj")
    window.follow_project()  # what coming back to the window does
    assert window.windowTitle().startswith("renamed.merproj")
    assert "project file moved to" in window.statusBar().currentMessage()


def test_a_deleted_project_is_said_on_save(qtbot, window, tmp_path):
    path = tmp_path / "gone.merproj"
    assert window.ctx.execute(C.NewProject, path=str(path))
    path.unlink()
    assert window.ctx.execute(C.SaveProject)
    assert window.infos and "gone.merproj is no longer in" in window.infos[-1]
    assert str(tmp_path / "gone.merproj.bak") in window.infos[-1]
