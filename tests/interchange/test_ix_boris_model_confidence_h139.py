"""A BORIS table's Confidence of an accepted model proposal is the model's (h139, docs/interchange.md): the row
says so by its Event source, and a table read back keeps the number, source and status."""

from __future__ import annotations

import csv

import pytest

from merstudio.interchange import Media, read_boris, write_boris
from merstudio.project.events import Event


def test_an_accepted_proposals_number_goes_out_and_back_as_the_models(tmp_path) -> None:
    ev = Event(0, 10, 12, 15, face_id=0, emotion="positive", aus="12", coder="alice", confidence=0.79,
               source="model", status="accepted")
    path = write_boris([ev], tmp_path / "coded.tsv", Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=99))
    with open(path, newline="", encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f, delimiter="\t"))
    assert (row["Coder"], row["Confidence"], row["Event source"], row["Status"]) == ("alice", "0.79", "model",
                                                                                       "accepted")
    back = read_boris(path, fps=30.0).accept()
    assert [(e.coder, e.confidence, e.source, e.status) for e in back] == [("alice", pytest.approx(0.79), "model",
                                                                              "accepted")]
