"""Spreadsheet-safe CSV (h225): the relative per-frame export's neutral_frames ("1-16") is guarded from Excel's date
conversion, and a table made safe starts with a UTF-8 byte-order mark; other per-frame tables (numbers only,
maybe millions of cells) are still left as written."""

from __future__ import annotations

import codecs

from merstudio.gui.exports import make_tables_safe, safe_note


def test_the_relative_table_is_made_safe_and_a_plain_per_frame_table_is_not(tmp_path):
    rel = tmp_path / "clip_relative.csv"
    rel.write_text("frame,face_id,timestamp,AU12_r,neutral_frames\n0,0,0.0,0.5,1-16\n1,1,0.0,0.7,\n")
    plain = tmp_path / "clip.csv"
    plain.write_text("frame,face_id,timestamp,AU12_r\n0,0,0.0,0.5\n")
    before = plain.read_bytes()
    assert make_tables_safe([rel, plain]) == 1
    assert rel.read_bytes() == codecs.BOM_UTF8 + b"frame,face_id,timestamp,AU12_r,neutral_frames\n" \
        b"0,0,0.0,0.5,'1-16\n1,1,0.0,0.7,\n"
    assert plain.read_bytes() == before
    assert safe_note(1) == "; 1 cell(s) read as a formula or a date given an apostrophe (spreadsheet-safe)"
