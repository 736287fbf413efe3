"""A face partly beyond the frame's edge, after its sided AUs (test_side_past_the_edge.py): the micro-motion lane's
regions with a side beyond the edge read unknown, as covered ones do (the real smile clip leaning out over the left
edge read motion_cheeks 3-11 on frames 43-101 from the mesh's guess and the black border, and the spotting signal
read them); the face note writes an AU read on its side in view alone with that side ("R12"); the blink score is the
eye in view's, not the larger of it and the mesh's guess of the other (h216)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from merstudio.face.blendshapes import INDEX, shared_model
from merstudio.features.aus import AUEstimator, au_c, au_r, au_side, face_note
from merstudio.features.micromotion import MOTION_REGIONS, SPOT_REGIONS, transient_signal

# what the pipeline covered on one_outframe.mp4's frame 46 (the subject's right half beyond the left edge): region
# shares under 30 % for the nose, mouth and jaw, every right-side part out
FRAME_46 = {"brows": 0.5, "eyes": 0.5, "nose": 0.3, "mouth": 0.21, "jaw": 0.0,
            "brows_R": 1.0, "eyes_R": 1.0, "cheek_R": 1.0, "nose_R": 1.0, "mouth_R": 1.0}


def _regions(portrait, cover: dict[str, float], frames: set[int], n: int = 12) -> dict[int, dict[str, float]]:
    """Micro-motion regions per frame of the still portrait at 10 fps (baseline 2 frames back), `cover` on `frames`."""
    crop, obs, aligner = portrait
    est = AUEstimator(fps=10.0)
    assert est.micro.k == 2
    rows = {}
    for i in range(n):
        aligned = aligner.align(0, obs.landmarks, crop, frame_index=i)
        for act in est.push(0, obs, aligned, i, cover if i in frames else {}) + est.flush():
            rows[act.frame_index] = act.micro.regions
    return rows


def test_a_cheek_beyond_the_edge_hides_the_cheeks_motion_until_its_baseline_is_in_view(portrait) -> None:
    rows = _regions(portrait, {"cheek_R": 1.0}, {4, 5})
    # frames 0-1 have no baseline yet; 4-5 a cheek beyond the edge; 6-7 compare with such a frame
    assert {i for i, r in rows.items() if np.isnan(r["cheeks"])} == {0, 1, 4, 5, 6, 7}
    assert all(np.isfinite(rows[i][r]) for i in range(2, 12) for r in MOTION_REGIONS if r != "cheeks")


def test_a_lip_corner_beyond_the_edge_hides_the_mouth_and_chin_motion(portrait) -> None:
    rows = _regions(portrait, {"mouth_L": 1.0}, {4, 5})
    for r in ("mouth", "chin"):
        assert {i for i, v in rows.items() if np.isnan(v[r])} == {0, 1, 4, 5, 6, 7}, r
    assert all(np.isfinite(rows[i][r]) for i in range(2, 12) for r in ("brows", "eyes", "cheeks", "nose"))


def test_a_face_mostly_beyond_the_edge_gives_spotting_nothing_to_read(portrait) -> None:
    rows = _regions(portrait, FRAME_46, set(range(6, 14)), n=14)
    assert all(np.isnan(rows[i][r]) for i in range(6, 14) for r in MOTION_REGIONS), rows[8]
    table = np.array([[rows[i][r] for r in MOTION_REGIONS] for i in range(14)])
    sig = transient_signal(table, np.zeros(14, bool), np.zeros(14, bool), 2)
    # two-sided: frame t reads the motion up to t and after it (t + 2); the frames before the cut still read
    assert np.isfinite(sig[2:4]).all() and np.isnan(sig[4:]).all(), sig
    assert set(SPOT_REGIONS) <= set(MOTION_REGIONS)


def test_a_face_whole_in_view_reads_its_motion_as_without_the_sides(portrait) -> None:
    bare = _regions(portrait, {}, set())
    zero = _regions(portrait, dict.fromkeys(("brows_R", "eyes_L", "cheek_R", "nose_L", "mouth_R"), 0.0), set(range(12)))
    assert bare.keys() == zero.keys()
    for i in bare:
        assert all(bare[i][r] == zero[i][r] or (math.isnan(bare[i][r]) and math.isnan(zero[i][r]))
                   for r in MOTION_REGIONS)


def _note(values: dict[str, float], still: bool = False) -> str:
    return face_note(lambda col: values.get(col), still=still)


NAN = float("nan")
ROW = {**{au_r(a): 0.0 for a in (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)},
       **{au_c(a): 0 for a in (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)}}


def test_the_note_writes_an_au_read_on_its_side_in_view_alone_with_that_side() -> None:
    # the cut portrait: the left lip corner beyond the edge, the smile read on the right (5.0), brows and eyes out
    row = dict(ROW)
    for a in (1, 2, 4, 5, 6, 7, 45):  # brows and eyes
        row[au_r(a)] = row[au_c(a)] = NAN
    row.update({au_r(12): NAN, au_c(12): NAN, au_side(12, "L"): NAN, au_side(12, "R"): 5.0,
                au_r(20): NAN, au_c(20): NAN, au_side(20, "L"): NAN, au_side(20, "R"): 0.3,
                au_r(25): 3.0, au_c(25): 1})
    assert _note(row) == "AU R12+25  brows, eyes hidden"
    # the other side measured and low: the AU's mean decides (absent here), no side written
    row.update({au_r(12): 0.6, au_c(12): 0, au_side(12, "L"): 0.2, au_side(12, "R"): 1.0})
    assert _note(row) == "AU 25  brows, eyes hidden"
    # both sides unknown (a hand over the mouth): nothing of the AU
    row.update({au_r(12): NAN, au_c(12): NAN, au_side(12, "L"): NAN, au_side(12, "R"): NAN})
    assert _note(row) == "AU 25  brows, eyes hidden"
    # a table without side columns (OpenFace's): as before
    assert _note({au_r(12): NAN, au_c(12): NAN, au_r(25): 2.0, au_c(25): 1}) == "AU 25"


def test_a_photos_one_sided_brow_lowerer_keeps_its_question_mark() -> None:
    row = {**ROW, au_r(4): NAN, au_c(4): NAN, au_side(4, "L"): 2.0, au_side(4, "R"): NAN}
    assert _note(row, still=True) == "AU L4?"


def test_the_cut_portraits_note_names_its_smile_on_the_side_in_view(portrait) -> None:
    """The estimator's own reading of the portrait with its right lip corner, eye and brow beyond the edge (as the
    pipeline marks them): AU12 is unknown as a whole and present on the left."""
    crop, obs, aligner = portrait
    aligned = aligner.align(0, obs.landmarks, crop, frame_index=0)
    act = AUEstimator().update(0, obs, aligned, 0, covered={"brows_R": 1.0, "eyes_R": 1.0, "cheek_R": 1.0,
                                                             "mouth_R": 1.0})
    values = {}
    for a, v in act.intensity.items():
        values[au_r(a)] = v
        values[au_c(a)] = act.presence[a] if np.isfinite(v) else NAN  # as the per-frame table writes it
    values.update({au_side(a, s): v for (a, s), v in act.sides.items()})
    assert np.isnan(values[au_r(12)]) and values[au_side(12, "L")] >= 1.0
    assert "L12" in _note(values).split("  ")[0].removeprefix("AU ").split("+")


LIDS_R = ((159, 158, 160, 157, 161, 173, 246), 145)  # the right eye's upper lid points, its lower lid's middle


def _right_eye_shut(obs):
    """The mesh with the subject's right upper lid moved down onto the lower: the guess of a shut eye."""
    mesh = obs.refined.astype(np.float64).copy()
    upper, lower = LIDS_R
    for i in upper:
        mesh[i, 1] = mesh[lower, 1]
    return replace(obs, refined=mesh.astype(np.float32))


