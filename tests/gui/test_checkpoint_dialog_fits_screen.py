"""The checkpoint dialog (Analysis > Load checkpoint, Model in use…) on a 200%-scaled 1920x1080 laptop, 960x540 in
its own pixels: a fixed 640x520 with a title bar was taller than the screen, its buttons off its bottom edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractButton

from merstudio.gui.look import TITLE_BAR

pytestmark = pytest.mark.gui

AVAILABLE = QRect(0, 0, 960, 540)


def test_the_checkpoint_dialog_fits_a_200_percent_screen(qtbot, monkeypatch):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(AVAILABLE))
    meta = {"class_names": ["negative", "positive", "surprise", "none"], "training_data": {"synthetic": True},
            "metrics": {"protocol": "kfold:5", "uf1": 0.5}, "created": "2026-12-06"}
    dlg = CheckpointDialog("/models/starter.pt", meta)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.wait(50)
    frame = dlg.frameGeometry()
    title = TITLE_BAR if frame.height() == dlg.height() else 0  # offscreen windows have no frame
    assert frame.height() + title <= AVAILABLE.height()
    assert AVAILABLE.contains(frame)
    buttons = [b for b in dlg.findChildren(QAbstractButton) if b.isVisible()]  # Use this model, Cancel, …
    assert buttons
    for b in buttons:
        assert dlg.rect().contains(QRect(b.mapTo(dlg, QPoint(0, 0)), b.size())), b.text()
