"""`merstudio project new` makes afresh what a creation killed at once left (a 0-byte file, or SQLite's first page
alone: no application id, no table), as Project.create does; a real project, or any other file, is still never
replaced ("already exists", exit 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run

from merstudio.project import Project
from merstudio.project.store import killed_before_created


def _header_only(path: Path) -> None:
    con = sqlite3.connect(path)  # what create() had written when killed before it set the application id
    con.execute("PRAGMA journal_mode = WAL")
    con.close()


@pytest.mark.parametrize("make", [Path.touch, _header_only], ids=["empty", "header-only"])
def test_project_new_replaces_a_killed_create(tmp_path: Path, capsys: pytest.CaptureFixture[str], make) -> None:
    proj = tmp_path / "x.merproj"
    make(proj)
    assert killed_before_created(proj)
    code, out, err = run(capsys, "project", "new", proj)
    assert code == 0 and f"created {proj}" in out, err
    with Project.open(proj, read_only=True) as p:
        assert p.videos() == []
    assert not killed_before_created(proj)
    code, out, err = run(capsys, "project", "new", proj)  # a real project now
    assert code == 3 and "already exists" in err, err


def test_other_files_are_not_killed_creates(tmp_path: Path) -> None:
    other = tmp_path / "other.merproj"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    text = tmp_path / "text.merproj"
    text.write_text("not a database " * 400)
    assert not killed_before_created(other) and not killed_before_created(text)
    assert not killed_before_created(tmp_path / "missing.merproj") and not killed_before_created(tmp_path)
    with pytest.raises(Exception, match="already exists"):
        Project.create(other)
