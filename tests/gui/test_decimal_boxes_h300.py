"""A decimal typed into the app means what the user typed, in every locale (a111 finding 1): under a German locale
(decimal comma, `.` groups thousands) the event dialog's Confidence read `0.8` as 0 and `.75` as "none", the
frame-folder rate dialog read `29.97` as 2997 fps and accepted it, the agreement IoU and the fine-tuning fraction and
learning rate kept their old values; under en_US `0,8` was 0. Every box the app takes a decimal in
(merstudio.gui.numbers.DecimalBox) takes `.` and `,` as the decimal sign, shows the locale's, never groups thousands
and refuses what is not a number (the box keeps its value)."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from gui_fixtures import shown_agreement_dialog

from merstudio.project import Event

pytestmark = pytest.mark.gui



def typed(qtbot, box, text: str) -> float:
    """``text`` typed over the box's whole text, then taken as Enter or leaving the field takes it."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    box.interpretText()
    return box.value()


def event_dialog(qtbot):
    from merstudio.gui.dialogs import EventDialog

    dlg = EventDialog(Event(video_id=1, onset=10, apex=12, offset=15, coder="Zoë", confidence=0.5), 600)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def rate_dialog(qtbot):
    from merstudio.gui.video_opening import FolderRateDialog

    video = types.SimpleNamespace(name="frames", frame_count=300, fps=30.0)
    dlg = FolderRateDialog(None, video, assumed=True, analysed=False, events=0)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


@pytest.mark.parametrize("text, value", [("0.8", 0.8), ("0,8", 0.8), (".75", 0.75), (",75", 0.75), ("1", 1.0),
                                         ("-0.01", None)])
def test_the_event_confidence_is_the_number_typed(qtbot, locale, text, value):
    dlg = event_dialog(qtbot)
    typed(qtbot, dlg.confidence, text)
    assert dlg.result_event().confidence == value, (text, dlg.confidence.text())


@pytest.mark.parametrize("text", ["abc", "e", "-", "--"])
def test_what_is_not_a_confidence_keeps_the_one_it_had(qtbot, locale, text):
    dlg = event_dialog(qtbot)
    typed(qtbot, dlg.confidence, text)
    assert dlg.result_event().confidence == 0.5, (text, dlg.confidence.text())


@pytest.mark.parametrize("text", ["29.97", "29,97"])
def test_a_frame_rate_typed_with_a_point_or_a_comma_is_that_rate(qtbot, locale, text):
    dlg = rate_dialog(qtbot)
    assert typed(qtbot, dlg.spin, text) == pytest.approx(29.97)
    # shown with the locale's decimal sign, never as thousands
    point = locale.decimalPoint()
    assert dlg.spin.text() == f"29{point}970 fps"


def test_a_frame_rate_is_shown_without_grouping_and_garbage_keeps_it(qtbot, locale):
    dlg = rate_dialog(qtbot)
    assert typed(qtbot, dlg.spin, "10000") == 10_000.0
    assert re.fullmatch(r"10000[.,]000 fps", dlg.spin.text()), dlg.spin.text()  # not 10.000,000 nor 10,000.000
    assert typed(qtbot, dlg.spin, "fast") == 10_000.0
    # one more digit than the box holds is refused as typed: 2997 never comes from 29.97
    assert typed(qtbot, dlg.spin, "29.9705") == pytest.approx(29.97)


@pytest.mark.parametrize("text", ["0.3", "0,3"])
def test_the_agreement_iou_is_the_number_typed(qtbot, locale, text):
    dlg = shown_agreement_dialog(qtbot)
    assert dlg.iou.value() == 0.5
    assert typed(qtbot, dlg.iou, text) == pytest.approx(0.3)


@pytest.mark.parametrize("box, text, value", [("fraction", "0.2", 0.2), ("fraction", "0,2", 0.2),
                                              ("lr", "0.0005", 0.0005), ("lr", "0,0005", 0.0005),
                                              ("lr", "1e-4", 1e-4), ("lr", "5E-4", 5e-4)])
def test_the_finetune_fraction_and_learning_rate_are_the_numbers_typed(qtbot, tmp_path, locale, box, text, value):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    spin = getattr(dlg, box)
    assert typed(qtbot, spin, text) == pytest.approx(value)
    before = spin.value()
    assert typed(qtbot, spin, "lots") == before


@pytest.mark.parametrize("text", ["1e-10", "1e-12", "1e-", "0.5e-9", "5e-11"])  # below the least, 1e-9 (h328)
def test_a_learning_rate_left_short_of_a_value_goes_back_to_the_one_before(qtbot, tmp_path, locale, text):
    """a113: `1e-6` (below the box's least then) was taken as the `1` read on the way to it: a learning rate of 1.0."""
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    before = dlg.lr.value()
    assert before < 0.1
    dlg.lr.setFocus()
    dlg.lr.lineEdit().selectAll()
    qtbot.keyClicks(dlg.lr.lineEdit(), text)
    assert dlg.lr.value() == before  # read before the text is taken (a Mac's OK with the focus in the box)
    dlg.lr.interpretText()
    assert dlg.lr.value() == before


def test_every_decimal_box_of_the_app_is_the_one_that_reads_both_signs():
    """One home: a plain QDoubleSpinBox made anywhere else in the app reads `29.97` as 2997 under a German locale."""
    gui = Path(__file__).resolve().parents[2] / "merstudio" / "gui"
    plain = [f"{p.name}:{n}" for p in sorted(gui.glob("*.py")) if p.name != "numbers.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "QDoubleSpinBox(" in line]
    assert not plain, plain
