"""The automatic neutral window on a table without the micro-motion lane and without spots (an OpenFace 2 file, or
ours written as one by `merstudio convert --to openface`): the lowest level among frames whose summed AU change
stays under AU_MOVING landed on the demo's AU14 dimple (300-312; its AU12 4.97 -> 4.85 is within the still face's
noise in the sum); now, among still stretches about as low, the one whose AUs and head pose change least."""

import numpy as np
import pandas as pd
import pytest

from merstudio.cli.main import main
from merstudio.features.neutral import activity, calm_window, moving_frames, table_baseline
from merstudio.interchange.openface import write_openface


@pytest.fixture(scope="module")
def demo_openface(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo clip through the whole analysis, written as OpenFace writes it (no motion columns, frames from 1,
    its decimals), and read back as `merstudio neutral` reads it; and the clip's truth."""
    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.resources import demo_truth, demo_video

    with open_source(demo_video()) as src:
        rows = pd.DataFrame(list(Analysis(src).rows()))
    path = tmp_path_factory.mktemp("of") / "interview.csv"
    write_openface(rows, path)
    df = pd.read_csv(path, skipinitialspace=True)
    df.columns = [str(c).strip() for c in df.columns]
    return df, pd.read_csv(demo_truth())


def _touches(first: int, last: int, truth: pd.DataFrame) -> list[tuple[int, int]]:
    return [(a, z) for a, z in zip(truth["onset"], truth["offset"], strict=True) if first <= z and a <= last]


def test_the_demo_as_an_openface_file_gets_a_window_clear_of_every_expression(demo_openface, tmp_path, capsys):
    df, truth = demo_openface
    assert "pose_Rx" in df.columns and not any(c.startswith("motion") for c in df.columns)
    b = table_baseline(df, 0)
    first, last = b.first - 1, b.last - 1  # OpenFace numbers frames from 1
    # The AU14 'others' expression (300-312) is not in the table: the learned AUs read AU14 0 over it (a weak shape,
    # docs/aus.md), so nothing in an AU-only file tells it from rest; the window keeps clear of every other one.
    au14 = truth[truth["aus"].astype(str) == "14"].iloc[0]
    assert df.loc[(df["frame"] - 1).between(au14["onset"], au14["offset"]), "AU14_r"].max() < 0.5
    shown = truth.drop(au14.name)
    assert b.auto and b.last - b.first + 1 == 30 and not _touches(first, last, shown), (first, last)
    assert 1.2 < b.values["AU04_r"] < 2.4  # the resting brows' level
    # the command, on the file as written (no spots beside it): the same window
    path = tmp_path / "interview.csv"
    df.to_csv(path, index=False)
    assert main(["neutral", str(path), str(tmp_path / "rel.csv")]) == 0
    assert f"neutral frames {b.first}-{b.last}" in capsys.readouterr().out


def test_the_real_smile_clip_as_an_openface_file_gets_a_window_before_the_smile(smile_table, tmp_path):
    rows, _ = smile_table
    write_openface(rows, tmp_path / "smile.csv")
    df = pd.read_csv(tmp_path / "smile.csv", skipinitialspace=True)
    df.columns = [str(c).strip() for c in df.columns]
    b = table_baseline(df, 0)
    assert b.auto and b.last - 1 < 17 and b.last - b.first + 1 >= 10, (b.first, b.last)  # the smile from ~17
    assert b.values["AU12_r"] < 0.5


def test_a_turning_head_and_a_weak_movement_are_avoided_among_equally_low_stretches():
    """Two AUs jitter at rest; the head turns over 20-60 and a weak AU12 movement (0.15) passes at 100-110, both under
    AU_MOVING, the turn reading a little lower. The stillest of the equally low second is taken: neither."""
    from merstudio.features.neutral import restlessness

    f = np.arange(200)
    rng = np.random.default_rng(0)
    au4 = 1.6 + rng.normal(0, 0.1, len(f)) - 0.15 * ((f >= 20) & (f < 60))
    au12 = np.where((f >= 100) & (f <= 110), 0.25, 0.1)
    cols = {"AU04_r": au4, "AU12_r": au12}
    pose = {"pose_Rx": np.zeros(len(f)), "pose_Ry": 0.2 * np.sin(np.clip(f - 20, 0, 40) / 40 * np.pi),
            "pose_Rz": np.zeros(len(f))}
    moving = moving_frames(f, cols, 30.0)
    assert not moving[20:60].any() and not moving[100:111].any()  # neither is movement by the summed change
    act = activity(cols)
    old = calm_window(f, act, 30.0, known=np.ones(len(f)), moving=moving)
    assert old[0] < 60  # the lowest level: the turn
    first, last, fallback = calm_window(f, act, 30.0, known=np.ones(len(f)), moving=moving,
                                        restless=restlessness(f, cols, 30.0, pose))
    assert not fallback and last - first + 1 == 30
    assert not (first <= 66 and 14 <= last) and not (first <= 116 and 94 <= last), (first, last)
    # without the pose only the AUs' change: the weak movement is still avoided
    first, last, _ = calm_window(f, act, 30.0, known=np.ones(len(f)), moving=moving,
                                 restless=restlessness(f, cols, 30.0))
    assert not (first <= 116 and 94 <= last), (first, last)
