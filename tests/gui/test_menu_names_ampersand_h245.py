"""Names the app puts in its menus and buttons are shown as written (h245): Qt reads a lone ``&`` in an item's text as
the mark of its Alt letter, so a coder "R&D" showed in View > Coders shown as "RD" (D underlined), a recent project
"/data/A&B/study.merproj" lost its & and an overlay "a&b" read "ab". ``plain_text.menu_text`` doubles the ``&``."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from merstudio.gui import remembered
from merstudio.gui.plain_text import menu_text
from merstudio.gui.state import CurveBuffer
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _shown(act: QAction) -> str:
    """What the item shows: Qt's text without its Alt marks (``&&`` is one &), and that it has no Alt letter."""
    assert QKeySequence.mnemonic(act.text()).isEmpty(), act.text()
    return act.iconText()


def test_menu_text_round_trips(qapp) -> None:
    for name in ("R&D", "&&", "a & b &", "plain"):
        act = QAction(menu_text(name))
        assert _shown(act) == name


def test_coders_recent_projects_and_overlays_show_names_as_typed(window, video_path: Path, tmp_path: Path) -> None:
    from merstudio.gui import commands as C

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.project.add_events([Event(win.video.id, 10, 12, 15, emotion="positive", coder="R&D")])
    win.coding.reload()
    win.coders_view._build_menu()
    assert "R&D  (1)" in [_shown(a) for a in win.coders_view.menu.actions() if a.isCheckable()]

    path = tmp_path / "A&B" / "study.merproj"
    path.parent.mkdir()
    remembered.add_recent(win, win.qsettings, path)
    win._build_recent_menu()
    assert str(path.resolve()) in [_shown(a) for a in win.recent_menu.actions()[:1]]

    win.timeline.set_overlays({"a&b": CurveBuffer(win.timeline.frame_count or 1)})
    win._build_overlay_menu()
    assert [_shown(a) for a in win.overlay_menu.actions()] == ["a&b"]


def test_project_question_buttons_name_the_projects_as_typed(window, video_path: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    """The buttons of "this video has a project of its own beside it" name the two projects."""
    from merstudio.gui import main_window
    from merstudio.project import Project

    here = tmp_path / "R&D.merproj"
    Project.create(here).close()
    from merstudio.gui import commands as C

    assert window.ctx.execute(C.OpenProject, path=str(here)), window.errors
    asked: list[list[str]] = []

    def fake_ask(parent, text, choices, **kw):
        asked.append([label for _, label, _ in choices if isinstance(label, str)])
        return "cancel"

    monkeypatch.setattr(main_window, "ask", fake_ask)
    window.ask_project_beside("clip.mp4", tmp_path / "Q&A.merproj")
    box = QMessageBox()
    shown = [box.addButton(label, QMessageBox.ButtonRole.ActionRole).text() for label in asked[0]]
    assert [QAction(t).iconText() for t in shown] == ["Open Q&A.merproj", "Add to R&D.merproj"]
    assert all(QKeySequence.mnemonic(t).isEmpty() for t in shown)
