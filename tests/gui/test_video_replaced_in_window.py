"""The video shown replaced by another file of the same name while the window has it open (mv over it, or cp into
it): frames not decoded yet showed the new file's pictures under the old numbering, or "frame 32 cannot be decoded
(file truncated or damaged?)", and nothing said why. Now the status bar says once, within a few seconds, "<name>
changed on disk while open: reopen it (the results are the old file's)", a seek to a frame not decoded yet says the
same instead of showing a picture, and the window never opens the new file under the old video's results."""

from __future__ import annotations

import os
import shutil

import cv2
import numpy as np
import pytest
from gui_fixtures import FPS, H, W, write_video

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

LINE = "clip.avi changed on disk while open: reopen it (the results are the old file's)"
NEW_VALUE = 201  # every frame of the other file: no frame of the first (frame_value: even numbers) has it


def _other_clip(path):
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS / 2, (W, H))
    for _ in range(36):
        wr.write(np.full((H, W, 3), NEW_VALUE, np.uint8))
    wr.release()
    return path


def _open_with_another_file(qtbot, window, tmp_path):
    """clip.avi (gui_fixtures' video) open in the window at frame 0, and other.avi beside it: clip.avi."""
    clip = write_video(tmp_path / "clip.avi")
    _other_clip(tmp_path / "other.avi")
    assert window.ctx.execute(C.OpenVideo, path=str(clip)), window.errors
    qtbot.waitUntil(lambda: window.video_view.frame_index == 0)
    return clip


def _replace(clip, how):
    """other.avi put in clip's place: moved over it (a new file, as a save by rename) or copied into it."""
    other = clip.with_name("other.avi")
    if how == "mv":
        os.replace(shutil.copyfile(other, clip.with_name("tmp.avi")), clip)
    else:
        shutil.copyfile(other, clip)


@pytest.mark.parametrize("how", ["mv", "cp"])
def test_said_once_and_no_picture_of_the_new_file(qtbot, window, tmp_path, how):
    clip = _open_with_another_file(qtbot, window, tmp_path)
    lines: list[str] = []
    window.statusBar().messageChanged.connect(lines.append)
    pictures: dict[int, int] = {}
    window.transport.frameReady.connect(lambda i, rgb: pictures.__setitem__(i, int(np.median(rgb))))
    _replace(clip, how)

    qtbot.waitUntil(lambda: LINE in lines, timeout=10000)
    window.transport.seek(50)
    qtbot.waitUntil(lambda: f"frame 50: {LINE}" in lines, timeout=10000)
    view = window.video_view  # the picture shown is an earlier frame's: dimmed and labelled, not frame 50's
    assert view.loading_label.isVisible() and view.loading_label.text().startswith("frame 50 not shown")
    assert view._pixmap.opacity() < 1
    qtbot.wait(4500)  # two more looks of the window's watch
    assert lines.count(LINE) == 1, lines
    assert 50 not in pictures and NEW_VALUE not in pictures.values(), pictures
    assert window.frame_count == 90  # the old file's numbering, as its results


@pytest.mark.parametrize("how", ["mv", "cp"])
def test_analyse_says_the_file_changed_not_that_it_is_missing(qtbot, window, tmp_path, how):
    """Ctrl+R on the replaced video said "video not found (moved or deleted)" although a file is there."""
    clip = _open_with_another_file(qtbot, window, tmp_path)
    _replace(clip, how)

    assert not window.ctx.execute(C.RunAnalysis, confirmed=True)
    assert any(LINE in e for e in window.errors), window.errors
    assert not any("not found" in e for e in window.errors), window.errors
