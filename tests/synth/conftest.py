"""Shared fixtures for the synthetic-motion tests: the public-domain astronaut face and its landmarks."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def astronaut() -> tuple[np.ndarray, np.ndarray]:
    """(RGB image, (468, 2) landmarks) of skimage's astronaut (NASA, public domain), found by Face Mesh."""
    import cv2
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    img = data.astronaut()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(img)
    assert len(faces) == 1
    # The head, doubled (inter-ocular distance ~86 px, as in the demo clip); cv2.resize maps x -> 2x + 0.5.
    crop = cv2.resize(img[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    lm = (faces[0].landmarks.astype(np.float64) - (100.0, 0.0)) * 2.0 + 0.5
    return crop, lm
