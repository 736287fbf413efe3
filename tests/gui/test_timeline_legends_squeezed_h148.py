"""A lane squeezed below its whole legend at a big font (20 pt in a 1366x768 window, coders' lanes shown) shrank its
legend's text to 7 pt: unreadable beside 20-pt menus. It now keeps its own size and shows the entries that fit, then
"+N" (the rest named in its tooltip); with room again every entry is back. At the default font (its text 7 pt
already) nothing changes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from helpers import lanes_timeline
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from merstudio.project import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui

AUS = ("1", "2", "4", "5", "6", "7", "9", "10", "12", "14", "15", "17", "20", "23", "25", "26", "45")


def _own_line_px() -> float:
    """A legend line's height at the legends' share of the app font (7/9 of it)."""
    f = QFont(QApplication.font())
    f.setPointSizeF(max(7.0, QApplication.font().pointSizeF() * 7 / 9))
    return QFontMetricsF(f).height()


def _legend(qtbot, names=AUS):
    from merstudio.gui.timeline_items import side_legend

    box, legend = side_legend(6)
    scene = pg.GraphicsScene()
    scene.addItem(box)
    box.setGeometry(QRectF(0, 0, legend.column_px, 400))
    curves = [pg.PlotDataItem(np.arange(3.0), pen=pg.mkPen("#000")) for _n in names]
    for curve, name in zip(curves, names, strict=True):
        legend.addItem(curve, name)
    return scene, legend, curves


def _shown(legend):
    return [label for _sample, label in legend.items if label.isVisible()]


def _in_box(legend, item) -> bool:
    r = item.mapRectToItem(legend, item.boundingRect())
    return r.right() <= legend.column_px + 0.5


def test_a_squeezed_legend_keeps_its_size_and_says_how_many_more(qtbot, app_pt) -> None:
    app_pt(20.0)
    scene, legend, curves = _legend(qtbot)
    legend.fit(legend.row_px)  # one row: a lane squeezed to its floor
    shown = _shown(legend)
    assert shown, "some entries at least"
    for label in shown:  # at its own size, not 7 pt
        assert label.item.boundingRect().height() >= _own_line_px() - 1, label.text
        assert _in_box(legend, label), label.text
    rest = AUS[len(shown):]
    assert rest, "17 AUs do not fit one row at 20 pt"
    assert legend.more.isVisible() and legend.more.item.toPlainText() == f"+{len(rest)}"
    assert _in_box(legend, legend.more)
    assert legend.more.item.boundingRect().height() >= _own_line_px() - 1
    assert all(name in legend.more.toolTip() for name in rest)
    assert legend.drawn_rows == 1

    legend.fit(10 * legend.row_px)  # room again: every entry, no "+N"
    assert len(_shown(legend)) == len(AUS) and not legend.more.isVisible()
    assert legend.drawn_rows == -(-len(AUS) // legend.columnCount)

    legend.fit(legend.row_px)  # entries removed and added while squeezed (a curve hidden, _order_legend's rebuild)
    legend.removeItem(curves[-1])
    assert legend.more.item.toPlainText() == f"+{len(AUS) - 1 - len(_shown(legend))}"
    legend.clear()
    assert not legend.items and not legend.more.isVisible()
    for curve, name in zip(curves[:3], AUS[:3], strict=True):
        legend.addItem(curve, name)
    assert len(_shown(legend)) == 3 and not legend.more.isVisible()


def test_the_default_font_never_leaves_an_entry_out(qtbot, qapp) -> None:
    assert QApplication.font().pointSizeF() == 9.0
    _scene, legend, _curves = _legend(qtbot)
    legend.fit(legend.row_px)  # (its last rows cut by its lane, as before)
    assert len(_shown(legend)) == len(AUS) and not legend.more.isVisible()
    assert legend.least_height() == legend.least_height(whole=True)


def test_a_20_pt_timeline_with_coders_lanes_keeps_its_legends_readable(qtbot, app_pt) -> None:
    app_pt(20.0)
    gaze, nod = Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)
    # its pane in a 1366x768 window, the coders' and behaviours' lanes shown
    tl, _lane = lanes_timeline(qtbot, (1020, 296), ("alice", "bob", "cy"), True, [gaze, nod],
                               [BehaviourEvent(1, 1, 2, 60, id=1), BehaviourEvent(1, 2, 3, 3, id=2)])
    squeezed = 0
    for plot in (tl.au_plot, tl.motion_plot, tl.class_plot):
        legend, box = plot.legend, tl.legend_boxes[plot]
        cell = box.mapRectToScene(QRectF(0, 0, box.size().width(), box.size().height()))
        more = getattr(legend, "more", None)  # "+N"
        drawn = _shown(legend) + ([more] if more is not None and more.isVisible() else [])
        for label in drawn:
            r = label.item.mapRectToScene(label.item.boundingRect())
            assert r.height() >= _own_line_px() - 1, label.text  # not 7 pt
            assert r.right() <= cell.right() + 0.5 and r.bottom() <= cell.bottom() + 0.5, label.text
        if more is not None and more.isVisible():
            squeezed += 1
            assert legend.more.item.toPlainText() == f"+{len(legend.items) - len(_shown(legend))}"
    assert squeezed, "the lanes are squeezed there: some legend says +N"
