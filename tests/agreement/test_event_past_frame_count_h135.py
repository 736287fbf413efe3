"""An event that ends past the frame count given for its video is bad input: agreement_from_events refuses it, naming
the video, the count and the last event frame (was: the video silently stretched to the event's end, a frame-wise
kappa of neither the count given nor the real video). An event on the video's last frame is within it.

Expected kappas are Cohen's from the 2x2 table of "frame inside an event", by hand: ann 10-20, bob 12-22 (inclusive)
in a 23-frame video (0-22): both 9, ann only 2, bob only 2, neither 10; p_o = 19/23, p_e = (11/23)^2 + (12/23)^2 =
265/529, kappa = (437 - 265) / (529 - 265) = 172/264."""

from __future__ import annotations

import pytest

from merstudio.agreement import agreement_from_events, agreement_report
from merstudio.errors import InputError
from merstudio.project import Event, Project

EVENTS = [Event(0, 10, 15, 20, coder="ann"), Event(0, 12, 17, 22, coder="bob")]


def test_a_count_the_events_run_past_is_refused_naming_video_count_and_frame() -> None:
    with pytest.raises(InputError) as err:
        agreement_from_events(EVENTS, frame_counts={0: 22})  # frames 0-21; bob's event ends on frame 22
    line = str(err.value)
    assert line.startswith("agreement: video 0 has 22 frames (0-21, its frame count), but an event of bob ends at "
                           "frame 22: "), line
    assert "\n" not in line


def test_the_auditors_case_count_50_events_to_70() -> None:
    evs = [Event(0, 40, 50, 60, coder="ann"), Event(0, 45, 55, 70, coder="bob")]
    with pytest.raises(InputError, match=r"video 0 has 50 frames .* ends at frame 70"):
        agreement_from_events(evs, frame_counts={0: 50})


def test_an_event_on_the_last_frame_is_within_the_video() -> None:
    rep = agreement_from_events(EVENTS, frame_counts={0: 23})  # frames 0-22
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(172 / 264)


def test_from_a_project_the_video_is_named_by_its_file(tmp_path) -> None:
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=23, width=64, height=48)
        for e in EVENTS:
            proj.add_event(Event(v.id, e.onset, e.apex, e.offset, coder=e.coder))
        with proj._tx() as con:  # a file of a count cut later (add_event refuses an event past the count since h186)
            con.execute("UPDATE videos SET frame_count = 22 WHERE id = ?", (v.id,))
        with pytest.raises(InputError, match=rf"clip\.mp4 \(video {v.id}\) has 22 frames .* ends at frame 22"):
            agreement_report(proj)
    with Project.create(tmp_path / "fits.merproj") as proj:
        v = proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=23, width=64, height=48)
        for e in EVENTS:
            proj.add_event(Event(v.id, e.onset, e.apex, e.offset, coder=e.coder))
        assert agreement_report(proj).pairs.iloc[0]["kappa_frames"] == pytest.approx(172 / 264)
