"""A re-run that numbers the people otherwise moves each person's neutral frames and their rows in the model overlays
("previous predictions", dashed) to the face that is that person in its tracks, by the rule and in the transaction
that moves their events; undoing the re-run puts them back exactly, redoing it moves them again, and a cancelled
re-run over a complete run moves nothing (that run comes back with its faces). Before h313 only the events moved:
the relative view subtracted the other person's levels and each lane compared one person's new predictions with the
other one's old ones (audit a114, finding 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from merstudio.features.neutral import load_baselines
from merstudio.project import Event, Project
from merstudio.project.analyses import EVENT_FACES
from merstudio.project.faces import same_person_faces

N = 40
LEFT, RIGHT = (20.0, 30.0, 80.0, 100.0), (200.0, 30.0, 260.0, 100.0)  # two people side by side
KEY = "neutral.video.{}"


def _row(frame: int, face: int, box: tuple[float, float, float, float]) -> dict:
    x0, y0, x1, y1 = box
    return {"frame": frame, "face_id": face, "timestamp": frame / 30, "confidence": 0.9, "success": 1,
            "AU12_r": 1.0, "x_0": x0, "y_0": y0, "x_1": x1, "y_1": y0, "x_2": x1, "y_2": y1}


def _rows(ids: dict[str, int]) -> list[dict]:
    """Both people on every frame with the face ids ``ids`` gives them (a person left out is not analysed)."""
    return [_row(i, ids[who], box) for i in range(N) for who, box in (("left", LEFT), ("right", RIGHT))
            if who in ids]


def _run(p: Project, vid: int, rows: list[dict], status: str = "complete") -> int:
    """A run of ``rows``; a re-run's event faces checked and stored as the app's worker does."""
    prev = p.analysis(vid)
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, rows)
    found = same_person_faces(p, vid, prev.id, aid) if prev is not None else None
    p.finish_analysis(aid, status, event_faces=found.record() if found is not None else None)
    return aid


def _baseline(face: int, first: int, last: int, level: float) -> dict:
    return {"face_id": face, "first": first, "last": last, "values": {"AU04_r": level}, "frames": last - first + 1,
            "auto": False, "spread": 0.0, "absolute": [], "hidden": [], "fallback": False}


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    """Left person face 0, right person face 1, each with neutral frames (the left one's brows rest at AU4 0.5, the
    right one's at 2.0) and the model predictions kept as an overlay before a re-run (the left one p 0.2, the right
    one 0.9), as the app keeps them; an event on the right person."""
    with Project.create(tmp_path / "two.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=N, width=320, height=240).id
        _run(p, vid, _rows({"left": 0, "right": 1}))
        p.add_event(Event(vid, 10, 12, 14, face_id=1, emotion="happiness", coder="ann"))
        p.set_setting(KEY.format(vid), [_baseline(0, 2, 8, 0.5), _baseline(1, 4, 16, 2.0)])
        p.save_overlay(vid, "model: starter", pd.DataFrame(
            {"frame": [f for f in range(N) for _ in (0, 1)], "face_id": [0, 1] * N,
             "timestamp": [f / 30 for f in range(N) for _ in (0, 1)], "p_positive": [0.2, 0.9] * N}), kind="model")
        yield p, vid


def _levels(p: Project, vid: int) -> dict[int, float]:
    """Each face's neutral AU4 level, as the relative view and export read the baselines."""
    return {f: b.values["AU04_r"] for f, b in load_baselines(p, vid).items()}


def _predictions(p: Project, vid: int) -> dict[int, float]:
    """Each face's kept prediction at frame 20 (the overlay's rows there)."""
    o = p.load_overlay(vid, "model: starter")
    at = o[o.frame == 20]
    assert len(at) == len(set(at.face_id)), "one row a face and frame"
    return {int(f): round(float(v), 3) for f, v in zip(at.face_id, at.p_positive, strict=True)}


