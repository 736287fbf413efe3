"""A .boris project's event past the end of its media file (a point at 199.96 s on a 180.05-s video, from a real
BORIS project) is noted as the tables' are: it converted without a word."""

from __future__ import annotations

from support.boris_projects import behaviour, media_observation, point, write_boris

from merstudio.interchange import read_boris_project


def test_an_event_past_the_media_s_end_is_noted(tmp_path) -> None:
    media = "/m/50FPS.mp4"
    path = write_boris(tmp_path / "study.boris", {"obs": media_observation([media], [
        [10.0, "participant", "happiness", "", ""], [12.0, "participant", "happiness", "", ""],
        [199.96, "participant", "nod", "", ""]], fps=50.0, lengths=180.05)},
        subjects=["participant"], ethogram=[behaviour("happiness", key="h"), point("nod", key="p")], name="study")
    prev = read_boris_project(path, fps=50.0)
    assert len(prev.events) == 2  # the state, and the point (kept, as a table's is)
    assert any("past the end" in n and "180.050" in n for n in prev.notes), prev.notes
