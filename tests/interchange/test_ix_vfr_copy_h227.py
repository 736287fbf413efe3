"""Events of a variable-rate video moved onto its constant-rate re-encoded copy through an events CSV (h227).

The phone clip (support.vfr_clips: 30 fps for 30 frames, one 14 ms frame, then 24 fps) is re-encoded at 30 fps,
what the app recommends for exact seeking. Its events CSV's frame / time runs from 30 down to ~26: the import took
its median for 'the file's rate', refused the copy's 30 fps and said the times would land on the wrong frames,
though the times are exact. They now place the events on the copy's frames; a file at one other rate is still
refused."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from support.vfr_clips import grey, times, write_vfr_clip

from merstudio.errors import FrameRateMismatch
from merstudio.interchange import Media, preview_import, read_events_csv, write_events_csv
from merstudio.io import open_source
from merstudio.io.reencode import reencode
from merstudio.project import Event, Project

T = times(90)
EVENTS = [Event(1, 45, 50, 60, emotion="happiness", coder="ann"), Event(1, 5, 8, 12, emotion="surprise", coder="ann")]


def _csv(tmp_path: Path) -> Path:
    return write_events_csv(EVENTS, tmp_path / "phone.csv", Media(str(tmp_path / "phone.mp4"), fps=26.4,
                                                                  frame_count=len(T), times=T))


def _copy_frame(f: int, fps: float = 30.0) -> int:
    """The copy's first frame showing the phone's frame f: the one nearest its start T[f] (reencode's rule)."""
    return int(np.floor(T[f] * fps + 0.5))


def test_a_variable_rate_videos_file_lands_on_its_constant_rate_copy_by_its_times(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    prev = read_events_csv(path, fps=30.0, video_name="phone.seek.avi")  # refused before: 'frame rate 27.6 fps'
    got = sorted((e.onset, e.apex, e.offset) for e in prev.accept())
    assert got == sorted(tuple(_copy_frame(f) for f in (e.onset, e.apex, e.offset)) for e in EVENTS)
    assert got[1] == (_copy_frame(45), _copy_frame(50), _copy_frame(60)) != (45, 50, 60)
    assert any("'phone.mp4', a variable-rate video" in n and "placed by their times" in n for n in prev.notes)


def test_the_refusal_stays_where_it_protects(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    # the file names no other video (its own, times unknown to the caller): its frames may be right, times wrong
    with pytest.raises(FrameRateMismatch, match="fit no constant rate .* a variable-rate video's"):
        read_events_csv(path, fps=30.0)
    with pytest.raises(FrameRateMismatch):
        read_events_csv(path, fps=30.0, video_name="phone.mp4")
    # a file of one other rate (25 fps frames and times) onto a 30 fps video: refused as before
    other = write_events_csv(EVENTS, tmp_path / "other.csv", Media(str(tmp_path / "other.mp4"), fps=25.0,
                                                                   frame_count=90))
    with pytest.raises(FrameRateMismatch, match="25 fps in the file differs"):
        read_events_csv(other, fps=30.0, video_name="copy.avi")


def test_a_real_clip_and_its_reencoded_copy_in_one_project(tmp_path: Path) -> None:
    """The audit's steps (a96 finding 9) on real files: the phone clip and its re-encoded copy in one project."""
    phone = write_vfr_clip(tmp_path / "phone.mp4", n=72, w=64, h=48)
    copy = tmp_path / "phone.seek.avi"
    reencode(phone, copy)
    proj = Project.create(tmp_path / "p.merproj")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the source's "variable frame rate" note
            for clip in (phone, copy):
                with open_source(clip) as src:
                    proj.add_source(src)
        assert proj.video(2).fps == 30.0
        write_events_csv([Event(1, 45, 50, 60, coder="ann")], tmp_path / "ev.csv",
                         Media(str(phone), fps=proj.video(1).fps, frame_count=72, times=proj.video_times(1)))
        imp = preview_import(proj, tmp_path / "ev.csv", 2)
        (ev,) = imp.accept()
        assert (ev.onset, ev.apex, ev.offset) == (_copy_frame(45), _copy_frame(50), _copy_frame(60))
        with open_source(copy) as src:  # the copy's frames there show the phone's frames 45, 50 and 60
            shown = [float(src.frame(f).mean()) for f in (ev.onset, ev.apex, ev.offset)]
        assert shown == pytest.approx([grey(45), grey(50), grey(60)], abs=1.5)  # MJPG: ~1.3 darker
    finally:
        proj.close()
