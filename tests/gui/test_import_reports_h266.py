"""File > Import events tells what it left out (h266): the file's open model proposals that this project reviewed
already (ProjectImport.reviewed_here: not imported, the review stands) are named in the status line after the
import, in the CLI preview's words ("1 open proposal in the file skipped: reviewed here already"; the line said only
what was imported); and a <stem>_behaviours.csv whose behaviour events are all in the project already says so in
the status line ("ev_behaviours.csv: its 2 behaviour event(s) are already in the project: nothing new to import"),
as an ELAN file of behaviour tiers does since h264, with no question, no error box, no undo step and nothing
written (it was an error box: "no behaviour events to import")."""

from __future__ import annotations

import csv

import pytest
from gui_fixtures import two_video_project
from helpers import event_states
from support.model_proposals import proposal, rejected

from merstudio import interchange as ix
from merstudio.gui import commands as C
from merstudio.project import Behaviour, BehaviourEvent, Event

pytestmark = pytest.mark.gui

SAID = "1 open proposal in the file skipped: reviewed here already"


def test_one_video_import_names_the_proposals_reviewed_here(qtbot, window, tmp_path, monkeypatch):
    from merstudio.gui import dialogs as D

    a, b = two_video_project(window, tmp_path)
    window.project.add_events([rejected(b.id, 10, 15)])
    src = ix.write_events_csv([proposal(b.id, 10, 15), Event(b.id, 20, 22, 25, emotion="fear", coder="bob")],
                              tmp_path / "b.csv", ix.Media(b.name, fps=30.0))
    monkeypatch.setattr(D.ImportPreviewDialog, "exec", lambda self: D.QDialog.DialogCode.Accepted)
    assert window.ctx.execute(C.ImportEvents, path=str(src)), window.errors
    assert window.errors == []
    assert window.statusBar().currentMessage() == f"Imported 1 event from b.csv ({SAID})"
    assert event_states(window, b) == [(b.id, 10, "bob", "rejected"), (b.id, 20, "bob", "accepted")]


def test_the_same_file_again_names_them_in_its_refusal(qtbot, window, tmp_path, monkeypatch):
    """All its events here but the reviewed proposal: the one line names both parts, not the duplicates alone."""
    from merstudio.gui import dialogs as D

    a, b = two_video_project(window, tmp_path)
    window.project.add_events([rejected(b.id, 10, 15), Event(b.id, 20, 22, 25, emotion="fear", coder="bob")])
    src = ix.write_events_csv([proposal(b.id, 10, 15), Event(b.id, 20, 22, 25, emotion="fear", coder="bob")],
                              tmp_path / "b.csv", ix.Media(b.name, fps=30.0))
    monkeypatch.setattr(D.ImportPreviewDialog, "exec", lambda self: D.QDialog.DialogCode.Accepted)
    before = event_states(window, b)
    assert not window.ctx.execute(C.ImportEvents, path=str(src))
    assert window.errors == [f"{src}: no events to import (its 1 event(s) are already in the project; {SAID})"]
    assert event_states(window, b) == before


def test_all_videos_import_names_the_proposals_reviewed_here(qtbot, window, tmp_path, monkeypatch):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([rejected(a.id, 3, 8)])
    src = ix.write_events_csv([proposal(a.id, 3, 8), Event(a.id, 12, 14, 16, emotion="fear", coder="ann"),
                               Event(b.id, 20, 22, 25, emotion="fear", coder="bob")],
                              tmp_path / "all.csv", {a.id: ix.Media(a.name, fps=30.0), b.id: ix.Media(b.name, fps=30.0)})
    monkeypatch.setattr(window, "confirm", lambda q: True)
    assert window.ctx.execute(C.ImportEvents, path=str(src)), window.errors
    assert window.errors == []
    assert window.statusBar().currentMessage() == f"Imported 1 into {a.name}, 1 into {b.name} from all.csv ({SAID})"
    assert event_states(window, a, b) == [(a.id, 3, "bob", "rejected"), (a.id, 12, "ann", "accepted"),
                                     (b.id, 20, "bob", "accepted")]


