"""`convert --project P --video all` where a video of the project is named 'all' (a frame folder, say): which one
is meant is not guessed; one line says how to name that video (its id) or every video (--all-videos)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import noise_frames, run
from support.cli_run import tiny_video as _video

from merstudio.project import Event, Project


def _project(tmp_path: Path) -> tuple[Path, int]:
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        a = p.add_video(_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
        named = p.add_video(noise_frames(tmp_path / "all", 3), fps=30.0, frame_count=8, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                      Event(named.id, 1, 2, 4, emotion="surprise", coder="ann")])
        assert named.name == "all"
        return proj, int(named.id)


@pytest.mark.parametrize("ref", ["all", "ALL"])
def test_video_all_is_ambiguous_with_a_video_named_all(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       ref: str) -> None:
    proj, vid = _project(tmp_path)
    out = tmp_path / "x.csv"
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", out, "--video", ref)
    assert code == 2 and err.count("\n") == 1, err
    assert "ambiguous" in err and f"--video {vid}" in err and "--all-videos" in err, err
    assert not out.exists()


def test_the_video_by_id_and_every_video_by_all_videos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, vid = _project(tmp_path)
    one, every = tmp_path / "one.csv", tmp_path / "every.csv"
    code, _, err = run(capsys, "convert", "--project", proj, "--export", one, "--video", vid)
    assert code == 0, err
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", every, "--all-videos")
    assert code == 0 and "wrote 2 event(s) of 2 of the 2 videos" in stdout, err
    with every.open(newline="", encoding="utf-8") as fh:
        assert sorted(r["video"] for r in csv.DictReader(fh)) == ["a.avi", "all"]
    code, _, err = run(capsys, "convert", "--project", proj, "--export", one, "--video", vid, "--all-videos")
    assert code == 2 and "--all-videos goes with --project, instead of --video" in err, err


def test_video_all_without_such_a_video_is_every_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "plain.merproj"
    with Project.create(proj) as p:
        a = p.add_video(_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, coder="ann")])
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "e.csv", "--video", "all")
    assert code == 0 and "wrote 1 event(s) of 1 of the 1 videos" in stdout, err
