"""The status bar's line about a video that seeks badly, or about what an analysis met, fits a 1300 px window even for
a video deep in folders: it names the file, not its path, says what in a few words and the remedy after it (the line
began with the full path, so "File > Re-encode video for exact seeking…" was cut off); the whole notes on hover."""

from __future__ import annotations

import shutil

import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.io import VideoSource
from merstudio.io.frames import SeekNote, SeekTrouble

pytestmark = pytest.mark.gui


@pytest.fixture
def deep_video(video_path, tmp_path):
    folder = tmp_path.joinpath(*(f"recordings of session {k} with the second camera" for k in range(4)))
    folder.mkdir(parents=True)
    return shutil.copy(video_path, folder / "participant 12 take 3.avi")


def _notes(path) -> list[str]:
    return [SeekNote(f"{path}: damaged data inside the file: 3 frame(s) at 0.97-1.03 s are lost (the frames after "
                     "keep their own times); frame numbers count what decodes", SeekTrouble.VARIABLE_RATE),
            f"{path}: the file says 72 frames, 69 can be decoded (damaged data inside the file: see the line that "
            "says where); all 69 are used"]


def test_the_open_line_names_the_file_and_the_remedy(qtbot, window, deep_video, monkeypatch):
    notes = _notes(deep_video)
    monkeypatch.setattr(VideoSource, "warnings", property(lambda self: notes))
    window.resize(1300, 800)
    assert window.ctx.execute(C.OpenVideo, path=str(deep_video))
    window._video_changed()  # as on a switch to it
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.shown_message().startswith("participant 12 take 3.avi: damaged data"))
    shown = bar.shown_message()
    assert "File > Re-encode video for exact seeking…" in shown, shown
    assert "recordings of session" not in shown
    assert all(n in bar.toolTip() for n in notes)


def test_the_line_after_an_analysis_fits(qtbot, window, deep_video, fake_analysis, monkeypatch):
    notes = [*_notes(deep_video), "face 0: AU 4+12 present in over 90% of its frames, likely this person's resting "
                                  "face: calibrate on their neutral frames"]
    monkeypatch.setattr(fake_analysis, "warnings", notes, raising=False)
    window.resize(1300, 800)
    open_and_analyse(qtbot, window, deep_video, landmarks=True)
    bar = window.statusBar()
    shown = bar.shown_message()
    assert shown.startswith("Analysis complete") and "recordings of session" not in shown, shown
    assert "damaged data inside the file: 3 frame(s) at 0.97-1.03 s are lost" in shown, shown
    assert "the file says 72 frames, 69 can be decoded" in shown, shown
    assert all(n in bar.toolTip() for n in notes)
