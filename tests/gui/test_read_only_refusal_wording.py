"""A read-only window refusing an edit says what happened: the edit was refused and nothing was changed (not
"changes are not saved", as if something had been changed and lost), and, when another writer has the project,
how to edit it."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_a_new_event_refused_says_nothing_was_changed(qtbot, window, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.session.close_project()
    assert window.ctx.execute(C.OpenProject, path=str(path), read_only=True), window.errors
    window.ctx.execute(C.NewEvent, onset=3, offset=9)
    assert window.errors[-1] == ("study.merproj is open read-only (opened read-only): edits are refused, nothing "
                                 "was changed")  # was: "…: changes are not saved"
    assert window.project.events(b.id) == []


def test_in_use_elsewhere_it_says_how_to_edit(qtbot, window, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.session.close_project()
    with Project.open(path):  # another writer holds it
        window.ask_read_only = lambda question: True
        assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
        assert window.project.read_only
        window.ctx.execute(C.NewEvent, onset=3, offset=9)
    line = window.errors[-1]
    assert line.startswith("study.merproj is open read-only (in use by merstudio (") and "\n" not in line
    assert line.endswith("): edits are refused, nothing was changed; to edit, close it there and open it here again")
