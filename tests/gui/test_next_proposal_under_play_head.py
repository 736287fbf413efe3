"""N after reopening: nothing is selected and the play head stands where the coder left it, on a proposal not yet
reviewed. N went to the proposal after the play head and skipped that one (an auditor's reopen + N landed on the
next smile); now N goes to an open proposal under the play head first, then on as before."""

import pytest
from gui_fixtures import N_FRAMES
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.project.events import Event

pytestmark = pytest.mark.gui


def test_n_goes_to_the_proposal_under_the_play_head_first(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.frame_count == N_FRAMES
    first = win.coding.push_add(Event(win.video.id, 10, 14, 20, coder="tester", status="proposal",
                                      source="model")).event
    second = win.coding.push_add(Event(win.video.id, 40, 44, 50, coder="tester", status="proposal",
                                       source="model")).event
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))  # reopened: nothing selected
    win.coding.select(None)
    win.transport.seek(15)  # inside the first proposal
    qtbot.keyClick(win, Qt.Key.Key_N)
    assert win.selected_event_id == first.id and win.current_frame == 10
    qtbot.keyClick(win, Qt.Key.Key_N)  # selected now: on to the next one, as before
    assert win.selected_event_id == second.id and win.current_frame == 40
    win.coding.select(None)
    win.transport.seek(30)  # between proposals: the next after the play head, as before
    qtbot.keyClick(win, Qt.Key.Key_N)
    assert win.selected_event_id == second.id
