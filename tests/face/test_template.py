"""The stored canonical mean shape: its provenance (rebuilt from the astronaut) and its properties."""

from __future__ import annotations

import numpy as np

from merstudio.face import landmarks as L
from merstudio.face.template import MIDLINE, build_mean_shape, frontalise, mean_shape


def test_stored_shape_matches_a_rebuild() -> None:
    stored, rebuilt = mean_shape(), build_mean_shape()
    assert stored.shape == rebuilt.shape == (468, 2)
    # float16 storage; MediaPipe builds may differ slightly: 0.01 eye distances is 0.4 px in a 128 crop.
    assert np.abs(stored - rebuilt).max() < 0.01


def test_shape_is_normalised_frontal_and_symmetric() -> None:
    s = mean_shape()
    np.testing.assert_allclose(s[list(L.STABLE_POINTS)].mean(axis=0), 0.0, atol=2e-3)
    right = (s[L.R_EYE_OUTER] + s[L.R_EYE_INNER]) / 2
    left = (s[L.L_EYE_OUTER] + s[L.L_EYE_INNER]) / 2
    assert abs(np.linalg.norm(left - right) - 1.0) < 2e-3
    assert np.abs(s[list(MIDLINE), 0]).max() < 1e-3
    assert s[L.FOREHEAD, 1] < s[L.NOSE_BRIDGE, 1] < s[L.NOSE_TIP, 1] < s[L.CHIN, 1]  # upright (y down)
    assert s[L.R_EYE_OUTER, 0] < 0 < s[L.L_EYE_OUTER, 0]  # subject's right on the image's left


def test_frontalise_undoes_a_head_rotation() -> None:
    """A symmetric 3-D face, turned and tilted, frontalises back to itself, with the right mirror partners."""
    s = mean_shape()
    # Symmetric depth, curved along the midline too (as a real profile is): cheeks and chin further away.
    face = np.column_stack([s, 0.4 * s[:, 0] ** 2 + 0.3 * s[:, 1] ** 2])
    a, b = np.radians(25), np.radians(-10)  # turn (yaw), then tilt (roll)
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rz = np.array([[np.cos(b), -np.sin(b), 0], [np.sin(b), np.cos(b), 0], [0, 0, 1]])
    q0, partner = frontalise(face)
    q1, _ = frontalise(face @ (rz @ ry).T * 80 + (300, 200, 0))
    np.testing.assert_allclose(q1 / 80, q0, atol=1e-6)
    # Left/right is untouched by the pitch (which frontalise defines by the forehead-chin line).
    np.testing.assert_allclose(q0[:, 0], s[:, 0], atol=2e-3)
    np.testing.assert_array_equal(partner[partner], np.arange(468))
    for r, left in [(L.R_EYE_OUTER, L.L_EYE_OUTER), (L.R_MOUTH_CORNER, L.L_MOUTH_CORNER), (L.R_BROW_INNER, L.L_BROW_INNER)]:
        assert partner[r] == left
