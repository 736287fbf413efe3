"""A re-run finishing while the coder works keeps the steps they undid meanwhile redoable (audit a75): its undo
step went on top of the history and dropped them, so "Add negative 70-75", undone during the run, could not be
redone."""

from __future__ import annotations

import pytest
from helpers import finish_parked, open_and_analyse, parked_rerun, undo_history

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui
RERUN = "Re-run analysis of clip.avi"


def _manual(win):
    return [(e.onset, e.offset) for e in win.project.events(win.video.id) if e.source == "manual"]


def test_steps_undone_during_a_rerun_stay_redoable(qtbot, window, video_path, fake_analysis):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    assert win.ctx.execute(C.NewEvent, onset=70, apex=72, offset=75, emotion="negative")
    gate = parked_rerun(qtbot, win, fake_analysis)
    win.undo_stack.undo()  # the coder takes the event back while the run goes
    assert _manual(win) == []
    finish_parked(qtbot, win, fake_analysis, gate)
    # the re-run sits where the coder stood in the history; the undone step is still there to redo
    assert undo_history(win) == ([RERUN, "Add negative 70-75"], 1)
    assert win.undo_stack.canRedo() and _manual(win) == []  # redoable, not redone behind the coder's back
    win.undo_stack.redo()
    assert _manual(win) == [(70, 75)] and not win.errors
    # the whole history walks back and forth: the re-run undone puts the first run's proposals back
    run = win.project.analysis(win.video.id).id
    win.undo_stack.undo()
    win.undo_stack.undo()
    assert _manual(win) == [] and win.project.analysis(win.video.id).id != run
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert _manual(win) == [(70, 75)] and win.project.analysis(win.video.id).id == run and not win.errors
