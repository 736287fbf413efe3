"""Undo and Redo (Ctrl+Z / Ctrl+Shift+Z, the Edit menu's, a call of the stack's) while File > Compact project runs
in its worker (h180): they went around CommandContext.execute and require_writable, so an undo fired meanwhile (a
timer's, a queued signal's) waited on the project's lock, which the VACUUM holds, and held the GUI thread until it
ended. Now refused in the same one line as a command, the project and the undo stack as they were (h182)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from support.emptied_projects import emptied_project

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui

REFUSAL = ("study.merproj is being compacted: try again once the status bar's 'Compacting study.merproj…' is "
           "gone; nothing was changed")


def _action(win, text: str) -> QAction:
    """The Edit menu's Undo or Redo (Ctrl+Z, Ctrl+Shift+Z: window shortcuts too)."""
    edit = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Edit")
    return next(a for a in edit.actions() if a.text().startswith(text))


def _history(win) -> tuple[int, list[str]]:
    stack = win.undo_stack
    return stack.index(), [stack.command(i).text() for i in range(stack.count())]


def test_undo_and_redo_fired_while_compacting_are_refused_the_stack_intact(window, tmp_path: Path, monkeypatch):
    win = window
    assert win.session.open_project(emptied_project(tmp_path / "study.merproj"), select=False)
    vid = win.project.videos()[0].id
    for onset in (0, 2):
        win.coding.push_add(Event(video_id=vid, onset=onset, apex=onset, offset=onset + 1, emotion="surprise"))
    win.undo_stack.undo()  # one step to undo, one to redo
    before = _history(win)
    events = [(e.id, e.onset) for e in win.project.events(vid)]
    assert len(events) == 1 and before[0] == 1
    undo, redo = _action(win, "&Undo"), _action(win, "&Redo")
    assert undo.isEnabled() and redo.isEnabled()

    seen: dict = {}
    real = Project._compact

    def watched(self: Project) -> tuple[int, int]:
        """The compaction (its lock held), which lets the GUI thread fire the undo and redo before it goes on."""
        done = threading.Event()

        def on_gui() -> None:  # as a timer's undo: the user's own keys are held back until the compaction ends
            try:
                undo.trigger()  # Ctrl+Z, Edit > Undo
                redo.trigger()  # Ctrl+Shift+Z, Edit > Redo
                win.undo_stack.undo()
                win.undo_stack.redo()
                seen["history"] = _history(win)
            finally:
                done.set()

        QTimer.singleShot(0, win, on_gui)
        seen["drawn"] = done.wait(5)  # an undo waiting on the lock held here: the GUI thread held for 5 s
        return real(self)

    monkeypatch.setattr(Project, "_compact", watched)
    assert win.ctx.execute(C.CompactProject)
    assert seen["drawn"], "an undo or redo waited on the compaction's lock, the window frozen"
    assert seen["history"] == before
    assert win.errors == [REFUSAL] * 4
    assert _history(win) == before and [(e.id, e.onset) for e in win.project.events(vid)] == events
    assert win.statusBar().currentMessage().startswith("Compacted study.merproj: ")

    undo.trigger()  # once it has ended, they go on: the history is the one it was
    assert [e.onset for e in win.project.events(vid)] == []
    redo.trigger()
    redo.trigger()
    assert sorted(e.onset for e in win.project.events(vid)) == [0, 2]
    assert win.undo_stack.index() == 2 and win.errors == [REFUSAL] * 4


def test_the_undo_actions_follow_the_stack(window, tmp_path: Path):
    """The actions ProjectUndoStack makes still name the step and grey out as QUndoStack's do."""
    win = window
    assert win.session.open_project(emptied_project(tmp_path / "study.merproj"), select=False)
    undo, redo = _action(win, "&Undo"), _action(win, "&Redo")
    assert not undo.isEnabled() and not redo.isEnabled()
    vid = win.project.videos()[0].id
    win.coding.push_add(Event(video_id=vid, onset=1, apex=1, offset=2, emotion="surprise"))
    assert undo.isEnabled() and undo.text() == "&Undo Add surprise 1-2"
    undo.trigger()
    assert win.project.events(vid) == [] and not undo.isEnabled()
    assert redo.isEnabled() and redo.text() == "&Redo Add surprise 1-2"
    redo.trigger()
    assert len(win.project.events(vid)) == 1 and not win.errors
