"""The main window's first start (and a size kept from a larger screen) fits the screen it opens on: 1400x900 put the
status bar, the docks' buttons and the timeline off a 1366x768 laptop's screen, and off 1080p at 200 % (960x540)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QScreen

pytestmark = pytest.mark.gui

TITLE_BAR = 32  # what a window manager adds above the window (offscreen windows have no frame)


def _fits(win, avail: QRect) -> None:
    frame = win.frameGeometry()
    title = TITLE_BAR if frame.height() == win.height() else 0
    assert win.width() <= avail.width(), (win.width(), avail)
    assert frame.height() + title <= avail.height(), (frame, avail)
    assert avail.contains(QRect(frame.x(), frame.y(), frame.width(), frame.height() + title)), (frame, avail)


@pytest.mark.parametrize("avail", [QRect(0, 0, 960, 540), QRect(0, 0, 1366, 728), QRect(0, 27, 1280, 693)],
                         ids=["1080p at 200%", "1366x768 less a taskbar", "1280x720 less a top bar"])
def test_the_first_start_fits_the_screen_and_shows_the_status_bar(qtbot, tmp_path, monkeypatch, avail):
    from merstudio.gui.main_window import MainWindow

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(avail))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)  # nothing kept: a first start
    win = MainWindow(qsettings=settings)
    qtbot.addWidget(win)
    try:
        win.show()
        qtbot.waitExposed(win)
        _fits(win, avail)
        bar = win.statusBar()  # inside the window, so on the screen
        assert bar.isVisible() and bar.geometry().bottom() < win.height()
    finally:
        win.shutdown()


def test_a_size_kept_from_a_larger_screen_is_fitted_to_this_one(qtbot, tmp_path, monkeypatch):
    from merstudio.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    big = QRect(0, 0, 2560, 1400)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(big))
    first = MainWindow(qsettings=settings)
    qtbot.addWidget(first)
    first.resize(2400, 1300)  # the user's size on a large monitor, kept at close
    settings.setValue("geometry", first.saveGeometry())
    first.shutdown()
    small = QRect(0, 0, 1366, 728)  # the laptop, the next day
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(small))
    win = MainWindow(qsettings=settings)
    qtbot.addWidget(win)
    try:
        win.show()
        qtbot.waitExposed(win)
        _fits(win, small)
    finally:
        win.shutdown()
