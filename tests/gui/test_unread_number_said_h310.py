"""Every dialog with a number box says when its text is no value (h310): after h309 Enter on such text stays in the
box, and the frame-rate, agreement, fine-tuning and tier dialogs then did nothing, with no word why. Each now shows
numbers.unread_line() of its boxes in a red line and disables its OK / Recompute / Start button meanwhile, as the
event dialog does (h309); a value typed clears both."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import shown_agreement_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from support.elan_files import tier_values_eaf

pytestmark = pytest.mark.gui


def _type(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)


def _ok(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_frame_rate_dialog_says_a_rate_that_is_none(qtbot):
    from merstudio.gui.video_opening import FolderRateDialog

    dlg = FolderRateDialog(None, types.SimpleNamespace(name="frames", frame_count=300, fps=30.0),
                           assumed=True, analysed=False, events=0)
    qtbot.addWidget(dlg)
    dlg.show()
    accepted = []
    dlg.accepted.connect(lambda: accepted.append(True))
    assert not dlg.problem.isVisible() and _ok(dlg).isEnabled()
    _type(qtbot, dlg.spin, "0.")
    qtbot.keyClick(dlg.spin, Qt.Key.Key_Return)
    assert not accepted
    assert dlg.problem.isVisible() and dlg.problem.text().startswith("Frame rate: ")
    assert "is not a frame rate" in dlg.problem.text() and not _ok(dlg).isEnabled()
    _type(qtbot, dlg.spin, "25")
    assert not dlg.problem.isVisible() and dlg.problem.text() == "" and _ok(dlg).isEnabled()


def test_the_agreement_dialog_says_a_tolerance_or_iou_that_is_none(qtbot):
    dlg = shown_agreement_dialog(qtbot)
    _type(qtbot, dlg.tolerance, "1.5")
    assert dlg.number_problem.isVisible()
    assert dlg.number_problem.text() == "Tolerance: 1.5 is not a number of frames (0 to 1000)"
    assert not dlg.recompute_button.isEnabled()
    _type(qtbot, dlg.tolerance, "3")
    assert not dlg.number_problem.isVisible() and dlg.recompute_button.isEnabled()
    _type(qtbot, dlg.iou, "0.0")  # below its least, 0.05
    assert dlg.number_problem.text().startswith("IoU: ") and not dlg.recompute_button.isEnabled()
    _type(qtbot, dlg.iou, "0.3")
    assert dlg.number_problem.text() == "" and dlg.recompute_button.isEnabled()


@pytest.mark.parametrize("box, label, bad", [("epochs", "Epochs", "1.5"), ("lr", "Learning rate", "0.0"),
                                             ("min_per_class", "Min events per class", "2,5"),
                                             ("fraction", "Hold-out fraction", "0.")])
def test_the_finetune_dialog_says_a_number_that_is_none(qtbot, tmp_path, box, label, bad):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.start_button.isEnabled()
    spin = getattr(dlg, box)
    before = spin.text()
    _type(qtbot, spin, bad)
    assert dlg.number_problem.isVisible() and dlg.number_problem.text().startswith(f"{label}: {bad} is not a ")
    assert not dlg.start_button.isEnabled()
    dlg.update_data()  # the data check passing does not turn Start back on over the text
    assert not dlg.start_button.isEnabled()
    _type(qtbot, spin, before.split(" ")[0])
    assert not dlg.number_problem.isVisible() and dlg.start_button.isEnabled()


def test_the_tier_dialog_says_a_face_that_is_none(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(tier_values_eaf(tmp_path / "t.eaf", {"Emotion": ("happiness",)}))
    dlg = TierMapDialog(info, "t.eaf")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.set_row("Emotion", on=True, coder="ann")
    assert _ok(dlg).isEnabled()
    face = dlg.face_boxes["Emotion"]
    _type(qtbot, face, "1.5")
    assert dlg.problem.isVisible() and dlg.problem.text() == "Face of tier Emotion: 1.5 is not a face number (0 to 999)"
    assert not _ok(dlg).isEnabled()
    dlg.set_row("Emotion", on=False)  # a row left out: its face is not asked
    assert "Face of tier" not in dlg.problem.text()
    dlg.set_row("Emotion", on=True)
    assert not _ok(dlg).isEnabled()
    _type(qtbot, face, "1")
    assert not dlg.problem.isVisible() and _ok(dlg).isEnabled()
