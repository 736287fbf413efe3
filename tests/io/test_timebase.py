"""Frame index <-> media time: the constant rate's arithmetic, and a variable-rate video's own frame times."""

from __future__ import annotations

import math

import numpy as np
import pytest

from merstudio.io.timebase import Timebase

# A phone clip: 30 frames at 30 fps, then 24 fps (as the real face_noface.mov, whose header says 26.4 fps)
TIMES = np.r_[np.arange(30) / 30.0, 1.0 + np.arange(60) / 24.0]


def test_a_constant_rate_is_frame_over_fps() -> None:
    tb = Timebase(25.0)
    assert not tb.variable
    assert tb.time_of(50) == 2.0 and tb.frame_at(2.0) == 50 and tb.frame_at(1.999) == 49
    assert tb.frame_at(1.5) == math.floor(1.5 * 25.0 + 1e-6)  # the arithmetic playback always used
    np.testing.assert_array_equal(tb.position(np.array([0.0, 0.5, 4.0])), [0.0, 12.5, 100.0])


def test_a_variable_rate_video_is_timed_by_its_frames() -> None:
    tb = Timebase(26.4, TIMES)
    assert tb.variable
    for k in (0, 29, 30, 31, 89):
        assert tb.frame_at(TIMES[k]) == k and tb.time_of(k) == pytest.approx(TIMES[k])
        assert tb.position(np.array([TIMES[k]]))[0] == pytest.approx(k)
    assert tb.frame_at(1.5) == 42  # 1 s + 12 frames at 24 fps (the header's rate says 39)
    assert tb.frame_at(TIMES[40] + 0.5 / 24) == 40  # within a frame: that frame
    assert tb.frame_at(-0.01) == -1  # before the first frame
    last = TIMES[-1]
    assert tb.frame_at(last + 2 / 26.4) == 91  # past the last frame the nominal rate carries on
    assert tb.position(np.array([last + 1 / 26.4]))[0] == pytest.approx(90)
    assert tb.time_of(29.5) == pytest.approx((TIMES[29] + TIMES[30]) / 2)


def test_times_that_do_not_increase_fall_back_to_the_rate() -> None:
    assert not Timebase(30.0, np.array([0.0, 0.1, 0.1, 0.2])).variable
    assert not Timebase(30.0, np.array([0.0])).variable
    assert Timebase(float("nan")).fps == 30.0
