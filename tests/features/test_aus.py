"""AU intensities on real faces. Expected values come from what a FACS coder sees (the annotation of the real
clip, the visible smile of the portrait) or from physical changes to a real mesh (an eye closed, the jaw
opened), never from the estimator's own mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.features.aus import AUS, AUEstimator, au_c, au_columns, au_r, au_side


@pytest.fixture(scope="module")
def portrait_obs():
    """The public-domain NASA portrait (scikit-image's astronaut): a smile with teeth showing, brows relaxed."""
    import cv2
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        obs = det.detect(crop)[0]
    return crop, obs


def _aligned(crop, obs):
    from merstudio.face.align import FaceAligner

    return FaceAligner().align(0, obs.landmarks, crop, frame_index=0)


def test_columns_are_openface_names():
    assert au_columns("r") == [f"AU{a:02d}_r" for a in (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)]
    assert au_r(1) == "AU01_r" and au_c(12) == "AU12_c" and au_side(12, "L") == "AU12_L"


def test_a_still_photo_reads_its_expression_not_zeros(portrait_obs):
    crop, obs = portrait_obs
    act = AUEstimator().update(0, obs, _aligned(crop, obs), 0)
    i = act.intensity
    assert i[12] >= 2.0 and i[25] >= 1.0, i  # the smile, teeth showing
    assert max(i[4], i[9], i[15], i[1]) < 1.0, i  # no frown, sneer or sadness
    assert act.presence[12] == 1
    assert np.isnan(act.motion)  # one frame: no micro-motion baseline


def _with(obs, refined):
    from dataclasses import replace

    return replace(obs, refined=refined.astype(np.float32))


def test_closing_one_eye_reads_a_blink_on_that_side(portrait_obs):
    crop, obs = portrait_obs
    mesh = obs.refined.copy()
    for i in (386, 385, 387, 384, 388, 398, 466):  # the subject's left upper lid down onto the lower lid
        mesh[i, 1] = mesh[374, 1]
    act = AUEstimator().update(0, _with(obs, mesh), _aligned(crop, obs), 0)
    assert act.sides[(45, "L")] >= 3.0 and act.sides[(45, "R")] < 1.0, act.sides


def test_opening_the_mouth_reads_lips_part_and_jaw_drop(portrait_obs):
    crop, obs = portrait_obs
    mesh = obs.refined.astype(np.float64).copy()
    iod = float(np.hypot(*(mesh[263] - mesh[33])))
    lower = mesh[:, 1] > mesh[14, 1] - 1  # everything from the lower lip down drops with the jaw
    mesh[lower, 1] += 0.35 * iod
    act = AUEstimator().update(0, _with(obs, mesh), _aligned(crop, obs), 0)
    assert act.intensity[25] >= 4.0 and act.intensity[26] >= 2.0, act.intensity


def test_a_covered_mouth_reads_nan_and_lowers_confidence(portrait_obs):
    crop, obs = portrait_obs
    act = AUEstimator().update(0, obs, _aligned(crop, obs), 0, covered={"mouth": 1.0, "jaw": 0.6})
    # AU6 too: it needs the lip corners (a raised cheek's smile); the brows too: the mesh misfit (aus.ALSO_HIDDEN)
    for a in (1, 2, 4, 6, 10, 12, 15, 17, 20, 23, 25, 26):
        assert np.isnan(act.intensity[a]), a
        assert act.presence[a] == 0
    assert np.isfinite(act.intensity[5]) and np.isfinite(act.intensity[9]) and np.isfinite(act.intensity[45])
    assert act.confidence <= 0.65


def test_a_mesh_without_irises_is_unknown_not_zero(portrait_obs):
    crop, obs = portrait_obs
    from dataclasses import replace

    act = AUEstimator().update(0, replace(obs, refined=None), _aligned(crop, obs), 0)
    assert all(np.isnan(act.intensity[a]) for a in AUS)


def _narrowed(obs, frac: float):
    """The mesh with both upper lids moved `frac` of the way down onto the lower lids (both eyes narrowed)."""
    mesh = obs.refined.astype(np.float64).copy()
    for upper, lower in (((386, 385, 387, 384, 388, 398, 466), 374), ((159, 158, 160, 157, 161, 173, 246), 145)):
        for i in upper:
            mesh[i, 1] += frac * (mesh[lower, 1] - mesh[i, 1])
    return _with(obs, mesh)


def test_a_smile_photographed_with_narrowed_eyes_reads_the_cheek_raise(portrait_obs):
    # The smile's eyes narrowed to slits, as a broad (Duchenne) smile does: the blink score is a blink's, and a
    # photo has no frames before it to hold AU6 from. It read 0 here (and on real group photos) before.
    crop, obs = portrait_obs
    act = AUEstimator().update(0, _narrowed(obs, 0.6), _aligned(crop, obs), 0)
    assert act.intensity[45] >= 1.0 and act.intensity[12] >= 2.0, act.intensity
    assert act.intensity[6] >= 3.0, act.intensity


def test_a_blink_holds_the_cheek_reading_and_eyes_kept_narrow_do_not(portrait_obs):
    crop, obs = portrait_obs
    aligned, est = _aligned(crop, obs), AUEstimator(fps=30.0)
    open_au6 = [est.update(0, obs, aligned, f).intensity[6] for f in range(10)][-1]
    narrow = [est.update(0, _narrowed(obs, 0.6), aligned, f).intensity[6] for f in range(10, 40)]
    assert narrow[:9] == [open_au6] * 9  # the first 0.3 s could be a blink: the lids say nothing of the cheeks
    assert min(narrow[-10:]) >= max(3.0, open_au6 + 2.0)  # held for a second: narrowed by the cheeks


def test_streamed_eyes_kept_narrow_read_the_cheek_raise_from_the_start_and_a_blink_holds_it(portrait_obs):
    """Streamed, a face waits for the frames after it: a smile's eyes narrowed for a second read AU6 once the
    0.25 s median has turned (not after the 0.4 s a blink could last), and a 4-frame blink in an open-eyed smile
    leaves AU6 where it was."""
    crop, obs = portrait_obs
    aligned, est = _aligned(crop, obs), AUEstimator(fps=30.0)
    out = []
    for f in range(80):
        narrow = 0.6 if 10 <= f < 40 else 0.9 if 60 <= f < 64 else 0.0
        out += est.push(0, _narrowed(obs, narrow) if narrow else obs, aligned, f)
    out += est.flush()
    au6 = [a.intensity[6] for a in out]
    open_au6 = au6[9]
    assert min(au6[15:40]) >= max(3.0, open_au6 + 2.0), au6[10:40]
    assert au6[50:80] == [au6[50]] * 30 and abs(au6[50] - open_au6) < 0.5, au6[50:80]


def test_eyes_kept_shut_are_no_blink_for_the_micro_motion_lane_from_their_first_frame(portrait_obs):
    """Lids shut for over a second (eyes squeezed shut while crying), then a real blink. Streamed, each face waits
    for the frames that tell the two apart: the lane reads the eyes all through the long closure (their closing is
    an expression's movement) and masks only the blink's shut frames and the frames measured against them; the
    model is told of the blink on those frames and two either side."""
    crop, obs = portrait_obs
    aligned, est = _aligned(crop, obs), AUEstimator(fps=30.0)
    shut_from = {10: 50, 70: 75}  # 40 frames shut, then 5 (a blink)
    out = []
    for f in range(100):
        lids = 0.9 if any(a <= f < b for a, b in shut_from.items()) else 0.0
        out += est.push(0, _narrowed(obs, lids) if lids else obs, aligned, f)
        if f == est.delay - 1:
            assert out == []  # nothing leaves before the frames after it tell
    out += est.flush()
    assert [a.frame_index for a in out] == list(range(100))
    assert min(a.blink for a in out[10:50]) > 0.45 and min(a.blink for a in out[70:75]) > 0.45  # shut, by the score
    lag = est.micro.k
    blink = set(range(70, 75))  # the blink's shut frames, and the frames whose baseline (lag earlier) is one
    assert [a.frame_index for a in out if a.micro.blink] == sorted(blink | {f + lag for f in blink})
    assert all(np.isfinite(a.micro.regions["eyes"]) for a in out[10 + lag:50])
    assert [a.frame_index for a in out if a.near_blink] == list(range(68, 77))


def test_one_face_at_a_time_a_closure_counts_as_ended_at_the_last_frame(portrait_obs):
    """`update` (push + flush) cannot wait for later frames: lids shut are a blink for as long as a blink lasts."""
    crop, obs = portrait_obs
    aligned, est = _aligned(crop, obs), AUEstimator(fps=30.0)
    for f in range(10):
        est.update(0, obs, aligned, f)
    shut = [est.update(0, _narrowed(obs, 0.9), aligned, f) for f in range(10, 50)]
    flags = [a.micro.blink for a in shut]
    assert all(flags[:12]) and not any(flags[-15:]), flags  # 0.4 s, then (after the baseline's lag) no more


def test_the_real_smiles_blink_frame_as_a_photo_reads_the_coded_cheek_raise(smile_clip, tmp_path):
    """Frame 27 of the real clip, mid-blink inside the held smile the coder marked 6+12+25, saved as a photo."""
    import cv2

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source

    with open_source(smile_clip) as src:
        rgb = src.frame(27)
    photo = tmp_path / "smile_blink.png"
    cv2.imwrite(str(photo), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    with open_source(photo) as src:
        (row,) = list(Analysis(src).rows())
    assert row["AU45_r"] >= 1.0 and row["AU12_r"] >= 2.0, row  # mid-blink, smiling
    assert row["AU06_r"] >= 1.5, row  # the cheek raise the coder saw (0 before: the blink hid it)


@pytest.fixture(scope="module")
def smile_rows(smile_table):
    df, notes = smile_table
    return df.set_index("frame"), notes


def _span(notes: pd.DataFrame, state_prefix: str) -> slice:
    row = notes[notes["state"].str.startswith(state_prefix)].iloc[0]
    return slice(int(row["start_frame"]), int(row["end_frame"]))


def test_real_smile_is_held_and_absent_aus_stay_low(smile_rows):
    df, notes = smile_rows
    neutral, held = df.loc[_span(notes, "neutral")], df.loc[_span(notes, "broad smile")]
    assert (df["success"] == 1).all()
    # AU12 stays high through the whole held smile (it sagged to 0.1-0.8 with the old flow estimator).
    assert held["AU12_r"].min() >= 2.0 and held["AU12_r"].median() >= 3.0
    assert neutral["AU12_r"].max() < 1.0
    # AU6 and AU25 are coded in the held smile: they rise.
    for au in ("AU06_r", "AU25_r"):
        assert held[au].mean() >= 1.5 and neutral[au].mean() < 0.5, au
    # AUs that are absent throughout stay low (AU9 and AU4 were the strongest before).
    for au in ("AU01_r", "AU02_r", "AU04_r", "AU09_r", "AU15_r"):
        assert df[au].quantile(0.95) < 1.0, (au, df[au].max())
    # AU10 is not coded: the upper lip rises with the broad smile only (AU10_SMILE_SHARE); it read 1.09, present on
    # 29 frames, once the blendshape scores were mirror-averaged with the share at 0.6
    assert df["AU10_r"].max() < 1.0 and (df["AU10_c"] == 0).all(), df["AU10_r"].max()
    # Both sides of the smile, and a face that is not turning.
    assert held["AU12_L"].min() >= 2.0 and held["AU12_R"].min() >= 2.0
    assert np.degrees(df[["pose_Rx", "pose_Ry", "pose_Rz"]].abs().max()).max() < 15


def test_face_note_names_present_aus_and_hidden_regions():
    from merstudio.features.aus import face_note
    from merstudio.features.blendshape_aus import AU_MAP

    vals = {au_r(a): 0.0 for a in AUS} | {au_c(a): 0 for a in AUS}
    for a in (6, 12, 25):
        vals[au_r(a)], vals[au_c(a)] = 4.0, 1
    assert face_note(vals.get) == "AU 6+12+25"
    blink = vals | {au_r(5): np.nan, au_r(7): np.nan}  # shut lids: AU5/AU7 unknown, the eyes are not hidden
    assert face_note(blink.get) == "AU 6+12+25"
    masked = vals | {au_r(a): np.nan for a, m in AU_MAP.items() if m.region == "mouth"}
    masked |= {au_c(a): 0 for a, m in AU_MAP.items() if m.region == "mouth"}
    assert face_note(masked.get) == "AU 6  mouth hidden"
    hand = masked | {au_r(a): np.nan for a, m in AU_MAP.items() if m.region == "nose"} | {au_c(6): 0}
    assert face_note(hand.get) == "nose, mouth hidden"
    assert face_note({}.get) == ""  # a table without AU columns: nothing to say, nothing hidden
    frown = vals | {au_r(4): 3.0, au_c(4): 1}
    assert face_note(frown.get) == "AU 4+6+12+25"
    assert face_note(frown.get, still=True) == "AU 4?+6+12+25"  # a photo cannot tell AU4 from low-set brows
