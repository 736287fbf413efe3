"""File > Import events around the model's proposals (h274), the app's side of
tests/interchange/test_import_proposals_cases_h274.py:

1. An events CSV of several videos, one of whose videos' rows are all open proposals reviewed here already: the other
   videos' rows are imported (it was an error box, "a.avi: all.csv: nothing to import: 1 open proposal in the file
   skipped: reviewed here already …"), the confirmation lists that video's skipped proposal and the line says it.
2. An ELAN file whose coded events are all here (bob's rejection) beside a new behaviour event: the open proposal
   that rejection covers goes in the behaviour events' undo step (it stayed), and the status line says so.
3. A <stem>_behaviours.csv all in the project says the line of interchange.behaviours_known_line (one home)."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project
from helpers import event_states
from support.model_proposals import proposal, rejected, reviewed_elan

from merstudio import interchange as ix
from merstudio.gui import commands as C
from merstudio.project import Behaviour, BehaviourEvent, Event

pytestmark = pytest.mark.gui

SAID = "1 open proposal in the file skipped: reviewed here already"


def test_all_videos_import_takes_the_others_beside_a_video_of_reviewed_proposals(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([rejected(a.id, 3, 8)])
    src = ix.write_events_csv([proposal(a.id, 3, 8), Event(b.id, 20, 22, 25, emotion="fear", coder="bob")],
                              tmp_path / "all.csv", {a.id: ix.Media(a.name, fps=30.0), b.id: ix.Media(b.name, fps=30.0)})
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or True)
    assert window.ctx.execute(C.ImportEvents, path=str(src)), window.errors
    assert window.errors == []
    assert len(asked) == 1 and f"{a.name}: 0 new, {SAID}" in asked[0], asked
    assert window.statusBar().currentMessage() == f"Imported 1 into {b.name} from all.csv ({SAID})"
    assert window.undo_stack.undoText() == "Import 1 event(s) into 1 video from all.csv"  # not "1 videos"
    assert event_states(window, a, b) == [(a.id, 3, "bob", "rejected"), (b.id, 20, "bob", "accepted")]


def test_elan_behaviours_alone_remove_the_proposals_their_reviews_cover(qtbot, window, tmp_path, monkeypatch):
    from merstudio.gui import dialogs as D

    a, b = two_video_project(window, tmp_path)
    p = window.project
    eaf = reviewed_elan(p, b.id, 10, 15, tmp_path / "r.eaf")
    p.add_events([proposal(b.id, 10, 15)])  # open here again: a re-run before bob's review came in
    before = event_states(window, b)
    monkeypatch.setattr(D.ImportPreviewDialog, "exec", lambda self: D.QDialog.DialogCode.Accepted)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    assert window.errors == []
    assert window.statusBar().currentMessage() == f"Imported 1 behaviour event(s) from r.eaf ({ix.resolved_line(1)})"
    assert event_states(window, b) == [(b.id, 10, "bob", "rejected")] and len(p.behaviour_events(b.id)) == 1
    assert window.undo_stack.count() == steps + 1  # one step takes both back
    window.undo_stack.undo()
    assert event_states(window, b) == before and p.behaviour_events(b.id) == []


def test_behaviours_csv_all_known_says_the_one_line(qtbot, window, tmp_path, monkeypatch):
    a, b = two_video_project(window, tmp_path)
    p = window.project
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    p.add_behaviour_event(BehaviourEvent(b.id, gaze.id, 2, 6, coder="alice"))
    _, beside = ix.export_project_events(p, b.id, tmp_path / "ev.csv")
    monkeypatch.setattr(ix, "behaviours_known_line", lambda name, n: f"{name}: {n} known")
    monkeypatch.setattr(window, "confirm", lambda q: pytest.fail(q))
    assert window.ctx.execute(C.ImportEvents, path=str(beside)), window.errors
    assert window.statusBar().currentMessage() == "ev_behaviours.csv: 1 known"
