"""A jump of many steps in the undo history (a click on a row far away) is one transaction and one reload at its
end: each step was its own commit synced to the disk and its own reload, 300 steps held the window 11.8 s with no
sign of life (audit a88). All or nothing: a step that fails part-way takes the whole jump back, and the stack stays
in step with the project."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import undo_history

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _coded(win):
    return sorted((e.onset, e.offset, e.emotion) for e in win.project.events(win.video.id) if e.source == "manual")


def _history(win, video_path, n: int = 6) -> None:
    """2n steps: n events added, every second one then edited or deleted."""
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    for k in range(n):
        assert win.ctx.execute(C.NewEvent, onset=2 + 6 * k, apex=3 + 6 * k, offset=5 + 6 * k, emotion="positive")
        if k % 2:
            assert win.ctx.execute(C.DeleteEvent, event_id=win.selected_event_id)
        else:
            assert win.ctx.execute(C.EditEvent, event_id=win.selected_event_id, changes={"emotion": "negative"})
    assert win.undo_stack.count() == 2 * n


def _counting(win):
    """The COMMITs on the project's connection and the reloads of the events, from now."""
    commits: list[str] = []
    win.project._con.set_trace_callback(lambda sql: commits.append(sql) if sql.startswith("COMMIT") else None)
    reloads: list[int] = []
    win.coding.eventsChanged.connect(lambda: reloads.append(1))
    return commits, reloads


def test_a_history_click_far_down_and_back_up_commits_once_each(qtbot, window, video_path):
    win = window
    _history(win, video_path)
    top = _coded(win)
    stack, view = win.undo_stack, win.undo_view
    view.hide()  # (hidden, the view follows no stack; shown, it follows it again, its clicks still come to us)
    view.show()
    commits, reloads = _counting(win)
    view.setCurrentIndex(view.model().index(0, 0))  # the click on the history's first row: undo all 12
    assert stack.index() == 0 and _coded(win) == []
    assert len(commits) == 1 and len(reloads) == 1
    commits.clear(), reloads.clear()
    view.setCurrentIndex(view.model().index(stack.count(), 0))  # and back to the top: redo all 12
    assert stack.index() == stack.count() and _coded(win) == top
    assert len(commits) == 1 and len(reloads) == 1
    assert "Redone 12 steps, the last" in win.statusBar().currentMessage()
    assert not win.errors
    # the same project as single steps leave it, down to each row
    states = []
    for _ in range(stack.count()):
        stack.undo()
        states.append(_coded(win))
    stack.setIndex(stack.count())
    assert _coded(win) == top
    for i in range(stack.count() - 1, -1, -1):
        stack.setIndex(i)
        assert _coded(win) == states[stack.count() - 1 - i], i
        stack.setIndex(stack.count())
    assert not win.errors


def test_a_step_that_fails_part_way_takes_the_whole_jump_back(qtbot, window, video_path, monkeypatch):
    win = window
    _history(win, video_path)
    top, stack, view = _coded(win), win.undo_stack, win.undo_view
    texts = undo_history(win)[0]
    real, calls = win.project.delete_event, []

    def third_fails(event_id):  # the undo of the third "Add" from the top (6 steps down) cannot be saved
        calls.append(event_id)
        if len(calls) == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return real(event_id)

    monkeypatch.setattr(win.project, "delete_event", third_fails)
    commits, _ = _counting(win)
    view.setCurrentIndex(view.model().index(0, 0))  # undo all 12: the 6th step fails
    qtbot.waitUntil(lambda: bool(win.errors))
    assert len(calls) == 3 and not commits  # nothing saved
    assert _coded(win) == top  # the project as it was before the click, the steps before the failure too
    failed = stack.count()  # the step that failed left the history; the stack is where the project is
    assert failed == 11 and stack.index() == 11 and undo_history(win)[0] == texts[:6] + texts[7:]
    shown = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert view.currentIndex().row() == 11 and len(shown) == 12
    assert len(win.errors) == 1 and "\n" not in win.errors[0]
    assert win.errors[0].startswith(f"Undo of “{texts[6]}” failed") and "taken back whole" in win.errors[0]
    assert "Undone" not in win.statusBar().currentMessage()
    monkeypatch.setattr(win.project, "delete_event", real)
    # in step: every step left undoes and redoes, one by one or in one jump
    for _ in range(stack.count()):
        stack.undo()
    assert stack.index() == 0 and len(win.errors) == 1
    stack.setIndex(stack.count())
    assert _coded(win) == top and len(win.errors) == 1


def test_a_jump_the_project_cannot_begin_changes_nothing(qtbot, window, video_path):
    win = window
    _history(win, video_path, n=2)
    top, before = _coded(win), undo_history(win)
    win.project.set_busy_timeout(0.05)
    other = sqlite3.connect(win.project.path)  # another writer holds the project's write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        win.undo_view.setCurrentIndex(win.undo_view.model().index(0, 0))
        qtbot.waitUntil(lambda: bool(win.errors))
    finally:
        other.rollback()
        other.close()
    assert _coded(win) == top and undo_history(win) == before
    assert win.errors[0].startswith("The undo of 4 steps was not saved") and "as they were" in win.errors[0]
    win.undo_stack.setIndex(0)
    assert _coded(win) == [] and len(win.errors) == 1


def test_a_jump_over_a_face_merge_steps_one_by_one(qtbot, window, video_path, monkeypatch):
    """A face merge's undo and redo run in a worker (workers.call_in_worker), which would wait for the project's
    lock that a jump's transaction holds: a jump over one goes step by step, as before."""
    from gui_fixtures import FakeAnalysis
    from helpers import open_and_analyse

    from merstudio.gui import faces
    from merstudio.project import Project

    win = window
    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)  # face 0 on frames 2-39, face 1 after
    open_and_analyse(qtbot, win, video_path)
    start, shown = win.undo_stack.index(), [win.face_combo.itemText(i) for i in range(win.face_combo.count())]
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    assert win.ctx.execute(faces.MergeFaces, keep=1, merged=0), win.errors
    assert win.ctx.execute(C.NewEvent, onset=50, apex=51, offset=54)
    top = _coded(win)

    def no_transaction(self):  # fails the test where the jump would hang on the lock
        raise AssertionError("a jump over a face merge in one transaction")

    monkeypatch.setattr(Project, "transaction", no_transaction)
    win.undo_stack.setIndex(start)
    assert _coded(win) == [] and [win.face_combo.itemText(i) for i in range(win.face_combo.count())] == shown
    win.undo_stack.setIndex(start + 3)
    assert _coded(win) == top and win.face_combo.count() == 1 and not win.errors
