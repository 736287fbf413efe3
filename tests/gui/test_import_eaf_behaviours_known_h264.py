"""File > Import events of an ELAN file of behaviour tiers alone, all of whose events the project has already:
the status line says so ("n.eaf: its 1 behaviour event(s) are already in the project: nothing new to import"); no
preview, no error box, no undo step, and the app's coder is not recorded as having coded the video from it (it
offered "Record tester as having coded this video") (h264)."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, H, W, write_video
from helpers import accepted_previews
from support.merge_copies import behaviour_tiers_alone, study

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_the_status_line_says_they_are_already_in_the_project(qtbot, window, monkeypatch, tmp_path):
    assert FPS == 30.0
    proj = study(tmp_path / "A", write_video(tmp_path / "src.avi", n=120), (W, H))
    eaf = behaviour_tiers_alone(proj, tmp_path / "n.eaf")
    assert window.ctx.execute(C.OpenProject, path=str(proj)), window.errors
    shown = accepted_previews(monkeypatch, lambda dlg: dlg.head.text())
    coders, steps = window.project.coders(), window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    assert window.errors == [] and shown == []
    assert window.statusBar().currentMessage() == \
        "n.eaf: its 1 behaviour event(s) are already in the project: nothing new to import"
    assert window.project.coders() == coders and window.undo_stack.count() == steps
