"""`merstudio neutral`: an OpenFace 2 CSV (1-based frames, ", " separators, landmark columns) comes back with the
same layout and numbering, its AU intensities relative to each person's neutral frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.cli_run import run


def _openface_csv(path: Path, n: int = 120) -> Path:
    """OpenFace FeatureExtraction's layout: frames from 1, a space after each comma, landmark columns between."""
    f = np.arange(1, n + 1)
    au04 = 1.6 + 2.0 * ((f >= 80) & (f < 95))  # relaxed brows read 1.6 for this person; a frown at 80-94
    df = pd.DataFrame({"frame": f, "face_id": 0, "timestamp": (f - 1) / 30.0, "confidence": 0.98, "success": 1,
                       "x_0": 100.5, "y_0": 80.25, "AU04_r": au04, "AU12_r": 0.2, "AU04_c": 1, "AU12_c": 0})
    path.write_text(df.to_csv(index=False).replace(",", ", "))
    return path


def test_openface_file_relative_to_chosen_and_found_neutral_frames(tmp_path, capsys):
    src = _openface_csv(tmp_path / "P01.csv")
    out = tmp_path / "P01_neutral.csv"
    code, text, err = run(capsys, "neutral", src, out, "--frames", "1-30")
    assert code == 0, err
    assert "face 0: neutral frames 1-30 (chosen, 30 with the face): AU04 1.60" in text
    a = pd.read_csv(src, skipinitialspace=True)
    b = pd.read_csv(out, skipinitialspace=True)
    assert list(b.columns) == [*a.columns, "neutral_frames"] and b["frame"].tolist() == a["frame"].tolist()  # kept
    assert b["x_0"].tolist() == a["x_0"].tolist()
    assert b.loc[b["frame"] == 10, "AU04_r"].item() == 0 and b.loc[b["frame"] == 85, "AU04_r"].item() == 2.0
    assert b.loc[b["frame"] == 10, "AU04_c"].item() == 0 and b.loc[b["frame"] == 85, "AU04_c"].item() == 1
    # found automatically: a calm second away from the frown; refuses to overwrite without --overwrite
    code, text, err = run(capsys, "neutral", src, out)
    assert code != 0 and "already exists" in err
    code, text, err = run(capsys, "neutral", src, out, "--overwrite")
    assert code == 0 and "found automatically" in text
    first, last = (int(x) for x in text.split("neutral frames ")[1].split(" ")[0].split("-"))
    assert last - first + 1 == 30 and (last < 80 or first > 94)


def test_openface_header_spelling_is_kept(tmp_path, capsys):
    """OpenFace's ", " header (h225): a script reading the input with df[' AU12_r'] reads the output the same way."""
    src = _openface_csv(tmp_path / "P01.csv")
    out = tmp_path / "P01_neutral.csv"
    code, _, err = run(capsys, "neutral", src, out, "--frames", "1-30")
    assert code == 0, err
    assert out.read_text().splitlines()[0] == src.read_text().splitlines()[0] + ", neutral_frames"
    b = pd.read_csv(out)
    assert b[" AU04_r"].max() == 2.0 and b[" neutral_frames"].iloc[0].strip() == "1-30"


@pytest.mark.parametrize("argv, message", [
    (["--frames", "ten-20"], "expected A-B"),
    (["--face", "3"], "no face 3"),
    (["--frames", "1-3"], "at least 5"),
    (["--seconds", "inf"], "--seconds must be a positive number"),
    (["--fps", "inf"], "--fps must be a positive number"),
])
def test_bad_arguments_are_one_line_errors(tmp_path, capsys, argv, message):
    src = _openface_csv(tmp_path / "P01.csv")
    code, _, err = run(capsys, "neutral", src, tmp_path / "out.csv", *argv)
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_input_is_never_overwritten(tmp_path, capsys):
    src = _openface_csv(tmp_path / "P01.csv")
    before = src.read_bytes()
    code, _, err = run(capsys, "neutral", src, src, "--overwrite")
    assert code != 0 and "is the input" in err and src.read_bytes() == before


def test_a_table_without_a_face_is_one_line(tmp_path, capsys):
    src = tmp_path / "none.csv"
    src.write_text("frame,face_id,timestamp,confidence,success,AU12_r,AU12_c\n0,-1,0,0,0,0,0\n1,-1,0.033,0,0,0,0\n")
    code, _, err = run(capsys, "neutral", src, tmp_path / "out.csv")
    assert code == 2 and "no face in the table" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def _hand_over_mouth_csv(path: Path) -> Path:
    """merstudio's layout at 30 fps: talking (mouth AUs 2.0) over 0-99 and 240-299, a hand over the mouth at 100-199
    (mouth unknown, upper face 0.1), a calm second at 200-239 with every AU known (0.1, the mouth 0.2)."""
    f = np.arange(300)
    upper = np.where((f >= 100) & (f < 240), 0.1, 0.3)
    mouth = np.where((f >= 100) & (f < 200), np.nan, np.where((f >= 200) & (f < 240), 0.2, 2.0))
    pd.DataFrame({"frame": f, "face_id": 0, "timestamp": f / 30.0, "confidence": 0.98, "success": 1,
                  "AU01_r": upper, "AU04_r": upper, "AU12_r": mouth, "AU25_r": mouth, "AU26_r": mouth,
                  "AU12_L": mouth, "AU12_R": mouth}).to_csv(path, index=False)
    return path


def test_a_hidden_mouth_is_not_the_neutral_second_and_columns_left_absolute_are_named(tmp_path, capsys):
    src = _hand_over_mouth_csv(tmp_path / "hand.csv")
    code, text, err = run(capsys, "neutral", src, tmp_path / "auto.csv")
    assert code == 0, err
    first, last = (int(x) for x in text.split("neutral frames ")[1].split(" ")[0].split("-"))
    assert 200 <= first and last <= 239 and "left absolute" not in text
    assert "7 intensity column(s) relative to neutral" in text
    # frames chosen over the hand: the mouth's columns get no level and stay absolute, said in the summary too
    code, text, err = run(capsys, "neutral", src, tmp_path / "chosen.csv", "--frames", "100-129")
    assert code == 0, err
    summary = text.strip().splitlines()[-1]
    assert summary.endswith("face 0: 2 intensity column(s) relative to neutral frames 100-129, 5 left absolute (no "
                            "level, unknown on the neutral frames): AU12_r/L/R, AU25_r, AU26_r")
    b = pd.read_csv(tmp_path / "chosen.csv")
    assert b.loc[b["frame"] == 50, "AU12_r"].item() == 2.0  # absolute: as it was
    assert b.loc[b["frame"] == 50, "AU04_r"].item() == pytest.approx(0.2)  # 0.3 - 0.1


def test_a_variable_frame_rate_file_gets_a_second_of_the_faces_frames(tmp_path, capsys):
    """30 fps while the face is seen (frames 0-59), 24 fps after with nobody: the neutral second is 30 frames."""
    face = pd.DataFrame({"frame": np.arange(60), "face_id": 0, "timestamp": np.arange(60) / 30.0, "success": 1,
                         "AU04_r": 0.2, "AU12_r": 0.1})
    nobody = pd.DataFrame({"frame": np.arange(60, 200), "face_id": -1, "success": 0,
                           "timestamp": 59 / 30.0 + np.arange(1, 141) / 24.0})
    src = tmp_path / "vfr.csv"
    pd.concat([face, nobody], ignore_index=True).to_csv(src, index=False)
    code, text, err = run(capsys, "neutral", src, tmp_path / "out.csv")
    assert code == 0, err
    assert "neutral frames 0-29 (found automatically, 30 with the face)" in text
