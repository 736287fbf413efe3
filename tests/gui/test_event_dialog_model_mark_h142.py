"""The event dialog marks a reviewed model proposal's confidence as the model's, as the events table's conf cell
does ('0.79 (model)', 4ff0610): it showed Confidence 0.790 bare beside Coder alice, where the events CSV leaves
that event's confidence empty and writes 0.79 as model_confidence. The mark follows the fields as they are edited."""

from __future__ import annotations

import pytest

from merstudio.gui.dialogs import EventDialog
from merstudio.project import Event, Project
from merstudio.project.export import events_table

pytestmark = pytest.mark.gui


def _label(dlg: EventDialog) -> str:
    return dlg.layout().itemAt(0).layout().labelForField(dlg.confidence).text()


def test_an_accepted_proposals_confidence_is_marked_as_the_models(qtbot, tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="alice", source="model",
                             status="accepted", confidence=0.79))
        ev = proj.events(v.id)[0]
        row = events_table(proj).iloc[0]
    # the world's word on whose number it is: the events CSV writes it as the model's, none as alice's
    assert row["model_confidence"] == pytest.approx(0.79) and row["confidence"] != row["confidence"]
    dlg = EventDialog(ev, frame_count=100)
    qtbot.addWidget(dlg)
    assert _label(dlg) == "Confidence (model)"
    assert "not alice's" in dlg.confidence.toolTip() and "model_confidence" in dlg.confidence.toolTip()
    dlg.source.setCurrentText("manual")  # now alice's own number: no mark
    assert _label(dlg) == "Confidence" and not dlg.confidence.toolTip()
    dlg.source.setCurrentText("model")
    dlg.status.setCurrentText("proposal")  # an open proposal's number is the model's, with no coder beside it
    assert _label(dlg) == "Confidence"
    dlg.status.setCurrentText("rejected")
    assert _label(dlg) == "Confidence (model)"
    dlg.confidence.setValue(-0.01)  # "none": no number to mark
    assert _label(dlg) == "Confidence"


def test_a_coders_own_confidence_is_not_marked(qtbot):
    dlg = EventDialog(Event(1, 10, 12, 14, coder="bob", confidence=0.8), 100)
    qtbot.addWidget(dlg)
    assert _label(dlg) == "Confidence" and not dlg.confidence.toolTip()
