"""File > Merge project…: another coder's copy brought in as one undo step, after a question that shows what it
does (before, the only way was the all-videos events CSV: a corrected event came in beside its original; audit a96
finding 5). And a `_behaviours.csv` imported through File > Import events (refused: `missing column(s) apex`)."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _open(window, path):
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors


def test_merge_project_asks_with_the_summary_and_is_one_undo_step(qtbot, window, copies, monkeypatch):
    a, b = copies
    theirs = b.read_bytes()
    _open(window, a)
    asked = []
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: asked.append(plan.summary()) or True)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.MergeProject, path=str(b)), window.errors
    assert len(asked) == 1 and "events: 1 new, 2 updated, 0 deleted, 0 conflicts" in asked[0]
    assert "    bob: 1 new, 1 updated" in asked[0]
    merged = sorted((e.coder, e.onset, e.offset, e.status) for e in window.project.events())
    assert merged == [("alice", 102, 120, "accepted"), ("alice", 500, 510, "accepted"),
                      ("bob", 300, 310, "accepted"), ("bob", 400, 410, "accepted")]
    assert window.undo_stack.count() == steps + 1
    assert window.undo_stack.undoText() == "Merge study.merproj"
    assert "merged" in window.statusBar().currentMessage()
    assert len(window.project.behaviour_events()) == 2
    window.undo_stack.undo()
    assert sorted((e.coder, e.onset) for e in window.project.events()) == [("alice", 100), ("alice", 300),
                                                                          ("alice", 500)]
    assert len(window.project.behaviour_events()) == 1
    window.undo_stack.redo()
    assert sorted((e.coder, e.onset, e.offset, e.status) for e in window.project.events()) == merged
    assert b.read_bytes() == theirs  # the other copy is only read


def test_a_cancelled_merge_writes_nothing(qtbot, window, copies, monkeypatch):
    a, b = copies
    _open(window, a)
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: False)
    steps = window.undo_stack.count()
    assert not window.ctx.execute(C.MergeProject, path=str(b))
    assert window.undo_stack.count() == steps
    assert sorted((e.coder, e.onset) for e in window.project.events()) == [("alice", 100), ("alice", 300),
                                                                          ("alice", 500)]


def test_a_behaviours_csv_imports_through_import_events(qtbot, window, copies, monkeypatch, tmp_path):
    from merstudio.interchange import export_all_events
    from merstudio.project import Project

    a, b = copies
    with Project.open(b, read_only=True) as p:
        done = export_all_events(p, tmp_path / "bob_all.csv")
    assert done.behaviours is not None
    _open(window, a)
    monkeypatch.setattr(window, "confirm", lambda q: "1 behaviour event(s) to import (gaze away)" in q)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(done.behaviours)), window.errors
    assert sorted((e.coder, e.onset) for e in window.project.behaviour_events()) == [("alice", 50), ("bob", 200)]
    assert window.undo_stack.count() == steps + 1
    assert "Imported 1 behaviour event(s)" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert [(e.coder, e.onset) for e in window.project.behaviour_events()] == [("alice", 50)]
