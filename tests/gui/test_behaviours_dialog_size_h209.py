"""Coding > Behaviours… at a 16-pt font: it stayed 560x360, its names and colours cut ("gaze …", "#5e35…"); its size
now comes from the font and the table's contents, the screen's free area at most."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from merstudio.gui.behaviours import BEHAVIOUR_ROWS, BehavioursDialog
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


def _dialog(qtbot, window, video_path, names):
    from merstudio.gui import commands as C

    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    for i, name in enumerate(names):
        window.behaviours.add(Behaviour(name, key=str(i + 1), kind="state", colour="#5e35b1"))
    dlg = BehavioursDialog(window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    return dlg


@pytest.mark.parametrize("pt", [9, 16])
def test_names_and_colours_are_whole_at_the_apps_font(qtbot, window, video_path, app_pt, pt):
    app_pt(pt)
    dlg = _dialog(qtbot, window, video_path, ["gaze away from the interviewer", "nod"])
    t = dlg.table
    fm = t.fontMetrics()
    for col, text in ((0, "gaze away from the interviewer"), (3, "#5e35b1")):
        # the cell's text and the item's margins (the style's focus frame): whole, not elided
        assert t.columnWidth(col) >= fm.horizontalAdvance(text) + 6, (col, t.columnWidth(col))
    head = t.horizontalHeader()
    need = [max(t.sizeHintForColumn(c), head.sectionSizeHint(c)) for c in range(t.columnCount())]
    assert all(t.columnWidth(c) >= n for c, n in enumerate(need))
    assert sum(need) <= t.viewport().width(), "the last columns are off to the right"
    assert t.viewport().height() >= BEHAVIOUR_ROWS * t.rowHeight(0) - 1  # that many rows before it scrolls
    assert t.rowHeight(0) >= fm.height()
    avail = dlg.screen().availableGeometry()
    assert avail.contains(dlg.frameGeometry())


def test_the_default_font_keeps_its_size(qtbot, window, video_path):
    dlg = _dialog(qtbot, window, video_path, ["gaze away", "nod"])
    assert (dlg.width(), dlg.height()) == (560, 360)
