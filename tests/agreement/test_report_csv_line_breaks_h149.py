"""The agreement tables are LF CSVs: a coder's name or an emotion typed with a bare carriage return (no line feed)
is quoted, so the row reads back whole with pandas and the csv module (it was written unquoted and split the row)."""

from __future__ import annotations

import csv
from dataclasses import replace

import pandas as pd
from agreement_data import ann_bob_events

from merstudio.agreement import agreement_from_events

ODD = "disgust\r(slight)"


def test_a_carriage_return_in_a_cell_stays_in_its_row(tmp_path) -> None:
    events = [replace(e, coder="bob\rjr", emotion=ODD if e.onset == 69 else e.emotion) if e.coder == "bob" else e
              for e in ann_bob_events(1)]
    rep = agreement_from_events(events, frame_counts={1: 120})
    rep.write_csv(tmp_path)
    path = tmp_path / "agreement_matches.csv"
    raw = path.read_bytes()
    assert raw.count(b"\n") == len(rep.matches) + 1 and b"\r\n" not in raw  # LF rows, one a line
    back = pd.read_csv(path)
    assert len(back) == len(rep.matches) and ODD in back["emotion_b"].tolist()
    assert set(back["coder_b"]) == {"bob\rjr"}
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(rep.matches) + 1 and {len(r) for r in rows} == {len(rows[0])}
