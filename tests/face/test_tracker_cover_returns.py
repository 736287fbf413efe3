"""A face lost under a cover sliding over it (a95's cross.mp4: the demo's face in a tile passing over the real clip's
face) and back once the cover is off, on real faces: it came back under a new id for good, as the running mean crop
the tracker compared it with had taken the cover in (0.59-0.64 against the uncovered face); now rule 2d compares the
track begun under the cover with the face as it was before the cover (0.87-0.97) and gives it its id back. Another
face coming out from under the cover keeps an id of its own."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from support.real_clips import DEMO, NEEDS_REAL, REAL, first_frames

from merstudio.face.detector import FaceMeshDetector, FaceObservation
from merstudio.face.tracker import SIGNATURE_POINTS, FaceTracker, _Track, appearance_patch, geometry_signature

pytestmark = NEEDS_REAL


@pytest.fixture(scope="module")
def real() -> list[np.ndarray]:
    return first_frames(REAL, 72)  # 640x360


@pytest.fixture(scope="module")
def tiles() -> list[np.ndarray]:
    return [cv2.resize(f, (240, 180), interpolation=cv2.INTER_AREA) for f in first_frames(DEMO, 60)]


def _crossed(real: list[np.ndarray], tiles: list[np.ndarray], n: int, other_from: int | None = None,
             ) -> list[np.ndarray]:
    """cross.mp4 at twice its speed: the real clip, a 240x180 tile of the demo's face sliding 6.72 px a frame from the
    right over the face's upper half (from frame 25 the mesh loses it, and finds it again, still under the tile, as
    other tracks) and off the left edge; from frame `other_from` the real clip's mirror image (another face to the
    tracker's crop, the geometry alike) under the tile."""
    out = []
    for i in range(n):
        face = real[i]
        if other_from is not None and i >= other_from:
            face = cv2.flip(face, 1)
        frame = face.copy()
        x = int(400 - 6.72 * i)
        a, b = max(x, 0), min(x + 240, 640)
        if b > a:
            frame[60:240, a:b] = tiles[i % len(tiles)][:, a - x:b - x]
        out.append(frame)
    return out


def _big_face_ids(frames: list[np.ndarray]) -> tuple[list[int | None], dict[str, int]]:
    """Each frame's id of the real clip's face (the tile's face is 50 px wide), and the tracker's stats."""
    with FaceTracker(max_faces=4) as tracker:
        ids = [next((f.track_id for f in tracker.update(i, rgb) if f.obs.bbox[2] - f.obs.bbox[0] > 100), None)
               for i, rgb in enumerate(frames)]
        return ids, dict(tracker.stats)


def test_a_face_back_from_under_a_cover_takes_its_id_once_in_view(real: list[np.ndarray],
                                                                  tiles: list[np.ndarray]) -> None:
    ids, stats = _big_face_ids(_crossed(real, tiles, 68))
    assert ids[:25] == [0] * 25
    # under the tile: tracks of its own (nothing tells who it is there) ...
    assert all(i != 0 for i in ids[25:63])
    # ... until the tile is off it (from frame 63: the whole crop 0.75 and more against the face before the cover;
    # it kept the last of those ids to the end)
    assert ids[63:] == [0] * 5 and stats["late"] == 1


def test_another_face_from_under_the_cover_keeps_its_own_id(real: list[np.ndarray], tiles: list[np.ndarray]) -> None:
    ids, stats = _big_face_ids(_crossed(real, tiles, 68, other_from=30))
    assert ids[:25] == [0] * 25
    assert ids[-1] is not None and 0 not in ids[25:] and stats["late"] == 0


class _NoFaces:
    def detect(self, rgb: np.ndarray) -> list[FaceObservation]:
        return []


def test_the_face_before_the_cover_is_forgotten_with_the_signature(real: list[np.ndarray]) -> None:
    # The analysis's restart (every keyframe_s) clears the signatures, so that a split run's segment, which begins
    # there, decides as an unsplit run does: the face before a cover must go with them.
    with FaceMeshDetector(max_faces=1) as det:
        (face,) = det.detect(real[0])
    patch, geometry = appearance_patch(face, real[0]), geometry_signature(face)
    taken_in = np.random.default_rng(0).random((32, 32)).astype(np.float32)  # a running mean that took a cover in
    lost = _Track(0, face, 0, appearance=taken_in, geometry=geometry, known=(patch[0], geometry), covered=True)
    vis = np.ones(len(SIGNATURE_POINTS), bool)
    with FaceTracker(detector=_NoFaces()) as tracker:
        assert tracker._identity_cost(lost, face, patch, vis) is not None  # by the face before the cover
        lost.appearance = lost.geometry = None  # merstudio.analysis.pipeline._restart_tracker
        assert tracker._identity_cost(lost, face, patch, vis) is None
