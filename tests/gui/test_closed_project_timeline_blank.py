"""After a project closes the timeline says nothing of the closed video: its readout ("frame 40 (1.333 s)") and
its heat map's colour scale ("0 to 3.7 (this video)") stayed on the empty window (audit a60)."""
from __future__ import annotations

from helpers import open_and_analyse

from merstudio.gui import commands as C


def test_closing_the_project_blanks_the_readout_and_heat_scale(qtbot, window, video_path):
    open_and_analyse(qtbot, window, video_path)
    assert window.ctx.execute(C.GoToFrame, frame=40)
    qtbot.waitUntil(lambda: window.current_frame == 40)
    tl = window.timeline
    qtbot.waitUntil(lambda: "frame 40" in tl.readout.text and "this video" in tl.heat_scale.text)
    window.session.close_project()
    qtbot.waitUntil(lambda: window.video is None)
    qtbot.wait(50)
    assert tl.readout.text == ""
    assert tl.heat_scale.text == ""
    qtbot.waitUntil(lambda: tl.accessibleDescription() == "")  # what a screen reader says of it too


def test_a_video_without_results_shows_no_heat_scale(qtbot):
    """A video with no results after one with them: no colour scale of the other video's values."""
    from support.curve_buffers import lanes_buffer

    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.refresh()
    tl.set_playhead(40)
    assert "this video" in tl.heat_scale.text and "frame 40" in tl.readout.text
    tl.set_video(120, 30.0)  # another video, not analysed
    tl.set_buffer(None)
    assert tl.heat_scale.text == ""
    tl.set_video(0, 30.0)  # nothing open
    tl.set_playhead(0)
    assert tl.readout.text == ""
