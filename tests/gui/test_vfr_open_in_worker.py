"""Opening a variable-frame-rate video builds its frame index (a pass over the whole file: 36 s for an hour) in a
worker, not on the GUI thread: the window keeps running meanwhile, the video is shown once indexed, Cancel (or
opening another video) leaves what was shown before (merstudio.gui.video_opening)."""

from __future__ import annotations

import time

import pytest
from helpers import Gated
from support.vfr_clips import write_vfr_clip

from merstudio.gui import commands as C
from merstudio.io import frames

pytestmark = pytest.mark.gui

SLOW = 1.2  # seconds the index pass is made to take (a long video's)


@pytest.fixture
def slow_index(monkeypatch, open_grace):
    """Every index pass takes SLOW seconds more (after its frames are grabbed, before they are adopted)."""
    if hasattr(frames, "_INDEXES"):
        frames._INDEXES.clear()  # no index kept from another test
    real = frames.VideoSource._install_index

    def slow(self, times, estimated=None):
        time.sleep(SLOW)
        return real(self, times, estimated)

    monkeypatch.setattr(frames.VideoSource, "_install_index", slow)
    yield
    if hasattr(frames, "_INDEXES"):
        frames._INDEXES.clear()


@pytest.fixture
def fresh_index(open_grace):
    """No index kept from another test: the opening makes its own pass."""
    if hasattr(frames, "_INDEXES"):
        frames._INDEXES.clear()
    yield
    if hasattr(frames, "_INDEXES"):
        frames._INDEXES.clear()


@pytest.fixture
def vfr_path(tmp_path):
    (tmp_path / "media").mkdir(exist_ok=True)
    return write_vfr_clip(tmp_path / "media" / "phone.mp4")




def test_a_vfr_video_is_indexed_while_the_window_keeps_running(qtbot, window, vfr_path, tmp_path, monkeypatch,
                                                               fresh_index):
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    # the index pass is held until a GUI-thread timer opens its gate: it opens only while that thread keeps running
    passes = Gated(monkeypatch, frames.VideoSource, "_install_index")
    assert win.ctx.execute(C.OpenVideo, path=str(vfr_path)), win.errors
    assert win.video is None and win.busy.isVisible() and win.session.opener.cancel_button.isVisible()
    qtbot.waitUntil(lambda: win.video is not None, timeout=20000)
    assert passes.opened_by_timer == [True] and passes.off_the_gui_thread()
    assert win.video.name == "phone.mp4" and win.frame_count == 90 and win.session.source.is_vfr
    assert [v.name for v in win.project.videos()] == ["phone.mp4"]
    assert not win.session.opener.running and not win.session.opener.cancel_button.isVisible()
    assert not win.errors


@pytest.mark.parametrize("how", ["cancel", "another_video"])
def test_cancel_or_another_video_drops_the_vfr_opening(qtbot, window, video_path, vfr_path, slow_index, how):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    first, first_source = win.video, win.session.source
    assert win.ctx.execute(C.OpenVideo, path=str(vfr_path), project="current"), win.errors
    opener = win.session.opener
    assert opener.running and win.video.id == first.id  # the previous video stays while indexing
    indexing = opener.worker
    if how == "cancel":
        opener.cancel_button.click()
        assert win.video.id == first.id and win.session.source is first_source
        expected = ["clip.avi"]
    else:
        win.session.select_video(first.id)  # the Videos dock: the coder went back meanwhile
        expected = ["clip.avi"]
    assert not opener.running and not opener.cancel_button.isVisible()
    indexing.wait(20000)
    qtbot.wait(50)  # the dropped worker's end is seen (its source, if any, closed)
    assert win.video.id == first.id and win.video.name == "clip.avi"
    assert [v.name for v in win.project.videos()] == expected
    assert not win.errors


def test_analysing_while_another_video_is_indexed_is_refused(qtbot, window, video_path, vfr_path, slow_index):
    """Ctrl+R while the window still shows the video before: it started a fresh analysis of that one (10 CPU-minutes
    on a 20-minute video) without a word."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.OpenVideo, path=str(vfr_path), project="current"), win.errors
    assert win.session.opener.running and win.video.name == "clip.avi"
    assert not win.ctx.execute(C.RunAnalysis, confirmed=True)
    assert win.errors[-1].endswith("phone.mp4 is still being opened: run the analysis once it is shown (Cancel in "
                                   "the status bar keeps the video shown now)")
    assert win.worker is None and win.project.analysis(win.video.id) is None  # nothing started, nothing stored
    qtbot.waitUntil(lambda: win.video is not None and win.video.name == "phone.mp4", timeout=20000)


def test_closing_the_project_while_indexing_drops_the_video(qtbot, window, tmp_path, vfr_path, slow_index):
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(vfr_path)), win.errors
    assert win.session.opener.running
    win.session.close_project()
    qtbot.wait(50)
    assert win.project is None and win.video is None and not win.session.opener.running
    assert not win.errors


def test_a_short_vfr_clip_opens_at_once(qtbot, window, vfr_path):
    """No slow index: the command returns with the video shown (a clip indexed within the grace period)."""
    win = window
    if hasattr(frames, "_INDEXES"):
        frames._INDEXES.clear()
    assert win.ctx.execute(C.OpenVideo, path=str(vfr_path)), win.errors
    assert win.video is not None and win.video.name == "phone.mp4" and win.frame_count == 90
