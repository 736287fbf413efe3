"""Spotting on synthetic motion signals with known bumps, and the MEGC metric on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.features.spotting import Interval, interval_iou, pool_scores, spot, spotting_metric

FPS = 30.0


def _signal(bumps: list[tuple[int, int, float]], n: int = 900, noise: float = 0.05, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, noise, n) + np.linspace(0.0, 1.0, n)  # noise + a slow drift
    for on, off, h in bumps:
        x[on : off + 1] += h * np.sin(np.linspace(0.0, np.pi, off - on + 3)[1:-1])
    return x


def test_iou_inclusive_frames():
    assert interval_iou((0, 9), (0, 9)) == 1.0
    assert interval_iou((3, 3), (3, 3)) == 1.0
    assert interval_iou((0, 9), (10, 19)) == 0.0
    assert interval_iou((0, 9), (5, 14)) == pytest.approx(5 / 15)
    assert interval_iou(Interval(0, 2, 4, 1.0), (0, 9)) == pytest.approx(0.5)
    with pytest.raises(InputError):
        interval_iou((5, 4), (0, 1))


def test_metric_hand_computed():
    truth = [(10, 19), (50, 59)]
    pred = [(12, 21), (48, 52), (100, 110)]  # IoU 8/12 -> TP; 3/12 -> FP; no overlap -> FP
    s = spotting_metric(pred, truth)
    assert (s.tp, s.fp, s.fn) == (1, 2, 1)
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(1 / 2)
    assert s.f1 == pytest.approx(0.4)


def test_metric_boundary_and_duplicates():
    assert spotting_metric([(0, 4)], [(0, 9)]).tp == 1  # IoU exactly 0.5 counts
    assert spotting_metric([(0, 3)], [(0, 9)]).tp == 0  # 0.4 does not
    # Two predictions on one truth: only one can match it.
    s = spotting_metric([Interval(10, 14, 19, 0.9), Interval(11, 14, 19, 0.5)], [(10, 19)])
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    # Matching follows score: the higher-scored prediction takes the truth it overlaps best.
    s = spotting_metric([Interval(0, 5, 10, 0.2), Interval(20, 25, 30, 0.9)], [(0, 10), (20, 30)])
    assert (s.tp, s.fp, s.fn) == (2, 0, 0) and s.f1 == 1.0
    empty = spotting_metric([], [])
    assert (empty.tp, empty.fp, empty.fn, empty.f1) == (0, 0, 0, 0.0)
    assert spotting_metric([], [(1, 5)]).fn == 1
    assert spotting_metric([(1, 5)], [], iou=0.5).fp == 1


def test_pool_sums_counts_before_rates():
    a = spotting_metric([(0, 9)], [(0, 9)])  # 1 TP
    b = spotting_metric([(0, 9), (20, 29), (40, 49)], [(100, 109)])  # 3 FP, 1 FN
    pooled = pool_scores([a, b])
    assert (pooled.tp, pooled.fp, pooled.fn) == (1, 3, 1)
    assert pooled.precision == pytest.approx(0.25) and pooled.recall == pytest.approx(0.5)
    assert pooled.f1 == pytest.approx(2 * 0.25 * 0.5 / 0.75)


def test_spot_finds_known_bumps():
    truth = [(100, 112), (400, 409), (700, 714)]  # 0.43 s, 0.33 s, 0.5 s
    x = _signal([(on, off, 1.0) for on, off in truth])
    found = spot(x, FPS)
    assert len(found) == 3
    for iv, (on, off) in zip(found, truth, strict=True):
        assert on <= iv.apex <= off
        assert interval_iou(iv, (on, off)) >= 0.5
        assert iv.score > 4 and not iv.long
    assert spotting_metric(found, truth).f1 == 1.0


def test_spot_length_rules_and_gaps():
    # ME, 1 s macro, one-frame glitch, and an ME whose second half is lost with the face
    x = _signal([(100, 110, 1.0), (300, 329, 1.0), (600, 600, 3.0), (445, 454, 1.0)])
    x[450:460] = np.nan  # face lost: no interval spans it
    x[455] = np.nan
    found = spot(x, FPS)
    assert [(iv.onset <= 105 <= iv.offset) for iv in found] == [True, False]
    # the half seen before the loss is an interval that ends at the last frame with a face
    assert 440 <= found[1].onset <= 446 and found[1].offset == 449
    assert not any(np.isnan(x[iv.onset : iv.offset + 1]).any() for iv in spot(x, FPS, keep_long=True))
    with_long = spot(x, FPS, keep_long=True)
    longs = [iv for iv in with_long if iv.long]
    assert len(longs) == 1 and longs[0].onset <= 314 <= longs[0].offset
    assert not any(iv.onset <= 600 <= iv.offset for iv in with_long)  # 1/30 s < min_dur 1/25 s
    assert spot(np.full(100, np.nan), FPS) == []
    assert spot(np.zeros(300), FPS) == []  # flat: nothing stands out
    with pytest.raises(InputError):
        spot(x, 0.0)
    with pytest.raises(InputError):
        spot(x, FPS, min_dur=0.6, max_dur=0.5)


def test_spot_threshold_scales_with_noise():
    """A bump clear of the noise is found; the same bump drowned in 10x more noise is not."""
    quiet = spot(_signal([(200, 210, 0.6)], noise=0.03, seed=3), FPS)
    assert any(iv.onset <= 205 <= iv.offset for iv in quiet)
    noisy = spot(_signal([(200, 210, 0.6)], noise=0.3, seed=3), FPS)
    assert not any(iv.onset <= 205 <= iv.offset for iv in noisy)
