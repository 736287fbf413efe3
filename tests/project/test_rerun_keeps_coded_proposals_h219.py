"""A re-run replaces the model's open proposals and only those: a coder's own event whose status is "proposal" (set
in the Event dialog, an events CSV row so) is kept, as the question before the re-run promises (h219)."""

from __future__ import annotations

import pytest
from project_rows import rows

from merstudio.errors import InputError
from merstudio.project import Event, Project
from merstudio.project.event_store import is_model_proposal


def _model(vid: int, onset: int) -> Event:
    return Event(vid, onset, onset + 1, onset + 2, source="model", status="proposal", coder="model")


def test_a_rerun_keeps_a_coders_event_whose_status_is_proposal(project: Project):
    vid = project.videos()[0].id
    mine = project.add_event(Event(vid, 20, 30, 39, emotion="happiness", aus="6+12", coder="alice",
                                   note="my smile", status="proposal"))
    imported = project.add_event(Event(vid, 1, 2, 3, coder="bob", source="imported", status="proposal"))
    model = [e for e in project.events(vid) if e.source == "model"]
    assert [e.id for e in project.proposals(vid)] == [e.id for e in model]  # the model's alone
    aid = project.begin_analysis(vid)
    project.append_frames(aid, rows(40))
    removed, stored = project.finish_analysis(aid, proposals=[_model(vid, 10)])
    assert [e.id for e in removed] == [e.id for e in model]
    left = {e.id: e for e in project.events(vid)}
    assert left[mine.id] == mine and left[imported.id] == imported
    assert [e.id for e in project.proposals(vid)] == [e.id for e in stored]
    # and the undo of the re-run (the previous proposals put back) leaves them too
    project.replace_proposals(vid, removed)
    assert {mine.id, imported.id} <= {e.id for e in project.events(vid)}


def test_only_a_model_proposal_is_stored_as_one(project: Project):
    vid = project.videos()[0].id
    with pytest.raises(InputError, match="not an open proposal of the model"):
        project.replace_proposals(vid, [Event(vid, 1, 2, 3, status="proposal")])  # source manual
    assert is_model_proposal(_model(vid, 1))
    assert not is_model_proposal(Event(vid, 1, 2, 3, status="proposal"))
    assert not is_model_proposal(Event(vid, 1, 2, 3, source="model", status="accepted"))
