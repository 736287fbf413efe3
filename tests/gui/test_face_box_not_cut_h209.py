"""The face box beside the transport ("0  (600 frames)") in a narrow row: at 960x540 and 12 pt the row shrank it with
the frame label and it showed "0 (600", cut mid-word; the frame label (elided) gives way instead."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtCore import QRect

pytestmark = pytest.mark.gui


def test_the_face_box_keeps_its_text_whole_in_a_narrow_transport(window, video_path, app_pt):
    open_video(window, video_path)
    app_pt(12)
    combo = window.face_combo
    combo.addItem("0  (600 frames)", 0)
    row = combo.parentWidget().layout()
    row.setGeometry(QRect(0, 0, row.minimumSize().width(), row.sizeHint().height()))  # as narrow as it goes
    assert combo.width() >= combo.sizeHint().width(), (combo.width(), combo.sizeHint().width())
    label = window.frame_label
    assert label.width() < label.sizeHint().width()  # the frame label gave way: its time elided
