"""In a frame folder the frame counter names the image shown (a118 finding 9): a clip whose files start at img46
showed img56.png as "frame 10" and nothing named img56, so a coder checking a sheet's OnsetFrame 56 could not tell
which file they were on. The numbering stays the project's (frame i is the i-th file)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from merstudio.gui import commands as C


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "EP02_01f"
    folder.mkdir()
    for k in range(46, 66):
        cv2.imwrite(str(folder / f"img{k}.png"), np.full((48, 64, 3), 3 * k, np.uint8))
    return folder


def test_the_counter_names_the_image_file_of_a_folder_frame(qtbot, window, tmp_path: Path) -> None:
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(_folder(tmp_path)))
    qtbot.waitUntil(lambda: win.video_view.frame_index == 0, timeout=10000)
    assert "img46.png" in win.frame_label.text()
    win.ctx.execute(C.GoToFrame, frame=10)
    qtbot.waitUntil(lambda: win.transport.current_frame == 10)
    text = win.frame_label.text()
    assert text.startswith("frame 10 / 19") and "img56.png" in text  # the numbering is unchanged
    assert "img56.png" in win.frame_label.toolTip()


def test_a_video_names_no_file(qtbot, window, video_path) -> None:
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    qtbot.waitUntil(lambda: win.video_view.frame_index == 0, timeout=10000)
    assert ".png" not in win.frame_label.text() and ".jpg" not in win.frame_label.text()
