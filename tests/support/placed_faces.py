"""Real faces put where a test wants them (the public-domain astronaut, faces of scikit-image's LFW subset), and the
track ids a FaceTracker gives a list of frames: the cut and cover tests of the tracker."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from merstudio.face.detector import FaceMeshDetector
from merstudio.face.tracker import FaceTracker

BOX = (220.0, 120.0, 420.0, 360.0)  # where the faces are put (landmark extent), in a 640x480 frame


def lfw_face(k: int) -> np.ndarray:
    """LFW subset face k (25x25 grey) upscaled, as tests/face/conftest's face_other (which is k = 0)."""
    from skimage import data

    img = (data.lfw_subset()[k] * 255).round().astype(np.uint8)
    img = cv2.resize(img, (230, 230), interpolation=cv2.INTER_CUBIC)
    return np.repeat(img[:, :, None], 3, axis=2)


def placed(det: FaceMeshDetector, img: np.ndarray, box: tuple[float, ...] = BOX,
           size: tuple[int, int] = (640, 480), onto: np.ndarray | None = None) -> np.ndarray:
    """A grey frame (or a copy of `onto`) with img scaled and moved so that its face's landmark box fits `box`."""
    faces = det.detect(img)
    assert faces, "test face not found"
    b, t = np.array(faces[0].bbox), np.array(box)
    s = ((t[2] - t[0]) / (b[2] - b[0]) + (t[3] - t[1]) / (b[3] - b[1])) / 2
    m = np.array([[s, 0, (t[0] + t[2]) / 2 - s * (b[0] + b[2]) / 2],
                  [0, s, (t[1] + t[3]) / 2 - s * (b[1] + b[3]) / 2]])
    out = np.full((size[1], size[0], 3), 90, np.uint8) if onto is None else onto.copy()
    return cv2.warpAffine(img, m, (out.shape[1], out.shape[0]), dst=out, borderMode=cv2.BORDER_TRANSPARENT)


def track_ids(frames: list[np.ndarray], **kw: Any) -> tuple[list[list[int]], dict]:
    """Each frame's track ids from a fresh FaceTracker(**kw), and its stats at the end."""
    with FaceTracker(**kw) as tracker:
        ids = [[f.track_id for f in tracker.update(i, rgb)] for i, rgb in enumerate(frames)]
        return ids, dict(tracker.stats)
