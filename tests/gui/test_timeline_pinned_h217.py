"""Where the lanes scroll (a big font, a 200 % screen: h208 gave named rows a floor), the readout stays at the top of
the view and the frame axis at its bottom, the lanes scrolling between them: scrolled down to the coders' lane, a
coder lost the values at the play head, and the frame numbers until the very end. Not scrolled, nothing changes."""

from __future__ import annotations

import pytest
from helpers import lanes_timeline
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

CODERS = ("alice", "bob", "cy")


def _scrolling(qtbot, app_pt):
    """The 16-pt timeline of a 1366x768 window (901x291) with three coders and a behaviours lane: it scrolls."""
    from merstudio.project import Behaviour, BehaviourEvent

    app_pt(16.0)
    gaze, nod = Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)
    tl, lane = lanes_timeline(qtbot, (901, 291), CODERS, True, [gaze, nod],
                              [BehaviourEvent(1, 1, 2, 60, id=1), BehaviourEvent(1, 2, 3, 3, id=2)])
    bar = tl.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    return tl, lane


def _in_view(tl, item) -> tuple[float, float]:
    """The top and bottom of `item` as drawn, in the view's px."""
    r = tl.mapFromScene(item.sceneBoundingRect()).boundingRect()
    return r.top(), r.bottom()


def _scroll(qtbot, tl, value: int) -> None:
    tl.verticalScrollBar().setValue(value)
    qtbot.wait(20)


