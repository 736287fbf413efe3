"""File > Export events (.eaf, .tsv, .boris) of many events or of a long video runs in the export worker, as the
other exports do, with the status bar's Cancel export: written on the GUI thread it held the window 0.8-2 s for 919
events of a 30,000-frame video. A few events of a short video are still written at once (there when the command
returns)."""

from __future__ import annotations

import threading

import pytest
from helpers import GATE_S
from PySide6.QtCore import Qt

import merstudio.interchange as interchange
from merstudio.gui import commands as C
from merstudio.interchange import read_events
from merstudio.project import Event

pytestmark = pytest.mark.gui

FPS = 30.0


def _coded(win, video_path) -> int:
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, 3, 5, 8, emotion="happiness", aus="6+12", coder="ann"),
                            Event(vid, 12, 14, 20, emotion="surprise", aus="1+2", coder="bob", note="check")])
    win.coding.reload()
    return vid


def _key(path, vid) -> list[tuple]:
    back = read_events(path, fps=FPS, video_id=vid)
    assert back.ok, back.summary()
    return sorted((e.coder, e.onset, e.apex, e.offset, e.emotion, e.aus) for e in back.events)


def _hold_reading(monkeypatch) -> tuple[threading.Event, threading.Event, list[str]]:
    """The export's read of the video's times held in its worker until ``go``; the threads it ran on."""
    reached, go, threads = threading.Event(), threading.Event(), []
    real = interchange.project_media

    def held(*a, **k):
        threads.append(threading.current_thread().name)
        out = real(*a, **k)
        if threading.current_thread() is not threading.main_thread():
            reached.set()
            go.wait(GATE_S)
        return out

    monkeypatch.setattr(interchange, "project_media", held)
    return reached, go, threads


@pytest.mark.parametrize("name", ["e.eaf", "e.tsv", "e.boris"])
def test_many_events_are_exported_in_the_worker_and_cancel_stops_it(qtbot, window, video_path, tmp_path,
                                                                     monkeypatch, name):
    win = window
    vid = _coded(win, video_path)
    at_once = tmp_path / f"at_once_{name}"
    assert win.ctx.execute(C.ExportEvents, path=str(at_once)), win.errors  # two events: at once
    assert not win.exports.running and win.last_exports[0] == at_once
    monkeypatch.setattr(C, "EVENTS_AT_ONCE", 1, raising=False)  # two events are "many" now
    out = tmp_path / name
    out.write_bytes(b"the old file")
    reached, go, threads = _hold_reading(monkeypatch)
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    qtbot.waitUntil(reached.is_set, timeout=5000)
    assert threads and "MainThread" not in threads  # read in the worker: the window goes on meanwhile
    assert win.exports.running and win.exports.cancel_button.isVisible()
    qtbot.mouseClick(win.exports.cancel_button, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)
    assert out.read_bytes() == b"the old file"  # nothing written
    assert win.statusBar().currentMessage().startswith("Cancelled the events export") and not win.errors
    go.clear()
    threads.clear()
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    go.set()  # not held this time
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)
    assert not win.errors and win.last_exports == [out]
    assert "MainThread" not in threads
    assert _key(out, vid) == _key(at_once, vid)  # the same events as written at once


def test_a_long_videos_events_are_exported_in_the_worker(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    vid = _coded(win, video_path)
    monkeypatch.setattr(C, "FRAMES_AT_ONCE", win.frame_count - 1, raising=False)  # this video is "long" now
    reached, go, threads = _hold_reading(monkeypatch)
    out = tmp_path / "long.eaf"
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    qtbot.waitUntil(reached.is_set, timeout=5000)
    assert win.exports.running and not out.exists()
    go.set()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)
    assert not win.errors and win.last_exports == [out] and "MainThread" not in threads
    assert len(_key(out, vid)) == 2
