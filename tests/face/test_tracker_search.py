"""The tracker's search for faces beside the ones MediaPipe tracks (its capacity kept at the faces present), with a
steered detector standing in for FaceMeshDetector: only where the faces are matters here."""

from __future__ import annotations

import numpy as np

from merstudio.face.detector import FaceObservation
from merstudio.face.tracker import FaceTracker


def _obs(x: float, y: float, size: float = 100.0) -> FaceObservation:
    lm = (np.random.default_rng(0).uniform(0, 1, (468, 2)) * size + (x, y)).astype(np.float32)
    return FaceObservation(lm, (x, y, x + size, y + size), 1.0)


class _Steered:
    """Capacity, a face finder and a graph as FaceMeshDetector has them: the graph gives the faces in `faces` up to
    its capacity; rebuilt (set_capacity), it gives `afresh` on its first frame (what it detects afresh there)."""

    def __init__(self, faces: list[FaceObservation]) -> None:
        self.capacity, self.faces, self.boxes = 4, faces, []
        self.afresh: list[FaceObservation] | None = None
        self._first: list[FaceObservation] | None = None

    def set_capacity(self, n: int) -> None:
        self.capacity, self._first = n, self.afresh

    def reset(self, capacity: int | None = None) -> None:
        self.capacity = capacity or self.capacity

    def find_faces(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
        return self.boxes

    def detect(self, rgb: np.ndarray) -> list[FaceObservation]:
        first, self._first = self._first, None
        return first if first is not None else self.faces[: self.capacity]


def test_a_tracked_face_the_rebuilt_graph_misses_stays_in_its_frame() -> None:
    # Face A tracked alone (capacity 1); the finder sees B come in; the graph rebuilt for two finds only B on that
    # frame. A was missing from that frame's faces, and the search, taking B for unconfirmed, backed off.
    a, b = _obs(40, 100), _obs(400, 150)
    det = _Steered([a])
    frame = np.zeros((480, 640, 3), np.uint8)
    with FaceTracker(max_faces=4, detector=det, search_every=10) as tracker:
        for i in range(30):
            assert [f.track_id for f in tracker.update(i, frame)] == [0]
        assert det.capacity == 1
        det.faces, det.boxes, det.afresh = [a, b], [b.bbox], [b]
        for i in range(30, 45):
            searches = tracker.stats["searches"]
            ids = [f.track_id for f in tracker.update(i, frame)]
            if tracker.stats["searches"] > searches:
                break
        assert ids == [0, 1] and det.capacity == 2
        assert tracker._search_interval == tracker.search_every
