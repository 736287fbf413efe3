"""The heat map's AU names on a short lane (a 1366x768 laptop at 125 %): every n-th row is named, and each name set
is drawn (the axis left out the last one, moved in at the lane's end onto the one above: AU01 named alone where
AU01 and AU26 were meant), and the lane's tooltip names every row top to bottom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

pytestmark = pytest.mark.gui

ROWS = [f"AU{n:02d}_r" for n in (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)]


def _drawn(axis) -> list[str]:
    img = QImage(200, 800, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(p)
    finally:
        p.end()
    return [t for _r, _f, t in texts]


def test_every_name_set_on_a_short_heat_lane_is_drawn_and_the_tooltip_names_all(qtbot) -> None:
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(900, 400)
    tl.show()
    qtbot.waitExposed(tl)
    tl._heat_rows = list(ROWS)
    tl.heat_plot.setYRange(0, len(ROWS), padding=0)  # as the drawn heat map's rows span it
    axis = tl.heat_plot.getAxis("left")
    seen = set()
    for px in range(14, 120, 3):  # the lane's height: only the heat map's view box and axis are measured
        tl.heat_plot.vb.height = lambda px=px: float(px)
        axis.geometry = lambda px=px: QRectF(axis.pos().x(), axis.pos().y(), 40, px)  # its own rect: 0..px
        tl._heat_ticks()
        names = [name for _v, name in axis._tickLevels[0]]
        assert names and names[0] == "AU01"
        assert _drawn(axis) == names, px  # none left out by the axis
        seen.add(len(names))
    assert len(seen) > 2  # a few names on a short lane, more on a taller one
    tip = tl.heat_plot.toolTip()
    assert all(r[:-2] in tip for r in ROWS) and tip.index("AU01") < tip.index("AU45")
