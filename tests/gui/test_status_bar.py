"""The status bar elides a message too long for the room beside its permanent widgets (Qt cuts it mid-word under
them); the whole text stays in currentMessage() and on hover."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from merstudio.gui.status_bar import StatusBar


def test_a_long_message_is_elided_before_the_permanent_widgets(qtbot):
    win = QMainWindow()
    qtbot.addWidget(win)
    bar = StatusBar(win)
    win.setStatusBar(bar)
    badge = QLabel("coder: demo-coder   analysis on CPU", win)
    bar.addPermanentWidget(badge)
    win.resize(500, 200)
    win.show()
    qtbot.waitExposed(win)
    long = "Analysis complete, 6 proposals: face 0: AU 4+12+25 present in over 90% of its frames, likely this " \
           "person's resting face: calibrate on their neutral frames"
    bar.showMessage(long, 5000)
    shown = bar.shown_message()
    assert shown != long and shown.endswith("…") and long.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= badge.geometry().left()
    assert bar.currentMessage() == long and bar.toolTip() == long
    bar.showMessage("Saved", 5000)  # a short one is drawn whole
    assert bar.shown_message() == bar.currentMessage() == "Saved"
    bar.clearMessage()
    assert bar.currentMessage() == ""
