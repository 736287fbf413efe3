"""The last texts built from a user's name as an action, check box or button (after h245's menus): a behaviour
"R&D" with a key read "Code RD" (Help > Keyboard shortcuts lists the action's text), an ELAN tier "R&D" showed "RD"
with D underlined in Map ELAN tiers, and the project-beside question's button read "Open RD.merproj"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence
from test_tier_dialog_long_names import _eaf

from merstudio.gui import commands as C
from merstudio.gui import session as session_module
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


def _shown(text: str) -> str:
    """What Qt shows for an item's text, asserting it has no Alt letter ("&&" is one &)."""
    assert QKeySequence.mnemonic(text).isEmpty(), text
    return QAction(text).iconText()


def test_a_behaviours_key_action_names_it_as_written(window, video_path: Path) -> None:
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    window.behaviours.add(Behaviour("R&D", key="1", kind="point"))
    assert [_shown(a.text()) for a in window.behaviours.key_actions] == ["Code R&D"]


def test_an_elan_tier_named_with_an_ampersand_shows_as_written(qtbot, tmp_path: Path) -> None:
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    dlg = TierMapDialog(foreign_tiers(_eaf(tmp_path / "t.eaf", {"R&amp;D": "happiness"}, author="Dana")), "t.eaf")
    qtbot.addWidget(dlg)
    box = dlg.rows["R&D"][0]
    assert _shown(box.text()) == "R&D"


def test_the_earlier_project_button_names_it_as_written(window, video_path: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.gui.session import Earlier

    asked: list[list[str]] = []
    monkeypatch.setattr(session_module, "ask", lambda parent, text, choices, **k: asked.append(
        [c[1] for c in choices]) or "cancel")
    earlier = Earlier(tmp_path / "R&D.merproj", name=video_path.name, stored=str(video_path), events=1, here=False,
                      alone=True)
    window.session.ask_earlier_project(video_path, tmp_path / "new.merproj", earlier)
    assert _shown(asked[0][0]) == "Open R&D.merproj"
