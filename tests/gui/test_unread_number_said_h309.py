"""A number box's text that is no value is said, not taken in silence (h309): in the event dialog, Onset typed `1.5`
then Enter accepted the dialog with the old frame (the box went back to it first, then Enter pressed OK), and nothing
told the user. Now the box says so (numbers.WholeBox/DecimalBox.textValid), Enter leaves the text in the box, and the
event and behaviour-event dialogs show one line naming the field and disable OK until the text is a value."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_behaviour_dialog, shown_event_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

pytestmark = pytest.mark.gui


def _ok(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    if text:
        qtbot.keyClicks(box, text)
    else:  # the text deleted
        qtbot.keyClick(box, Qt.Key.Key_Delete)


def test_enter_on_a_decimal_frame_is_said_and_accepts_nothing(qtbot, locale):
    dlg = shown_event_dialog(qtbot, 300)
    accepted = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.onset, "1.5")
    assert dlg.problem.text() == "Onset: 1.5 is not a frame number (0 to 299)"
    assert not _ok(dlg).isEnabled()
    qtbot.keyClick(dlg.onset, Qt.Key.Key_Return)
    assert not accepted and dlg.isVisible()  # the old frame was taken and OK pressed, with no word
    assert dlg.onset.text() == "1.5" and dlg.problem.text().startswith("Onset: 1.5")
    dlg.onset.interpretText()  # leaving the field takes it: the frame before the edit, in sight, and no more said
    assert dlg.onset.text() == "10" and dlg.problem.text() == "" and _ok(dlg).isEnabled()
    _type(qtbot, dlg.onset, "1.5")
    assert not _ok(dlg).isEnabled()
    _type(qtbot, dlg.onset, "11")  # a frame: said no more, OK again, and Enter takes it
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    qtbot.keyClick(dlg.onset, Qt.Key.Key_Return)
    assert accepted and dlg.result_event().onset == 11


def test_the_event_dialog_says_each_box_and_what_comes_first(qtbot, locale):
    dlg = shown_event_dialog(qtbot, 300)
    _type(qtbot, dlg.offset, "")
    assert dlg.problem.text() == "Offset: type a frame number (0 to 299)" and not _ok(dlg).isEnabled()
    _type(qtbot, dlg.offset, "1,000")
    assert dlg.problem.text() == "Offset: 1,000 is not a frame number (0 to 299)"
    _type(qtbot, dlg.offset, "15")
    _type(qtbot, dlg.confidence, "-")
    shown = "0,000 to 1,000" if locale.decimalPoint() == "," else "0.000 to 1.000"  # as the box shows numbers (h311)
    assert dlg.problem.text() == f"Confidence: - is not a number ({shown}, or none)" and not _ok(dlg).isEnabled()
    _type(qtbot, dlg.confidence, "0.5")
    assert dlg.validate() == "" and _ok(dlg).isEnabled()
    # the order check is said as before, once the frames are frames and taken (Enter: h311)
    _type(qtbot, dlg.apex, "20")
    qtbot.keyClick(dlg.apex, Qt.Key.Key_Return)
    assert dlg.problem.text() == "need onset <= apex <= offset"


def test_the_behaviour_event_dialog_says_it_too(qtbot, locale):
    dlg = shown_behaviour_dialog(qtbot, 300)
    accepted = []
    dlg.accepted.connect(lambda: accepted.append(True))
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    _type(qtbot, dlg.offset, "12.5")
    assert dlg.problem.text() == "End frame: 12.5 is not a frame number (0 to 299)" and not _ok(dlg).isEnabled()
    assert dlg.problem.isVisible()
    qtbot.keyClick(dlg.offset, Qt.Key.Key_Return)
    assert not accepted and dlg.offset.text() == "12.5"
    dlg.still_open.setChecked(True)  # an end not used is not asked
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    dlg.still_open.setChecked(False)
    _type(qtbot, dlg.offset, "25")
    qtbot.keyClick(dlg.offset, Qt.Key.Key_Return)
    assert accepted and dlg.changes()["offset"] == 25


def test_a_box_says_when_its_text_is_a_value_again(qtbot, locale):
    from merstudio.gui.numbers import WholeBox

    box = WholeBox(what="frame number")
    qtbot.addWidget(box)
    box.setRange(0, 99)
    box.setValue(5)
    box.show()
    said = []
    box.textValid.connect(said.append)
    _type(qtbot, box, "7.5")
    assert said == [False, False] and not box.text_valid()  # `7.` and `7.5`: each to be said (`7` was a value)
    box.interpretText()  # taken (leaving the field): the value before the edit, and its text a value again
    assert box.value() == 5 and said == [False, False, True]
    _type(qtbot, box, "42")
    assert said == [False, False, True]  # values typed: nothing to say
