"""A switch waits (LOAD_GRACE_MS) for the stored curves only of a video short enough for them to come within it: a
long video's never did (long20's came 0.41-0.84 s later), so every switch to it held the window the whole grace for
nothing. A short video is still shown with its curves at once."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from gui_fixtures import write_video
from helpers import analysed_and_another

from merstudio.gui import analysis_control as ac

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves

LONG = 9000  # 5 minutes at 30 fps: 36,000 frames took the loader 0.41-0.84 s beside a switch


def _recorded_waits(monkeypatch) -> list[float | None]:
    """The waits load() makes for its curves (the grace made 20 s: a wait that happens cannot end early here)."""
    waits: list[float | None] = []

    class Event(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout)
            return super().wait(timeout)

    monkeypatch.setattr(ac, "threading", SimpleNamespace(Event=Event))
    monkeypatch.setattr(ac, "LOAD_GRACE_MS", 20_000)
    return waits


def test_a_short_video_waits_for_its_curves_a_long_one_does_not(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    short, long = analysed_and_another(qtbot, win, tmp_path / "study", video_path,
                                       write_video(tmp_path / "media" / "long.avi", n=LONG))
    assert win.frame_count == LONG
    waits = _recorded_waits(monkeypatch)
    win.session.select_video(short.id)
    assert waits == [20.0]  # waited for ...
    assert win.video.id == short.id and win.buffer is not None and win.buffer.faces  # ... and shown with its curves
    waits.clear()
    win.session.select_video(long.id)
    assert waits == []  # not waited for: the window goes on at once
    assert win.video.id == long.id and win.buffer is None  # the short video's curves went at once
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)  # its (empty: never analysed) answer came
    assert not win.buffer.faces
    assert not win.errors
