from __future__ import annotations

import cv2
import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face import landmarks as L
from merstudio.synth import warps as W


def _dot_image(shape: tuple[int, int], centre: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    g = np.exp(-((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2) / (2 * sigma**2))
    return np.repeat((40 + 200 * g).round().astype(np.uint8)[..., None], 3, axis=2)


def _centroid(img: np.ndarray, near: np.ndarray, r: int = 8) -> np.ndarray:
    x0, y0 = int(near[0]) - r, int(near[1]) - r
    patch = img[y0 : y0 + 2 * r + 1, x0 : x0 + 2 * r + 1, 0].astype(np.float64) - 40.0
    patch = np.clip(patch, 0, None)
    ys, xs = np.mgrid[0 : patch.shape[0], 0 : patch.shape[1]]
    return np.array([(xs * patch).sum() / patch.sum() + x0, (ys * patch).sum() / patch.sum() + y0])


def _face_components(vec: np.ndarray, lm: np.ndarray, side: str) -> tuple[float, float]:
    """(out, up) components of a displacement in the face frame; `side` 'R'/'L' = subject's right/left."""
    ff = W.face_frame(lm)
    out_axis = -ff.right if side == "R" else ff.right
    return float(vec @ out_axis), float(vec @ ff.up)


def test_zero_amplitude_is_identity(astronaut):
    img, lm = astronaut
    d = W.au_displacement(lm, img.shape, {au: 0.0 for au in W.SUPPORTED_AUS})
    assert d.shape == (*img.shape[:2], 2) and d.dtype == np.float32
    assert not np.any(d)
    assert np.array_equal(W.warp(img, d), img)
    assert np.array_equal(W.blink(img, lm, 0.0), img)


def test_warp_moves_points_by_the_displacement():
    img = _dot_image((60, 80), np.array([40.0, 30.0]))
    d = np.zeros((60, 80, 2), np.float32)
    d[..., 0], d[..., 1] = 3.0, -2.0
    moved = _centroid(W.warp(img, d), np.array([43, 28]))
    np.testing.assert_allclose(moved, [43.0, 28.0], atol=0.05)


def test_mouth_corner_dot_moves_by_au12_vector(astronaut):
    img, lm = astronaut
    corner = lm[L.R_MOUTH_CORNER]
    dot = _dot_image(img.shape[:2], corner)
    d = W.au_displacement(lm, img.shape, {12: 1.0})
    moved = _centroid(W.warp(dot, d), corner) - _centroid(dot, corner)
    expected = d[int(round(corner[1])), int(round(corner[0]))]
    np.testing.assert_allclose(moved, expected, atol=0.15)
    # Documented: up 0.6 and out 0.8 units, magnitude one unit (4 % of the inter-ocular distance).
    unit = W.AU_UNIT * W.face_frame(lm).iod
    out, up = _face_components(moved, lm, "R")
    assert out == pytest.approx(0.8 * unit, rel=0.2)
    assert up == pytest.approx(0.6 * unit, rel=0.2)


# (AU, landmark, side, expected sign of (out, up) component; 0 = not checked)
DIRECTIONS = [
    (1, L.R_BROW_INNER, "R", (0, +1)),
    (2, L.L_BROW_OUTER, "L", (0, +1)),
    (4, L.R_BROW_INNER, "R", (-1, -1)),
    (4, L.L_BROW_INNER, "L", (-1, -1)),
    (5, L.R_EYE_UPPER, "R", (0, +1)),
    (6, 50, "R", (0, +1)),
    (7, L.L_EYE_LOWER, "L", (0, +1)),
    (7, L.L_EYE_UPPER, "L", (0, -1)),
    (9, L.R_NOSE_WING, "R", (0, +1)),
    (10, L.UPPER_LIP_OUTER, "R", (0, +1)),
    (12, L.L_MOUTH_CORNER, "L", (+1, +1)),
    (14, L.L_MOUTH_CORNER, "L", (-1, 0)),
    (15, L.R_MOUTH_CORNER, "R", (0, -1)),
    (17, L.CHIN_BOSS, "R", (0, +1)),
]


@pytest.mark.parametrize("au,idx,side,signs", DIRECTIONS)
def test_au_directions_at_landmarks(astronaut, au, idx, side, signs):
    img, lm = astronaut
    d = W.au_displacement(lm, img.shape, {au: 1.0})
    x, y = lm[idx]
    vec = cv2.remap(d, np.float32([[x]]), np.float32([[y]]), cv2.INTER_LINEAR)[0, 0]
    unit = W.AU_UNIT * W.face_frame(lm).iod
    comps = _face_components(vec, lm, side)
    for s, c in zip(signs, comps, strict=True):
        if s:
            assert s * c > 0.2 * unit, (au, comps, unit)


def test_stable_points_do_not_move(astronaut):
    img, lm = astronaut
    for au in W.SUPPORTED_AUS:
        d = W.au_displacement(lm, img.shape, {au: 1.0})
        pts = lm[list(L.STABLE_POINTS)]
        vec = d[np.round(pts[:, 1]).astype(int), np.round(pts[:, 0]).astype(int)]
        assert np.abs(vec).max() < 0.1, au
        assert np.abs(d).max() > 0.5 * W.AU_UNIT * W.face_frame(lm).iod, au


def test_linear_in_amplitude_and_additive(astronaut):
    img, lm = astronaut
    d1 = W.au_displacement(lm, img.shape, {12: 1.0})
    np.testing.assert_allclose(W.au_displacement(lm, img.shape, {12: 2.5}), 2.5 * d1, atol=1e-4)
    d4 = W.au_displacement(lm, img.shape, {4: 1.0})
    np.testing.assert_allclose(W.au_displacement(lm, img.shape, {12: 1.0, 4: 1.0}), d1 + d4, atol=1e-5)


def test_directions_follow_head_rotation(astronaut):
    img, lm = astronaut
    c = W.face_frame(lm).centre
    m = W.similarity_matrix(c, 0, 0, 30.0, 1.0)
    lm_r = W.transform_points(lm, m)
    corner, corner_r = lm[L.R_MOUTH_CORNER], lm_r[L.R_MOUTH_CORNER]
    v = W.au_displacement(lm, img.shape, {12: 1.0})[int(round(corner[1])), int(round(corner[0]))]
    v_r = W.au_displacement(lm_r, img.shape, {12: 1.0})[int(round(corner_r[1])), int(round(corner_r[0]))]
    np.testing.assert_allclose(m[:, :2] @ v, v_r, atol=0.1)


def _min_jacobian(d: np.ndarray) -> float:
    dxx, dxy = np.gradient(d[..., 0], axis=1), np.gradient(d[..., 0], axis=0)
    dyx, dyy = np.gradient(d[..., 1], axis=1), np.gradient(d[..., 1], axis=0)
    return float(((1 + dxx) * (1 + dyy) - dxy * dyx).min())


def test_fields_stay_fold_free(astronaut):
    img, lm = astronaut
    for au in W.SUPPORTED_AUS:
        assert _min_jacobian(W.au_displacement(lm, img.shape, {au: 1.5})) > 0.1, au
    # all AUs at once compress the lower face most (0.28 on the refined mesh): far from a fold (<= 0)
    assert _min_jacobian(W.au_displacement(lm, img.shape, {au: 1.0 for au in W.SUPPORTED_AUS})) > 0.25
    assert _min_jacobian(W.blink_displacement(lm, img.shape, 1.0)) > 0.0


def test_blink_closes_the_eye(astronaut):
    img, lm = astronaut
    ff = W.face_frame(lm)
    upper, lower = lm[L.R_EYE_UPPER], lm[L.R_EYE_LOWER]
    opening = float((upper - lower) @ ff.up)
    d = W.blink_displacement(lm, img.shape, 1.0)
    du = d[int(round(upper[1])), int(round(upper[0]))] @ ff.up
    dl = d[int(round(lower[1])), int(round(lower[0]))] @ ff.up
    # Upper lid travels down ~80 %, lower lid up ~20 % of the opening: the lids meet.
    assert du == pytest.approx(-0.8 * opening, rel=0.25)
    assert dl == pytest.approx(0.2 * opening, rel=0.5)
    np.testing.assert_allclose(W.blink_displacement(lm, img.shape, 0.5), 0.5 * d, atol=1e-3)
    # Rendering: a dot on the skin just above the upper lid travels by the forward field.
    p = upper + 4.0 * ff.up
    dot = _dot_image(img.shape[:2], p)
    vec = d[int(round(p[1])), int(round(p[0]))]
    moved = _centroid(W.blink(dot, lm, 1.0), p + vec) - _centroid(dot, p)
    np.testing.assert_allclose(moved, vec, atol=0.3)
    # The dark iris is covered: most dark pixels of the eye box are gone (the lash line remains).
    x0, y0 = np.floor(lm[[L.R_EYE_OUTER, L.R_EYE_UPPER]].min(axis=0)).astype(int)
    x1, y1 = np.ceil(lm[[L.R_EYE_INNER, L.R_EYE_LOWER]].max(axis=0)).astype(int)
    closed = W.blink(img, lm, 1.0)
    dark_open = (img[y0:y1, x0:x1].mean(axis=2) < 60).sum()
    dark_closed = (closed[y0:y1, x0:x1].mean(axis=2) < 60).sum()
    assert dark_open > 30 and dark_closed < 0.5 * dark_open


def test_head_motion_and_transform_points_agree():
    img = _dot_image((120, 160), np.array([100.0, 40.0]))
    centre = (80.0, 60.0)
    m = W.similarity_matrix(centre, 4.0, -3.0, 12.0, 1.1)
    moved = W.head_motion(img, 4.0, -3.0, 12.0, 1.1, centre=centre)
    expect = W.transform_points(np.array([[100.0, 40.0]]), m)[0]
    np.testing.assert_allclose(_centroid(moved, expect), expect, atol=0.1)
    # Identity parameters leave the image unchanged.
    assert np.array_equal(W.head_motion(img, 0, 0, 0, 1.0, centre=centre), img)


def test_lighting_flicker_and_noise():
    img = np.full((10, 20, 3), 100, np.uint8)
    assert np.array_equal(W.lighting(img), img)
    assert W.lighting(img, gain=1.2)[0, 0, 0] == 120
    grad = W.lighting(img, gradient=0.2)
    assert grad[0, 0, 0] < 100 < grad[0, -1, 0]
    gains = [W.flicker_gain(f, 30.0, start=10, length=8, depth=0.2, hz=7.5) for f in range(25)]
    assert all(g == 1.0 for g in gains[:10] + gains[18:])
    assert set(gains[10:18]) == {1.0, 0.8}
    rng = np.random.default_rng(0)
    noisy = W.sensor_noise(img, 2.0, rng)
    assert 1.5 < noisy.astype(float).std() < 2.5
    assert np.array_equal(noisy, W.sensor_noise(img, 2.0, np.random.default_rng(0)))


def test_bad_input_raises_input_error(astronaut):
    img, lm = astronaut
    with pytest.raises(InputError, match="landmarks"):
        W.au_displacement(lm[:100], img.shape, {12: 1.0})
    with pytest.raises(InputError, match="AU3"):
        W.au_displacement(lm, img.shape, {3: 1.0})
    with pytest.raises(InputError, match="displacement"):
        W.warp(img, np.zeros((5, 5, 2), np.float32))
    with pytest.raises(InputError, match="scale"):
        W.head_motion(img, 0, 0, 0, 0.0)
