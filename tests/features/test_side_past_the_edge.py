"""A face partly beyond the frame's edge: a sided AU's side whose own points lie past the edge (a lip corner, an eye's
corners, its cheek) is the mesh's guess, and reads unknown, as a covered region does, while the side in view is read
(merstudio.face.occlusion.SIDE_POINTS, merstudio.features.aus.SIDE_NEEDS). The real smile clip leaning out over the
left edge read AU20 present (up to 2.71; it never shows AU20) from a guessed lip corner, 21 % of the mouth out, and
AU6 5.0 as its eye came back (a95 finding 2)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from merstudio.face.occlusion import (
    COVERED_FRACTION,
    REGION_POINTS,
    SIDE_POINTS,
    covered_regions,
    outside_regions,
)
from merstudio.features.aus import AUS, SIDED, AUEstimator


@pytest.fixture(scope="module")
def portrait():
    """The public-domain NASA portrait (scikit-image's astronaut), 600 px: a smile with teeth showing; its Face Mesh
    observation and aligned face."""
    import cv2
    from skimage import data

    from merstudio.face.align import FaceAligner
    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        obs = det.detect(crop)[0]
    return crop, obs, FaceAligner().align(0, obs.landmarks, crop, frame_index=0)


def _edge(obs, left: float, size: tuple[int, int] = (600, 600)) -> dict[str, float]:
    """What the analysis covers on the face with the frame's left edge at x = `left` (as the pipeline: hands' shares,
    none here, then the frame's edge)."""
    covered = covered_regions([], obs.landmarks)
    for part, share in outside_regions(obs.landmarks - np.array([left, 0.0]), (size[0] - round(left), size[1])).items():
        covered[part] = max(covered[part], share)
    return covered


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)


def test_a_lip_corner_and_an_eye_corner_past_the_edge_are_their_sides_guessed(portrait):
    _, obs, _ = portrait
    lm = obs.landmarks
    # the left edge just inside the subject's right lip corner (61): it and the right eye's outer corner are out
    left = float(lm[61, 0]) + 1
    covered = _edge(obs, left)
    # under COVERED_FRACTION by region (one of the mouth's 14 points, a few of the eyes' and brows'): read as seen
    assert all(covered[r] < COVERED_FRACTION for r in REGION_POINTS), covered
    assert covered["mouth_R"] == covered["eyes_R"] == covered["brows_R"] == covered["cheek_R"] == 1.0
    assert covered["mouth_L"] == covered["eyes_L"] == covered["brows_L"] == covered["cheek_L"] == 0.0
    whole = outside_regions(lm, (600, 600))
    assert set(whole) == {*REGION_POINTS, *SIDE_POINTS} and set(whole.values()) == {0.0}
    assert set(covered_regions([], lm).values()) == {0.0}  # the sides are judged at the edge, not under hands


def test_a_side_past_the_edge_reads_unknown_and_the_side_in_view_is_read(portrait):
    crop, obs, aligned = portrait
    seen = AUEstimator().update(0, obs, aligned, 0)
    cut = AUEstimator().update(0, obs, aligned, 0, covered=_edge(obs, float(obs.landmarks[61, 0]) + 1))
    assert seen.intensity[12] >= 2.0 and np.isfinite(seen.intensity[20])
    for au in SIDED:  # every sided AU of the subject's right: mouth, eyes (AU6 with its cheek), brows, nose wing
        right_out = au != 9  # the nose wing (129) stays in view
        assert np.isnan(cut.sides[(au, "R")]) == right_out, au
        assert np.isnan(cut.intensity[au]) == right_out, au  # the mean of the two sides
        assert cut.sides[(au, "L")] == seen.sides[(au, "L")], au  # the side in view, as read whole
        if right_out:
            assert cut.presence[au] == 0
    for au in (17, 25, 26):  # the mouth's middle is in view
        assert cut.intensity[au] == seen.intensity[au], au
    # what the model is told: the covered regions only (FramePredictor knows no sides)
    assert set(cut.covered) <= set(REGION_POINTS)


def test_only_a_lip_corner_out_leaves_the_eyes_read(portrait):
    crop, obs, aligned = portrait
    seen = AUEstimator().update(0, obs, aligned, 0)
    cut = AUEstimator().update(0, obs, aligned, 0, covered={"mouth_L": 1.0})
    for au in (10, 12, 14, 15, 20, 23):
        assert np.isnan(cut.sides[(au, "L")]) and np.isnan(cut.intensity[au]), au
        assert cut.sides[(au, "R")] == seen.sides[(au, "R")], au
    # AU6's eye narrowing counts beside its side's lip-corner raise: that side is guessed too
    assert np.isnan(cut.sides[(6, "L")]) and cut.sides[(6, "R")] == seen.sides[(6, "R")]
    for au in (5, 7, 45, 1, 2, 4, 25):
        assert cut.intensity[au] == seen.intensity[au], au


