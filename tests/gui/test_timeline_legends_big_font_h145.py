"""The timeline's lane legends and readout at a coder's big font (16 or 20 pt). The legends were a fixed 7 pt in a
180-px column of 11-px rows: beside 16-pt menus, and text made bigger there was cut ("5.0 (this vid…", the motion
legend's second row). They now take the readout's size (7/9 of the app font) in a column and rows grown as that text
is. The readout's second line ran past the timeline's edge at 16 pt in a 1366-px window (AU20..AU45 cut off): it
now wraps onto as many lines as it needs, the lanes below it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication
from support.curve_buffers import ALL_AUS, lanes_buffer

pytestmark = pytest.mark.gui

# the timeline's size in a 1366x768 main window (the analysed demo, its events dock shown) at 16 and 20 pt
PANE = {16.0: (1094, 306), 20.0: (1020, 296)}


def _timeline(qtbot, size):
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(*size)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.show()
    qtbot.waitExposed(tl)
    tl.refresh()
    tl.set_playhead(120)
    qtbot.wait(50)
    return tl


def _labels(tl):
    """Each legend's text items with the cell (legend box) that clips them: the AU, motion and class legends' entries,
    the heat map's colour scale."""
    out = []
    for plot in (tl.au_plot, tl.motion_plot, tl.class_plot):
        box = tl.legend_boxes[plot]
        out += [(label.item, box) for _sample, label in plot.legend.items]
    out.append((tl.heat_scale.item, tl.legend_boxes[tl.heat_plot]))
    return out


def _line_px(pt_app: float) -> float:
    """A line's height of text at the readout's share of the app font (7 pt at the default 9)."""
    f = QFont(QApplication.font())
    f.setPointSizeF(max(7.0, pt_app * 7 / 9))
    return QFontMetricsF(f).height()


@pytest.mark.parametrize("pt", [16.0, 20.0])
def test_the_legends_grow_with_the_font_and_fit_their_cells(qtbot, app_pt, pt) -> None:
    app_pt(pt)
    tl = _timeline(qtbot, PANE[pt])
    labels = _labels(tl)
    assert len(labels) >= len(ALL_AUS) + 6 + 4 + 1  # every AU, region and class named, and the heat scale
    for item, box in labels:
        text = item.toPlainText()
        drawn = item.mapRectToScene(item.boundingRect())
        cell = box.mapRectToScene(QRectF(0, 0, box.size().width(), box.size().height()))
        assert drawn.height() >= _line_px(pt) - 1, text  # the readout's size, not 7 pt
        assert drawn.right() <= cell.right() + 0.5, text  # not cut at the column's right edge
        assert drawn.bottom() <= cell.bottom() + 0.5, text  # nor under its lane


def test_the_default_font_keeps_the_legends_sizes(qtbot, qapp) -> None:
    assert QApplication.font().pointSizeF() == 9.0
    tl = _timeline(qtbot, (1094, 321))
    for item, box in _labels(tl):
        assert box.size().width() == 180  # the 7-pt legends' column, as before
        seven = QFont(QApplication.font())
        seven.setPointSizeF(7.0)
        assert item.boundingRect().height() == pytest.approx(QFontMetricsF(seven).height(), abs=1)


@pytest.mark.parametrize("pt", [16.0, 20.0])
def test_every_readout_value_shows_at_a_big_font_in_a_1366_px_window(qtbot, app_pt, pt) -> None:
    app_pt(pt)
    tl = _timeline(qtbot, PANE[pt])
    text = tl.readout.item.toPlainText()
    assert all(f"{a} " in text for a in ALL_AUS) and "negative" in text and "none" in text
    doc = tl.readout.item.document()
    margin = doc.documentMargin()
    shown = tl.readout.size()
    block = doc.begin()
    lines = 0
    while block.isValid():  # every line of the laid-out text inside the readout (it clips the rest)
        layout = block.layout()
        top = layout.position().y()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines += 1
            assert margin + line.x() + line.naturalTextWidth() <= shown.width() + 0.5, block.text()
            assert top + line.y() + line.height() <= shown.height() + 0.5, block.text()
        block = block.next()
    assert lines >= 3  # one or two lines could not hold it at this size
    r = tl.readout.sceneBoundingRect()  # above the lanes, over none of them
    assert all(not r.intersects(p.vb.sceneBoundingRect()) for p in tl.plots if p.isVisible())
