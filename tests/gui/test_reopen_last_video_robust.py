"""Reopening on the last video never makes opening worse than it was: a last video whose file is gone opens the
first (it asked where the file went and showed nothing if cancelled); an unreadable view setting (a hand-edited
project) is ignored (opening failed half-way and every switch raised); removing the last video clears it (a video
added later may get its id)."""

from __future__ import annotations

import sqlite3

import pytest
from gui_fixtures import reopened, two_video_project

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_a_last_video_whose_file_is_gone_opens_the_first(qtbot, window, qsettings, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def where(*args, **kwargs):  # "Where is b clip.avi?": cancelled
        asked.append(str(args[1]) if len(args) > 1 else "")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(where))
    a, b = two_video_project(window, tmp_path)  # b current
    path = window.project.path
    window.close()
    (tmp_path / "b clip.avi").unlink()
    win = reopened(qtbot, qsettings, path)
    try:
        assert win.video is not None and win.video.id == a.id and not win.errors and not asked
    finally:
        win.shutdown()


def test_an_unreadable_view_setting_is_ignored(qtbot, window, qsettings, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.close()
    con = sqlite3.connect(path)
    with con:
        con.execute("INSERT OR REPLACE INTO settings VALUES ('view_video', 'not json')")
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, '{broken')", (f"view_place/{a.id}",))
    con.close()
    win = reopened(qtbot, qsettings, path)
    try:
        assert win.video is not None and win.video.id == a.id
        assert win.ctx.execute(C.OpenVideo, path=b.path), win.errors  # switching works
        assert win.video.id == b.id
    finally:
        win.shutdown()


def test_removing_the_last_video_clears_it(tmp_path):
    for k, name in enumerate(("a.avi", "b.avi")):
        (tmp_path / name).write_bytes(bytes([k]) * 64)  # two files of their own content: two videos
    with Project.create(tmp_path / "p.merproj") as proj:
        a = proj.add_video(tmp_path / "a.avi", fps=30.0, frame_count=10, width=64, height=48)
        b = proj.add_video(tmp_path / "b.avi", fps=30.0, frame_count=10, width=64, height=48)
        assert a.id != b.id
        proj.set_setting("view_video", b.id)
        proj.remove_video(a.id)
        assert proj.get_setting("view_video") == b.id  # another video: kept
        proj.remove_video(b.id)
        assert proj.get_setting("view_video") is None