def test_a_face_whole_in_view_reads_as_without_the_edge(portrait):
    crop, obs, aligned = portrait
    whole = _edge(obs, 0.0)
    a = AUEstimator().update(0, obs, aligned, 0)
    b = AUEstimator().update(0, obs, aligned, 0, covered=whole)
    assert _same(a.intensity, b.intensity) and _same(a.sides, b.sides) and a.presence == b.presence
    assert a.confidence == b.confidence and b.covered == {r: 0.0 for r in REGION_POINTS}


LIDS = {"L": ((386, 385, 387, 384, 388, 398, 466), 374), "R": ((159, 158, 160, 157, 161, 173, 246), 145)}


def _narrowed(obs, frac: float, sides: str = "LR"):
    """The mesh with the upper lids of `sides` moved `frac` of the way down onto the lower lids."""
    mesh = obs.refined.astype(np.float64).copy()
    for upper, lower in (LIDS[s] for s in sides):
        for i in upper:
            mesh[i, 1] += frac * (mesh[lower, 1] - mesh[i, 1])
    return replace(obs, refined=mesh.astype(np.float32))


def test_the_cheek_raise_after_the_eyes_come_back_is_read_from_the_eyes_seen(portrait):
    """Beyond the edge (or under a hand) the mesh guesses the eyes, here narrowed to slits: their evidence is not
    AU6's. Back in view with open eyes, AU6 reads the eyes it sees from the first frame, not the median of the
    guessed slits (the real clip read 5.0, 4.67, 4.49 as its eyes came back; 2.63-3.53 on the same frames in view)."""
    crop, obs, aligned = portrait
    est = AUEstimator(fps=30.0)
    beyond = {"brows": 0.5, "eyes": 0.5, "mouth": 0.2, "brows_R": 1.0, "eyes_R": 1.0, "cheek_R": 1.0, "mouth_R": 1.0}
    out = []
    for f in range(36):
        if 10 <= f < 26:  # 0.53 s beyond the edge: longer than a blink
            out += est.push(0, _narrowed(obs, 0.6), aligned, f, covered=beyond)
        else:
            out += est.push(0, obs, aligned, f)
    out += est.flush()
    au6 = [a.intensity[6] for a in out]
    open_au6 = au6[9]
    assert all(np.isnan(au6[10:26]))
    assert au6[26:] == [open_au6] * 10, au6[26:]


def test_one_side_back_in_view_reads_from_that_sides_frames_only(portrait):
    """The right eye beyond the edge, narrowed by the mesh's guess, the left in view and open: the left side's AU6
    is the open eye's all along, and the right reads its open eye again from its first frame back."""
    crop, obs, aligned = portrait
    est = AUEstimator(fps=30.0)
    out = []
    for f in range(36):
        if 10 <= f < 26:
            out += est.push(0, _narrowed(obs, 0.6, "R"), aligned, f, covered={"eyes_R": 1.0})
        else:
            out += est.push(0, obs, aligned, f)
    out += est.flush()
    right, left = [a.sides[(6, "R")] for a in out], [a.sides[(6, "L")] for a in out]
    assert all(np.isnan(right[10:26])) and right[26:] == [right[9]] * 10, right[20:]
    assert all(np.isnan(a.intensity[6]) for a in out[10:26])
    assert left == [left[9]] * 36, left


def test_a_photo_cut_through_the_right_eye_and_lip_corner_reads_its_left_side(portrait, tmp_path):
    """The whole analysis on the portrait cut by the image's left edge just inside its right lip corner: the mesh
    fitted to what is left, the edge found by the pipeline."""
    import cv2

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source

    crop, obs, _ = portrait
    rows = {}
    for name, left in (("whole", 0), ("cut", int(obs.landmarks[61, 0]) + 2)):
        photo = tmp_path / f"{name}.png"
        cv2.imwrite(str(photo), cv2.cvtColor(np.ascontiguousarray(crop[:, left:]), cv2.COLOR_RGB2BGR))
        with open_source(photo) as src:
            (rows[name],) = [r for r in Analysis(src).rows() if r["success"]]
    whole, cut = rows["whole"], rows["cut"]
    assert whole["AU12_r"] >= 2.0 and whole["AU12_c"] == 1
    for au in (6, 12, 20):
        assert np.isnan(cut[f"AU{au:02d}_r"]) and np.isnan(cut[f"AU{au:02d}_R"]), au
        assert np.isfinite(cut[f"AU{au:02d}_L"]), au
    assert cut["AU12_L"] >= 2.0  # the smile's side in view
    assert np.isfinite(cut["AU25_r"])  # the lips' middle is in view
    assert {f"AU{a:02d}_r" for a in AUS} <= set(cut)
