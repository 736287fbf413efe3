"""Our per-frame CSV writes an unknown value (NaN: a covered AU, the micro-motion of a face's first frames, the
pose of a frame without a face) as an empty cell, as it writes an unknown AUxx_c and as OpenFace and R's read.csv
expect, never the text "nan"; every reader (pandas, the chunked table reader, the spots reader) reads it as NaN,
and a table written before with "nan" reads the same. A segment's own rows keep "nan" (`nan_text`), which the
merge writes empty again. The resting-face warning counts an AU over the frames where it is known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from merstudio.analysis.files import _RowWriter, _write_spots_to, read_spot_rows
from merstudio.analysis.outputs import iter_table, read_table
from merstudio.analysis.pipeline import SpotRow

COLUMNS = ["frame", "face_id", "AU12_r", "AU12_c", "motion", "pose_Rx", "x_0"]
ROWS = [
    {"frame": 0, "face_id": 0, "AU12_r": 1.5, "AU12_c": 1, "motion": float("nan"), "pose_Rx": 0.1, "x_0": 3.0},
    {"frame": 1, "face_id": 0, "AU12_r": float("nan"), "AU12_c": None, "motion": np.float32("nan"),
     "pose_Rx": np.float64("nan"), "x_0": 4.0},
    {"frame": 2, "face_id": -1, "AU12_r": 0.0, "AU12_c": 0, "motion": float("nan"), "pose_Rx": float("nan")},
]


def _write(path, rows, nan_text=None):
    w = _RowWriter(path, COLUMNS) if nan_text is None else _RowWriter(path, COLUMNS, nan_text)
    try:
        w.write_all(rows)
    finally:
        w.close()
    return path


def test_unknown_values_are_written_empty_and_read_back_as_nan(tmp_path):
    path = _write(tmp_path / "t.csv", ROWS)
    text = path.read_text()
    assert "nan" not in text  # the old writer: "nan" in motion, pose_Rx and AU12_r
    assert text.splitlines() == ["frame,face_id,AU12_r,AU12_c,motion,pose_Rx,x_0", "0,0,1.5,1,,0.1,3.0",
                                 "1,0,,,,,4.0", "2,-1,0.0,0,,,"]
    df = read_table(path)
    assert df["motion"].isna().all() and np.isnan(df["AU12_r"].iloc[1]) and np.isnan(df["AU12_c"].iloc[1])
    assert df["AU12_c"].iloc[[0, 2]].tolist() == [1, 0] and df["x_0"].tolist()[:2] == [3.0, 4.0]
    chunks = pd.concat(iter_table(path, chunksize=1))  # the chunked reader (spot labels, exports)
    pd.testing.assert_frame_equal(chunks.reset_index(drop=True), df, check_dtype=False)


def test_a_table_written_with_nan_text_reads_the_same(tmp_path):
    new = read_table(_write(tmp_path / "new.csv", ROWS))
    old = tmp_path / "old.csv"  # as analysis revision 12 and earlier wrote it
    old.write_text("frame,face_id,AU12_r,AU12_c,motion,pose_Rx,x_0\n0,0,1.5,1,nan,0.1,3.0\n1,0,nan,,nan,nan,4.0\n"
                   "2,-1,0.0,0,nan,nan,\n")
    pd.testing.assert_frame_equal(read_table(old), new)


def test_a_segment_keeps_nan_text_and_the_merge_writes_it_empty(tmp_path):
    seg = _write(tmp_path / "segment.csv", ROWS, nan_text="nan")
    assert seg.read_text().splitlines()[2] == "1,0,nan,,nan,nan,4.0"  # NaN apart from a cell left empty (null)
    import csv

    with open(seg, newline="") as fh:
        merged = _write(tmp_path / "merged.csv", list(csv.DictReader(fh)))  # rows as text, as merge_segments
    assert merged.read_bytes() == _write(tmp_path / "whole.csv", ROWS).read_bytes()


def test_the_spots_file_writes_an_unknown_score_empty(tmp_path):
    spots = [SpotRow(0, 3, 5, 8, float("nan"), 0.1, 0.1667, 0.2667), SpotRow(1, 10, 11, 12, 0.75, 0.3333, 0.3667, 0.4)]
    path = tmp_path / "x.spots.csv"
    _write_spots_to(path, spots, [None, None])
    assert "nan" not in path.read_text()
    back = read_spot_rows(path)
    assert np.isnan(back[0].score) and back[1] == spots[1] and back[0].onset == 3


def test_a_held_au_is_counted_over_the_frames_where_it_is_known():
    from merstudio.analysis.pipeline import AUS, HELD_MIN_S, _TrackSignals, held_aus
    from merstudio.features.micromotion import MICRO_AUS, MOTION_REGIONS

    fps, n = 30.0, 600

    def track(intensity):
        sig = _TrackSignals()
        for i in range(n):
            aus = [intensity[a](i) if a in intensity else 0.0 for a in AUS]
            sig.add(i, [0.0] * len(MOTION_REGIONS), 0.0, False, False, aus, [0.0] * len(MICRO_AUS))
        return sig

    least = int(HELD_MIN_S * fps)
    covered = track({
        4: lambda i: np.nan if i < 120 else 2.0,  # a hand over the brows for 4 s, the brows lowered all along
        12: lambda i: np.nan if i >= least - 1 else 2.0,  # known on fewer frames than HELD_MIN_S: says nothing
        6: lambda i: np.nan if i < 120 else (2.0 if i % 5 else 0.0),  # known: present in 80 %, not held
    })
    assert held_aus({0: covered}, n, fps) == {0: [4]}  # the old count: AU4 in 80 % of the frames, not held
