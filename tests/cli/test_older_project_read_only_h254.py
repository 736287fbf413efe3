"""An older-schema project that cannot be upgraded where it is (open in yesterday's app, a read-only location) was
not readable at all: `project show`, `convert --export` and `agreement` refused "upgrading it needs write access
(in use by merstudio (pid …))" with no remedy (audit a102). Read-only uses now read it through an upgraded copy in
memory (Project.open_upgraded_copy), never writing the file, and say so in one line; a command that writes names
the remedy (close it there / copy it somewhere writable)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_project_with_an_event
from support.readonly import read_only_location

from merstudio.errors import OutputError
from merstudio.project import Project
from merstudio.project.event_store import Event
from merstudio.project.lock import ProjectLock
from merstudio.project.store import NeedsUpgrade


def _old(folder: Path) -> Path:
    """A schema-5 project (WAL, as the app leaves it): /x/clip.avi with one event by 'ann' and one by 'bob'."""
    folder.mkdir(exist_ok=True)
    path = folder / "old.merproj"
    old_project_with_an_event(path, 5, "ann")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 6, 8, 13, 'surprise', '1+2', 'bob', NULL, '',"
                " 'manual', 'accepted', 0, 0)")
    con.close()
    return path


def _state(folder: Path) -> dict[str, str]:
    """Every file in `folder` by its content: nothing written, no kept copy made beside it."""
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())
            if not f.name.endswith(".lock")}


def test_the_core_reads_an_older_project_in_use_through_an_upgraded_copy(tmp_path: Path) -> None:
    path = _old(tmp_path / "p")
    before = _state(path.parent)
    with ProjectLock.acquire(path):  # yesterday's app has it open
        with pytest.raises(NeedsUpgrade) as refused:
            Project.open(path)
        assert "close it there" in str(refused.value) and refused.value.version == 5
        with Project.open_upgraded_copy(path) as proj:
            assert proj.read_only and proj.upgraded_from == 5
            assert sorted(e.coder for e in proj.events(1)) == ["ann", "bob"]
            assert "read through an upgraded temporary copy; the file itself is unchanged" in proj.upgrade_note
            with pytest.raises(OutputError):
                proj.add_event(Event(video_id=1, onset=20, apex=21, offset=22, coder="ann"))
    assert _state(path.parent) == before


def test_show_export_and_agreement_read_an_older_project_in_use(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _old(tmp_path / "p")
    before = _state(path.parent)
    with ProjectLock.acquire(path):
        code, out, err = run(capsys, "project", "show", path)
        assert code == 0, err
        assert "events by ann: 1 accepted" in out and "clip.avi" in out
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "read through an upgraded temporary copy" in lines[0] and "in use by" in lines[0]
        code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "ev.csv", "--video", "1")
        assert code == 0 and "wrote 2 event(s)" in out, err
        code, out, err = run(capsys, "agreement", path)
        assert code == 0, err
        # an edit: refused in one line that names the remedy
        code, out, err = run(capsys, "project", "subject", path, "1", "P01")
        assert code != 0 and len(err.strip().splitlines()) == 1, err
        assert "upgrading it needs write access (in use by" in err and "close it there" in err
    assert _state(path.parent) == before


def test_show_reads_an_older_project_in_a_read_only_folder(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = _old(tmp_path / "ro")
    before = _state(path.parent)
    with read_only_location(path.parent):
        code, out, err = run(capsys, "project", "show", path)
        assert code == 0, err
        assert "events by bob: 1 accepted" in out
        assert "read through an upgraded temporary copy" in err and "read-only location" in err
        code, out, err = run(capsys, "project", "subject", path, "1", "P01")
        assert code != 0 and "copy it to a folder you can write and open the copy" in err, err
    assert _state(path.parent) == before
