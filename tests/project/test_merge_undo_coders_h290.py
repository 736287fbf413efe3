"""Undoing a merge keeps a coder it added that work left in the project names (h290): since h282 an undo keeps the
events, behaviour events and coded marks made after the merge, and a coder the merge brought (offered in the app's
list since) may name them; their record went with the undo all the same, the coder listed after the recorded ones
as a name only the events give. Kept, and the undo's line says so; one nothing names still goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.merge_copies import two_videos_copies

from merstudio.project import Project
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _recorded(p: Project) -> list[str]:
    return [str(r[0]) for r in p._query("SELECT name FROM coders ORDER BY created, name")]


def test_a_coder_the_merge_added_stays_while_events_made_since_name_them(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        done = apply_merge(p, plan_merge(p, b))
        assert done.coders == ["bob"]
        [vid] = done.videos
        p.add_coder("carol")  # recorded after bob
        p.add_event(Event(vid, 60, 62, 64, coder="bob", emotion="surprise"))  # bob picked from the list since
        undone = undo_merge(p, done)
        assert [e.coder for e in p.events(vid)] == ["bob"] and undone.kept[vid][1] == ("an event",)
        assert _recorded(p) == ["bob", "carol"] and p.coders() == ["bob", "carol", "alice"]
        assert undone.coders == ["bob"]
        assert undone.line().endswith("; coder bob kept: events made since the merge name them")


@pytest.mark.parametrize("made_since", ["behaviour event", "coded mark"])
def test_a_behaviour_event_or_a_coded_mark_on_a_video_of_before_keeps_the_coder(tmp_path: Path,
                                                                                 made_since: str) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(b) as p:
        p.add_coder("dave")  # recorded in B, named by nothing there
    with Project.open(a) as p:
        first = p.videos()[0].id
        done = apply_merge(p, plan_merge(p, b))
        assert sorted(done.coders) == ["bob", "dave"]
        if made_since == "coded mark":
            p.mark_coded(first, ["bob"])
        else:
            gaze = next(x for x in p.behaviours() if x.name == "gaze away")
            p.add_behaviour_event(BehaviourEvent(first, gaze.id, 200, 210, coder="bob"))
        undone = undo_merge(p, done)
        assert _recorded(p) == ["bob"]  # dave, whom nothing names, went
        assert undone.kept == {} and undone.coders == ["bob"]
        assert undone.line() == f"coder bob kept: {made_since}s made since the merge name them"


def test_the_merges_own_coded_marks_and_events_take_the_coder_with_them(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(b) as p:
        p.mark_coded(p.videos()[0].id, ["bob"])  # bob coded clip.avi and found nothing
    with Project.open(a) as p:
        first = p.videos()[0].id
        done = apply_merge(p, plan_merge(p, b))
        assert done.coded == {first: ["bob"]}
        undone = undo_merge(p, done)
        assert undone.coders == [] and undone.line() == ""
        assert _recorded(p) == [] and p.coders() == ["alice"] and p.coded_by(first) == []
