"""Numbers typed into the app mean what the user typed, in every locale: the one spin box every dialog takes a decimal
in (a confidence, a frame rate, an IoU, a learning rate, a fraction), and the one it takes a whole number in (a frame,
a tolerance, epochs, a face).

A plain QDoubleSpinBox reads its text by the system locale: under a German, Portuguese or Turkish locale `.` is the
thousands separator, so the CLI's and the docs' `29.97` became 2997 fps (accepted) and `0.8` a confidence of 0; under
en_US `0,8` became 0 (a111). These values are never in the thousands with grouping, so both `.` and `,` are the decimal
sign here.

A plain QSpinBox refuses the `.` key and reads `,` (or the locale's group separator) as a thousands separator, in every
locale: a frame typed `1.5` became frame 15, `12.34` 1234 and `1,000` 1000 (h305). No whole number here is in the
thousands with grouping, so WholeBox takes digits alone: a decimal sign or a separator keeps the text as typed but not
a number, and the box goes back to the value it had before the edit.

Text in either box that is no value (`1.5` for a frame) is said while it is there, not taken in silence (h309): the box
emits textValid(False), and Enter leaves it in the box instead of taking the old value and pressing the dialog's OK;
a dialog shows unread_line() of its boxes and disables OK meanwhile (the event and behaviour-event dialogs).

A value reaches the dialog (valueChanged) only once it is taken: Enter, leaving the field, a step (the arrows, the
wheel, PageUp), never a prefix on the way to it (h311): with Qt's keyboard tracking, `12` typed into the agreement
dialog's tolerance computed the whole report at 1 first. value() read before the text is taken (OK clicked on a Mac,
where the button takes no focus) is the value typed, so OK never uses the one before the edit."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget

# a number as typed, once read into ASCII (_plain): sign, digits, a decimal sign, digits, an exponent (`1e-4`, the
# CLI's --lr form)
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:e([+-]?)([0-9]*))?", re.ASCII)
DECIMAL_SIGNS = ".,\u066b"  # point, comma, the Arabic decimal separator: each read as the decimal sign
MINUS_SIGNS = "-\u2212"  # hyphen-minus, the minus sign (a locale's negativeSign may be either)
# what some locale writes between thousands (point, comma, apostrophes, spaces): in a whole number, never a digit's place
GROUP_SIGNS = DECIMAL_SIGNS + "'\u2019 \u00a0\u202f\u066c"
_WHOLE = re.compile(r"([+-]?)([0-9]*)", re.ASCII)
EXPONENT_DIGITS = 6  # a box that takes `1e-4` (a learning rate) keeps its value to 6 significant digits,
EXPONENT_DECIMALS = 15  # at the 15 decimals Qt rounds it to: down to 1e-9


class _Typed:
    """What a spin box of this module reads of its text (QAbstractSpinBox's prefix(), suffix(), locale())."""

    prefix: Callable[[], str]
    suffix: Callable[[], str]
    locale: Callable[[], QLocale]

    def _body(self, text: str) -> tuple[str, int, int]:
        """``text`` without the prefix and suffix (as QAbstractSpinBox strips them), trimmed, and where that body
        starts and ends in ``text``."""
        start, end = 0, len(text)
        prefix, suffix = self.prefix(), self.suffix()
        if prefix and text.startswith(prefix):
            start = len(prefix)
        if suffix and text.endswith(suffix) and end - len(suffix) >= start:
            end -= len(suffix)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return text[start:end], start, end

    def _plain(self, body: str) -> str:
        """The body in ASCII as Python reads a float: any decimal sign `.`, a locale's minus `-`, its digits 0-9."""
        loc = self.locale()
        point, minus, plus, exp = loc.decimalPoint(), loc.negativeSign(), loc.positiveSign(), loc.exponential()
        out = []
        for ch in body:
            if ch in DECIMAL_SIGNS or ch == point:
                out.append(".")
            elif ch in MINUS_SIGNS or ch == minus:
                out.append("-")
            elif ch == plus:
                out.append("+")
            elif ch in "eE" or ch == exp:
                out.append("e")
            else:
                digit = unicodedata.decimal(ch, None)
                out.append(str(digit) if digit is not None else ch)
        return "".join(out)



class _KeepsValue(_Typed):
    """A spin box whose text, once taken (leaving the field, interpretText; Enter leaves it, to be said), that is no
    value of the box goes back to the value before the edit: Qt keeps the last value read while typing, the `1` of
    `1.5` or of `1e-6`."""

    _read: Callable[[str], tuple[QValidator.State, float | None]]
    textFromValue: Callable[..., str]
    textValid: Any  # each box's Signal(bool)
    what: str  # what a value of the box is, as unread_line says it ("frame number")

    def _keep_values(self) -> None:
        box: Any = self
        box.setKeyboardTracking(False)  # valueChanged for the value taken, never for `1` on the way to `12` (h311)
        self._kept = box.value()  # the value before the text being typed: where a text that is none goes back to
        self._typing = False  # keys typed (or a paste) since the text was last taken
        self._valid = True
        # textEdited (the user's edits alone) comes before the textChanged QAbstractSpinBox reads a value from
        box.lineEdit().textEdited.connect(self._typed)
        box.lineEdit().textChanged.connect(self._text_changed)
        box.valueChanged.connect(self._keep)
        box.editingFinished.connect(self._taken)

    def text_valid(self) -> bool:
        """Whether the box's text is a value of it (False: `1.5` typed for a frame, nothing, a number out of range)."""
        box: Any = self
        return self._read(box.lineEdit().displayText())[1] is not None

    def unread_line(self, label: str) -> str:
        """One line naming the field (``label``) and its text that is no value, "" where the text is one."""
        if self.text_valid():
            return ""
        box: Any = self
        body = self._body(box.lineEdit().displayText())[0]
        said = f"{body} is not a {self.what}" if body else f"type a {self.what}"
        return f"{label}: {said}{self._range_note()}"

    def _range_note(self) -> str:
        """The values the box takes, written as it shows them: " (0.05 to 1.00)"; its special value text (the least
        value's) beside the numbers: " (0.000 to 1.000, or none)"."""
        box: Any = self
        low, high, special = box.minimum(), box.maximum(), box.specialValueText()
        if not special:
            return f" ({box.textFromValue(low)} to {box.textFromValue(high)})"
        # the special value is a notch below the numbers (a confidence's none at -0.01, steps of 0.05): they start at
        # the first step above it (0), not at -0.009
        step = box.singleStep()
        first = min(high, (math.floor(round(low / step, 9)) + 1) * step) if step > 0 else high
        return f" ({box.textFromValue(first)} to {box.textFromValue(high)}, or {special})"

    def _text_changed(self, _text: str) -> None:
        # each text that is no value (what is said names it: `1.` then `1.5`), and the first that is one again
        valid = self.text_valid()
        if not valid or not self._valid:
            self._valid = valid
            self.textValid.emit(valid)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Enter on text that is no value: left in the box, said (textValid), and not passed on to the dialog, whose
        # OK took the old value with no word (the box went back to it first)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._typing and not self.text_valid():
            event.accept()
            return
        super().keyPressEvent(event)  # type: ignore[misc]

    def _typed(self, _text: str) -> None:
        self._typing = True

    def _keep(self, value: float) -> None:
        # a value set or stepped is kept; one read from a prefix as it is typed ('1' of '1.5') is not
        if not self._typing:
            self._kept = value
        self._text_changed("")  # Qt shows a value's text with the line edit's signals blocked

    def _taken(self) -> None:
        """The text was taken (Enter, leaving the field, interpretText, a step): its value is the one kept now."""
        self._typing = False
        self._kept = self.value()
        self._text_changed("")  # the text gone back to the value before the edit: a value again

    def _back_to_kept(self, text: str) -> str:
        if self._read(text)[1] is None and self._typing:
            return self.textFromValue(self._kept)
        return text

    def interpretText(self) -> None:
        super().interpretText()  # type: ignore[misc]
        self._taken()

    def value(self) -> Any:
        # read before the text is taken (a Mac's OK clicked leaves the focus in the box): the value it will have, the
        # one typed (without keyboard tracking Qt's is still the one before the edit) or, text that is none, that one
        box: Any = self
        if getattr(self, "_typing", False):
            typed = self._read(box.lineEdit().displayText())[1]
            return self._kept if typed is None else typed
        return super().value()  # type: ignore[misc]

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)  # type: ignore[misc]
        self._taken()

