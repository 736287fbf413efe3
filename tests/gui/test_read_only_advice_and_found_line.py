"""Two lines of the app after tonight's verification audit (a72): the read-only box of a project holding SQL
triggers no longer offers Save As (the copy keeps the triggers and opens read-only again), it says how to remove
them; a video found by its content under another name says both names (it said "Found interview.mp4 in …" where
the project's smile_man.mp4 had been found, and the Videos list then showed two interview.mp4)."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_the_read_only_box_of_a_project_with_triggers_says_how_to_remove_them(qtbot, window, tmp_path):
    write_video(tmp_path / "a.avi", n=20)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    assert window.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi"))
    window.session.close_project()
    con = sqlite3.connect(tmp_path / "study.merproj")
    con.executescript("CREATE TRIGGER t1 AFTER INSERT ON events BEGIN UPDATE events SET note = 'x'; END;")
    con.close()
    assert window.ctx.execute(C.OpenProject, path=str(tmp_path / "study.merproj"))
    box = next(m for m in reversed(window.infos) if "read-only" in m)
    assert "drop-triggers" in box and "Save project as" not in box


def test_a_video_found_under_another_name_is_said_by_both():
    video = SimpleNamespace(name="interview.mp4", path="/data/other/interview.mp4")
    assert C.found_line(video, [], [], "smile_man.mp4") == "Found smile_man.mp4 as interview.mp4 in /data/other"
    assert C.found_line(video, [2], [], "interview.mp4") == ("Found interview.mp4 in /data/other; found 1 other "
                                                            "missing video there too")
