"""Menus at a 16-pt font on a 1366x768 screen. Playback's 30 items and View's 25 were taller than the screen under the
menu bar, so Qt wrapped them into two columns (View: 1168x738 px), the second column's keys cut at the screen's edge
and the separators lost. The less used items are submenus now (Playback: volume, steps of seconds and pages, the
selected event's edges, h209; View: zooming and panning, h218), every key as it was, and the key list (F1) names
them all."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from merstudio.gui.help import key_rows

pytestmark = pytest.mark.gui

SCREEN_HEIGHT = 768  # a common laptop's
# every key each menu had before its submenus
KEYS = {
    "&Playback": {"Space", "Shift+J", "Shift+Space", "Ctrl+L", "Ctrl+M", "Ctrl+Up", "Ctrl+Down", "Right", "Left",
                  "Shift+Right", "Shift+Left", "J", "K", "L", "Home", "End", "Alt+Right", "Alt+Left", "PgDown",
                  "PgUp", ".", ",", "Ctrl+G", "[", "]", "Alt+[", "Alt+]", "Shift+I", "Shift+O"},
    "&View": {"F", "Shift+F", "Ctrl+Shift+Down", "Ctrl+Shift+Up", "H", "M", "Shift+M", "Shift+C", "F5", "Ctrl+0",
              "Ctrl+=", "Ctrl+-", "=", "+", "-", "Ctrl+Left", "Ctrl+Right", "Ctrl+PgDown", "Ctrl+PgUp"},
}


def _menu(win, title):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == title)


def _keys(menu) -> set[str]:
    out = set()
    for a in menu.actions():
        if a.menu() is not None:
            out |= _keys(a.menu())
        out |= {k.toString(QKeySequence.SequenceFormat.PortableText) for k in a.shortcuts()}
    return out


@pytest.mark.parametrize("title", sorted(KEYS))
def test_the_menu_is_one_column_under_a_768_px_screens_menu_bar_at_16_pt(window, app_pt, title):
    app_pt(16.0)
    QApplication.processEvents()  # the font reaches the menus
    menu = _menu(window, title)
    menu.sizeHint()  # lays its items out
    rects = [menu.actionGeometry(a) for a in menu.actions() if a.isVisible()]
    assert len({r.x() for r in rects}) == 1, "the items wrap into a second column"
    tall = max(r.bottom() for r in rects) - min(r.top() for r in rects) + 1
    bar = window.menuBar().sizeHint().height()
    assert tall + 2 * menu.style().pixelMetric(menu.style().PixelMetric.PM_MenuPanelWidth) <= SCREEN_HEIGHT - bar


def test_every_playback_key_is_kept_and_works_from_a_submenu(qtbot, window, video_path):
    assert _keys(_menu(window, "&Playback")) == KEYS["&Playback"]
    open_video(window, video_path)
    window.transport.seek(0)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # By seconds and pages > Forward 1 s
    qtbot.waitUntil(lambda: window.transport.current_frame == 30)


def test_every_view_key_is_kept_listed_and_works_from_the_submenu(qtbot, window):
    assert _keys(_menu(window, "&View")) == KEYS["&View"]
    listed = {(path, action): keys for path, action, keys in key_rows(window.menuBar())}
    assert listed[("View > Zoom and pan", "Fit video")] == QKeySequence("Ctrl+0").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert {k for (path, _), keys in listed.items() if path.startswith("View") for k in keys.split(", ")} >= {
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in KEYS["&View"]}
    window.activateWindow()
    window.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    zoomed = []
    window.timeline.zoom_x = lambda factor, frame: zoomed.append(factor)  # Zoom and pan > Zoom timeline out
    qtbot.keyClick(window.timeline, Qt.Key.Key_Minus)
    assert zoomed == [2.0]
