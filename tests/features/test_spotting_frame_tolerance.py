"""The micro-expression limit (0.5 s) allows one frame of rounding: an auditor's 0.5 s smile covered 15 frames at
30 fps (kept) and 31 at 60 fps (0.517 s, dropped), so the same expression was found in one copy and lost in the
other. Flat bumps on a quiet background (each frame far above or far below every threshold): the interval is the
bump, and its length is frames / fps, counted here in exact fractions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from merstudio.features.spotting import spot


def _bump(frames: int, fps: float, n: int = 600) -> np.ndarray:
    x = np.random.default_rng(0).normal(0.0, 0.01, n)
    x[200:200 + frames] += 1.0
    return x


@pytest.mark.parametrize("fps, frames", [(60.0, 31), (30.0, 16), (25.0, 13)])
def test_one_frame_over_half_a_second_is_kept(fps, frames):
    assert Fraction(frames) / Fraction(int(fps)) > Fraction(1, 2)  # over the limit by less than one frame
    assert Fraction(frames - 1) / Fraction(int(fps)) <= Fraction(1, 2)
    found = spot(_bump(frames, fps), fps)
    assert [(iv.onset, iv.offset, iv.long) for iv in found] == [(200, 200 + frames - 1, False)]


@pytest.mark.parametrize("fps, frames", [(60.0, 32), (30.0, 17), (25.0, 14)])
def test_two_frames_over_is_a_longer_movement(fps, frames):
    assert spot(_bump(frames, fps), fps) == []
    assert [iv.long for iv in spot(_bump(frames, fps), fps, keep_long=True)] == [True]
