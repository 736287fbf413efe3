"""spot()'s rules one by one (merstudio.features.spotting's docstring, docs/aus.md "Spotting"), each on a signal
built so that the rule alone decides the answer: flat bumps on a quiet background, whose frames are far above or
far below every threshold."""

from __future__ import annotations

import numpy as np

from merstudio.features.spotting import spot

FPS = 30.0  # merge_gap_s 0.04 s is round(1.2) = 1 frame here


def _quiet(n: int = 300, noise: float = 0.01, seed: int = 0) -> np.ndarray:
    """Background noise: sigma about `noise`, so the threshold (median + 4 sigma) is about 4 x `noise`."""
    return np.random.default_rng(seed).normal(0.0, noise, n)


def _bounds(found) -> list[tuple[int, int]]:
    return [(iv.onset, iv.offset) for iv in found]


def test_no_interval_merges_across_a_nan_gap():
    """NaN frames (no face) never belong to an interval: two bumps one NaN frame apart stay two intervals, though
    one frame apart they would merge (next test)."""
    x = _quiet()
    x[100:105] += 1.0
    x[106:111] += 1.0
    x[105] = np.nan
    assert _bounds(spot(x, FPS)) == [(100, 104), (106, 110)]


def test_runs_at_most_merge_gap_apart_merge():
    """Two bumps with one quiet frame between them (1/30 s <= merge_gap_s 0.04 s) are one interval; the apex is
    the highest frame of the two."""
    x = _quiet()
    x[100:105] += 1.0
    x[106:111] += 2.0
    x[108] += 0.5
    found = spot(x, FPS)
    assert [(iv.onset, iv.apex, iv.offset) for iv in found] == [(100, 108, 110)]
    # two quiet frames (1/15 s) are more than the gap: two intervals
    x = _quiet()
    x[100:105] += 1.0
    x[107:112] += 1.0
    assert _bounds(spot(x, FPS)) == [(100, 104), (107, 111)]


def test_min_sigma_floors_the_noise_level():
    """A still face (noise 1e-4) with a 0.01 twitch: 0.01 is about 70 sigma of its own noise, a spot; with the
    noise level floored at min_sigma = 0.05 the threshold is 4 x 0.05 = 0.2 and the twitch is nothing."""
    x = _quiet(noise=1e-4)
    x[150:156] += 0.01
    assert _bounds(spot(x, FPS)) == [(150, 155)]
    assert spot(x, FPS, min_sigma=0.05) == []


def test_a_single_frame_is_a_glitch_even_when_it_lasts_min_dur():
    """At 25 fps or less one frame lasts min_dur (1/25 s) or longer, yet an interval needs two frames."""
    for fps in (25.0, 20.0):
        x = _quiet()
        x[150] += 1.0
        assert spot(x, fps) == [], fps
        x[151] += 1.0  # two frames: an interval
        assert _bounds(spot(x, fps)) == [(150, 151)], fps


def test_widening_stops_below_one_sigma_above_the_median():
    """The extent is widened over the frames above max(median + 1 sigma, median + fall x peak height). With the
    noise level set to 0.1 (min_sigma; the background's own is 1e-4) and a peak of 0.6 (6 sigma, over the
    threshold of 4), fall x peak = 0.06 < 1 sigma: shoulders at 0.08 stay out, shoulders at 0.12 come in."""
    x = _quiet(noise=1e-4)
    x[100:105] += 0.6
    x[97:100] += 0.08
    x[105:108] += 0.08
    assert _bounds(spot(x, FPS, min_sigma=0.1)) == [(100, 104)]
    x[97:100] += 0.04
    x[105:108] += 0.04
    assert _bounds(spot(x, FPS, min_sigma=0.1)) == [(97, 107)]