class DecimalBox(_KeepsValue, QDoubleSpinBox):
    """A QDoubleSpinBox that shows the locale's decimal sign and never groups thousands, and takes `.` or `,` typed
    (or pasted) as the decimal sign; with ``exponent`` also `1e-4` (a learning rate as the CLI takes it). What is not
    a number is refused as it is typed, so the box keeps its value: it is never read as 0 or as thousands; a text
    left short of a value of the box (`1e-6` below its least, `1e-`) goes back to the value before the edit, not the
    `1` read on the way to it. Range,
    decimals, step, prefix, suffix and special value text are set as on a QDoubleSpinBox; an ``exponent`` box shows
    at least its decimals and more where its value has them (1.5e-5 typed: 0.000015, never 0.00002)."""

    textValid = Signal(bool)  # each text typed that is no value (False), and the first that is one again (True)

    def __init__(self, parent: QWidget | None = None, *, exponent: bool = False, what: str = "number") -> None:
        super().__init__(parent)
        self.exponent = exponent
        self.what = what
        self.setGroupSeparatorShown(False)
        if exponent:
            self.setDecimals(self.decimals())
        self._keep_values()

    def setDecimals(self, prec: int) -> None:  # noqa: N802 - Qt's name
        # An exponent box shows at least `prec` decimals and keeps its value to EXPONENT_DIGITS significant digits:
        # Qt rounds each value to decimals(), and 5 ran the 1.5e-5 typed, and still shown, as 2e-05 (a114, h314).
        self._shown_decimals = prec
        super().setDecimals(EXPONENT_DECIMALS if self.exponent else prec)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        if not self.exponent:
            return super().textFromValue(value)
        exp = Decimal(f"{value:.{EXPONENT_DIGITS}g}").normalize().as_tuple().exponent  # 1.5e-5: -6
        places = max(self._shown_decimals, -exp if isinstance(exp, int) else 0)  # 0.00100, 0.000015
        return f"{value:.{places}f}".replace(".", self.locale().decimalPoint())

    def _read(self, text: str) -> tuple[QValidator.State, float | None]:
        """How far ``text`` is from a value of this box, and the value (rounded to its decimals, an exponent box's to
        significant digits) when it is one."""
        special = self.specialValueText()
        if special and text == special:
            return QValidator.State.Acceptable, self.minimum()
        body = self._plain(self._body(text)[0])
        m = _NUMBER.fullmatch(body)
        if m is None:
            return QValidator.State.Invalid, None
        sign, whole, frac, _exp_sign, exp_digits = m.groups()
        has_exp = m.group(4) is not None
        if has_exp and not self.exponent:
            return QValidator.State.Invalid, None
        if sign == "-" and self.minimum() >= 0:
            return QValidator.State.Invalid, None
        if not whole and not frac:
            # '', '-', '.': on the way to a number; 'e5' never is
            return (QValidator.State.Invalid if has_exp else QValidator.State.Intermediate), None
        if has_exp and not exp_digits:
            return QValidator.State.Intermediate, None  # '1e', '1e-'
        if not has_exp and frac is not None and len(frac) > self.decimals():
            return QValidator.State.Invalid, None  # more decimals than the box holds: refused, as Qt does
        value = float(body)
        if not math.isfinite(value):
            return QValidator.State.Invalid, None
        # the value as the box shows and keeps it (an exponent box's to significant digits: setDecimals)
        value = float(f"{value:.{EXPONENT_DIGITS}g}") if self.exponent else round(value, self.decimals())
        if value > self.maximum():
            # refused as typed (more digits only make it larger), unless an exponent may still bring it down: 1.5e-5
            return (QValidator.State.Intermediate if self.exponent else QValidator.State.Invalid), None
        if value < self.minimum():
            return QValidator.State.Intermediate, None  # '0' on the way to '0.3'
        return QValidator.State.Acceptable, value

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state, _value = self._read(text)
        if state != QValidator.State.Invalid:
            # the decimal sign typed shows as the locale's (one character for one: the cursor stays where it was)
            point = self.locale().decimalPoint()
            if len(point) == 1 and not (self.specialValueText() and text == self.specialValueText()):
                _body, start, end = self._body(text)
                text = text[:start] + "".join(point if c in DECIMAL_SIGNS else c for c in text[start:end]) + text[end:]
        return state, text, pos

    def valueFromText(self, text: str) -> float:
        _state, value = self._read(text)
        return self.value() if value is None else value

    def fixup(self, text: str) -> str:
        # QDoubleSpinBox.fixup drops the locale's group separator: under de_DE that is the `.` typed as a decimal sign
        return self._back_to_kept(text)


