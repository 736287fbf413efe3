"""A proposal's and a rejected event's rows read on any theme: a fixed light #fff8e1 sat behind a dark palette's
light text, and a rejected row's #9e9e9e on #eeeeee was 2.3:1 on a light one. Wherever a row has a background, its
text is readable on it (WCAG 4.5:1)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from merstudio.gui.events_table import EventsModel
from merstudio.gui.look import contrast
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

DARK = {QPalette.ColorRole.Window: "#353535", QPalette.ColorRole.WindowText: "#e0e0e0",
        QPalette.ColorRole.Base: "#232323", QPalette.ColorRole.AlternateBase: "#2c2c2c",
        QPalette.ColorRole.Text: "#e0e0e0", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e0e0e0"}


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    old = QApplication.palette()
    pal = QPalette(old)
    light = {QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.Text: "#000000"}
    for role, colour in (DARK if request.param == "dark" else light).items():
        pal.setColor(role, QColor(colour))
    QApplication.setPalette(pal)
    yield pal
    QApplication.setPalette(old)


def _colours(model: EventsModel, row: int) -> tuple[QColor, QColor]:
    pal = QGuiApplication.palette()
    idx = model.index(row, 1)
    bg = model.data(idx, Qt.ItemDataRole.BackgroundRole)
    fg = model.data(idx, Qt.ItemDataRole.ForegroundRole)
    return (bg.color() if bg is not None else pal.color(QPalette.ColorRole.Base),
            fg.color() if fg is not None else pal.color(QPalette.ColorRole.Text))


def test_status_rows_are_readable_on_light_and_dark_palettes(palette):
    model = EventsModel()
    model.set_events([Event(1, 10, 12, 14, status=s, id=i) for i, s in enumerate(("accepted", "proposal",
                                                                                   "rejected"), 1)], 30.0)
    base = palette.color(QPalette.ColorRole.Base)
    for row in range(3):
        bg, fg = _colours(model, row)
        assert contrast(fg, bg) >= 4.5, (row, bg.name(), fg.name())
        # a tint of the theme's own base: dark rows on a dark theme
        assert abs(bg.lightness() - base.lightness()) < 60, (row, bg.name(), base.name())
    # the statuses still stand apart from an accepted row and from each other
    assert len({_colours(model, r)[0].name() for r in range(3)}) == 3
