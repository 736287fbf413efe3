"""Neutral frames on a photo: its one frame cannot be its own neutral (relative to itself every AU reads 0, and a
neutral level is the median of several frames), so both ways of setting them say so plainly, and what to do
instead, rather than asking a photo for frames ("needs at least 5") or a drag on a track it does not show."""

from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from helpers import open_and_analyse

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui


def _photo(tmp_path):
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), np.full((120, 160, 3), 128, np.uint8))
    return path


@pytest.fixture
def photo(qtbot, window, tmp_path, monkeypatch):
    from gui_fixtures import FakeAnalysis

    monkeypatch.setattr(FakeAnalysis, "face_from", 0)  # the photo's one frame has a face
    return open_and_analyse(qtbot, window, _photo(tmp_path))


def _says_photo(msg: str) -> None:
    assert msg.startswith("a photo has one frame, and it cannot be its own neutral"), msg
    assert "every AU would read 0" in msg and "neutral photo of the same person" in msg and "\n" not in msg


@pytest.mark.parametrize("mode", ["selection", "auto"])
def test_a_photo_says_plainly_that_it_cannot_be_its_own_neutral(photo, mode):
    win = photo
    assert win.frame_count == 1 and win.selected_face() == 0
    win.timeline.set_selection(0, 0)  # its one frame (the timeline is not shown: the AU bars are)
    assert not win.ctx.execute(SetNeutral, mode=mode)
    _says_photo(win.errors[-1])
    assert load_baselines(win.project, win.video.id) == {} and win.undo_stack.count() == 0
    out = os.environ.get("NEUTRAL_PHOTO_PNG")  # a look at the box as a user sees it
    if out:
        win._error_box.grab().save(f"{out}_{mode}.png")


def test_a_photo_without_a_selection_or_an_analysis_gets_the_same_answer(qtbot, window, tmp_path):
    """Not "drag over them on the events track" (a photo shows none), nor "run the analysis first" (it would not
    help)."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(_photo(tmp_path))), win.errors
    assert not win.ctx.execute(SetNeutral, mode="auto")
    _says_photo(win.errors[-1])
    assert not win.ctx.execute(SetNeutral, mode="selection")
    _says_photo(win.errors[-1])
