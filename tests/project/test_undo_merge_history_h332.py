"""Edges h332 closed. File > Merge project's undo takes out, with an event (or behaviour event) it brought, the
history records the steps after it wrote under that event's id (an edit, the edit's undo): left, once the redo was
gone (a new step) they were orphans, an event's history naming an event that is not there and never was deleted;
its redo puts them back in their place under the same id, as it does the merge's own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from support.merge_copies import two_videos_copies

from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _orphans(p: Project, table: str, rows: str) -> list[int]:
    """Event ids with history records but neither a row nor a record of their deletion."""
    return [int(r[0]) for r in p._query(
        f"SELECT DISTINCT event_id FROM {table} h WHERE NOT EXISTS (SELECT 1 FROM {rows} e WHERE e.id = h.event_id)"
        f" AND NOT EXISTS (SELECT 1 FROM {table} d WHERE d.event_id = h.event_id AND d.action = 'delete')")]


def test_undoing_a_merge_leaves_no_history_of_the_events_it_took_back(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)  # b brings second.avi: bob's event, his nod
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        [vid] = done.videos
        [bob] = p.events(vid)
        [bev] = p.behaviour_events(vid)
        edited = p.update_event(replace(bob, emotion="fear"))  # the step after the merge
        noted = p.update_behaviour_event(replace(bev, note="seen"))
        p.update_behaviour_event(bev)  # Ctrl+Z, Ctrl+Z: the edits' undo, then the merge's
        p.update_event(bob)
        undone = undo_merge(p, done)
        assert p.event_history(bob.id) == [] and p.behaviour_event_history(bev.id) == []  # before: 2 'update' each
        assert _orphans(p, "event_history", "events") == []
        assert _orphans(p, "behaviour_event_history", "behaviour_events") == []
        # the redo: the merge's records and the steps' in their order, under the same ids; the edits redo after it
        again = apply_merge(p, plan, again=undone)
        assert again.events_added == [bob.id] and again.bevents_added == [bev.id]
        p.update_event(edited)
        p.update_behaviour_event(noted)
        assert [h["action"] for h in p.event_history(bob.id)] == ["create", "update", "update", "update"]
        assert [h["action"] for h in p.behaviour_event_history(bev.id)] == ["create", "update", "update", "update"]
        assert plan_merge(p, b).empty