def test_a_rerun_that_swaps_the_ids_moves_the_neutral_frames_and_kept_predictions(proj):
    p, vid = proj
    first = p.analysis(vid).id
    stored = p.get_setting(KEY.format(vid))
    assert _levels(p, vid) == {0: 0.5, 1: 2.0} and _predictions(p, vid) == {0: 0.2, 1: 0.9}
    new = _run(p, vid, _rows({"left": 1, "right": 0}))
    # the right person (brows resting at 2.0, predicted 0.9) is face 0 now, with their event
    assert [e.face_id for e in p.events(vid)] == [0]
    assert _levels(p, vid) == {0: 2.0, 1: 0.5}
    assert {f: b.first for f, b in load_baselines(p, vid).items()} == {0: 4, 1: 2}
    assert _predictions(p, vid) == {0: 0.9, 1: 0.2}
    noted = p.analysis(vid).settings[EVENT_FACES]
    assert sorted(map(tuple, noted["moves"])) == [("event", 1, 1, 0), ("face", 0, 0, 1), ("face", 1, 1, 0),
                                                   ("neutral", 0, 0, 1), ("neutral", 1, 1, 0)]
    # undoing the re-run puts the run before, its neutral frames and predictions back exactly; redo moves them again
    p.set_active_analysis(vid, first)
    assert p.get_setting(KEY.format(vid)) == stored
    assert [e.face_id for e in p.events(vid)] == [1] and _predictions(p, vid) == {0: 0.2, 1: 0.9}
    p.set_active_analysis(vid, new)
    assert _levels(p, vid) == {0: 2.0, 1: 0.5} and _predictions(p, vid) == {0: 0.9, 1: 0.2}
    p.set_active_analysis(vid, first)
    assert _levels(p, vid) == {0: 0.5, 1: 2.0} and _predictions(p, vid) == {0: 0.2, 1: 0.9}


def test_a_rerun_with_the_same_ids_moves_nothing(proj):
    p, vid = proj
    stored = p.get_setting(KEY.format(vid))
    _run(p, vid, _rows({"left": 0, "right": 1}))
    assert p.get_setting(KEY.format(vid)) == stored and _predictions(p, vid) == {0: 0.2, 1: 0.9}
    noted = p.analysis(vid).settings[EVENT_FACES]
    assert noted["moves"] == [] and "neutral" not in noted and "overlays" not in noted


def test_a_cancelled_rerun_over_a_complete_run_moves_nothing(proj):
    """The app sets such a run aside (restore_complete_run): the complete run comes back with the faces its neutral
    frames and the kept predictions are on."""
    p, vid = proj
    first = p.analysis(vid).id
    stored = p.get_setting(KEY.format(vid))
    _run(p, vid, _rows({"left": 1, "right": 0}), status="cancelled")
    assert p.get_setting(KEY.format(vid)) == stored and _predictions(p, vid) == {0: 0.2, 1: 0.9}
    assert p.restore_complete_run(vid) == first
    assert _levels(p, vid) == {0: 0.5, 1: 2.0} and _predictions(p, vid) == {0: 0.2, 1: 0.9}


def test_the_right_person_alone_called_face_0_takes_face_0s_neutral_frames(proj):
    """One face a frame: the re-run follows the right person only and calls them face 0. Their neutral frames go to
    face 0, in place of the left person's (not in the re-run: kept with the run, back on undo)."""
    p, vid = proj
    first = p.analysis(vid).id
    stored = p.get_setting(KEY.format(vid))
    _run(p, vid, _rows({"right": 0}))
    assert _levels(p, vid) == {0: 2.0}
    assert [(k, f) for k, _, f, _ in p.analysis(vid).settings[EVENT_FACES]["lost"]] == [("neutral", 0)]
    # the left person's kept predictions go to a number nobody has (2): face 0's lane compares the right person's
    assert _predictions(p, vid) == {0: 0.9, 2: 0.2}
    p.set_active_analysis(vid, first)
    assert p.get_setting(KEY.format(vid)) == stored and _predictions(p, vid) == {0: 0.2, 1: 0.9}


