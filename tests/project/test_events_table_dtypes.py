"""events_table's confidence columns are numbers (NaN where none) whatever the events: with only coder events
they were object columns of None, so df["confidence"].mean() raised and dtypes changed with the data."""

from __future__ import annotations

import numpy as np

from merstudio.project import Event, Project
from merstudio.project.export import events_table


def test_confidences_are_float_columns_with_or_without_values(tmp_path) -> None:
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=100, width=64, height=48)
        proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="ann"))
        only_coders = events_table(proj)
        proj.add_event(Event(v.id, 30, 32, 35, emotion="positive", coder="model", source="model", model_confidence=0.8))
        both = events_table(proj)
    for df in (only_coders, both):
        assert df["confidence"].dtype == np.float64 and df["model_confidence"].dtype == np.float64
    assert np.isnan(only_coders["model_confidence"]).all()
    assert sorted(both["model_confidence"].dropna().tolist()) == [0.8]
