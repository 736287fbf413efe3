"""The class lane's model note ("synthetic only — not evidence") at a coder's big font: it was a fixed 7 pt beside
the lane's class names, which follow the app font (look.small_text). It is now the same small text: 7 pt at the
default 9 pt (as it was), 12.4 pt at 16."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_window
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def _note_line_px(qtbot, qsettings) -> float:
    win = shown_window(qtbot, qsettings)
    try:
        note = win.model_note
        note.item.setText("synthetic only — not evidence", bold=True)  # as ModelNote.update sets it
        item = note.item.item
        return item.boundingRect().height() - 2 * item.document().documentMargin()
    finally:
        win.shutdown()


def _line(pt: float) -> float:
    f = QFont(QApplication.font())
    f.setPointSizeF(pt)
    f.setBold(True)
    return QFontMetricsF(f).height()


def test_the_note_grows_with_the_app_font(qtbot, qsettings, app_pt) -> None:
    app_pt(16.0)
    assert _note_line_px(qtbot, qsettings) >= _line(16.0 * 7 / 9) - 1


def test_the_default_font_keeps_a_7_pt_note(qtbot, qsettings) -> None:
    assert QApplication.font().pointSizeF() == 9.0
    assert _note_line_px(qtbot, qsettings) == pytest.approx(_line(7.0), abs=1)
