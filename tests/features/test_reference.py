"""The per-track reference (neutral baseline) policy, on sequences warped directly in the aligned face (fast: no
detector), with the landmarks moved by the same displacement as Face Mesh would follow them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from merstudio.features.aus import AUS, AUEstimator
from merstudio.synth import warps as W

QUIET = 0.3


def _frames(aligned_face, plan: list[tuple[dict[int, float], float]], seed: int = 0) -> list:
    """One aligned frame per (aus, lighting gain) entry of `plan`, with fresh sensor noise each."""
    rng = np.random.default_rng(seed)
    base, lm = aligned_face.image, aligned_face.landmarks.astype(np.float64)
    cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    out = []
    for aus, gain in plan:
        key = tuple(sorted(aus.items()))
        if key not in cache:
            if aus:
                d = W.au_displacement(lm, base.shape, aus)
                ix = np.clip(np.round(lm).astype(int), 0, base.shape[0] - 1)
                cache[key] = (W.warp(base, d), lm + d[ix[:, 1], ix[:, 0]])
            else:
                cache[key] = (base, lm)
        img, pts = cache[key]
        img = W.sensor_noise(W.lighting(img, gain) if gain != 1.0 else img, 1.0, rng)
        out.append(dataclasses.replace(aligned_face, image=img, landmarks=pts.astype(np.float32)))
    return out


def _run(est: AUEstimator, frames: list) -> list:
    return [est.update(1, f) for f in frames]


def test_held_expression_does_not_become_the_baseline(aligned_face):
    # 5 s of neutral history, then a smile held perfectly still for 2.5 s (longer than the stillness window).
    plan = [({}, 1.0)] * 150 + [({12: 3.0}, 1.0)] * 75 + [({}, 1.0)] * 45
    acts = _run(AUEstimator(fps=30), _frames(aligned_face, plan))
    held = [a.intensity[12] for a in acts[150:225]]
    assert held[0] > 0.8
    assert min(held) > 0.7 * held[0], "the smile was absorbed into the reference"
    for a in acts[-15:]:
        assert max(a.intensity.values()) < QUIET, a.intensity


def test_track_that_starts_mid_expression_recovers(aligned_face):
    plan = [({12: 3.0}, 1.0)] * 20 + [({}, 1.0)] * 130
    acts = _run(AUEstimator(fps=30), _frames(aligned_face, plan, seed=1))
    # Relaxing from the smile reference first reads as corners moving down/in (AU15 or AU14) ...
    assert max(acts[21].intensity[15], acts[21].intensity[14]) > QUIET
    # ... until the neutral face, typical of the track, becomes the reference.
    for a in acts[-20:]:
        assert max(a.intensity.values()) < QUIET, a.intensity
    assert acts[-1].reference_age < 110


def test_lighting_drift_raises_no_au(aligned_face):
    gains = np.linspace(1.0, 0.55, 150)
    acts = _run(AUEstimator(fps=30), _frames(aligned_face, [({}, float(g)) for g in gains], seed=2))
    worst = max(max(a.intensity.values()) for a in acts)
    assert worst < QUIET


def test_fixed_reference_is_kept(aligned_face):
    frames = _frames(aligned_face, [({}, 1.0)] * 40 + [({4: 2.0}, 1.0)] * 3)
    est = AUEstimator(fps=30, auto_reference=False)
    est.set_reference(3, frames[0])
    acts = [est.update(3, f) for f in frames[1:]]
    assert [a.reference_age for a in acts] == list(range(1, len(frames)))
    assert acts[-1].intensity[4] > 0.5 and acts[-1].presence[4] == 1
    # A per-person baseline taken from an expression: the neutral face then reads as the opposite movement.
    est.set_reference(3, frames[-1])
    assert est.update(3, frames[1]).intensity[4] == pytest.approx(0.0, abs=0.05)


def test_auto_reference_refreshes_when_still_and_neutral(aligned_face):
    acts = _run(AUEstimator(fps=30, still_s=0.5), _frames(aligned_face, [({}, 1.0)] * 60, seed=3))
    ages = [a.reference_age for a in acts]
    assert any(b < a for a, b in zip(ages, ages[1:], strict=False)), "a still neutral face kept its old reference"


def test_presence_hysteresis_and_tracks_are_independent(aligned_face):
    plan = [({}, 1.0)] * 5 + [({12: 2.5}, 1.0), ({12: 1.2}, 1.0), ({}, 1.0)]
    frames = _frames(aligned_face, plan, seed=4)
    est = AUEstimator(fps=30, auto_reference=False)
    acts = _run(est, frames)
    on, mid, off = acts[5], acts[6], acts[7]
    assert on.presence[12] == 1
    # Still above the off level: stays on even if below the on level.
    assert mid.intensity[12] > 0.3 and mid.presence[12] == 1
    assert off.presence[12] == 0
    other = est.update(2, frames[5])  # a new track: its first frame is its reference
    assert all(v == 0.0 for v in other.intensity.values()) and set(other.intensity) == set(AUS)
    est.forget(1)
    assert est.track_ids == [2]
