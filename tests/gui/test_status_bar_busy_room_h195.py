"""The status bar's busy text is served before the coder, device and model labels (h195 item 2): shared in
proportion with them, "Opening smile_man.mp4…  ·  Compacting study.merproj…" showed as "… · Compacti…" at 1400 px
beside a starter model's badge. The others give way (elided, whole on hover); the message keeps its share."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from merstudio.gui.status_bar import MESSAGE_SHARE

pytestmark = pytest.mark.gui

BUSY = ("Opening smile_man.mp4…", "Compacting study.merproj…")


def test_both_busy_parts_show_whole_at_1400_px(qtbot, window):
    win = window
    win.resize(1400, 900)
    badge = win.model_note.badge  # as ModelNote.update shows the starter model's
    badge.short = badge.least = "synthetic only — not evidence"
    badge.setText("starter model: synthetic faces only — not evidence")
    badge.setStyleSheet("QLabel { color: white; background: #b35900; padding: 0 6px; }")
    badge.setVisible(True)
    win.coder_label.setText("coder: demo-coder")
    win.device_label.setText("analysis on CPU")
    win.busy.set("video", BUSY[0])
    win.busy.set("compact", BUSY[1])
    label = win.busy.label
    qtbot.waitUntil(lambda: label.isVisible() and label.width() > 20)
    qtbot.wait(50)  # the bar's layout settles (its LayoutRequest shares the room out again)
    assert QLabel.text(label) == "  ·  ".join(BUSY)  # drawn whole, not elided
    sb = win.statusBar()
    assert sb.room() >= MESSAGE_SHARE * sb.width() - 60  # the message keeps its share (less the bar's margins)
