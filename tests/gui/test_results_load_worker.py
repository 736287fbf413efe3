"""A video's stored analysis is read off the GUI thread (merstudio.gui.results_loader): showing an analysed video
(a project opened, a switch, a run's end) keeps the window running while its curves are read (~2 s for 60
minutes), the curves come when read, and a switch to another video meanwhile drops the older read's curves."""

from __future__ import annotations

import time

import pytest
from gui_fixtures import write_video
from helpers import Gated, analysed_and_another

from merstudio.project import Project

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves

SLOW = 1.2  # seconds a stored analysis is made to take to read (a long video's)




def _two_videos(qtbot, win, video_path, tmp_path):
    """The first analysed, the second not; the second is shown."""
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    return analysed_and_another(qtbot, win, tmp_path / "study", video_path, other)


def _slow_reads(monkeypatch):
    real = Project.load_frames

    def slow(self, *a, **k):
        time.sleep(SLOW)
        return real(self, *a, **k)

    monkeypatch.setattr(Project, "load_frames", slow)


def test_an_analysed_video_is_shown_while_its_curves_are_read(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    first, _second = _two_videos(qtbot, win, video_path, tmp_path)
    # the read is held until a GUI-thread timer opens its gate: it opens only while that thread keeps running
    reads = Gated(monkeypatch, Project, "load_frames")
    win.session.select_video(first.id)  # what a double-click in the Videos dock does
    assert win.video.id == first.id and win.buffer is None  # the other video's (empty) curves went at once
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    assert reads.opened_by_timer == [True] and reads.off_the_gui_thread()  # read once, in the loader's thread
    assert win.buffer.faces and win.timeline.curve_data("AU12_r") is not None
    assert not win.errors


def test_a_quick_switch_drops_the_older_videos_curves(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    first, second = _two_videos(qtbot, win, video_path, tmp_path)
    _slow_reads(monkeypatch)
    shown = []
    win.analysis.bufferChanged.connect(lambda: shown.append(
        (win.video.id if win.video else None, bool(win.buffer and win.buffer.faces))))
    win.session.select_video(first.id)
    win.session.select_video(second.id)  # before the first's curves came
    assert win.video.id == second.id
    qtbot.waitUntil(lambda: win.buffer is not None, timeout=20000)
    qtbot.wait(int(SLOW * 2500))  # the first's read, already running, ends meanwhile: its answer is dropped
    assert win.video.id == second.id and win.buffer is not None and not win.buffer.faces
    assert (second.id, True) not in shown  # the first video's curves were never shown on the second
    assert win.timeline.curve_data("AU12_r") is None
    assert not win.errors


def test_a_short_videos_curves_are_there_at_once(qtbot, window, video_path, tmp_path):
    """Read within the grace period: the switch returns with the curves in (as on a short video before)."""
    win = window
    first, _second = _two_videos(qtbot, win, video_path, tmp_path)
    win.session.select_video(first.id)
    assert win.buffer is not None and win.buffer.faces and win.timeline.curve_data("AU12_r") is not None
