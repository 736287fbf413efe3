"""Merging face tracks: one person seen in two shots becomes one face in frames, events, overlays and baselines;
two faces seen in one frame are refused; undo puts everything back; a re-run repeats the merge where it finds the
same tracks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from merstudio.errors import InputError
from merstudio.features.neutral import NeutralBaseline, load_baselines, store_baselines
from merstudio.project import Behaviour, BehaviourEvent, Event, Project
from merstudio.project.faces import carry_face_edits, merge_faces, remap_face


def _shots(n: int = 40, other: tuple[int, int] = (25, 31)) -> list[dict]:
    """A wide shot (face 0, frames 0-19), then a close-up of the same person (face 1, frames 20-39), and a second
    person (face 2) beside the close-up in frames ``other``."""
    out = []
    for i in range(n):
        faces = [0] if i < 20 else [1]
        if other[0] <= i < other[1]:
            faces.append(2)
        for f in faces:
            out.append({"frame": i, "face_id": f, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                        "AU12_r": round(0.1 * i + f, 3), "AU12_c": int(i > 10),
                        "x_0": float(i), "y_0": float(f)})
    return out


def _run(p: Project, vid: int, rows: list[dict]) -> int:
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, rows)
    p.finish_analysis(aid)
    return aid


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    with Project.create(tmp_path / "shots.merproj") as p:
        v = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        _run(p, v.id, _shots())
        p.add_event(Event(v.id, 22, 24, 27, face_id=1, emotion="positive", aus="12", coder="ann"))
        p.add_event(Event(v.id, 5, 6, 8, face_id=0, emotion="negative", aus="4", coder="ann"))
        p.add_event(Event(v.id, 26, 27, 29, face_id=2, source="model", status="proposal"))
        b = p.add_behaviour(Behaviour("nod", kind="point"))
        assert b.id is not None
        p.add_behaviour_event(BehaviourEvent(v.id, b.id, 30, 30, coder="ann", face_id=1))
        frames = pd.DataFrame({"frame": [21, 22, 26], "face_id": [1, 1, 2], "p_positive": [0.1, 0.2, 0.3]})
        p.save_overlay(v.id, "old model", frames, kind="model")
        p.save_overlay(v.id, "OpenFace", frames, kind="openface")  # OpenFace's own ids: not ours to move
        store_baselines(p, v.id, {1: NeutralBaseline(1, 20, 24, {"AU12_r": 0.5}, frames=5)})
        yield p, v.id


def _state(p: Project, vid: int) -> tuple:
    evs = [(e.id, e.face_id, e.onset) for e in p.events(vid)]
    bevs = [(e.id, e.face_id) for e in p.behaviour_events(vid)]
    overlays = {o.name: p.load_overlay(vid, o.name) for o in p.overlays(vid)}
    return p.load_frames(vid), evs, bevs, overlays, p.get_setting(f"neutral.video.{vid}"), p.face_spans(vid)


def test_merge_makes_two_shots_one_face(proj):
    p, vid = proj
    m = merge_faces(p, vid, 0, 1)
    df = p.load_frames(vid)
    assert sorted(set(df["face_id"])) == [0, 2]
    face0 = df[df["face_id"] == 0]
    assert face0["frame"].tolist() == list(range(40))  # the wide shot, then the close-up
    assert face0.loc[face0["frame"] == 30, "AU12_r"].item() == pytest.approx(4.0)  # the close-up's value, kept
    assert p.landmarks(vid, 30)[0][0].tolist() == [30.0, 1.0]
    assert p.face_spans(vid) == {0: (0, 39, 40), 2: (25, 30, 6)}
    assert {e.onset: e.face_id for e in p.events(vid)} == {22: 0, 5: 0, 26: 2}
    assert [e.face_id for e in p.behaviour_events(vid)] == [0]
    assert p.load_overlay(vid, "old model")["face_id"].tolist() == [0, 0, 2]
    assert p.load_overlay(vid, "OpenFace")["face_id"].tolist() == [1, 1, 2]
    assert {f: (b.first, b.last) for f, b in load_baselines(p, vid).items()} == {0: (20, 24)}
    assert m.frames == tuple(range(20, 40)) and len(m.events) == 1
    history = p.event_history(m.events[0])
    assert history[-1]["action"] == "update" and history[-1]["after"]["face_id"] == 0
    assert p.analysis(vid).settings["face_edits"] == [
        {"op": "merge", "keep": 0, "merged": 1, "keep_span": [0, 19, 20], "merged_span": [20, 39, 20]}]


def test_two_faces_in_one_frame_are_refused_and_nothing_changes(proj):
    p, vid = proj
    before = _state(p, vid)
    with pytest.raises(InputError, match=r"faces 1 and 2 are both in 6 frames \(25-30\)"):
        merge_faces(p, vid, 1, 2)
    after = _state(p, vid)
    pd.testing.assert_frame_equal(before[0], after[0])
    assert before[1:3] == after[1:3] and before[4:] == after[4:]


@pytest.mark.parametrize(("keep", "merged", "message"), [
    (0, 0, "into itself"), (0, 7, "face 7 is not in"), (7, 0, "face 7 is not in"), (-1, 0, "face -1 is not in")])
def test_bad_merges_say_why(proj, keep, merged, message):
    p, vid = proj
    with pytest.raises(InputError, match=message):
        merge_faces(p, vid, keep, merged)


def test_unmerge_puts_everything_back(proj):
    p, vid = proj
    before = _state(p, vid)
    m = merge_faces(p, vid, 0, 1)
    p.undo_face_change(m)
    after = _state(p, vid)
    pd.testing.assert_frame_equal(before[0], after[0])
    assert before[1:3] == after[1:3] and before[4:] == after[4:]
    for name, df in before[3].items():
        pd.testing.assert_frame_equal(df, after[3][name])
    assert "face_edits" not in p.analysis(vid).settings
    assert p.landmarks(vid, 30)[1][0].tolist() == [30.0, 1.0]


def test_kept_face_keeps_its_own_baseline(proj):
    p, vid = proj
    store_baselines(p, vid, {0: NeutralBaseline(0, 0, 9, {"AU12_r": 0.2}, frames=10),
                             1: NeutralBaseline(1, 20, 24, {"AU12_r": 0.5}, frames=5)})
    m = merge_faces(p, vid, 0, 1)
    assert {f: b.values for f, b in load_baselines(p, vid).items()} == {0: {"AU12_r": 0.2}}
    p.undo_face_change(m)
    assert sorted(load_baselines(p, vid)) == [0, 1]


def test_no_baselines_no_setting_written(tmp_path, video_file):
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        _run(p, v.id, _shots())
        m = merge_faces(p, v.id, 0, 1)
        assert m.settings_before == {} and p.get_setting(f"neutral.video.{v.id}") is None


def test_unmerge_after_a_rerun_is_refused(proj):
    p, vid = proj
    m = merge_faces(p, vid, 0, 1)
    _run(p, vid, _shots())
    with pytest.raises(InputError, match="the run of that merge is no longer the video's active analysis"):
        p.undo_face_change(m)


def test_a_rerun_repeats_the_merges_where_it_finds_the_same_tracks(proj):
    p, vid = proj
    merge_faces(p, vid, 0, 1)
    records = p.analysis(vid).settings["face_edits"]
    _run(p, vid, _shots())  # the same tracks again
    assert sorted(p.face_spans(vid)) == [0, 1, 2]
    done, missed = carry_face_edits(p, vid, records)
    assert done == records and missed == []
    assert sorted(p.face_spans(vid)) == [0, 2]


def test_a_rerun_that_tracked_otherwise_is_not_merged(proj):
    p, vid = proj
    merge_faces(p, vid, 0, 1)
    records = p.analysis(vid).settings["face_edits"]
    rows = [r for r in _shots() if r["frame"] < 20 or r["face_id"] != 1 or r["frame"] >= 32]  # face 1 found later
    _run(p, vid, rows)
    done, missed = carry_face_edits(p, vid, records)
    assert done == [] and missed == ["face 1 into face 0: the re-run tracked the faces otherwise; edit again"]
    assert sorted(p.face_spans(vid)) == [0, 1, 2]


def test_a_chain_of_merges_maps_to_the_last_face_kept(tmp_path, video_file):
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(video_file, fps=30.0, frame_count=60, width=320, height=240)
        rows = [{"frame": i, "face_id": i // 20, "success": 1, "AU12_r": 1.0} for i in range(60)]
        _run(p, v.id, rows)
        merge_faces(p, v.id, 1, 2)
        merge_faces(p, v.id, 0, 1)
        records = p.analysis(v.id).settings["face_edits"]
        _run(p, v.id, rows)
        done, missed = carry_face_edits(p, v.id, records)
        assert len(done) == 2 and not missed
        assert [remap_face(done, f, 0) for f in (0, 1, 2)] == [0, 0, 0]
        assert np.unique(p.load_frames(v.id)["face_id"]).tolist() == [0]


def test_the_kept_face_keeps_the_larger_portrait(proj):
    p, vid = proj
    aid = p.analysis(vid).id
    p.note_run(aid, {"portraits": {"0": [5, [0, 0, 10, 10]], "1": [30, [0, 0, 50, 40]], "2": [26, [0, 0, 5, 5]]}})
    m = merge_faces(p, vid, 0, 1)
    assert p.analysis(vid).settings["portraits"] == {"0": [30, [0, 0, 50, 40]], "2": [26, [0, 0, 5, 5]]}
    p.undo_face_change(m)
    assert p.analysis(vid).settings["portraits"]["1"] == [30, [0, 0, 50, 40]]
    assert "face_edits" not in p.analysis(vid).settings


def test_a_split_gives_the_second_person_a_new_face(proj):
    """One id across two people (a cut the tracker took for the same person): split at the cut, the frames and
    the events from there on are a new face; undo joins them again exactly."""
    p, vid = proj
    before = _state(p, vid)
    c = p.split_face(vid, 1, 30)
    assert c.target == 3 and c.frames == tuple(range(30, 40))
    assert p.face_spans(vid) == {0: (0, 19, 20), 1: (20, 29, 10), 2: (25, 30, 6), 3: (30, 39, 10)}
    assert [e.face_id for e in p.behaviour_events(vid)] == [3]  # the nod at frame 30
    assert {e.onset: e.face_id for e in p.events(vid)} == {22: 1, 5: 0, 26: 2}  # begun before the cut: stays
    assert p.load_overlay(vid, "old model")["face_id"].tolist() == [1, 1, 2]  # rows before the cut
    assert p.analysis(vid).settings["face_edits"][-1] == {"op": "split", "face": 1, "at": 30, "new": 3,
                                                          "span": [20, 39, 20]}
    p.undo_face_change(c)
    after = _state(p, vid)
    pd.testing.assert_frame_equal(before[0], after[0])
    assert before[1:3] == after[1:3] and before[4:] == after[4:]
    assert "face_edits" not in p.analysis(vid).settings


@pytest.mark.parametrize("at", [20, 19, 40, 100])
def test_a_split_outside_the_face_says_why(proj, at):
    p, vid = proj
    with pytest.raises(InputError, match="face 1 is seen in frames 20-39: split it at a frame after its first"):
        p.split_face(vid, 1, at)


def test_a_rerun_repeats_merges_and_splits_in_order(proj):
    p, vid = proj
    merge_faces(p, vid, 0, 1)
    p.split_face(vid, 0, 32)  # one id on two people after all: a new face from 32 on
    records = p.analysis(vid).settings["face_edits"]
    _run(p, vid, _shots())
    done, missed = carry_face_edits(p, vid, records)
    assert done == records and not missed
    assert p.face_spans(vid) == {0: (0, 31, 32), 2: (25, 30, 6), 3: (32, 39, 8)}
    assert [remap_face(done, 1, f) for f in (25, 35)] == [0, 3]  # a spot of the run's face 1, before and after


def test_a_split_finds_the_part_without_the_recorded_view_its_own(proj):
    """The run recorded face 1's largest view at frame 35; split at 30, the view goes with the new face, and the
    part before the cut gets its own largest view from the stored landmarks (the face list shows both)."""
    p, vid = proj
    rows = []
    for i in range(20, 40):
        half = 30.0 if i == 35 else 20.0 if i == 25 else 10.0  # the face comes nearest at 25 and at 35
        rows.append({"frame": i, "face_id": 1, "timestamp": i / 30, "confidence": 0.9, "success": 1, "AU12_r": 1.0,
                     "x_0": 100 - half, "y_0": 80 - half, "x_1": 100 + half, "y_1": 80 - half,
                     "x_2": 100.0, "y_2": 80 + half})
    aid = _run(p, vid, rows)
    p.note_run(aid, {"portraits": {"1": [35, [70, 50, 130, 110]]}})
    c = p.split_face(vid, 1, 30)
    assert p.analysis(vid).settings["portraits"] == {"3": [35, [70, 50, 130, 110]], "1": [25, [80, 60, 120, 100]]}
    p.undo_face_change(c)
    assert p.analysis(vid).settings["portraits"] == {"1": [35, [70, 50, 130, 110]]}
