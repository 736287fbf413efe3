"""A command that opens a project an older merstudio made (`project show`, `agreement`) says once, in one line on
stderr, that it upgraded it and where the original is kept; it said nothing, and the older merstudio then refused
the file. Where no upgrade can be made (a read-only folder) one line says why and nothing is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_project_with_an_event
from support.readonly import read_only_location

from merstudio.project.schema import SCHEMA_VERSION

KEPT = "old (merstudio schema 3).merproj"


def _v3_project(path: Path) -> None:
    """A schema-3 project as merstudio of 2026-11-25 wrote it: a video and one accepted event by 'anna'."""
    old_project_with_an_event(path, 3, "anna")


def _schema(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("command", [["project", "show"], ["agreement"]])
def test_the_upgrade_is_said_once_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              command: list[str]) -> None:
    path = tmp_path / "old.merproj"
    _v3_project(path)
    code, out, err = run(capsys, *command, path)
    said = [line for line in err.splitlines() if "upgraded" in line]
    assert said == ["merstudio: warning: upgraded old.merproj from schema 3 (merstudio of 2026-12-01 or earlier) "
                    f"to schema {SCHEMA_VERSION}; the original is kept as {KEPT}, which that merstudio opens"], err
    assert _schema(tmp_path / KEPT) == 3 and _schema(path) == SCHEMA_VERSION
    code, out, err = run(capsys, *command, path)
    assert "upgraded" not in err and "schema" not in err, err
    assert sorted(f.name for f in tmp_path.glob("*.merproj")) == [KEPT, "old.merproj"]


def test_a_read_only_folder_no_upgrade_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "old.merproj"
    _v3_project(path)
    with read_only_location(folder):
        code, out, err = run(capsys, "project", "subject", path, "1", "P01")  # an edit (show reads a copy: h254)
    assert code != 0 and len(err.strip().splitlines()) == 1, err
    assert "made by an older merstudio (schema 3); upgrading it needs write access (read-only location" in err
    assert sorted(f.name for f in folder.iterdir()) == ["old.merproj"] and _schema(path) == 3
