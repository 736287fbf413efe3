"""Which run's numbering an event's face id is in, across a re-run that numbers the people the other way round (a114
finding 1): the events as the re-run begins are numbered as the run it re-does (faces_at_start); one coded, or given
another face, while it goes is numbered as the re-run. The run's end moves only the first kind; a re-run set aside
(cancelled, failed) moves the second kind back to its person's face in the complete run made active again
(faces_back, restore_complete_run's event_faces); what an undo step holds goes to its person's face
(same_person_items)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.two_people import begin_swapped_rerun

from merstudio.project import Behaviour, BehaviourEvent, Event, Project
from merstudio.project.faces import (
    coded_on_faces,
    faces_at_start,
    faces_back,
    numbered_before,
    same_person_faces,
    same_person_items,
)


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    """First run complete (left person face 0, right face 1) with an event on the right person; a re-run begun that
    numbers them the other way round, its rows stored, not finished. Yields (project, video, first run, re-run,
    the faces as it began, the right person's event)."""
    with Project.create(tmp_path / "two.merproj") as p:
        vid, first, rerun, before = begin_swapped_rerun(p, video_file)
        yield p, vid, first, rerun, faces_at_start(p, vid), before


def test_the_runs_end_moves_only_the_events_numbered_as_the_run_it_redid(proj):
    p, vid, first, rerun, at_start, before = proj
    during = p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))  # the right person now
    coded = [c for c in coded_on_faces(p, vid) if numbered_before(at_start, c)]
    found = same_person_faces(p, vid, first, rerun, coded=coded)
    p.finish_analysis(rerun, "complete", event_faces=found.record())
    faces = {e.id: e.face_id for e in p.events(vid)}
    assert faces == {before.id: 0, during.id: 0}  # both on the right person, face 0 in the re-run
    assert found.line() == f"1 event moved to the face it was coded on: event {before.id} (frames 10-14) from face 1 " \
                           "to face 0"


def test_an_event_given_a_face_during_the_run_is_numbered_as_the_rerun(proj):
    p, vid, first, rerun, at_start, before = proj
    p.update_event(replace(before, face_id=0))  # the coder picked the right person's face as the re-run shows it
    (c,) = coded_on_faces(p, vid)
    assert not numbered_before(at_start, c)
    p.update_event(replace(before, note="lips"))  # only its note edited: its face is still the first run's number
    (c,) = coded_on_faces(p, vid)
    assert numbered_before(at_start, c)


def test_a_rerun_set_aside_moves_the_events_coded_during_it_back(proj):
    p, vid, first, rerun, at_start, before = proj
    during = p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))  # the right person
    b = p.add_behaviour(Behaviour("nod", kind="point"))
    assert b.id is not None
    nod = p.add_behaviour_event(BehaviourEvent(vid, b.id, 30, 30, coder="ann", face_id=1))  # the left person
    p.finish_analysis(rerun, "cancelled")
    back = faces_back(p, vid, rerun, first, at_start)
    assert sorted(back.moves()) == [("behaviour", nod.id, 1, 0), ("event", during.id, 0, 1)]
    assert p.restore_complete_run(vid, event_faces=back.moves()) == first
    assert p.analysis(vid).id == first
    assert {e.id: e.face_id for e in p.events(vid)} == {before.id: 1, during.id: 1}  # the right person: 1 here
    assert [x.face_id for x in p.behaviour_events(vid)] == [0]  # the left person
    assert back.back_line().startswith("2 events coded during the re-run moved to their people's faces there: ")


def test_restore_moves_nothing_when_the_complete_run_does_not_come_back(proj):
    p, vid, first, rerun, at_start, before = proj
    during = p.add_event(Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann"))
    p.finish_analysis(rerun, "complete")
    assert p.restore_complete_run(vid, event_faces=[("event", during.id, 0, 1)]) is None
    assert p.event(during.id).face_id == 0


def test_an_undo_steps_events_go_to_their_person_in_the_rerun(proj):
    p, vid, first, rerun, at_start, before = proj
    p.delete_event(before.id)  # undone during the run: the step holds it, numbered as the first run
    made = Event(vid, 20, 22, 24, face_id=0, emotion="fear", coder="ann", id=before.id + 1)  # coded during it
    p.finish_analysis(rerun, "complete")
    items, found = same_person_items(p, vid, first, rerun, [before, made], numbered=at_start)
    assert [e.face_id for e in items] == [0, 0]  # `before` moved to the right person's face; `made` left alone
    assert [(c.id, f) for c, f in found.moved] == [(before.id, 0)]
    # a step from before the run (numbered=None): every item of the video is the first run's
    items, _ = same_person_items(p, vid, first, rerun, [replace(before, face_id=0)])
    assert [e.face_id for e in items] == [1]
