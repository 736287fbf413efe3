"""An accepted model proposal's number is the model's (h139): the events CSV writes it as `model_confidence`, apart
from the coder's own `confidence`; the events table showed it bare beside the coder (alice, 0.79). Since h250 an
event holds both (Event.model_confidence): the conf cell shows the coder's, the model's as "model p 0.79"."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from merstudio.project import Event, Project
from merstudio.project.export import events_table

pytestmark = pytest.mark.gui


def test_the_conf_cell_says_whose_number_it_is_as_the_csv_does(qtbot, tmp_path) -> None:
    from merstudio.gui.events_table import COLUMNS, EventsTable

    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="alice", source="model",
                             status="accepted", model_confidence=0.79))
        proj.add_event(Event(v.id, 30, 32, 35, emotion="positive", coder="model", source="model",
                             status="proposal", model_confidence=0.63))
        proj.add_event(Event(v.id, 70, 72, 75, emotion="positive", coder="carol", source="model",
                             status="accepted", confidence=0.7, model_confidence=0.91))
        proj.add_event(Event(v.id, 50, 52, 55, emotion="negative", coder="bob", confidence=0.8))
        evs = proj.events(v.id)
        csv = events_table(proj).set_index("onset_frame")
    table = EventsTable()
    qtbot.addWidget(table)
    table.model_.set_events(evs, 30.0)
    table.resize(900, 200)
    table.show()
    qtbot.waitExposed(table)
    m, c = table.model_, COLUMNS.index("conf")
    cells = {e.onset: m.data(m.index(r, c)) for r, e in enumerate(evs)}
    tips = {e.onset: m.data(m.index(r, c), Qt.ItemDataRole.ToolTipRole) for r, e in enumerate(evs)}
    # the accepted proposal: no coder's confidence in the CSV, the model's number there as the model's
    assert math.isnan(csv.loc[10, "confidence"]) and csv.loc[10, "model_confidence"] == pytest.approx(0.79)
    assert cells[10] == f"model p {csv.loc[10, 'model_confidence']:.2f}" and "model's probability" in tips[10]
    # the open proposal: the model's number too, in model_confidence alone since h224 (the CSV's confidence is a
    # coder's); a coder's own number: as the CSV's confidence, unmarked
    assert math.isnan(csv.loc[30, "confidence"]) and cells[30] == f"model p {csv.loc[30, 'model_confidence']:.2f}"
    assert cells[50] == f"{csv.loc[50, 'confidence']:.2f}" and tips[50] is None
    # carol's own rating and the model's, each as the CSV has it
    assert cells[70] == f"{csv.loc[70, 'confidence']:.2f} (model p {csv.loc[70, 'model_confidence']:.2f})"
    # the widest text is not cut off: the column is as wide as it
    width = table.fontMetrics().horizontalAdvance(cells[70])
    assert table.columnWidth(c) >= width
