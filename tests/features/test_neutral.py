"""Per-person neutral baseline (participant calibration): AU intensities relative to a face's own relaxed frames."""

import numpy as np
import pandas as pd
import pytest

from merstudio.errors import InputError
from merstudio.features.neutral import (
    NeutralBaseline,
    activity,
    apply_baselines,
    find_neutral_window,
    known_share,
    presence,
    table_baseline,
    table_fps,
)

FPS = 30.0


def _table(n: int = 300) -> pd.DataFrame:
    """Two people. Face 0's relaxed brows read AU04 1.6 (the estimator's one floor for everyone) and it frowns
    by 2 more over frames 200-214; face 1 is relaxed at 0 and smiles over frames 40-79; a blink at 100-102."""
    rows = []
    for face in (0, 1):
        f = np.arange(n)
        au04 = np.full(n, 1.6) + (face == 0) * 2.0 * ((f >= 200) & (f < 215)) - (face == 1) * 1.6
        au12 = np.where((face == 1) & (f >= 40) & (f < 80), 4.0, 0.1)
        au45 = np.where((f >= 100) & (f < 103), 5.0, 0.0)
        df = pd.DataFrame({"frame": f, "face_id": face, "timestamp": f / FPS, "confidence": 0.98, "success": 1,
                           "AU04_r": au04, "AU12_r": au12, "AU45_r": au45, "AU04_L": au04, "AU04_R": au04})
        for c in ("AU04", "AU12", "AU45"):
            df[f"{c}_c"] = (df[f"{c}_r"] >= 1.0).astype(int)
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    out.loc[(out["face_id"] == 0) & (out["frame"].between(10, 12)), "AU12_r"] = np.nan  # unknown (a hand)
    return out


def test_a_person_offset_is_taken_off_and_the_frown_is_what_remains():
    df = _table()
    b = table_baseline(df, 0, (0, 59))
    assert b.values["AU04_r"] == pytest.approx(1.6) and b.values["AU04_L"] == pytest.approx(1.6)
    assert b.frames == 60 and not b.auto
    rel = apply_baselines(df, [b])
    face0 = rel[rel["face_id"] == 0].set_index("frame")
    assert face0.loc[100, "AU04_r"] == 0 and face0.loc[205, "AU04_r"] == pytest.approx(2.0)
    # presence follows the relative intensity: off at rest (it read "on" all along before), on in the frown
    assert df[df["face_id"] == 0]["AU04_c"].iloc[0] == 1
    assert face0.loc[100, "AU04_c"] == 0 and face0.loc[205, "AU04_c"] == 1
    assert face0.loc[[10, 11, 12], "AU12_r"].isna().all()  # unknown stays unknown
    # the other face, the layout and the input are untouched
    pd.testing.assert_frame_equal(rel[rel["face_id"] == 1], df[df["face_id"] == 1], check_dtype=False)
    assert list(rel.columns) == list(df.columns) and df["AU04_r"].iloc[100] == pytest.approx(1.6)


def test_the_automatic_window_is_the_calmest_second_of_each_face():
    df = _table()
    assert table_fps(df) == pytest.approx(FPS)
    b1 = table_baseline(df, 1)  # face 1 smiles over 40-79: its calm second lies elsewhere
    assert b1.auto and b1.last - b1.first + 1 == 30
    assert not (b1.first <= 79 and b1.last >= 40)
    assert b1.values["AU12_r"] == pytest.approx(0.1)
    # a blink is not activity (AU45 left out); a frame whose AUs are all unknown is not calm, it is unknown
    act = activity({"AU04_r": np.array([0.0, 0.0, np.nan]), "AU45_r": np.array([0.0, 5.0, 0.0])})
    assert act[:2].tolist() == [0.0, 0.0] and np.isnan(act[2])
    f = np.arange(300)
    act = np.where((f >= 40) & (f < 80), 4.0, 0.0)
    act[150:300] = np.nan  # the face is gone: no window there
    first, last = find_neutral_window(f, act, FPS, 1.0)
    assert (first, last) == (0, 29)
    act[:40] = act[80:150] = 0.5  # a stretch calmer than the start
    act[100:130] = 0.0
    assert find_neutral_window(f, act, FPS, 1.0) == (100, 129)


