"""Hand outlines against face regions (the geometry; MediaPipe Hands itself is Google's model)."""

from __future__ import annotations

import numpy as np

from merstudio.face.align import canonical_landmarks
from merstudio.face.occlusion import REGION_POINTS, covered_regions


def test_a_hand_over_the_mouth_covers_the_mouth_only():
    mesh = canonical_landmarks(256)
    mouth = mesh[list(REGION_POINTS["mouth"])]
    x0, y0 = mouth.min(axis=0) - 6
    x1, y1 = mouth.max(axis=0) + 6
    hand = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    cov = covered_regions([hand], mesh)
    assert cov["mouth"] == 1.0
    assert cov["eyes"] == 0.0 and cov["brows"] == 0.0


def test_no_hands_cover_nothing():
    assert set(covered_regions([], canonical_landmarks(256)).values()) == {0.0}
