"""Undoing a merge never deletes work done after it (h282): a video the merge added that holds work made since (an
analysis run, its proposals, events, behaviour events, overlays, neutral frames) stays with that work, only what the
merge brought to it taken back, and the undo's result says which video and why; merged again (a redo) it is not
added twice. A video the merge added and nothing touched since goes, with its per-video settings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from support.merge_copies import two_videos_copies

from merstudio.project import Project
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _analyse(p: Project, vid: int) -> None:
    """An analysis run as the pipeline stores one (a run, its rows, its proposals): not an undo step in the app."""
    run = p.begin_analysis(vid, {"flow": "dis"})
    p.append_frames(run, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                           "AU12_r": 1.0} for f in range(5)])
    p.finish_analysis(run)
    p.replace_proposals(vid, [Event(vid, 40, 44, 48, coder="model", source="model", status="proposal",
                                    emotion="happiness", aus="12")])


def test_an_analysis_run_on_an_added_video_keeps_it_through_the_undo(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        [vid] = done.videos
        _analyse(p, vid)
        undone = undo_merge(p, done)
        # the video and its analysis stay: the run and its proposal were never the merge's
        assert [v.name for v in p.videos()] == ["clip.avi", "second.avi"]
        assert p.analysis(vid) is not None and p.analysis(vid).status == "complete"
        assert [(e.onset, e.source) for e in p.events(vid)] == [(40, "model")]
        # what the merge brought to it went: bob's event, his behaviour event, the 'nod' behaviour, the overlay
        assert p.behaviour_events(vid) == [] and [x.name for x in p.behaviours()] == ["gaze away"]
        assert p.overlays(vid) == []
        assert undone.kept == {vid: ("second.avi", ("an analysis", "an open proposal"))}
        assert undone.line() == ("second.avi kept in the project: it holds an analysis and an open proposal made "
                                 "since the merge (what the merge brought to it was taken back)")
        # the redo matches it by content: not added twice, what the merge brings on it again
        again = apply_merge(p, plan)
        assert again.videos == [] and [v.name for v in p.videos()] == ["clip.avi", "second.avi"]
        assert sorted(e.onset for e in p.events(vid)) == [10, 40]
        assert len(p.behaviour_events(vid)) == 1 and [o.name for o in p.overlays(vid)] == ["openface"]
        assert plan_merge(p, b).empty  # merging again finds nothing
        # undone again: the video stays (its analysis), what the redo brought goes
        assert undo_merge(p, again).kept == {}
        assert [(e.onset, e.source) for e in p.events(vid)] == [(40, "model")] and p.analysis(vid) is not None
        assert p.overlays(vid) == [] and p.behaviour_events(vid) == []


def test_events_behaviour_events_overlays_and_neutral_frames_made_since_keep_the_video(tmp_path: Path) -> None:
    from merstudio.features.neutral import setting_key

    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        done = apply_merge(p, plan_merge(p, b))
        [vid] = done.videos
        p.add_event(Event(vid, 60, 62, 64, coder="alice", emotion="surprise"))
        p.add_event(Event(vid, 70, 72, 74, coder="alice", emotion="fear"))
        nod = next(x for x in p.behaviours() if x.name == "nod")
        p.add_behaviour_event(BehaviourEvent(vid, nod.id, 30, 31, coder="alice"))
        p.save_overlay(vid, "pyfeat", pd.DataFrame({"frame": range(3), "face_id": 0, "AU12_r": 2.0}), kind="pyfeat")
        p.set_setting(setting_key(vid), [{"face_id": 0, "frames": [1, 2]}])
        undone = undo_merge(p, done)
        assert undone.kept[vid][1] == ("2 events", "a behaviour event", "overlay 'pyfeat'", "neutral frames")
        assert sorted(e.onset for e in p.events(vid)) == [60, 70]  # bob's, the merge's, went
        # 'nod' came with the merge, yet alice's behaviour event codes it: kept, and said
        assert [(x.onset, x.coder) for x in p.behaviour_events(vid)] == [(30, "alice")]
        assert "nod" in [x.name for x in p.behaviours()] and undone.behaviours == ["nod"]
        assert "behaviour 'nod' kept" not in undone.line() and "behaviour nod kept" in undone.line()
        assert [o.name for o in p.overlays(vid)] == ["pyfeat"]
        assert p.get_setting(setting_key(vid)) == [{"face_id": 0, "frames": [1, 2]}]


def test_an_added_video_nothing_touched_since_goes_with_its_settings(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        first = p.videos()[0].id
        done = apply_merge(p, plan_merge(p, b))
        [vid] = done.videos
        p.set_setting(f"view_place/{vid}", {"frame": 3})  # the app's place for it: no work
        p.set_setting("view_video", vid)
        undone = undo_merge(p, done)
        assert undone.kept == {} and undone.line() == ""
        assert [v.id for v in p.videos()] == [first]
        assert p.get_setting(f"view_place/{vid}") is None and p.get_setting("view_video") is None
        assert p._query("SELECT COUNT(*) FROM events WHERE video_id = ?", (vid,))[0][0] == 0


def test_a_kept_videos_neutral_frames_from_the_merge_go_and_come_back_with_the_redo(tmp_path: Path) -> None:
    from merstudio.features.neutral import setting_key

    a, b = two_videos_copies(tmp_path)
    with Project.open(b) as p:
        theirs = next(v for v in p.videos() if v.name == "second.avi")
        p.set_setting(setting_key(theirs.id), [{"face_id": 0, "frames": [3, 4]}])
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        [vid] = done.videos
        assert p.get_setting(setting_key(vid)) == [{"face_id": 0, "frames": [3, 4]}]
        _analyse(p, vid)
        undone = undo_merge(p, done)
        # the merge's neutral frames are no work made since: taken back, the video kept for its analysis alone
        assert undone.kept[vid][1] == ("an analysis", "an open proposal")
        assert p.get_setting(setting_key(vid)) is None
        apply_merge(p, plan)
        assert p.get_setting(setting_key(vid)) == [{"face_id": 0, "frames": [3, 4]}]
