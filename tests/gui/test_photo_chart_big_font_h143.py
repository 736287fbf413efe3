"""A photo's AU bars at a coder's big font: at 20 pt the value labels ran into one another ("0.000.000.00") and the
5.00 over a full bar was cut at the chart's top (a fixed 0-5.6 y range)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtWidgets import QApplication

from merstudio.features.aus import AUS
from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui


def _drawn(qtbot, width: int):
    from merstudio.gui.photo_chart import PhotoChart

    c = PhotoChart()
    qtbot.addWidget(c)
    c.resize(width, 300)
    c.show()
    qtbot.waitExposed(c)
    buf = CurveBuffer(1)
    buf.add_rows([{"frame": 0, "face_id": 0} | {f"AU{a:02d}_r": {12: 5.0, 25: 5.0, 6: 2.92}.get(a, 0.0) for a in AUS}])
    c.show_face(buf, 0)
    QApplication.processEvents()
    labels = [i for i in c._items if hasattr(i, "textItem")]
    assert len(labels) == len(AUS)
    # the glyphs' box: the text item's document margin is blank
    m = labels[0].textItem.document().documentMargin()
    return c, [lab.mapRectToScene(lab.boundingRect()).adjusted(m, m, -m, -m) for lab in labels]


@pytest.mark.parametrize("width", [900, 1300])
def test_value_labels_stay_apart_and_inside_the_chart(qtbot, big_app_font, width) -> None:
    chart, rects = _drawn(qtbot, width)
    rects.sort(key=lambda r: r.left())
    for a, b in pairwise(rects):
        assert a.right() <= b.left(), "two value labels overlap"
    view = chart.getPlotItem().vb.sceneBoundingRect()
    for r in rects:
        assert r.top() >= view.top() - 0.5, "a label is cut at the chart's top"


def test_the_default_font_keeps_its_look(qtbot) -> None:
    chart, _ = _drawn(qtbot, 900)
    assert chart.getPlotItem().vb.viewRange()[1] == pytest.approx([0.0, 5.6])
    label = next(i for i in chart._items if hasattr(i, "textItem"))
    assert label.textItem.font().pointSizeF() == QApplication.font().pointSizeF()
