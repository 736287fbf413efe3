"""The timeline under a big application font (16 pt, as a 200%-scaled laptop is often set) and a dark palette: the
lanes' values, row names and least heights follow the font (fixed px, the values overlapped, the heat map's AU names
and the coders' names were not drawn, the frame axis went below the view), and the lanes' titles keep a colour of
their own on the lanes' white (a dark theme's light text vanished there)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication
from support.curve_buffers import lanes_buffer

from merstudio.gui.look import contrast
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

CODERS = ("alice", "bob", "cy_with_a_rather_long_name", "dan", "model")


@pytest.fixture
def app_font(qapp):
    old, old_pal = QApplication.font(), QApplication.palette()

    def set_font(pt: float, dark: bool = False) -> None:
        f = QApplication.font()
        f.setPointSizeF(pt)
        QApplication.setFont(f)
        if dark:
            pal = QPalette(old_pal)
            for role, colour in ((QPalette.ColorRole.Text, "#e0e0e0"), (QPalette.ColorRole.WindowText, "#e0e0e0"),
                                 (QPalette.ColorRole.Base, "#232323"), (QPalette.ColorRole.Window, "#353535")):
                pal.setColor(role, QColor(colour))
            QApplication.setPalette(pal)

    yield set_font
    QApplication.setFont(old)
    QApplication.setPalette(old_pal)


def _timeline(qtbot, size=(815, 266)):
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(*size)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.set_events([Event(1, 10 * i, 10 * i + 3, 10 * i + 6, id=i + 1, coder=c) for i, c in enumerate(CODERS)])
    tl.show()
    qtbot.waitExposed(tl)
    tl.refresh()
    qtbot.wait(50)
    return tl


def test_the_axes_grow_with_the_font(qtbot, app_font):
    small = _timeline(qtbot)
    app_font(16.0)
    big = _timeline(qtbot)
    for a, b in zip(small.plots, big.plots, strict=True):
        if b.isVisible():
            assert b.getAxis("left").width() > a.getAxis("left").width()
    axis = big.heat_plot.getAxis("left")
    font = axis.style["tickFont"]  # an explicit tick font, the one the sizes are measured in
    assert font is not None and font.pointSizeF() > small.heat_plot.getAxis("left").style["tickFont"].pointSizeF()
    fm = QFontMetrics(font)
    assert fm.horizontalAdvance("AU45") <= axis.width() - 4  # the heat map's AU names fit (pyqtgraph drops the rest)
    assert big.sizes.row >= fm.height() and big.sizes.tick_gap > fm.height()
    # a coder's name elided to the room there is, not to "m…"
    big.set_coder_view(True)
    qtbot.wait(20)
    names = [t for _v, t in big.coder_plot.getAxis("left")._tickLevels[0]]
    assert "alice" in names


def test_the_lane_titles_read_on_the_lanes_white_under_a_dark_palette(qtbot, app_font):
    app_font(16.0, dark=True)
    tl = _timeline(qtbot)
    for p in tl.plots:
        axis = p.getAxis("left")
        if axis.labelText:
            assert contrast(QColor(axis.labelStyle.get("color", "#e0e0e0")), QColor("white")) >= 4.5, axis.labelText
