"""Playback at a 16-pt font on a 1366x768 screen: its 30 items were taller than the screen, so Qt wrapped them into
two columns, the second's keys cut at the screen's edge and the separators lost. The less used items (volume,
steps of seconds and pages, the selected event's edges) are in submenus now, every key as it was."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

SCREEN_HEIGHT = 768  # a common laptop's
# every key Playback had before the submenus
KEYS = {"Space", "Shift+J", "Shift+Space", "Ctrl+L", "Ctrl+M", "Ctrl+Up", "Ctrl+Down", "Right", "Left", "Shift+Right",
        "Shift+Left", "J", "K", "L", "Home", "End", "Alt+Right", "Alt+Left", "PgDown", "PgUp", ".", ",", "Ctrl+G",
        "[", "]", "Alt+[", "Alt+]", "Shift+I", "Shift+O"}


def _playback(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&Playback")


def _keys(menu) -> set[str]:
    out = set()
    for a in menu.actions():
        if a.menu() is not None:
            out |= _keys(a.menu())
        out |= {k.toString(QKeySequence.SequenceFormat.PortableText) for k in a.shortcuts()}
    return out


def test_playback_is_one_column_under_a_768_px_screens_menu_bar_at_16_pt(window, app_pt):
    app_pt(16.0)
    QApplication.processEvents()  # the font reaches the menus
    menu = _playback(window)
    menu.sizeHint()  # lays its items out
    items = [a for a in menu.actions() if a.isVisible()]
    rects = [menu.actionGeometry(a) for a in items]
    assert len({r.x() for r in rects}) == 1, "the items wrap into a second column"
    tall = max(r.bottom() for r in rects) - min(r.top() for r in rects) + 1
    bar = window.menuBar().sizeHint().height()
    assert tall + 2 * menu.style().pixelMetric(menu.style().PixelMetric.PM_MenuPanelWidth) <= SCREEN_HEIGHT - bar


def test_every_key_is_kept_and_works_from_a_submenu(qtbot, window, video_path):
    assert _keys(_playback(window)) == KEYS
    open_video(window, video_path)
    window.transport.seek(0)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # By seconds and pages > Forward 1 s
    qtbot.waitUntil(lambda: window.transport.current_frame == 30)
