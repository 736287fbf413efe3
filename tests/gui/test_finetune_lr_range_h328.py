"""The fine-tune dialog's learning rate takes what `merstudio finetune --lr` takes (a117 finding 6, h328).

The box refused 5e-6, 0.000005 and 1e-6 ("... is not a learning rate (0.00001 to 1.00000)", Start off) while the CLI
ran them, and rates below 1e-5 are common in fine-tuning. Its range is now the CLI's, (0, LR_MAX], down to the least
rate it holds to 6 significant digits, and such a rate is shown in full, never rounded to 0.00001 or 0.00000."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from merstudio.cli.bounds import LR_MAX

pytestmark = pytest.mark.gui


def _dialog(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()  # the active window, so that Tab leaving the box takes its text
    qtbot.waitUntil(dlg.isActiveWindow, timeout=2000)
    return dlg


def _typed(qtbot, dlg, text: str) -> str:
    """``text`` typed as the learning rate: the red line meanwhile (then Tab takes it)."""
    dlg.lr.setFocus()
    dlg.lr.lineEdit().selectAll()
    qtbot.keyClicks(dlg.lr, text)
    line = dlg.number_problem.text()
    qtbot.keyClick(dlg.lr, Qt.Key.Key_Tab)
    return line


@pytest.mark.parametrize(("text", "value", "shown"), [
    ("5e-6", 5e-6, "0.000005"), ("0.000005", 5e-6, "0.000005"), ("1e-6", 1e-6, "0.000001"),
    ("2.5e-7", 2.5e-7, "0.00000025"), ("1e-9", 1e-9, "0.000000001"), ("10", 10.0, "10.00000"),
])
def test_a_rate_the_cli_takes_is_taken_and_shown_in_full(qtbot, tmp_path, locale, text, value, shown):
    dlg = _dialog(qtbot, tmp_path)
    assert _typed(qtbot, dlg, text) == ""  # no red line while typed
    assert dlg.lr.value() == pytest.approx(value, rel=1e-9)
    assert dlg.lr.text() == shown.replace(".", locale.decimalPoint())


def test_the_box_ends_where_the_cli_does(qtbot, tmp_path):
    dlg = _dialog(qtbot, tmp_path)
    assert dlg.lr.maximum() == LR_MAX  # `--lr` is (0, LR_MAX]: the same top
    assert 0 < dlg.lr.minimum() <= 1e-9  # above 0 as the CLI, down to the least the box holds to 6 digits
    before = dlg.lr.value()
    for text in ("0", "20"):  # refused by `--lr` too: said, and Tab puts the rate before back
        assert _typed(qtbot, dlg, text).startswith(f"Learning rate: {text} is not a learning rate (")
        assert dlg.lr.value() == before
