"""A .boris project's event past the end of its media file (a point at 199.96 s on a 180.05-s video, from a real
BORIS project) is noted as the tables' are: it converted without a word."""

from __future__ import annotations

import json

from merstudio.interchange import read_boris_project


def test_an_event_past_the_media_s_end_is_noted(tmp_path) -> None:
    media = "/m/50FPS.mp4"
    state = {"type": "State event", "key": "h", "code": "happiness", "description": "", "category": "",
             "modifiers": {}, "excluded": "", "coding map": ""}
    point = {**state, "type": "Point event", "key": "p", "code": "nod"}
    pj = {"time_format": "hh:mm:ss", "project_name": "study", "project_date": "2024-03-01T09:00:00",
          "project_description": "", "project_format_version": "7.0",
          "subjects_conf": {"0": {"key": "1", "name": "participant", "description": ""}},
          "behaviors_conf": {"0": state, "1": point}, "behavioral_categories": [], "independent_variables": {},
          "coding_map": {}, "converters": {},
          "observations": {"obs": {
              "file": {"1": [media], "2": []}, "type": "MEDIA", "date": "2024-03-01T10:00:00", "description": "",
              "time offset": 0.0, "independent_variables": {},
              "media_info": {"length": {media: 180.05}, "fps": {media: 50.0}, "hasVideo": {media: True},
                             "hasAudio": {media: False}, "offset": {"1": 0.0, "2": 0.0}},
              "events": [[10.0, "participant", "happiness", "", ""], [12.0, "participant", "happiness", "", ""],
                         [199.96, "participant", "nod", "", ""]]}}}
    path = tmp_path / "study.boris"
    path.write_text(json.dumps(pj), encoding="utf-8")
    prev = read_boris_project(path, fps=50.0)
    assert len(prev.events) == 2  # the state, and the point (kept, as a table's is)
    assert any("past the end" in n and "180.050" in n for n in prev.notes), prev.notes
