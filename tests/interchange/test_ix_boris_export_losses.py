"""A BORIS project has no field for an event's confidence or source (its events are [time, subject, code, modifier,
comment, frame]): an export says so in one line where the events have them, instead of dropping them silently."""

from __future__ import annotations

from dataclasses import replace

from ix_helpers import sample_events

from merstudio.interchange import Media, read_events, write_boris_project
from merstudio.interchange.boris_project import export_losses


def test_the_line_counts_what_the_project_cannot_hold(tmp_path):
    events = sample_events()  # 2 with a confidence; 6 manual or model, 1 imported
    scored = sum(e.confidence is not None for e in events)
    sourced = [e for e in events if e.source != "imported"]
    line = export_losses(events)
    assert "\n" not in line
    assert f"confidence of {scored} event(s)" in line
    assert f"source of {len(sourced)} manual/model event(s)" in line
    # what the line says is what a round trip shows: no confidence, every source 'imported'
    write_boris_project(events, tmp_path / "p.boris", Media("/v/clip.mp4", fps=30.0, frame_count=100))
    back = read_events(tmp_path / "p.boris", fps=30.0).accept()
    assert len(back) == len(events)
    assert all(e.confidence is None and e.source == "imported" for e in back)


def test_nothing_to_say_where_nothing_is_lost():
    plain = [replace(e, confidence=None, source="imported") for e in sample_events()]
    assert export_losses(plain) == ""
    assert export_losses([]) == ""
    only_conf = [replace(e, source="imported") for e in sample_events()]
    line = export_losses(only_conf)
    assert "confidence" in line and "source" not in line
