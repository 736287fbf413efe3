"""The still face that all synthetic motion starts from: scikit-image's astronaut photograph.

`skimage.data.astronaut()` is the NASA portrait of astronaut Eileen Collins (public domain; it ships inside the
scikit-image wheel, so nothing is downloaded). We cut out the head and shoulders with a soft mask and place them
on a plain background, then find the 468 landmarks once with Face Mesh.
"""

from __future__ import annotations

import cv2
import numpy as np

from merstudio.errors import InputError

# Head + shoulders in the 512x512 original (x0, y0, x1, y1) and the soft cut-out inside that crop:
# an ellipse around head and hair, the neck, and a wide ellipse for the suit's neck ring and shoulders.
_CROP = (80, 0, 400, 320)
_HEAD = ((146, 102), (80, 96))  # centre, semi-axes in crop pixels
_NECK = ((105, 140), (190, 240))  # x0, y0, x1, y1
_RING = ((130, 218), (98, 66))  # the suit's neck ring
_BODY = ((150, 335), (135, 140))
BACKGROUND = (200, 196, 192)  # plain light grey, close to the photo backdrop so the soft edge stays quiet


def astronaut_cutout() -> tuple[np.ndarray, np.ndarray]:
    """The head-and-shoulders crop (320x320 RGB uint8) and its soft alpha mask (float32 0..1)."""
    from skimage import data

    crop = data.astronaut()[_CROP[1] : _CROP[3], _CROP[0] : _CROP[2]].copy()
    alpha = np.zeros(crop.shape[:2], np.float32)
    for centre, axes in (_HEAD, _RING, _BODY):
        cv2.ellipse(alpha, centre, axes, 0, 0, 360, 1.0, thickness=-1)
    cv2.rectangle(alpha, _NECK[0], _NECK[1], 1.0, thickness=-1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 4.0)
    return crop, alpha


def compose(
    face: np.ndarray,
    alpha: np.ndarray,
    size: tuple[int, int],
    centre: tuple[float, float],
    scale: float,
    background: tuple[int, int, int] | np.ndarray = BACKGROUND,
) -> tuple[np.ndarray, np.ndarray]:
    """Place `face` (scaled by `scale`, its centre at `centre`) on a (w, h) = `size` canvas.

    `background` is an RGB triple or an (h, w, 3) image. Returns (RGB canvas, 2x3 matrix crop -> canvas),
    so that landmarks found on the crop can be carried over."""
    w, h = size
    fh, fw = face.shape[:2]
    m = np.array(
        [[scale, 0.0, centre[0] - scale * fw / 2.0], [0.0, scale, centre[1] - scale * fh / 2.0]], np.float64
    )
    fg = cv2.warpAffine(face, m, (w, h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    a = cv2.warpAffine(alpha, m, (w, h), flags=cv2.INTER_LINEAR)[..., None]
    if isinstance(background, np.ndarray) and background.ndim == 3:
        bg = background.astype(np.float32)
    else:
        bg = np.empty((h, w, 3), np.float32)
        bg[:] = np.asarray(background, np.float32)
    out = fg.astype(np.float32) * a + bg * (1.0 - a)
    return np.clip(out, 0, 255).round().astype(np.uint8), m


def detect_landmarks(rgb: np.ndarray, what: str = "synthetic face") -> np.ndarray:
    """(468, 2) float64 landmarks of the single face in `rgb` (Face Mesh, static mode)."""
    from merstudio.face.detector import FaceMeshDetector

    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(rgb)
    if not faces:
        raise InputError(f"{what}: Face Mesh found no face in the still image")
    return faces[0].landmarks.astype(np.float64)

