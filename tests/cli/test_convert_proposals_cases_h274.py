"""`convert --project P --import FILE` around the model's proposals (h274): a video of `--video all` whose rows are
all open proposals reviewed here already no longer refuses the whole file (exit 2, nothing imported): the other
videos' rows are imported and its part of the line says why it got nothing; an ELAN file of new behaviour events
whose coded events are all here removes the open proposals its reviewed events cover, as its line said it did."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video
from support.model_proposals import proposal, rejected, reviewed_elan

from merstudio import interchange as ix
from merstudio.project import Event, Project

SAID = "1 open proposal in the file skipped: reviewed here already"


def _events(proj: Path, vid: int) -> list[tuple]:
    with Project.open(proj, read_only=True) as p:
        return sorted((e.onset, e.offset, e.coder, e.status) for e in p.events(vid))


def test_all_videos_imports_the_others_beside_a_video_of_reviewed_proposals(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "two.merproj"
    with Project.create(proj) as p:
        a = p.add_video(tiny_video(tmp_path / "interview.avi", n=80), fps=30.0, frame_count=80, width=64,
                        height=48).id
        # another clip (the same bytes would be the same video)
        b = p.add_video(tiny_video(tmp_path / "clip2.avi", n=90), fps=30.0, frame_count=90, width=64, height=48).id
        p.add_events([rejected(a, 60, 65)])
    src = ix.write_events_csv([proposal(a, 60, 65), Event(b, 40, 45, 50, emotion="fear", coder="bob")],
                              tmp_path / "all.csv", {a: ix.Media("interview.avi", fps=30.0),
                                                     b: ix.Media("clip2.avi", fps=30.0)})
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "all", "--yes")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == (f"imported 1 into video {b} (clip2.avi); nothing new into video {a} "
                                            f"(interview.avi), {SAID} of {proj}"), out  # the file's name order
    assert _events(proj, a) == [(60, 65, "bob", "rejected")] and _events(proj, b) == [(40, 50, "bob", "accepted")]


def test_elan_behaviours_alone_remove_the_proposals_their_reviews_cover(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "r.merproj"
    with Project.create(proj) as p:
        vid = p.add_video(tiny_video(tmp_path / "clip.avi", n=80), fps=30.0, frame_count=80, width=64,
                          height=48).id
        eaf = reviewed_elan(p, vid, 60, 65, tmp_path / "r.eaf")
        p.add_events([proposal(vid, 60, 65)])  # open again here: a re-run before bob's review came in
    code, out, err = run(capsys, "convert", "--project", proj, "--import", eaf, "--video", str(vid), "--yes")
    assert code == 0, err
    done = out.strip().splitlines()[-1]
    assert done.startswith(f"imported 0 event(s) and 1 behaviour event(s) into video {vid}") \
        and f"; {ix.resolved_line(1)}" in done, done
    assert _events(proj, vid) == [(60, 65, "bob", "rejected")]  # the line said it went; it stayed
