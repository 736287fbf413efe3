"""File > Export > Events of all videos (CSV) writes through interchange.export_all_events, as `merstudio convert
--video all` does: two videos of one file name (whose rows the file cannot tell apart) are said in the status bar."""

from __future__ import annotations

import csv

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_videos_sharing_a_name_are_said(qtbot, window, tmp_path):
    (tmp_path / "x").mkdir()
    write_video(tmp_path / "a.avi", n=30)
    write_video(tmp_path / "x" / "a.avi", n=40)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    assert window.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi"))
    other = window.project.add_video(tmp_path / "x" / "a.avi", fps=30.0, frame_count=40, width=64, height=48)
    window.project.add_events([Event(window.video.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(other.id, 10, 12, 20, emotion="surprise", coder="bob")])
    out = tmp_path / "all.csv"
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    # written in a worker: waited for 100 ms by the command (a loaded machine takes longer)
    qtbot.waitUntil(lambda: window.exports.worker is None and window.last_exports == [out]
                    and "share a file name" in window.statusBar().currentMessage(), timeout=20000)
    with out.open(newline="", encoding="utf-8") as fh:
        assert [(r["video"], r["onset"]) for r in csv.DictReader(fh)] == [("a.avi", "3"), ("a.avi", "10")]
    assert window.last_exports == [out]
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Exported {out}; ") and "videos a.avi share a file name" in message, message
