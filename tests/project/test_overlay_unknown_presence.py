"""An overlay's presence column with unknown cells (an imported OpenFace or py-feat table whose AUxx_c is empty
where AUxx_r is) reads back unknown: the store turned them into 0, i.e. absent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from merstudio.project import Project


def test_an_unknown_presence_in_an_overlay_reads_back_unknown(tmp_path) -> None:
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=3, width=64, height=48)
        df = pd.DataFrame({"frame": [0, 1, 2], "AU12_r": [2.0, np.nan, 0.1],
                           "AU12_c": pd.array([1, None, 0], dtype="Int8"), "AU06_c": [1, 0, 1]})
        proj.save_overlay(v.id, "OpenFace", df, kind="openface")
        back = proj.load_overlay(v.id, "OpenFace")
    assert back["AU12_c"].iloc[[0, 2]].tolist() == [1, 0] and np.isnan(back["AU12_c"].iloc[1])
    assert back["AU06_c"].dtype == np.int64 and back["AU06_c"].tolist() == [1, 0, 1]  # known: integers as before
