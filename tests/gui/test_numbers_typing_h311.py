"""The number boxes (gui/numbers.py) as a user types in them (h311).

A decimal box's refusal names the values it takes, as the box shows numbers, as a whole-number box's does ("IoU: 0.0
is not a number (0.05 to 1.00)", not "... is not a number" alone).

A value reaches the dialog only once it is taken (Enter, leaving the field, a step): with Qt's keyboard tracking,
`12` typed into the agreement dialog's tolerance computed the report at tolerance 1 first, and `0.35` typed as the
fine-tuning hold-out fraction counted the split at 0.3. The red line still comes as the text is typed, Enter on text
that is no value still stays in the box, and OK clicked or Enter pressed right after a value typed uses that value."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import shown_agreement_dialog, shown_event_dialog
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

pytestmark = pytest.mark.gui


def _type(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)


def _active(qtbot, dlg) -> None:
    """The dialog the active window, so that focus leaving a box (Tab, a click elsewhere) reaches it."""
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=2000)


def _ok(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _in(locale, text: str) -> str:
    """``text`` as a box under ``locale`` shows it (its decimal sign)."""
    return text.replace(".", locale.decimalPoint())


def _counted_agreement(qtbot) -> tuple[object, list[tuple[int, float]]]:
    """The agreement dialog, and the (tolerance, IoU) of each report it computes from now on."""
    dlg = shown_agreement_dialog(qtbot)
    asked: list[tuple[int, float]] = []
    compute = dlg._compute

    def counted(**kw):
        asked.append((kw["tolerance"], kw["iou"]))
        return compute(**kw)

    dlg._compute = counted
    return dlg, asked


# ------------------------------------------------------------------------------------------------ the range said


def test_each_decimal_box_names_its_range_as_it_shows_numbers(qtbot, tmp_path, locale):
    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.gui.video_opening import FolderRateDialog

    rate = FolderRateDialog(None, types.SimpleNamespace(name="frames", frame_count=300, fps=30.0),
                            assumed=True, analysed=False, events=0)
    qtbot.addWidget(rate)
    rate.show()
    _type(qtbot, rate.spin, "0.")  # below its least
    assert rate.problem.text() == _in(locale, "Frame rate: 0. is not a frame rate (0.010 to 10000.000)")

    agree = shown_agreement_dialog(qtbot)
    _type(qtbot, agree.iou, "0.0")
    assert agree.number_problem.text() == _in(locale, "IoU: 0.0 is not a number (0.05 to 1.00)")

    tune = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(tune)
    tune.show()
    _type(qtbot, tune.lr, "1e-")  # the box shows 0.00100: its range as it shows it, not in the CLI's 1e-4 form
    assert tune.number_problem.text() == _in(locale, "Learning rate: 1e- is not a learning rate (0.000000001 to 10.00000)")
    _type(qtbot, tune.lr, "0.001")
    _type(qtbot, tune.fraction, "0.0")
    assert tune.number_problem.text() == _in(locale, "Hold-out fraction: 0.0 is not a fraction (0.05 to 0.90)")

    event = shown_event_dialog(qtbot, 300)
    _type(qtbot, event.confidence, "-")  # its least, -0.01, is shown as "none": the numbers start at 0
    assert event.problem.text() == _in(locale, "Confidence: - is not a number (0.000 to 1.000, or none)")


def test_the_range_is_the_boxes_own(qtbot):
    from merstudio.gui.numbers import DecimalBox, WholeBox

    box = DecimalBox(what="gain")
    qtbot.addWidget(box)
    box.setLocale(QLocale.c())  # numbers as the C locale writes them, whatever the machine's
    box.setDecimals(1)
    box.setRange(0.0, 2000.0)  # never grouped (2,000.0), and the suffix is no part of the number
    box.setSuffix(" x")
    box.lineEdit().selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    assert box.unread_line("Gain") == "Gain: type a gain (0.0 to 2000.0)"
    box.setSpecialValueText("off")  # its least is "off": the numbers from one step above it
    box.lineEdit().selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)  # "off" shown at its least: deleted
    assert box.unread_line("Gain") == "Gain: type a gain (1.0 to 2000.0, or off)"
    whole = WholeBox(what="face number")
    qtbot.addWidget(whole)
    whole.setLocale(QLocale.c())
    whole.setRange(-1, 9)
    whole.setSpecialValueText("any")
    _type(qtbot, whole, "1.5")
    assert whole.unread_line("Face") == "Face: 1.5 is not a face number (0 to 9, or any)"


# --------------------------------------------------------------------------------- a value only once it is taken


def test_twelve_typed_as_the_tolerance_computes_the_report_once_at_twelve(qtbot):
    dlg, asked = _counted_agreement(qtbot)
    _type(qtbot, dlg.tolerance, "12")
    assert asked == []  # not at 1 on the way to 12, nor at 12 before it is taken
    assert dlg.tolerance.value() == 12  # read now (a Mac's click leaves the focus here), it is the value typed
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Return)
    assert asked == [(12, 0.5)] and dlg.isVisible()
    _type(qtbot, dlg.iou, "0.35")
    assert asked == [(12, 0.5)]  # not at 0.3 on the way to 0.35
    qtbot.keyClick(dlg.iou, Qt.Key.Key_Return)
    assert asked == [(12, 0.5), (12, 0.35)]


def test_leaving_the_field_and_each_step_take_the_value(qtbot):
    dlg, asked = _counted_agreement(qtbot)
    _active(qtbot, dlg)
    _type(qtbot, dlg.tolerance, "12")
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Tab)  # leaving the field takes it
    assert not dlg.tolerance.hasFocus() and asked == [(12, 0.5)]
    dlg.tolerance.setFocus()
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Up)  # a whole step: taken at once
    assert asked[-1] == (13, 0.5)
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_PageUp)
    assert asked[-1] == (23, 0.5)
    centre = QPointF(dlg.tolerance.rect().center())
    wheel = QWheelEvent(centre, QPointF(dlg.tolerance.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(dlg.tolerance, wheel)
    assert asked[-1] == (24, 0.5)
    _type(qtbot, dlg.tolerance, "30")  # typed over, then stepped: the step from the value typed, once
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Up)
    assert asked[-1] == (31, 0.5) and (30, 0.5) not in asked and (3, 0.5) not in asked


def test_the_red_line_comes_as_it_is_typed_and_enter_leaves_the_text(qtbot):
    dlg, asked = _counted_agreement(qtbot)
    _type(qtbot, dlg.tolerance, "1.5")
    assert dlg.number_problem.isVisible()  # said while typed, not once taken
    assert dlg.number_problem.text() == "Tolerance: 1.5 is not a number of frames (0 to 1000)"
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Return)
    assert dlg.tolerance.text() == "1.5 frames" and dlg.isVisible() and asked == []  # not the `1` of `1.5`
    _type(qtbot, dlg.tolerance, "7")
    assert not dlg.number_problem.isVisible() and asked == []
    qtbot.keyClick(dlg.tolerance, Qt.Key.Key_Return)
    assert asked == [(7, 0.5)]


def test_text_that_is_none_goes_back_to_the_value_taken_before_it(qtbot):
    from merstudio.gui.numbers import WholeBox

    box = WholeBox(what="frame number")
    qtbot.addWidget(box)
    box.setRange(0, 99)
    box.setValue(5)
    box.show()
    values: list[int] = []
    box.valueChanged.connect(values.append)
    _type(qtbot, box, "42")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert values == [42]
    _type(qtbot, box, "1.5")
    assert box.value() == 42  # read meanwhile: the value before this edit, neither 5 nor the `1` of `1.5`
    box.interpretText()  # taken (leaving the field)
    assert box.value() == 42 and box.text() == "42" and values == [42]


def test_the_hold_out_fraction_is_counted_once_taken(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    counted: list[float] = []
    data_text = dlg._data_text

    def counting():
        counted.append(dlg.fraction.value())
        return data_text()

    dlg._data_text = counting  # update_data's check of the split, at each fraction it is given
    _type(qtbot, dlg.fraction, "0.35")
    assert counted == []  # not at 0.3 on the way
    qtbot.keyClick(dlg.fraction, Qt.Key.Key_Return)
    assert counted == [0.35]


def test_enter_in_a_finetune_number_box_takes_it_and_opens_no_file_dialog(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from merstudio.gui.finetune_dialog import FinetuneDialog

    browsed: list[object] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (browsed.append(a), ("", ""))[1])
    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    started: list[bool] = []
    dlg.start_button.clicked.connect(lambda *_: started.append(True))
    _type(qtbot, dlg.epochs, "20")
    qtbot.keyClick(dlg.epochs, Qt.Key.Key_Return)  # Browse…, the dialog's first button, was pressed
    assert browsed == [] and started == [] and dlg.isVisible() and dlg.epochs.value() == 20
    dlg.close_button.setFocus()  # a button with the focus still takes Enter
    qtbot.keyClick(dlg.close_button, Qt.Key.Key_Return)
    assert not dlg.isVisible()


# -------------------------------------------------------------------------------- OK uses the value typed


def test_ok_right_after_a_frame_typed_uses_it(qtbot):
    dlg = shown_event_dialog(qtbot, 300)
    _active(qtbot, dlg)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.onset, "11")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert accepted and dlg.result_event().onset == 11


def test_enter_right_after_a_confidence_typed_uses_it(qtbot):
    dlg = shown_event_dialog(qtbot, 300)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.confidence, "0.75")
    qtbot.keyClick(dlg.confidence, Qt.Key.Key_Return)
    assert accepted and dlg.result_event().confidence == 0.75


def test_ok_clicked_without_taking_the_focus_uses_the_frames_typed_and_checks_their_order(qtbot):
    # a Mac's OK takes no focus: the box keeps its text untaken while the dialog accepts
    dlg = shown_event_dialog(qtbot, 300)
    _ok(dlg).setFocusPolicy(Qt.FocusPolicy.NoFocus)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.apex, "20")  # after the offset, 15: never checked while typed
    assert _ok(dlg).isEnabled()
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert not accepted and dlg.isVisible() and dlg.problem.text() == "need onset <= apex <= offset"
    _type(qtbot, dlg.apex, "1")  # on the way to 13: still out of order, still said
    assert dlg.problem.text() == "need onset <= apex <= offset" and not _ok(dlg).isEnabled()
    qtbot.keyClicks(dlg.apex, "3")  # in order: said no more, and OK on for the click that takes it
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert accepted and dlg.result_event().apex == 13


def test_ok_clicked_after_frames_typed_out_of_order_takes_them_and_says_so(qtbot):
    dlg = shown_event_dialog(qtbot, 300)
    _active(qtbot, dlg)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.offset, "11")  # before the apex, 12
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)  # the click takes the focus, and the frame with it
    assert not accepted and dlg.offset.value() == 11 and dlg.problem.text() == "need onset <= apex <= offset"
    assert not _ok(dlg).isEnabled()


def test_the_frame_rate_typed_is_the_one_chosen(qtbot):
    from merstudio.gui.video_opening import FolderRateDialog

    dlg = FolderRateDialog(None, types.SimpleNamespace(name="frames", frame_count=300, fps=30.0),
                           assumed=True, analysed=False, events=0)
    qtbot.addWidget(dlg)
    dlg.show()
    _ok(dlg).setFocusPolicy(Qt.FocusPolicy.NoFocus)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.spin, "29.97")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert accepted and dlg.spin.value() == pytest.approx(29.97)
