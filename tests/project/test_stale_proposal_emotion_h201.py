"""A project analysed before AUs that fit no FACS objective class were suggested as class VII "others" (2026-12-07,
merstudio.facs.objective_emotion) stored '' as the emotion of such a proposal (the demo's AU14 spot); its AU values
are the same, so no analysis revision tells the coder. Its open model proposals whose emotion is the rule's alone
read by the current rule, nothing written; events a coder reviewed or edited keep what they hold."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from support.old_projects import old_schema

from merstudio.interchange import export_all_events
from merstudio.project import Project
from merstudio.project.events import Event
from merstudio.project.store import ProjectUpgraded

GATED = "model uncertain: it was not asked (too little motion ...); the emotion is the AUs' FACS class"
UNSURE = "model uncertain: negative p=0.06 < 0.40"


def _schema6_project(path: Path) -> None:
    """A schema-6 file as the app at 481c5ee left it after analysing a video: its proposals and their "create"
    records (ids 1-5), and one the coder accepted as it was shown ('' for AU14), logged as the app logs it; opened
    once here (the upgrade to schema 7 said, as it is said to the user)."""
    con = old_schema(path, 6, wal=True)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/interview.mp4', NULL, 'h', 10, 30.0, 600, 64, 48, 0)")
    rows = [  # id, onset, emotion, aus, note, status, coder
        (1, 300, "", "14", "", "proposal", "model"),  # no checkpoint: the FACS rule's, '' then
        (2, 47, "happiness", "12", "", "proposal", "model"),
        (3, 100, "", "14", "", "accepted", "alice"),  # reviewed as shown: hers
        (4, 200, "", "14", UNSURE, "proposal", "model"),  # the model's, unsure of its class: not the rule's
        (5, 400, "", "14", GATED, "proposal", "model"),  # a model that was not asked: the rule's
    ]
    for eid, on, emotion, aus, note, status, coder in rows:
        ev = Event(1, on, on + 2, on + 4, 0, emotion, aus, coder, None, note, "model", status, eid)
        con.execute("INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                    " note, source, status, created, modified) VALUES (?,1,0,?,?,?,?,?,?,NULL,?,'model',?,0,0)",
                    (eid, on, on + 2, on + 4, emotion, aus, coder, note, status))
        made = {k: v for k, v in ev.to_dict().items() if k != "model"}  # schema 6's events had no model
        con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after) VALUES (?,0,'create',?,"
                    "NULL,?)", (eid, coder, json.dumps({**made, "coder": "model", "status": "proposal"})))
        if status == "accepted":
            con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after) VALUES"
                        " (?,1,'update',?,?,?)", (eid, coder, json.dumps({**made, "coder": "model",
                                                                          "status": "proposal"}), json.dumps(made)))
    con.close()
    with pytest.warns(ProjectUpgraded), Project.open(path):
        pass


def _emotions(project: Project) -> dict[int | None, str]:
    return {e.id: e.emotion for e in project.events(1)}


def test_an_au14_proposal_stored_with_no_emotion_reads_others(tmp_path) -> None:
    path = tmp_path / "old.merproj"
    _schema6_project(path)
    with Project.open(path) as p:
        assert _emotions(p) == {1: "others", 2: "happiness", 3: "", 4: "", 5: "others"}
        assert [e.emotion for e in p.proposals(1)] == ["happiness", "", "others", "others"]  # by onset
        assert p.event(1) is not None and p.event(1).emotion == "others"
        # the model's proposal as it was made reads so too: the app tells an unedited proposal by it
        made = next(h["after"] for h in p.event_history(1) if h["action"] == "create")
        assert made["emotion"] == "others"
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT emotion FROM events WHERE id = 1").fetchone() == ("",)  # nothing written
    raw.close()
    with Project.open(path, read_only=True) as p:  # a reader (another's file) reads the same
        assert _emotions(p)[1] == "others"


def test_an_export_writes_the_current_rules_emotion(tmp_path) -> None:
    path = tmp_path / "old.merproj"
    _schema6_project(path)
    with Project.open(path) as p:
        export_all_events(p, tmp_path / "all.csv")
    with open(tmp_path / "all.csv", newline="", encoding="utf-8") as fh:
        rows = {r["onset"]: r for r in csv.DictReader(fh)}
    assert (rows["300"]["emotion"], rows["300"]["aus"], rows["300"]["status"]) == ("others", "14", "proposal")
    assert (rows["100"]["emotion"], rows["100"]["status"]) == ("", "accepted")


def test_a_coders_edit_stands_and_an_accepted_proposal_keeps_what_was_shown(tmp_path) -> None:
    path = tmp_path / "old.merproj"
    _schema6_project(path)
    with Project.open(path) as p:
        shown = p.event(1)
        assert shown is not None and shown.emotion == "others"
        p.update_event(replace(shown, emotion=""))  # the coder clears the suggestion: it stays cleared
        assert _emotions(p)[1] == ""
        gated = p.event(5)
        assert gated is not None
        accepted = p.update_event(replace(gated, status="accepted", coder="alice"))  # accepted as shown
        assert accepted.emotion == "others" and p.event(5) == accepted
        p.update_event(replace(accepted, status="proposal"))  # reopened
        assert _emotions(p)[5] == "others"
