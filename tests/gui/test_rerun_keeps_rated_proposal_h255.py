"""A coder's rating on a still-open proposal counts as an edit (h255 item 3, after h250's split of the coder's
confidence from the model's): a re-run replaces open proposals, keeping those the coder edited while it ran, and
asks first about those edited before it; the "was it edited" check looked at frames, emotion, AUs and note only, so a
proposal the coder rated (or put their name on) and left open was replaced without a word. A proposal recorded
before schema 9 (the model's number in its creation's confidence, moved to model_confidence) is no edit."""

from __future__ import annotations

import pytest
from gui_fixtures import SPOTS
from helpers import finish_parked, open_and_analyse, parked_rerun

from merstudio.gui import commands as C
from merstudio.gui.analysis_control import edited_proposal
from merstudio.project.events import Event

pytestmark = pytest.mark.gui


def test_a_proposal_rated_during_a_rerun_is_kept(qtbot, window, video_path, fake_analysis):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    vid = win.video.id
    (on, _apex, off) = SPOTS[1]
    second = next(e for e in win.project.proposals(vid) if e.onset == on)
    assert second.confidence is None
    gate = parked_rerun(qtbot, win, fake_analysis)
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"confidence": 0.7})  # rated, left open
    finish_parked(qtbot, win, fake_analysis, gate)
    kept = [e for e in win.project.proposals(vid) if e.onset == on]
    assert [(e.id, e.confidence) for e in kept] == [(second.id, 0.7)]  # the coder's rating stands, once
    line = win.statusBar().currentMessage()
    assert f"kept 1 proposal you edited during the run (positive {on}-{off})" in line, line
    assert not win.errors


def test_a_proposal_rated_before_a_rerun_is_asked_about(qtbot, window, video_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    first, second = sorted(win.project.proposals(win.video.id), key=lambda e: e.onset)
    assert win.analysis.rerun_question() is None  # as the model wrote them: nothing to lose
    assert win.ctx.execute(C.EditEvent, event_id=first.id, changes={"confidence": 0.4})
    q = win.analysis.rerun_question()
    assert q is not None and "has 1 edited open proposal." in q, q
    win.undo_stack.undo()
    assert win.analysis.rerun_question() is None
    # the coder's name on it is theirs too
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"coder": "alice"})
    assert "has 1 edited open proposal." in (win.analysis.rerun_question() or "")


class _History:
    """A project whose one event's creation was recorded as ``made``."""

    def __init__(self, made: dict) -> None:
        self.made = made

    def event_history(self, _event_id: int) -> list[dict]:
        return [{"action": "create", "after": self.made}]


def test_a_proposal_recorded_before_schema_9_is_no_edit():
    # schema 9 moved the model's 0.44 from confidence to model_confidence; its creation's record still has it in
    # confidence, and no model_confidence
    now = Event(1, 10, 12, 15, emotion="positive", aus="12", coder="model", source="model", status="proposal", id=7,
                model_confidence=0.44)
    made = {k: v for k, v in now.to_dict().items() if k != "model_confidence"} | {"confidence": 0.44}
    assert not edited_proposal(_History(made), now)
    # a coder's rating kept by schema 9 (their update of before): an edit
    assert edited_proposal(_History(made), Event(**{**now.to_dict(), "confidence": 0.9}))
    # recorded since: the model's number in model_confidence, the coder's rating an edit
    since = now.to_dict()
    assert not edited_proposal(_History(since), now)
    assert edited_proposal(_History(since), Event(**{**since, "confidence": 0.44}))
