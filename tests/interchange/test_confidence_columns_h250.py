"""A coder's confidence is never exported as the model's (h250, audit a100): an event holds the coder's own rating
(``confidence``) and the model's probability (``model_confidence``) apart. Without a checkpoint a proposal has no
model's number; a coder who accepted it and gave 0.75 had the events CSV write ``confidence`` empty and
``model_confidence`` 0.75. Our events CSV and the events report write each in its own column and read both back;
files of before read as before."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from merstudio.interchange import Media, read_events, write_events
from merstudio.project import Event, Project
from merstudio.project.export import events_table, export_events_csv


def _pairs(evs) -> list[tuple[int, float | None, float | None]]:
    return sorted((e.onset, e.confidence, e.model_confidence) for e in evs)


def _events(vid: int) -> list[Event]:
    return [
        # no checkpoint ran: the proposal had no number; alice accepted it and gave her own 0.75 (the audit's case)
        Event(vid, 5, 6, 7, emotion="happiness", aus="12", coder="alice", confidence=0.75, source="model",
              status="accepted"),
        # the model said 0.83; bob accepted it and rated it 0.6 himself
        Event(vid, 10, 11, 12, emotion="disgust", aus="10", coder="bob", confidence=0.6, model_confidence=0.83,
              source="model", status="accepted", model="starter.pt (26e4a6027a09)"),
        # an open proposal: the model's number alone
        Event(vid, 20, 22, 24, emotion="surprise", model_confidence=0.44, source="model", status="proposal",
              coder="model"),
        # a coder's own event
        Event(vid, 30, 31, 32, emotion="fear", coder="alice", confidence=0.9),
    ]


def test_an_accepted_proposal_without_a_model_number_exports_the_coders_confidence_as_the_coders(project: Project):
    vid = project.videos()[0].id
    proposal = project.add_event(Event(vid, 5, 6, 7, emotion="happiness", aus="12", source="model",
                                       status="proposal", coder="model"))
    project.update_event(Event(**{**proposal.to_dict(), "status": "accepted", "coder": "alice", "confidence": 0.75}))
    row = events_table(project).iloc[0]
    assert row["confidence"] == pytest.approx(0.75)  # alice's own
    assert math.isnan(row["model_confidence"])  # the model never gave a number


def test_our_events_csv_writes_and_reads_both_columns(tmp_path):
    evs = _events(0)
    path = write_events(evs, tmp_path / "e.csv", Media("/v/clip.mp4", fps=30.0))
    with path.open(newline="") as fh:
        rows = {int(r["onset"]): (r["confidence"], r["model_confidence"]) for r in csv.DictReader(fh)}
    assert rows == {5: ("0.75", ""), 10: ("0.6", "0.83"), 20: ("", "0.44"), 30: ("0.9", "")}
    prev = read_events(path, fps=30.0)
    assert not any("ignored" in n for n in prev.notes), prev.notes
    assert _pairs(prev.accept()) == _pairs(evs)


def test_the_events_report_writes_and_reads_both_columns(tmp_path, project: Project):
    vid = project.videos()[0].id
    project.add_events(_events(vid))
    path = export_events_csv(project, tmp_path / "report.csv", vid)
    df = pd.read_csv(path).set_index("onset_frame")
    assert df.loc[5, "confidence"] == pytest.approx(0.75) and math.isnan(df.loc[5, "model_confidence"])
    assert (df.loc[10, "confidence"], df.loc[10, "model_confidence"]) == pytest.approx((0.6, 0.83))
    assert math.isnan(df.loc[20, "confidence"]) and df.loc[20, "model_confidence"] == pytest.approx(0.44)
    assert _pairs(read_events(path, fps=30.0, video_id=vid).accept()) == _pairs(_events(vid))


def test_files_of_before_read_the_models_number_as_the_models(tmp_path):
    # our events CSV before 2026-12-07: no model_confidence column, the model's number in confidence
    with (tmp_path / "old.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "face_id", "onset", "apex", "offset", "emotion", "coder", "confidence", "source",
                    "status"])
        w.writerow(["clip.mp4", 0, 10, 11, 12, "disgust", "bob", "0.83", "model", "accepted"])
        w.writerow(["clip.mp4", 0, 30, 31, 32, "fear", "alice", "0.9", "manual", "accepted"])
    assert _pairs(read_events(tmp_path / "old.csv", fps=30.0).accept()) == [(10, None, 0.83), (30, 0.9, None)]
    # a report of before repeated an open proposal's number in confidence: the model's, once
    with (tmp_path / "report.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["video", "face_id", "onset_frame", "apex_frame", "offset_frame", "coder", "confidence",
                    "source", "status", "model_confidence"])
        w.writerow(["clip.mp4", 0, 20, 22, 24, "model", "0.44", "model", "proposal", "0.44"])
    assert _pairs(read_events(tmp_path / "report.csv", fps=30.0).accept()) == [(20, None, 0.44)]
