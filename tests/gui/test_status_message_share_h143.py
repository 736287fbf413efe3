"""The status bar at a coder's big font: at 20 pt in a 1366-px window the coder, device and model labels and the busy
text took all but 3 px, and a message ("Imported 4 events …") vanished with no "…". The message now keeps a share of
the bar; the labels that can give way end in "…" (whole on hover)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow

from merstudio.gui.look import ElidedLabel
from merstudio.gui.status_bar import BusyIndicator, StatusBar

pytestmark = pytest.mark.gui

MESSAGE = "Imported 4 events from coders.eaf (alice, bob); 0 skipped"


def test_a_message_is_partly_shown_beside_long_permanent_labels(qtbot, big_app_font) -> None:
    win = QMainWindow()
    qtbot.addWidget(win)
    sb = StatusBar(win)
    win.setStatusBar(sb)
    busy = BusyIndicator(win)
    sb.addPermanentWidget(busy)
    labels = [ElidedLabel(text, win) for text in ("coder: demo-coder", "analysis on CPU",
                                                  "starter model: synthetic faces only — not evidence")]
    for label in labels:
        sb.addPermanentWidget(label)
    win.resize(1366, 700)
    win.show()
    qtbot.waitExposed(win)
    busy.set("x", "Exporting events…")
    sb.showMessage(MESSAGE, 60000)
    qtbot.wait(50)
    shown = sb.shown_message()
    fm = sb.fontMetrics()
    # at least a few words of the message are drawn (its first 20 characters' width, whatever the font)
    assert fm.horizontalAdvance(shown.rstrip("…")) >= fm.horizontalAdvance(MESSAGE[:20]), shown
    assert MESSAGE.startswith(shown.rstrip("…"))
    assert sb.currentMessage() == MESSAGE
    # the labels gave way, whole on hover and to a screen reader
    for label in labels:
        assert label.geometry().right() <= sb.width()
        assert label.text() in label.toolTip() or label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