class WholeBox(_KeepsValue, QSpinBox):
    """A QSpinBox that never groups thousands and reads digits alone (the locale's or 0-9): `1.5`, `12.34` and
    `1,000` stay in the box as typed, not a number (said: textValid, unread_line; Enter leaves them there), and once
    taken (leaving the field) the box has the value it had before the edit, never 15, 1234 or 1000. Range, step,
    prefix, suffix and special value text are set as on a QSpinBox."""

    textValid = Signal(bool)  # each text typed that is no value (False), and the first that is one again (True)

    def __init__(self, parent: QWidget | None = None, *, what: str = "whole number") -> None:
        super().__init__(parent)
        self.what = what
        self.setGroupSeparatorShown(False)
        self._keep_values()

    def _read(self, text: str) -> tuple[QValidator.State, int | None]:
        """How far ``text`` is from a value of this box, and the value when it is one."""
        special = self.specialValueText()
        if special and text == special:
            return QValidator.State.Acceptable, self.minimum()
        body = self._plain(self._body(text)[0])
        m = _WHOLE.fullmatch(body)
        if m is None:
            loc = self.locale()
            signs = GROUP_SIGNS + loc.groupSeparator() + loc.decimalPoint()
            if _WHOLE.fullmatch("".join(c for c in body if c not in signs)) and any(c in signs for c in body):
                # a decimal or thousands typed: shown as typed, never read (refusing the `.` key made 1.5 read 15)
                return QValidator.State.Intermediate, None
            return QValidator.State.Invalid, None
        sign, digits = m.groups()
        if sign == "-" and self.minimum() >= 0:
            return QValidator.State.Invalid, None
        if not digits:
            return QValidator.State.Intermediate, None  # '', '-': on the way to a number
        value = int(body)
        if value > self.maximum():
            return QValidator.State.Invalid, None  # refused as typed: more digits only make it larger
        if value < self.minimum():
            return QValidator.State.Intermediate, None  # '1' on the way to '15' where the least is 10
        return QValidator.State.Acceptable, value

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        return self._read(text)[0], text, pos

    def valueFromText(self, text: str) -> int:
        _state, value = self._read(text)
        return self.value() if value is None else value

    def fixup(self, text: str) -> str:
        # QSpinBox.fixup drops the locale's group separator, reading `1,000` as 1000
        return self._back_to_kept(text)


def unread_line(boxes: Iterable[tuple[str, DecimalBox | WholeBox]]) -> str:
    """The first of the (label, box) pairs whose box holds text that is no value, as one line ("Onset: 1.5 is not a
    frame number (0 to 299)"); "" where each holds a value. Boxes disabled are not asked (their value is not used)."""
    return next((line for label, box in boxes if box.isEnabled() and (line := box.unread_line(label))), "")
