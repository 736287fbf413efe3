"""Per-frame AU tables: ICC between two tables, and a table read as a coder of events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.agreement.frames import events_from_frames, frame_icc
from merstudio.agreement.stats import icc


def table(n: int = 120, noise: float = 0.0, aus: tuple[int, ...] = (1, 4, 12)) -> pd.DataFrame:
    t = np.arange(n)
    df = pd.DataFrame({"frame": t, "face_id": 0, "timestamp": t / 30, "confidence": 0.98, "success": 1})
    for a in aus:
        base = np.clip(2.5 + 2 * np.sin(t / 9 + a), 0, 5)
        df[f"AU{a:02d}_r"] = np.clip(base + (np.random.default_rng(a).normal(0, noise, n) if noise else 0), 0, 5)
        df[f"AU{a:02d}_c"] = (df[f"AU{a:02d}_r"] > 2.5).astype(int)
    return df


def test_identical_tables_agree_perfectly() -> None:
    res = frame_icc(table(), table())
    assert res["au"].tolist() == [1, 4, 12]
    assert np.allclose(res[["icc1_1", "icc2_1", "icc3_1", "icc2_k", "icc3_k"]].to_numpy(), 1.0)
    assert (res["kappa_presence"] == 1.0).all()
    assert (res["n_frames"] == 120).all()


def test_openface_spelling_untracked_rows_and_shared_frames_only() -> None:
    ours = table(noise=0.0)
    theirs = table(noise=0.4).iloc[10:]  # starts later
    theirs = theirs.assign(success=np.where(theirs["frame"] % 10 == 0, 0, 1))
    theirs = theirs.rename(columns={c: " " + c for c in theirs.columns if c != "frame"})  # OpenFace's spaces
    theirs = theirs.drop(columns=[" AU04_r", " AU04_c"]).rename(columns={" AU12_c": "AU12_c"})
    res = frame_icc(ours, theirs)
    assert res["au"].tolist() == [1, 12]
    n = len([f for f in range(10, 120) if f % 10 != 0])
    assert (res["n_frames"] == n).all()
    # the ICC equals the one of the paired columns computed directly
    keep = [f for f in range(10, 120) if f % 10 != 0]
    direct = icc(np.column_stack([ours.set_index("frame").loc[keep, "AU01_r"],
                                  table(noise=0.4).set_index("frame").loc[keep, "AU01_r"]]))
    assert res.iloc[0]["icc2_1"] == pytest.approx(direct.icc2_1)
    assert 0.5 < res.iloc[0]["icc2_1"] < 1.0


def test_tables_pair_by_face() -> None:
    a = pd.concat([table().assign(face_id=0), table(noise=1.0).assign(face_id=1)])
    b = pd.concat([table().assign(face_id=1), table(noise=1.0).assign(face_id=0)])
    assert frame_icc(a, a)["icc2_1"].min() == pytest.approx(1.0)
    assert frame_icc(a, b)["icc2_1"].max() < 0.99


def test_missing_frame_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="frame"):
        frame_icc(table().drop(columns="frame"), table())


def test_events_from_frames_runs_apex_aus_and_emotion() -> None:
    n = 60
    df = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "success": 1})
    for a in (4, 12):
        df[f"AU{a:02d}_r"] = 0.0
        df[f"AU{a:02d}_c"] = 0
    df.loc[10:19, "AU12_c"] = 1
    df.loc[10:19, "AU12_r"] = [1, 2, 3, 4, 5, 4, 3, 2, 1, 1]
    df.loc[12:13, "AU04_c"] = 1  # present in 2 of 10 frames: not one of the event's AUs
    df.loc[30, "AU04_c"] = 1  # one frame: shorter than min_frames
    df.loc[40:44, "AU04_c"] = 1
    df.loc[46:48, "AU04_c"] = 1  # a one-frame gap
    df.loc[40:48, "AU04_r"] = 2.0
    df["p_happiness"] = np.where(df["frame"] < 25, 0.8, 0.1)
    df["p_disgust"] = np.where(df["frame"] < 25, 0.2, 0.9)
    evs = events_from_frames(df, video_id=3, coder="net", min_frames=2)
    assert [(e.onset, e.apex, e.offset, e.aus, e.emotion) for e in evs] == [
        (10, 14, 19, "12", "happiness"), (40, 40, 44, "4", "disgust"), (46, 46, 48, "4", "disgust")]
    assert all(e.coder == "net" and e.source == "model" and e.video_id == 3 for e in evs)
    bridged = events_from_frames(df, video_id=3, max_gap=1)
    assert [(e.onset, e.offset) for e in bridged] == [(10, 19), (40, 48)]
    assert events_from_frames(df.drop(columns=["AU04_c", "AU12_c"]), 3) == []
