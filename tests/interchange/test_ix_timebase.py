"""Frame <-> millisecond / second conversion: every frame survives a round trip, for common and dataset rates
and across long videos."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.interchange import frame_to_ms, frames_to_ms, ms_to_frame, ms_to_frames
from merstudio.interchange.common import seconds_to_frame

RATES = [25.0, 29.97, 30000 / 1001, 30.0, 60.0, 100.0, 200.0, 1000.0]


@pytest.mark.parametrize("fps", RATES)
def test_every_frame_round_trips_over_a_long_video(fps):
    n = int(fps * 3600 * (3 if fps <= 200 else 1))  # three hours (one at 1000 fps: 3.6 M frames)
    frames = np.arange(n + 1, dtype=np.int64)
    ms = frames_to_ms(frames, fps)
    assert (np.diff(ms) >= 1).all()  # boundaries never share a millisecond
    assert np.array_equal(ms_to_frames(ms, fps, "start"), frames)
    assert np.array_equal(ms_to_frames(ms, fps, "end"), frames)
    # the scalar functions agree with the vectorised ones (checked on a spread of frames incl. the far end)
    for f in np.linspace(0, n, 2001).astype(int):
        assert frame_to_ms(int(f), fps) == ms[f]
        assert ms_to_frame(int(ms[f]), fps) == f


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_times_between_boundaries_go_to_the_containing_frame(fps):
    for f in (0, 1, 7, 12345, 10**6):
        start, nxt = frame_to_ms(f, fps), frame_to_ms(f + 1, fps)
        if nxt - start >= 3:  # a ms strictly inside the frame exists
            inside = start + 1
            assert ms_to_frame(inside, fps, "start") == f
            assert ms_to_frame(inside, fps, "end") == f + 1


def test_rounding_is_half_up_and_documented_values():
    assert frame_to_ms(1, 30.0) == 33 and frame_to_ms(2, 30.0) == 67  # 33.33 down, 66.67 up
    assert frame_to_ms(1, 29.97) == 33 and frame_to_ms(3, 29.97) == 100
    assert frame_to_ms(1, 200.0) == 5 and frame_to_ms(1, 25.0) == 40


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_seconds_round_trip_at_ms_and_microsecond_precision(fps):
    for f in (0, 1, 2, 99, 4321, 2_000_000):
        assert seconds_to_frame(round(frame_to_ms(f, fps) / 1000.0, 3), fps) == f
        assert seconds_to_frame(float(f"{f / fps:.6f}"), fps) == f
