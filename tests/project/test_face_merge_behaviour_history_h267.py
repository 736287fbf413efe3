"""A face merge (or split) moves the behaviour events on the merged face to the kept one and logs each move in the
behaviour events' history, as it logs the events' moves, in its own transaction; its undo logs the move back. Before,
nothing was logged, so a merge of two copies could not tell the move from no edit: the other copy's note edit
replaced the moved event, back on the face merged away (h267 item 2)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from support.merge_copies import study

from merstudio.project import Project
from merstudio.project.faces import merge_faces
from merstudio.project.merge import apply_merge, plan_merge


def _two_shots(folder: Path) -> Path:
    """alice's study with an analysis of one person in two shots (face 0 in frames 0-99, face 1 in 100-199) and her
    'gaze away' behaviour event moved onto face 1 (frames 150-160)."""
    path = study(folder)
    with Project.open(path) as p:
        vid = p.videos()[0].id
        aid = p.begin_analysis(vid, {}, device="cpu")
        p.append_frames(aid, [{"frame": i, "face_id": int(i >= 100), "timestamp": i / 30, "confidence": 0.9,
                               "success": 1, "AU12_r": 0.5} for i in range(200)])
        p.finish_analysis(aid)
        e = p.behaviour_events(vid)[0]
        p.update_behaviour_event(replace(e, onset=150, offset=160, face_id=1))
    return path


def _faces(path: Path) -> list[tuple[int, str]]:
    with Project.open(path, read_only=True) as p:
        return sorted((e.face_id, e.note) for e in p.behaviour_events())


def test_a_face_merge_logs_its_behaviour_event_moves_and_undo_logs_them_back(tmp_path: Path) -> None:
    path = _two_shots(tmp_path / "A")
    with Project.open(path) as p:
        bid = p.behaviour_events()[0].id
        assert bid is not None
        logged = len(p.behaviour_event_history(bid))
        change = merge_faces(p, p.videos()[0].id, 0, 1)
        assert change.behaviour_events == (bid,)
        moved = p.behaviour_event_history(bid)[logged:]
        assert [(r["action"], r["before"]["face_id"], r["after"]["face_id"]) for r in moved] == [("update", 1, 0)]
        p.undo_face_change(change)
        back = p.behaviour_event_history(bid)[logged + 1:]
        assert [(r["action"], r["before"]["face_id"], r["after"]["face_id"]) for r in back] == [("update", 0, 1)]
        assert p.behaviour_events()[0].face_id == 1


def test_a_split_logs_its_behaviour_event_moves(tmp_path: Path) -> None:
    path = _two_shots(tmp_path / "A")
    with Project.open(path) as p:
        bid = p.behaviour_events()[0].id
        assert bid is not None
        logged = len(p.behaviour_event_history(bid))
        change = p.split_face(p.videos()[0].id, 1, 140)
        moved = p.behaviour_event_history(bid)[logged:]
        assert [(r["action"], r["before"]["face_id"], r["after"]["face_id"]) for r in moved] == \
            [("update", 1, change.target)]


def test_a_face_merge_in_one_copy_and_a_note_in_the_other_are_both_kept(tmp_path: Path) -> None:
    a = _two_shots(tmp_path / "A")
    shutil.copytree(a.parent, tmp_path / "B")
    b = tmp_path / "B" / a.name
    with Project.open(a) as p:  # alice: faces 0 and 1 are one person
        merge_faces(p, p.videos()[0].id, 0, 1)
    with Project.open(b) as p:  # bob: a note on the event, still on face 1 in his copy
        e = p.behaviour_events()[0]
        p.update_behaviour_event(replace(e, note="bob: eyes down"))
    # merged into alice's copy: bob's edit replaced the event, back on face 1 (no face of her run) and unsaid
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert "  behaviour events: 0 new, 0 updated, 0 deleted, 1 conflict, 0 already here" in plan.lines()
        apply_merge(p, plan)
    assert _faces(a) == [(0, ""), (1, "bob: eyes down")]
    # and the other way: alice's move was taken for no edit, and bob's note stood alone
    with Project.open(b) as p:
        plan = plan_merge(p, a)
        assert plan.counts(plan.behaviour_events)["conflict"] == 1
