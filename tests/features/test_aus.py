"""AU activations on known synthetic warps of a real face, through the real detector and aligner.

Each case: three neutral frames (sensor noise differs), then one frame with a known change. The first frame is the
track's reference. Expected reactions follow the direction rules of docs/aus.md; the warps come from
merstudio.synth.warps (their amplitude 1.0 = 0.04 inter-ocular distances, i.e. one of our intensity units).
"""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.features.aus import (
    AUS,
    PRESENCE_ON,
    AUActivation,
    AUEstimator,
    au_c,
    au_columns,
    au_r,
)
from merstudio.synth import warps as W

NEAR_ZERO = 0.3  # unrelated AUs must stay below this (presence switches on at PRESENCE_ON = 0.5)


def _last_activation(face, align_frames, changed: np.ndarray, seed: int = 0) -> AUActivation:
    crop, _ = face
    rng = np.random.default_rng(seed)
    frames = [W.sensor_noise(crop, 1.0, rng) for _ in range(3)] + [W.sensor_noise(changed, 1.0, rng)]
    est = AUEstimator()
    acts = [est.update(7, af) for af in align_frames(frames)]
    assert all(v == 0.0 for v in acts[0].intensity.values())  # the reference frame itself
    return acts[-1]


def _au_frame(face, aus: dict[int, float]) -> np.ndarray:
    crop, lm = face
    return W.warp(crop, W.au_displacement(lm, crop.shape, aus))


@pytest.mark.parametrize(
    ("aus", "expected"),
    [
        ({12: 2.0}, {12}),  # mouth corners up and out
        ({1: 2.0, 2: 2.0}, {1, 2}),  # brow raise
        ({4: 2.0}, {4}),  # brow lowerer
        ({15: 2.0}, {15}),  # mouth corners down
        ({17: 2.0}, {17}),  # chin boss up
        ({10: 2.0}, {10}),  # upper lip up
    ],
    ids=["AU12", "AU1+2", "AU4", "AU15", "AU17", "AU10"],
)
def test_au_warp_raises_its_aus_only(face, align_frames, aus, expected):
    act = _last_activation(face, align_frames, _au_frame(face, aus))
    for a in expected:
        assert act.intensity[a] >= PRESENCE_ON, f"AU{a} too weak: {act.intensity}"
        assert act.presence[a] == 1
    for a in set(AUS) - expected:
        assert act.intensity[a] < NEAR_ZERO, f"AU{a} rose on {aus}: {act.intensity}"
        assert act.presence[a] == 0
    assert act.motion > 0.1


def test_intensity_grows_with_amplitude(face, align_frames):
    vals = [_last_activation(face, align_frames, _au_frame(face, {12: amp})).intensity[12] for amp in (1.0, 2.0, 4.0)]
    assert vals[0] > 0.2
    assert vals[0] < vals[1] < vals[2]
    # Roughly linear: doubling the movement roughly doubles the reading.
    assert 1.5 < vals[2] / vals[1] < 2.6


def test_opposite_movements_do_not_cross(face, align_frames):
    """Corners down is AU15, not AU12; brows down is AU4, not AU1/2 (sign of the direction rules)."""
    down = _last_activation(face, align_frames, _au_frame(face, {12: -2.0}))
    assert down.intensity[12] == 0.0
    lowered = _last_activation(face, align_frames, _au_frame(face, {1: -2.0, 2: -2.0}))
    assert lowered.intensity[1] == 0.0 and lowered.intensity[2] == 0.0
    assert lowered.intensity[4] > 0.3


@pytest.mark.parametrize(
    "change",
    [
        dict(dx=10.0, dy=-6.0),
        dict(angle=8.0),
        dict(scale=1.1),
        dict(dx=6.0, dy=4.0, angle=-6.0, scale=0.92),
        dict(gain=1.4),
        dict(gain=0.65),
        dict(gradient=0.35),
    ],
    ids=["translate", "rotate", "scale", "combined", "brighter", "darker", "side-light"],
)
def test_head_motion_and_lighting_raise_no_au(face, align_frames, change):
    crop, lm = face
    img = crop
    if {"dx", "dy", "angle", "scale"} & change.keys():
        img = W.head_motion(crop, change.get("dx", 0.0), change.get("dy", 0.0), change.get("angle", 0.0),
                            change.get("scale", 1.0), centre=W.face_frame(lm).centre)
    if {"gain", "gradient"} & change.keys():
        img = W.lighting(img, change.get("gain", 1.0), 0.0, change.get("gradient", 0.0))
    act = _last_activation(face, align_frames, img)
    assert max(act.intensity.values()) < NEAR_ZERO, act.intensity
    assert not any(act.presence.values())
    assert act.motion < 0.3


def test_same_warp_under_head_motion_still_reads(face, align_frames):
    """AU12 on a moved, rotated head reads about as on the still head: the alignment + rigid residual removal
    take out the head, not the expression."""
    crop, lm = face
    still = _last_activation(face, align_frames, _au_frame(face, {12: 2.0})).intensity[12]
    moved_img = W.head_motion(_au_frame(face, {12: 2.0}), 8.0, -5.0, 6.0, 1.05, centre=W.face_frame(lm).centre)
    moved = _last_activation(face, align_frames, moved_img)
    assert moved.intensity[12] == pytest.approx(still, abs=0.35)
    assert max(v for a, v in moved.intensity.items() if a != 12) < NEAR_ZERO


def test_columns_and_names():
    assert au_r(1) == "AU01_r" and au_c(17) == "AU17_c"
    cols = au_columns()
    assert cols[: len(AUS)] == [f"AU{a:02d}_r" for a in AUS]
    assert cols[len(AUS):] == [f"AU{a:02d}_c" for a in AUS]
    assert au_columns("c", (4,)) == ["AU04_c"]
    with pytest.raises(InputError):
        au_columns("x")


def test_bad_input(aligned_face):
    est = AUEstimator()
    with pytest.raises(InputError):
        AUEstimator(flow="nope")
    with pytest.raises(InputError):
        AUEstimator(fps=0)

    class Bad:
        image = np.zeros((128, 128), np.uint8)
        landmarks = np.zeros((10, 2))

    with pytest.raises(InputError):
        est.update(0, Bad())
