"""Back to a video shown before, its timeline range is the one left, clamped to the video: a range remembered for
a longer file (the file changed meanwhile) is moved inside the video, no wider than it, as the play head is."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_a_remembered_range_past_the_video_is_clamped(qtbot, window, video_path, tmp_path):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video.id
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    n = win.project.video(first).frame_count
    win._places[first] = (n + 500, (n + 400.0, n + 500.0))  # left at frames the file has no more
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.video.id == first and win.transport.current_frame == n - 1
    lo, hi = win.timeline.au_plot.viewRange()[0]
    assert -0.5 - 1e-6 <= lo and hi <= n - 0.5 + 1e-6, (lo, hi, n)
    assert lo <= n - 1 <= hi  # the play head in view
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    win._places[first] = (2, (-300.0, 4.0))  # before the first frame: from frame 0, as wide as it was
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    lo, hi = win.timeline.au_plot.viewRange()[0]
    assert lo == pytest.approx(-0.5) and hi == pytest.approx(min(303.5, n - 0.5)), (lo, hi, n)
