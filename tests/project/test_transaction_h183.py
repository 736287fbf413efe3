"""Project.transaction: many edits as one transaction, committed once (one sync to the disk: the app's jump through
300 undo steps synced 300 times, 11.8 s; audit a88), or rolled back whole; each edit stays whole by itself."""

from __future__ import annotations

import sqlite3

import pytest

from merstudio.errors import OutputError
from merstudio.project import Event, Project


def _commits(project: Project) -> list[str]:
    said: list[str] = []
    project._con.set_trace_callback(lambda sql: said.append(sql) if sql.split()[0].upper() == "COMMIT" else None)
    return said


def test_edits_inside_commit_once_and_none_is_seen_before(project):
    vid = project.videos()[0].id
    outside = sqlite3.connect(project.path)  # another reader: sees committed edits only
    n = outside.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    commits = _commits(project)
    with project.transaction():
        added = [project.add_event(Event(vid, 1 + k, 2 + k, 3 + k, coder="ann")) for k in range(5)]
        project.delete_event(added[0].id)
        assert outside.execute("SELECT COUNT(*) FROM events").fetchone()[0] == n
    assert len(commits) == 1
    assert outside.execute("SELECT COUNT(*) FROM events").fetchone()[0] == n + 4
    assert not project._con.in_transaction
    outside.close()


def test_a_raise_inside_rolls_every_edit_back(project):
    vid = project.videos()[0].id
    before = project.events()
    n_hist = len(project.event_history())
    with pytest.raises(RuntimeError):
        with project.transaction():
            project.add_event(Event(vid, 1, 2, 3, coder="ann"))
            project.delete_event(before[0].id)
            raise RuntimeError("stop")
    assert project.events() == before and len(project.event_history()) == n_hist
    assert not project._con.in_transaction
    added = project.add_event(Event(vid, 1, 2, 3, coder="ann"))  # the connection stays usable
    assert project.event(added.id) == added


def test_a_failed_edit_inside_leaves_nothing_of_itself(project, monkeypatch):
    vid = project.videos()[0].id
    before = project.events()
    real = project._log

    def full(*a, **k):  # after the edit's INSERT, inside its savepoint
        raise OSError(28, "No space left on device")

    with project.transaction():
        kept = project.add_event(Event(vid, 1, 2, 3, coder="ann"))
        monkeypatch.setattr(project, "_log", full)
        with pytest.raises(OutputError):
            project.add_event(Event(vid, 4, 5, 6, coder="ann"))
        monkeypatch.setattr(project, "_log", real)
    assert {e.id for e in project.events()} == {e.id for e in before} | {kept.id}
    assert not any(e.onset == 4 for e in project.events())


def test_sqlite_rolling_it_all_back_is_said_not_committed_in_pieces(project):
    vid = project.videos()[0].id
    before = project.events()
    pages = project._query("PRAGMA page_count")[0][0]
    with pytest.raises(OutputError) as err:
        with project.transaction():
            project.add_event(Event(vid, 1, 2, 3, coder="ann"))
            project._query(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL from here
            with pytest.raises(OutputError):
                project.add_event(Event(vid, 4, 5, 6, note="x" * 50_000, coder="ann"))
            project._query("PRAGMA max_page_count = 1073741823")
            project.add_event(Event(vid, 7, 8, 9, coder="ann"))  # not in a transaction of its own
    assert "not saved" in str(err.value)
    assert project.events() == before
    assert not project._con.in_transaction
