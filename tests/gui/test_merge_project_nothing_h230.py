"""File > Merge project… with nothing new in the other copy says so in the status bar, not in a warning box
counted among the errors ("…: nothing to merge"): a merge done again is no error (audit a99 finding 7, h230
item 3)."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, H, W, write_video
from support.merge_copies import two_copies

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_merging_a_copy_again_says_nothing_to_merge_in_the_status_bar(qtbot, window, tmp_path, monkeypatch):
    assert FPS == 30.0
    a, b = two_copies(tmp_path / "copies", write_video(tmp_path / "src.avi", n=600), (W, H))
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    asked = []
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: asked.append(plan) or True)
    assert window.ctx.execute(C.MergeProject, path=str(b)), window.errors
    steps, errors = window.undo_stack.count(), list(window.errors)
    assert not window.ctx.execute(C.MergeProject, path=str(b))  # again: nothing new there
    assert len(asked) == 1  # no question either
    assert window.errors == errors and window._error_box is None  # no warning box
    assert window.statusBar().currentMessage() == ("study.merproj: nothing to merge (this project holds everything "
                                                   "that copy does)")
    assert window.undo_stack.count() == steps
