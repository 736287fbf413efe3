"""A coder's own event is never an open proposal the re-run replaces (h219): the Event dialog offers "proposal" only
for the model's events, and one of a coder's that has that status anyway (an events CSV row) stays through Ctrl+R,
as the question before the run promised."""

from __future__ import annotations

from helpers import open_and_analyse
from PySide6.QtWidgets import QDialog

from merstudio.gui import commands as C
from merstudio.gui import dialogs as D
from merstudio.project import Event


def _statuses(dlg: D.EventDialog) -> list[str]:
    return [dlg.status.itemText(i) for i in range(dlg.status.count())]


def test_the_event_dialog_offers_proposal_for_the_models_events_alone(qtbot, window, video_path, monkeypatch):
    win = open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert win.ctx.execute(C.NewEvent, onset=20, offset=30, emotion="happiness", aus="6+12", note="my smile")
    offered: list[list[str]] = []

    def edit(dlg: D.EventDialog) -> int:
        offered.append(_statuses(dlg))
        dlg.source.setCurrentText("model")  # the coder calls it the model's: then it may be an open proposal
        offered.append(_statuses(dlg))
        dlg.status.setCurrentText("proposal")
        dlg.source.setCurrentText("manual")  # and back: a coder's event again, accepted
        offered.append(_statuses(dlg))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(D.EventDialog, "exec", edit)
    assert win.ctx.execute(C.EditEvent), win.errors
    assert offered == [["accepted", "rejected"], ["proposal", "accepted", "rejected"], ["accepted", "rejected"]]
    assert win.project.event(win.selected_event_id).status == "accepted"
    # a coder's event stored as a proposal (an events CSV row so) keeps it on offer: OK without an edit changes nothing
    ev = win.project.add_event(Event(win.video.id, 40, 42, 44, coder="bob", source="imported", status="proposal"))
    dlg = D.EventDialog(ev, win.frame_count)
    assert _statuses(dlg) == ["proposal", "accepted", "rejected"] and dlg.result_event() == ev
    dlg.source.setCurrentText("manual")
    assert _statuses(dlg) == ["accepted", "rejected"] and dlg.status.currentText() == "accepted"
    dlg.deleteLater()


def test_a_rerun_keeps_a_coders_event_whose_status_is_proposal(qtbot, window, video_path):
    win = open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert win.ctx.execute(C.NewEvent, onset=20, offset=30, emotion="happiness", aus="6+12", note="my smile")
    mine = win.project.event(win.selected_event_id)
    assert win.ctx.execute(C.EditEvent, event_id=mine.id, changes={"status": "proposal"}), win.errors
    mine = win.project.event(mine.id)
    assert (mine.source, mine.status) == ("manual", "proposal")
    models = [e.id for e in win.project.events(win.video.id) if e.source == "model" and e.status == "proposal"]
    assert models
    asked: list[str] = []
    win.confirm = lambda q: asked.append(q) or True
    assert win.ctx.execute(C.RunAnalysis, settings={}), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert not win.errors, win.errors
    assert len(asked) == 1 and "1 coded event" in asked[0] and "Coded events are kept" in asked[0]
    assert win.project.event(mine.id) == mine  # kept, as promised
    assert mine.id in {e.id for e in win.coding.events}
    assert not set(models) & {e.id for e in win.project.events(win.video.id)}  # the model's were replaced
    assert {e.source for e in win.project.proposals(win.video.id)} == {"model"}


def test_the_import_preview_says_how_a_coders_proposals_are_read():
    evs = [Event(1, 1, 2, 3, coder="bob", source="imported", status="proposal"),
           Event(1, 5, 6, 7, source="model", status="proposal"), Event(1, 8, 9, 9, coder="bob")]
    from merstudio.interchange.events_csv import coders_proposals_note  # every import says it (h226)

    note = coders_proposals_note(evs)
    assert "1 event(s) of a coder" in note and "a re-run of the analysis keeps them" in note
    assert coders_proposals_note(evs[1:]) == ""
