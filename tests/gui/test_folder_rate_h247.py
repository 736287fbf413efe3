"""A project's frame folder opens in the app at the rate the project holds for it (h247): image files carry none,
and opened without it a folder added at 60 fps (`merstudio project add --fps 60`) was shown and analysed at 30. One
held at the 30 fps assumed when it was added says so in the status line."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from gui_fixtures import reopened

from merstudio.cli.main import main


def _project(tmp_path: Path, *fps: str) -> Path:
    folder = tmp_path / "burst"
    folder.mkdir()
    for k in range(4):
        cv2.imwrite(str(folder / f"img{k + 1:04d}.png"), np.full((48, 64, 3), 40 * k, np.uint8))
    path = tmp_path / "study.merproj"
    assert main(["project", "new", str(path), str(folder), *fps]) == 0
    return path


def test_a_folder_opens_at_the_rate_the_project_holds(qtbot, qsettings, tmp_path: Path) -> None:
    win = reopened(qtbot, qsettings, _project(tmp_path, "--fps", "60"))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.video.fps == 60 and win.session.source.fps == 60
        assert "assumed" not in win.statusBar().currentMessage() + "".join(win.session.source.warnings)
    finally:
        win.shutdown()


def test_a_folder_held_at_the_rate_assumed_says_so(qtbot, qsettings, tmp_path: Path) -> None:
    win = reopened(qtbot, qsettings, _project(tmp_path))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.source.fps == 30
        qtbot.waitUntil(lambda: "30 fps assumed — set the rate" in win.statusBar().currentMessage())
    finally:
        win.shutdown()
