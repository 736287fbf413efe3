"""`project merge` of copies edited in a merstudio before behaviour history (schema 7), then upgraded (h252): an edit
made there was lost against one made after the upgrade in the other copy, either way round; a deletion made there
came back unsaid; an event the other copy added after the copies parted was called 'changed in both'; a copy of an
older schema was refused with a command that could not be pasted; its kept copy's name piled up the suffix."""

from __future__ import annotations

import sqlite3
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from support.merge_copies import behaviour_coding, coding, copy_of, merged, plan_lines, schema_7_copies, study
from support.old_projects import old_schema

from merstudio.errors import InputError
from merstudio.project import Project
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge
from merstudio.project.store import ProjectDamaged, ProjectUpgraded

UNLOGGED_KEPT = ("  1 behaviour event(s) the other copy lacks were kept: it was edited by a merstudio before behaviour "
                 "history (schema 8), so a deletion there cannot be told from an addition here")


def _old_app(path: Path, sql: str) -> None:
    """An edit as the schema-7 merstudio made it: the row changed, its ``modified`` set, nothing logged."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(sql)
    finally:
        con.close()


def _upgraded(path: Path, at: int | None = None, note: str = "") -> None:
    """Opened by today's merstudio (upgraded), and the behaviour event at onset ``at`` given ``note`` there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProjectUpgraded)
        with Project.open(path) as p:
            if at is not None:
                e = next(e for e in p.behaviour_events() if e.onset == at)
                p.update_behaviour_event(replace(e, note=note))


def test_an_edit_made_before_schema_8_and_one_made_after_are_both_kept_either_way(tmp_path: Path) -> None:
    a, b = schema_7_copies(tmp_path)
    _old_app(b, "UPDATE behaviour_events SET offset = 12, note = 'bob, old app', modified = 200 WHERE id = 1")
    _upgraded(a, at=5, note="alice, after the upgrade")
    _upgraded(b)
    for here, there in ((a, b), (b, a)):  # before: A <- B '1 already here' (bob's lost), B <- A 'updated' (his gone)
        lines = plan_lines(here, there)
        assert "  behaviour events: 0 new, 0 updated, 0 deleted, 1 conflict, 1 already here" in lines, lines
    merged(a, b)
    both = [("anna", 5, 9, "alice, after the upgrade"), ("anna", 5, 12, "bob, old app")]
    assert sorted(behaviour_coding(a))[:2] == both
    merged(b, a)
    assert sorted(behaviour_coding(b))[:2] == both
    with Project.open(a) as p:  # the copies agree now: merging again finds nothing to do
        assert plan_merge(p, b).empty


def test_an_unedited_event_against_an_edit_after_the_upgrade_is_no_conflict(tmp_path: Path) -> None:
    a, b = schema_7_copies(tmp_path)
    _upgraded(a, at=20, note="alice")
    _upgraded(b)
    assert "  behaviour events: 0 new, 1 updated, 0 deleted, 0 conflicts, 1 already here" in plan_lines(b, a)
    assert "  behaviour events: 0 new, 0 updated, 0 deleted, 0 conflicts, 2 already here" in plan_lines(a, b)


def test_a_deletion_made_before_schema_8_is_said_both_ways(tmp_path: Path) -> None:
    a, b = schema_7_copies(tmp_path)
    _old_app(b, "DELETE FROM behaviour_events WHERE id = 2")
    _upgraded(a)
    _upgraded(b)
    lines = plan_lines(a, b)  # before: nothing said, and the event stayed as if bob had it
    assert UNLOGGED_KEPT in lines, lines
    lines = plan_lines(b, a)  # before: '1 new' by anna, unsaid
    assert ("  1 of the new behaviour event(s) may have been deleted here: this copy was edited by a merstudio before "
            "behaviour history (schema 8), so a deletion here cannot be told from an addition there (delete them "
            "again after the merge if they were)") in lines, lines
    assert "  new: anna: gaze away clip.avi frames 20-30 (deleted here?)" in lines


def test_copies_made_at_schema_8_or_later_say_nothing_of_unlogged_deletions(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:
        p.delete_behaviour_event(p.behaviour_events()[0].id or 0)
    assert not any("schema 8" in x for x in plan_lines(a, b) + plan_lines(b, a))


def test_an_event_added_in_the_other_copy_after_the_copies_parted_is_new_overlapping_or_not(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:  # alice's second look, within her event at 100-120 (before: 'changed in both')
        p.add_event(Event(p.videos()[0].id, 105, 108, 115, coder="alice", aus="12", note="second look"))
    lines = plan_lines(a, b)
    assert "  events: 1 new, 0 updated, 0 deleted, 0 conflicts, 2 already here" in lines, lines
    assert not any("changed in both" in x for x in lines)
    merged(a, b)
    assert ("alice", 105, 115, "accepted", "second look") in coding(a)


def test_a_copy_of_an_older_schema_is_merged_through_an_upgraded_temporary_copy(tmp_path: Path) -> None:
    a, b = schema_7_copies(tmp_path)
    _old_app(b, "UPDATE behaviour_events SET note = 'bob, old app', modified = 200 WHERE id = 2")
    _upgraded(a)
    before = b.read_bytes()
    with Project.open(a) as p:
        plan = plan_merge(p, b)  # before: refused, telling to run an unquoted `project show` of it
        assert plan.upgraded_from == 7
        assert ("  study.merproj is of schema 7 (an older merstudio): read through an upgraded temporary copy; the "
                "file itself is not changed") in plan.lines()
        apply_merge(p, plan)
    assert ("anna", 20, 30, "bob, old app") in behaviour_coding(a)
    assert b.read_bytes() == before and sorted(x.name for x in b.parent.iterdir()) == ["study.merproj"]


def test_where_the_temporary_copy_cannot_be_made_the_line_quotes_the_file_and_names_file_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = study(tmp_path / "A")
    old = tmp_path / "study (merstudio schema 7).merproj"
    old_schema(old, 7).close()

    def no_memory(path: Path, **_: object) -> Project:  # its copy is upgraded in memory (h258)
        raise ProjectDamaged(Path(path), "out of memory")

    monkeypatch.setattr(Project, "open_upgraded_copy", no_memory)
    with Project.open(a) as p, pytest.raises(InputError) as err:
        plan_merge(p, old)
    text = str(err.value)
    assert "File > Open… in the app" in text
    assert f"merstudio project show '{old}'" in text, text  # pasted into a shell, it runs


def test_the_kept_copy_upgraded_in_its_turn_does_not_repeat_the_suffix(tmp_path: Path) -> None:
    kept = tmp_path / "study (merstudio schema 7).merproj"
    old_schema(kept, 7).close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProjectUpgraded)
        with Project.open(kept) as p:
            assert p.upgrade_copy is not None
            assert p.upgrade_copy.name == "study (merstudio schema 7, 2).merproj"  # not '... 7) (merstudio schema 7)'


def test_a_project_made_at_schema_8_or_later_is_not_said_to_have_deleted_an_older_copys_events(
        tmp_path: Path) -> None:
    a = study(tmp_path / "A")  # made today: every deletion here was logged
    (tmp_path / "old").mkdir()
    _, b = schema_7_copies(tmp_path / "old")
    _upgraded(b)
    lines = plan_lines(a, b)
    assert "  behaviour events: 2 new, 0 updated, 0 deleted, 0 conflicts, 0 already here" in lines, lines
    assert not any("deleted here" in x for x in lines), lines
