"""A re-run may number the people otherwise (fewer faces a frame, a cut tracked anew): each coded event, reviewed
proposal and behaviour event goes to the face that is, in the re-run's tracks, the person it was coded on (their
boxes overlap over its frames), or stays and is named when that person is not in the re-run; undoing the re-run puts
the events' faces back exactly, redoing it moves them again (h204)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from merstudio.project import Behaviour, BehaviourEvent, Event, Project
from merstudio.project.analyses import EVENT_FACES
from merstudio.project.faces import same_person_faces

N = 40
LEFT, RIGHT = (20.0, 30.0, 80.0, 100.0), (200.0, 30.0, 260.0, 100.0)  # two people side by side


def _row(frame: int, face: int, box: tuple[float, float, float, float]) -> dict:
    x0, y0, x1, y1 = box
    return {"frame": frame, "face_id": face, "timestamp": frame / 30, "confidence": 0.9, "success": 1,
            "AU12_r": 1.0, "x_0": x0, "y_0": y0, "x_1": x1, "y_1": y0, "x_2": x1, "y_2": y1}


def _rows(ids: dict[str, int], right: range = range(N), left: range = range(N)) -> list[dict]:
    """The left person on ``left``'s frames, the right one on ``right``'s, with the face ids ``ids`` gives them
    ({"left": 0, "right": 1}; a person left out is not analysed)."""
    out = []
    for i in range(N):
        for who, box, seen in (("left", LEFT, left), ("right", RIGHT, right)):
            if who in ids and i in seen:
                out.append(_row(i, ids[who], box))
    return out


def _run(p: Project, vid: int, rows: list[dict], status: str = "complete", moves: bool = True) -> int:
    """A run of ``rows``; a re-run's event faces checked and stored as the app's worker does."""
    prev = p.analysis(vid)
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, rows)
    found = same_person_faces(p, vid, prev.id, aid) if prev is not None and moves else None
    p.finish_analysis(aid, status, event_faces=found.record() if found is not None else None)
    return aid


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    """Left person face 0, right person face 1; a coded event and a behaviour event on the right person, a
    reviewed (accepted) proposal on the left one, an open proposal (a re-run replaces it: not moved)."""
    with Project.create(tmp_path / "two.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=N, width=320, height=240).id
        _run(p, vid, _rows({"left": 0, "right": 1}))
        p.add_event(Event(vid, 10, 12, 14, face_id=1, emotion="happiness", coder="ann"))
        p.add_event(Event(vid, 20, 22, 24, face_id=0, source="model", status="accepted", coder="ann"))
        p.add_event(Event(vid, 30, 31, 33, face_id=0, source="model", status="proposal"))
        b = p.add_behaviour(Behaviour("nod", kind="point"))
        assert b.id is not None
        p.add_behaviour_event(BehaviourEvent(vid, b.id, 30, 30, coder="ann", face_id=1))
        yield p, vid


def _faces(p: Project, vid: int) -> tuple[dict[int, int], list[int]]:
    return {e.onset: e.face_id for e in p.events(vid)}, [b.face_id for b in p.behaviour_events(vid)]


def test_a_rerun_that_swaps_the_ids_moves_each_event_to_its_person(proj):
    p, vid = proj
    first = p.analysis(vid).id
    before = _faces(p, vid)
    assert before == ({10: 1, 20: 0, 30: 0}, [1])
    new = _run(p, vid, _rows({"left": 1, "right": 0}))
    # the right person's event and nod are face 0 now, the left one's proposal face 1; the open proposal is not
    # the re-run's to move (it replaces them)
    assert _faces(p, vid) == ({10: 0, 20: 1, 30: 0}, [0])
    noted = p.analysis(vid).settings[EVENT_FACES]
    assert noted["from_run"] == first and sorted(map(tuple, noted["moves"])) == [
        ("behaviour", 1, 1, 0), ("event", 1, 1, 0), ("event", 2, 0, 1)]
    history = p.event_history(1)
    assert history[-1]["action"] == "update" and history[-1]["after"]["face_id"] == 0
    # undoing the re-run (its run before active again) puts the faces back exactly; redoing it moves them again
    p.set_active_analysis(vid, first)
    assert _faces(p, vid) == before
    p.set_active_analysis(vid, new)
    assert _faces(p, vid) == ({10: 0, 20: 1, 30: 0}, [0])
    p.set_active_analysis(vid, first)
    assert _faces(p, vid) == before


def test_the_line_names_the_moves(proj):
    p, vid = proj
    first = p.analysis(vid).id
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows({"left": 1, "right": 0}))
    found = same_person_faces(p, vid, first, aid)
    assert found.line() == (
        "3 events moved to the face they were coded on: event 1 (frames 10-14) from face 1 to face 0, "
        "event 2 (frames 20-24) from face 0 to face 1, nod event 1 (frame 30) from face 1 to face 0")


def test_a_rerun_with_the_same_ids_moves_nothing_and_says_nothing(proj):
    p, vid = proj
    before = _faces(p, vid)
    first = p.analysis(vid).id
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows({"left": 0, "right": 1}))
    found = same_person_faces(p, vid, first, aid)
    assert found.moves() == [] and found.line() == ""
    p.finish_analysis(aid, event_faces=found.record())
    assert _faces(p, vid) == before


def test_a_person_no_longer_analysed_keeps_the_face_id_and_is_named(proj):
    """One face a frame: the re-run follows the left person only, and calls them face 1 after a cut at frame 20 (as
    the audit's swap.mp4 did): the right person's event stays on face 1 and the line says its person is gone; the
    left person's proposal at 20-24 goes to face 1, the left person's face there."""
    p, vid = proj
    first = p.analysis(vid).id
    rows = [_row(i, 0 if i < 20 else 1, LEFT) for i in range(N)]
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, rows)
    found = same_person_faces(p, vid, first, aid)
    assert found.line() == (
        "1 event moved to the face it was coded on: event 2 (frames 20-24) from face 0 to face 1; "
        "2 events' people are not in the new run: event 1 (frames 10-14) left on face 1, nod event 1 (frame 30) left "
        "on face 1 (undoing the re-run brings back the run they were coded on)")
    p.finish_analysis(aid, event_faces=found.record())
    assert _faces(p, vid) == ({10: 1, 20: 1, 30: 0}, [1])
    p.set_active_analysis(vid, first)
    assert _faces(p, vid) == ({10: 1, 20: 0, 30: 0}, [1])


def test_an_event_where_its_face_was_not_seen_goes_by_the_nearest_frames(proj):
    """The right person is seen only up to frame 25 in the first run; a nod coded on them at 30 is matched on their
    nearest frames (16-25), where the re-run calls them face 0."""
    p, vid = proj
    first = _run(p, vid, _rows({"left": 0, "right": 1}, right=range(26)), moves=False)
    p.delete_events([e.id for e in p.events(vid) if e.onset != 20])
    _run(p, vid, _rows({"left": 1, "right": 0}))
    assert _faces(p, vid) == ({20: 1}, [0])
    assert p.analysis(vid).settings[EVENT_FACES]["from_run"] == first
    p.set_active_analysis(vid, first)
    assert _faces(p, vid) == ({20: 0}, [1])


def test_an_event_given_another_face_meanwhile_is_not_moved(proj):
    p, vid = proj
    first = p.analysis(vid).id
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows({"left": 1, "right": 0}))
    found = same_person_faces(p, vid, first, aid)
    ev = next(e for e in p.events(vid) if e.onset == 10)
    p.update_event(replace(ev, face_id=5))  # the coder's word, while the re-run went
    p.finish_analysis(aid, event_faces=found.record())
    assert _faces(p, vid)[0] == {10: 5, 20: 1, 30: 0}
    assert ["event", 1, 1, 0] not in p.analysis(vid).settings[EVENT_FACES]["moves"]
    p.set_active_analysis(vid, first)
    assert _faces(p, vid)[0] == {10: 5, 20: 0, 30: 0}


def test_a_cancelled_rerun_over_a_complete_run_moves_nothing(proj):
    """The app sets such a run aside (the complete run active again, restore_complete_run): the events stay."""
    p, vid = proj
    before = _faces(p, vid)
    first = p.analysis(vid).id
    _run(p, vid, _rows({"left": 1, "right": 0}), status="cancelled")
    assert _faces(p, vid) == before and EVENT_FACES not in p.analysis(vid).settings
    assert p.restore_complete_run(vid) == first and _faces(p, vid) == before


def test_a_lost_person_analysed_again_gets_their_event_back(proj):
    """One face a frame loses the right person (their event stays on face 1, which is the left person from frame 20
    in that run); a later re-run with both people (the right one face 2 now) finds them by the boxes the lost record
    kept, not by that run's face 1 (the left person near the event's frames)."""
    p, vid = proj
    _run(p, vid, [_row(i, 0 if i < 20 else 1, LEFT) for i in range(N)])
    assert _faces(p, vid) == ({10: 1, 20: 1, 30: 0}, [1])
    lost = p.analysis(vid).settings[EVENT_FACES]["lost"]
    assert [(k, i, f) for k, i, f, _ in lost] == [("event", 1, 1), ("behaviour", 1, 1)]
    assert lost[0][3][0] == [10, *RIGHT]  # the right person's box on the event's first frame
    second = p.analysis(vid).id
    _run(p, vid, _rows({"left": 0, "right": 2}))
    assert _faces(p, vid) == ({10: 2, 20: 0, 30: 0}, [2])
    p.set_active_analysis(vid, second)
    assert _faces(p, vid) == ({10: 1, 20: 1, 30: 0}, [1])