def test_refusals_are_one_line():
    df = _table()
    with pytest.raises(InputError, match="at least 5"):
        table_baseline(df, 0, (10, 12))  # AU12 unknown there, but AU04 known: 3 frames are too few anyway
    gone = df[~((df["face_id"] == 0) & (df["frame"] > 20))]
    with pytest.raises(InputError, match="choose the neutral frames yourself"):
        table_baseline(gone, 0)  # seen over 21 frames, shorter than a second
    with pytest.raises(InputError, match="no rows of face 7"):
        table_baseline(df, 7)


def test_presence_keeps_the_estimators_hysteresis():
    v = np.array([0.0, 1.2, 0.8, 0.7, 0.5, 0.9, 1.0, np.nan, 1.5])
    assert np.array_equal(presence(v), [0, 1, 1, 1, 0, 0, 1, np.nan, 1], equal_nan=True)  # unknown stays unknown


def test_a_baseline_round_trips_through_a_project_setting():
    b = NeutralBaseline(0, 3, 40, {"AU04_r": 1.6}, 38, True)
    assert NeutralBaseline.from_dict(b.to_dict()) == b
    assert "frames 3-40" in b.describe() and "AU04 1.60" in b.describe()


def test_real_face_calibrated_on_the_coders_neutral_frames_keeps_the_smile(smile_table):
    """The real clip: a man relaxed for frames 0-16 (the coder's annotation), then a broad smile (6+12+25) held."""
    df, notes = smile_table
    neutral = notes[notes["state"] == "neutral"].iloc[0]
    b = table_baseline(df, 0, (int(neutral["start_frame"]), int(neutral["end_frame"])))
    assert all(v < 0.5 for c, v in b.values.items() if c.endswith("_r"))  # a relaxed face reads near 0
    rel = apply_baselines(df, [b]).set_index("frame")
    held = rel.loc[20:68]
    assert held["AU12_r"].min() >= 2.0 and held["AU25_r"].mean() >= 1.5 and held["AU06_r"].mean() >= 1.5
    assert held["AU12_c"].all()
    # the automatic window (the calmest second of a 2.4-s clip that is smiling from frame 17) takes the relaxed
    # start and leaves the smile: its levels are medians, and most of its frames are relaxed
    auto = table_baseline(df, 0)
    assert auto.first <= int(neutral["end_frame"]) and auto.values["AU12_r"] < 0.5
    assert apply_baselines(df, [auto]).set_index("frame").loc[20:68, "AU12_r"].min() >= 2.0


def test_a_range_not_calm_throughout_or_still_high_is_said():
    """The automatic second of a clip that starts smiling takes the least active 30 frames, which can be half a
    smile: its median is then the expression, and the line says so. A resting face that reads an AU high (the
    demo portrait's AU12 5.0 throughout) is said too. A calm range is said as before."""
    df = _table()
    calm = table_baseline(df, 1)
    assert "not calm" not in calm.describe() and "even here" not in calm.describe()
    rising = df[df["face_id"] == 1].copy()
    rising = rising[rising["frame"] >= 25]  # relaxed for 15 frames only, then the smile at 40-79
    b = table_baseline(rising, 1, (25, 54))
    assert b.spread > 3.0 and "not calm throughout" in b.describe()
    held = df[df["face_id"] == 1].copy()
    held["AU12_r"] = 4.5
    assert "AU12 reads 4.5 even here" in table_baseline(held, 1).describe()


def test_an_inferred_rate_is_named_when_the_window_does_not_fit():
    df = _table(60)
    df["timestamp"] = df["frame"] * 0.001  # OpenFace's rounding: 1000 fps read from the timestamps
    with pytest.raises(InputError, match="at 1000 fps, read from its timestamps: give the rate, fps= / --fps, if "):
        table_baseline(df, 0)


def _hand_over_mouth(n: int = 300, mouth_known: tuple[int, int] | None = None) -> pd.DataFrame:
    """One face at 30 fps: talking over 0-99 and 240-299 (mouth AUs 2.0), a hand over the mouth at 100-199 (the mouth
    AUs unknown, the upper face quiet at 0.1: a known sum of 0.3), a calm second at 200-239 with every AU known
    (0.1 above, 0.2 at the mouth: a sum of 0.9, higher than the hidden stretch's). `mouth_known`: the mouth is
    known only over these frames (inclusive) instead."""
    f = np.arange(n)
    upper = np.where((f >= 100) & (f < 240), 0.1, 0.3)
    mouth = np.where((f >= 200) & (f < 240), 0.2, 2.0)
    hidden = (f >= 100) & (f < 200) if mouth_known is None else ~((f >= mouth_known[0]) & (f <= mouth_known[1]))
    mouth = np.where(hidden, np.nan, mouth)
    return pd.DataFrame({"frame": f, "face_id": 0, "timestamp": f / FPS, "success": 1, "AU01_r": upper,
                         "AU04_r": upper, "AU06_r": upper, "AU12_r": mouth, "AU25_r": mouth, "AU26_r": mouth,
                         "AU45_r": 0.0, "AU12_L": mouth, "AU12_R": mouth})


