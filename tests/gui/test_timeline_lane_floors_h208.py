"""A track's named rows (coders, behaviours) keep sizes.row each and the AU lane sizes.au whatever the window's size:
at 16 pt in a 1366x768 window (the timeline's pane 901x291) the coders track (3 coders) got 14 px with no names
drawn, the behaviours lane 14 px ("[2] nod" missing), the AU lane 22 px of its 75, because a lane's floor counted
its legend only. Where those do not fit the view, the lanes scroll; nothing is crushed."""

from __future__ import annotations

import pytest
from helpers import lanes_timeline

from merstudio.project import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui

CODERS = ("alice", "bob", "cy")


def _timeline(qtbot, pane):
    gaze, nod = Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)
    return lanes_timeline(qtbot, pane, CODERS, True, [gaze, nod],
                          [BehaviourEvent(1, 1, 2, 60, id=1), BehaviourEvent(1, 2, 3, 3, id=2)])


def test_at_16_pt_named_rows_and_the_au_lane_keep_their_least_and_the_lanes_scroll(qtbot, app_pt) -> None:
    app_pt(16.0)
    tl, lane = _timeline(qtbot, (901, 291))
    row = tl.sizes.row
    assert tl.coder_plot.vb.height() >= len(CODERS) * row - 0.5, (tl.coder_plot.vb.height(), row)
    assert lane.plot.vb.height() >= 2 * row - 0.5, (lane.plot.vb.height(), row)
    assert tl.au_plot.vb.height() >= tl.sizes.au - 0.5, (tl.au_plot.vb.height(), tl.sizes.au)
    # they do not fit 291 px with the other lanes: the timeline scrolls to them
    bar = tl.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    view = tl.viewport().rect()
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    bottom = tl.mapFromScene(lane.plot.vb.mapRectToScene(lane.plot.vb.boundingRect()).bottomLeft())
    assert bottom.y() <= view.bottom() + 1  # scrolled to the end: the lowest lane in view


def test_at_the_default_font_a_1366x768_pane_still_fits_without_scrolling(qtbot) -> None:
    tl, lane = _timeline(qtbot, (901, 306))
    assert not tl.verticalScrollBar().isVisible()
    assert tl.coder_plot.vb.height() >= len(CODERS) * tl.sizes.row - 0.5
    assert tl.au_plot.vb.height() >= tl.sizes.au - 0.5


def test_a_1024x640_window_at_16_pt_scrolls_to_its_coders_and_the_frame_axis(qtbot, app_pt) -> None:
    """The timeline of a 1024x640 window at 16 pt (about 700x250 px), five coders: every lane keeps its least, the
    coders track a row each, and the frame axis is in view once scrolled to the end (it was squeezed into view,
    the coders' rows 8 px, their names not drawn)."""
    from support.curve_buffers import lanes_buffer

    from merstudio.gui.timeline import Timeline
    from merstudio.project.events import Event

    app_pt(16.0)
    coders = ("alice", "bob", "cy_with_a_rather_long_name", "dan", "model")
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(700, 250)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.set_events([Event(1, 10 * i, 10 * i + 3, 10 * i + 6, id=i + 1, coder=c) for i, c in enumerate(coders)])
    tl.set_coder_view(True)
    tl.show()
    qtbot.waitExposed(tl)
    tl.refresh()
    qtbot.wait(50)
    assert tl.coder_plot.vb.height() >= len(coders) * tl.sizes.row - 0.5
    assert tl.au_plot.vb.height() >= tl.sizes.au - 0.5
    for p in tl.plots:
        if p.isVisible():
            assert p.vb.height() >= tl.lane_floor(p) - 0.5, p.getAxis("left").labelText
    axis = tl.coder_plot.getAxis("bottom")
    assert axis.isVisible()
    bar = tl.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: tl.mapFromScene(axis.sceneBoundingRect().bottomLeft()).y() <= tl.viewport().height() + 1)
