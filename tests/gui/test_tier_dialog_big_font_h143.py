"""The ELAN tier-mapping dialog at a coder's big system font: a fixed 860 x (200 + 32 px a row) showed half a row at a
16-pt font (the Coder and Holds columns off to the right, the intro cut) and no row at all at 20 pt."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea
from support.elan_files import tier_values_eaf

from merstudio.gui.tier_dialog import TierMapDialog
from merstudio.interchange.eaf import foreign_tiers

pytestmark = pytest.mark.gui

TIERS = {"Emotion": ("happiness", "surprise"), "AUs": ("6+12", "1+2"),
         "Gaze direction of the participant": ("away", "down"), "Onset/Apex": ("o", "a")}


def test_every_row_and_the_whole_intro_show_at_a_big_font(qtbot, tmp_path: Path, big_app_font) -> None:
    info = foreign_tiers(tier_values_eaf(tmp_path / "t.eaf", TIERS))
    dlg = TierMapDialog(info, "t.eaf")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    scroll = dlg.findChild(QScrollArea)
    table = scroll.widget()
    # every row's full height is inside the scroll area's view (no vertical scrolling needed)
    assert scroll.viewport().height() >= table.sizeHint().height()
    for _box, _name, kind in dlg.rows.values():
        bottom = kind.mapTo(table, kind.rect().bottomLeft()).y()
        assert bottom < scroll.viewport().height()
    # the intro has the height its wrapped lines need at its width
    assert dlg.head.height() >= dlg.head.heightForWidth(dlg.head.width())
    # the dialog is no wider than the screen; what does not fit scrolls sideways
    assert dlg.frameGeometry().width() <= dlg.screen().availableGeometry().width()
