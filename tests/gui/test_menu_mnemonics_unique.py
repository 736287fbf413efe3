"""Menu mnemonics a keyboard-only coder can use: in each top menu no letter is underlined twice (Analysis had C
three times, F and M twice each: pressing C only moved between them), Playback and View have them (they had none),
and Edit > Set subject of this video… names the person a video shows without the Videos list's right-click. Real
key presses: Alt+letter opens the menu, the letter picks the item."""

from __future__ import annotations

import collections

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _mnemonic(text: str) -> str:
    """The letter Qt underlines ('' for none): the character after a single '&'."""
    return QKeySequence.mnemonic(text).toString().replace("Alt+", "").lower()


def test_no_top_menu_underlines_a_letter_twice(window):
    for top in window.menuBar().actions():
        menu = top.menu()
        menu.aboutToShow.emit()  # the menus built as they open
        items = [a for a in menu.actions() if not a.isSeparator()]
        by_key = collections.defaultdict(list)
        for a in items:
            if _mnemonic(a.text()):
                by_key[_mnemonic(a.text())].append(a.text())
        assert {k: v for k, v in by_key.items() if len(v) > 1} == {}, top.text()
        if top.text() in ("&Playback", "&View"):  # every item but a few (29 and 23 items: not 26 letters each)
            assert sum(map(len, by_key.values())) >= len(items) - 6, (top.text(), [a.text() for a in items])


def _menu_key(qtbot, win, menu_letter, item_letter) -> None:
    """Alt+menu_letter opens the top menu; item_letter picks its item."""
    win.activateWindow()
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(win, menu_letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), item_letter)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def test_alt_a_then_j_toggles_judge_covers(qtbot, window):
    win = window
    on = win.analysis.covers
    _menu_key(qtbot, win, Qt.Key.Key_A, Qt.Key.Key_J)
    assert win.analysis.covers is (not on) and win.covers_action.isChecked() is (not on)


def test_edit_set_subject_names_the_person_of_the_current_video(qtbot, window, video_path, monkeypatch):
    from merstudio.project.subjects import subjects

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    asked = []

    def answer(parent, title, label, text=""):
        asked.append(label)
        return "P07", True

    monkeypatch.setattr(C.QInputDialog, "getText", answer)
    _menu_key(qtbot, win, Qt.Key.Key_E, Qt.Key.Key_S)
    assert asked and video_path.name in asked[0]
    assert subjects(win.project) == {win.video.id: "P07"}
    assert "subject P07" in win.video_list.item(0).text()
