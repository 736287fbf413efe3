"""A cover over part of a face (a hand, a box over the mouth) keeps the face's track id: its crop changes at once, as
on a cut to another person, but its uncovered half does not. Another person, covered or not, still starts a new
track."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.placed_faces import lfw_face, placed, track_ids

from merstudio.face.detector import FaceMeshDetector, FaceObservation
from merstudio.face.tracker import FaceTracker, _Track

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"
DARK = (0x30, 0x20, 0x18)  # RGB of the audit's box








def _mouth_box(frame: np.ndarray, detector) -> tuple[int, int, int, int]:
    """A box over the mouth and chin of the face in frame (x0, y0, x1, y1), as the audit drew on the real clip."""
    lm = detector.detect(frame)[0].landmarks
    iod = float(np.linalg.norm(lm[33] - lm[263]))
    cx, cy = lm[[61, 291, 0, 17]].mean(axis=0)
    return int(cx - 0.9 * iod), int(cy - 0.35 * iod), int(cx + 0.9 * iod), int(cy + 0.6 * iod)


def _covered(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    out = frame.copy()
    cv2.rectangle(out, box[:2], box[2:], DARK, -1)
    return out


def _eyes_hand(frame: np.ndarray, detector, scale: float = 1.0) -> np.ndarray:
    """A hand across the eyes: a skin-toned ellipse over both eyes with darker lines between the fingers."""
    lm = detector.detect(frame)[0].landmarks
    iod = float(np.linalg.norm(lm[33] - lm[263]))
    cx, cy = lm[[33, 133, 362, 263]].mean(axis=0)
    ax, ay = int(0.95 * iod * scale), int(0.38 * iod * scale)
    out = frame.copy()
    cv2.ellipse(out, (int(cx), int(cy)), (ax, ay), 0, 0, 360, (205, 160, 135), -1)
    for k in range(-3, 4):
        y = int(cy + k * ay / 4)
        cv2.line(out, (int(cx - 0.9 * ax), y), (int(cx + 0.9 * ax), y), (170, 125, 105), 2)
    return out


# -- the rule, on synthetic crops --------------------------------------------------------------------------------
def _track(ref: np.ndarray) -> _Track:
    obs = FaceObservation(landmarks=np.zeros((468, 2), np.float32), bbox=(0.0, 0.0, 1.0, 1.0), confidence=1.0)
    return _Track(0, obs, 0, appearance=ref, last_patch=(ref, np.ones(ref.shape, bool)))


def test_half_a_crop_that_agrees_keeps_a_live_track() -> None:
    from merstudio.face.tracker import PART_MIN

    rng = np.random.default_rng(3)
    face = cv2.GaussianBlur(rng.uniform(0, 255, (32, 32)).astype(np.float32), (5, 5), 1.5)
    other = cv2.GaussianBlur(rng.uniform(0, 255, (32, 32)).astype(np.float32), (5, 5), 1.5)
    ones = np.ones((32, 32), bool)
    with FaceTracker(detector=type("D", (), {"detect": lambda self, rgb: []})()) as tracker:
        t = _track(face)
        assert tracker._same_person(t, face + 5.0, ones) == "same"
        for half in (np.s_[16:], np.s_[:16], np.s_[:, 20:]):  # mouth, eyes, one side covered by a flat box
            covered = face.copy()
            covered[half] = 40.0
            assert tracker._same_person(t, covered, ones) == "covered"  # was refused (a new track)
        assert tracker._same_person(t, other, ones) == "other"
        # another person whose half is covered: the other half is still someone else's
        mixed = other.copy()
        mixed[16:] = 40.0
        assert tracker._same_person(t, mixed, ones) == "other"
        # one half nearly but not quite the track's: someone else (the bar is PART_MIN on a half)
        near = face.copy()
        near[16:] = 40.0
        near[:16] = 0.6 * face[:16] + 0.4 * other[:16]
        assert tracker._same_person(t, near, ones) == "other"
        assert PART_MIN > 0.897  # the best half of another person's crop, measured (tracker.py)


# -- on real faces ------------------------------------------------------------------------------------------------
def test_a_box_over_the_mouth_keeps_the_id_through_the_cover_and_its_lifting(still_detector, face_a) -> None:
    frame = placed(still_detector, face_a)
    covered = _covered(frame, _mouth_box(frame, still_detector))
    ids, stats = track_ids([frame] * 10 + [covered] * 12 + [frame] * 8)
    assert ids == [[0]] * 30 and stats["splits"] == 0 and stats["covers"] >= 1  # was 0, then 1 from the cover on


@pytest.mark.parametrize("k", [0, 1, 2])
def test_a_cut_to_another_person_with_a_covered_mouth_starts_a_new_track(still_detector, face_a, k) -> None:
    a, b = placed(still_detector, face_a), placed(still_detector, lfw_face(k))
    b_covered = _covered(b, _mouth_box(b, still_detector))
    ids, stats = track_ids([a] * 12 + [b_covered] * 6)
    assert ids == [[0]] * 12 + [[1]] * 6 and stats["splits"] == 1


def test_a_hand_over_the_eyes_keeps_the_id_through_the_cover_and_its_lifting(still_detector, face_a) -> None:
    """The crop is aligned on the eye corners, which a hand over the eyes moves: the aligned halves all changed
    (a new track for the covered frames); the frame cropped where the face was keeps its lower half."""
    frame = placed(still_detector, face_a)
    covered = _eyes_hand(frame, still_detector)
    ids, stats = track_ids([frame] * 10 + [covered] * 12 + [frame] * 8)
    assert ids == [[0]] * 30 and stats["splits"] == 0 and stats["covers"] >= 1


@pytest.mark.parametrize("k", [1, 2, 3])  # (the mesh does not find face 0 with its eyes covered)
def test_a_cut_to_another_person_with_covered_eyes_starts_a_new_track(still_detector, face_a, k) -> None:
    a, b = placed(still_detector, face_a), placed(still_detector, lfw_face(k))
    ids, _ = track_ids([a] * 12 + [_eyes_hand(b, still_detector)] * 6)
    assert ids[:12] == [[0]] * 12 and sum(map(bool, ids[12:])) >= 4  # (the mesh may lose such a face a frame)
    assert not any(0 in frame for frame in ids[12:])


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
@pytest.mark.parametrize("scale", [1.0, 1.15])
def test_a_hand_over_the_real_eyes_keeps_one_id(scale: float) -> None:
    """smile_man.mp4 forward, backward and forward again (216 frames), a hand over the eyes on frames 60-89: the
    covered frames were face 1 (at the larger hand, four tracks)."""
    import av

    with av.open(str(REAL)) as container:
        clip = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    clip = clip + clip[::-1] + clip
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        frames = [_eyes_hand(f, det, scale) if 60 <= i < 90 else f for i, f in enumerate(clip)]
    ids, stats = track_ids(frames)
    assert ids == [[0]] * len(frames) and stats["splits"] == 0


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
@pytest.mark.parametrize("first,last", [(30, 59), (36, 44), (5, 64)])
def test_a_dark_box_over_the_real_mouth_keeps_one_id(tmp_path, first: int, last: int) -> None:
    """The audit's clips: smile_man.mp4 with a dark box over the mouth on frames 30-59 (1 s), 36-44 and 5-64. The
    covered frames were face 1 (5-64: frames 5-71, the lifting included)."""
    import imageio_ffmpeg

    from merstudio.io import open_source

    clip = tmp_path / "covered.mp4"
    box = f"drawbox=x=235:y=195:w=130:h=85:color=0x302018@1:t=fill:enable='between(n,{first},{last})'"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(REAL), "-vf", box, "-an",
                    str(clip)], check=True)
    with open_source(clip) as src:
        frames = [rgb for _, rgb in src.iter_frames()]
    ids, stats = track_ids(frames)
    assert ids == [[0]] * len(frames) and stats["splits"] == 0
