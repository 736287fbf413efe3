"""Undoing a re-run that numbers the people the other way round puts the events and behaviour events coded (or given
their face) while it went on their person's face in the run shown again, and redo puts them back on the re-run's
(EVENT_FACES' "coded_during"): before h319 the undo moved only the ones its end had moved, and an event coded during
it stayed on its number, the other person's in the run before. The faces as a run begins are noted in its record, in
the transaction that makes it active (FACES_AT_START), which faces_at_start reads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.two_people import begin_swapped_rerun, two_people_rows

from merstudio.features.neutral import load_baselines
from merstudio.project import Behaviour, BehaviourEvent, Event, Project
from merstudio.project.analyses import EVENT_FACES
from merstudio.project.faces import (
    EventFaces,
    coded_on_faces,
    faces_at_start,
    numbered_before,
    same_person_faces,
)


def _finish(p: Project, vid: int, first: int, rerun: int, at_start: dict) -> None:
    """The re-run's end as the app's worker makes it: only the events numbered as the first run are checked."""
    coded = [c for c in coded_on_faces(p, vid) if numbered_before(at_start, c)]
    p.finish_analysis(rerun, "complete", event_faces=same_person_faces(p, vid, first, rerun, coded=coded).record())


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    """First run (left person face 0, right face 1) with an event on the right person; a re-run begun that numbers
    them the other way round, its rows stored. Yields (project, video, first run, re-run, the earlier event)."""
    with Project.create(tmp_path / "two.merproj") as p:
        vid, first, rerun, before = begin_swapped_rerun(p, video_file)
        yield p, vid, first, rerun, before


def test_undo_puts_what_was_coded_during_the_rerun_on_its_person_and_redo_back(proj):
    p, vid, first, rerun, before = proj
    at_start = faces_at_start(p, vid)
    assert at_start == {("event", before.id): 1}
    during = p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))  # the right person now
    nod = p.add_behaviour(Behaviour("nod", kind="point"))
    assert nod.id is not None
    left_nod = p.add_behaviour_event(BehaviourEvent(vid, nod.id, 30, 30, coder="ann", face_id=1))  # the left one
    _finish(p, vid, first, rerun, at_start)
    assert {e.id: e.face_id for e in p.events(vid)} == {before.id: 0, during.id: 0}
    noted = p.analysis(vid).settings[EVENT_FACES]
    assert sorted(map(tuple, noted["coded_during"])) == [("behaviour", left_nod.id, 0, 1), ("event", during.id, 1, 0)]
    assert "faces_at_start" not in p.analysis(vid).settings  # the record's, not a setting `project show` lists
    p.set_active_analysis(vid, first)  # Edit > Undo of the re-run: the right person is face 1 here
    assert {e.id: e.face_id for e in p.events(vid)} == {before.id: 1, during.id: 1}
    assert [b.face_id for b in p.behaviour_events(vid)] == [0]
    p.set_active_analysis(vid, rerun)  # redo
    assert {e.id: e.face_id for e in p.events(vid)} == {before.id: 0, during.id: 0}
    assert [b.face_id for b in p.behaviour_events(vid)] == [1]


def test_neutral_frames_set_during_the_rerun_follow_their_person_through_undo_and_redo(proj):
    """Set on the re-run's face 0 (the right person there) while it went: they stay at its end, go to face 1 (the
    right person in the first run) on undo, in place of the ones face 1 had then (the coder's latest word for that
    person), and back on redo."""
    p, vid, first, rerun, before = proj
    key = f"neutral.video.{vid}"
    p.set_setting(key, [_baseline(1, 2, 8)])  # before the re-run: the right person's, face 1 in the first run
    at_start = faces_at_start(p, vid)
    aid = p.begin_analysis(vid, {}, device="cpu")  # a re-run that notes them (the fixture's began before them)
    p.append_frames(aid, two_people_rows(left=1, right=0))
    p.set_setting(key, [_baseline(0, 20, 30), _baseline(1, 2, 8)])  # face 0 chosen now: the right person
    _finish(p, vid, p.previous_analysis(vid).id, aid, at_start)
    assert _neutral(p, vid) == {0: 20}  # face 1's (the right person's of the first run) gives way to it
    p.set_active_analysis(vid, p.previous_analysis(vid).id)
    assert _neutral(p, vid) == {1: 20}
    p.set_active_analysis(vid, aid)
    assert _neutral(p, vid) == {0: 20}


def _baseline(face: int, first: int, last: int) -> dict:
    return {"face_id": face, "first": first, "last": last, "values": {"AU04_r": 1.0}, "frames": last - first + 1,
            "auto": False, "spread": 0.0, "absolute": [], "hidden": [], "fallback": False}


def _neutral(p: Project, vid: int) -> dict[int, int]:
    """Each face's neutral frames' first frame."""
    return {f: b.first for f, b in load_baselines(p, vid).items()}


def test_one_given_another_face_since_stays_through_undo(proj):
    """The coder's word after the run stands: an event coded during it and put on another face since is not moved."""
    p, vid, first, rerun, before = proj
    at_start = faces_at_start(p, vid)
    during = p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))
    _finish(p, vid, first, rerun, at_start)
    p.update_event(replace(p.event(during.id), face_id=1))
    p.set_active_analysis(vid, first)
    assert p.event(during.id).face_id == 1


def test_the_faces_at_start_are_the_runs_record(proj):
    """Noted as the run became active: an event coded after that is not among them, whenever they are read."""
    p, vid, first, rerun, before = proj
    p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))
    assert faces_at_start(p, vid) == {("event", before.id): 1}


def test_the_runs_line_names_the_neutral_frames_and_previous_predictions_moved():
    moves = [["event", 1, 1, 0], ["neutral", 0, 0, 1], ["neutral", 1, 1, 0], ["face", 0, 0, 1], ["face", 1, 1, 0]]
    assert EventFaces().line(moves) == \
        "neutral frames and previous predictions moved with their people: face 0's to face 1, face 1's to face 0"
    assert EventFaces().line([["neutral", 2, 2, 1], ["face", 1, 1, 2], ["face", 2, 2, 1]]) == \
        "neutral frames moved with its person: face 2's to face 1; previous predictions moved with their people: " \
        "face 1's to face 2, face 2's to face 1"
    assert EventFaces().line([["event", 1, 1, 0]]) == ""  # an event's line is the EventFaces' own
