"""The motion lane's "blink mask" entry comes after its regions' entries: added to a legend squeezed to "+N" (a 14 or
16-pt font), pyqtgraph put it after the last sample it found, in "+N"'s cell ("QGridLayoutEngine::addItem: Can't
add ... at cell (0, 11) because it's already taken" on every open). It is laid out with the others now, "+N"
counting it where it does not fit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, QtMsgType, qInstallMessageHandler

pytestmark = pytest.mark.gui

REGIONS = ("brows", "eyes", "cheeks", "nose", "mouth", "chin")


def _squeezed_legend():
    from merstudio.gui.timeline_items import side_legend

    box, legend = side_legend(4)
    scene = pg.GraphicsScene()
    scene.addItem(box)
    box.setGeometry(QRectF(0, 0, legend.column_px, 400))
    for name in REGIONS:
        legend.addItem(pg.PlotDataItem(np.arange(3.0), pen=pg.mkPen("#000")), name)
    legend.fit(legend.row_px)  # one row: the lane squeezed to its floor
    return scene, legend


def test_an_entry_added_to_a_squeezed_legend_takes_a_free_cell(qtbot, app_pt) -> None:
    app_pt(16.0)
    scene, legend = _squeezed_legend()
    assert legend.more.isVisible()
    warnings: list[str] = []

    def keep(mode, _context, message) -> None:
        if mode != QtMsgType.QtDebugMsg:
            warnings.append(message)

    old = qInstallMessageHandler(keep)
    try:
        legend.addItem(pg.BarGraphItem(x0=[0], width=[1], height=[1]), "blink mask")
    finally:
        qInstallMessageHandler(old)
    assert not [w for w in warnings if "already taken" in w], warnings
    shown = [label for _sample, label in legend.items if label.isVisible()]
    assert legend.more.isVisible() and legend.more.text == f"+{len(REGIONS) + 1 - len(shown)}", legend.more.text
    assert "blink mask" in legend.more.toolTip()
    lay = legend.layout
    placed = [lay.itemAt(r, c) for r in range(lay.rowCount()) for c in range(lay.columnCount())]
    placed = [item for item in placed if item is not None]
    # each shown entry's sample and label and "+N": a cell each, no two in one
    assert len(placed) == len({id(item) for item in placed}) == 2 * len(shown) + 1, (len(placed), len(shown))
    assert legend.more in placed
