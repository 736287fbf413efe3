"""The app's questions with buttons of their own are real message boxes answered as a coder answers them (a click,
Escape, Return): their buttons, default and Escape, and the answer each gives. The tests elsewhere replace these
methods (a modal box hangs a test); here the box is shown and a timer answers it. They held before the questions
shared one builder (gui/questions.py) and hold after it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui]


class Answer:
    """Answers the next modal message box (shown by a timer): records what it showed, then clicks the button whose
    text is ``click``, or presses ``key``."""

    def __init__(self, click: str | None = None, key: Qt.Key | None = None) -> None:
        self.click, self.key = click, key
        self.seen: dict = {}
        QTimer.singleShot(0, self._answer)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):  # not up yet
            QTimer.singleShot(10, self._answer)
            return
        buttons = {b.text().replace("&", ""): box.buttonRole(b) for b in box.buttons()}
        self.seen = {"title": box.windowTitle(), "text": box.text(), "icon": box.icon(), "plain":
                     box.textFormat() == Qt.TextFormat.PlainText, "buttons": buttons,
                     "default": box.defaultButton().text().replace("&", "") if box.defaultButton() else None,
                     "escape": box.escapeButton().text().replace("&", "") if box.escapeButton() else None}
        named = [b for b in box.buttons() if b.text().replace("&", "") == self.click]
        if named:
            named[0].click()
        elif self.key is not None:
            QTest.keyClick(box, self.key)
        else:  # no such button: closed, not left hanging (the test's assertions say what it showed)
            box.done(-1)


def _lost(win, **how) -> tuple[str, dict]:
    a = Answer(**how)
    return win.ask_lost_project("study.merproj was deleted <b>or moved</b> away while open"), a.seen


def test_the_lost_project_question_save_as_discard_cancel(window):
    answer, seen = _lost(window, click="Discard")
    assert answer == "discard"
    assert seen["title"] == "merstudio" and seen["plain"] and seen["icon"] == QMessageBox.Icon.Warning
    assert seen["text"] == "study.merproj was deleted <b>or moved</b> away while open"
    R = QMessageBox.ButtonRole
    assert seen["buttons"] == {"Save As…": R.AcceptRole, "Discard": R.DestructiveRole, "Cancel": R.RejectRole}
    assert seen["default"] == "Save As…"
    assert _lost(window, click="Save As…")[0] == "save"
    assert _lost(window, key=Qt.Key.Key_Escape)[0] == "cancel"
    assert _lost(window, key=Qt.Key.Key_Return)[0] == "save"


def test_the_fine_tuning_stop_question_keeps_training_on_escape_and_return(qtbot, window, tmp_path):
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), window.errors
    window.open_finetune()
    dlg = window.finetune_dialog
    a = Answer(click="Stop")
    assert dlg._ask_stop_question("A fine-tuning is running. Stop it?") is True
    R = QMessageBox.ButtonRole
    assert a.seen["buttons"] == {"Stop": R.DestructiveRole, "Keep training": R.RejectRole}
    assert a.seen["default"] == a.seen["escape"] == "Keep training"
    assert a.seen["title"] == "merstudio" and a.seen["plain"] and a.seen["icon"] == QMessageBox.Icon.Question
    for key in (Qt.Key.Key_Escape, Qt.Key.Key_Return):
        Answer(key=key)
        assert dlg._ask_stop_question("A fine-tuning is running. Stop it?") is False


def test_the_project_beside_question(window, tmp_path):
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), window.errors
    beside = tmp_path / "clip.mp4.merproj"
    a = Answer(click="Add to a.merproj")
    assert window.ask_project_beside("clip.mp4", beside) == "current"
    assert sorted(a.seen["buttons"]) == ["Add to a.merproj", "Cancel", "Open clip.mp4.merproj"]
    assert a.seen["default"] == "Open clip.mp4.merproj"
    Answer(key=Qt.Key.Key_Return)
    assert window.ask_project_beside("clip.mp4", beside) == "beside"
    Answer(key=Qt.Key.Key_Escape)
    assert window.ask_project_beside("clip.mp4", beside) is None


def test_confirm_defaults_to_cancel_and_read_only_opens_on_its_button(window):
    a = Answer(key=Qt.Key.Key_Return)
    assert window.confirm("Re-run <the analysis>?") is False
    assert a.seen["text"] == "Re-run <the analysis>?" and a.seen["plain"]
    assert a.seen["default"] == "Cancel"
    Answer(click="Yes")
    assert window.confirm("Re-run?") is True
    a = Answer(click="Open read-only")
    assert window.ask_read_only("Open it read-only?") is True
    assert sorted(a.seen["buttons"]) == ["Cancel", "Open read-only"]
    Answer(key=Qt.Key.Key_Escape)
    assert window.ask_read_only("Open it read-only?") is False
