"""The events table's times on a variable-rate video that was never analysed: the video's own frame times (as
`merstudio convert --project ... --export` and the app's player use them), not the header's nominal rate; on a
constant-rate video, duration_s = (offset - onset + 1) / fps.

Expected times are the ones the clip was written with (support.vfr_clips.times: 30 fps for 30 frames, one 14 ms
frame, then 24 fps), and a real clip's rate for the constant-rate case."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from support.vfr_clips import times, write_vfr_clip

from merstudio.io import open_source
from merstudio.project import Event, Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.export import behaviours_table, events_table, summary_table

REAL = Path("/work/shared/data/real-faces/smile_man.mp4")


def _project(tmp_path: Path, clip: Path) -> Project:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with open_source(clip) as src:
            proj = Project.create(tmp_path / "study.merproj")
            video = proj.add_source(src)
    proj.add_events([Event(video.id, 20, 35, 50, emotion="happiness", coder="ann", status="accepted")])
    b = proj.add_behaviour(Behaviour("gaze away", key="1", kind="state"))
    proj.add_behaviour_event(BehaviourEvent(video.id, b.id, 20, 50, coder="ann"))
    return proj


def test_an_unanalysed_variable_rate_video_is_timed_by_its_own_frames(tmp_path: Path) -> None:
    t = times()
    proj = _project(tmp_path, write_vfr_clip(tmp_path / "phone.mp4"))
    try:
        assert proj.frame_times(1) is None  # never analysed: nothing stored
        row = events_table(proj).iloc[0]
        assert row["onset_time"] == pytest.approx(t[20], abs=1e-4)
        assert row["offset_time"] == pytest.approx(t[50], abs=1e-4)
        # frames 20..50 are shown from t[20] until frame 51 starts: 10 frames at 30 fps, 14 ms, 20 at 24 fps
        assert row["duration_s"] == pytest.approx(t[51] - t[20], abs=1e-4)
        assert row["duration_s"] == pytest.approx(9 / 30 + 0.014 + 21 / 24, abs=1e-4)
        beh = behaviours_table(proj).iloc[0]
        assert beh["duration_s"] == pytest.approx(t[51] - t[20], abs=1e-4)
        summary = summary_table(proj, 1).set_index(["measure", "category"])["value"]
        assert summary[("total_duration_s", "happiness")] == pytest.approx(t[51] - t[20], abs=1e-4)
    finally:
        proj.close()


def test_times_given_by_the_caller_still_win(tmp_path: Path) -> None:
    proj = _project(tmp_path, write_vfr_clip(tmp_path / "phone.mp4"))
    try:
        given = [i / 10.0 for i in range(90)]  # another clock: 10 frames a second
        row = events_table(proj, 1, times=given).iloc[0]
        assert row["duration_s"] == pytest.approx(3.1)
    finally:
        proj.close()


@pytest.mark.skipif(not REAL.is_file(), reason="the real clip is not here")
def test_a_constant_rate_video_lasts_its_frames_over_its_rate(tmp_path: Path) -> None:
    with open_source(REAL) as src:
        fps = src.fps
    proj = _project(tmp_path, REAL)
    try:
        row = events_table(proj).iloc[0]
        assert row["duration_frames"] == 31
        assert row["duration_s"] == pytest.approx(31 / fps)
        assert row["onset_time"] == pytest.approx(20 / fps)
    finally:
        proj.close()
