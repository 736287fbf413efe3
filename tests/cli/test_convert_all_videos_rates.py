"""`convert --project P --import all.csv --video all` for a project whose videos have different frame rates: each
video's rows are checked against its own rate (the file's median rate over every video refused one of them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Event, Project


def test_videos_of_two_rates_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = tmp_path / "src.merproj", tmp_path / "dst.merproj"
    for path in (src, dst):
        with Project.create(path) as p:
            a = p.add_video(_video(tmp_path / "a.avi", n=60, fps=25.0), fps=25.0, frame_count=60, width=64,
                            height=48)
            b = p.add_video(_video(tmp_path / "b.avi", n=60), fps=30.0, frame_count=60, width=64, height=48)
            if path == src:
                p.add_events([Event(a.id, 30, 35, 40, coder="ann"), Event(b.id, 10, 12, 20, coder="ann"),
                              Event(b.id, 50, 52, 55, coder="ann")])
    out = tmp_path / "all.csv"
    code, _, err = run(capsys, "convert", "--project", src, "--export", out, "--video", "all")
    assert code == 0, err
    code, stdout, err = run(capsys, "convert", "--project", dst, "--import", out, "--video", "all")
    assert code == 0 and "imported 1 into video 1 (a.avi); 2 into video 2 (b.avi)" in stdout, err
    with Project.open(dst, read_only=True) as p:
        assert [(e.onset, e.offset) for e in p.events(1)] == [(30, 40)]
        assert [(e.onset, e.offset) for e in p.events(2)] == [(10, 20), (50, 55)]
