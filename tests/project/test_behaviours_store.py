"""Schema 5: the project's own behaviours (name, key, colour, point/state) and their events; the migration from
schema 4 keeps everything a coder did."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from project_rows import rows

from merstudio.errors import InputError, OutputError
from merstudio.project import SCHEMA_VERSION, Behaviour, BehaviourEvent, Event, Project
from merstudio.project import store as store_mod
from merstudio.project.schema import expected_schema


def test_schema_is_5_with_behaviour_tables():
    assert SCHEMA_VERSION >= 5
    schema = expected_schema(5)
    assert {"name", "key", "colour", "kind", "position"} <= schema["behaviours"]
    assert {"video_id", "behaviour_id", "onset", "offset", "coder", "note"} <= schema["behaviour_events"]


def _v4_project(path, video_file, monkeypatch):
    """A project file written by the schema-4 code path (the migrations up to 4), with everything a coder makes:
    an analysis, events with history, an overlay, settings and coders."""
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 4)
    with Project.create(path) as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        with proj._tx() as con:  # begin_analysis as schema 4 had it (today's needs the schema-6 column "active")
            aid = con.execute("INSERT INTO analyses (video_id, created, status, columns, settings, device, owner)"
                              " VALUES (?, 0, 'running', '[]', '{\"flow\": \"dis\"}', 'cpu', NULL)",
                              (v.id,)).lastrowid
        proj.append_frames(aid, rows(20))
        proj.finish_analysis(aid)
        coded = {"id": 1, "video_id": v.id, "face_id": 0, "onset": 5, "apex": 8, "offset": 12, "emotion": "positive",
                 "aus": "6+12", "coder": "ann", "confidence": None, "note": "", "source": "manual",
                 "status": "accepted"}
        edited = {**coded, "apex": 9}
        proposal = {**coded, "id": 2, "onset": 33, "apex": 34, "offset": 36, "emotion": "", "aus": "",
                    "coder": "model", "confidence": 0.4, "source": "model", "status": "proposal"}
        with proj._tx() as con:  # events and their history as schema 4 wrote them (today's need schema 7's "model")
            for e in (edited, proposal):
                con.execute("INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder,"
                            " confidence, note, source, status, created, modified) VALUES (:id, :video_id,"
                            " :face_id, :onset, :apex, :offset, :emotion, :aus, :coder, :confidence, :note,"
                            " :source, :status, 0, 0)", e)
            con.executemany("INSERT INTO event_history (event_id, time, action, coder, before, after)"
                            " VALUES (?, 0, ?, ?, ?, ?)",
                            [(1, "create", "ann", None, json.dumps(coded)),
                             (1, "update", "ann", json.dumps(coded), json.dumps(edited)),
                             (2, "create", "model", None, json.dumps(proposal))])
        proj.set_setting("visible_aus", ["AU12_r"])
        proj.add_coder("ann")
        assert proj.schema_version == 4
        # load_frames needs schema 6, events() schema 7
        # schema 9 moves the model's number out of the coder's confidence (h250)
        moved = Event(**{**proposal, "confidence": None}, model_confidence=0.4)
        before = ([Event(**edited), moved], proj.event_history(), 20, proj.coders())
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION)
    return before


def test_a_schema_4_project_opens_migrated_with_nothing_lost(tmp_path, video_file, monkeypatch):
    path = tmp_path / "old.merproj"
    events, history, n_frames, coders = _v4_project(path, video_file, monkeypatch)
    con = sqlite3.connect(path)
    assert "behaviours" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        assert p.events() == events and p.event_history() == history
        assert len(p.load_frames(p.videos()[0].id)) == n_frames and p.coders() == coders
        assert p.get_setting("visible_aus") == ["AU12_r"]
        assert p.behaviours() == [] and p.behaviour_events() == []
        b = p.add_behaviour(Behaviour("gaze away", key="1", kind="state"))
        p.add_behaviour_event(BehaviourEvent(p.videos()[0].id, b.id, 3, 7, coder="ann"))
    with Project.open(path) as p:  # and it stays at the current schema with the new rows
        assert p.schema_version == SCHEMA_VERSION and len(p.behaviour_events()) == 1
        assert p.integrity_check() == "ok"


def test_a_schema_4_project_read_only_is_refused_in_one_line(tmp_path, video_file, monkeypatch):
    path = tmp_path / "old.merproj"
    _v4_project(path, video_file, monkeypatch)
    with pytest.raises(InputError, match="older merstudio"):
        Project.open(path, read_only=True)


def test_behaviours_validated_unique_and_ordered(project):
    a = project.add_behaviour(Behaviour(" nod ", key="2", kind="point", colour="#00897b"))
    b = project.add_behaviour(Behaviour("gaze away", key="1", position=-1))
    assert a.name == "nod" and a.id and b.id
    assert [x.name for x in project.behaviours()] == ["gaze away", "nod"]  # by position
    with pytest.raises(InputError, match="one of that name"):
        project.add_behaviour(Behaviour("NOD"))
    with pytest.raises(InputError, match="already codes nod"):
        project.add_behaviour(Behaviour("smile", key="2"))
    with pytest.raises(InputError, match="kind"):
        project.add_behaviour(Behaviour("x", kind="interval"))
    with pytest.raises(InputError, match="colour"):
        project.add_behaviour(Behaviour("x", colour="red"))
    project.update_behaviour(Behaviour("nodding", key="3", kind="point", colour="#00897b", id=a.id))
    assert project.behaviour(a.id).name == "nodding" and project.behaviour(a.id).key == "3"


def test_behaviour_events_state_open_then_closed_and_kept_on_reopen(project):
    v = project.videos()[0]
    b = project.add_behaviour(Behaviour("gaze away", key="1"))
    ev = project.add_behaviour_event(BehaviourEvent(v.id, b.id, 10, None, coder="ann"))
    assert ev.id and ev.open
    # committed at once: another connection sees the open event before it is ended (a crash keeps its start)
    con = sqlite3.connect(project.path)
    assert con.execute("SELECT onset, offset FROM behaviour_events").fetchall() == [(10, None)]
    con.close()
    closed = project.update_behaviour_event(BehaviourEvent(v.id, b.id, 10, 14, coder="ann", id=ev.id))
    assert not closed.open
    with pytest.raises(InputError, match="onset <= offset"):
        project.update_behaviour_event(BehaviourEvent(v.id, b.id, 10, 9, coder="ann", id=ev.id))
    path = project.path
    project.close()
    with Project.open(path) as p:
        assert p.behaviour_events(v.id) == [closed]


def test_a_behaviour_with_events_cannot_be_deleted(project):
    v = project.videos()[0]
    b = project.add_behaviour(Behaviour("nod", kind="point"))
    ev = project.add_behaviour_event(BehaviourEvent(v.id, b.id, 4, 4, coder="ann"))
    with pytest.raises(InputError, match="1 coded event"):
        project.delete_behaviour(b.id)
    assert project.behaviour(b.id) is not None
    assert project.delete_behaviour_event(ev.id) == ev
    assert project.delete_behaviour(b.id).name == "nod"
    assert project.behaviours() == []
    # undo restores it under the same id
    again = project.add_behaviour(Behaviour("nod", kind="point", id=b.id))
    assert again.id == b.id


def test_set_settings_is_one_transaction(project):
    project.set_settings({"a": 1, "b": [2]})
    assert project.get_setting("a") == 1 and project.get_setting("b") == [2]


def test_read_only_project_refuses_behaviour_edits(project):
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as ro:
        with pytest.raises(OutputError, match="read-only"):
            ro.add_behaviour(Behaviour("nod"))


def test_behaviour_exports_table_tiers_and_elan_round_trip(project, tmp_path):
    from merstudio.interchange import Media, read_eaf, write_eaf
    from merstudio.project.export import behaviour_tiers, behaviours_csv_path, behaviours_table

    v = project.videos()[0]
    gaze = project.add_behaviour(Behaviour("gaze/away", key="1"))
    nod = project.add_behaviour(Behaviour("nod", key="2", kind="point"))
    project.add_behaviour_event(BehaviourEvent(v.id, gaze.id, 2, 9, coder="ann"))
    project.add_behaviour_event(BehaviourEvent(v.id, gaze.id, 5, 12, coder="ann", note="out of window"))
    project.add_behaviour_event(BehaviourEvent(v.id, gaze.id, 30, None, coder="ann"))  # still being coded
    project.add_behaviour_event(BehaviourEvent(v.id, nod.id, 20, 20, coder="bob"))
    df = behaviours_table(project, v.id)
    assert list(df["behaviour"]) == ["gaze/away", "gaze/away", "nod", "gaze/away"]
    last = df.iloc[-1]
    assert bool(last["open"]) and last["offset_frame"] is pd.NA and last["onset_frame"] == 30
    assert list(df["duration_frames"][:3]) == [8, 8, 1]
    assert behaviours_csv_path(tmp_path / "x.boris.csv").name == "x_behaviours.csv"
    tiers = behaviour_tiers(project, v.id)
    # overlapping states of one coder go to a second lane; "/" never makes a "<coder>/event" tier; open ones stay out
    assert tiers == {"behaviour: gaze-away (ann)": ("ann", [(2, 9, "gaze/away")]),
                     "behaviour: gaze-away (ann) #2": ("ann", [(5, 12, "out of window")]),
                     "behaviour: nod (bob)": ("bob", [(20, 20, "nod")])}
    out = write_eaf(project.events(v.id), tmp_path / "v.eaf", Media.from_video(v), extra_tiers=tiers)
    text = out.read_text()
    assert text.count('LINGUISTIC_TYPE_REF="merstudio-behaviour"') == 3
    prev = read_eaf(out, fps=v.fps, video_id=v.id)
    # the coded events come back as they were; the behaviour tiers as behaviour events (h226: they were skipped as
    # unknown tiers), never as events; "gaze/away" by its own name, not its tier's "gaze-away"
    assert sorted((e.onset, e.offset, e.coder) for e in prev.events) == \
        sorted((e.onset, e.offset, e.coder) for e in project.events(v.id))
    assert not prev.skipped
    assert sorted((n, e.onset, e.offset, e.coder, e.note) for n, e in prev.behaviours) == [
        ("gaze/away", 2, 9, "ann", ""), ("gaze/away", 5, 12, "ann", "out of window"), ("nod", 20, 20, "bob", "")]
