"""Real faces with painted occluders: the public-domain NASA portrait (scikit-image's astronaut) and a surgical
mask or a skin-coloured patch drawn over its lower face from its own mesh."""

from __future__ import annotations

import cv2
import numpy as np

# The lower face as a surgical mask covers it: the nose bridge, the cheeks below the cheekbones, round the chin.
MASK_OUTLINE = (234, 227, 116, 117, 118, 119, 120, 121, 128, 245, 193, 168, 417, 465, 357, 350, 349, 348, 347, 346,
                447, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93)


def astronaut_face() -> np.ndarray:
    """The portrait's head, 600x600 RGB."""
    from skimage import data

    return cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)


def paint_mask(rgb: np.ndarray, landmarks: np.ndarray, colour=(170, 200, 215), seed: int = 0) -> np.ndarray:
    """A light-blue mask over the nose and mouth (a flat colour with a little sensor noise)."""
    out = rgb.copy()
    cv2.fillPoly(out, [np.round(landmarks[list(MASK_OUTLINE)]).astype(np.int32)], colour)
    noise = np.random.default_rng(seed).normal(0, 3, out.shape)
    return np.clip(out + noise, 0, 255).astype(np.uint8)


def paint_patch(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """An ellipse of the face's own cheek colour over the mouth and chin: a hand the hand detector could miss."""
    out = rgb.copy()
    iod = float(np.linalg.norm(landmarks[33] - landmarks[263]))
    cx, cy = landmarks[[61, 291, 0, 17]].mean(axis=0)
    x, y = np.round(landmarks[205]).astype(int)
    skin = np.median(rgb[y - 5:y + 5, x - 5:x + 5].reshape(-1, 3), axis=0)
    cv2.ellipse(out, (int(cx), int(cy + 0.1 * iod)), (int(0.9 * iod), int(0.45 * iod)), 0, 0, 360,
                tuple(int(v) for v in skin), -1)
    return out


def paint_sunglasses(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Two dark lenses over the eyes and a bridge between them (flat, nearly black, as dark glasses look)."""
    out = rgb.copy()
    iod = float(np.linalg.norm(landmarks[33] - landmarks[263]))
    for c in (landmarks[[33, 133, 159, 145]].mean(axis=0), landmarks[[263, 362, 386, 374]].mean(axis=0)):
        cv2.ellipse(out, (int(c[0]), int(c[1])), (int(0.32 * iod), int(0.22 * iod)), 0, 0, 360, (25, 25, 30), -1)
    cv2.line(out, tuple(int(v) for v in landmarks[133]), tuple(int(v) for v in landmarks[362]), (25, 25, 30),
             max(2, int(0.03 * iod)))
    return out
