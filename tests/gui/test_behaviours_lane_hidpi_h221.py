"""The behaviours lane and the selection at 200 % (a device pixel ratio of 2) as thick as at 100 %, twice the size,
as the other lanes' play heads and edges are since h217 (RatioLine, TippedBars): the lane's play head and its
states' outlines, and the selected interval's edges, were 1 device px. The lane's row names follow the lane where
the layout moves it without resizing it (scrolled to the end at 200 %: "[1] gaze away" was cut at its top)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import painted_ink
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter

from merstudio.project import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui

BEHAVIOURS = [Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)]
EVENTS = [BehaviourEvent(1, 1, 60, 140, id=1), BehaviourEvent(1, 2, 200, 200, id=2)]


def _lane(qtbot):
    from helpers import lanes_timeline

    tl, lane = lanes_timeline(qtbot, (1000, 420), ["anna"], behaviours=BEHAVIOURS, behaviour_events=EVENTS)
    tl.set_playhead(100)
    tl.set_selection(20, 40)
    tl.au_plot.setXRange(0, 300, padding=0)
    qtbot.waitUntil(lambda: lane.plot.vb.height() > 20)
    tl.grab()
    return tl, lane




def _thick(tl, item) -> dict[float, int]:
    """How many columns a vertical line's ink takes at 100 % and 200 %."""
    return {r: len(np.flatnonzero(painted_ink(tl, item, r).any(axis=0))) for r in (1.0, 2.0)}


def test_the_lanes_play_head_is_as_thick_at_200_percent(qtbot) -> None:
    tl, lane = _lane(qtbot)
    head = tl.playheads[-1]
    assert head.getViewBox() is lane.plot.vb
    assert _thick(tl, head) == {1.0: 2, 2.0: 4}  # (was 2 device px at 200 %)


def test_a_states_outline_is_as_thick_at_200_percent(qtbot) -> None:
    tl, lane = _lane(qtbot)
    img = {}
    for ratio in (1.0, 2.0):
        vp = tl.viewport()
        im = QImage(round(vp.width() * ratio), round(vp.height() * ratio), QImage.Format.Format_RGB32)
        im.setDevicePixelRatio(ratio)
        im.fill(QColor("white"))
        p = QPainter(im)
        p.setTransform(lane.bars.deviceTransform(tl.viewportTransform()))
        lane.bars.paint(p, None, None)
        p.end()
        a = np.frombuffer(im.constBits(), np.uint8).reshape(im.height(), im.bytesPerLine() // 4, 4)[:, :im.width()]
        img[ratio] = a[..., :3].astype(int)
    edge = {}
    for ratio, a in img.items():
        # the outline's grey (#424242, paler at 100 %: a 0.5-px pen), not the state's purple fill
        dark = (a[..., 0] == a[..., 1]) & (a[..., 1] == a[..., 2]) & (a[..., 0] < 200)
        rows = np.flatnonzero(dark.any(axis=1))
        middle = dark[(rows[0] + rows[-1]) // 2]
        edge[ratio] = int(middle[:len(middle) // 3].sum())  # its left edge (the first state's) on the middle row
    assert edge == {1.0: 1, 2.0: 2}  # (1 device px at 200 %)


def test_the_selections_edges_are_as_thick_at_200_percent_and_still_drag(qtbot) -> None:
    tl, _lane_ = _lane(qtbot)
    region = tl._sel_region
    assert region.isVisible()
    for line in region.lines:
        assert _thick(tl, line) == {1.0: 1, 2.0: 2}  # (1 device px at 200 %)
    chosen = []
    tl.selectionChanged.connect(chosen.append)
    region.lines[1].setValue(50.5)  # (as a drag leaves it)
    region.lines[1].sigPositionChangeFinished.emit(region.lines[1])
    assert chosen == [(20, 50)] and tl.selection == (20, 50)
    region.lines[0].setValue(60.5)  # dragged past the other edge: the two swap, as a plain region's
    region.lines[0].sigPositionChangeFinished.emit(region.lines[0])
    assert tl.selection == (51, 60)


def test_the_row_names_follow_the_lane_moved_without_a_resize(qtbot) -> None:
    tl, lane = _lane(qtbot)
    vb = lane.plot.vb
    before = vb.sceneBoundingRect()
    # the lane moved down, its size kept (as the layout does where the lanes scroll)
    lane.plot.setPos(lane.plot.pos() + QPointF(0, 7))
    assert vb.sceneBoundingRect().height() == before.height()
    for i, item in enumerate(lane.labels[:2]):
        row = vb.mapViewToScene(QPointF(0, i + 0.5)).y()
        assert item.mapToScene(QPointF(0, 0)).y() == pytest.approx(row, abs=0.5), i


def test_a_names_white_never_covers_the_name_above(qtbot) -> None:
    """A row is the line's height + 2 px: a name's white plate (its margins were 4 px) hid the descenders of the
    one above ("[1] gaze away" read "aaze awav")."""
    _tl, lane = _lane(qtbot)
    first, second = (item.sceneBoundingRect() for item in lane.labels[:2])
    assert second.top() >= first.bottom() - 0.5