def test_neutral_frames_the_coder_set_after_the_rerun_stay_through_its_undo(proj):
    p, vid = proj
    first = p.analysis(vid).id
    _run(p, vid, _rows({"left": 1, "right": 0}))
    mine = _baseline(0, 20, 30, 1.5)  # the coder's own choice for the right person, now face 0
    p.set_setting(KEY.format(vid), [mine, _baseline(1, 2, 8, 0.5)])
    p.set_active_analysis(vid, first)
    # face 0's is the coder's since: it stays; face 1's is as the re-run left it: the run before's comes back
    assert _levels(p, vid) == {0: 1.5, 1: 2.0}


def test_moved_baselines_keep_a_faces_own_and_entries_without_a_face():
    """Two numbers of one person (faces 0 and 2 both the re-run's 0): face 0's own neutral frames stay; an entry
    that names no face is kept as it is."""
    from merstudio.project.neutral import moved_baselines, switched_baselines

    odd = {"first": 1}
    new, done = moved_baselines([_baseline(0, 1, 5, 0.1), _baseline(2, 30, 35, 0.7), odd],
                                [["neutral", 2, 2, 0]])
    assert [b.get("face_id") for b in new] == [0, None] and new[0]["first"] == 1 and done == []
    assert switched_baselines(new, new, [_baseline(0, 1, 5, 0.1), odd]) == [_baseline(0, 1, 5, 0.1), odd]


def test_the_record_stays_small(proj):
    """The overlay's face columns are noted packed (undo needs them), not as rows."""
    p, vid = proj
    _run(p, vid, _rows({"left": 1, "right": 0}))
    noted = p.analysis(vid).settings[EVENT_FACES]
    assert [o[0] for o in noted["overlays"]] == ["model: starter"]
    assert len(json.dumps(noted["overlays"])) < 400
    assert np.array_equal(p.load_overlay(vid, "model: starter").face_id.unique(), [0, 1])


def test_neutral_frames_set_during_the_rerun_are_on_its_faces_already(proj):
    """Set while the re-run goes (the app shows its faces then: the right person is face 0 in it): not moved at its
    end; the ones set before are."""
    p, vid = proj
    first = p.analysis(vid).id
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows({"left": 1, "right": 0}))
    found = same_person_faces(p, vid, first, aid)
    p.set_setting(KEY.format(vid), [_baseline(0, 20, 30, 1.5), _baseline(1, 4, 16, 2.0)])  # face 0 chosen now
    p.finish_analysis(aid, event_faces=found.record())
    # face 0's (the right person's, as this run numbers them) stays; face 1's, as it was when the run began, is the
    # right person's of the run before: it goes to face 0, where face 0's own stays
    assert _levels(p, vid) == {0: 1.5}
    assert "neutral_at_start" not in p.analysis(vid).settings


def test_neutral_frames_set_during_a_cancelled_rerun_go_to_their_person_in_the_run_shown_again(proj):
    """Set on the re-run's face 0 (the right person there) while it went, then the re-run cancelled: the complete run
    comes back, and the neutral frames with it to the right person's face there (1), in place of the ones they had
    (the coder's latest word); those set before stay."""
    p, vid = proj
    first = p.analysis(vid).id
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows({"left": 1, "right": 0}))
    p.set_setting(KEY.format(vid), [_baseline(0, 20, 30, 1.5), _baseline(1, 4, 16, 2.0)])  # face 0 chosen now
    p.finish_analysis(aid, "cancelled", event_faces=same_person_faces(p, vid, first, aid).record())
    back = p.neutral_faces_back(vid, aid)
    assert back == [["neutral", 0, 0, 1]]
    assert p.restore_complete_run(vid, event_faces=back) == first
    assert {f: (b.first, b.values["AU04_r"]) for f, b in load_baselines(p, vid).items()} == {1: (20, 1.5)}
    assert p.neutral_faces_back(vid, aid) == []  # no such run now
