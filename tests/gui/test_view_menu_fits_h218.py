"""View at a 16-pt font on a 1366x768 screen: its 25 items were taller than the screen under the menu bar, so Qt
wrapped them into two columns (1168x738 px). Zooming the video and the timeline and panning are a submenu now (as
h209 did for Playback), every key as it was, and the key list (F1) names them all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from merstudio.gui.help import key_rows

pytestmark = pytest.mark.gui

SCREEN_HEIGHT = 768  # a common laptop's
# every key View had before the submenu
KEYS = {"F", "Shift+F", "Ctrl+Shift+Down", "Ctrl+Shift+Up", "H", "M", "Shift+M", "Shift+C", "F5", "Ctrl+0", "Ctrl+=",
        "Ctrl+-", "=", "+", "-", "Ctrl+Left", "Ctrl+Right", "Ctrl+PgDown", "Ctrl+PgUp"}


def _view(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")


def _keys(menu) -> set[str]:
    out = set()
    for a in menu.actions():
        if a.menu() is not None:
            out |= _keys(a.menu())
        out |= {k.toString(QKeySequence.SequenceFormat.PortableText) for k in a.shortcuts()}
    return out


def test_view_is_one_column_under_a_768_px_screens_menu_bar_at_16_pt(window, app_pt):
    app_pt(16.0)
    QApplication.processEvents()  # the font reaches the menus
    menu = _view(window)
    menu.sizeHint()  # lays its items out
    rects = [menu.actionGeometry(a) for a in menu.actions() if a.isVisible()]
    assert len({r.x() for r in rects}) == 1, "the items wrap into a second column"
    tall = max(r.bottom() for r in rects) - min(r.top() for r in rects) + 1
    bar = window.menuBar().sizeHint().height()
    assert tall + 2 * menu.style().pixelMetric(menu.style().PixelMetric.PM_MenuPanelWidth) <= SCREEN_HEIGHT - bar


def test_every_key_is_kept_listed_and_works_from_the_submenu(qtbot, window):
    assert _keys(_view(window)) == KEYS
    listed = {(path, action): keys for path, action, keys in key_rows(window.menuBar())}
    assert listed[("View > Zoom and pan", "Fit video")] == QKeySequence("Ctrl+0").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert {k for (path, _), keys in listed.items() if path.startswith("View") for k in keys.split(", ")} >= {
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in KEYS}
    window.activateWindow()
    window.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    zoomed = []
    window.timeline.zoom_x = lambda factor, frame: zoomed.append(factor)  # Zoom and pan > Zoom timeline out
    qtbot.keyClick(window.timeline, Qt.Key.Key_Minus)
    assert zoomed == [2.0]
