"""A photo's AU bars in a narrow pane (a 960x540 screen: 630 px) and the AU numbers under them: the one-line title
(~100 characters) made pyqtgraph's plot 786 px wide, so the last bars (AU23 to 45) were not drawn and the title was
cut, with no scroll bar; pyqtgraph's x axis was 0.8 of its numbers' line tall, cutting them in half."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from merstudio.features.aus import AUS
from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui


def _chart(qtbot, width: int, height: int = 200):
    from merstudio.gui.photo_chart import PhotoChart

    c = PhotoChart()
    qtbot.addWidget(c)
    c.resize(width, height)
    c.show()
    qtbot.waitExposed(c)
    buf = CurveBuffer(1)
    buf.add_rows([{"frame": 0, "face_id": 0} | {f"AU{a:02d}_r": {12: 5.0, 25: 5.0}.get(a, 0.0) for a in AUS}])
    c.show_face(buf, 0)
    QApplication.processEvents()
    return c


def _lines(chart) -> list[str]:
    return chart.getPlotItem().titleLabel.item.toPlainText().split("\n")


@pytest.mark.parametrize("pt", [9, 16])
def test_a_narrow_pane_wraps_the_title_and_draws_every_bar(qtbot, app_pt, pt) -> None:
    app_pt(pt)
    chart = _chart(qtbot, 630)
    plot = chart.getPlotItem()
    assert plot.geometry().width() <= chart.width(), "the plot is wider than its pane"
    view = plot.vb.sceneBoundingRect()
    last = plot.vb.mapViewToScene(QPointF(len(AUS) - 1 + 0.35, 0)).x()  # AU45's bar's right edge
    assert view.right() <= chart.width() and last <= view.right(), "the last bars are not drawn"
    title = plot.titleLabel.sceneBoundingRect()
    assert title.left() >= 0 and title.right() <= chart.width(), "the title is cut"
    # the whole title, in two lines, the row as tall as they are
    assert " ".join(_lines(chart)) == chart.title and len(_lines(chart)) == 2 and not chart.title_cut
    assert "? unknown)" in chart.title
    assert plot.layout.rowMinimumHeight(0) >= title.height() - 0.5


def test_a_wide_pane_keeps_the_title_on_one_line(qtbot) -> None:
    chart = _chart(qtbot, 1300, 300)
    assert _lines(chart) == [chart.title]


def test_a_very_narrow_pane_elides_the_title_whole_in_the_tooltip(qtbot) -> None:
    chart = _chart(qtbot, 330)
    lines = _lines(chart)
    assert len(lines) == 2 and lines[-1].endswith("…") and chart.title_cut
    assert chart.getPlotItem().geometry().width() <= chart.width()
    chart._hover(chart.getPlotItem().titleLabel.sceneBoundingRect().center())
    assert chart.toolTip() == chart.title


@pytest.mark.parametrize("pt", [9, 16])
def test_the_au_numbers_under_the_bars_have_their_lines_height(qtbot, app_pt, pt) -> None:
    app_pt(pt)
    chart = _chart(qtbot, 900, 300)
    axis = chart.getPlotItem().getAxis("bottom")
    font = axis.style["tickFont"]
    assert font is not None and font.pointSizeF() == pytest.approx(pt)  # drawn in the app's font, as measured
    # the numbers are drawn from tickTextOffset under the axis line: the axis holds their whole line
    assert axis.height() >= QFontMetricsF(font).height() + axis.style["tickTextOffset"][1]
    assert axis.sceneBoundingRect().bottom() <= chart.height()
