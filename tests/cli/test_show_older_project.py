"""`merstudio project show` on a project an older merstudio made (schema 5) shows it, upgraded first as `agreement`
and `convert` do; it said "upgrading it needs write access (opened read-only)" of a file in a folder it could
write. Where the upgrade truly cannot be made, show reads an upgraded copy in memory (h254: tests/cli/
test_older_project_read_only_h254.py) and an edit is refused with the real reason (in use elsewhere, a read-only
location)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_project_with_an_event
from support.readonly import read_only_location

from merstudio.project.lock import ProjectLock
from merstudio.project.schema import SCHEMA_VERSION


def _v5_project(path: Path) -> None:
    """A schema-5 project as schema 5 wrote it: the migrations up to 5, a video and one event coded by 'old'."""
    old_project_with_an_event(path, 5, "old")


def _schema(path: Path) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])
    finally:
        con.close()


def test_show_upgrades_an_older_project_and_shows_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.merproj"
    _v5_project(path)
    code, out, err = run(capsys, "project", "show", path)
    assert code == 0, err
    assert "events by old: 1 accepted" in out and "clip.avi" in out
    assert _schema(path) == SCHEMA_VERSION


def test_show_says_why_an_older_project_in_use_cannot_be_upgraded(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.merproj"
    _v5_project(path)
    with ProjectLock.acquire(path):  # another writer has it
        code, out, err = run(capsys, "project", "subject", path, "1", "P01")  # an edit
    assert code != 0
    assert "made by an older merstudio (schema 5); upgrading it needs write access (in use by merstudio" in err
    assert _schema(path) == 5


def test_show_says_why_an_older_project_in_a_read_only_folder_cannot_be_upgraded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "old.merproj"
    _v5_project(path)
    with read_only_location(folder):
        code, out, err = run(capsys, "project", "subject", path, "1", "P01")  # an edit
    assert code != 0
    assert "upgrading it needs write access (read-only location" in err
    assert _schema(path) == 5
