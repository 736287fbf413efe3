"""The automatic neutral window is where the face is still (the micro-motion lane, else the AUs' change), not where
the summed AUs are lowest: a brow raise lowers the AU4 a person's resting brows read, so an expression looked
calmer than rest. Real tables: the demo clip (six micro-expressions, resources/demo/truth.csv) and the real smile
clip (neutral 0-16, a broad smile from about frame 18). Also: which rows a relative table made relative."""

import numpy as np
import pandas as pd
import pytest

from merstudio.errors import InputError
from merstudio.features.neutral import (
    NeutralBaseline,
    absolute_note,
    activity,
    calm_window,
    mark_rows,
    moving_frames,
    table_baseline,
)


@pytest.fixture(scope="module")
def demo_table() -> tuple[pd.DataFrame, list[tuple[int, int]], pd.DataFrame]:
    """The demo clip through the whole analysis (6 s on a CPU): (per-frame rows, the spotted intervals, truth)."""
    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.resources import demo_truth, demo_video

    with open_source(demo_video()) as src:
        a = Analysis(src)
        rows = pd.DataFrame(list(a.rows()))
        spots = [(int(s.onset), int(s.offset)) for s in a.spots()]
    return rows, spots, pd.read_csv(demo_truth())


def _overlaps(b: NeutralBaseline, truth: pd.DataFrame) -> list[tuple[int, int]]:
    return [(a, z) for a, z in zip(truth["onset"], truth["offset"], strict=True) if b.first <= z and a <= b.last]


def test_the_demo_neutral_second_is_still_and_touches_no_expression(demo_table):
    """The sum of the AUs is lowest over 173-202, the surprise at 195-202 included (AU4 1.8 -> 0.02 as the brows
    rise): the old rule took it. Still frames only, with or without the spots: no truth interval is touched."""
    df, spots, truth = demo_table
    rows = df[df["success"] == 1].sort_values("frame")
    act = activity({c: rows[c].to_numpy(float) for c in rows.columns if c.endswith("_r")})
    raised = rows["frame"].between(196, 200).to_numpy()
    assert np.nanmean(act[raised]) < np.nanmedian(act) - 1.0  # the surprise reads calmer than rest
    for avoid in ([], spots):
        b = table_baseline(df, 0, avoid=avoid)
        assert b.auto and b.last - b.first + 1 == 30 and not _overlaps(b, truth), (b.first, b.last)
        assert 1.2 < b.values["AU04_r"] < 2.4  # the resting brows' level, not the raise's 0.02
    # without the micro-motion lane (an OpenFace file), the AUs' own change still keeps it off the surprise
    bare = df.drop(columns=[c for c in df.columns if c.startswith("motion")])
    b = table_baseline(bare, 0, avoid=spots)
    assert not _overlaps(b, truth), (b.first, b.last)


def test_the_real_smile_clip_gets_a_window_before_the_smile(smile_table):
    """72 frames: relaxed until about frame 17, then a smile held still for 1.6 s. No still second lies before the
    smile, so a shorter still stretch there is taken, not a still second of the held smile."""
    df, notes = smile_table
    b = table_baseline(df, 0)
    assert b.auto and b.last < 18 and b.last - b.first + 1 >= 10, (b.first, b.last)
    assert b.values["AU12_r"] < 0.5


def test_moving_frames_and_avoided_intervals_are_no_evidence():
    f = np.arange(120)
    cols = {"AU04_r": np.where((f >= 60) & (f < 70), 0.0, 1.8), "AU12_r": np.full(120, 0.1)}
    motion = np.where((f >= 60) & (f < 76), 1.0, 0.08)  # the brows rise at 60-69; the lane sees it till 75
    moving = moving_frames(f, cols, 30.0, motion)
    assert moving[57:79].all() and not moving[:57].any() and not moving[79:].any()  # 0.1 s each side
    first, last, fallback = calm_window(f, activity(cols), 30.0, known=np.ones(120), moving=moving)
    assert not fallback and (last < 57 or first >= 79)
    assert calm_window(f, activity(cols), 30.0)[:2] == (46, 75)  # the old rule: the lowest sum, the raise in it
    # without the lane, the AUs' change over 0.2 s; an avoided interval (a spot, a coded event) too
    moving = moving_frames(f, cols, 30.0, avoid=[(20, 30)])
    assert moving[57:79].any() and moving[17:34].all()


def test_a_photo_is_told_it_cannot_be_calibrated_on_itself():
    with pytest.raises(InputError, match="only 1 frame") as e:
        calm_window(np.array([0]), np.array([2.0]), 30.0, moving=np.array([False]))
    assert "choose the neutral frames yourself" not in str(e.value)  # choosing its 1 frame fails too
    assert "at least 5" in str(e.value) and "\n" not in str(e.value)


def test_the_rows_made_relative_are_marked_and_the_absolute_faces_named():
    df = pd.DataFrame({"frame": [0, 0, 1, 1, 2], "face_id": [0, 1, 0, 1, -1], "AU04_r": [1.0] * 5})
    b = NeutralBaseline(0, 3, 40, {"AU04_r": 1.0}, 38)
    out = mark_rows(df, [b])
    assert list(out.columns) == ["frame", "face_id", "AU04_r", "neutral_frames"]
    assert out["neutral_frames"].tolist() == ["3-40", "", "3-40", "", ""]
    assert list(mark_rows(out, []).columns) == list(out.columns)  # marked again: one column, not two
    assert absolute_note([0, 1, -1], [b]) == "face 1: no neutral frames, left absolute (neutral_frames empty on " \
                                             "their rows)"
    assert absolute_note([0, 2, 1], []).startswith("faces 0, 1, 2: ") and absolute_note([0], [b]) == ""
