"""File > Export > Events of all videos (CSV): every video's events in one events CSV, each row naming its video
(the current video's or not), so that `merstudio convert --import FILE --video all` can put them back."""

from __future__ import annotations

import csv

import pytest
from gui_fixtures import two_video_project

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_events_of_all_videos_in_one_csv(qtbot, window, tmp_path):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(b.id, 10, 12, 20, emotion="surprise", coder="bob")])
    assert window.video.id == b.id
    assert window.export_actions["events_all"].text() == "Events of &all videos (CSV)…"
    out = tmp_path / "all.csv"
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    qtbot.waitUntil(lambda: window.exports.worker is None, timeout=20000)  # written in the export worker
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["video"], r["onset"], r["offset"], r["coder"]) for r in rows] == [
        ("a.avi", "3", "8", "ann"), ("b clip.avi", "10", "20", "bob")]
    assert rows[0]["offset_time"] == repr(8 / 30)
    assert window.last_exports == [out]
