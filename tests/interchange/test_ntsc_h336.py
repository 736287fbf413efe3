"""h336 (a120): rates written exactly, --decimal-comma by column, leading zeros guarded."""
from __future__ import annotations

import csv

from merstudio.interchange.events_csv import guarded, make_spreadsheet_safe, spreadsheet_cell, unguarded_cell


def _rows(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=";"))


def test_decimal_comma_leaves_a_note_column_of_numbers_as_text(tmp_path):
    # a120 finding 6: notes 1.16 / 2.5 were written 1,16 / 2,5 (the column was judged numeric by its content)
    p = tmp_path / "e.csv"
    p.write_text("onset,onset_time,coder,note\n10,0.5,ann,1.16\n30,1.25,ann,2.5\n", encoding="utf-8")
    make_spreadsheet_safe(p, ",", decimal_comma=True)
    rows = _rows(p)
    assert [r[1] for r in rows[1:]] == ["0,5", "1,25"]  # a number column still gets its decimal comma
    assert [unguarded_cell(r[3], True) for r in rows[1:]] == ["1.16", "2.5"]


def test_leading_zero_digits_are_guarded():
    # a120 finding 9: a coder "007" or a note "0012" showed as 7 / 12 in Excel
    for text in ("007", "0012", "00"):
        assert guarded(text)
        assert spreadsheet_cell(text) == "'" + text
        assert unguarded_cell(spreadsheet_cell(text)) == text
    for text in ("0", "0.5", "12", "10"):
        assert not guarded(text)


def test_leading_zero_column_is_no_number_column(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("subject,uf1\n007,0.5\n012,0.25\n", encoding="utf-8")
    make_spreadsheet_safe(p, ",", decimal_comma=True)
    rows = _rows(p)
    assert [r[0] for r in rows[1:]] == ["'007", "'012"]
    assert [r[1] for r in rows[1:]] == ["0,5", "0,25"]
