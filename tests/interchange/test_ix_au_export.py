"""`merstudio convert RESULT.csv OUT.csv --to openface | --to pyfeat`: our per-frame CSV written for the scripts
people have for OpenFace 2 and py-feat, and read back by `merstudio convert` to the same frames and AUs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.cli_run import run
from support.openface_round_trip import assert_round_trip
from support.pyfeat_files import pyfeat_csv

from merstudio.interchange import read_pyfeat


def ours(path, fps=30.0):
    """A per-frame CSV as `merstudio analyze` writes it: frames from 0, two faces on frame 2, no face on frame 3,
    AU05 unreliable (NaN) on frame 1, its presence unknown (empty) there, and columns OpenFace does not have (sides,
    motion, micro-motion)."""
    rows = []
    for f in range(6):
        for face in ((0, 1) if f == 2 else (-1,) if f == 3 else (0,)):
            found = face >= 0
            r12 = [0.0, 0.4, 2.5, 0.0, 4.25, 5.0][f] + 0.3 * max(face, 0) if found else np.nan
            rows.append({"frame": f, "face_id": face, "timestamp": f / fps, "confidence": 0.97 if found else 0.0,
                         "success": int(found), "pose_Rx": 0.0123 if found else np.nan, "pose_Ry": -0.2,
                         "pose_Rz": 0.05, "AU05_r": np.nan if f in (1, 3) else 0.5, "AU12_r": r12,
                         "AU45_r": 1.0 if found else np.nan, "AU05_c": None if f == 1 else 0, "AU12_c": int(found and r12 >= 1.0),
                         "AU45_c": int(found), "AU12_L": 0.1, "AU12_R": 0.2, "motion": 0.3, "blink": 0,
                         "AU12_m": 0.01})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_to_openface_is_read_by_an_openface_script_unchanged(tmp_path, capsys):
    src = ours(tmp_path / "clip.csv")
    code, out, err = run(capsys, "convert", src, tmp_path / "of.csv", "--to", "openface")
    assert code == 0, err
    lines = (tmp_path / "of.csv").read_text().splitlines()
    # OpenFace 2's order for the columns we have, ", " between them; no side, motion or micro-motion columns
    # (pose_T* and AU28_c, which OpenFace always writes and py-feat's reader needs, there but empty: not measured)
    assert lines[0] == ("frame, face_id, timestamp, confidence, success, pose_Tx, pose_Ty, pose_Tz, pose_Rx, pose_Ry, "
                        "pose_Rz, AU05_r, AU12_r, AU45_r, AU05_c, AU12_c, AU28_c, AU45_c")
    assert lines[1] == "1, 0, 0.000, 0.97, 1,,,, 0.012, -0.200, 0.050, 0.50, 0.00, 1.00, 0.0, 0.0,, 1.0"
    # AU05 unknown: empty, its presence too (not 0, absent)
    assert lines[2] == "2, 0, 0.033, 0.97, 1,,,, 0.012, -0.200, 0.050,, 0.40, 1.00,, 0.0,, 1.0"
    df = pd.read_csv(tmp_path / "of.csv")  # as OpenFace scripts read it: names with their leading space
    assert list(df.columns[:3]) == ["frame", " face_id", " timestamp"]
    assert all(df[c].dtype.kind in "if" for c in df.columns)  # every column numeric, NaN where unknown
    assert df["frame"].tolist() == [1, 2, 3, 3, 4, 5, 6]  # frames from 1, two faces on OpenFace's frame 3
    assert df[" face_id"].tolist() == [0, 0, 0, 1, 0, 0, 0]  # the frame without a face: face 0, success 0
    assert df[" success"].tolist() == [1, 1, 1, 1, 0, 1, 1]
    assert df[" AU12_r"].iloc[4] != df[" AU12_r"].iloc[4] and df[" AU12_r"].iloc[3] == pytest.approx(2.8)
    assert df[" AU12_c"].fillna(-1).tolist() == [0, 0, 1, 1, -1, 1, 1]  # no face: AU12_r and AU12_c unknown
    assert df[" AU28_c"].isna().all() and df[" pose_Tx"].isna().all()
    assert "AU28_c" in err and "gaze" in err and "pose_Tx" in err and err.count("\n") == 1  # one note line
    assert "frames from 1" in out


def test_to_openface_reads_back_to_the_same_frames_and_aus(tmp_path, capsys):
    src = ours(tmp_path / "clip.csv")
    assert run(capsys, "convert", src, tmp_path / "of.csv", "--to", "openface")[0] == 0
    code, out, err = run(capsys, "convert", tmp_path / "of.csv", tmp_path / "back.csv")
    assert code == 0 and err == "", err
    assert "frames numbered from 1" in out
    assert_round_trip(pd.read_csv(src), pd.read_csv(tmp_path / "back.csv"), tmp_path / "of.csv", frames=6)


def test_to_pyfeat_writes_its_names_at_a_stated_scale_and_reads_back(tmp_path, capsys):
    src = ours(tmp_path / "clip.csv")
    code, out, err = run(capsys, "convert", src, tmp_path / "feat.csv", "--to", "pyfeat")
    assert code == 0, err
    df = pd.read_csv(tmp_path / "feat.csv")
    assert list(df.columns) == ["FaceScore", "AU05", "AU12", "frame", "Identity"]  # no AU45: not py-feat's
    assert df["AU12"].tolist()[:3] == pytest.approx([0.0, 0.08, 0.5])  # AUxx_r / 5
    assert df["AU12"].iloc[6] == 1.0 and np.isnan(df["AU12"].iloc[4]) and np.isnan(df["FaceScore"].iloc[4])
    assert df["frame"].tolist() == [0, 1, 2, 2, 3, 4, 5]
    assert df["Identity"].fillna("").tolist() == ["Person_0"] * 3 + ["Person_1", ""] + ["Person_0"] * 2
    assert "AUxx_r / 5" in err and "not py-feat's model" in err and "AU45" in err
    back = read_pyfeat(tmp_path / "feat.csv", fps=30.0).frames
    assert back["face_id"].tolist() == [0, 0, 0, 1, -1, 0, 0]
    a = pd.read_csv(src)
    np.testing.assert_allclose(back["AU12_p"] * 5, a["AU12_r"])
    # a py-feat table goes back to py-feat with its probabilities as they were, and not to OpenFace
    assert run(capsys, "convert", tmp_path / "feat.csv", tmp_path / "feat2.csv", "--to", "pyfeat")[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "feat2.csv"), df)
    code, out, err = run(capsys, "convert", tmp_path / "feat.csv", tmp_path / "of.csv", "--to", "openface")
    assert code == 2 and "not OpenFace's intensities" in err and not (tmp_path / "of.csv").exists()


def test_to_openface_or_pyfeat_takes_a_per_frame_table_only(tmp_path, capsys):
    ev = tmp_path / "coded.events.csv"
    ev.write_text("video,onset,apex,offset,emotion,aus\nclip.mp4,1,2,3,happiness,12\n")
    code, out, err = run(capsys, "convert", ev, tmp_path / "of.csv", "--to", "openface")
    assert code == 2 and "not a per-frame AU table" in err and not (tmp_path / "of.csv").exists()
    src = ours(tmp_path / "clip.csv")
    code, out, err = run(capsys, "convert", src, tmp_path / "of.tsv", "--to", "openface")
    assert code == 2 and "give an OUT ending in .csv" in err


def test_a_py_feat_file_goes_back_to_py_feat_with_its_boxes_faces_and_probabilities(tmp_path, capsys):
    rows = [(0, 1, 400.0), (0, 0, 80.0), (1, -1, 0.0), (2, 0, 90.0)]  # two faces, then a frame without one
    src = pyfeat_csv(tmp_path / "feat.csv", rows, version="0.7")
    code, out, err = run(capsys, "convert", src, tmp_path / "again.csv", "--to", "pyfeat")
    assert code == 0, err
    assert "probabilities as they were" in err and "FaceRect" not in err
    a, b = read_pyfeat(src, fps=30.0).frames, read_pyfeat(tmp_path / "again.csv", fps=30.0).frames
    cols = ["frame", "face_id", "success", "box_x0", "box_y0", "box_x1", "box_y1", "AU12_p", "AU43_p", "AU12_c"]
    pd.testing.assert_frame_equal(b[cols], a[cols])
