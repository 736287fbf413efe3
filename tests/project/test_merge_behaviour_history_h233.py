"""`project merge` of two copies: a behaviour event deleted in one copy came back from the other, and one edited in
both took the later edit silently (behaviour events had no history; schema 8 gives them one); a neutral frame range
only the other copy had was not brought across (h233)."""

from __future__ import annotations

import sqlite3
import warnings
from dataclasses import replace
from pathlib import Path

from support.merge_copies import behaviour_coding, coding, copy_of, merged, plan_lines, schema_7_copies, study
from support.old_projects import old_schema

from merstudio.features.neutral import NeutralBaseline, load_baselines, setting_key
from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge, undo_merge
from merstudio.project.store import ProjectUpgraded


def _copies(root: Path) -> tuple[Path, Path]:
    """alice's study (a 'gaze away' event of hers at 50-60) as A, and B copied from it."""
    a = study(root / "A")
    return a, copy_of(a, root / "B")


def _edit(path: Path, at: int, **change: object) -> None:
    """The behaviour event at onset ``at`` changed (``change``), or deleted (none)."""
    with Project.open(path) as p:
        e = next(e for e in p.behaviour_events() if e.onset == at)
        if change:
            p.update_behaviour_event(replace(e, **change))  # type: ignore[arg-type]
        else:
            p.delete_behaviour_event(e.id or 0)


def test_a_behaviour_event_deleted_in_either_copy_stays_deleted(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _edit(b, 50)  # bob deletes alice's gaze away in his copy
    assert "  deleted: alice: gaze away clip.avi frames 50-60" in plan_lines(a, b)
    plan = merged(a, b)
    assert plan.counts(plan.behaviour_events)["deleted"] == 1
    assert behaviour_coding(a) == []
    merged(b, a)  # and the other way: it does not come back into bob's copy
    assert behaviour_coding(b) == []
    with Project.open(a) as p:
        assert plan_merge(p, b).empty


def test_a_behaviour_event_edited_in_both_keeps_both_named(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _edit(b, 50, onset=52, note="bob: starts later")
    _edit(a, 50, note="alice: looks down")  # alice edits it after bob: before, hers won and bob's went
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert "  behaviour events: 0 new, 0 updated, 0 deleted, 1 conflict, 0 already here" in plan.lines()
        assert ("  conflict: alice: gaze away clip.avi frames 50-60 here, frames 52-60 in the other copy: changed in "
                "both, both kept (here -> the other copy: note 'alice: looks down' -> 'bob: starts later')"
                in plan.lines())
        done = apply_merge(p, plan)
        assert "behaviour events 1 conflict" in done.line()
    both = [("alice", 50, 60, "alice: looks down"), ("alice", 52, 60, "bob: starts later")]
    assert behaviour_coding(a) == both
    merged(b, a)
    assert behaviour_coding(b) == both  # the two copies agree now
    for x, y in ((a, b), (b, a)):
        with Project.open(x) as p:
            assert plan_merge(p, y).empty, plan_merge(p, y).summary()


def test_undo_of_a_merged_deletion_brings_the_event_and_its_history_back(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _edit(b, 50, onset=55)
    _edit(b, 55)
    with Project.open(a) as p:
        history = p.behaviour_event_history()
        done = apply_merge(p, plan_merge(p, b))
        assert p.behaviour_events() == [] and [h["action"] for h in p.behaviour_event_history()] == \
            ["create", "update", "delete"]  # bob's edit and deletion came with it
        undo_merge(p, done)
        assert p.behaviour_event_history() == history
    assert behaviour_coding(a) == [("alice", 50, 60, "")]


def test_a_deletion_after_the_upgrade_of_two_schema_7_copies_travels(tmp_path: Path) -> None:
    # copies made by the merstudio before the behaviour events' history: their events have none
    a, b = schema_7_copies(tmp_path)  # anna's gaze away at 5-9 and 20-30
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProjectUpgraded)
        _edit(a, 20, note="anna: seen again")  # an edit in one copy, a deletion in the other
        _edit(b, 5)
    plan = merged(a, b)
    assert plan.counts(plan.behaviour_events) == {"deleted": 1}
    assert behaviour_coding(a) == [("anna", 20, 30, "anna: seen again")]
    con = sqlite3.connect(a)
    try:  # the upgrade made up no history for the events stored before it
        assert con.execute("SELECT event_id, action FROM behaviour_event_history ORDER BY id").fetchall() == \
            [(2, "update"), (1, "delete")]
    finally:
        con.close()


def _neutral(path: Path, first: int, level: float) -> None:
    with Project.open(path) as p:
        vid = p.videos()[0].id
        p.set_setting(setting_key(vid), [NeutralBaseline(0, first, first + 30, {"AU04_r": level}, 31).to_dict()])


def _levels(path: Path) -> dict[int, tuple[int, int]]:
    with Project.open(path, read_only=True) as p:
        return {f: (b.first, b.last) for f, b in load_baselines(p, p.videos()[0].id).items()}


def test_neutral_frames_only_the_other_copy_has_come_across_and_undo_takes_them_back(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _neutral(b, 10, 1.5)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert not plan.empty
        assert "  neutral frames: from the other copy for clip.avi" in plan.lines()
        done = apply_merge(p, plan)
        assert done.line().endswith("; neutral frames from the other copy for clip.avi")
        assert load_baselines(p, p.videos()[0].id)[0].values == {"AU04_r": 1.5}
        assert plan_merge(p, b).empty
        undo_merge(p, done)
        assert load_baselines(p, p.videos()[0].id) == {}
        assert p.get_setting(setting_key(p.videos()[0].id)) is None


def test_neutral_frames_that_differ_keep_this_copys_and_say_so(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _neutral(a, 100, 0.5)
    _neutral(b, 10, 1.5)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert plan.empty  # nothing to write
        assert "  neutral frames: this copy's kept for clip.avi (the other copy's differ)" in plan.lines()
    _edit(b, 50, note="bob")
    with Project.open(a) as p:
        line = apply_merge(p, plan_merge(p, b)).line()
    assert line.endswith("; neutral frames this copy's kept for clip.avi (the other copy's differ)"), line
    assert _levels(a) == {0: (100, 130)}


def test_a_copy_of_an_older_schema_is_read_through_a_temporary_copy_and_left_as_it_is(tmp_path: Path) -> None:
    # (refused before h252, which reads it through an upgraded temporary copy)
    a = study(tmp_path / "A")
    old_schema(tmp_path / "old.merproj", 7).close()
    with Project.open(a) as p:
        assert plan_merge(p, tmp_path / "old.merproj").upgraded_from == 7
    assert not (tmp_path / "old (merstudio schema 7).merproj").exists()  # the other copy was only read


def test_an_event_deleted_here_and_changed_there_comes_back_once(tmp_path: Path) -> None:
    # merging the same copy again added it again each time (the kept side was not looked for, as it is for edits)
    a, b = _copies(tmp_path)
    with Project.open(a) as p:
        p.delete_event(next(e for e in p.events() if e.status == "accepted").id or 0)
    with Project.open(b) as p:
        e = next(e for e in p.events() if e.status == "accepted")
        p.update_event(replace(e, onset=104))
    first = merged(a, b)
    assert first.counts(first.events) == {"conflict": 1}
    assert merged(a, b).empty
    assert [x for x in coding(a) if x[3] == "accepted"] == [("alice", 104, 120, "accepted", "first pass")]
