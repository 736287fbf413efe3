"""Decimal numbers typed into the app mean what the user typed, in every locale: the one spin box every dialog takes a
decimal in (a confidence, a frame rate, an IoU, a learning rate, a fraction).

A plain QDoubleSpinBox reads its text by the system locale: under a German, Portuguese or Turkish locale `.` is the
thousands separator, so the CLI's and the docs' `29.97` became 2997 fps (accepted) and `0.8` a confidence of 0; under
en_US `0,8` became 0 (a111). These values are never in the thousands with grouping, so both `.` and `,` are the decimal
sign here."""

from __future__ import annotations

import math
import re
import unicodedata

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

# a number as typed, once read into ASCII (_plain): sign, digits, a decimal sign, digits, an exponent (`1e-4`, the
# CLI's --lr form)
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:e([+-]?)([0-9]*))?", re.ASCII)
DECIMAL_SIGNS = ".,\u066b"  # point, comma, the Arabic decimal separator: each read as the decimal sign
MINUS_SIGNS = "-\u2212"  # hyphen-minus, the minus sign (a locale's negativeSign may be either)


class DecimalBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows the locale's decimal sign and never groups thousands, and takes `.` or `,` typed
    (or pasted) as the decimal sign; with ``exponent`` also `1e-4` (a learning rate as the CLI takes it). What is not
    a number is refused as it is typed, so the box keeps its value: it is never read as 0 or as thousands. Range,
    decimals, step, prefix, suffix and special value text are set as on a QDoubleSpinBox."""

    def __init__(self, parent: QWidget | None = None, *, exponent: bool = False) -> None:
        super().__init__(parent)
        self.exponent = exponent
        self.setGroupSeparatorShown(False)

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

    def _read(self, text: str) -> tuple[QValidator.State, float | None]:
        """How far ``text`` is from a value of this box, and the value (rounded to its decimals) when it is one."""
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
        value = round(value, self.decimals())  # an exponent's value as the box shows and keeps it
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
        return text
