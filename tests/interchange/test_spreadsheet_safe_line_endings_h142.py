"""A spreadsheet-safe copy differs from the table only in the cells given an apostrophe: make_spreadsheet_safe said
it kept "the rest byte for byte" but wrote every line ending as CRLF, so the app's events report CSV (pandas: LF)
changed on every line. Expected bytes here are the input's, with the apostrophes put in by hand and the byte-order
mark a spreadsheet-safe table starts with."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from merstudio.interchange.events_csv import make_spreadsheet_safe
from merstudio.project import Event, Project
from merstudio.project.export import export_events_csv

NOTE = "-2+3"
BOM = codecs.BOM_UTF8  # a spreadsheet-safe table is UTF-8 with a byte-order mark (h225), for Excel


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_only_the_prefixed_cells_change_and_the_line_endings_stay(tmp_path, end):
    rows = ["onset,emotion,note,confidence", f'10,"=HYPERLINK(""x"")",{NOTE},-0.5', '30,happy,"two\nlines",0.5']
    path = tmp_path / "t.csv"
    path.write_bytes(end.join(rows).encode() + end.encode())
    want = BOM + path.read_bytes().replace(b'"=HYPERLINK', b"\"'=HYPERLINK").replace(NOTE.encode(), b"'" + NOTE.encode())
    assert make_spreadsheet_safe(path) == 2
    assert path.read_bytes() == want


def test_a_table_with_nothing_to_prefix_only_gets_a_byte_order_mark(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_bytes(b"onset\tnote\n10\tfine\n20\t-0.5\n")
    assert make_spreadsheet_safe(path, "\t") == 0
    assert path.read_bytes() == BOM + b"onset\tnote\n10\tfine\n20\t-0.5\n"  # UTF-8 for Excel (h225)


def test_the_apps_events_report_differs_only_in_the_note(tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="alice", note=NOTE))
        out = export_events_csv(proj, tmp_path / "events.csv")
    exact = Path(out).read_bytes()
    assert exact.count(b"\n") == 2 and b"\r" not in exact  # pandas wrote it with LF
    assert make_spreadsheet_safe(out) == 1
    assert Path(out).read_bytes() == BOM + exact.replace(b"," + NOTE.encode() + b",", b",'" + NOTE.encode() + b",")
