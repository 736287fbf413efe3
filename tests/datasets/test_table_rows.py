"""One reader for the header-row CSV tables (merstudio.datasets.parse.read_table_rows): the generic sample table
(`table:`) and the spotting ground-truth table read their header, delimiter and cells the same way and refuse a bad
table in the same one line."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from merstudio.analysis.spotting_eval import table_truth
from merstudio.datasets import load_samples
from merstudio.errors import InputError


def test_rows_keyed_by_normalised_column_blank_rows_left_out(tmp_path):
    from merstudio.datasets.parse import read_table_rows

    p = tmp_path / "t.csv"
    p.write_bytes("\ufeffVideo,Onset, OFFSET ,Face Box,other\r\nv1,1,2\r\n,,\r\nv2,3,4,1 2 3 4,x\r\n".encode())
    rows = read_table_rows(p, "sample table", ("video", "onset", "offset"), ("type", "face_box"))
    assert rows == [(2, {"video": "v1", "onset": "1", "offset": "2", "facebox": ""}),
                    (4, {"video": "v2", "onset": "3", "offset": "4", "facebox": "1 2 3 4"})]


def _sample_table(tmp_path, sep: str):
    img = tmp_path / "a.png"
    assert cv2.imwrite(str(img), np.zeros((30, 30, 3), np.uint8))
    p = tmp_path / "samples.csv"
    p.write_text(sep.join(("subject", "sample", "label", "path")) + "\n" + sep.join(("s1", "x", "happy", "a.png"))
                 + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("sep", [";", "\t"])
def test_both_tables_read_a_semicolon_or_tab_table(tmp_path, sep):
    """Excel writes ";" in comma-decimal locales and a tab as "Unicode text": told by the header line."""
    ds = load_samples("table", _sample_table(tmp_path, sep), check_images=False, verbose=False)
    assert [(s.subject, s.sample, s.label) for s in ds] == [("s1", "x", "happy")]
    (tmp_path / "v1").mkdir()
    gt = tmp_path / "gt.csv"
    gt.write_text(sep.join(("video", "onset", "offset")) + "\n" + sep.join(("v1", "3", "9")) + "\n", encoding="utf-8")
    (video,) = table_truth(gt).videos
    assert [(g.onset, g.offset) for g in video.gt] == [(3, 9)]


def test_a_long_header_is_named_in_a_short_line_by_both(tmp_path):
    """The sample table listed every header cell whole in its refusal (a wrong file: a line of any length)."""
    p = tmp_path / "wrong.csv"
    p.write_text(",".join(["x" * 5000] * 30) + "\n1\n", encoding="utf-8")
    for read in (lambda: load_samples("table", p, verbose=False), lambda: table_truth(p)):
        with pytest.raises(InputError) as exc:
            read()
        msg = str(exc.value)
        assert "missing column(s)" in msg and "found xxx" in msg and len(msg) < 800, len(msg)
        assert "\n" not in msg


def test_a_broken_record_is_one_line_naming_the_row(tmp_path):
    """A field over the csv module's limit (a quote left open) was a csv.Error traceback."""
    p = tmp_path / "open_quote.csv"
    p.write_text('subject,sample,label,path,video,onset,offset\ns1,x,happy,"' + "y" * 200_000 + "\n",
                 encoding="utf-8")
    for read in (lambda: load_samples("table", p, verbose=False), lambda: table_truth(p)):
        with pytest.raises(InputError, match=r"open_quote\.csv: row 2: a field is longer than"):
            read()


def test_an_empty_table_names_what_it_is(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty sample table"):
        load_samples("table", p, verbose=False)
    with pytest.raises(InputError, match="empty spotting table"):
        table_truth(p)
