"""Face boxes (x0, y0, x1, y1) in a frame's pixels: their area and overlap. Numpy-free, so every layer can use them."""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]


def box_area(box: Sequence[float]) -> float:
    return max(0.0, float(box[2]) - float(box[0])) * max(0.0, float(box[3]) - float(box[1]))


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = box_area(a) + box_area(b) - inter
    return inter / union if union > 0 else 0.0
