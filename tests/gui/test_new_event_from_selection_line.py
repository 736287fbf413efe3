"""C after a drag on the events track makes the event and the status bar names it, as the I / O path does
("Event 1: frames 30-45, apex 37"); it went on reading "Selected frames 30-45: press C to make an event", the
selection that was just used up."""

from __future__ import annotations

import pytest
from gui_fixtures import N_FRAMES
from helpers import drag, plot_to_widget
from PySide6.QtCore import Qt

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_c_on_a_dragged_selection_names_the_new_event(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.frame_count == N_FRAMES
    tl = win.timeline
    plot = tl.events_plot
    plot.setXRange(0, N_FRAMES, padding=0)
    qtbot.wait(50)
    drag(tl.viewport(), plot_to_widget(tl, plot, 30, 0.5), plot_to_widget(tl, plot, 45, 0.5))
    assert tl.selection is not None
    on, off = tl.selection
    assert abs(on - 30) <= 1 and abs(off - 45) <= 1
    assert "press C" in win.statusBar().currentMessage()
    qtbot.keyClick(win, Qt.Key.Key_C)
    (ev,) = win.project.events(win.video.id)
    assert (ev.onset, ev.offset) == (on, off) and tl.selection is None
    assert win.statusBar().currentMessage() == f"Event {ev.id}: frames {on}-{off}, apex {ev.apex}"
