"""The app's questions with buttons of their own ("Save As… / Discard / Cancel", "Stop / Keep training"): one builder,
so that each is a message box of the same make (the app's title, the question as plain text: it quotes file names
as written) and says which answer was given by a key, not by a button object its caller kept.

A choice is ``(key, label, role)``: ``label`` a text ("Save As…") with the button's role, or a standard button
(``QMessageBox.StandardButton.Cancel``: Qt's own words and Escape), whose role is Qt's. The callers are methods
that tests replace (a modal box hangs a test)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

Role = QMessageBox.ButtonRole
Choice = tuple[str, str | QMessageBox.StandardButton, Role | None]
CANCEL: Choice = ("cancel", QMessageBox.StandardButton.Cancel, None)


def question_box(parent: QWidget | None, text: str, choices: Sequence[Choice],
                 icon: QMessageBox.Icon = QMessageBox.Icon.Question, default: str | None = None,
                 escape: str | None = None) -> tuple[QMessageBox, dict[str, QPushButton]]:
    """The box, not shown, and its buttons by key. ``default``: the key Return answers; ``escape``: the key Escape
    (and closing the box) answers (None: Qt's choice, a Cancel button where there is one)."""
    box = QMessageBox(icon, "merstudio", text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    buttons: dict[str, QPushButton] = {}
    for key, label, role in choices:
        if isinstance(label, QMessageBox.StandardButton):
            buttons[key] = box.addButton(label)
        else:
            buttons[key] = box.addButton(label, role if role is not None else Role.ActionRole)
    if default is not None:
        box.setDefaultButton(buttons[default])
    if escape is not None:
        box.setEscapeButton(buttons[escape])
    return box, buttons


def ask(parent: QWidget | None, text: str, choices: Sequence[Choice],
        icon: QMessageBox.Icon = QMessageBox.Icon.Question, default: str | None = None,
        escape: str | None = None) -> str | None:
    """Ask (modal) and return the key of the button pressed; ``escape``'s (else None) when the box was closed
    without one."""
    box, buttons = question_box(parent, text, choices, icon, default, escape)
    box.exec()
    clicked = box.clickedButton()
    return next((key for key, b in buttons.items() if b is clicked), escape)
