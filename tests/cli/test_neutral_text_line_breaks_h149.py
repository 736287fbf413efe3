"""`merstudio neutral` keeps the input table's other columns: a text cell holding a bare carriage return is quoted
in the LF output (it was written unquoted, and pandas and the csv module split its row there)."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
from support.cli_run import run


def test_a_note_with_a_carriage_return_reads_back_whole(tmp_path, capsys):
    f = np.arange(40)
    notes = ["" for _ in f]
    notes[5] = "looked away\rthen back"
    notes[6] = "two\nlines"
    pd.DataFrame({"frame": f, "face_id": 0, "timestamp": f / 30.0, "success": 1, "AU04_r": 1.8, "AU12_r": 0.1,
                  "note": notes}).to_csv(tmp_path / "v.csv", index=False, lineterminator="\r\n")  # CRLF: quoted
    code, _, err = run(capsys, "neutral", tmp_path / "v.csv", tmp_path / "rel.csv", "--frames", "0-9")
    assert code == 0, err
    back = pd.read_csv(tmp_path / "rel.csv", keep_default_na=False)
    assert len(back) == 40 and back["note"].tolist() == notes
    with open(tmp_path / "rel.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 41 and rows[6][rows[0].index("note")] == "looked away\rthen back"
