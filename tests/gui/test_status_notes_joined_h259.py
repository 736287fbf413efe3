"""Every line of one moment reaches the status bar, joined in one (StatusBar.add_message, h253), where each replaced
the one before (h259): a variable-rate video's seek hint, or the line of a run dropped while it waited for its
checkpoint, hid that the video's stored analysis is an earlier merstudio's; "Attached …" of a re-encoded file hid
the video's own line."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import write_video
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C
from merstudio.io import VideoSource
from merstudio.io.frames import SeekNote, SeekTrouble
from merstudio.project import Project

pytestmark = pytest.mark.gui

OLDER = "a.avi: stored analysis made by an earlier merstudio (analysis revision 22, this version's"
REMEDY = "Analysis > Run analysis (Ctrl+R) makes it again"


def _older_analysis_project(folder: Path) -> Path:
    """study.merproj holding a.avi (30 frames) with a complete analysis an earlier merstudio made (revision 22)."""
    video = write_video(folder / "a.avi", n=30)
    path = folder / "study.merproj"
    with Project.create(path) as p:
        vid = p.add_video(video, 30.0, 30, 160, 120).id
        p.finish_analysis(p.begin_analysis(vid, {"revision": 22}))
    return path


def test_a_variable_rate_videos_seek_hint_keeps_its_older_analysis_line(qtbot, window, tmp_path, monkeypatch):
    path = _older_analysis_project(tmp_path)
    notes = [SeekNote(f"{tmp_path / 'a.avi'}: variable frame rate: seeking may land a frame off",
                      SeekTrouble.VARIABLE_RATE)]
    monkeypatch.setattr(VideoSource, "warnings", property(lambda self: notes))
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=5000)
    window.resize(1300, 800)
    bar = window.statusBar()
    line = bar.currentMessage()
    # the short hint first, its remedy not cut; the analysis's line after it (it was the seek hint alone)
    assert line.startswith("a.avi: variable frame rate: seeking may land a frame off — File > Re-encode video for "
                           "exact seeking… makes a copy that seeks exactly; " + OLDER), line
    assert line.endswith(REMEDY), line
    assert "File > Re-encode video for exact seeking…" in bar.shown_message() and "a.avi: stored analysis" in \
        bar.shown_message(), bar.shown_message()  # both drawn in a 1300-px window
    assert notes[0] in bar.toolTip() and OLDER in bar.toolTip()  # the whole story on hover, one line each


def test_a_run_dropped_for_another_video_keeps_that_videos_older_analysis_line(qtbot, window, tmp_path, monkeypatch):
    path = _older_analysis_project(tmp_path)
    dropped = "Analysis of b.avi not started: another video was opened while the checkpoint loaded (Ctrl+R runs it)"
    monkeypatch.setattr(window.analysis, "drop_held_elsewhere", lambda: dropped)
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=5000)
    line = window.statusBar().currentMessage()
    assert line.startswith(OLDER) and line.endswith(f"{REMEDY}; {dropped}"), line  # it was the dropped run's alone


def test_attaching_a_reencoded_file_keeps_the_videos_own_line(qtbot, window, tmp_path, monkeypatch):
    path = _older_analysis_project(tmp_path)
    video = tmp_path / "a.avi"
    video.write_bytes(video.read_bytes() + bytes(64))  # re-encoded in place: the same frames, another file
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(video), "")))
    monkeypatch.setattr(C, "ask_attach", lambda *a, **k: "attach")
    assert window.ctx.execute(C.OpenProject, path=str(path))
    assert window.video is not None and window.video.path == str(video.resolve())
    line = window.statusBar().currentMessage()
    # what the user just did leads, the video's own line follows (it was "Attached …" alone)
    assert line.startswith(f"Attached a.avi in {tmp_path.resolve()} (re-encoded: the same 30 frames at 30 fps); its "
                           "stored analysis was made on the old file (Ctrl+R re-runs it on this one); " + OLDER), line
    assert line.endswith(REMEDY), line
