"""Coding > Behaviours… shows each behaviour's colour as its hex name on that colour: the name was drawn in the
palette's text colour, at a WCAG contrast of 1.4 to 3.0:1 on the default colours in light and dark themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from merstudio.gui.behaviours import PALETTE, BehavioursDialog
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


def wcag_ratio(a: QColor, b: QColor) -> float:
    """The WCAG 2 contrast ratio, from its definition (sRGB linearised, 0.2126 R + 0.7152 G + 0.0722 B)."""
    def lum(c: QColor) -> float:
        def lin(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("text", ["#000000", "#e0e0e0"], ids=["light", "dark"])
def test_each_default_colour_name_reads_on_its_colour(qtbot, window, video_path, text) -> None:
    from merstudio.gui import commands as C

    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    for i, colour in enumerate(PALETTE):
        window.behaviours.add(Behaviour(f"b{i}", key=str(i + 1), kind="point", colour=colour))
    dlg = BehavioursDialog(window)
    qtbot.addWidget(dlg)
    pal = dlg.table.palette()
    pal.setColor(QPalette.ColorRole.Text, QColor(text))  # a light or a dark theme's text colour
    dlg.table.setPalette(pal)
    dlg.refresh()
    assert dlg.table.rowCount() == len(PALETTE)
    for row in range(dlg.table.rowCount()):
        cell = dlg.table.item(row, 3)
        bg = cell.background().color()
        assert bg.name() == cell.text()
        fg = cell.foreground()
        shown = fg.color() if fg.style() != Qt.BrushStyle.NoBrush else dlg.table.palette().color(QPalette.ColorRole.Text)
        assert wcag_ratio(shown, bg) >= 4.5, (cell.text(), shown.name())
