"""The app's photo chart shows an AU measured on one side alone (the other beyond the photo's edge: AU12_R 5.0,
AU12_L NaN, AU12_r NaN) as that side's bar named "R12", as the face label says "AU R12"; it was a grey "?"."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF

from merstudio.features.aus import AUS
from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui
NAN = math.nan


def _cut_photo() -> CurveBuffer:
    buf = CurveBuffer(1)
    row: dict[str, float] = {"frame": 0, "face_id": 0} | {f"AU{a:02d}_r": 0.0 for a in AUS}
    row |= {"AU06_r": NAN, "AU12_r": NAN, "AU12_c": NAN, "AU12_L": NAN, "AU12_R": 5.0,
            "AU06_L": NAN, "AU06_R": NAN}
    buf.add_rows([row])
    return buf


def test_a_side_alone_is_a_bar_named_with_its_side(qtbot) -> None:
    from merstudio.gui.photo_chart import PhotoChart

    chart = PhotoChart()
    qtbot.addWidget(chart)
    chart.resize(900, 300)
    chart.show_face(_cut_photo(), 0)
    values = dict(chart.shown)
    assert values[12] == 5.0 and math.isnan(values[6])  # AU6: unknown on both sides, still a "?"
    assert chart.sides == {12: "R"}
    ticks = dict(chart.getPlotItem().getAxis("bottom")._tickLevels[0])
    x = [au for au, _v in chart.shown].index(12)
    assert ticks[x] == "R12"
    texts = [i.textItem.toPlainText() for i in chart._items if hasattr(i, "textItem")]
    assert "5.00" in texts and texts.count("?") == 1
    assert "R12: one side only" in chart.title
    chart.show()
    qtbot.waitExposed(chart)
    plot = chart.getPlotItem()
    chart._hover(plot.vb.mapViewToScene(QPointF(x, 2.0)))
    assert chart.toolTip().startswith("AU12 ") and "5.00 on the right side (the left not seen" in chart.toolTip()
