"""`merstudio convert x.eaf out.csv --media clip.avi` (h239): the clip's end cut the events past it, with a note,
but the behaviour events of merstudio's ELAN file went into ``out_behaviours.csv`` as they were, past the end and
unsaid. They are cut (or skipped) by the same rule, and said in the same notes."""

from __future__ import annotations

import csv
from pathlib import Path

from support.cli_run import run, tiny_video
from support.merge_copies import behaviours_past_frame_71

FRAMES = 72  # the clip: frames 0..71 (the ELAN file's bob at 60-80 and 90-95, alice's event at 65-85 pass it)


def test_behaviour_events_past_the_clip_s_end_are_cut_and_said(tmp_path: Path, capsys) -> None:
    eaf = behaviours_past_frame_71(tmp_path)
    clip = tiny_video(tmp_path / "clip.avi", n=FRAMES)
    out = tmp_path / "out.csv"
    code, said, err = run(capsys, "convert", eaf, out, "--media", clip, "--yes")
    assert code == 0, err
    with (tmp_path / "out_behaviours.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # was: 60-80 and 90-95 too, frames the clip lacks
    assert [(r["coder"], r["onset_frame"], r["offset_frame"], r["note"]) for r in rows] == [
        ("alice", "50", "60", ""), ("bob", "60", "71", "long look")]
    assert "v.eaf: alice frames 65-85: ends past the end of clip.avi (72 frames); offset moved to its last frame 71" \
        in err  # the events' note, as before
    assert "v.eaf: behaviour 'gaze away' of bob frames 60-80: ends past the end of clip.avi (72 frames); offset " \
           "moved to its last frame 71" in err
    assert "skip v.eaf: behaviour 'gaze away' of bob frames 90-95: starts past the end of clip.avi (72 frames)" in err
    assert "and 2 behaviour event(s) to out_behaviours.csv beside it" in said


def test_without_yes_a_behaviour_event_past_the_end_is_refused_as_an_event_is(tmp_path: Path, capsys) -> None:
    eaf = behaviours_past_frame_71(tmp_path)
    clip = tiny_video(tmp_path / "clip.avi", n=FRAMES)
    code, _, err = run(capsys, "convert", eaf, tmp_path / "out.csv", "--media", clip)
    assert code != 0 and "--yes" in err.strip().splitlines()[-1]
    assert "3 item(s)" in err  # the behaviour event starting past the end among them (was: 2)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out_behaviours.csv").exists()
