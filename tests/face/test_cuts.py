"""Cuts in edited footage, on real faces (the public-domain astronaut, faces of scikit-image's LFW subset):

- a cut to another person in the same place starts a new track (MediaPipe's video mode goes on tracking there, and
  the old person's id and AU state used to carry over to the new one); the same person keeps one id through a
  blink, a fast head turn and a hand over the mouth;
- the first frame after a cut keeps its faces (MediaPipe detects only from the next frame once its tracking is
  lost: a face in plain view was reported missing there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.placed_faces import lfw_face, placed, track_ids

from merstudio.face.detector import FaceMeshDetector
from merstudio.face.tracker import FaceTracker

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"








# -- a cut to someone else in the same place --------------------------------------------------------------------
@pytest.mark.parametrize("k", [0, 1, 2])
def test_a_cut_to_another_person_in_the_same_place_starts_a_new_track(still_detector, face_a, k) -> None:
    a, b = placed(still_detector, face_a), placed(still_detector, lfw_face(k))
    ids, stats = track_ids([a] * 12 + [b] * 6)
    assert ids == [[0]] * 12 + [[1]] * 6  # was [[0]] * 18: the mesh went on tracking the newcomer
    assert stats["splits"] == 1 and stats["refits"] == 1


def test_a_cut_back_gives_the_first_person_their_id_again(still_detector, face_a, face_other) -> None:
    a, b = placed(still_detector, face_a), placed(still_detector, face_other)
    ids, _ = track_ids([a] * 12 + [b] * 6 + [a] * 6)
    assert ids == [[0]] * 12 + [[1]] * 6 + [[0]] * 6  # re-identified (rule 2), not a third id


def test_the_new_persons_aus_start_fresh_after_a_cut(still_detector, tmp_path) -> None:
    """The audit's case: a smiling face (AU6 and AU12 warped in, AU6 reads ~4.9), then a cut to a neutral face in
    the same place. The newcomer's AU6 read 4.9 on its first 4 frames (the last person's AU6 median window) where
    the same frames alone read 0. Now they read what they read alone."""
    from skimage import data

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.synth.warps import au_displacement, warp

    a = placed(still_detector, data.astronaut()[0:300, 100:400])
    smiling = warp(a, au_displacement(still_detector.detect(a)[0].landmarks, a.shape[:2], {6: 3.0, 12: 3.0}))
    b = placed(still_detector, lfw_face(0))

    def rows(frames: list[np.ndarray], name: str) -> list[dict]:
        folder = tmp_path / name
        folder.mkdir()
        for i, rgb in enumerate(frames):
            cv2.imwrite(str(folder / f"img_{i:04d}.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        with open_source(folder) as src:
            out = list(Analysis(src).rows())
        shutil.rmtree(folder)
        return out

    cut, alone = rows([smiling] * 12 + [b] * 8, "cut"), rows([b] * 8, "alone")
    assert min(r["AU06_r"] for r in cut[6:12]) > 3.0  # the smile's cheek raise
    for after, own in zip(cut[12:], alone, strict=True):
        for au in ("AU06_r", "AU12_r", "AU04_r"):
            assert after[au] == pytest.approx(own[au], abs=0.3), (after["frame"], au)
    assert {r["face_id"] for r in cut[:12]} == {0} and {r["face_id"] for r in cut[12:]} == {1}


# -- the same person keeps one id --------------------------------------------------------------------------------
def test_the_demo_keeps_one_id_through_a_blink_and_a_fast_head_turn() -> None:
    """Frames 255-364 of the bundled demo: a blink (270-279), a fast head turn (roll 8 deg and 20 px in 8 frames,
    330-358), lighting drift. Its lowest identity correlation between consecutive frames is 0.985."""
    from merstudio.io import open_source
    from merstudio.resources import demo_video

    with open_source(demo_video()) as src:
        frames = [rgb for _, rgb in src.iter_frames(255, 365)]
    ids, stats = track_ids(frames)
    assert ids == [[0]] * len(frames) and stats["splits"] == stats["refits"] == 0


def test_a_hand_passing_over_the_mouth_keeps_the_id(still_detector, face_big) -> None:
    """A skin-coloured ellipse (a hand the mesh fits through) rises over the mouth and chin in 6 frames, stays 8
    and leaves in 6: the face's crop changes a lot against its first frames (correlation down to 0.80), little from
    one frame to the next (0.90)."""
    frame = placed(still_detector, face_big, (170, 80, 470, 420))
    lm = still_detector.detect(frame)[0].landmarks
    iod = float(np.linalg.norm(lm[33] - lm[263]))
    cx, cy = lm[[61, 291, 0, 17]].mean(axis=0)
    x, y = np.round(lm[205]).astype(int)
    skin = tuple(int(v) for v in np.median(frame[y - 5:y + 5, x - 5:x + 5].reshape(-1, 3), axis=0))
    rise = [1.0 - i / 5 for i in range(6)]  # 1 = below the chin, 0 = over the mouth
    frames = [frame] * 10
    for p in rise + [0.0] * 8 + rise[::-1]:
        covered = frame.copy()
        cv2.ellipse(covered, (int(cx), int(cy + 0.1 * iod + p * 1.2 * iod)), (int(1.0 * iod), int(0.55 * iod)), 0,
                    0, 360, skin, -1)
        frames.append(covered)
    frames += [frame] * 5
    ids, stats = track_ids(frames)
    assert {tuple(i) for i in ids} == {(0,)} and stats["splits"] == 0


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
def test_a_real_smile_keeps_one_id() -> None:
    from merstudio.io import open_source

    with open_source(REAL) as src:
        frames = [rgb for _, rgb in src.iter_frames()]
    ids, stats = track_ids(frames)
    assert ids == [[0]] * len(frames) and stats["splits"] == stats["refits"] == 0


# -- the first frame after a cut keeps its faces -----------------------------------------------------------------
def test_the_first_frame_after_a_cut_elsewhere_keeps_its_face(still_detector, face_a, face_other) -> None:
    left = placed(still_detector, face_a, (40, 120, 240, 360))
    right = placed(still_detector, face_other, (400, 120, 600, 360))
    with FaceMeshDetector(max_faces=1, video_mode=True, small_faces=False) as det:
        counts = [len(det.detect(rgb)) for rgb in [left] * 5]
        after = det.detect(right)
        assert len(after) == 1 and after[0].bbox[0] > 320  # was no face: tracking lost, detection only next frame
        counts += [len(det.detect(rgb)) for rgb in [right] * 5]
        assert counts == [1] * 10 and det.redetections == 1  # the extra detection ran on that frame only
    with FaceTracker(max_faces=4) as tracker:  # its capacity comes down to the one face present
        ids = [[f.track_id for f in tracker.update(i, rgb)] for i, rgb in enumerate([left] * 15 + [right] * 3)]
        assert tracker.detector.capacity == 1
    assert ids == [[0]] * 15 + [[1]] * 3


@pytest.mark.parametrize("lost", ["both", "one"])
def test_two_faces_lost_at_once_or_one_beside_one_kept_are_both_found(still_detector, face_a, face_other,
                                                                      lost) -> None:
    """Both faces lost at once (a cut to a new shot of two people), or one lost beside one kept (one side of a
    split screen cuts)."""
    w = 1280
    a_left = placed(still_detector, face_a, (60, 120, 260, 360), (w, 480))
    before = placed(still_detector, face_other, (1000, 120, 1200, 360), onto=a_left)
    if lost == "both":
        cut = placed(still_detector, face_a, (760, 120, 960, 360),
                      onto=placed(still_detector, face_other, (320, 120, 520, 360), (w, 480)))
    else:
        cut = placed(still_detector, face_other, (560, 120, 760, 360), onto=a_left)
    with FaceMeshDetector(max_faces=2, video_mode=True, small_faces=False) as det:
        assert [len(det.detect(before)) for _ in range(4)] == [2] * 4
        assert len(det.detect(cut)) == 2  # was 0 (both lost) or 1 (one lost)
        assert det.redetections == 1
        assert len(det.detect(cut)) == 2 and det.redetections == 1


# -- a frame is fitted afresh at most once -----------------------------------------------------------------------
@pytest.mark.parametrize("how", ["lost", "blank", "static"])
def test_a_frame_after_a_cut_is_fitted_afresh_once(still_detector, face_a, face_other, how) -> None:
    """A cut to someone else beside the last person's place, where the mesh loses the face (the detector detects
    the frame afresh, `_look_again`), or after a blank frame (nothing tracked: detected afresh anyway), or in static
    mode (every image afresh): the newcomer is refused by the track there, and the tracker's refit for that split
    (`detect_afresh`) fitted the frame afresh a second time, to the same faces."""
    a = placed(still_detector, face_a)
    if how == "blank":
        frames = [a] * 12 + [np.full_like(a, 90)] * 2 + [placed(still_detector, face_other)] * 4
    else:
        frames = [a] * 12 + [placed(still_detector, face_other, (300, 120, 500, 360))] * 4
    det = FaceMeshDetector(max_faces=4, video_mode=how != "static", small_faces=False)
    fits: dict[int, int] = {}  # frame -> fits from nothing (a settled fit of the whole frame, or a static fit)
    now = 0
    detect, afresh, static_fit = det.detect, det._afresh, det._mesh_faces

    def counted(fit, first: bool = False):
        def call(rgb):
            if not first or det._tracked == 0:  # a video-mode graph tracking nothing detects the frame afresh
                fits[now] = fits.get(now, 0) + 1
            return fit(rgb)
        return call

    if how == "static":
        det._mesh_faces = counted(static_fit)
    else:
        det.detect, det._afresh = counted(detect, first=True), counted(afresh)
    with FaceTracker(max_faces=4, detector=det) as tracker:
        ids = []
        for now, rgb in enumerate(frames):  # `now`: read by the counters
            ids.append([f.track_id for f in tracker.update(now, rgb)])
        stats = dict(tracker.stats)
    det.close()
    after = 12 if how != "blank" else 14
    assert ids[after:] == [[1]] * 4 and {tuple(i) for i in ids[:12]} == {(0,)}
    assert stats["splits"] == 1
    assert fits[after] == 1  # was 2: the refit fitted again what the detector had just fitted afresh
    assert max(fits.values()) == 1
    if how == "lost":
        assert det.redetections == 1
