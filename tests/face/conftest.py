"""Scenes for the face tests: the public-domain astronaut face (NASA, in scikit-image) and a different person (a
face from scikit-image's LFW subset), pasted into 640x480 frames at chosen places."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

W, H, BG = 640, 480, 90


@pytest.fixture(scope="session")
def face_a() -> np.ndarray:
    """The astronaut's head and shoulders, 247x286 RGB (face about 120 px wide)."""
    from skimage import data

    return cv2.resize(data.astronaut()[20:240, 130:320], None, fx=1.3, fy=1.3, interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="session")
def face_big() -> np.ndarray:
    """The same crop larger, 361x418 (eye distance about 80 px, as in the demo clip), for the alignment tests."""
    from skimage import data

    return cv2.resize(data.astronaut()[20:240, 130:320], None, fx=1.9, fy=1.9, interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="session")
def face_other() -> np.ndarray:
    """Another person (LFW subset image 0, 25x25 grey), upscaled to the astronaut crop's width."""
    from skimage import data

    img = (data.lfw_subset()[0] * 255).round().astype(np.uint8)
    img = cv2.resize(img, (230, 230), interpolation=cv2.INTER_CUBIC)
    return np.repeat(img[:, :, None], 3, axis=2)


def paste(frame: np.ndarray, img: np.ndarray, x: int, y: int) -> None:
    """Paste img with its top-left corner at (x, y); parts outside the frame are cut off."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x1 > x0 and y1 > y0:
        frame[y0:y1, x0:x1] = img[y0 - y:y1 - y, x0 - x:x1 - x]


@pytest.fixture(scope="session")
def compose() -> Callable[..., np.ndarray]:
    """compose([(img, x, y), ...]) -> a grey 640x480 RGB frame with the images pasted in."""

    def _compose(placements: list[tuple[np.ndarray, int, int]]) -> np.ndarray:
        frame = np.full((H, W, 3), BG, np.uint8)
        for img, x, y in placements:
            paste(frame, img, int(round(x)), int(round(y)))
        return frame

    return _compose


@pytest.fixture(scope="session")
def still_detector():
    """A static-mode Face Mesh (each image on its own), shared by the tests."""
    from merstudio.face.detector import FaceMeshDetector

    det = FaceMeshDetector(max_faces=2, video_mode=False)
    yield det
    det.close()
