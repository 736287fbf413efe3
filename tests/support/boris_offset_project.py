"""A small BORIS 7 project in the layout of BORIS's own tests/files/test.boris (audit a90 findings 5, 6): a point
event, a state event, one media observation with a time offset and the media's length."""

from __future__ import annotations

import json
from pathlib import Path

CLIP = "video_test_25fps_180s.mp4"


def offset_boris(path: Path, offset: float = 10.0) -> Path:
    """Point event p, state event s; one media observation of CLIP (179.96 s at 25 fps) with time offset
    ``offset``: p at 12.425 s of the media, s from 20.0 to 21.0 s."""
    def behaviour(code: str, kind: str) -> dict:
        return {"type": kind, "key": code, "code": code, "description": "", "category": "", "modifiers": {},
                "excluded": "", "coding map": ""}

    path.write_text(json.dumps({
        "time_format": "hh:mm:ss", "project_name": "test", "project_date": "2016-11-27T01:55:22",
        "project_format_version": "7.0", "project_description": "", "behavioral_categories": [], "coding_map": {},
        "converters": {}, "independent_variables": {}, "subjects_conf": {},
        "behaviors_conf": {"0": behaviour("p", "Point event"), "1": behaviour("s", "State event")},
        "observations": {"offset positif": {
            "date": "2016-12-10T15:44:57", "file": {"1": [CLIP], "2": []}, "type": "MEDIA", "description": "",
            "time offset": offset, "independent_variables": {}, "visualize_spectrogram": False,
            "close_behaviors_between_videos": False,
            "events": [[12.425 + offset, "", "p", "", ""], [20.0 + offset, "", "s", "", ""],
                       [21.0 + offset, "", "s", "", ""]],
            "media_info": {"length": {CLIP: 179.96}, "fps": {CLIP: 25.0}, "hasVideo": {CLIP: True},
                           "hasAudio": {CLIP: False}, "offset": {"1": 0.0, "2": 0.0}}}}}), encoding="utf-8")
    return path
