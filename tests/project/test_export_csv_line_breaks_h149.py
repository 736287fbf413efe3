"""The project's CSV exports are LF tables: a note, an emotion or a coder's name holding a bare carriage return
(no line feed) is quoted, so the events report, the summary and the labelled set read back whole with pandas and the
csv module (pandas' to_csv wrote such a cell unquoted and a reader split the row there)."""

from __future__ import annotations

import csv

import pandas as pd

from merstudio.project import Event, Project
from merstudio.project.export import export_events_csv, export_labelled_set, export_summary

NOTE = "looked away\rthen back"
CODER = "ann\rmarie"
EMOTION = "disgust\r(slight)"


def _rows(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_free_text_with_a_carriage_return_reads_back(tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion=EMOTION, coder=CODER, note=NOTE, status="accepted"))
        proj.add_event(Event(v.id, 40, 42, 45, emotion="happiness", coder="bob", note="two\nlines",
                             status="accepted"))
        events = export_events_csv(proj, tmp_path / "events.csv")
        (summary,) = export_summary(proj, v.id, tmp_path / "summary.csv")
        labelled = export_labelled_set(proj, tmp_path / "labels.csv")
    raw = events.read_bytes()
    assert b"\r\n" not in raw and raw.endswith(b"\n")  # LF rows
    df = pd.read_csv(events, keep_default_na=False)
    assert len(df) == 2 and sorted(df["note"]) == sorted([NOTE, "two\nlines"]) and CODER in set(df["coder"])
    assert [len(r) for r in _rows(events)] == [len(df.columns)] * 3
    assert EMOTION in set(pd.read_csv(labelled)["label"]) and len(_rows(labelled)) == 3
    s = pd.read_csv(summary, keep_default_na=False)
    assert CODER in set(s.astype(str).to_numpy().ravel())
    assert {len(r) for r in _rows(summary)} == {len(s.columns)}
