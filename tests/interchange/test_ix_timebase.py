"""Frame <-> millisecond / second conversion: every frame survives a round trip, for common and dataset rates
and across long videos."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.interchange import frame_to_ms, frames_to_ms, ms_to_frame, ms_to_frames
from merstudio.interchange.common import ROUND, seconds_to_frame

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


def test_boundaries_are_elans_and_documented_values():
    """ELAN steps to frame k at ceil(k * msPerFrame) ms and reads a time t as frame floor(t / msPerFrame) (its media
    players' nextFrame): every boundary we write is on its own frame there, and an annotation ELAN snapped to
    frames a..b ([ceil(a * mpf), ceil((b + 1) * mpf)) ms) reads back as a..b."""
    assert frame_to_ms(1, 30.0) == 34 and frame_to_ms(2, 30.0) == 67 and frame_to_ms(3, 30.0) == 100
    assert frame_to_ms(1, 29.97) == 34 and frame_to_ms(3, 29.97) == 101
    assert frame_to_ms(1, 200.0) == 5 and frame_to_ms(1, 25.0) == 40
    for fps in (23.976, 24.0, 25.0, 29.97, 30000 / 1001, 30.0, 50.0, 59.94, 60.0, 120.0, 240.0):
        mpf = 1000.0 / fps
        frames = np.arange(0, 200_000, 7)
        ms = frames_to_ms(frames, fps)
        assert np.array_equal(np.floor(ms / mpf + 1e-9).astype(np.int64), frames), fps  # ELAN's frame of it
        elan_start = np.ceil(frames * mpf - 1e-9).astype(np.int64)
        elan_end = np.ceil((frames + 3) * mpf - 1e-9).astype(np.int64)  # a..a+2 snapped in ELAN
        assert np.array_equal(ms_to_frames(elan_start, fps, "start"), frames), fps
        assert np.array_equal(ms_to_frames(elan_end, fps, "end") - 1, frames + 2), fps


def test_the_half_up_rule_of_older_merstudio_files():
    assert frame_to_ms(1, 30.0, ROUND) == 33 and frame_to_ms(2, 30.0, ROUND) == 67  # 33.33 down, 66.67 up
    assert frame_to_ms(1, 29.97, ROUND) == 33 and frame_to_ms(3, 29.97, ROUND) == 100
    for fps in (25.0, 29.97, 30.0, 60.0):
        frames = np.arange(0, 100_000, 11)
        ms = frames_to_ms(frames, fps, ROUND)
        assert np.array_equal(ms_to_frames(ms, fps, "start", ROUND), frames)
        assert np.array_equal(ms_to_frames(ms, fps, "end", ROUND), frames)
        assert all(ms_to_frame(int(m), fps, "end", ROUND) == f for f, m in zip(frames[:50], ms[:50], strict=True))


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_seconds_round_trip_at_ms_and_microsecond_precision(fps):
    for f in (0, 1, 2, 99, 4321, 2_000_000):
        assert seconds_to_frame(round(frame_to_ms(f, fps) / 1000.0, 3), fps) == f
        assert seconds_to_frame(float(f"{f / fps:.6f}"), fps) == f
