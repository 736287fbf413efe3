"""Every menu of the main window can be worked from the keyboard (h243, docs/gui.md "Keys"): each item has an
underlined letter (an ``&`` mnemonic), none used twice in one menu, the menu bar's titles too. About 35 items had
none (File > Export's ten, Analysis > Faces per frame, Turn video and Neutral frames, Blind coding, Re-encode
video, View's AUs relative to neutral, Coders shown, Next / Previous video...). The lists the app fills (recent
projects, overlay curves, coders shown) name files, tables and people: left out."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

pytestmark = pytest.mark.gui


def _letter(text: str) -> str:
    """The item's mnemonic letter, lower case ('' for none): Qt's own reading of ``&`` (``&&`` is a plain &)."""
    return QKeySequence.mnemonic(text).toString().removeprefix("Alt+").lower()


def _problems(menu: QMenu, where: str, lists: set[int]) -> list[str]:
    out: list[str] = []
    seen: dict[str, str] = {}
    for act in menu.actions():
        if act.isSeparator():
            continue
        text, sub = act.text(), act.menu()
        letter = _letter(text)
        if not letter:
            out.append(f"{where} > {text!r}: no mnemonic")
        elif letter in seen:
            out.append(f"{where}: {text!r} and {seen[letter]!r} both use {letter!r}")
        else:
            seen[letter] = text
        if sub is not None and id(sub) not in lists:
            out += _problems(sub, f"{where} > {text}", lists)
    return out


def test_every_menu_item_has_its_own_mnemonic(window) -> None:
    lists = {id(window.recent_menu), id(window.overlay_menu), id(window.coders_view.menu)}
    bar = window.menuBar()
    problems = _problems(bar, "menu bar", lists)  # the titles, then each menu's items, submenus in them
    assert not problems, "\n".join(problems)
    titles = [a.text() for a in bar.actions()]
    assert len(titles) == 7 and all(_letter(t) for t in titles)
    # the walk reached the submenus that lacked letters
    texts = {a.text() for m in window.findChildren(QMenu) for a in m.actions()}
    assert {"&Per-frame CSV…", "Code&rs shown", "&90° clockwise"} <= texts, sorted(texts)
