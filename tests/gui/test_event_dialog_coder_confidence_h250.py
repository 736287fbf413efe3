"""The Event dialog's Confidence is the coder's own; the model's probability is shown beside it, read only (h250,
audit a100): the dialog labelled the one number "Confidence (model)", so a coder who accepted a proposal of a run
without a checkpoint and set 0.75 had it exported as the model's, and no coder could record a rating of their own
on a model's event."""

from __future__ import annotations

import math

import pytest
from PySide6.QtWidgets import QLabel

from merstudio.gui.dialogs import EventDialog
from merstudio.project import Event, Project
from merstudio.project.export import events_table

pytestmark = pytest.mark.gui


def _label(dlg: EventDialog) -> str:
    form = dlg.layout().itemAt(0).layout()
    return form.labelForField(dlg.confidence.parentWidget()).text()


def test_a_coders_rating_of_an_accepted_proposal_is_exported_as_the_coders(qtbot, tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=100, width=64, height=48)
        # a run without a checkpoint: the proposal has no model's number
        ev = proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", aus="12", coder="model", source="model",
                                  status="proposal"))
        dlg = EventDialog(ev, frame_count=100)
        qtbot.addWidget(dlg)
        assert _label(dlg) == "Confidence"
        assert dlg.model_p.text() == "model p \u2014"  # no number from a model
        dlg.coder.setText("alice")
        dlg.status.setCurrentText("accepted")
        dlg.confidence.setValue(0.75)
        assert _label(dlg) == "Confidence"  # never "Confidence (model)": the number is alice's
        proj.update_event(dlg.result_event())
        row = events_table(proj).iloc[0]
    assert row["confidence"] == pytest.approx(0.75) and math.isnan(row["model_confidence"])


def test_the_models_number_is_shown_read_only_beside_the_coders(qtbot):
    ev = Event(1, 10, 12, 14, coder="bob", confidence=None, model_confidence=0.83, source="model",
               status="accepted", model="starter.pt (26e4a6027a09)", id=3)
    dlg = EventDialog(ev, 100)
    qtbot.addWidget(dlg)
    assert isinstance(dlg.model_p, QLabel) and dlg.model_p.text() == "model p 0.83"
    assert "starter.pt" in dlg.model_p.toolTip() and "model_confidence" in dlg.model_p.toolTip()
    assert dlg.confidence.text() == "none"  # bob has given none: the model's number is not his
    dlg.confidence.setValue(0.6)
    out = dlg.result_event()
    assert (out.confidence, out.model_confidence) == (0.6, 0.83)
    dlg.source.setCurrentText("manual")  # a source edited: the model's number stays the model's
    assert dlg.result_event().model_confidence == 0.83


def test_ok_without_an_edit_keeps_both_numbers(qtbot):
    ev = Event(1, 10, 12, 14, coder="bob", confidence=0.6254, model_confidence=0.8312, source="model",
               status="accepted", id=3)
    dlg = EventDialog(ev, 100)
    qtbot.addWidget(dlg)
    assert dlg.result_event() == ev
