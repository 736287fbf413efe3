"""File > Export > Events of all videos is written in the export worker (gui/exports.py), as the other long
exports: 2,000 events held the window for 0.25-0.43 s when it was written on the GUI thread."""

from __future__ import annotations

import csv
import threading
import time

import pytest
from gui_fixtures import write_video

import merstudio.interchange as interchange
from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui

SLOW = 1.0  # seconds the export is made to take (a large project's)


def test_events_of_all_videos_are_written_in_the_worker(qtbot, window, tmp_path, monkeypatch):
    win = window
    write_video(tmp_path / "a.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    assert win.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi"))
    win.project.add_events([Event(win.video.id, 3, 5, 8, emotion="happiness", coder="ann")])
    real, threads = interchange.export_all_events, []

    def slow(*a, **k):
        threads.append(threading.current_thread() is threading.main_thread())
        time.sleep(SLOW)
        return real(*a, **k)

    monkeypatch.setattr(interchange, "export_all_events", slow)
    out = tmp_path / "all.csv"
    assert win.ctx.execute(C.Export, kind="events_all", path=str(out)), win.errors
    # the command returned while the worker writes (SLOW still to go; no timed bound, which a loaded machine breaks)
    assert win.exports.running and not win.export_actions["events_all"].isEnabled()
    with pytest.raises(Exception, match="still being written"):  # one export at a time, as the others
        win.exports.require_idle()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=20000)
    assert threads == [False] and win.last_exports == [out]
    with out.open(newline="", encoding="utf-8") as fh:
        assert [(r["video"], r["onset"]) for r in csv.DictReader(fh)] == [("a.avi", "3")]
    assert win.export_actions["events_all"].isEnabled()
    assert win.statusBar().currentMessage() == f"Exported {out}"
    assert not win.errors
