"""The keypad's Enter edits the selected event as Return does; the empty window's motion lane ticks 0, 0.5, 1
(pyqtgraph's own 0, 0.2, .. 1.0 ran together on its short lane)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

pytestmark = pytest.mark.gui


def test_keypad_enter_is_bound_to_edit_event(qtbot, window):
    (edit,) = [a for a in window.actions() if a.text() == "&Edit event…"]
    assert QKeySequence(Qt.Key.Key_Enter) in edit.shortcuts()
    hits = []
    edit.triggered.connect(lambda *_: hits.append(1))
    qtbot.keyClick(window, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)  # as the keypad sends it
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert len(hits) == 2


def test_empty_motion_lane_ticks_do_not_run_together(window):
    axis = window.timeline.motion_plot.getAxis("left")
    lo, hi = window.timeline.motion_plot.vb.viewRange()[1]
    labelled = [v for _spacing, values in axis.tickValues(lo, hi, 40.0)[:1] for v in values]
    assert labelled == pytest.approx([0.0, 0.5, 1.0])
