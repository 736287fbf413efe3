"""Every lane says which lane it is, and a behaviour's row name hides nothing drawn on the lane.

A lane 28-40 px high (the motion lane at 1280x720 and 1366x768, at the first start's 1400x900 with coders' lanes
and in the docs' "events by coder" screenshot; the class lane in the 1280x720 window) had no name at all: too short
for "motion" rotated (42 px long) and, beside its three values 0 / 0.5 / 1, too narrow for it across. The behaviours lane's "[1] gaze away" sat on opaque white over the
first ~70 px of its row: a state from frame 2 to 60 was not drawn at all, and the play head cut through the name."""

from __future__ import annotations

import pytest
from helpers import axis_value_rects, axis_value_specs, lanes_timeline
from PySide6.QtCore import QPointF, QRectF

from merstudio.project import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui

# the timeline's pane in the main window: a 1280x720, 1366x768, 960x540 (200 % of 1920x1080) window, the first
# start's 1400x900 and the docs' "events by coder" 1300x850 with three coders' lanes
PANE = {"1280x720": (1008, 299), "1366x768": (1094, 321), "960x540": (688, 215), "1400x900": (1100, 390),
        "1300x850": (1000, 330)}
CODERS = ("alice", "bob", "cy")


def _timeline(qtbot, size: str, coders: bool, behaviours: bool = False):
    gaze, nod = Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)
    return lanes_timeline(qtbot, PANE[size], CODERS, coders, [gaze, nod] if behaviours else None,
                          [BehaviourEvent(1, 1, 2, 60, id=1), BehaviourEvent(1, 2, 3, 3, id=2)])


def _text_rect(label) -> QRectF:
    """A QGraphicsTextItem's text as drawn, without its document's margin, in scene coordinates."""
    m = label.document().documentMargin()
    return label.mapRectToScene(label.boundingRect().adjusted(m, m, -m, -m))


def _abbreviates(short: str, name: str) -> bool:
    """``short`` is ``name`` or a shortening of it: its letters in order, the first one first ("mot." of "motion")."""
    letters = short.rstrip(".").replace(" ", "")
    rest = iter(name)
    return bool(letters) and letters[0] == name[0] and all(ch in rest for ch in letters)


@pytest.mark.parametrize(("size", "coders"), [("1280x720", False), ("1366x768", False), ("1300x850", True),
                                              ("1400x900", False), ("1400x900", True), ("1280x720", True),
                                              ("960x540", False)])
def test_every_lane_is_named_inside_itself(qtbot, size, coders):
    tl, _lane = _timeline(qtbot, size, coders)
    _assert_named(tl)


@pytest.mark.parametrize("size", ["1280x720", "1366x768"])
def test_a_big_font_names_a_short_lane_by_its_short_name(qtbot, app_pt, size):
    """At 12 pt "motion" is 56 px long: the 30-px lane had no name at all, now a shortening of it ("mot.")."""
    app_pt(12.0)
    tl, _lane = _timeline(qtbot, size, coders=False)
    _assert_named(tl)


def _assert_named(tl) -> None:
    """The AU, motion, class and events lanes each show their name or a shortening of it, inside the lane, clear
    of its values and of the other lanes' names."""
    named = [(tl.au_plot, "AU"), (tl.motion_plot, "motion"), (tl.class_plot, "class p"), (tl.events_plot, "events")]
    rects = []
    for plot, name in named:
        axis = plot.getAxis("left")
        assert axis.label.isVisible(), (name, plot.vb.height())
        shown = axis.label.toPlainText().strip()
        assert _abbreviates(shown, name), (shown, name)
        rect, lane = _text_rect(axis.label), plot.vb.sceneBoundingRect()
        assert lane.top() - 2 <= rect.top() and rect.bottom() <= lane.bottom() + 2, (name, rect, lane)
        for value in axis_value_rects(axis):
            assert not value.intersects(rect), (name, value, rect)
        rects.append(rect)
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)


@pytest.mark.parametrize("size", ["1280x720", "1366x768"])
def test_the_motion_lane_keeps_its_whole_name_on_a_laptop(qtbot, size):
    """At 34-38 px the motion lane had no name: it gives up its middle value (0.5) for the whole word, and keeps
    its scale's ends."""
    tl, _lane = _timeline(qtbot, size, coders=False)
    for plot, name in ((tl.motion_plot, "motion"), (tl.class_plot, "class p")):
        axis = plot.getAxis("left")
        assert axis.label.isVisible() and axis.label.toPlainText().strip() == name, plot.vb.height()
        assert [text for _r, _f, text in axis_value_specs(axis)] == ["1", "0"], name


@pytest.mark.parametrize("size", ["1280x720", "960x540", "1400x900"])
@pytest.mark.parametrize("frame", [2, 3, 20])
def test_a_behaviour_name_hides_neither_the_play_head_nor_a_bar(qtbot, size, frame):
    tl, lane = _timeline(qtbot, size, coders=True, behaviours=True)
    tl.set_playhead(frame)
    qtbot.wait(20)
    vb = lane.plot.vb
    top_row = QRectF(vb.mapViewToScene(QPointF(1.5, 0.15)), vb.mapViewToScene(QPointF(8, 0.85))).normalized()
    head_x = vb.mapViewToScene(QPointF(frame, 0.5)).x()
    lane_rect = vb.sceneBoundingRect()
    shown = [item for item in lane.labels if item.isVisible()]
    assert shown, size  # the first row is named at least
    for i, item in enumerate(lane.labels):
        if not item.isVisible():
            continue
        rect = item.sceneBoundingRect()
        assert not rect.intersects(top_row), (item.textItem.toPlainText(), rect, top_row)  # the state from frame 2
        # the play head is drawn over the lane's whole height: no name across it
        assert not (rect.left() <= head_x <= rect.right() and rect.top() < lane_rect.bottom()
                    and rect.bottom() > lane_rect.top()), (item.textItem.toPlainText(), rect, head_x)
        # still beside its own row
        row_top, row_bottom = vb.mapViewToScene(QPointF(0, i)).y(), vb.mapViewToScene(QPointF(0, i + 1)).y()
        assert row_top - 1 <= rect.center().y() <= row_bottom + 1, (item.textItem.toPlainText(), rect, row_top, row_bottom)
