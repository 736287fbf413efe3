"""The window keeps its menu bar's menus (win.menus) and its parts add to them from there, never by looking a menu up
again through QAction.menu(): before PySide6 6.11.2 that hands back a dead wrapper of a menu made as a local, and
`merstudio gui` crashed at start ("Internal C++ object (PySide6.QtWidgets.QMenu) already deleted"; h291, a107
finding 1). Here QAction.menu() is made to fail as it did there, while the window is built."""

from __future__ import annotations

from gui_fixtures import shown_window
from PySide6.QtGui import QAction


def _plain(actions: list[QAction]) -> list[str]:
    return [a.text().replace("&", "") for a in actions]


def test_window_builds_without_qaction_menu_and_keeps_its_menus(qtbot, qsettings, fake_analysis, monkeypatch):
    def dead(self: QAction) -> None:
        raise RuntimeError("Internal C++ object (PySide6.QtWidgets.QMenu) already deleted.")

    monkeypatch.setattr(QAction, "menu", dead)
    win = shown_window(qtbot, qsettings)
    try:
        monkeypatch.undo()
        assert list(win.menus) == ["file", "edit", "coding", "playback", "analysis", "view", "help"]
        bar = [a.menu() for a in win.menuBar().actions()]
        assert bar == list(win.menus.values())  # the same menus as the bar shows, in its order
        coding = _plain(win.menus["coding"].actions())
        assert "Blind coding (hide others' codes and the model's)" in coding  # coders.py
        assert "Behaviours… (your own tiers and keys)" in coding  # behaviours.py
        view = _plain(win.menus["view"].actions())
        assert "Coders shown" in view and "Behaviours" in view
        assert "Model in use… (what it was trained on)" in _plain(win.menus["analysis"].actions())  # checkpoint_dialog
    finally:
        win.shutdown()
