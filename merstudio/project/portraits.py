"""Each face's portrait as a run records it in its settings: the frame and box of the face's largest view
(``{"portraits": {"<face id>": [frame, [x0, y0, x1, y1]]}}``; JSON keys are strings). The worker writes it, the
face list reads it, a merge or split carries it (and finds a view for a face that has none: a split's other part)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from merstudio.face.boxes import Box, box_area

Portraits = dict[int, tuple[int, Box]]


def encode(portraits: Mapping[int, tuple[int, Any]]) -> dict[str, list[Any]]:
    return {str(face): [int(frame), [round(float(v), 1) for v in box]] for face, (frame, box) in portraits.items()}


def decode(raw: Any) -> Portraits:
    """The portraits of a run's settings; {} for none or a malformed record (it only costs the pictures)."""
    try:
        out: Portraits = {}
        for face, (frame, box) in dict(raw or {}).items():
            x0, y0, x1, y1 = (float(v) for v in box)
            out[int(face)] = (int(frame), (x0, y0, x1, y1))
        return out
    except (TypeError, ValueError):
        return {}


def carry(raw: Any, source: int, target: int, start: int) -> dict[str, list[Any]]:
    """The stored portraits after `source`'s frames from `start` on became `target`'s (a merge: start 0; a split):
    the view moves with its frame, and where `target` has one already the larger view stays."""
    portraits = decode(raw)
    view = portraits.get(source)
    if view is not None and view[0] >= start:
        del portraits[source]
        kept = portraits.get(target)
        if kept is None or box_area(view[1]) > box_area(kept[1]):
            portraits[target] = view
    return encode(portraits)


def landmark_box(points: bytes | np.ndarray) -> Box | None:
    """The box round landmarks (stored: a float32 x/y blob, or an (N, 2) array); None for fewer than 3 known
    points."""
    pts = (np.frombuffer(points, dtype=np.float32) if isinstance(points, bytes) else np.asarray(points)).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) < 3:
        return None
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def largest_view(frames: Iterable[tuple[int, bytes]]) -> tuple[int, Box] | None:
    """The (frame, box) of the largest face among stored landmarks ((frame, float32 x/y blob) rows; the earlier frame
    on a tie), as the analysis chooses a portrait; None when no row has a face."""
    best: tuple[int, Box] | None = None
    for frame, blob in frames:
        box = landmark_box(blob)
        if box is not None and (best is None or box_area(box) > box_area(best[1])):
            best = (int(frame), box)
    return best
