"""Analysis > Frame rate of this folder…'s line (h263, audit a104 item 4): "burst: frame rate 30 -> 60 fps …; its N
event(s) keep their frames…" was replaced within a second by the lines of the video shown again at the new rate (its
stored analysis measured at the old one). Now both are said, joined (StatusBar.add_message), the rate's first."""

from __future__ import annotations

import re

from gui_fixtures import frame_folder_project, reopened
from helpers import analysed_shown, slow_opens

from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Event


def test_the_rate_line_joins_the_video_switch_lines(qtbot, qsettings, tmp_path, monkeypatch) -> None:
    """The open within the grace: the video's lines first, then the rate's joined to them, the analysis said once."""
    monkeypatch.setattr(video_opening, "ask_folder_rate", lambda *a: (60.0, False))
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path, 12))
    try:
        analysed_shown(qtbot, win)
        win.project.add_event(Event(win.video.id, 3, 4, 6, emotion="positive", coder="ann"))  # its events: said
        assert win.ctx.execute(C.SetFolderRate), win.errors
        qtbot.waitUntil(lambda: win.session.source.fps == 60)
        # the video's own line (its analysis measured at 30 fps) is said, and the rate's stays with it
        qtbot.waitUntil(lambda: "Analysis > Run analysis (Ctrl+R)" in win.statusBar().currentMessage()
                        and "burst: stored analysis" not in win.statusBar().currentMessage())
        qtbot.wait(300)  # anything queued after the switch
        line = win.status_bar.currentMessage()
        assert "burst: frame rate 30 -> 60 fps" in line, line  # was: the video's line alone
        assert re.search(r"its \d+ event\(s\) keep their frames", line), line
        assert line.index("frame rate 30 -> 60") < line.index("measured at 30 fps"), line  # the rate's first
        assert line.count("measured at 30 fps") == 1, line  # said once, not by both lines
    finally:
        win.shutdown()


def test_the_rate_line_joins_a_switch_that_outlasts_the_grace(qtbot, qsettings, tmp_path, monkeypatch,
                                                             open_grace) -> None:
    """The app's 250 ms for the open: a folder opened again more slowly comes in the background, its lines after."""
    monkeypatch.setattr(video_opening, "ask_folder_rate", lambda *a: (60.0, False))
    win = reopened(qtbot, qsettings, frame_folder_project(tmp_path, 12))
    try:
        analysed_shown(qtbot, win)
        slow_opens(monkeypatch, open_grace)
        assert win.ctx.execute(C.SetFolderRate), win.errors
        qtbot.waitUntil(lambda: win.session.source.fps == 60, timeout=10000)
        qtbot.wait(300)
        line = win.status_bar.currentMessage()
        assert "burst: frame rate 30 -> 60 fps" in line, line
        assert "Analysis > Run analysis (Ctrl+R)" in line and line.count("measured at 30 fps") == 1, line
    finally:
        win.shutdown()
