"""`merstudio bench --json F`: F is never the video measured. `bench decode --video v.mp4 --json v.mp4 --overwrite`
replaced the video with 280 bytes of JSON; refused in one line before any benchmark, as reencode and neutral refuse
their input as output, under another spelling or a hard link too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video


@pytest.mark.parametrize("spelling", ["same", "dotted", "hard link"])
def test_the_video_is_not_the_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str) -> None:
    video = tiny_video(tmp_path / "v.avi", n=10)
    before = video.read_bytes()
    json_path = {"same": video, "dotted": tmp_path / "sub" / ".." / "v.avi", "hard link": tmp_path / "link.avi"}[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "hard link":
        os.link(video, json_path)
    code, out, err = run(capsys, "bench", "decode", "--video", video, "--json", json_path, "--overwrite", "-q")
    assert code == 3
    assert err.strip().splitlines() == [f"merstudio: error: {json_path}: is the input (the video measured); write "
                                        "the figures to another file"]
    assert "frames/s" not in out  # refused before the benchmark
    assert video.read_bytes() == before
