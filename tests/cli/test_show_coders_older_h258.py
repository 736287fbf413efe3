"""`project show`'s header named the recorded coders alone (Project.coders(): the app's, an import's, a merge's): a
project whose events came in through the Python API (Project.add_event records no coder), as a102's schema-7 study
did, said 'coders: none' above 'events by alice' and 'events by bob' (h258 item 3). The coders who left events,
behaviour events or a `coded:` record are listed after the recorded ones; the model's proposals are no coder's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_project_with_an_event

from merstudio.project import Project
from merstudio.project.event_store import Event
from merstudio.project.lock import ProjectLock


def _old(path: Path) -> Path:
    """A schema-7 project with events by alice and bob and a model's proposal, and no coder recorded."""
    old_project_with_an_event(path, 7, "alice")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 20, 22, 25, 'happiness', '6+12', 'bob', NULL, '',"
                " 'manual', 'accepted', 0, 0), (1, 0, 30, 32, 35, 'happiness', '6+12', 'model', 0.8, '', 'model',"
                " 'proposal', 0, 0)")
    con.close()
    return path


def test_show_names_the_coders_of_an_older_project_read_through_its_upgraded_copy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _old(tmp_path / "old.merproj")
    with ProjectLock.acquire(path):  # in use elsewhere: read through an upgraded copy in memory
        code, out, err = run(capsys, "project", "show", path)
    assert code == 0, err
    assert out.splitlines()[0] == f"{path}: 1 video(s); coders: alice, bob", out
    assert "events by alice: 1 accepted" in out and "events by bob: 1 accepted" in out


def test_recorded_coders_come_first_then_those_who_left_events_unrecorded(tmp_path: Path) -> None:
    path = _old(tmp_path / "old.merproj")
    with pytest.warns(UserWarning), Project.open(path) as p:  # upgraded (its kept copy said)
        assert p.coders() == ["alice", "bob"]
        p.add_coder("zoe")
        p.mark_coded(1, ["yann"])  # found nothing on it
        p.add_event(Event(video_id=1, onset=40, apex=41, offset=42, coder="carl"))  # the API records no coder
        assert p.coders() == ["zoe", "alice", "bob", "carl", "yann"]
