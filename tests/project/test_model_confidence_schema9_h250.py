"""Schema 9 (h250): a model's event's number moves from ``confidence`` (the coder's own since) to
``model_confidence``, unless the event's history shows a coder changed it: then the number is that coder's and the
model's is the one its creation recorded."""

from __future__ import annotations

import json

import pytest
from support.old_projects import old_schema

from merstudio.project import Event, Project
from merstudio.project.store import ProjectUpgraded


def _event(eid: int, **kw) -> dict:
    return Event(1, 5 + eid, 6 + eid, 7 + eid, id=eid, **kw).to_dict()


def test_an_older_projects_confidences_are_told_apart_by_their_history(tmp_path):
    path = tmp_path / "old.merproj"
    con = old_schema(path, 8)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', NULL, 'h', 10, 30.0, 72, 64, 48, 0)")
    stored = {  # id: (source, status, coder, confidence now, confidence the model created it with or None: none)
        1: ("model", "proposal", "model", 0.44, 0.44),  # untouched proposal: the model's
        2: ("model", "accepted", "alice", 0.44, 0.44),  # accepted as it was: still the model's
        3: ("model", "accepted", "alice", 0.75, 0.52),  # alice typed 0.75 over the model's 0.52: hers
        4: ("model", "accepted", "bob", 0.75, None),  # no history: as it was read, the model's
        5: ("manual", "accepted", "bob", 0.9, 0.9),  # a coder's own event: as it is
    }
    for eid, (source, status, coder, now, made) in stored.items():
        con.execute("INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                    " note, source, status, created, modified) VALUES (?, 1, 0, ?, ?, ?, '', '', ?, ?, '', ?, ?, 0, 0)",
                    (eid, 5 + eid, 6 + eid, 7 + eid, coder, now, source, status))
        if made is None:
            continue
        first = _event(eid, source=source, status="proposal" if source == "model" else status,
                       coder="model" if source == "model" else coder, confidence=made)
        con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after)"
                    " VALUES (?, 0, 'create', ?, NULL, ?)", (eid, first["coder"], json.dumps(first)))
        if status != first["status"] or now != made:
            last = {**first, "status": status, "coder": coder, "confidence": now}
            con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after)"
                        " VALUES (?, 1, 'update', ?, ?, ?)", (eid, coder, json.dumps(first), json.dumps(last)))
    con.close()
    with pytest.warns(ProjectUpgraded), Project.open(path) as proj:
        got = {e.id: (e.confidence, e.model_confidence) for e in proj.events()}
    assert got == {1: (None, 0.44), 2: (None, 0.44), 3: (0.75, 0.52), 4: (None, 0.75), 5: (0.9, None)}
