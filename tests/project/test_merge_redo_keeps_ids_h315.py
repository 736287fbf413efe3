"""A merge undone and redone gives back the ids it gave (h315; audit a114 finding 5): the undo steps after it that
name what it brought (an edit of a merged-in event, an event coded on a video or a behaviour it added) redo. Before,
the redo inserted every row anew under new ids, and the edit's redo failed "no event 3" (the app then dropped it
from the history). The steps are made here as the app's undo steps make them (Project calls, in stack order)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from support.merge_copies import two_videos_copies

from merstudio.project import Project
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def test_a_redo_gives_the_rows_their_ids_and_the_steps_after_it_redo(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)  # b brings second.avi: bob's event, the 'nod' behaviour and his nod, an overlay
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        [vid] = done.videos
        [bob] = p.events(vid)
        [bev] = p.behaviour_events(vid)
        nod = next(x for x in p.behaviours() if x.name == "nod")
        # the steps after the merge, each naming what it brought
        edited = p.update_event(replace(bob, emotion="fear"))
        added = p.add_event(Event(vid, 40, 42, 44, coder="alice", emotion="surprise"))
        nodded = p.add_behaviour_event(BehaviourEvent(vid, nod.id, 30, 31, coder="alice"))
        noted = p.update_behaviour_event(replace(bev, note="seen"))
        # Ctrl+Z five times: the newest first, the merge last
        p.update_behaviour_event(bev)
        p.delete_behaviour_event(nodded.id)
        p.delete_event(added.id)
        p.update_event(bob)
        undone = undo_merge(p, done)
        assert [v.name for v in p.videos()] == ["clip.avi"]
        # Ctrl+Shift+Z five times: the merge first, under the same ids
        again = apply_merge(p, plan, again=undone)
        assert (again.videos, again.behaviours, again.events_added, again.bevents_added, again.overlays) == \
            (done.videos, done.behaviours, done.events_added, done.bevents_added, done.overlays)
        p.update_event(edited)  # before: KeyError 'no event 3'
        p.add_event(added)
        p.add_behaviour_event(nodded)
        p.update_behaviour_event(noted)
        assert [(e.id, e.coder, e.emotion) for e in p.events(vid)] == [(bob.id, "bob", "fear"),
                                                                       (added.id, "alice", "surprise")]
        assert sorted((e.id, e.behaviour_id, e.note) for e in p.behaviour_events(vid)) == \
            [(bev.id, nod.id, "seen"), (nodded.id, nod.id, "")]
        # each history in its order, the merge's records first: merging that copy again finds nothing new
        assert [h["action"] for h in p.event_history(bob.id)] == ["create", "update", "update", "update"]
        assert [h["action"] for h in p.behaviour_event_history(bev.id)] == ["create", "update", "update", "update"]
        assert plan_merge(p, b).empty
        # and again: undone, redone, the same ids
        p.update_behaviour_event(bev)
        p.delete_behaviour_event(nodded.id)
        p.delete_event(added.id)
        p.update_event(bob)
        third = apply_merge(p, plan, again=undo_merge(p, again))
        assert (third.videos, third.events_added, third.bevents_added) == (done.videos, [bob.id], [bev.id])


def test_an_id_another_event_took_since_the_undo_is_left_to_it(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        [eid] = done.events_added
        undone = undo_merge(p, done)
        clip = p.videos()[0].id
        # an event made outside the history (an analysis's proposal) got the id, and went: its history names it
        other = p.add_event(Event(clip, 5, 6, 7, coder="alice", emotion="fear"))
        assert other.id == eid
        p.delete_event(eid)
        again = apply_merge(p, plan, again=undone)
        [new] = again.events_added
        assert new != eid  # one id, one event's history
        assert [h["action"] for h in p.event_history(eid)] == ["create", "delete"]
        assert [h["action"] for h in p.event_history(new)] == ["create"]


def test_a_behaviour_the_undo_kept_is_the_one_the_redo_codes_on(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        nod = next(x for x in p.behaviours() if x.name == "nod")
        clip = p.videos()[0].id
        p.add_behaviour_event(BehaviourEvent(clip, nod.id, 3, 4, coder="alice"))  # made since (not an undo step)
        undone = undo_merge(p, done)
        assert undone.behaviours == ["nod"]
        again = apply_merge(p, plan, again=undone)  # before: UNIQUE constraint failed: behaviours.name
        assert [x.name for x in p.behaviours()].count("nod") == 1 and again.behaviours == []
        assert {e.behaviour_id for e in p.behaviour_events() if e.coder == "bob" and e.onset == 5} == {nod.id}


def test_the_events_version_changes_with_a_redo_that_gives_history_records_their_place(tmp_path: Path) -> None:
    """A merge of updates alone, redone under an undone edit: the events, their largest modified time and history
    row id are as they were at the undo (the records go back below the edit's), yet the events are not: the version
    (what the agreement's cache compares) must change, or the report of before the redo is shown."""
    from support.merge_copies import copy_of, study

    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:
        p.coder = "alice"
        first = next(e for e in p.events() if e.status == "accepted")
        p.update_event(replace(first, onset=102))
    with Project.open(a) as p:
        p.coder = "alice"
        plan = plan_merge(p, b)
        assert [c.kind for c in plan.events] == ["updated"]
        done = apply_merge(p, plan)
        other = next(e for e in p.events() if e.status == "proposal")
        p.update_event(replace(other, note="later"))  # a step after the merge
        p.update_event(other)  # undone
        undone = undo_merge(p, done)
        before = p.events_version()
        apply_merge(p, plan, again=undone)
        assert 102 in [e.onset for e in p.events()]
        assert p.events_version() != before
