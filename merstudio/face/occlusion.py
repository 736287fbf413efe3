"""Which parts of a face a hand covers: MediaPipe Hands (Apache-2.0, in the wheel) against the face mesh.

The face mesh keeps fitting a plausible face under a hand (its points stay inside the image, and it exposes no
per-point visibility), so the AUs of a covered mouth would read confidently. We find hands and test the mesh
points of each face region against each hand's outline (the convex hull of its 21 points, widened by 15% for
the fingers' width). Hand detection costs about 10 ms per frame on one core, so while no hand is in view it runs
on every `every`-th frame (default 6: five times a second at 30 fps; a hand that arrives is seen within 0.2 s),
and on every frame while a hand is tracked.
"""

from __future__ import annotations

import cv2
import numpy as np

from merstudio.face.detector import started
from merstudio.native_logs import native_logs_filtered

# Face regions as the AU table names them (merstudio.features.blendshape_aus), by mesh points.
REGION_POINTS: dict[str, tuple[int, ...]] = {
    "brows": (107, 66, 105, 63, 70, 336, 296, 334, 293, 300, 55, 285),
    "eyes": (33, 133, 159, 145, 160, 144, 263, 362, 386, 374, 387, 373),
    "nose": (1, 4, 5, 129, 358, 64, 294, 2, 98, 327),
    "mouth": (0, 13, 14, 17, 61, 291, 37, 267, 84, 314, 40, 270, 91, 321),
    "jaw": (152, 175, 199, 200, 208, 428, 148, 377),
}
COVERED_FRACTION = 0.3  # a region with this share of its points under a hand is covered


class HandOcclusion:
    def __init__(self, every: int = 6, min_confidence: float = 0.5) -> None:
        import mediapipe as mp

        self.every = max(1, int(every))
        with native_logs_filtered():  # TFLite/absl start-up lines, which users read as errors
            self._hands = started(mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=2,
                                                           model_complexity=0, min_detection_confidence=min_confidence,
                                                           min_tracking_confidence=0.5))
        self._outlines: list[np.ndarray] = []
        self._last = -(10**9)

    def update(self, frame_index: int, rgb: np.ndarray) -> list[np.ndarray]:
        """Hand outlines (convex polygons, (K, 2) float32 pixels) for this frame."""
        if self._outlines or frame_index - self._last >= self.every or frame_index < self._last:
            self._last = frame_index
            h, w = rgb.shape[:2]
            res = self._hands.process(np.ascontiguousarray(rgb))
            self._outlines = []
            for hand in res.multi_hand_landmarks or []:
                pts = np.array([(p.x * w, p.y * h) for p in hand.landmark], dtype=np.float32)
                hull = cv2.convexHull(pts).reshape(-1, 2)
                c = hull.mean(axis=0)
                self._outlines.append(((hull - c) * 1.15 + c).astype(np.float32))
        return self._outlines

    def close(self) -> None:
        self._hands.close()


def covered_regions(outlines: list[np.ndarray], mesh: np.ndarray) -> dict[str, float]:
    """Share (0..1) of each face region's points that lie under a hand outline."""
    out = {r: 0.0 for r in REGION_POINTS}
    if not outlines:
        return out
    for region, idx in REGION_POINTS.items():
        pts = mesh[list(idx)]
        inside = np.zeros(len(pts), dtype=bool)
        for poly in outlines:
            inside |= np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in pts])
        out[region] = float(inside.mean())
    return out
