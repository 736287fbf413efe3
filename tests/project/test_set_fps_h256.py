"""A frame folder's rate set in a project (h256, after h247): image files carry none, so a folder added without
`--fps` holds the 30 assumed, and nothing could set it. Project.set_video_fps sets it: events stay at their frames
(their times change), the stored analysis's rows are retimed and its run keeps the rate it was measured at; a video
file keeps the rate its frames are timed with; undo puts everything back."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from project_rows import rows

from merstudio.errors import InputError, OutputError
from merstudio.project import Event, Project


def _folder(tmp_path: Path, n: int = 40) -> Path:
    folder = tmp_path / "burst"
    folder.mkdir()
    for k in range(n):
        cv2.imwrite(str(folder / f"img{k + 1:04d}.png"), np.full((8, 8, 3), k, np.uint8))
    return folder


@pytest.fixture
def burst(tmp_path: Path):
    """A project with a 40-frame folder added at the 30 fps assumed, analysed at 30, with an event and a proposal."""
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(_folder(tmp_path), fps=30.0, frame_count=40, width=8, height=8)
        aid = proj.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        proj.append_frames(aid, rows(40))
        proj.finish_analysis(aid)
        proj.add_event(Event(v.id, 6, 9, 12, emotion="positive", aus="12", coder="ann"))
        proj.add_event(Event(v.id, 30, 31, 33, source="model", status="proposal", model_confidence=0.4))
        yield proj, v


def test_set_fps_keeps_events_by_frame_and_retimes_the_analysis(burst) -> None:
    proj, v = burst
    assert not proj.rate_was_set(v)
    change = proj.set_video_fps(v.id, 60)
    assert proj.video(v.id).fps == 60 and proj.rate_was_set(proj.video(v.id))
    assert [(e.onset, e.apex, e.offset) for e in proj.events(v.id)] == [(6, 9, 12), (30, 31, 33)]
    assert proj.timebase(v.id).time_of(12) == pytest.approx(0.2)  # was 0.4 at 30
    times = proj.load_frames(v.id)["timestamp"].to_numpy()
    assert times[-1] == 39 / 60 and proj.frame_times(v.id)[12] == 12 / 60  # the rows agree with the rate
    assert proj.analysed_at(v.id) == 30  # its motion and spots were measured at 30
    assert (change.before, change.was_set, change.runs, change.events, change.analysed_at) == (30, False, 1, 2, 30)
    line = change.line()
    assert "burst: frame rate 30 -> 60 fps (40 frames, 0.67 s)" in line
    assert "its 2 event(s) keep their frames, their times are counted at 60 fps" in line
    assert "measured at 30 fps" in line and "re-run it" in line


def test_setting_it_back_to_the_rate_measured_at_is_no_longer_stale(burst) -> None:
    proj, v = burst
    proj.set_video_fps(v.id, 60)
    proj.set_video_fps(v.id, 30)
    assert proj.analysed_at(v.id) is None and proj.rate_was_set(proj.video(v.id))  # set by a user now, at 30


def test_undo_puts_the_rate_the_rows_and_the_mark_back(burst) -> None:
    proj, v = burst
    before = proj.load_frames(v.id)
    settings = proj.analysis(v.id).settings
    change = proj.set_video_fps(v.id, 59.94)
    proj.undo_video_fps(change)
    assert proj.video(v.id) == v and not proj.rate_was_set(v)
    assert proj.load_frames(v.id).equals(before) and proj.analysis(v.id).settings == settings
    assert proj.frame_count_stored(v.id) == 40


def test_a_new_run_at_the_rate_is_not_stale(burst) -> None:
    proj, v = burst
    proj.set_video_fps(v.id, 60)
    aid = proj.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
    proj.append_frames(aid, [{**r, "timestamp": r["frame"] / 60} for r in rows(40)])
    proj.finish_analysis(aid)
    assert proj.analysed_at(v.id) is None


def test_a_video_file_keeps_its_own_rate(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(clip, fps=25.0, frame_count=50, width=8, height=8)
        with pytest.raises(InputError, match=r"clip\.mp4: a video file's frames are timed by the file \(25 fps\); "
                                             r"only a frame folder's rate can be set"):
            proj.set_video_fps(v.id, 60)
        assert proj.video(v.id).fps == 25


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "fast"])
def test_a_rate_that_is_no_positive_number_is_refused(burst, bad) -> None:
    proj, v = burst
    with pytest.raises(InputError, match="frame rate"):
        proj.set_video_fps(v.id, bad)
    assert proj.video(v.id).fps == 30


def test_read_only_refuses_and_changes_nothing(burst) -> None:
    proj, v = burst
    path = proj.path
    proj.close()
    with Project.open(path, read_only=True) as ro:
        with pytest.raises(OutputError, match="read-only"):
            ro.set_video_fps(v.id, 60)
        assert ro.video(v.id).fps == 30


def test_removing_the_video_removes_its_mark(burst, tmp_path: Path) -> None:
    proj, v = burst
    proj.set_video_fps(v.id, 60)
    proj.remove_video(v.id)
    again = proj.add_video(tmp_path / "burst", fps=30.0, frame_count=40, width=8, height=8)
    assert again.id == v.id and not proj.rate_was_set(again)  # the id again: the mark must not come with it
