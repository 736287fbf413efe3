"""AU regions of the aligned (canonical) face, in normalised image coordinates, and their pooling weights.

The aligned face comes from merstudio.face.align (ALIGNED_SIZE 128): upright, eye centres at (0.33, 0.38) and
(0.67, 0.38). Measured on align.canonical_landmarks(): brows y 0.25-0.31 (inner ends x 0.42 / 0.58), glabella
(0.50, 0.26), eye corners x 0.25-0.41 / 0.59-0.75, nose tip (0.50, 0.56), nose wings x 0.38 / 0.62, cheeks
(0.27 / 0.73, 0.56), mouth corners (0.325 / 0.675, 0.68), lower lip y 0.77, chin boss y 0.885, chin y 0.95.
"right"/"left" are the subject's sides: the subject's right is on the image's left (small x). Boxes are generous
(alignment is not perfect and flow spreads beyond the moving skin). docs/model.md has the same table.
"""

from __future__ import annotations

import numpy as np

# name: (x0, y0, x1, y1) in [0, 1] x [0, 1] of the aligned face; the AUs each region is meant to see.
AU_REGIONS: dict[str, tuple[float, float, float, float]] = {
    "brow_inner": (0.36, 0.17, 0.64, 0.33),  # AU1, AU4 (glabella)
    "brow_right": (0.14, 0.17, 0.46, 0.34),  # AU1, AU2, AU4
    "brow_left": (0.54, 0.17, 0.86, 0.34),
    "eye_right": (0.20, 0.30, 0.46, 0.46),  # AU5, AU6, AU7
    "eye_left": (0.54, 0.30, 0.80, 0.46),
    "nose": (0.36, 0.38, 0.64, 0.62),  # AU9, AU10
    "cheek_right": (0.16, 0.44, 0.40, 0.66),  # AU6, AU12, AU14
    "cheek_left": (0.60, 0.44, 0.84, 0.66),
    "mouth_right": (0.22, 0.58, 0.50, 0.80),  # AU10, AU12, AU14, AU15
    "mouth_left": (0.50, 0.58, 0.78, 0.80),
    "chin": (0.34, 0.76, 0.66, 0.96),  # AU15, AU17
}

# Which regions carry evidence of which AU (documentation and the AU-region table in docs/model.md; the AU head
# itself sees all regions, so it can use context such as cheeks for AU12).
AU_REGION_MAP: dict[int, tuple[str, ...]] = {
    1: ("brow_inner", "brow_right", "brow_left"),
    2: ("brow_right", "brow_left"),
    4: ("brow_inner", "brow_right", "brow_left"),
    5: ("eye_right", "eye_left"),
    6: ("eye_right", "eye_left", "cheek_right", "cheek_left"),
    7: ("eye_right", "eye_left"),
    9: ("nose",),
    10: ("nose", "mouth_right", "mouth_left"),
    12: ("cheek_right", "cheek_left", "mouth_right", "mouth_left"),
    14: ("cheek_right", "cheek_left", "mouth_right", "mouth_left"),
    15: ("mouth_right", "mouth_left", "chin"),
    17: ("chin",),
}


Box = tuple[float, float, float, float]


def region_coverage(h: int, w: int, regions: dict[str, Box] | None = None) -> np.ndarray:
    """(R, h*w) float32: the fraction (0..1) of each cell of an h x w grid that each region covers."""
    regions = AU_REGIONS if regions is None else regions
    ys = np.arange(h + 1, dtype=np.float64) / h
    xs = np.arange(w + 1, dtype=np.float64) / w
    out = np.zeros((len(regions), h * w), dtype=np.float64)
    for r, (x0, y0, x1, y1) in enumerate(regions.values()):
        oy = np.clip(np.minimum(ys[1:], y1) - np.maximum(ys[:-1], y0), 0, None) * h
        ox = np.clip(np.minimum(xs[1:], x1) - np.maximum(xs[:-1], x0), 0, None) * w
        out[r] = np.outer(oy, ox).reshape(-1)
    return out.astype(np.float32)


def region_weights(h: int, w: int, regions: dict[str, Box] | None = None) -> np.ndarray:
    """(R, h*w) float32 pooling weights: region coverage with each row summing to 1.

    Pooling a feature map with these weights is an exact box average (fractional border cells included), so the
    same regions work at any feature resolution.
    """
    cover = region_coverage(h, w, regions)
    return cover / np.maximum(cover.sum(axis=1, keepdims=True), 1e-12)


def paint_weights(h: int, w: int, regions: dict[str, Box] | None = None) -> np.ndarray:
    """(R, h*w) float32 weights to paint per-region vectors back onto an h x w grid.

    A cell takes the coverage-weighted mean of the regions over it (a cell half-covered by one region gets half
    its vector); cells outside every region stay zero.
    """
    cover = region_coverage(h, w, regions)
    return cover / np.maximum(cover.sum(axis=0, keepdims=True), 1.0)


def _union(*names: str) -> Box:
    boxes = [AU_REGIONS[n] for n in names]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# What a blink moves and what it leaves alone (merstudio.model.inference; the micro-motion lane reads the same face
# parts in a blink: merstudio.features.micromotion.BLINK_REGIONS).
_EYE_BOXES = _union("eye_right", "eye_left")
# grown by 0.02 (0.03 above): measured on the real clip and the demo, a blink's flow spreads that far past the eye boxes
EYES: Box = (_EYE_BOXES[0] - 0.02, _EYE_BOXES[1] - 0.03, _EYE_BOXES[2] + 0.02, _EYE_BOXES[3] + 0.02)
# the nose, mouth and chin regions below the eyes (the nose box reaches up between them, where opening lids pull)
BLINK_FREE: dict[str, Box] = {n: (x0, max(y0, EYES[3]), x1, y1) for n, (x0, y0, x1, y1) in AU_REGIONS.items()
                              if n in ("nose", "mouth_right", "mouth_left", "chin")}


def _grown(box: Box, by: float = 0.02) -> Box:
    return (max(0.0, box[0] - by), max(0.0, box[1] - by), min(1.0, box[2] + by), min(1.0, box[3] + by))


# The face parts the analysis finds covered (merstudio.face.occlusion.REGION_POINTS: under a hand, a mask, dark
# glasses, past the frame's edge) and the part of the aligned face each hides from the model. A hand over the mouth
# lies on the cheeks too, so "mouth" takes them.
COVER_BOXES: dict[str, Box] = {
    "brows": _grown(_union("brow_inner", "brow_right", "brow_left")),
    "eyes": EYES,
    "nose": _grown(AU_REGIONS["nose"]),
    "mouth": _grown(_union("mouth_right", "mouth_left", "cheek_right", "cheek_left")),
    "jaw": _grown(AU_REGIONS["chin"]),
}
