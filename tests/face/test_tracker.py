"""Track ids: stable across frames, given back to a returning face only when it is clearly the same person."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face.detector import FaceObservation
from merstudio.face.tracker import FaceTracker, TrackedFace


def _ids_by_side(faces: list[TrackedFace]) -> tuple[int, ...]:
    """Track ids ordered by the faces' x position (left to right)."""
    return tuple(f.track_id for f in sorted(faces, key=lambda f: f.obs.bbox[0]))


def test_two_faces_keep_two_stable_ids(face_a, compose) -> None:
    mirrored = np.ascontiguousarray(face_a[::, ::-1][::5, ::5].repeat(4, 0).repeat(4, 1))  # flipped, 0.8x
    with FaceTracker(max_faces=4) as tracker:
        seen = []
        for i in range(36):
            frame = compose([(face_a, 10 + 3 * i, 80 + 12 * np.sin(i / 5)), (mirrored, 430 - 2 * i, 150 + 2 * i)])
            faces = tracker.update(i, frame)
            assert len(faces) == 2, i
            assert all(isinstance(f, TrackedFace) and isinstance(f.obs, FaceObservation) for f in faces)
            seen.append(_ids_by_side(faces))
    assert set(seen) == {seen[0]}  # the same two ids, on the same faces, in every frame
    assert len(set(seen[0])) == 2


