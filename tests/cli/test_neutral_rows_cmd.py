"""`merstudio neutral` says which rows it made relative (a neutral_frames column) and which faces it left absolute
(one line on stderr); it refuses --frames past the table, and counts its columns per face."""

import numpy as np
import pandas as pd
import pytest
from support.cli_run import run

from merstudio.cli.main import main


def _two_faces(path, n: int = 72):
    """Two people at 30 fps, both with resting brows at AU04 1.8 (face 1's frown at 40-49 adds 1.0)."""
    f = np.arange(n)
    rows = []
    for face in (0, 1):
        au4 = np.full(n, 1.8) + (face == 1) * ((f >= 40) & (f < 50))
        rows.append(pd.DataFrame({"frame": f, "face_id": face, "timestamp": f / 30.0, "success": 1, "AU04_r": au4,
                                  "AU04_c": (au4 >= 1).astype(int), "AU12_r": 0.1, "AU12_c": 0}))
    pd.concat(rows).sort_values(["frame", "face_id"]).to_csv(path, index=False)
    return path


def test_rows_left_absolute_are_marked_and_the_faces_named(tmp_path, capsys):
    src = _two_faces(tmp_path / "cuts.csv")
    code, text, err = run(capsys, "neutral", src, tmp_path / "n.csv", "--frames", "0-16", "--face", "0")
    assert code == 0, err
    out = pd.read_csv(tmp_path / "n.csv", keep_default_na=False)
    assert list(out.columns) == [*pd.read_csv(src).columns, "neutral_frames"]
    face0, face1 = out[out["face_id"] == 0], out[out["face_id"] == 1]
    assert (face0["neutral_frames"] == "0-16").all() and (face1["neutral_frames"] == "").all()
    assert face0["AU04_r"].astype(float).max() == pytest.approx(0.0) and face1["AU04_r"].astype(float).min() == 1.8
    assert err.strip().splitlines() == [f"{tmp_path / 'n.csv'}: face 1: no neutral frames, left absolute "
                                        "(neutral_frames empty on their rows)"]
    # every face calibrated: nothing said on stderr, the count per face
    code, text, err = run(capsys, "neutral", src, tmp_path / "all.csv", "--frames", "0-16")
    assert code == 0 and err == ""
    assert text.strip().splitlines()[-1].endswith(
        "144 rows; face 0: 2 intensity column(s) relative to neutral frames 0-16; face 1: 2 intensity column(s) "
        "relative to neutral frames 0-16")


def test_frames_past_the_table_are_refused_in_one_line(tmp_path, capsys):
    src = _two_faces(tmp_path / "cuts.csv")
    code, _, err = run(capsys, "neutral", src, tmp_path / "n.csv", "--frames", "60-100")
    assert code != 0 and not (tmp_path / "n.csv").exists()
    assert "--frames 60-100 runs past the table's frames 0-71" in err and len(err.strip().splitlines()) == 1


def test_the_spots_beside_the_table_are_kept_away_from(tmp_path, capsys):
    """merstudio analyze writes <stem>.spots.csv beside the table: the automatic stretch avoids its intervals."""
    f = np.arange(150)
    pd.DataFrame({"frame": f, "face_id": 0, "timestamp": f / 30.0, "success": 1, "AU04_r": 1.8,
                  "AU12_r": 0.1}).to_csv(tmp_path / "v.csv", index=False)
    code, text, err = run(capsys, "neutral", tmp_path / "v.csv", tmp_path / "a.csv")
    assert code == 0 and "neutral frames 0-29" in text  # every second as calm: the earliest
    pd.DataFrame({"face_id": [0], "onset": [8], "offset": [21]}).to_csv(tmp_path / "v.spots.csv", index=False)
    code, text, err = run(capsys, "neutral", tmp_path / "v.csv", tmp_path / "b.csv")
    first = int(text.split("neutral frames ")[1].split("-")[0])
    assert code == 0 and first > 21, text


def test_frames_of_a_table_without_frame_numbers_is_one_line(tmp_path, capsys) -> None:
    """--frames checked against a frame column that holds no numbers: one line (it was a NaN ValueError traceback)."""
    src = tmp_path / "t.csv"
    src.write_text("frame,face_id,AU12_r\nx,0,1\n", encoding="utf-8")
    assert main(["neutral", str(src), str(tmp_path / "o.csv"), "--frames", "0-5"]) == 2
    assert "no frame numbers in its frame column" in capsys.readouterr().err
