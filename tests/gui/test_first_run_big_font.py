"""The empty state at a big font on a dark theme: its title is bigger than the text (fixed 20 px was smaller than a
16-pt subtitle), its background is the palette's (a fixed #fafafa was a light slab on a dark window) and the keys
it lists can be scrolled to where the video area is too short for them (they were cut off)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

DARK_WINDOW = "#353535"


@pytest.fixture
def dark_big(big_font):
    old_pal = QApplication.palette()
    pal = QPalette(old_pal)
    for role, colour in ((QPalette.ColorRole.Window, DARK_WINDOW), (QPalette.ColorRole.WindowText, "#e0e0e0"),
                         (QPalette.ColorRole.Base, "#232323"), (QPalette.ColorRole.Text, "#e0e0e0")):
        pal.setColor(role, QColor(colour))
    QApplication.setPalette(pal)
    yield
    QApplication.setPalette(old_pal)


@pytest.fixture
def dark_window(dark_big, qtbot, qsettings, fake_analysis):
    from gui_fixtures import shown_window

    win = shown_window(qtbot, qsettings, (1024, 640))
    yield win
    win.shutdown()


def test_the_empty_state_follows_the_font_and_the_palette_and_scrolls(qtbot, dark_window):
    from PySide6.QtWidgets import QLabel

    empty = dark_window.first_run.empty
    qtbot.wait(20)
    assert empty.isVisible()
    title = next(w for w in empty.findChildren(QLabel) if w.objectName() == "empty_title")
    assert QFontInfo(title.font()).pointSizeF() > QApplication.font().pointSizeF()
    # the background is the dark palette's window, not a light slab
    pixel = empty.grab().toImage().pixelColor(3, 3)
    assert abs(pixel.lightness() - QColor(DARK_WINDOW).lightness()) < 20, pixel.name()
    # the keys: in view, or the area scrolls to them
    keys = empty.keys
    bottom = keys.mapTo(empty.widget(), keys.rect().bottomLeft()).y()
    assert bottom <= empty.viewport().height() or empty.verticalScrollBar().maximum() > 0


def test_the_keys_wrap_only_where_the_area_is_narrow(qtbot, qsettings, fake_analysis):
    """With room beside them the keys' descriptions are on one line each (a wrapped label's own width hint broke
    "analyse the video (AU curves, micro-motion, proposals)" into three lines on a 1366-px window)."""
    from gui_fixtures import shown_window

    win = shown_window(qtbot, qsettings, (1366, 768))
    keys = win.first_run.empty.keys
    qtbot.waitUntil(lambda: keys.width() > 0)
    line = keys.fontMetrics().lineSpacing()
    assert keys.height() < 9 * line  # seven rows, none wrapped (was 10 lines)
    win.shutdown()
