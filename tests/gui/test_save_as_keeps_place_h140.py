"""Save As goes on in the copy where the coder was: the play head and the timeline's zoom (audit a75: the copy was
written before the place was stored, so it opened at frame 0, zoomed out)."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.gui.places import place_key
from merstudio.project import Project

pytestmark = pytest.mark.gui


def test_save_as_keeps_the_play_head_and_zoom(qtbot, window, video_path, tmp_path):
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.transport.seek(57)
    win.timeline.au_plot.setXRange(40.5, 70.5, padding=0)
    copy = tmp_path / "copy.merproj"
    assert win.ctx.execute(C.SaveProjectAs, path=str(copy)), win.errors
    assert win.project.path == copy and win.video.id == vid
    assert win.current_frame == 57  # was: 0
    lo, hi = win.timeline.au_plot.viewRange()[0]
    assert (float(lo), float(hi)) == pytest.approx((40.5, 70.5), abs=1e-3)
    win.shutdown()
    with Project.open(copy, read_only=True) as proj:
        assert proj.get_setting(place_key(vid)) == {"frame": 57, "range": [40.5, 70.5]}
