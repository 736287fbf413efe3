"""The re-encode's "Open … now?" comes from gui/questions.ask like the app's other questions (h139): its text is
plain (a file name is shown as written, not read as markup), Return opens, Escape closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from merstudio.io.reencode import ReencodeResult

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("key, opened", [(Qt.Key.Key_Return, True), (Qt.Key.Key_Escape, False)])
def test_open_now_is_a_plain_question_answered_by_key(qtbot, tmp_path, key, opened) -> None:
    from PySide6.QtTest import QTest

    from merstudio.gui import reencode as R

    name = "<b>take 2.avi"  # a legal file name that reads as markup
    res = ReencodeResult(Path(tmp_path / name), frames=72, fps=30.0, fourcc="MJPG", max_keyframe_gap=1,
                         complete=True)
    seen: dict[str, object] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.update(text=box.text(), fmt=box.textFormat(), default=box.defaultButton().text())
        QTest.keyClick(box, key)

    QTimer.singleShot(0, answer)
    assert R.ask_open(None, res, "p.merproj") is opened
    assert seen["fmt"] == Qt.TextFormat.PlainText and f"Open {name} now?" in str(seen["text"])
    assert "p.merproj" in str(seen["text"]) and seen["default"].replace("&", "") == "Open"
