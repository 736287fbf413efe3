"""File > Import events given an events CSV of several videos (File > Export > Events of all videos): each video's
rows go into their own video, as `merstudio convert --import FILE --video all` puts them, after one confirmation
listing per video what is new and already there, and the names matching no video; one undo step. (Before, only the
current video's rows were imported, the others' listed as skipped.)"""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _two_videos(qtbot, window, tmp_path):
    """A project of two videos with an event each, written to all.csv (one more row, of a video not in the
    project), then their events removed; the second video is current."""
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(b.id, 10, 12, 20, emotion="surprise", coder="bob"),
                               Event(b.id, 22, 23, 25, emotion="fear", coder="bob")])
    out = tmp_path / "all.csv"
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    qtbot.waitUntil(lambda: window.exports.worker is None and out.exists())
    with out.open("a", encoding="utf-8") as fh:
        fh.write("zzz.mp4,0,1,2,3,,,,,,carl,,,,\n")
    window.project.replace_events([e.id for v in (a, b) for e in window.project.events(v.id)], [])
    window.project.add_events([Event(b.id, 22, 23, 25, emotion="fear", coder="bob")])  # already there
    assert window.video.id == b.id
    return a, b, out


def _events(window, *videos):
    return sorted((e.video_id, e.onset, e.coder) for v in videos for e in window.project.events(v.id))


def _no_one_video_preview(monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog

    def refuse(self):
        raise AssertionError("the one-video preview was shown")

    monkeypatch.setattr(ImportPreviewDialog, "exec", refuse)


def test_each_video_gets_its_rows_as_one_undo_step(qtbot, window, tmp_path, monkeypatch):
    a, b, out = _two_videos(qtbot, window, tmp_path)
    _no_one_video_preview(monkeypatch)
    asked = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or True)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(out)), window.errors
    assert len(asked) == 1
    assert "a.avi: 1 new" in asked[0] and "b clip.avi: 1 new, 1 already there" in asked[0], asked[0]
    assert "matching no video in the project (their rows left out): zzz.mp4" in asked[0]
    got = [(a.id, 3, "ann"), (b.id, 10, "bob"), (b.id, 22, "bob")]
    assert _events(window, a, b) == got
    assert window.undo_stack.count() == steps + 1
    assert "Import 2 event(s) into 2 videos from all.csv" in window.undo_stack.undoText()
    assert "1 into a.avi, 1 into b clip.avi" in window.statusBar().currentMessage()
    window.undo_stack.undo()  # both videos' rows go in one step; the event that was there stays
    assert _events(window, a, b) == [(b.id, 22, "bob")]
    window.undo_stack.redo()
    assert _events(window, a, b) == got
    # the same file again: nothing new, said in one line, no undo step
    assert not window.ctx.execute(C.ImportEvents, path=str(out))
    assert "no events to import (its 3 event(s) are already in the project)" in window.errors[-1]
    assert window.undo_stack.count() == steps + 1 and _events(window, a, b) == got


def test_cancelled_imports_nothing(qtbot, window, tmp_path, monkeypatch):
    a, b, out = _two_videos(qtbot, window, tmp_path)
    _no_one_video_preview(monkeypatch)
    monkeypatch.setattr(window, "confirm", lambda q: False)
    assert not window.ctx.execute(C.ImportEvents, path=str(out))
    assert _events(window, a, b) == [(b.id, 22, "bob")] and not window.errors
