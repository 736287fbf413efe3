"""What the app remembers must never stop it, and must be kept or said (gui/remembered.py).

A settings file with a `geometry` or `windowState` that is not a byte array (empty, another version's `@Rect`, text)
made the window's constructor raise: `merstudio gui` could not start. A geometry kept on a 4K screen came back at
Qt's fallback size on a small one. Settings that could not be written were lost without a word."""

from __future__ import annotations

import logging
import shutil
import struct

import pytest
from PySide6.QtCore import QByteArray, QSettings

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

TITLE_BAR = 32  # what a window manager adds above the window before it has a frame (offscreen windows have none)


def _window(qtbot, settings):
    from merstudio.gui.main_window import MainWindow

    win = MainWindow(qsettings=settings)
    qtbot.addWidget(win)
    return win


def _default_size(win):
    """1400x900, fitted to the screen's free area less a title bar (docs/gui.md, First run): before the window is
    shown, so without the frame a platform adds then."""
    avail = win.screen().availableGeometry()
    return min(1400, avail.width()), min(900, avail.height() - TITLE_BAR)


def _ini(tmp_path, text: str) -> QSettings:
    path = tmp_path / "merstudio.conf"
    path.write_text("[General]\n" + text)
    return QSettings(str(path), QSettings.Format.IniFormat)


@pytest.mark.parametrize("text, key", [
    ("geometry=\n", "geometry"),
    ("geometry=@Rect(0 0 800 600)\n", "geometry"),  # the auditor's: another version's type
    ("windowState=hello\n", "windowState"),
    ("windowState=@Rect(0 0 10 10)\n", "windowState"),
    ("coder=@Rect(0 0 10 10)\n", "coder"),
], ids=["empty geometry", "rect geometry", "text state", "rect state", "rect coder"])
def test_a_value_of_the_wrong_type_is_ignored_said_and_its_default_used(qtbot, tmp_path, text, key):
    settings = _ini(tmp_path, "recentProjects=/somewhere/a.merproj\n" + text)

    win = _window(qtbot, settings)  # raised TypeError from restoreGeometry/restoreState
    try:
        assert (win.width(), win.height()) == _default_size(win)
        win.show()
        qtbot.waitExposed(win)
        line = win.statusBar().currentMessage()
        assert key in line and str(tmp_path / "merstudio.conf") in line, line
        assert win.coder == ("" if key == "coder" else win.coder)  # not "PySide6.QtCore.QRect(0, 0, 10, 10)"
        assert win.session.recent_projects() == ["/somewhere/a.merproj"]  # the good values stay
    finally:
        win.shutdown()


def test_a_geometry_cut_short_is_ignored_and_said(qtbot, tmp_path):
    first = _window(qtbot, QSettings(str(tmp_path / "kept.ini"), QSettings.Format.IniFormat))
    whole = first.saveGeometry().data()
    first.shutdown()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("geometry", QByteArray(whole[:20]))  # a write cut short
    settings.sync()

    win = _window(qtbot, settings)
    try:
        assert (win.width(), win.height()) == _default_size(win)
        assert "geometry" in win.statusBar().currentMessage()
    finally:
        win.shutdown()


def _geometry(screen_width: int, x: int, y: int, w: int, h: int) -> QByteArray:
    """A geometry as QWidget::saveGeometry writes it (format 3.0: magic, version, frame and normal rects, screen,
    maximized, full screen, the screen's width, the geometry; a QRect as its inclusive corners)."""
    rect = (x, y, x + w - 1, y + h - 1)
    return QByteArray(struct.pack(">IHH4i4iiBBi4i", 0x1D9D0CB, 3, 0, *rect, *rect, 0, 0, 0, screen_width, *rect))


def test_a_geometry_kept_on_a_4k_screen_opens_at_the_fitted_default(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    # the auditor's: 800x600 at (2200, 1200) on a 3840-wide screen, the window opened on a smaller one
    settings.setValue("geometry", _geometry(3840, 2200, 1200, 800, 600))

    win = _window(qtbot, settings)
    try:
        # Qt's fallback had scaled it for the smaller screen, to the window's minimum size
        assert (win.width(), win.height()) == _default_size(win)
        assert win.statusBar().currentMessage() == ""  # a good value, kept for another screen: nothing to say
    finally:
        win.shutdown()


def test_a_geometry_kept_on_this_screen_is_restored(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = _window(qtbot, settings)
    first.setGeometry(20, 40, 700, 560)
    first.close()  # keeps the layout
    win = _window(qtbot, settings)
    try:
        assert (win.x(), win.y(), win.width(), win.height()) == (20, 40, 700, 560)
        assert win.statusBar().currentMessage() == ""
    finally:
        win.shutdown()


def _unsaved(path) -> str:
    return f"settings cannot be saved ({path}): coder, recent list and layout will not be kept"


def test_settings_that_cannot_be_saved_are_said_once(qtbot, tmp_path, caplog):
    (tmp_path / "merstudio").write_text("x")  # ~/.config/merstudio is a file
    path = tmp_path / "merstudio" / "merstudio.conf"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    caplog.set_level(logging.WARNING)

    win = _window(qtbot, settings)
    try:
        win.show()
        qtbot.waitExposed(win)
        assert win.statusBar().currentMessage() == _unsaved(path)
        win.statusBar().clearMessage()
        assert win.ctx.execute(C.SetCoder, name="carol")
        assert win.ctx.execute(C.NewProject, path=str(tmp_path / "p.merproj")), win.errors
        assert win.statusBar().currentMessage() != _unsaved(path)  # once a session
    finally:
        win.close()
    assert [r.getMessage() for r in caplog.records].count(_unsaved(path)) == 1


def test_a_save_that_fails_later_is_said(qtbot, tmp_path, caplog):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    path = cfg / "merstudio.conf"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    win = _window(qtbot, settings)
    try:
        win.show()  # the bar laid out: a line is drawn whole
        qtbot.waitExposed(win)
        assert win.statusBar().currentMessage() == ""
        shutil.rmtree(cfg)
        cfg.write_text("x")  # the folder gone, a file in its place: the coder cannot be written
        caplog.set_level(logging.WARNING)
        assert win.ctx.execute(C.SetCoder, name="carol")
        assert win.statusBar().currentMessage() == _unsaved(path)
        assert _unsaved(path) in [r.getMessage() for r in caplog.records]
    finally:
        win.shutdown()
