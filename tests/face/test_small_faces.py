"""Faces too small for Face Mesh's own detector: found on tiles, followed in crops, landmarks in frame pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from merstudio.face.detector import FaceMeshDetector
from merstudio.face.small_faces import TILE, TILE_OVERLAP, crop_square, tiles
from merstudio.face.tracker import FaceTracker


def _canvas(w: int, h: int, placements: list[tuple[np.ndarray, int, int]]) -> np.ndarray:
    frame = np.full((h, w, 3), 90, np.uint8)
    for img, x, y in placements:
        frame[y:y + img.shape[0], x:x + img.shape[1]] = img
    return frame


def _scaled(img: np.ndarray, f: float) -> np.ndarray:
    return cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("w, h", [(640, 480), (1280, 720), (1920, 1080), (3840, 2160), (700, 3000)])
def test_tiles_hold_every_small_face_whole(w: int, h: int) -> None:
    parts = tiles(w, h)
    assert parts[0] == (0, 0, w, h)
    assert all(x1 - x0 <= TILE and y1 - y0 <= TILE for x0, y0, x1, y1 in parts[1:])
    face = int(TILE * TILE_OVERLAP)  # any box this size lies wholly inside one tile, wherever it is
    rng = np.random.default_rng(0)
    for _ in range(300):
        x, y = int(rng.integers(0, w - face + 1)), int(rng.integers(0, h - face + 1))
        assert any(x0 <= x and y0 <= y and x + face <= x1 and y + face <= y1 for x0, y0, x1, y1 in parts[1:] or parts)


def test_a_crop_maps_back_to_frame_pixels() -> None:
    yy, xx = np.mgrid[0:300, 0:400]
    rgb = np.stack([xx % 256, yy % 256, (xx // 256) * 100], axis=2).astype(np.uint8)
    img, crop = crop_square(rgb, cx=20, cy=150, side=64, size=128)  # partly left of the frame: black there
    assert img.shape == (128, 128, 3) and crop.scale == 0.5
    for u, v in [(100, 40), (127, 127), (70, 0)]:
        x, y = u * crop.scale + crop.x0, v * crop.scale + crop.y0
        assert abs(int(img[v, u, 0]) - int(rgb[int(y), int(x), 0])) <= 1
    assert img[64, 0].tolist() == [0, 0, 0]


def test_a_small_face_in_a_large_frame_is_found_with_its_landmarks(face_a) -> None:
    """The astronaut's face about 48 px high in a 1920x1080 frame: Face Mesh alone sees nothing; with the
    tiled search and the crop, the landmarks agree with those of the same face at full size, scaled."""
    with FaceMeshDetector(max_faces=1, video_mode=False, small_faces=False) as plain:
        big = plain.detect(_canvas(640, 480, [(face_a, 200, 100)]))
        assert len(big) == 1
        f = 0.35
        frame = _canvas(1920, 1080, [(_scaled(face_a, f), 1300, 700)])
        assert plain.detect(frame) == []
    with FaceMeshDetector(max_faces=4, video_mode=True) as det:
        faces = det.detect(frame)
    assert len(faces) == 1 and faces[0].cropped
    ref = (big[0].landmarks - (200, 100)) * f + (1300, 700)
    height = big[0].bbox[3] - big[0].bbox[1]
    assert np.mean(np.linalg.norm(faces[0].landmarks - ref, axis=1)) < 0.03 * height * f
    assert faces[0].refined is not None and faces[0].refined.shape == (478, 2)
    assert faces[0].confidence == 1.0


def test_every_face_of_a_group_once(face_a, face_other) -> None:
    """Five faces of 95-150 px in a 1000x667 photo (Face Mesh alone finds fewer): all five, none twice."""
    placed = [(_scaled(face_a, 0.75), 20, 60), (_scaled(face_a[:, ::-1].copy(), 0.85), 230, 300),
              (_scaled(face_other, 0.6), 470, 80), (_scaled(face_a, 0.95), 640, 330), (_scaled(face_a, 0.7), 800, 40)]
    frame = _canvas(1000, 667, placed)
    with FaceMeshDetector(max_faces=8, video_mode=False, small_faces=False) as plain:
        assert len(plain.detect(frame)) < 5
    with FaceMeshDetector(max_faces=8, video_mode=False) as det:
        faces = det.detect(frame)
    regions = [(x, y, x + img.shape[1], y + img.shape[0]) for img, x, y in placed]
    homes = sorted(next(i for i, (x0, y0, x1, y1) in enumerate(regions)
                        if x0 <= (f.bbox[0] + f.bbox[2]) / 2 <= x1 and y0 <= (f.bbox[1] + f.bbox[3]) / 2 <= y1)
                   for f in faces)
    assert homes == [0, 1, 2, 3, 4]


def test_followed_faces_share_a_bounded_set_of_crop_meshes(face_a, face_other) -> None:
    """Video mode: each followed face gets a tracking crop mesh of its own, at most CROP_MESHES of them; the faces
    beyond share one more; a seek hands them back for reuse (none made anew)."""
    from merstudio.face.detector import CROP_MESHES

    placed = [(_scaled(face_a if k % 2 else face_other, 0.8), 40 + 310 * k, 200 + 60 * (k % 3)) for k in range(6)]
    frame = _canvas(1920, 1080, placed)
    with FaceMeshDetector(max_faces=8, video_mode=True) as det:
        first = det.detect(frame)
        again = det.detect(frame)
        made = len(det._crops._all)
        det.reset()
        after_seek = det.detect(frame)
        assert len(det._crops._all) == made
    assert len(first) == len(again) == len(after_seek) == 6 and all(f.cropped for f in first)
    assert made == CROP_MESHES + 1


def test_a_small_face_keeps_its_track_and_a_large_one_is_not_doubled(face_a, compose) -> None:
    small = _scaled(face_a, 0.35)
    with FaceTracker(max_faces=4) as tracker:
        for i in range(40):
            faces = tracker.update(i, _canvas(1920, 1080, [(small, 300 + 6 * i, 600 - 2 * i)]))
            assert [f.track_id for f in faces] == [0], i
        faces = tracker.update(500, _canvas(1920, 1080, [(small, 900, 200)]))  # a seek: found again at once
        assert tracker.stats["seeks"] == 1 and len(faces) == 1 and faces[0].obs.cropped
    with FaceTracker(max_faces=4) as tracker:
        for i in range(40):
            faces = tracker.update(i, compose([(face_a, 100 + 3 * i, 100)]))
            assert [(f.track_id, f.obs.cropped) for f in faces] == [(0, False)], i


def test_a_seek_forgets_the_small_faces_followed_before_it(face_a) -> None:
    """A large face and a small one (the mesh's capacity is lowered to the large one): after a seek the small
    face, now elsewhere, is found on the very frame, not after the old crop has missed it for a few frames."""
    small, big = _scaled(face_a, 0.45), cv2.resize(face_a, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC)
    with FaceTracker(max_faces=4, search_every=10) as tracker:
        for i in range(25):
            faces = tracker.update(i, _canvas(1920, 1080, [(big, 150, 150), (small, 1500, 800)]))
            assert sorted(f.obs.cropped for f in faces) == [False, True], i
        assert tracker.detector.capacity == 1
        faces = tracker.update(900, _canvas(1920, 1080, [(big, 150, 150), (small, 1300, 100)]))
    assert sorted(f.obs.cropped for f in faces) == [False, True]
    moved = next(f for f in faces if f.obs.cropped)
    assert 1300 <= (moved.obs.bbox[0] + moved.obs.bbox[2]) / 2 <= 1300 + small.shape[1]
