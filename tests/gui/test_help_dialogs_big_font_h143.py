"""Help > Keyboard shortcuts and Help > About at a coder's big font: About (a fixed 560 x 420 label, no scroll) cut
its licence paragraph at 16 pt; the keys list (a fixed 720 x 640) cut the Action column short."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMenuBar, QWidget

from merstudio.gui.help import AboutDialog, KeysDialog

pytestmark = pytest.mark.gui


def test_about_shows_or_scrolls_to_its_whole_text(qtbot, big_app_font) -> None:
    dlg = AboutDialog("starter.pt")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    label = dlg.text
    assert "nothing is downloaded at run time" in label.text()
    # the label has the height its wrapped text needs (what the dialog cannot show, it scrolls to)
    assert label.height() >= label.heightForWidth(label.width())
    assert dlg.frameGeometry().height() <= dlg.screen().availableGeometry().height()


def test_every_action_is_whole_in_the_keys_list(qtbot, big_app_font) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    bar = QMenuBar(window)
    menu = bar.addMenu("&Coding")
    for i, text in enumerate(("Delete the selected behaviour event (or the one at the play head)",
                              "Play selection (event, selection or I..O marks)", "Mark onset")):
        menu.addAction(text).setShortcut(f"Ctrl+{i + 1}")
    dlg = KeysDialog(bar, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    t = dlg.table
    assert t.rowCount() == 3
    fm = t.fontMetrics()
    longest = max(fm.horizontalAdvance(t.item(r, 1).text()) for r in range(t.rowCount()))
    assert t.columnWidth(1) > longest  # the Action column holds its longest text (the table scrolls sideways)
    assert t.columnWidth(0) > max(fm.horizontalAdvance(t.item(r, 0).text()) for r in range(t.rowCount()))
