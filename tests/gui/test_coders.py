"""Events by coder at a laptop's 1366x768: each coder's row keeps room for its name (the lanes without named rows
shrink instead) and the frame axis stays under the lowest lane, inside the timeline."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.gui.timeline import ROW_MIN_PX
from merstudio.project import Behaviour, Event

pytestmark = pytest.mark.gui


def _bottom_px(tl, item) -> float:
    """How far down the timeline's viewport an item's lower edge is drawn, in pixels."""
    return tl.mapFromScene(item.sceneBoundingRect().bottomLeft()).y()


def test_coder_rows_stay_readable_at_1366x768(qtbot, window, video_path):
    win = window
    win.resize(1366, 768)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    v = win.video.id
    for coder, spans in (("tester", [(10, 14), (40, 48)]), ("bob", [(12, 16), (60, 70)]),
                         ("carol", [(8, 13), (42, 50)])):
        for a, b in spans:
            win.project.add_event(Event(v, a, a + 1, b, emotion="negative", coder=coder))
    win.coding.reload()
    win.set_coder_view(True)
    qtbot.wait(50)
    tl = win.timeline
    assert tl.coder_lanes == ["bob", "carol", "tester"] and tl.height() < 400  # a laptop's share of the height
    assert tl.coder_plot.vb.height() / 3 >= ROW_MIN_PX - 0.5  # was 6.5 px a coder: names over each other
    axis = tl.coder_plot.getAxis("bottom")
    assert axis.isVisible() and not tl.events_plot.getAxis("bottom").isVisible()
    assert _bottom_px(tl, axis) <= tl.viewport().height() + 1  # the frame numbers are not cut off
    for p in (tl.au_plot, tl.heat_plot, tl.motion_plot, tl.events_plot):
        assert p.vb.height() >= 20  # the other lanes shrank, still there
    # no model: the class lane is a strip with its hint (its height went to the others)
    assert tl.class_plot in tl.collapsed and tl._no_model.isVisible()
    # the lanes' rotated names never run into each other (a name is hidden where its lane is too short for it)
    shown = [p.getAxis("left").label for p in tl.plots if p.isVisible() and p.getAxis("left").label.isVisible()
             and p.getAxis("left").labelText]
    rects = [lab.sceneBoundingRect() for lab in shown]
    assert len(rects) >= 3
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert a.intersected(b).height() <= 1.0, (a, b)
    # the behaviours lane below: rows of the same minimum, the frame axis moves under it
    win.behaviours.add(Behaviour("gaze away", key="1"))
    win.behaviours.add(Behaviour("nod", key="2", kind="point"))
    qtbot.wait(50)
    lane = win.behaviours.lane.plot
    assert lane.vb.height() / 2 >= ROW_MIN_PX - 0.5 and tl.coder_plot.vb.height() / 3 >= ROW_MIN_PX - 0.5
    assert lane.getAxis("bottom").isVisible() and not axis.isVisible()
    assert _bottom_px(tl, lane.getAxis("bottom")) <= tl.viewport().height() + 1
    # coder lanes off: their room goes back to the others
    au = tl.au_plot.vb.height()
    win.set_coder_view(False)
    qtbot.wait(50)
    assert tl.au_plot.vb.height() > au


def test_a_long_coder_name_is_elided_not_dropped(qtbot, window, video_path):
    """pyqtgraph draws no tick label wider than its axis: a long name must still name its row (seen with
    "demo-coder" at 1366x768: an unnamed row)."""
    from PySide6.QtGui import QFontMetrics

    from merstudio.gui.timeline import AXIS_TEXT_PX

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    v = win.video.id
    for coder in ("a-very-long-coder-name", "bo"):
        win.project.add_event(Event(v, 10, 11, 14, emotion="negative", coder=coder))
    win.coding.reload()
    win.set_coder_view(True)
    axis = win.timeline.coder_plot.getAxis("left")
    fm = QFontMetrics(axis.font())
    labels = [t for _pos, t in axis._tickLevels[0]]
    assert labels[1] == "bo" and labels[0].startswith("a-") and labels[0].endswith("…")
    assert all(fm.horizontalAdvance(t) <= AXIS_TEXT_PX for t in labels)