def _leave_and_return(tracker: FaceTracker, compose, first, second) -> list[tuple[int, int | None]]:
    """A face walks out to the right (gone from about frame 14 to 37), then `second` walks back in."""
    xs = list(range(200, 700, 25)) + [700] * 10 + list(range(700, 200, -25))
    out = []
    for i, x in enumerate(xs):
        faces = tracker.update(i, compose([(first if i < len(xs) // 2 else second, x, 100)]))
        assert len(faces) <= 1
        out.append((i, faces[0].track_id if faces else None))
    return out


def test_a_face_that_returns_gets_its_id_back(face_a, compose) -> None:
    with FaceTracker() as tracker:
        ids = _leave_and_return(tracker, compose, face_a, face_a)
    present = [(i, t) for i, t in ids if t is not None]
    gone = [i for i, t in ids if t is None]
    assert len(gone) >= 15  # really gone (longer than the coasting window) ...
    assert present[0][0] < gone[0] < gone[-1] < present[-1][0]
    assert {t for _, t in present} == {0}  # ... and back with its old id


def test_a_different_face_gets_a_new_id(face_a, face_other, compose) -> None:
    with FaceTracker() as tracker:
        ids = _leave_and_return(tracker, compose, face_a, face_other)
    before = {t for i, t in ids if t is not None and i < 25}
    after = {t for i, t in ids if t is not None and i >= 25}
    assert before == {0} and after == {1}


def test_the_same_face_after_too_long_a_gap_gets_a_new_id(face_a, compose) -> None:
    with FaceTracker(max_gap=10) as tracker:
        ids = _leave_and_return(tracker, compose, face_a, face_a)
    assert {t for i, t in ids if t is not None and i < 25} == {0}
    assert {t for i, t in ids if t is not None and i >= 25} == {1}


def test_a_face_reappearing_far_away_soon_gets_a_new_id(face_a, compose) -> None:
    """Gone for 3 frames, back 380 px away: not plausibly the same track (a new person entering). Back where it
    was: the same track."""
    blank = compose([])
    frames = [compose([(face_a, 10, 100)])] * 8 + [blank] * 3 + [compose([(face_a, 390, 100)])] * 4
    with FaceTracker() as tracker:
        ids = [[f.track_id for f in tracker.update(i, fr)] for i, fr in enumerate(frames)]
    assert ids[:8] == [[0]] * 8 and ids[8:11] == [[]] * 3 and ids[11:] == [[1]] * 4
    frames = [compose([(face_a, 10, 100)])] * 8 + [blank] * 8 + [compose([(face_a, 40, 110)])] * 4
    with FaceTracker() as tracker:
        ids = [[f.track_id for f in tracker.update(i, fr)] for i, fr in enumerate(frames)]
    assert ids[16:] == [[0]] * 4


def test_reset_and_seeks(face_a, compose) -> None:
    frames = [compose([(face_a, 100 + 3 * i, 100)]) for i in range(40)]
    tracker = FaceTracker()
    for i in range(10):
        assert [f.track_id for f in tracker.update(i, frames[i])] == [0]
    tracker.update(10, compose([]))  # face gone ...
    assert [f.track_id for f in tracker.update(11, compose([(face_a, 400, 100)]))] == [1]  # ... another track
    # A seek backwards without reset: the tracker notices, and re-identifies the face it saw there.
    assert [f.track_id for f in tracker.update(3, frames[3])] == [0]
    assert tracker.stats["seeks"] == 1
    assert [f.track_id for f in tracker.update(3, frames[3])] == [0]  # the same frame again
    # A seek forward far beyond max_gap: nothing to re-identify, a new id.
    assert [f.track_id for f in tracker.update(1000, frames[20])] == [2]
    assert tracker.stats["seeks"] == 3
    # reset(): as a fresh tracker.
    tracker.reset()
    assert tracker.track_ids == []
    assert [f.track_id for f in tracker.update(30, frames[30])] == [0]
    assert [f.track_id for f in tracker.update(31, frames[31])] == [0]
    tracker.close()


def test_detection_does_not_run_on_every_frame(face_a, compose) -> None:
    """With room for 4 faces and 1 present, the tracker lowers MediaPipe's capacity to 1 (so its face detector
    stops running every frame), yet a second face that walks in is found within search_every frames."""
    small = np.ascontiguousarray(face_a[::5, ::5].repeat(4, 0).repeat(4, 1))
    with FaceTracker(max_faces=4, search_every=10) as tracker:
        for i in range(25):
            faces = tracker.update(i, compose([(face_a, 40, 100)]))
            assert [f.track_id for f in faces] == [0]
        assert tracker.detector.capacity == 1
        first_seen = None
        for i in range(25, 50):
            faces = tracker.update(i, compose([(face_a, 40, 100), (small, 400, 150)]))
            if len(faces) == 2 and first_seen is None:
                first_seen = i
            if first_seen is not None:
                assert _ids_by_side(faces) == (0, 1)
        assert first_seen is not None and first_seen <= 25 + 10
        assert tracker.detector.capacity == 2
        assert tracker.stats["searches"] >= 1


class _Fixed:
    """A detector that returns the observations it is given (tests the association alone)."""

    def __init__(self) -> None:
        self.next: list[FaceObservation] = []

    def detect(self, rgb: np.ndarray) -> list[FaceObservation]:
        return self.next


def _obs(x: float, y: float, size: float = 100.0) -> FaceObservation:
    rng = np.random.default_rng(0)
    lm = (rng.uniform(0, 1, (468, 2)) * size + (x, y)).astype(np.float32)
    return FaceObservation(lm, (x, y, x + size, y + size), 1.0)


def test_passing_faces_and_max_faces_with_any_detector() -> None:
    det = _Fixed()
    tracker = FaceTracker(max_faces=2, detector=det)
    frame = np.zeros((480, 640, 3), np.uint8)
    # Two faces passing each other, 12 px per frame each, their boxes overlapping on the way: the listing order
    # flips every frame, the ids stay with the faces.
    first = None
    for i in range(20):
        pair = [_obs(300 - 12 * i, 100), _obs(100 + 12 * i, 160)]
        det.next = pair if i % 2 else pair[::-1]
        ids = {f.track_id: f.obs.bbox[1] for f in tracker.update(i, frame)}
        first = first or ids
        assert ids == first and sorted(ids) == [0, 1], i
    det.next = [_obs(10, 10), _obs(300, 10), _obs(500, 300)]
    assert len(tracker.update(20, frame)) == 2  # never more than max_faces


def test_bad_input() -> None:
    tracker = FaceTracker(detector=_Fixed())
    with pytest.raises(InputError, match="frame_index"):
        tracker.update(-1, np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(InputError, match="frame"):
        tracker.update(0, np.zeros((10, 10, 3), np.float32))
    with pytest.raises(InputError, match="max_faces"):
        FaceTracker(max_faces=0, detector=_Fixed())


def test_frames_not_seen_do_not_age_the_tracks() -> None:
    """Frames decoded from damaged data are not looked at (merstudio.io.keyframes): a long group of them (200
    frames, beyond max_gap) must not cost a face its id where it still is; a jump as long over frames seen empty
    does."""
    frame = np.zeros((480, 640, 3), np.uint8)
    for skipped, expected in ((True, 0), (False, 1)):
        det = _Fixed()
        tracker = FaceTracker(detector=det)
        det.next = [_obs(100, 100)]
        for i in range(10):
            assert [f.track_id for f in tracker.update(i, frame)] == [0]
        if skipped:
            tracker.unseen(200)
        det.next = [_obs(110, 104)]  # moved a little meanwhile
        assert [f.track_id for f in tracker.update(210, frame)] == [expected]
        assert [f.track_id for f in tracker.update(211, frame)] == [expected]
