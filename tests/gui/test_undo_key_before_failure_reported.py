"""An undo or redo that fails stops its stack operation, and that stop ends with the operation: a key pressed
right after a failed redo, before the failure is reported (the report waits for the event loop), is an undo or redo
of its own. It used to be taken for a step of the failed operation: a Ctrl+Z then dropped "Add event 20-24" from
the history without deleting the event, a second Ctrl+Y dropped "Add event 40-44" without adding it. And the Undo
history view shows the stack as it is after each operation: a click up the history whose first step fails keeps
no row of a step it dropped, and marks the step the project is at."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import undo_history
from PySide6.QtCore import Qt

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def _coded(win):
    return sorted((e.onset, e.offset) for e in win.project.events(win.video.id) if e.source == "manual")


def _three_events_last_two_undone(win, video_path):
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    for on in (5, 20, 40):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    win.undo_stack.setIndex(1)
    assert _coded(win) == [(5, 9)]


def _first_add_fails(win, monkeypatch):
    real, calls = win.project.add_event, []

    def add(ev):
        calls.append(ev.onset)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database or disk is full")
        return real(ev)

    monkeypatch.setattr(win.project, "add_event", add)
    return calls


def _keys(qtbot, win, *keys):
    """Key presses delivered one after the other, no event loop between them (a fast typist, a key repeat)."""
    win.activateWindow()
    qtbot.waitUntil(lambda: win.isActiveWindow())
    for key, mod in keys:
        qtbot.keyClick(win, key, mod)


def test_a_ctrl_z_right_after_a_failed_redo_undoes_the_step_below(qtbot, window, video_path, monkeypatch):
    win = window
    _three_events_last_two_undone(win, video_path)
    win.undo_stack.redo()  # 20-24 back: the step below the one whose redo fails
    assert _coded(win) == [(5, 9), (20, 24)]
    _first_add_fails(win, monkeypatch)
    _keys(qtbot, win, (Qt.Key.Key_Y, CTRL), (Qt.Key.Key_Z, CTRL))  # redo 40-44 fails; Ctrl+Z before the report
    qtbot.waitUntil(lambda: bool(win.errors))
    assert _coded(win) == [(5, 9)]  # the Ctrl+Z deleted 20-24
    assert undo_history(win) == (["Add event 5-9", "Add event 20-24"], 1)  # 20-24 to redo, 40-44 gone
    assert len(win.errors) == 1 and win.errors[0].startswith("Redo of “Add event 40-44” failed")
    assert "stopped there" not in win.errors[0]  # one step failed; the undo after it was no step of it
    win.undo_stack.redo()
    assert _coded(win) == [(5, 9), (20, 24)]


def test_a_second_ctrl_y_right_after_a_failed_redo_redoes_the_next_step(qtbot, window, video_path, monkeypatch):
    win = window
    _three_events_last_two_undone(win, video_path)
    calls = _first_add_fails(win, monkeypatch)
    _keys(qtbot, win, (Qt.Key.Key_Y, CTRL), (Qt.Key.Key_Y, CTRL))  # 20-24 fails; the second Ctrl+Y: 40-44
    qtbot.waitUntil(lambda: bool(win.errors))
    assert calls == [20, 40]
    assert _coded(win) == [(5, 9), (40, 44)]
    assert undo_history(win) == (["Add event 5-9", "Add event 40-44"], 2)
    assert len(win.errors) == 1 and win.errors[0].startswith("Redo of “Add event 20-24” failed")


def test_the_history_view_shows_the_stack_after_a_click_up_that_fails_at_once(qtbot, window, video_path,
                                                                             monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    for on in (5, 20, 40, 60):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    win.undo_stack.setIndex(0)
    calls = _first_add_fails(win, monkeypatch)
    view = win.undo_view
    view.setCurrentIndex(view.model().index(3, 0))  # the click on "Add event 40-44": its first redo, 5-9, fails
    qtbot.waitUntil(lambda: bool(win.errors))
    assert calls == [5] and _coded(win) == []
    # nothing was redone (the jump is taken back whole, h183): only the step that failed left the history
    assert undo_history(win) == (["Add event 20-24", "Add event 40-44", "Add event 60-64"], 0)
    shown = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert shown == ["<opened>", "Add event 20-24", "Add event 40-44", "Add event 60-64"]
    assert view.currentIndex().row() == 0  # the row the project is at, no dropped one
    assert "Redo of “Add event 5-9” failed" in win.errors[0] and "taken back whole" in win.errors[0]


def test_an_undo_called_right_after_a_failed_redo_is_an_undo(qtbot, window, video_path, monkeypatch):
    """The same without keys (the Edit menu's actions, a script): a step the other way is another operation."""
    win = window
    _three_events_last_two_undone(win, video_path)
    win.undo_stack.redo()
    _first_add_fails(win, monkeypatch)
    win.undo_stack.redo()  # 40-44 fails
    win.undo_stack.undo()  # 20-24 deleted
    assert _coded(win) == [(5, 9)] and undo_history(win) == (["Add event 5-9", "Add event 20-24"], 1)
    qtbot.waitUntil(lambda: bool(win.errors))
    assert len(win.errors) == 1 and "stopped there" not in win.errors[0]
