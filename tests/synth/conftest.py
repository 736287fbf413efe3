"""Shared fixtures for the synthetic-motion tests: the public-domain astronaut face and its landmarks."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def astronaut() -> tuple[np.ndarray, np.ndarray]:
    """(RGB image, (468, 2) landmarks) of skimage's astronaut (NASA, public domain), found by Face Mesh."""
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    img = data.astronaut()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(img)
    assert len(faces) == 1
    return img, faces[0].landmarks.astype(np.float64)
