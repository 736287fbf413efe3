"""merstudio.csv_write: rows end in "\\n" (or the end asked for) and a cell holding a bare carriage return or a line
feed is quoted, so pandas and the csv module read the row back whole (Python's csv quotes a line break only when the
terminator holds it: with "\\n", a bare "\\r" went out unquoted and split the row)."""

from __future__ import annotations

import csv
import io

import pandas as pd

from merstudio.csv_write import frame_to_csv, row_writer

TEXT = ["a bare\rreturn", "a line\nfeed", "both\r\nat once", "trailing\r", "plain"]


def test_a_frame_reads_back_whole(tmp_path):
    df = pd.DataFrame({"note": TEXT, "n": [1.5, None, 3.0, 4.0, 5.0]})
    frame_to_csv(df, tmp_path / "t.csv", index=False)
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"note,n\n") and raw.endswith(b"plain,5.0\n") and b'"a bare\rreturn",1.5\n' in raw
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "t.csv"), df)
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as fh:
        assert [r[0] for r in csv.reader(fh)] == ["note", *TEXT]


def test_appended_chunks_keep_one_header(tmp_path):
    frame_to_csv(pd.DataFrame({"note": TEXT[:2]}), tmp_path / "t.csv", index=False)
    frame_to_csv(pd.DataFrame({"note": TEXT[2:]}), tmp_path / "t.csv", mode="a", header=False, index=False)
    assert pd.read_csv(tmp_path / "t.csv")["note"].tolist() == TEXT


def test_rows_end_as_asked():
    for end in ("\n", "\r\n"):
        buf = io.StringIO(newline="")
        row_writer(buf, end, delimiter="\t").writerows([["note", "n"], *([t, "1"] for t in TEXT)])
        text = buf.getvalue()
        assert text.startswith("note\tn" + end) and text.endswith("plain\t1" + end)
        assert [r[0] for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t")] == ["note", *TEXT]
