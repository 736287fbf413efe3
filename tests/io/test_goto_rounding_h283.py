"""Go To (Ctrl+G) takes the time the app shows for a frame (``timecode``: rounded to the millisecond) back to that
frame: floor(time * fps) sent 00:00:06.533 (frame 196 at 30 fps, 6.5333 s) to frame 195, one frame in three at 30
fps, one in two at 29.97 (h283, a108 finding 1)."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.gui.state import goto_frame, parse_goto, timecode
from merstudio.io.timebase import Timebase


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0])
def test_every_frame_shown_time_goes_back_to_its_frame(fps: float) -> None:
    n = 600
    missed = [f for f in range(n) if parse_goto(timecode(f, fps), fps, n) != f]
    assert missed == []
    assert parse_goto("00:00:06.533", 30.0, n) == 196  # a108's example


def test_a_variable_rate_videos_shown_times_go_back_to_their_frames() -> None:
    # a phone clip: 90 kHz presentation times about 29.97 fps apart, jittering by a tick or two, then 24 fps
    rng = np.random.default_rng(283)
    ticks = np.cumsum(np.r_[0, 3003 + rng.integers(-2, 3, 199), np.full(100, 3750)])
    tb = Timebase(29.97, ticks / 90_000.0)
    n = len(ticks)
    missed = [f for f in range(n) if parse_goto(timecode(f, 29.97, tb), 29.97, n, tb) != f]
    assert missed == []


def test_a_time_between_frames_is_the_frame_shown_then() -> None:
    # floor, not round: 1.52 s at 30 fps is frame 45 (1.500-1.533 s), nearer 46 though it is
    assert parse_goto("1.52", 30.0, 90) == 45
    assert parse_goto("0.032", 30.0, 90) == 0  # 1.3 ms before frame 1's time: frame 0 still shows
    assert parse_goto("1.5", 30.0, 90) == 45
    tb = Timebase(26.4, np.r_[np.arange(30) / 30.0, 1.0 + np.arange(60) / 24.0])
    assert parse_goto("1.52", 26.4, 90, tb) == 42  # 1.500 s until 1.5417 s
    # the play head's clock keeps the exact times: a millisecond before frame 1 is frame 0
    assert Timebase(30.0).frame_at(1 / 30 - 0.0004) == 0 and tb.frame_at(1.5 - 0.0004) == 41


def test_go_to_past_the_end_says_so() -> None:
    assert goto_frame("600", 30.0, 600) == (599, "Go to 600: past the end, frame 599 is the last")
    # a frame number as pandas writes it is a time, 45 s: said, not a silent jump to the end
    frame, note = goto_frame("45.0", 30.0, 600)
    assert frame == 599 and note == "Go to 45.0 (a time, 00:00:45.000): past the end, frame 599 is the last"
    assert goto_frame("599", 30.0, 600) == (599, "")
    assert goto_frame(timecode(599, 30.0), 30.0, 600) == (599, "")
