"""The event dialog tells the model's number from the coder's (h142; h250): it showed Confidence 0.790 bare beside
Coder alice, where the events CSV writes that event's 0.79 as model_confidence. Since h250 the model's number is
shown read only beside the coder's own Confidence ("model p 0.79"), which stays alice's whatever the fields say."""

from __future__ import annotations

import pytest

from merstudio.gui.dialogs import EventDialog
from merstudio.project import Event, Project
from merstudio.project.export import events_table

pytestmark = pytest.mark.gui


def test_an_accepted_proposals_number_is_shown_as_the_models(qtbot, tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="alice", source="model",
                             status="accepted", model_confidence=0.79))
        ev = proj.events(v.id)[0]
        row = events_table(proj).iloc[0]
    # the world's word on whose number it is: the events CSV writes it as the model's, none as alice's
    assert row["model_confidence"] == pytest.approx(0.79) and row["confidence"] != row["confidence"]
    dlg = EventDialog(ev, frame_count=100)
    qtbot.addWidget(dlg)
    assert dlg.model_p.text() == "model p 0.79" and "model_confidence" in dlg.model_p.toolTip()
    assert dlg.confidence.text() == "none"  # alice has given none
    for source, status in (("manual", "accepted"), ("model", "proposal"), ("model", "rejected")):
        dlg.source.setCurrentText(source)
        dlg.status.setCurrentText(status)
        assert dlg.model_p.text() == "model p 0.79" and dlg.confidence_label.text() == "Confidence"


def test_a_coders_own_confidence_has_no_models_number(qtbot):
    dlg = EventDialog(Event(1, 10, 12, 14, coder="bob", confidence=0.8), 100)
    qtbot.addWidget(dlg)
    assert dlg.confidence_label.text() == "Confidence" and dlg.confidence.value() == pytest.approx(0.8)
    assert dlg.model_p.text() == "model p \u2014"
