"""An AU's presence that a file leaves unknown is read as unknown (NaN), never as 0, which says "absent": an empty
AUxx_c in an OpenFace-style CSV (merstudio's own since analysis revision 12, where the intensity is unknown), a
py-feat face whose AU probability is missing. A frame without a face keeps presence 0, as OpenFace writes it; a
column with every presence known stays integer. The unknown survives the project's overlay and the way back to
our per-frame CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.pyfeat_files import pyfeat_csv

from merstudio.interchange import read_openface, read_pyfeat
from merstudio.interchange.au_tables import read_au_table


def _ours(path):
    """merstudio's per-frame CSV: AU12 covered (empty) on frame 1, no face on frame 2, AU04 known throughout."""
    path.write_text("frame,face_id,timestamp,confidence,success,AU04_r,AU12_r,AU04_c,AU12_c\n"
                    "0,0,0.0,0.98,1,1.5,2.0,1,1\n"
                    "1,0,0.0333,0.6,1,1.4,,1,\n"
                    "2,-1,0.0667,0.0,0,0.0,0.0,0,0\n"
                    "3,0,0.1,0.98,1,0.2,0.3,0,0\n")
    return path


def test_an_empty_presence_reads_unknown_not_absent(tmp_path):
    df = read_openface(_ours(tmp_path / "clip.csv"), fps=30.0).frames
    assert np.isnan(df["AU12_c"].iloc[1])  # the old reader: 0, absent
    assert df["AU12_c"].tolist()[::2] == [1, 0] and df["AU12_c"].iloc[2] == 0  # no face: 0, as OpenFace writes
    assert df["AU04_c"].dtype == np.int64 and df["AU04_c"].tolist() == [1, 1, 0, 0]


def test_openface_s_own_empty_presence_cell_too(tmp_path):
    p = tmp_path / "of.csv"
    p.write_text("frame, face_id, timestamp, confidence, success, AU04_r, AU04_c\n"
                 "1, 0, 0.000, 0.9, 1, 1.5, 1.0\n2, 0, 0.033, 0.9, 1,,\n3, 0, 0.067, 0.9, 0, 0.0, 0.0\n")
    df = read_openface(p, fps=30.0).frames
    assert df["AU04_c"].iloc[0] == 1 and np.isnan(df["AU04_c"].iloc[1]) and df["AU04_c"].iloc[2] == 0


def test_a_missing_py_feat_probability_is_an_unknown_presence(tmp_path):
    path = pyfeat_csv(tmp_path / "feat.csv", [(0, 0, 90.0), (1, 0, 90.0), (2, -1, 0.0), (3, 0, 90.0)])
    raw = pd.read_csv(path)
    raw.loc[1, "AU12"] = np.nan  # the face found, its AU12 not given
    raw.loc[3, "AU12"] = 0.9
    raw.to_csv(path, index=False)
    df = read_pyfeat(path, fps=30.0, frame_count=4).frames
    assert np.isnan(df["AU12_p"].iloc[1]) and np.isnan(df["AU12_c"].iloc[1])  # the old reader: 0, absent
    assert df["AU12_c"].iloc[3] == 1 and df["AU12_c"].iloc[0] == 0
    assert df["success"].iloc[2] == 0 and df["AU12_c"].iloc[2] == 0  # no face: 0, as before
    assert df["AU01_c"].dtype == np.int64  # every presence known: integers


def test_the_unknown_survives_the_overlay_and_the_way_back_to_our_csv(tmp_path, capsys):
    from support.cli_run import run, tiny_video

    from merstudio.project import Project

    table = read_au_table(_ours(tmp_path / "clip.csv"), "openface", fps=30.0)
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(tiny_video(tmp_path / "clip.avi", n=4), 30.0, 4, 64, 48)
        p.save_overlay(v.id, "OpenFace", table.frames, kind="openface")
        back = p.load_overlay(v.id, "OpenFace")
    assert np.isnan(back["AU12_c"].iloc[1]) and back["AU12_c"].iloc[0] == 1
    assert run(capsys, "convert", tmp_path / "clip.csv", tmp_path / "copy.csv")[0] == 0
    copy = pd.read_csv(tmp_path / "copy.csv")
    assert np.isnan(copy["AU12_c"].iloc[1]) and copy["AU12_c"].iloc[2] == 0
    cells = [line.split(",")[-1] for line in (tmp_path / "copy.csv").read_text().splitlines()[1:]]
    assert cells == ["1", "", "0", "0"]  # presences as integers, not 1.0 / 0.0 beside the empty cell
    assert copy["AU04_c"].tolist() == [1, 1, 0, 0]


@pytest.mark.parametrize("cell", ["", "nan"])
def test_an_older_table_s_nan_text_reads_as_an_empty_cell_does(tmp_path, cell):
    path = _ours(tmp_path / "clip.csv")
    path.write_text(path.read_text().replace("1.4,,1,", f"1.4,{cell},1,{cell}"))
    df = read_openface(path, fps=30.0).frames
    assert np.isnan(df["AU12_r"].iloc[1]) and np.isnan(df["AU12_c"].iloc[1])
