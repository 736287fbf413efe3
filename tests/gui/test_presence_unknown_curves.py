"""The app's curves keep an unknown presence unknown (NaN): rows streamed from a run (AUxx_c None) and the stored
analysis read back (results_loader) alike; the stored one read 0 (absent) before, and a streamed row left the
frame's earlier value in place."""

from __future__ import annotations

import numpy as np

from merstudio.gui.results_loader import read_curves
from merstudio.gui.state import CurveBuffer
from merstudio.project import Project


def _row(frame: int, c: int | None, r: float) -> dict:
    return {"frame": frame, "face_id": 0, "success": 1, "AU12_r": r, "AU12_c": c}


def test_a_streamed_row_with_an_unknown_presence_leaves_nan():
    buf = CurveBuffer(5)
    buf.add_rows([_row(i, 1, 2.0) for i in range(5)])
    buf.add_rows([_row(2, None, float("nan")), _row(3, "", float("nan"))])  # a rerun's rows, or a CSV's
    got = buf.get(0, "AU12_c")
    assert got is not None and np.isnan(got[2]) and np.isnan(got[3]) and got[[0, 1, 4]].tolist() == [1, 1, 1]


def test_the_stored_analysis_reads_back_unknown_presences_as_nan(tmp_path):
    video = tmp_path / "v.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=6, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, [_row(i, None, float("nan")) if i in (2, 3) else _row(i, int(i > 3), 1.0 + i / 4)
                                 for i in range(6)])
        proj.finish_analysis(aid)
        buf = read_curves(proj, v.id, 6)
    got = buf.get(0, "AU12_c")
    assert got is not None
    assert np.isnan(got[[2, 3]]).all() and got[[0, 1, 4, 5]].tolist() == [0, 0, 1, 1]
