"""agreement_from_events' frame-wise figures need the video's length: without a frame count they are computed on
frames 0..last offset and the result says so (a note and a warning); a frame count for a video that none of the
events, video_ids, coded or frame tables name, while a compared video has none, is refused (the count meant for it,
misnumbered, would go unused).

Expected kappas are Cohen's, worked out from the 2x2 table of "frame inside an event" by hand: ann 10-20, bob
12-22 (inclusive) in a 72-frame video: both 9 frames, ann only 2, bob only 2, neither 59; p_o = 68/72,
p_e = (11/72)^2 + (61/72)^2 = 3842/5184, kappa = (4896 - 3842) / (5184 - 3842) = 1054/1342."""

from __future__ import annotations

import warnings

import pytest

from merstudio.agreement import agreement_from_events
from merstudio.errors import InputError
from merstudio.project import Event

EVENTS = [Event(0, 10, 15, 20, coder="ann"), Event(0, 12, 17, 22, coder="bob")]


def test_the_video_frame_count_gives_the_whole_video_kappa_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = agreement_from_events(EVENTS, frame_counts={0: 72})
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(1054 / 1342)
    assert not any("frame count" in n for n in rep.notes)


def test_without_a_frame_count_the_frame_figures_are_said_to_stop_at_the_last_event() -> None:
    # 23 frames (0..22): both 9, ann only 2, bob only 2, neither 10: p_o 19/23, p_e (11/23)^2 + (12/23)^2
    # -> kappa (437 - 265) / (529 - 265) = 172/264: another number than the video's, and said
    with pytest.warns(UserWarning, match="frame count"):
        rep = agreement_from_events(EVENTS)
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(172 / 264)
    note = next(n for n in rep.notes if "frame count" in n)
    assert "0" in note and "22" in note and "frame_counts" in note
    assert note in rep.summary()


def test_a_frame_count_for_a_video_not_compared_is_refused_in_one_line() -> None:
    with pytest.raises(InputError) as err:
        agreement_from_events(EVENTS, frame_counts={1: 72})  # the events are video 0's (read_events' default)
    msg = str(err.value)
    assert "\n" not in msg and "video(s) 1" in msg and "video(s) 0" in msg


def test_a_frame_count_for_a_listed_video_without_events_is_accepted() -> None:
    rep = agreement_from_events(EVENTS, frame_counts={0: 72, 5: 40}, video_ids=[0, 5], all_coded=True)
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(1054 / 1342)


def test_counts_beside_every_compared_videos_own_change_nothing_and_are_accepted() -> None:
    rep = agreement_from_events(EVENTS, frame_counts={0: 72, 9: 50})  # e.g. every video of a study
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(1054 / 1342)


def test_a_project_video_of_unknown_length_is_noted_not_refused(tmp_path) -> None:
    # the report passes the lengths of the videos it compares only: another video's count is no stray key
    from merstudio.agreement import agreement_report
    from merstudio.project import Project

    for name in ("a.avi", "b.avi"):
        (tmp_path / name).write_bytes(name.encode() * 100)
    with Project.create(tmp_path / "study.merproj") as proj:
        unknown = proj.add_video(tmp_path / "a.avi", fps=30.0, frame_count=0, width=64, height=48)
        proj.add_video(tmp_path / "b.avi", fps=30.0, frame_count=100, width=64, height=48)
        proj.add_events([Event(unknown.id, 10, 15, 20, coder="ann"), Event(unknown.id, 12, 17, 22, coder="bob")])
        with pytest.warns(UserWarning, match="frame count"):
            rep = agreement_report(proj)
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(172 / 264)
    assert any(f"video(s) {unknown.id} (frames 0-22)" in n for n in rep.notes)
