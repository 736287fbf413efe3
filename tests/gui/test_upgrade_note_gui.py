"""Opening a project an older merstudio made says, in the status bar, that it was upgraded and where its original
is kept (no dialog); it said nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.old_projects import old_schema

from merstudio.gui import commands as C
from merstudio.project.schema import SCHEMA_VERSION
from merstudio.project.store import ProjectUpgraded


def _v4_project(path: Path) -> None:
    """A schema-4 project (merstudio of 2026-12-01 or earlier) with two coders and nothing else."""
    con = old_schema(path, 4)
    con.execute("INSERT INTO coders VALUES ('anna', 0), ('ben', 0)")
    con.close()


def test_opening_an_older_project_says_it_was_upgraded(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "study.merproj"
    _v4_project(path)
    with pytest.warns(ProjectUpgraded):  # the CLI's line; the app says it in its status bar
        assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    line = window.statusBar().currentMessage()
    assert ("upgraded study.merproj from schema 4 (merstudio of 2026-12-01 or earlier) to schema "
            f"{SCHEMA_VERSION}; the original is kept as study (merstudio schema 4).merproj") in line, line
    assert (tmp_path / "study (merstudio schema 4).merproj").is_file()
    assert {"anna", "ben"} <= set(window.project.coders())
