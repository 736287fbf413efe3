"""Every CSV/TSV writer of interchange quotes a cell holding a bare carriage return or a line feed (one way:
merstudio.csv_write), so the file reads back with pandas, the csv module and our own reader, the note intact."""

from __future__ import annotations

import csv
from dataclasses import replace

import pandas as pd
import pytest
from ix_helpers import sample_events

from merstudio.interchange import Media, read_events, write_events
from merstudio.interchange.events_csv import make_spreadsheet_safe

NOTES = ["a bare\rreturn", "=SUM(1)\rthen more", "two\nlines"]


@pytest.mark.parametrize("name, sep", [("coded.events.csv", ","), ("coded.tsv", "\t"), ("coded.csv", ",")])
def test_notes_with_line_breaks_read_back(tmp_path, name, sep):
    events = [replace(e, note=NOTES[i % len(NOTES)]) for i, e in enumerate(sample_events())]
    path = write_events(events, tmp_path / name, Media("clip.mp4", fps=30.0))
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=sep))
    assert {len(r) for r in rows} == {len(rows[0])}  # no row split
    if name.endswith(".events.csv"):  # merstudio's own table: notes in a column of their own
        assert sorted(pd.read_csv(path, sep=sep, keep_default_na=False)["note"].tolist()) == sorted(e.note for e in events)
        assert sorted(e.note for e in read_events(path, fps=30.0).accept()) == sorted(e.note for e in events)


def test_the_spreadsheet_safe_copy_keeps_a_bare_return_quoted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'onset,note\n1,"a bare\rreturn"\n2,"=SUM(1)\rthen more"\n')  # LF rows, as frame_to_csv's
    assert make_spreadsheet_safe(path) == 1
    back = pd.read_csv(path)
    assert back["note"].tolist() == [NOTES[0], "'" + NOTES[1]] and path.read_bytes().count(b"\n") == 3