def test_a_stretch_with_the_mouth_hidden_is_not_taken_for_calm():
    """Hidden AUs add nothing to the summed activity: a hand over the mouth looked like the calmest second, and its
    mouth columns got no level (left absolute, unsaid). A frame with a large share of its AUs unknown is no evidence
    of calm: the calm second with every AU known is taken, though its sum is higher than the hidden stretch's."""
    df = _hand_over_mouth()
    b = table_baseline(df, 0)
    assert 200 <= b.first and b.last <= 239 and b.last - b.first + 1 == 30  # the old rule: 100-129
    assert b.auto and not b.fallback
    assert b.values["AU12_r"] == pytest.approx(0.2) and b.values["AU12_L"] == pytest.approx(0.2)
    assert b.absolute == () and b.hidden == () and "left absolute" not in b.describe()
    rel = apply_baselines(df, [b]).set_index("frame")
    assert rel.loc[50, "AU12_r"] == pytest.approx(1.8) and rel.loc[50, "AU25_r"] == pytest.approx(1.8)
    # the scale is the sum as before; without the known shares the old rule takes the hidden stretch
    cols = {c: df[c].to_numpy() for c in ("AU01_r", "AU04_r", "AU06_r", "AU12_r", "AU25_r", "AU26_r", "AU45_r")}
    assert activity(cols)[150] == pytest.approx(0.3) and known_share(cols)[150] == pytest.approx(0.5)
    assert find_neutral_window(df["frame"].to_numpy(), activity(cols), FPS) == (100, 129)
    assert find_neutral_window(df["frame"].to_numpy(), activity(cols), FPS, known=known_share(cols)) == (200, 229)


def test_without_a_second_with_every_au_known_the_fallback_and_the_absolute_columns_are_said():
    """The mouth shows only over frames 0-19 (talking): no second has (nearly) every AU known, so the calmest of the
    known AUs is taken as before, and the line says so and names the columns it leaves absolute."""
    b = table_baseline(_hand_over_mouth(mouth_known=(0, 19)), 0)
    line = b.describe()
    assert "no stretch has (nearly) every AU known" in line and "AU12, AU25, AU26 unknown" in line
    assert "left absolute (too few known values here for a level): AU12_r/L/R, AU25_r, AU26_r" in line
    assert b.auto and b.fallback and b.first >= 100
    assert b.absolute == ("AU12_r", "AU25_r", "AU26_r", "AU12_L", "AU12_R")
    assert b.hidden == ("AU12_r", "AU25_r", "AU26_r")
    assert NeutralBaseline.from_dict(b.to_dict()) == b
    # a range chosen over the hidden stretch says the same of its columns, without the fallback
    chosen = table_baseline(_hand_over_mouth(), 0, (100, 129))
    assert not chosen.fallback and chosen.absolute == b.absolute
    assert "left absolute" in chosen.describe() and "no stretch has" not in chosen.describe()


def test_a_variable_frame_rate_clip_takes_the_rate_where_the_face_is():
    """A phone clip at 30 fps while the face is seen (frames 0-59) and 24 fps after, with nobody in view: the whole
    table's median step is 24 fps, and the neutral second was 24 frames, 0.8 s of the face."""
    face = pd.DataFrame({"frame": np.arange(60), "face_id": 0, "timestamp": np.arange(60) / 30.0, "success": 1,
                         "AU04_r": 0.2, "AU12_r": 0.1})
    t0 = 59 / 30.0
    nobody = pd.DataFrame({"frame": np.arange(60, 200), "face_id": -1, "timestamp": t0 + np.arange(1, 141) / 24.0,
                           "success": 0, "AU04_r": np.nan, "AU12_r": np.nan})
    df = pd.concat([face, nobody], ignore_index=True)
    b = table_baseline(df, 0)
    assert b.last - b.first + 1 == 30 and b.frames == 30  # was 24
    assert table_fps(df) == pytest.approx(24.0) and table_fps(df, 0) == pytest.approx(30.0)
    assert table_baseline(df, 0, fps=24.0).frames == 24  # a rate given is the rate used