def test_the_readout_stays_at_the_top_as_the_lanes_scroll(qtbot, app_pt) -> None:
    tl, _lane = _scrolling(qtbot, app_pt)
    top0, bottom0 = _in_view(tl, tl.readout)
    bar = tl.verticalScrollBar()
    for value in (bar.maximum() // 2, bar.maximum()):
        _scroll(qtbot, tl, value)
        assert _in_view(tl, tl.readout) == pytest.approx((top0, bottom0), abs=1), value
        # over the lanes scrolled under it, on white: no lane's curves or names drawn through its text
        lanes = [p for p in tl._rows if p.isVisible()]
        under = [p for p in lanes if p.sceneBoundingRect().intersects(tl.readout.sceneBoundingRect())]
        assert under and all(tl.readout.zValue() > p.zValue() for p in under)
        assert tl._readout_plate.isVisible()
        assert tl._readout_plate.sceneBoundingRect().contains(tl.readout.sceneBoundingRect())
    _scroll(qtbot, tl, 0)
    assert _in_view(tl, tl.readout) == pytest.approx((top0, bottom0), abs=1)
    assert not tl._readout_plate.isVisible()


def test_the_frame_axis_stays_at_the_bottom_in_step_with_the_lanes(qtbot, app_pt) -> None:
    tl, lane = _scrolling(qtbot, app_pt)
    view = tl.viewport().rect()
    lowest = lane.plot.getAxis("bottom")  # the frame axis under the lowest lane: below the view
    assert lowest.isVisible() and _in_view(tl, lowest)[0] > view.bottom()
    pinned = tl.frame_axis
    assert pinned.isVisible() and tl._axis_plate.isVisible()
    top, bottom = _in_view(tl, pinned)
    assert bottom == pytest.approx(view.bottom() + 1, abs=1) and bottom - top >= lowest.height() - 1
    # lined up with the lanes and their range: a zoom or pan of the lanes moves its frames too
    g, own = pinned.sceneBoundingRect(), tl.au_plot.vb.sceneBoundingRect()
    assert pinned.mapRectToScene(pinned.rect()).left() == pytest.approx(own.left(), abs=1)
    assert pinned.mapRectToScene(pinned.rect()).width() == pytest.approx(own.width(), abs=1)
    assert g.bottom() <= tl.mapToScene(view.bottomLeft()).y() + 1
    tl.au_plot.setXRange(100, 150, padding=0)
    qtbot.wait(20)
    assert pinned.range == pytest.approx([100, 150])
    assert tl.coder_plot.vb.viewRange()[0] == pytest.approx([100, 150])
    # scrolled to the end: the lowest lane's own axis in view, the copy gone
    bar = tl.verticalScrollBar()
    _scroll(qtbot, tl, bar.maximum() // 2)
    assert pinned.isVisible()
    _scroll(qtbot, tl, bar.maximum())
    assert _in_view(tl, lowest)[1] <= view.bottom() + 1
    assert not pinned.isVisible() and not tl._axis_plate.isVisible()


def test_every_lane_can_be_scrolled_clear_of_the_readout_and_the_frame_axis(qtbot, app_pt) -> None:
    """What the readout and the frame axis cover of the lanes at one scroll, another shows."""
    tl, lane = _scrolling(qtbot, app_pt)
    bar = tl.verticalScrollBar()
    for p in [p for p in tl._rows if p.isVisible()]:
        seen = False
        for value in range(bar.minimum(), bar.maximum() + 1):
            _scroll(qtbot, tl, value) if value in (bar.minimum(), bar.maximum()) else bar.setValue(value)
            top, bottom = _in_view(tl, p.vb)
            covered_top = _in_view(tl, tl.readout)[1] + 1
            covered_bottom = _in_view(tl, tl.frame_axis)[0] if tl.frame_axis.isVisible() else tl.viewport().height()
            if top >= covered_top - 1 and bottom <= covered_bottom + 1:
                seen = True
                break
        assert seen, tl._names.get(p)


def test_a_click_on_the_readout_over_a_lane_does_not_seek(qtbot, app_pt) -> None:
    tl, _lane = _scrolling(qtbot, app_pt)
    _scroll(qtbot, tl, tl.verticalScrollBar().maximum())
    seeks = []
    tl.seekRequested.connect(seeks.append)
    r = tl.mapFromScene(tl.readout.sceneBoundingRect()).boundingRect()
    x = tl.mapFromScene(tl.au_plot.vb.sceneBoundingRect().center()).x()

    def over_lane(y: int) -> bool:
        return any(p.vb.sceneBoundingRect().contains(tl.mapToScene(QPoint(x, y))) for p in tl._rows if p.isVisible())

    at = QPoint(x, next(y for y in range(r.bottom() - 1, r.top(), -1) if over_lane(y)))  # a lane scrolled under it
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.wait(20)
    assert seeks == []
    # the wheel there scrolls the lanes, as it did over the readout before it was kept in view
    bar = tl.verticalScrollBar()
    before = bar.value()
    ev = QWheelEvent(QPointF(at), QPointF(tl.viewport().mapToGlobal(at)), QPoint(0, 0), QPoint(0, 120),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(tl.viewport(), ev)
    qtbot.wait(20)
    assert bar.value() < before


def test_a_click_on_the_frame_axis_kept_in_view_seeks_there(qtbot, app_pt) -> None:
    tl, _lane = _scrolling(qtbot, app_pt)
    seeks = []
    tl.seekRequested.connect(seeks.append)
    g = tl.frame_axis.sceneBoundingRect()
    at = tl.mapFromScene(QPointF(tl.au_plot.vb.mapViewToScene(QPointF(150, 0)).x(), g.top() + 3))
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.wait(20)
    assert len(seeks) == 1 and abs(seeks[0] - 150) <= 1


def test_without_scrolling_nothing_is_kept_over_the_lanes(qtbot) -> None:
    """At the default font a 1366x768 window's timeline fits: the readout where the layout puts it, the frame axis
    the lowest lane's own, nothing over the lanes."""
    tl, lane = lanes_timeline(qtbot, (901, 306), CODERS)
    assert not tl.verticalScrollBar().isVisible()
    assert tl.readout.transform().isIdentity()
    assert not tl.frame_axis.isVisible() and not tl._axis_plate.isVisible() and not tl._readout_plate.isVisible()
    assert tl.coder_plot.getAxis("bottom").isVisible() or lane.plot.getAxis("bottom").isVisible()