def _drop_video_column(path):
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = [c for c in rows[0] if c not in ("video", "video_path")]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize("kind", ["one video", "no video column", "all videos"])
def test_behaviours_csv_all_in_the_project_says_so(qtbot, window, tmp_path, monkeypatch, kind):
    a, b = two_video_project(window, tmp_path)
    p = window.project
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    for v in (a, b) if kind == "all videos" else (b,):
        p.add_behaviour_event(BehaviourEvent(v.id, gaze.id, 2, 6, coder="alice"))
    p.add_behaviour_event(BehaviourEvent(b.id, gaze.id, 12, 12, coder="alice"))
    if kind == "all videos":
        beside = ix.export_all_events(p, tmp_path / "ev.csv").behaviours
    else:
        _, beside = ix.export_project_events(p, b.id, tmp_path / "ev.csv")
    assert beside is not None and beside.name == "ev_behaviours.csv"
    if kind == "no video column":
        _drop_video_column(beside)
    n = 3 if kind == "all videos" else 2
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or True)
    had = sorted((e.video_id, e.onset) for e in p.behaviour_events())
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(beside)), window.errors
    assert window.errors == [] and asked == []
    assert window.statusBar().currentMessage() == \
        f"ev_behaviours.csv: its {n} behaviour event(s) are already in the project: nothing new to import"
    assert sorted((e.video_id, e.onset) for e in p.behaviour_events()) == had
    assert window.undo_stack.count() == steps and [x.name for x in p.behaviours()] == ["gaze away"]


def test_all_videos_file_again_names_them_in_its_refusal(qtbot, window, tmp_path, monkeypatch):
    a, b = two_video_project(window, tmp_path)
    ann, carl = Event(a.id, 12, 14, 16, emotion="fear", coder="ann"), Event(b.id, 20, 22, 25, coder="carl")
    window.project.add_events([rejected(a.id, 3, 8), ann, carl])
    src = ix.write_events_csv([proposal(a.id, 3, 8), ann, carl], tmp_path / "all.csv",
                              {a.id: ix.Media(a.name, fps=30.0), b.id: ix.Media(b.name, fps=30.0)})
    monkeypatch.setattr(window, "confirm", lambda q: True)
    before = event_states(window, a, b)
    assert not window.ctx.execute(C.ImportEvents, path=str(src))
    assert window.errors == [f"{src}: no events to import (its 2 event(s) are already in the project; {SAID})"]
    assert event_states(window, a, b) == before


def test_elan_file_of_behaviours_and_a_reviewed_proposal_names_it(qtbot, window, tmp_path, monkeypatch):
    """An ELAN file whose coded events are all proposals reviewed here, beside a new behaviour event: imported as
    behaviour events alone, its line names the proposal left out too."""
    from merstudio.gui import dialogs as D

    a, b = two_video_project(window, tmp_path)
    p = window.project
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    [prop] = p.add_events([proposal(b.id, 10, 15)])
    ev = p.add_behaviour_event(BehaviourEvent(b.id, gaze.id, 2, 6, coder="alice"))
    [eaf] = ix.export_project_events(p, b.id, tmp_path / "n.eaf")
    p.replace_events([prop.id], [rejected(b.id, 10, 15)])  # bob rejected it since
    p.delete_behaviour_event(ev.id)
    monkeypatch.setattr(D.ImportPreviewDialog, "exec", lambda self: D.QDialog.DialogCode.Accepted)
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    assert window.errors == []
    assert window.statusBar().currentMessage() == f"Imported 1 behaviour event(s) from n.eaf ({SAID})"
    assert event_states(window, b) == [(b.id, 10, "bob", "rejected")] and len(p.behaviour_events(b.id)) == 1
