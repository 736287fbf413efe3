"""A click in View > Undo history that jumps over a step that cannot be undone (an old re-run: its run is gone)
stops there and leaves the history in step with the project (docs/gui.md "Faults never leave the undo history out
of step"). It used to drop the steps it passed over without undoing them while those below the row clicked stayed:
the history marked "Add event 10-20" done over a project without that event, and the next Ctrl+Z failed (KeyError
'no event 1'). The same holds for a jump up the history (redo)."""

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


def test_a_history_click_over_an_old_rerun_stops_there_in_step(qtbot, window, video_path):
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
    # the project: the last re-run and the event 40-50 undone, the first re-run and the deletion still done
    assert _coded(win) == []
    # the history: the steps that still apply, to redo; nothing below them to undo
    assert undo_history(win) == (["Add event 40-50", rerun], 0) and not win.undo_stack.canUndo()
    assert len(win.errors) == 1 and "\n" not in win.errors[0]
    assert win.errors[0].startswith(f"Undo of “{rerun}” failed") and "undo stopped there" in win.errors[0]
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert _coded(win) == [(40, 50)] and undo_history(win) == (["Add event 40-50", rerun], 2)
    win.undo_stack.undo()
    win.undo_stack.undo()
    assert _coded(win) == [] and len(win.errors) == 1


def test_a_history_click_up_that_fails_drops_the_later_steps(qtbot, window, video_path, monkeypatch):
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
    assert _coded(win) == [(5, 9)]
    # 60-64, above the row clicked, would be redone over a project without 20-24 and 40-44: gone as well
    assert undo_history(win) == (["Add event 5-9"], 1) and not win.undo_stack.canRedo()
    assert "Redo of “Add event 20-24” failed" in win.errors[0] and "redo stopped there" in win.errors[0]
    monkeypatch.setattr(win.project, "add_event", real)
    win.undo_stack.undo()
    assert _coded(win) == [] and len(win.errors) == 1
