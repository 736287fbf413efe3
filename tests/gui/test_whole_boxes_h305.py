"""A whole number typed into the app means what the user typed, in every locale (h305): a plain QSpinBox refuses the
`.` key and reads `,` (and the locale's group separator) as thousands, so an event's Onset typed `1.5` became frame 15,
`12.34` frame 1234 and `1,000` frame 1000, under en_US as under de_DE. Every box the app takes a whole number in
(merstudio.gui.numbers.WholeBox) keeps such a text as typed, not a number, and goes back to the value it had before the
edit; digits are the number typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import shown_agreement_dialog, shown_behaviour_dialog, shown_event_dialog
from support.elan_files import tier_values_eaf

pytestmark = pytest.mark.gui

NOT_WHOLE = ["12.34", "1,000", "1.5", "1.000", "1 000"]


def typed(qtbot, box, text: str) -> int:
    """``text`` typed over the box's whole text as a user types it (keys to the box), then taken as Enter or leaving
    the field takes it."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)
    box.interpretText()
    return box.value()


def finetune_dialog(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def tier_dialog(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(tier_values_eaf(tmp_path / "t.eaf", {"Emotion": ("happiness", "surprise")}))
    dlg = TierMapDialog(info, "t.eaf")
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_a_number_with_a_decimal_or_thousands_sign_is_never_a_frame(qtbot, locale):
    dlg = shown_event_dialog(qtbot, 5000)
    for text in NOT_WHOLE:
        assert typed(qtbot, dlg.onset, text) == 10, (text, dlg.onset.text())
        assert dlg.onset.text() == "10"  # shown back as the value it kept
    assert typed(qtbot, dlg.onset, "11") == 11
    # the value it goes back to is the one before the edit, not the `1` read on the way to `1.5`
    assert typed(qtbot, dlg.onset, "1.5") == 11
    ev = dlg.result_event()
    assert (ev.onset, ev.apex, ev.offset) == (11, 12, 15)


def test_the_text_typed_stays_as_typed_until_taken(qtbot, locale):
    dlg = shown_event_dialog(qtbot, 5000)
    dlg.onset.setFocus()
    dlg.onset.lineEdit().selectAll()
    qtbot.keyClicks(dlg.onset, "1.5")
    assert dlg.onset.text() == "1.5"  # the `.` key is not dropped (that made 15)
    # read before it is taken (a Mac's OK clicked leaves the focus in the box): the value it had, not the `1`
    assert dlg.onset.value() == 10
    assert dlg.result_event().onset == 10
    # leaving the field takes it: the value before the edit
    dlg.apex.setFocus()
    dlg.onset.clearFocus()
    dlg.onset.interpretText()
    assert dlg.onset.value() == 10


def test_a_step_then_a_decimal_keeps_the_stepped_value(qtbot, locale):
    dlg = shown_event_dialog(qtbot, 5000)
    dlg.onset.stepBy(3)
    assert typed(qtbot, dlg.onset, "12.34") == 13


def test_every_whole_box_reads_digits_alone(qtbot, tmp_path, locale):
    ev, bh = shown_event_dialog(qtbot, 5000), shown_behaviour_dialog(qtbot, 5000)
    ag = shown_agreement_dialog(qtbot)
    ft, tier = finetune_dialog(qtbot, tmp_path), tier_dialog(qtbot, tmp_path)
    boxes = {"onset": ev.onset, "apex": ev.apex, "offset": ev.offset, "behaviour start": bh.onset,
             "behaviour end": bh.offset, "tolerance": ag.tolerance, "epochs": ft.epochs,
             "min per class": ft.min_per_class, "face": next(iter(tier.face_boxes.values()))}
    for name, box in boxes.items():
        box.setValue(7)
        for text in NOT_WHOLE:
            got = typed(qtbot, box, text)
            assert got == 7, (name, text, got, box.text())
        assert typed(qtbot, box, "42") == 42, (name, box.text())
        assert typed(qtbot, box, "lots") == 42, name
        assert "," not in box.textFromValue(1000) and "." not in box.textFromValue(1000), name


def test_the_tolerance_keeps_its_suffix_and_reads_what_is_typed_before_it(qtbot, locale):
    dlg = shown_agreement_dialog(qtbot)
    tol = dlg.tolerance
    assert tol.text().endswith(" frames")
    assert typed(qtbot, tol, "5") == 5
    assert tol.text() == "5 frames"
    assert typed(qtbot, tol, "2.5") == 5


def test_the_keys_typed_into_the_line_edit_read_the_same(qtbot, locale):
    """As the h300 test types (keys to the line edit itself)."""
    dlg = shown_event_dialog(qtbot, 5000)
    for text in ("12.34", "1,000", "1.5"):
        dlg.onset.setFocus()
        dlg.onset.lineEdit().selectAll()
        qtbot.keyClicks(dlg.onset.lineEdit(), text)
        dlg.onset.interpretText()
        assert dlg.onset.value() == 10, (text, dlg.onset.text())


def test_every_whole_box_of_the_app_is_the_one_that_reads_digits_alone():
    """One home: a plain QSpinBox made anywhere else in the app reads `1.5` as 15 and `1,000` as 1000."""
    gui = Path(__file__).resolve().parents[2] / "merstudio" / "gui"
    plain = [f"{p.name}:{n}" for p in sorted(gui.glob("*.py")) if p.name != "numbers.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "QSpinBox(" in line]
    assert not plain, plain
