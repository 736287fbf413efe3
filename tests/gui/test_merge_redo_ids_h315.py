"""File > Merge project and a behaviour events CSV's import, undone and redone with the steps after them, redo those
steps (h315; audit a114 finding 5): the redo gives back the ids the first do gave. Before, the merge's redo gave
bob's event a new id and the edit's redo failed "the edit was not saved (KeyError: 'no event 4')", the step
dropped from the history; the import's redo did the same to its behaviour events and the behaviours it made."""

from __future__ import annotations

from dataclasses import replace

import pytest

from merstudio.gui import commands as C
from merstudio.gui.behaviours import BehaviourEventCommand
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui


def _history(win):
    return [win.undo_stack.text(i) for i in range(win.undo_stack.count())]


def _back_and_forth(win, steps):
    for _ in range(steps):
        win.undo_stack.undo()
    for _ in range(steps):
        win.undo_stack.redo()


def test_an_edit_of_a_merged_in_event_redoes_after_the_merge_is_redone(qtbot, window, copies, monkeypatch):
    a, b = copies  # b: bob's new sadness 400-410, his fix of alice's onset, his accept of the proposal
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    assert window.ctx.execute(C.MergeProject, path=str(b)), window.errors
    [bob] = [e for e in window.project.events() if e.coder == "bob" and e.onset == 400]
    window.coding.push_edit(bob, replace(bob, emotion="fear"))
    history = _history(window)
    _back_and_forth(window, 2)
    assert not window.errors, window.errors
    assert _history(window) == history and window.undo_stack.index() == len(history)
    assert [(e.id, e.emotion) for e in window.project.events() if e.coder == "bob" and e.onset == 400] == \
        [(bob.id, "fear")]


def test_steps_on_imported_behaviour_events_redo_after_the_import_is_redone(qtbot, window, copies, monkeypatch,
                                                                           tmp_path):
    from merstudio.interchange import export_all_events

    a, b = copies
    with Project.open(b) as p:  # bob's copy codes a behaviour alice's has not: the import makes it
        nod = p.add_behaviour(Behaviour("nod", key="n", kind="point"))
        p.add_behaviour_event(BehaviourEvent(p.videos()[0].id, nod.id, 70, 70, coder="bob"))
        csv = export_all_events(p, tmp_path / "bob_all.csv").behaviours
    assert csv is not None
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    monkeypatch.setattr(window, "confirm", lambda q: True)
    assert window.ctx.execute(C.ImportEvents, path=str(csv)), window.errors
    proj, vid = window.project, window.video.id
    [nod] = [x for x in proj.behaviours() if x.name == "nod"]
    [gaze] = [e for e in proj.behaviour_events() if e.coder == "bob" and e.onset == 200]
    window.behaviours.edit_event(gaze.id, note="at the window")  # an imported event edited
    window.coding.push(BehaviourEventCommand(proj, None, BehaviourEvent(vid, nod.id, 90, 90, coder="alice"),
                                             window.behaviours.reload, "nod at 90"))  # coded on the behaviour it made
    history = _history(window)
    _back_and_forth(window, 3)
    assert not window.errors, window.errors
    assert _history(window) == history
    assert sorted((e.behaviour_id, e.onset, e.coder, e.note) for e in proj.behaviour_events()
                  if e.behaviour_id == nod.id or e.id == gaze.id) == \
        [(gaze.behaviour_id, 200, "bob", "at the window"), (nod.id, 70, "bob", ""), (nod.id, 90, "alice", "")]
