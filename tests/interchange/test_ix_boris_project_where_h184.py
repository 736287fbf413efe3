"""Notes about a .boris project name the observation and the event's time on its clock (a90 finding 9): a project
has no rows its user can find, and "row 2" was the row of a table merstudio made of it."""

from __future__ import annotations

import json

from merstudio.interchange import read_events


def test_notes_name_the_observation_and_the_time(tmp_path):
    f = "/data/clip.mp4"
    obs = {"file": {"1": [f], "2": []}, "type": "MEDIA", "date": "2024-03-01T10:00:00", "description": "",
           "time offset": 10.0, "independent_variables": {},
           # times as BORIS stores them: media time plus the offset; the second event starts past the media's end
           "events": [[10.5, "", "s", "", "", 15], [11.0, "", "s", "", "", 30],
                      [12.0, "", "s", "", "", 60], [12.5, "", "s", "", "", 75]],
           "media_info": {"length": {f: 1.5}, "fps": {f: 30.0}, "hasVideo": {f: True}, "hasAudio": {f: False},
                          "offset": {"1": 0.0, "2": 0.0}}}
    pj = {"time_format": "hh:mm:ss", "project_name": "p", "project_date": "2024-03-01T09:00:00",
          "project_description": "", "project_format_version": "7.0", "subjects_conf": {},
          "behaviors_conf": {"0": {"type": "State event", "key": "s", "code": "s", "description": "",
                                   "category": "", "modifiers": {}, "excluded": "", "coding map": ""}},
          "behavioral_categories": [], "coding_map": {}, "converters": {}, "independent_variables": {},
          "observations": {"session 1": obs}}
    path = tmp_path / "p.boris"
    path.write_text(json.dumps(pj), encoding="utf-8")
    notes = read_events(path, fps=30.0).notes
    assert "p.boris: observation 'session 1', event at 10.500 s: no apex; using the middle frame 22" in notes
    assert any(n.endswith("(its Media duration 1.500 s): observation 'session 1', event at 12.000 s") for n in notes)
    assert not any("row" in n for n in notes)
