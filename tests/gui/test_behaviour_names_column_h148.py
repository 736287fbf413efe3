"""The behaviours lane's row names sat in a fixed 180-px column: at a 20-pt font (its tick font 16 pt) "[1] gaze
away from the interviewer" read "[1] gaze away…" while the legend column beside the other lanes was twice as wide.
The names' column is now as wide as the longest name needs, the other legends' column at the least and
NAME_COLUMN_SHARE of the timeline at the most; a longer name is elided, whole in its tooltip. Short names at the
default font keep the 180-px column."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from merstudio.project import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui

MEDIUM = "gaze away from the interviewer"
LONG = "hand touches the face while speaking, then the hair, then the chin (self-adaptor, any hand)"


def _lane(qtbot, names, width=1020):
    from merstudio.gui.behaviours import BehaviourLane
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(width, 300)
    tl.set_video(300, 30.0)
    lane = BehaviourLane(tl, lambda *_a: None, lambda *_a: None)
    behaviours = [Behaviour(n, key=str(i + 1), id=i + 1) for i, n in enumerate(names)]
    lane.draw(behaviours, [BehaviourEvent(1, 1, 2, 60, id=1)], 300)
    tl.show()
    qtbot.waitExposed(tl)
    qtbot.wait(20)
    return tl, lane


def _texts(lane):
    return [item.textItem.toPlainText() for item in lane.labels]


def _fits_its_cell(lane, item) -> bool:
    m = item.textItem.document().documentMargin()
    r = item.mapRectToItem(lane.key, item.boundingRect().adjusted(m, m, -m, -m))
    return r.right() <= lane.key.size().width() + 0.5


def test_a_20_pt_font_widens_the_names_column_and_elides_only_past_its_cap(qtbot, app_pt) -> None:
    from merstudio.gui.behaviours import NAME_COLUMN_SHARE

    app_pt(20.0)
    tl, lane = _lane(qtbot, [MEDIUM, "blink", LONG])
    width = lane.key.size().width()
    assert width >= tl.legend_width  # never narrower than the other lanes' legends (was 180)
    assert width <= max(tl.legend_width, NAME_COLUMN_SHARE * tl.width()) + 1
    medium, blink, long = _texts(lane)
    assert medium == f"[1] {MEDIUM}" and blink == "[2] blink"  # whole
    assert long.endswith("…") and long.startswith("[3] hand touches")
    assert lane.labels[2].toolTip() == f"[3] {LONG}" and lane.labels[0].toolTip() == ""
    for item in lane.labels:
        assert _fits_its_cell(lane, item), item.textItem.toPlainText()


def test_a_name_longer_than_the_legend_column_widens_it_at_the_default_font(qtbot, qapp) -> None:
    assert QApplication.font().pointSizeF() == 9.0
    name = "gaze away from the interviewer, eyes down"
    tl, lane = _lane(qtbot, [name], width=1200)
    assert QFontMetricsF(tl.tick_font).horizontalAdvance(f"[1] {name}") > 180  # (was elided at 180 px)
    assert _texts(lane) == [f"[1] {name}"] and _fits_its_cell(lane, lane.labels[0])
    assert lane.key.size().width() > tl.legend_width == 180


def test_short_names_keep_the_default_column(qtbot, qapp) -> None:
    tl, lane = _lane(qtbot, ["gaze away", "nod"])
    assert lane.key.size().width() == tl.legend_width == 180
    assert _texts(lane) == ["[1] gaze away", "[2] nod"]
