"""A single undo or redo that fails (h194): the status bar says what happened in one line ("Could not undo X: why;
nothing changed"), never "Undone: <the step above>" (QUndoStack removed the failed step and moved its index)."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import stored_spans

pytestmark = pytest.mark.gui


def disk_full(*a, **k):
    raise sqlite3.OperationalError("database or disk is full")


def fail_one(qtbot, win, monkeypatch, step):
    lines: list[str] = []
    win.coding.message.connect(lambda text, ms: lines.append(text))
    n = len(win.errors)
    with monkeypatch.context() as m:
        m.setattr(win.project, "_log", disk_full)
        step()
    qtbot.waitUntil(lambda: len(win.errors) > n)
    return lines


def test_failed_undo_under_an_undone_step_says_nothing_was_undone(qtbot, three_events, monkeypatch):
    win = three_events
    win.undo_stack.undo()  # 40-44 undone: redoable above
    assert win.statusBar().currentMessage() == "Undone: Add event 40-44"
    lines = fail_one(qtbot, win, monkeypatch, win.undo_stack.undo)  # 20-24's undo fails
    assert stored_spans(win) == [(5, 9), (20, 24)]
    assert len(lines) == 1  # one line, nothing else (it said "Undone: Add event 40-44", the step above)
    line = lines[0]
    assert line.startswith("Could not undo “Add event 20-24”: ")
    assert "\n" not in line and "disk is full" in line and line.endswith("; nothing changed")
    assert win.statusBar().currentMessage() == line


def test_failed_undo_of_the_last_step(qtbot, three_events, monkeypatch):
    win = three_events
    lines = fail_one(qtbot, win, monkeypatch, win.undo_stack.undo)
    assert stored_spans(win) == [(5, 9), (20, 24), (40, 44)]
    assert len(lines) == 1 and lines[0].startswith("Could not undo “Add event 40-44”: ")
    assert win.statusBar().currentMessage() == lines[0]


def test_failed_redo_says_so_and_a_later_undo_speaks_as_before(qtbot, three_events, monkeypatch):
    win = three_events
    win.undo_stack.undo()
    lines = fail_one(qtbot, win, monkeypatch, win.undo_stack.redo)  # re-adding 40-44 fails
    assert stored_spans(win) == [(5, 9), (20, 24)]
    assert len(lines) == 1 and lines[0].startswith("Could not redo “Add event 40-44”: ")
    assert lines[0].endswith("; nothing changed")
    win.undo_stack.undo()
    assert win.statusBar().currentMessage() == "Undone: Add event 20-24"


def test_undo_in_a_project_turned_read_only(qtbot, three_events, monkeypatch):
    win = three_events
    win.undo_stack.undo()
    monkeypatch.setattr(type(win.project), "read_only_reason", property(lambda self: "opened elsewhere"))
    lines: list[str] = []
    win.coding.message.connect(lambda text, ms: lines.append(text))
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(win.errors))
    assert stored_spans(win) == [(5, 9), (20, 24)]
    assert len(lines) == 1 and lines[0].startswith("Could not undo “Add event 20-24”: ")
    assert "read-only" in lines[0] and lines[0].endswith("; nothing changed")
