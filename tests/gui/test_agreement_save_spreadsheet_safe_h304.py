"""The agreement report's Save CSV honours File > Export > Spreadsheet-safe CSV and Decimal comma as every other
export does (audit a111 finding 7): the dialog's own Save wrote plain UTF-8 with ',' and 0.333 whatever was ticked,
and a German Excel showed "ZoÃ«" and one column. Through the window's Save command as well."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from merstudio.agreement import agreement_from_events
from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = [pytest.mark.gui]

BOM = b"\xef\xbb\xbf"
EVENTS = [Event(1, 10, 12, 15, emotion="happiness", coder="Zoë", id=1),
          Event(1, 11, 12, 16, emotion="happiness", coder="bob", id=2),
          Event(1, 40, 42, 44, emotion="surprise", coder="Zoë", id=3)]


class Window(QWidget):
    """What the dialog reads of its window: the export options."""

    def __init__(self, safe: bool, comma: bool) -> None:
        super().__init__()
        self.spreadsheet_safe, self.decimal_comma = safe, comma


def _dialog(qtbot, parent):
    from merstudio.gui.agreement_dialog import AgreementDialog

    dlg = AgreementDialog(lambda **kw: agreement_from_events(EVENTS, coders=kw["coders"],
                                                                     frame_counts={1: 100}), ["Zoë", "bob"], parent)
    qtbot.addWidget(parent)
    dlg.set_choices(coders=["Zoë", "bob"])
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=10000)
    return dlg


@pytest.mark.parametrize(("safe", "comma", "start"), [
    (False, False, b"coder_a,coder_b,"),
    (True, False, BOM + b"coder_a,coder_b,"),
    (True, True, BOM + b"coder_a;coder_b;"),
])
def test_the_dialogs_save_follows_the_windows_export_options(qtbot, tmp_path, safe, comma, start) -> None:
    win = Window(safe, comma)  # held: the dialog goes with it
    dlg = _dialog(qtbot, win)
    paths = dlg.save_csv(tmp_path)
    assert len(paths) == 6
    raw = (tmp_path / "agreement_pairs.csv").read_bytes()
    assert raw.startswith(start), raw[:40]
    if comma:
        assert b";0,714" in raw  # mean_iou 5/7 as a German Excel reads a number
        assert "Zoë" in raw.decode("utf-8-sig")


def test_the_windows_save_command_too(qtbot, alice_and_bob, tmp_path) -> None:
    win = alice_and_bob
    win.decimal_comma_action.setChecked(True)  # (ticks Spreadsheet-safe too)
    assert win.spreadsheet_safe
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    qtbot.waitUntil(lambda: win.agreement_dialog.report is not None, timeout=10000)
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path / "agree")), win.errors
    raw = (tmp_path / "agree" / "agreement_pairs.csv").read_bytes()
    assert raw.startswith(BOM + b"coder_a;coder_b;") and b"0.7" not in raw
    assert "Exported" in win.statusBar().currentMessage() and not win.errors
