"""BORIS projects (.boris) for the interchange tests, in the layout BORIS 8 saves them (its own tests/files/test.boris):
one skeleton, the tests giving only what they are about (the ethogram, the subjects, the observations' media and
events)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any


def behaviour(code: str, sets: Sequence[tuple[str, Sequence[str]]] = (), kind: str = "State event",
              key: str | None = None) -> dict[str, Any]:
    """An ethogram entry: ``sets`` its modifier sets, (name, values); ``kind`` "State event" or "Point event"."""
    return {"type": kind, "key": code if key is None else key, "code": code, "description": "", "category": "",
            "modifiers": {str(i): {"name": n, "type": 1, "values": list(v)} for i, (n, v) in enumerate(sets)},
            "excluded": "", "coding map": ""}


def point(code: str, key: str | None = None) -> dict[str, Any]:
    return behaviour(code, kind="Point event", key=key)


def media_observation(files: Sequence[str], events: Sequence[Sequence[Any]], fps: float = 30.0,
                      lengths: float | Sequence[float] = 60.0, offset: float = 0.0, player2: Sequence[str] = (),
                      variables: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """An observation of player 1 playing ``files`` in turn (and player 2 ``player2``), each ``lengths`` s long (one
    for all, or one each) at ``fps``; ``events`` [time, subject, code, modifier, comment(, frame index)], times as
    BORIS stores them (media time plus the time ``offset``); ``variables``: its independent variables' values."""
    every = [*files, *player2]
    length = dict(zip(every, lengths, strict=True)) if isinstance(lengths, Sequence) else dict.fromkeys(every, lengths)
    return {"file": {"1": list(files), "2": list(player2)}, "type": "MEDIA", "date": "2024-03-01T10:00:00",
            "description": "", "time offset": offset, "independent_variables": dict(variables or {}),
            "events": [list(e) for e in events],
            "media_info": {"length": length, "fps": dict.fromkeys(every, fps), "hasVideo": dict.fromkeys(every, True),
                           "hasAudio": dict.fromkeys(every, False), "offset": {"1": 0.0, "2": 0.0}},
            **extra}


def boris_project(observations: Mapping[str, dict[str, Any]], subjects: Iterable[str] = (),
                  ethogram: Iterable[str | dict[str, Any]] = ("s",), variables: Iterable[str] = (),
                  name: str = "p") -> dict[str, Any]:
    """The project: ``subjects`` by name (keys 1, 2, ... as BORIS's users set them), ``ethogram`` codes of state
    events or :func:`behaviour` entries, ``variables`` the labels of its text independent variables."""
    return {"time_format": "hh:mm:ss", "project_name": name, "project_date": "2024-03-01T09:00:00",
            "project_description": "", "project_format_version": "7.0",
            "subjects_conf": {str(i): {"key": str(i + 1), "name": n, "description": ""}
                              for i, n in enumerate(subjects)},
            "behaviors_conf": {str(i): behaviour(b) if isinstance(b, str) else b for i, b in enumerate(ethogram)},
            "behavioral_categories": [], "coding_map": {}, "converters": {},
            "independent_variables": {str(i): {"label": k, "description": "", "type": "text", "default value": "",
                                               "possible values": ""} for i, k in enumerate(variables)},
            "observations": dict(observations)}


def write_boris(path: Path, observations: Mapping[str, dict[str, Any]], **project: Any) -> Path:
    """:func:`boris_project` written to ``path`` (UTF-8 JSON, as BORIS saves it)."""
    path.write_text(json.dumps(boris_project(observations, **project)), encoding="utf-8")
    return path
