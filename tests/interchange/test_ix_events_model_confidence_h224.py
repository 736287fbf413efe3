"""A model's probability is written as ``model_confidence``, never as the coder's ``confidence`` (h224, audit a98
finding 7): in our events CSV (`convert --export`, File > Export events… .csv) and in the project's events report
(CSV/XLSX) alike, for the model's open, accepted and rejected proposals; both columns are read back on import, and
a file of before (the model's number in ``confidence``) reads as before. Since h250 the model's number is
Event.model_confidence, the coder's own Event.confidence."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from merstudio.interchange import Media, read_events, write_events
from merstudio.project import Event, Project
from merstudio.project.export import export_events_csv, export_events_xlsx


def _events(vid: int) -> list[Event]:
    return [Event(vid, 5, 6, 7, emotion="happiness", aus="12", coder="alice", confidence=0.9),
            Event(vid, 10, 11, 12, emotion="disgust", aus="10", coder="alice", model_confidence=0.61, source="model",
                  status="accepted", model="starter.pt"),
            Event(vid, 20, 22, 24, emotion="others", coder="alice", model_confidence=0.2, source="model",
                  status="rejected", model="starter.pt"),
            Event(vid, 30, 31, 32, emotion="surprise", model_confidence=0.44, source="model", status="proposal")]


def _conf(evs) -> list[tuple[int, float | None, float | None]]:
    return sorted((e.onset, *(None if c is None else round(c, 6) for c in (e.confidence, e.model_confidence)))
                  for e in evs)


def test_our_events_csv_puts_the_models_number_in_model_confidence(tmp_path):
    evs = _events(0)
    path = write_events(evs, tmp_path / "e.csv", Media("/v/clip.mp4", fps=30.0))
    with path.open(newline="") as fh:
        rows = {int(r["onset"]): r for r in csv.DictReader(fh)}
    assert (rows[5]["confidence"], rows[5]["model_confidence"]) == ("0.9", "")  # the coder's own
    for onset, p in ((10, "0.61"), (20, "0.2"), (30, "0.44")):  # accepted, rejected, open: the model's
        assert (rows[onset]["confidence"], rows[onset]["model_confidence"]) == ("", p)
    prev = read_events(path, fps=30.0)
    assert not any("ignored" in n for n in prev.notes), prev.notes
    assert _conf(prev.accept()) == _conf(evs)  # both read back, each into its own


def test_a_file_of_before_with_the_models_number_as_confidence_reads_as_before(tmp_path):
    path = write_events(_events(0), tmp_path / "e.csv", Media("/v/clip.mp4", fps=30.0))
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = [c for c in rows[0] if c != "model_confidence"]
    with (tmp_path / "old.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        for r in rows:
            r["confidence"] = r["confidence"] or r.pop("model_confidence")
            r.pop("model_confidence", None)
            w.writerow(r)
    assert _conf(read_events(tmp_path / "old.csv", fps=30.0).accept()) == _conf(_events(0))


@pytest.mark.parametrize("name", ["report.csv", "report.xlsx"])
def test_the_events_report_keeps_the_models_number_out_of_confidence(tmp_path, project: Project, name):
    vid = project.videos()[0].id
    project.add_events(_events(vid))
    write = export_events_csv if name.endswith(".csv") else export_events_xlsx
    path = write(project, tmp_path / name, vid)
    if name.endswith(".csv"):
        df = pd.read_csv(path)
        model = df[df["source"] == "model"]
        assert len(model) == 3 and model["confidence"].isna().all()
        assert sorted(model["model_confidence"]) == pytest.approx([0.2, 0.44, 0.61])
    prev = read_events(path, fps=30.0, video_id=vid)
    assert _conf(e for e in prev.accept() if e.onset in (5, 10, 20, 30)) == _conf(_events(vid))
