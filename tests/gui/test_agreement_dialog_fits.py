"""The agreement dialog at a big font: the coder list shows every coder (up to a few, then scrolls; a fixed 84 px
showed 2 of 5 at 16 pt) and the dialog fits its screen's available height (620 px was taller than a 200%-scaled
laptop's 540)."""

from __future__ import annotations

import pytest

from merstudio.gui.look import TITLE_BAR

pytestmark = pytest.mark.gui

CODERS = ["alice", "bob", "cy_with_a_rather_long_name", "dan", "model"]




def _dialog(qtbot):
    from merstudio.gui.agreement_dialog import AgreementDialog

    def compute(**_kw):
        raise RuntimeError("not computed here")

    dlg = AgreementDialog(compute, CODERS)
    qtbot.addWidget(dlg)
    return dlg


def test_the_coder_list_shows_every_coder_at_a_big_font(qtbot, big_font):
    dlg = _dialog(qtbot)
    dlg.resize(900, 900)
    dlg.show()
    qtbot.waitExposed(dlg)
    lst = dlg.coder_list
    assert lst.viewport().height() >= len(CODERS) * lst.sizeHintForRow(0)


def test_the_dialog_fits_the_available_screen(qtbot, big_font):
    dlg = _dialog(qtbot)
    avail = dlg.screen().availableGeometry()
    dlg.resize(900, avail.height() + 100)  # the test screen is taller than a laptop's: a dialog taller than it
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: avail.contains(dlg.frameGeometry()))  # the whole frame on the screen
    # and it could shrink to a 200%-scaled laptop's 960x540 with a title bar
    assert dlg.minimumSizeHint().height() + TITLE_BAR <= 540
    assert dlg.minimumSizeHint().width() <= avail.width()  # the form's labels go over their fields
