"""Kappa on presence compares the frames where both per-frame tables know the presence: a frame whose AUxx_c is
unknown (empty: the region covered) in either table is left out, never counted as an agreement on absence, whether
the table comes from our CSV or from the project; a presence-only table's n_frames says how many frames were
compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.agreement.frames import frame_icc
from merstudio.project import Project

N = np.nan
OURS_C = [0, 0, 1, 1, N, N, 1, 0, 0, 0]  # AU12 unknown on frames 4-5 (a hand over the mouth)
THEIRS_C = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1]
# on the 8 frames both know: ours 0 0 1 1 1 0 0 0, theirs 0 0 1 0 1 0 0 1: p_o 6/8, p_e (3/8)^2 + (5/8)^2
KAPPA = (6 / 8 - 34 / 64) / (1 - 34 / 64)  # 7/15; with the unknown frames read as 0 (absent) it was 0.2


def _table(c: list[float], r: list[float] | None = None, kind: str = "r") -> pd.DataFrame:
    n = len(c)
    df = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "timestamp": np.arange(n) / 30.0, "confidence": 0.9,
                       "success": 1})
    df[f"AU12_{kind}"] = r if r is not None else [2.0 if v == 1 else 0.2 for v in c]
    df["AU12_c"] = c
    return df


def _ours() -> pd.DataFrame:
    return _table(OURS_C, [0.2, 0.1, 2.0, 1.5, N, N, 2.2, 0.3, 0.1, 0.4])


def test_kappa_leaves_out_the_frames_either_table_does_not_know():
    res = frame_icc(_ours(), _table(THEIRS_C)).set_index("au")
    assert res.loc[12, "kappa_presence"] == pytest.approx(KAPPA)
    swapped = frame_icc(_table(THEIRS_C), _ours()).set_index("au")
    assert swapped.loc[12, "kappa_presence"] == pytest.approx(KAPPA)


def test_presence_alone_counts_the_frames_compared():
    # py-feat-like tables (AUxx_p probabilities, no intensities): n_frames is what the kappa compared
    a = _table(OURS_C, [0.1, 0.1, 0.9, 0.8, N, N, 0.9, 0.2, 0.1, 0.3], kind="p")
    b = _table(THEIRS_C, kind="p")
    row = frame_icc(a, b).set_index("au").loc[12]
    assert row["kappa_presence"] == pytest.approx(KAPPA) and row["n_frames"] == 8
    assert np.isnan(row["icc2_1"])


def test_our_stored_table_read_back_from_the_project_keeps_them_unknown(tmp_path):
    video = tmp_path / "v.avi"
    video.write_bytes(b"\0" * 4096)  # the store hashes the file, nothing decodes it
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=10, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        rows = _ours().to_dict("records")
        for r in rows:  # as the analysis hands them over: None where the presence is unknown
            r["AU12_c"] = None if np.isnan(r["AU12_c"]) else int(r["AU12_c"])
        proj.append_frames(aid, rows)
        proj.finish_analysis(aid)
        stored = proj.load_frames(v.id)
    res = frame_icc(stored, _table(THEIRS_C)).set_index("au")
    assert res.loc[12, "kappa_presence"] == pytest.approx(KAPPA)
