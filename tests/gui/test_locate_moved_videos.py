"""Videos moved together to another folder: the first one asked for is located in the file dialog (which opens in
the project's folder, then in the last folder a video was found in), the project's other missing videos are looked
for in that folder at once, and a status line says how many were found: one dialog, not one per video."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _project_with_moved_videos(window, tmp_path, names):
    home = tmp_path / "séance"
    home.mkdir()
    for k, name in enumerate(names):
        write_video(home / name, n=30 + 5 * k)  # other lengths: other contents
    assert window.ctx.execute(C.NewProject, path=str(home / "study.merproj"))
    for name in names:
        assert window.ctx.execute(C.OpenVideo, path=str(home / name))
    assert window.ctx.execute(C.OpenVideo, path=str(home / names[0]))  # the project opens on it again
    assert window.ctx.execute(C.SaveProject)
    window.session.close_project()
    moved = tmp_path / "vidéos déplacées"
    moved.mkdir()
    for name in names:
        (home / name).rename(moved / name)
    return home, moved


def test_moved_videos_are_located_together(qtbot, window, tmp_path, monkeypatch):
    names = ["a.avi", "b clip.avi", "c.avi"]
    home, moved = _project_with_moved_videos(window, tmp_path, names)
    asked = []

    def where(parent, title, start="", filt="", *a, **k):
        asked.append((title, start))
        return str(moved / title.removeprefix("Where is ").rstrip("?")), filt

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(where))
    window.errors.clear()
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"))
    assert asked == [("Where is a.avi?", str(home))]  # the project's folder to start from
    line = window.statusBar().currentMessage()
    assert "found 2 other missing videos there too" in line, line
    for v in window.project.videos():  # the others open without a box or a dialog
        window.session.select_video(v.id)
        assert window.video.path == str((moved / v.name).resolve())
    assert len(window.errors) == 1 and len(asked) == 1


def test_the_locate_dialog_opens_where_a_video_was_last_found(qtbot, window, tmp_path, monkeypatch):
    names = ["a.avi", "b.avi"]
    home, moved = _project_with_moved_videos(window, tmp_path, names)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (moved / "b.avi").rename(elsewhere / "b.avi")  # not with the first: still missing after it is found
    asked = []

    def where(parent, title, start="", filt="", *a, **k):
        asked.append(start)
        name = title.removeprefix("Where is ").rstrip("?")
        return str((moved if name == "a.avi" else elsewhere) / name), filt

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(where))
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"))
    assert "1 still missing" in window.statusBar().currentMessage()
    b = next(v for v in window.project.videos() if v.name == "b.avi")
    window.session.select_video(b.id)
    assert asked == [str(home), str(moved.resolve())]
    assert window.video.path == str((elsewhere / "b.avi").resolve())


def test_a_read_only_project_finds_the_others_too(qtbot, window, tmp_path, monkeypatch):
    names = ["a.avi", "b.avi"]
    home, moved = _project_with_moved_videos(window, tmp_path, names)
    asked = []

    def where(parent, title, start="", filt="", *a, **k):
        asked.append(title)
        return str(moved / title.removeprefix("Where is ").rstrip("?")), filt

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(where))
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"), read_only=True)
    for v in window.project.videos():
        window.session.select_video(v.id)  # read-only: the new path is not stored, the file opened is there
        assert str(window.session.source.path) == str((moved / v.name).resolve())
    assert len(asked) == 1
