"""The micro-motion lane: brief local movements of a real face (the NASA portrait warped by merstudio.synth, a
module that knows nothing of the flow reader) are seen in their own region, at their own time; held
expressions, gaps and head turns do not leave a stale baseline behind."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.features.micromotion import MicroMotionEstimator
from merstudio.synth import warps as W


def _frames(face, schedule: list[dict[int, float]], seed: int = 0) -> list[np.ndarray]:
    crop, lm = face
    rng = np.random.default_rng(seed)
    out = []
    for aus in schedule:
        img = W.warp(crop, W.au_displacement(lm, crop.shape[:2], aus)) if aus else crop
        out.append(W.sensor_noise(img, 1.5, rng))
    return out


def _run(align_frames, frames, fps=30.0, **kw):
    est = MicroMotionEstimator(fps=fps, **kw)
    return [est.update(0, i, af.image, af.landmarks) for i, af in enumerate(align_frames(frames))]


@pytest.mark.parametrize("au,region,quiet", [(12, "mouth", "brows"), (4, "brows", "mouth"), (1, "brows", "chin")])
def test_a_brief_local_movement_shows_in_its_region(face, align_frames, au, region, quiet):
    # 20 still frames, a 7-frame (0.23 s) movement up and back, 13 still frames.
    ramp = [0.0, 0.5, 1.0, 1.5, 1.0, 0.5, 0.0]
    schedule = [{}] * 20 + [{au: 2.0 * a} for a in ramp] + [{}] * 13
    mm = _run(align_frames, _frames(face, schedule))
    sig = np.array([m.regions[region] for m in mm])
    other = np.array([m.regions[quiet] for m in mm])
    motion = np.array([m.motion for m in mm])
    assert np.isnan(sig[:6]).all()  # no baseline during the first lag (0.2 s)
    still = np.nanmax(sig[6:20])
    peak = int(np.nanargmax(sig))
    assert 20 <= peak <= 20 + len(ramp) + 6, peak  # during the movement (or within one lag after it)
    assert np.nanmax(sig) > max(4 * still, 0.5)
    assert np.nanmax(other[20:34]) < 0.5 * np.nanmax(sig)
    assert np.nanargmax(motion) in range(20, 20 + len(ramp) + 7)


def test_a_held_expression_leaves_the_baseline_within_half_a_second(face, align_frames):
    schedule = [{}] * 10 + [{12: 2.0}] * 40
    mm = _run(align_frames, _frames(face, schedule, seed=1))
    mouth = np.array([m.regions["mouth"] for m in mm])
    still = np.nanmax(mouth[6:10])
    assert np.nanmax(mouth[10:20]) > 4 * still  # the onset is seen ...
    late = mouth[10 + 15:]  # ... and 0.5 s into the held smile the lane is back to still-face levels
    assert np.nanmax(late) < 0.35 * np.nanmax(mouth[10:20])


def test_gaps_and_seeks_restart_the_baseline(face, align_frames):
    afs = align_frames(_frames(face, [{}] * 12))
    est = MicroMotionEstimator(fps=30.0)
    for i, af in enumerate(afs[:8]):
        est.update(0, i, af.image, af.landmarks)
    # The face returns 100 frames later: no baseline until a full lag has passed again (no comparison to a
    # frame from before the gap, which is where the old estimator's scores exploded).
    after = [est.update(0, 100 + i, af.image, af.landmarks) for i, af in enumerate(afs[8:12])]
    assert all(np.isnan(m.motion) for m in after)
    # A backwards seek clears the history too.
    back = est.update(0, 50, afs[0].image, afs[0].landmarks)
    assert np.isnan(back.motion)


def test_head_turns_and_blinks_are_excluded(face, align_frames):
    afs = align_frames(_frames(face, [{}] * 10, seed=2))
    est = MicroMotionEstimator(fps=30.0)
    poses = [(0.0, 0.0, 0.0)] * 6 + [(0.0, np.radians(8.0), 0.0)] * 4  # 8 degrees of yaw within 0.2 s
    out = [est.update(0, i, af.image, af.landmarks, blink=0.0, pose=p)
           for i, (af, p) in enumerate(zip(afs, poses, strict=True))]
    assert out[6].head_turn and np.isnan(out[6].motion)
    est2 = MicroMotionEstimator(fps=30.0)
    out2 = [est2.update(0, i, af.image, af.landmarks, blink=0.9 if i == 7 else 0.0) for i, af in enumerate(afs)]
    assert out2[7].blink and np.isnan(out2[7].regions["eyes"]) and np.isfinite(out2[7].motion)


def test_bad_fps_is_refused():
    from merstudio.errors import InputError

    with pytest.raises(InputError):
        MicroMotionEstimator(fps=0)
