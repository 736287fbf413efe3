"""Merging two coders' copies of one project (merstudio.project.merge): before, the only way was the all-videos
events CSV, which put bob's fix of alice's onset beside her original, and whose --replace deleted alice's events
coded after the copy (audit a96, findings 5 and 6; behaviour events could not travel at all)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support.merge_copies import behaviour_coding, coding, copy_of, study, two_copies

from merstudio.errors import InputError
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _merge(a: Path, b: Path) -> list[str]:
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        apply_merge(p, plan)
        return plan.lines()


def test_an_edit_in_the_other_copy_replaces_the_original_and_nothing_of_this_copy_goes(tmp_path: Path) -> None:
    a, b = two_copies(tmp_path)
    theirs = b.read_bytes()
    lines = _merge(a, b)
    assert "  events: 1 new, 2 updated, 0 deleted, 0 conflicts, 0 already here" in lines
    assert "    bob: 1 new, 1 updated" in lines  # per coder
    assert any("frames 100-110-120: frames 102-110-120, note 'onset fixed by bob'" in x for x in lines)
    assert any("status 'proposal' -> 'accepted'" in x for x in lines)  # bob's review of the proposal
    assert coding(a) == [("alice", 102, 120, "accepted", "onset fixed by bob"),  # one alice event, not two
                         ("alice", 500, 510, "accepted", "coded after the copy"),  # coded after the copy: kept
                         ("bob", 300, 310, "accepted", ""), ("bob", 400, 410, "accepted", "")]
    assert behaviour_coding(a) == [("alice", 50, 60, ""), ("bob", 200, 260, "looks at the door")]
    assert b.read_bytes() == theirs  # the other copy is only read
    with Project.open(a) as p:  # merged again: nothing new (its history came with each event)
        again = plan_merge(p, b)
        assert again.empty, again.summary()
        assert "bob" in p.coders()


def test_changed_in_both_keeps_both_and_a_deletion_travels(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:
        e = next(e for e in p.events() if e.status == "accepted")
        p.update_event(replace(e, onset=98))
        p.delete_event(p.events(status="proposal")[0].id)  # bob rejects nothing: he deletes the proposal
    with Project.open(a) as p:
        e = next(e for e in p.events() if e.status == "accepted")
        p.update_event(replace(e, onset=104))
    lines = _merge(a, b)
    assert "  events: 0 new, 0 updated, 1 deleted, 1 conflict, 0 already here" in lines
    assert any("frames 104-110-120 here, frames 98-110-120 in the other copy: changed in both, both kept" in x
               for x in lines)
    assert coding(a) == [("alice", 98, 120, "accepted", "first pass"), ("alice", 104, 120, "accepted", "first pass")]
    with Project.open(a) as p:
        assert plan_merge(p, b).empty  # the conflict's other side is here now: not added twice


def test_undo_takes_the_merge_back_exactly(tmp_path: Path) -> None:
    a, b = two_copies(tmp_path)
    was, was_beh = coding(a), behaviour_coding(a)
    with Project.open(a) as p:
        history = len(p.event_history())
        done = apply_merge(p, plan_merge(p, b))
        undo_merge(p, done)
        assert len(p.event_history()) == history
        assert "bob" not in p.coders()
        assert plan_merge(p, b).counts()["updated"] == 2  # as before: the merge can be made again
    assert (coding(a), behaviour_coding(a)) == (was, was_beh)


def test_projects_of_no_common_origin_match_by_content_and_by_the_agreement_rule(tmp_path: Path) -> None:
    """Two projects made apart from one video file (and one more only the other has): exact duplicates skipped, an
    overlapping different event of the same coder and face kept beside as a conflict, the others new."""
    data = np.random.default_rng(3).integers(0, 256, 40_000, np.uint8).tobytes()
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    (tmp_path / "A" / "clip.avi").write_bytes(data)
    (tmp_path / "B" / "renamed.avi").write_bytes(data)
    (tmp_path / "B" / "second.avi").write_bytes(data[::-1])
    a, b = tmp_path / "A" / "a.merproj", tmp_path / "B" / "b.merproj"
    with Project.create(a) as p:
        v = p.add_video(tmp_path / "A" / "clip.avi", 30.0, 300, 64, 48).id
        p.add_event(Event(v, 10, 12, 14, coder="alice", emotion="happiness"))
        p.add_event(Event(v, 40, 45, 50, coder="alice", emotion="fear"))
    with Project.create(b) as p:
        w = p.add_video(tmp_path / "B" / "second.avi", 30.0, 100, 64, 48).id
        v = p.add_video(tmp_path / "B" / "renamed.avi", 30.0, 300, 64, 48).id
        p.add_event(Event(v, 10, 12, 14, coder="alice", emotion="happiness", note="same coding"))  # duplicate
        p.add_event(Event(v, 42, 45, 50, coder="alice", emotion="fear"))  # overlaps, differs: conflict
        p.add_event(Event(v, 40, 45, 50, coder="bob", emotion="fear"))  # another coder: new
        p.add_event(Event(w, 1, 2, 3, coder="bob"))
        gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
        p.add_behaviour_event(BehaviourEvent(v, gaze.id, 5, 9, coder="bob"))
    lines = _merge(a, b)
    assert "  videos: 1 matched by content, 1 new (second.avi)" in lines
    assert "  events: 2 new, 0 updated, 0 deleted, 1 conflict, 1 already here" in lines
    with Project.open(a, read_only=True) as p:
        assert [x.name for x in p.videos()] == ["clip.avi", "second.avi"]
        second = p.videos()[1]
        assert [(e.coder, e.onset) for e in p.events(second.id)] == [("bob", 1)]
        assert [x.name for x in p.behaviours()] == ["gaze away"]
        assert [(e.coder, e.onset, e.offset) for e in p.behaviour_events()] == [("bob", 5, 9)]
    assert sorted((c, on) for c, on, *_ in coding(a)) == [("alice", 10), ("alice", 40), ("alice", 42), ("bob", 1),
                                                          ("bob", 40)]


def test_the_project_itself_or_a_missing_file_is_refused_in_one_line(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    with Project.open(a) as p:
        with pytest.raises(InputError, match="this is the project itself"):
            plan_merge(p, a)
        with pytest.raises(InputError, match="no such project file"):
            plan_merge(p, tmp_path / "nope.merproj")