def test_the_blink_score_is_the_eye_in_views(portrait) -> None:
    crop, obs, aligner = portrait
    shut = _right_eye_shut(obs)
    scores = shared_model()(shut.refined[None].astype(np.float64))[0]
    assert scores[INDEX["eyeBlinkRight"]] > 0.5 > scores[INDEX["eyeBlinkLeft"]]  # the mesh's right eye reads shut
    aligned = aligner.align(0, obs.landmarks, crop, frame_index=0)
    in_view = AUEstimator().update(0, shut, aligned, 0)
    assert in_view.blink == scores[INDEX["eyeBlinkRight"]]  # both in view: the larger, as before
    cut = AUEstimator().update(0, shut, aligned, 0, covered={"eyes_R": 1.0})
    assert cut.blink == float(scores[INDEX["eyeBlinkLeft"]])
    # the lids of the eye in view are read (AU5 and AU7 are NaN only while the lids are shut)
    assert np.isfinite(cut.sides[(5, "L")]) and np.isfinite(cut.sides[(7, "L")])
    both = AUEstimator().update(0, shut, aligned, 0, covered={"eyes_R": 1.0, "eyes_L": 1.0})
    assert np.isnan(both.blink)


def test_a_guessed_eye_closing_beyond_the_edge_marks_no_blink(portrait) -> None:
    crop, obs, aligner = portrait
    shut = _right_eye_shut(obs)

    def run(cover: dict[str, float]) -> list[bool]:
        est = AUEstimator(fps=30.0)
        out = []
        for i in range(30):
            aligned = aligner.align(0, obs.landmarks, crop, frame_index=i)
            out += est.push(0, shut if 10 <= i < 13 else obs, aligned, i, cover if 5 <= i < 20 else {})
        out += est.flush()
        assert [a.frame_index for a in out] == list(range(30))
        return [a.micro.blink for a in out]

    assert any(run({})[10:13])  # the eye in view shut for 0.1 s: a blink, masked
    assert not any(run({"eyes_R": 1.0}))  # the same closing beyond the edge: the mesh's guess
