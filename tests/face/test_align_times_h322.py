"""The aligner's smoothing steps by the frames' own times (align's time_s; h322). Counted in frames at the
header's rate, a variable-rate video was smoothed at its mean rate: the same frames muxed into .mp4 (25.83 fps, the
mean over a hole) and .mkv (30 fps) gave motion columns 0.18 apart, and a hole of 11 frames' time counted as one
frame, so the smoothing blended the faces either side of it. Constant-rate inputs step as their frames were counted,
to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face.align import FaceAligner, canonical_landmarks

FRAME = np.zeros((160, 160, 3), np.uint8)
BASE = canonical_landmarks(128) + 16.0


def _sway(n: int) -> list[np.ndarray]:
    """A face swaying 1 px at 2 Hz, one landmark set per frame at 30 fps (slow enough for the smoothing to lag)."""
    return [BASE + [np.sin(2 * np.pi * 2 * i / 30), 0.0] for i in range(n)]


def _x(aligner: FaceAligner, faces: list[np.ndarray], frames: list[int] | None = None,
       times: list[float] | None = None) -> np.ndarray:
    """The smoothed transform's x translation for each face given (frame indices 0, 1, ... unless told)."""
    frames = list(range(len(faces))) if frames is None else frames
    out = []
    for k, face in enumerate(faces):
        kw = {} if times is None else {"time_s": times[k]}
        out.append(aligner.align(0, face, FRAME, frame_index=frames[k], **kw).matrix[0, 2])
    return np.asarray(out)


def test_a_variable_rate_video_is_smoothed_by_its_frames_times_not_its_mean_rate() -> None:
    """The repro's clip: 30 fps frames with frames 30-39 gone, the header's rate the mean (25.83 fps) or 30."""
    kept = [i for i in range(72) if not 30 <= i <= 39]
    faces = [_sway(72)[i] for i in kept]
    exact = [i / 30 for i in kept]  # an mp4's times (1/15360 s ticks)
    ms = [round(i / 30 * 1000) / 1000 for i in kept]  # an mkv's: whole milliseconds (33, 34, 33 ms)
    mean_rate = (len(kept) - 1) / exact[-1]
    mp4 = _x(FaceAligner(fps=mean_rate), faces, times=exact)
    mkv = _x(FaceAligner(fps=30.0), faces, times=ms)
    assert np.array_equal(mp4, mkv)  # frames 0-29 were up to 0.06 px apart at the mean rate (the lag it changed)
    # and both are the frames smoothed at 30 fps, the hole restarting it (as a face missing that long would)
    counted = np.r_[_x(FaceAligner(fps=30.0), faces[:30]), _x(FaceAligner(fps=30.0), faces[30:])]
    assert np.array_equal(mp4, counted)


def test_a_hole_longer_than_max_gap_restarts_the_smoothing_though_the_frames_are_consecutive() -> None:
    for gap_s, restarts in ((5 / 30, False), (6 / 30, True), (0.25, True)):
        for fps in (30.0, 25.83):  # the hole at the rate it is (5 frames' time is no restart), and at a mean rate
            aligner = FaceAligner(fps=fps)
            aligner.align(0, BASE, FRAME, frame_index=0, time_s=1.0)
            moved = aligner.align(0, BASE + [12.0, 0.0], FRAME, frame_index=1, time_s=1.0 + gap_s).matrix[0, 2]
            fresh = FaceAligner(fps=fps).align(0, BASE + [12.0, 0.0], FRAME, frame_index=0).matrix[0, 2]
            assert bool(moved == fresh) is restarts, (gap_s, fps)


def test_a_time_back_restarts_the_smoothing() -> None:
    aligner = FaceAligner()
    aligner.align(0, BASE, FRAME, time_s=2.0)
    moved = aligner.align(0, BASE + [12.0, 0.0], FRAME, time_s=1.0).matrix[0, 2]
    assert moved == FaceAligner().align(0, BASE + [12.0, 0.0], FRAME).matrix[0, 2]


@pytest.mark.parametrize("fps", [30.0, 25.0, 30000 / 1001, 60.0, 15.0, 24000 / 1001])
def test_constant_rate_times_smooth_as_the_counted_frames_to_the_bit(fps: float) -> None:
    """A constant-rate video's times (i / fps, or an mkv's whole milliseconds) change none of its transforms: the
    analysis of smile_man.mp4 and of the demo stays the same to the byte. A missing face (frames 20-22) too."""
    n = 45
    frames = [i for i in range(n) if not 20 <= i <= 22]
    faces = [_sway(n)[i] for i in frames]
    counted = _x(FaceAligner(fps=fps), faces, frames)
    assert np.array_equal(_x(FaceAligner(fps=fps), faces, frames, [i / fps for i in frames]), counted)
    ms = [round(i / fps * 1000) / 1000 for i in frames]
    assert np.array_equal(_x(FaceAligner(fps=fps), faces, frames, ms), counted)


def test_frames_a_nanosecond_apart_are_smoothed_without_dividing_by_zero() -> None:
    aligner = FaceAligner()
    aligner.align(0, BASE, FRAME, frame_index=0, time_s=1.0)
    with np.errstate(all="raise"):
        matrix = aligner.align(0, BASE + [12.0, 0.0], FRAME, frame_index=1, time_s=1.0 + 1e-9).matrix
    assert np.all(np.isfinite(matrix))


@pytest.mark.parametrize("t", [float("nan"), float("inf")])
def test_a_time_that_is_no_time_is_refused(t: float) -> None:
    with pytest.raises(InputError, match="time_s"):
        FaceAligner().align(0, BASE, FRAME, frame_index=0, time_s=t)
