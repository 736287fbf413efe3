"""The timeline at a 1280x720 screen's size (266 px high, three coders' rows on): the AU lane keeps a readable
height (it was 24 px while the coders track took 88), its values are thinned (0/2.5/5, not a touching 0/2/4) and
every legend entry shows inside its lane's legend cell ("blink mask" was cut off under the class legend)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from support.curve_buffers import lanes_buffer

from merstudio.project.events import Event

pytestmark = pytest.mark.gui

LEAST_AU_PX = 44  # room for three values 16 px apart


@pytest.fixture
def small_timeline(qtbot):
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(815, 266)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.set_events([Event(1, 100, 120, 140, id=1, coder="bob"), Event(1, 100, 110, 140, id=2, coder="carol"),
                   Event(1, 20, 24, 28, id=3, coder="model", status="proposal")])
    tl.set_coder_view(True)
    tl.show()
    qtbot.waitExposed(tl)
    tl.refresh()
    qtbot.wait(100)
    return tl


def test_the_au_lane_keeps_its_height_and_the_others_give_way(small_timeline) -> None:
    tl = small_timeline
    assert tl.au_plot.vb.height() >= LEAST_AU_PX
    assert tl.coder_plot.vb.height() / 3 >= 12  # the coders' names still readable
    for p in (tl.heat_plot, tl.motion_plot, tl.class_plot, tl.events_plot):
        assert p.vb.height() >= 12


def test_short_lanes_values_do_not_touch(small_timeline) -> None:
    tl = small_timeline
    for p in (tl.au_plot, tl.motion_plot, tl.class_plot):
        axis = p.getAxis("left")
        lo, hi = p.vb.viewRange()[1]
        if axis._tickLevels is not None:  # ticks set by value
            values = [v for level in axis._tickLevels for v, _text in level]
        else:
            values = [v for level in axis.tickValues(lo, hi, p.vb.height()) for v in level[1]]
        ys = sorted(p.vb.mapViewToScene(QPointF(0, v)).y() for v in set(values) if lo <= v <= hi)
        assert len(ys) >= 2, axis.labelText
        assert min(b - a for a, b in zip(ys, ys[1:], strict=False)) >= 12, (axis.labelText, values)


def test_every_legend_entry_shows_inside_its_cell(small_timeline) -> None:
    tl = small_timeline
    for plot, box in tl.legend_boxes.items():
        legend = getattr(plot, "legend", None)
        if legend is None or not plot.isVisible():
            continue
        cell = box.mapRectToScene(QRectF(box.rect()))
        for _sample, label in legend.items:
            r = label.mapRectToScene(label.boundingRect())
            assert cell.top() - 1 <= r.top() and r.bottom() <= cell.bottom() + 1, label.text
            assert r.right() <= cell.right() + 1, label.text
