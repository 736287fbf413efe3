"""On a photo, the relative view and the relative export do not send the coder to Analysis > Neutral frames (which
refuses photos): they say what that entry says (gui.neutral.PHOTO_NEUTRAL). A video still points there."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.gui.neutral import PHOTO_NEUTRAL

pytestmark = pytest.mark.gui


@pytest.fixture
def photo(qtbot, window, tmp_path, monkeypatch):
    from gui_fixtures import FakeAnalysis

    monkeypatch.setattr(FakeAnalysis, "face_from", 0)  # the photo's one frame has a face
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), np.full((120, 160, 3), 128, np.uint8))
    return open_and_analyse(qtbot, window, path)


def test_the_relative_view_on_a_photo_says_why(photo):
    photo.neutral.view_action.trigger()  # as the menu does
    line = photo.statusBar().currentMessage()
    assert PHOTO_NEUTRAL in line and "Analysis > Neutral frames" not in line, line


def test_the_relative_export_on_a_photo_says_why(photo, tmp_path):
    assert not photo.ctx.execute(C.Export, kind="frames_neutral", path=str(tmp_path / "x.csv"))
    assert photo.errors[-1] == PHOTO_NEUTRAL


def test_a_video_still_points_to_the_entry(qtbot, window, video_path, tmp_path):
    open_and_analyse(qtbot, window, video_path)
    window.neutral.view_action.trigger()
    assert "(Analysis > Neutral frames)" in window.statusBar().currentMessage()
    assert not window.ctx.execute(C.Export, kind="frames_neutral", path=str(tmp_path / "x.csv"))
    assert "set them first (Analysis > Neutral frames)" in window.errors[-1]
