"""A project's frame folder opens in the app at the rate the project holds for it (h247): image files carry none,
and opened without it a folder added at 60 fps (`merstudio project add --fps 60`) was shown and analysed at 30. One
held at the 30 fps assumed when it was added says so in the status line."""

from __future__ import annotations

from pathlib import Path

from gui_fixtures import frame_folder_project, reopened


def test_a_folder_opens_at_the_rate_the_project_holds(qtbot, qsettings, tmp_path: Path) -> None:
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path, fps="60"))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.video.fps == 60 and win.session.source.fps == 60
        assert "assumed" not in win.statusBar().currentMessage() + "".join(win.session.source.warnings)
    finally:
        win.shutdown()


def test_a_folder_held_at_the_rate_assumed_says_so(qtbot, qsettings, tmp_path: Path) -> None:
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path))
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.source.fps == 30
        qtbot.waitUntil(lambda: "30 fps assumed — set the rate" in win.statusBar().currentMessage())
    finally:
        win.shutdown()
