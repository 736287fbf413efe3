"""A click in View > Undo history that jumps over a step that cannot be undone (an old re-run: its run is gone)
leaves the history in step with the project (docs/gui.md "Faults never leave the undo history out of step"). It
used to drop the steps it passed over without undoing them while those below the row clicked stayed: the history
marked "Add event 10-20" done over a project without that event, and the next Ctrl+Z failed (KeyError 'no event
1'). Since h183 the jump is one transaction, taken back whole where a step fails: the project and the history are
as they were, less the step that failed (as after a failed Ctrl+Z). The same holds for a jump up the history."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import open_and_analyse, undo_history

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _coded(win):
    return [(e.onset, e.offset) for e in win.project.events(win.video.id) if e.source == "manual"]


def _rerun(qtbot, win):
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def test_a_history_click_over_an_old_rerun_is_taken_back_in_step(qtbot, window, video_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    assert win.ctx.execute(C.NewEvent, onset=10, apex=15, offset=20)
    assert win.ctx.execute(C.DeleteEvent, event_id=win.selected_event_id)
    _rerun(qtbot, win)
    assert win.ctx.execute(C.NewEvent, onset=40, apex=45, offset=50)
    _rerun(qtbot, win)  # the project keeps one previous run: the first re-run can no longer be undone
    rerun = "Re-run analysis of clip.avi"
    assert undo_history(win) == (["Add event 10-20", "Delete event 10-20", rerun, "Add event 40-50", rerun], 5)
    view = win.undo_view
    view.setCurrentIndex(view.model().index(1, 0))  # the click on "Add event 10-20" (row 0 is the start)
    qtbot.waitUntil(lambda: bool(win.errors))
    # the project as it was before the click: the last re-run and the event 40-50 taken back done
    assert _coded(win) == [(40, 50)]
    # the history: all but the step that failed, where the project is
    assert undo_history(win) == (["Add event 10-20", "Delete event 10-20", "Add event 40-50", rerun], 4)
    assert len(win.errors) == 1 and "\n" not in win.errors[0]
    assert win.errors[0].startswith(f"Undo of “{rerun}” failed") and "taken back whole" in win.errors[0]
    view.setCurrentIndex(view.model().index(1, 0))  # the same click again: the steps left undo
    assert _coded(win) == [(10, 20)] and undo_history(win)[1] == 1
    win.undo_stack.undo()
    assert _coded(win) == [] and undo_history(win)[1] == 0
    win.undo_stack.setIndex(4)
    assert _coded(win) == [(40, 50)] and len(win.errors) == 1


def test_a_history_click_up_that_fails_is_taken_back(qtbot, window, video_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    for on in (5, 20, 40, 60):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    win.undo_stack.setIndex(0)
    assert _coded(win) == []
    real, calls = win.project.add_event, []

    def second_fails(ev):
        calls.append(ev.onset)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(ev)

    monkeypatch.setattr(win.project, "add_event", second_fails)
    win.undo_stack.setIndex(3)  # a click on "Add event 40-44": redo three
    qtbot.waitUntil(lambda: bool(win.errors))
    assert calls == [5, 20]  # 5-9 redone, 20-24 failed, 40-44 not tried
    assert _coded(win) == []  # 5-9 taken back with the rest
    # only the step that failed left the history, as after a failed Ctrl+Y
    assert undo_history(win) == (["Add event 5-9", "Add event 40-44", "Add event 60-64"], 0)
    assert "Redo of “Add event 20-24” failed" in win.errors[0] and "taken back whole" in win.errors[0]
    monkeypatch.setattr(win.project, "add_event", real)
    win.undo_stack.setIndex(3)
    assert _coded(win) == [(5, 9), (40, 44), (60, 64)] and len(win.errors) == 1
    win.undo_stack.undo()
    assert _coded(win) == [(5, 9), (40, 44)] and len(win.errors) == 1
