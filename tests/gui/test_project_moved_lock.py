"""A project moved while open onto a name another merstudio opened for writing first is not followed: the status
bar says so, and the window keeps the old name (its edits go on into the file, through its own journal)."""

from __future__ import annotations

import sys

import pytest
from support.other_writer import held_elsewhere

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")]


def test_a_move_onto_a_name_held_elsewhere_is_said(qtbot, window, tmp_path):
    old, new = tmp_path / "study.merproj", tmp_path / "renamed.merproj"
    assert window.ctx.execute(C.NewProject, path=str(old))
    window.project.save(backup=False)
    old.rename(new)
    with held_elsewhere(new) as other:
        assert other.stdout is not None and other.stdout.readline().strip() == "writer"
        window.follow_project()  # what coming back to the window does
        line = window.statusBar().currentMessage()
        assert f"project file moved to {new}" in line and "not followed" in line, line
        assert window.project.path == old and window.windowTitle().startswith("study.merproj")
    window.follow_project()  # once the other let go
    assert window.project.path == new
