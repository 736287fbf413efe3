"""While a video's stored analysis is read (off the GUI thread) or drawn in turns, the heat-map and micro-motion lanes
say it is loading: they said "appears when the video is analysed (Analysis > Run analysis, Ctrl+R)" for 2-3 s after
a switch to a long analysed video, inviting a re-run that replaces the stored one. Only a video with no analysis gets
that text."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline, write_video
from helpers import analysed_and_another

from merstudio.gui import analysis_control as ac
from merstudio.gui.state import CurveBuffer
from merstudio.gui.timeline import NO_ANALYSIS, STEP_FRAMES

pytestmark = pytest.mark.gui


def _notes(tl) -> tuple[str | None, str | None]:
    """The heat-map and motion lanes' notes as shown (None: hidden)."""
    return tuple(n.toPlainText() if n.isVisible() else None for n in (tl._no_heat, tl._no_motion))


def _loading(notes: tuple[str | None, str | None]) -> bool:
    """Both notes shown, saying the stored analysis is loading (not asking for a run)."""
    return all(n is not None and "loading" in n and "Run analysis" not in n for n in notes)


def _long_buffer() -> CurveBuffer:
    n = STEP_FRAMES  # drawn in turns on a shown timeline
    t = np.arange(n)
    df = pd.DataFrame({"frame": t, "face_id": 0, "success": 1, "AU01_r": np.sin(t / 50.0) + 1.0,
                       "AU12_r": np.cos(t / 70.0) + 1.0, "motion_brows": np.abs(np.sin(t / 30.0))})
    return CurveBuffer.from_frame(df, n)


def test_timeline_says_loading_until_the_lanes_are_drawn(qtbot):
    tl = shown_timeline(qtbot, STEP_FRAMES)
    tl.set_loading(True)  # the stored analysis is being read: no buffer yet
    tl.set_buffer(None)
    assert _loading(_notes(tl)), _notes(tl)
    tl.set_loading(False)
    tl.set_buffer(_long_buffer(), 0)  # it came: the AU curves first, the heat map and motion lane in later turns
    assert tl._step_timer.isActive()
    assert _loading(_notes(tl)), _notes(tl)
    tl.refresh()  # every turn done
    assert _notes(tl) == (None, None)
    tl.set_buffer(None)  # no analysis (and none on its way)
    assert _notes(tl) == (NO_ANALYSIS.format(what="the AU heat map"), NO_ANALYSIS.format(what="micro-motion"))


def test_window_says_loading_while_the_stored_curves_are_read(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    analysed, other = analysed_and_another(qtbot, win, tmp_path / "study", video_path,
                                           write_video(tmp_path / "other.avi", n=40))
    assert _notes(win.timeline)[0] == NO_ANALYSIS.format(what="the AU heat map")  # the other video: not analysed

    class Late(threading.Event):  # the curves never come within the grace: they arrive as a long video's do
        def wait(self, timeout: float | None = None) -> bool:
            return False

    monkeypatch.setattr(ac, "threading", SimpleNamespace(Event=Late))
    win.session.select_video(analysed.id)
    assert win.buffer is None
    assert _loading(_notes(win.timeline)), _notes(win.timeline)
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    assert _notes(win.timeline)[0] is None  # drawn: its heat map shows
    win.session.select_video(other.id)
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    assert _notes(win.timeline)[0] == NO_ANALYSIS.format(what="the AU heat map")
    assert not win.errors
