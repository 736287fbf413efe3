"""A behaviour's colour marks it without being its text's colour: the table shows a swatch beside the name (a dark
purple name was unreadable on a dark theme's base), the lane's name sits on opaque white over a state's bar (its
colour showed through a translucent fill) in the lanes' tick font, its text readable on white."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from merstudio.gui import commands as C
from merstudio.gui.look import contrast
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


def test_behaviour_colours_are_swatches_and_the_lane_names_read(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    bh = win.behaviours
    gaze = bh.add(Behaviour("gaze away", key="1", kind="state", colour="#5e35b1"))
    bh.add(Behaviour("blink", key="2", kind="point", colour="#c0ca33"))  # a light colour: unreadable as text
    bh.code(gaze.id, frame=0)
    bh.code(gaze.id, frame=40)
    qtbot.wait(20)
    cell = bh.table.item(0, 0)
    assert cell.text() == "gaze away"
    assert cell.foreground().style() == Qt.BrushStyle.NoBrush  # the table's own text colour
    assert QColor(cell.data(Qt.ItemDataRole.DecorationRole)).name() == "#5e35b1"
    labels = [item for item in bh.lane.labels if item.isVisible()]
    assert len(labels) == 2
    for item in labels:
        assert item.fill.color().alpha() == 255
        assert contrast(item.color, QColor("white")) >= 4.5, item.textItem.toPlainText()
        assert item.textItem.font().pointSizeF() == win.timeline.tick_font.pointSizeF()
