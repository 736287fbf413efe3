"""The status bar's message is elided again when its room changes: one shown while the window was still being
laid out (a variable-frame-rate warning on opening a video) ran up to the permanent widgets ("…frame
inde…coder: auditor") so the two read as one."""

from __future__ import annotations

from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStatusBar

from merstudio.gui.status_bar import StatusBar

LONG = ("/tmp/media/vfr.mp4: variable frame rate (frame times are not a constant 20.5714 fps); timestamps come "
        "from each frame's presentation time and random access uses a frame index built when the video opens")


def _window(qtbot, width: int = 900):
    win = QMainWindow()
    qtbot.addWidget(win)
    bar = StatusBar(win)
    win.setStatusBar(bar)
    coder, device = QLabel("", win), QLabel("", win)
    bar.addPermanentWidget(coder)
    bar.addPermanentWidget(device)
    win.resize(width, 300)
    win.show()
    qtbot.waitExposed(win)
    return win, bar, coder, device


def _clear_of(bar: StatusBar, labels: list[QLabel]) -> bool:
    """The drawn message ends before the leftmost shown permanent widget, with a gap."""
    left = min(w.geometry().left() for w in labels if w.isVisible())
    return bar.fontMetrics().horizontalAdvance(bar.shown_message()) + 6 <= left


def test_the_message_is_elided_again_when_the_permanent_widgets_grow(qtbot):
    win, bar, coder, device = _window(qtbot)
    bar.showMessage(LONG)  # the labels are still empty: the message gets nearly the whole bar
    coder.setText("coder: auditor")
    device.setText("analysis on CPU")
    qtbot.waitUntil(lambda: coder.geometry().width() > 20)
    qtbot.waitUntil(lambda: _clear_of(bar, [coder, device]))
    assert bar.shown_message().endswith("…")
    assert bar.currentMessage() == LONG and bar.toolTip() == LONG


def test_the_message_is_elided_again_when_the_window_narrows_or_widens(qtbot):
    win, bar, coder, device = _window(qtbot, 1400)
    coder.setText("coder: auditor")
    device.setText("analysis on CPU")
    qtbot.wait(20)
    bar.showMessage(LONG, 60_000)
    wide = bar.shown_message()
    win.resize(700, 300)
    qtbot.waitUntil(lambda: _clear_of(bar, [coder, device]))
    assert len(bar.shown_message()) < len(wide)
    win.resize(1400, 300)
    qtbot.waitUntil(lambda: bar.shown_message() == wide)  # back to what fits, its timeout running on
    assert bar.currentMessage() == LONG


def test_a_hidden_permanent_widget_gives_its_room_back(qtbot):
    win, bar, coder, device = _window(qtbot)
    coder.setText("coder: auditor")
    device.setText("blind coding, and a long badge beside it")
    qtbot.wait(20)
    bar.showMessage(LONG)
    short = bar.shown_message()
    device.hide()
    qtbot.waitUntil(lambda: len(bar.shown_message()) > len(short))
    assert _clear_of(bar, [coder])


def test_a_menu_status_tip_is_not_drawn_over_when_the_room_changes(qtbot):
    """Qt draws a menu entry's status tip with its C++ showMessage, past StatusBar's: a resize or a longer label
    while the tip was shown put the old message back over it."""
    win, bar, coder, device = _window(qtbot)
    coder.setText("coder: auditor")
    qtbot.wait(20)
    bar.showMessage(LONG)
    QApplication.sendEvent(win, QStatusTipEvent("Open a video file"))  # the pointer on a menu entry
    assert QStatusBar.currentMessage(bar) == "Open a video file"
    coder.setText("coder: someone with a much longer name")
    device.setText("analysis on CPU")
    win.resize(700, 300)
    qtbot.wait(50)
    assert bar.shown_message() == "Open a video file"  # not the old message, fitted again over it
    assert bar.currentMessage() == "Open a video file"  # what is drawn, not the message it replaced
    QApplication.sendEvent(win, QStatusTipEvent(""))  # off the entry: Qt clears the tip
    assert bar.shown_message() == "" == bar.currentMessage()
    bar.showMessage(LONG)  # ours again: fitted as before
    win.resize(600, 300)
    qtbot.waitUntil(lambda: _clear_of(bar, [coder, device]))
    assert bar.currentMessage() == LONG
