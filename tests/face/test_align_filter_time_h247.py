"""The aligner's one-euro smoothing runs on the frames' time (h247): its lag in seconds is the same at any frame
rate. Counted in frames, a 60 fps clip followed a head move twice as fast as the same scene at 30 fps, a 15 fps one
twice as slowly (the aligned face is what the micro-motion lane reads)."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face.align import FaceAligner, canonical_landmarks

FRAME = np.zeros((160, 160, 3), np.uint8)


def _sway(fps: float | None, rate: int) -> np.ndarray:
    """The smoothed transform's x translation at each frame of a second of a face swaying 1 px at 2 Hz (slow enough
    for the smoothing to lag it; a jump is followed at once at any rate)."""
    aligner = FaceAligner(fps=fps)
    base = canonical_landmarks(128) + 16.0
    shift = [np.sin(2 * np.pi * 2 * i / rate) for i in range(rate + 1)]
    return np.asarray([aligner.align(0, base + [dx, 0.0], FRAME, frame_index=i).matrix[0, 2]
                       for i, dx in enumerate(shift)])


def test_the_lag_in_seconds_does_not_change_with_the_frame_rate() -> None:
    at30 = _sway(30.0, 30)
    assert np.ptp(at30) > 1.5  # the sway is there
    # at the same instants; counted in frames the 60 fps one was 0.12 px off, the 15 fps one 0.25 (now 0.05, 0.07)
    assert np.max(np.abs(_sway(60.0, 60)[::2] - at30)) < 0.08
    assert np.max(np.abs(_sway(15.0, 15) - at30[::2])) < 0.12


def test_thirty_fps_is_smoothed_as_the_frames_were_counted() -> None:
    """At 30 fps one frame is one tick: the transform is the one the parameters were tuned on, to the bit."""
    assert np.array_equal(_sway(30.0, 30), _sway(None, 30))
    assert FaceAligner(fps=30.0).ticks_per_frame == 1.0


def test_a_missing_face_restarts_the_smoothing_after_the_same_time() -> None:
    base = canonical_landmarks(128) + 16.0
    for fps, gap, restarts in ((30.0, 5, False), (30.0, 6, True), (60.0, 10, False), (60.0, 11, True)):
        aligner = FaceAligner(fps=fps)
        aligner.align(0, base, FRAME, frame_index=0)
        moved = aligner.align(0, base + [12.0, 0.0], FRAME, frame_index=gap).matrix[0, 2]
        fresh = FaceAligner(fps=fps).align(0, base + [12.0, 0.0], FRAME, frame_index=0).matrix[0, 2]
        assert bool(moved == fresh) is restarts, (fps, gap)


@pytest.mark.parametrize("fps", [0.0, -30.0, float("nan"), float("inf")])
def test_a_rate_that_is_no_rate_is_refused(fps: float) -> None:
    with pytest.raises(InputError, match="fps"):
        FaceAligner(fps=fps)
