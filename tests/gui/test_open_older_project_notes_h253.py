"""Opening a project an older merstudio made: the status bar's upgrade note (the older app no longer opens the file;
where the original is kept) and the video's own line (its stored analysis is an earlier merstudio's) both reach the
user. The upgrade note replaced the video's line at once (a project opened), or the video's switch wiped the upgrade
note at once (a video opened whose project beside it was older): the status bar was empty 3 s later (h253)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.old_projects import old_schema

from merstudio.gui import commands as C
from merstudio.gui.status_bar import StatusBar
from merstudio.project.schema import SCHEMA_VERSION
from merstudio.project.store import ProjectUpgraded
from merstudio.project.videos import content_hash

UPGRADED = (f"upgraded {{name}} from schema 7 (merstudio of 2026-12-07 or earlier) to schema {SCHEMA_VERSION}; the "
            "original is kept as {stem} (merstudio schema 7).merproj, which that merstudio opens")
OLDER_RUN = "clip.avi: stored analysis made by an earlier merstudio (analysis revision 22, this version's"


def _schema7_project(path: Path, video: Path, analysed: bool) -> None:
    """A schema-7 project (merstudio of 2026-12-07 or earlier) holding ``video``; ``analysed``: with a complete run
    of analysis revision 22 (what that merstudio recorded)."""
    digest, size = content_hash(video)
    con = old_schema(path, 7, wal=True)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES (?, NULL, ?, ?, 30.0, 90, 160, 120, 0)", (str(video), digest, size))
    if analysed:
        con.execute("INSERT INTO analyses (video_id, created, status, columns, settings, finished)"
                    " VALUES (1, 0, 'complete', '[]', ?, 1)", (json.dumps({"revision": 22}),))
    con.close()


def test_opening_an_older_project_says_its_upgrade_and_its_videos_older_analysis(qtbot, window, video_path):
    path = video_path.parent / "study.merproj"
    _schema7_project(path, video_path, analysed=True)
    with pytest.warns(ProjectUpgraded):
        assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=5000)
    line = window.statusBar().currentMessage()
    # the upgrade first (said once), then the video's line, which it replaced
    assert line.startswith(UPGRADED.format(name="study.merproj", stem="study") + "; " + OLDER_RUN), line
    assert "Analysis > Run analysis (Ctrl+R) makes it again" in line
    assert (video_path.parent / "study (merstudio schema 7).merproj").is_file()


def test_opening_a_video_whose_project_beside_it_is_older_says_the_upgrade(qtbot, window, video_path):
    _schema7_project(video_path.with_suffix(".merproj"), video_path, analysed=False)
    with pytest.warns(ProjectUpgraded):
        assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=5000)
    assert window.project.path.name == "clip.merproj"
    kept = video_path.parent / "clip (merstudio schema 7).merproj"
    assert kept.is_file()
    line = window.statusBar().currentMessage()  # it was "": the switch to the video cleared the note at once
    assert UPGRADED.format(name="clip.merproj", stem="clip") in line, line


def test_a_message_added_joins_the_one_shown(qtbot):
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.resize(2000, 30)
    bar.show()
    bar.showMessage("clip.avi: stored analysis (complete, cpu)", 5000)
    bar.add_message("upgraded study.merproj", 15000, first=True)
    assert bar.currentMessage() == "upgraded study.merproj; clip.avi: stored analysis (complete, cpu)"
    assert bar.toolTip() == "upgraded study.merproj\nclip.avi: stored analysis (complete, cpu)"  # one line each
    bar.add_message("clip.avi: relinked", 15000)  # after it
    assert bar.currentMessage().endswith("(complete, cpu); clip.avi: relinked")
    bar.clearMessage()
    bar.add_message("alone", 4000)  # nothing shown: the text alone
    assert bar.currentMessage() == "alone"
