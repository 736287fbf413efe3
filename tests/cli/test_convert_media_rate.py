"""`merstudio convert ann.csv ann.eaf`: an events CSV states no frame rate; where the video it names lies beside it (or
is given with --media), the video's rate times the frames (it asked for --fps although the video was there)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.cli.main import main


@pytest.mark.parametrize("media", [False, True])
def test_the_named_videos_rate_times_the_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                media: bool) -> None:
    clip = write_clip(tmp_path / "interview.avi", n=40)  # the clips' rate: read, not assumed here
    (tmp_path / "ann.csv").write_text("video,onset,apex,offset,emotion,aus,coder\n"
                                      "interview.avi,10,15,20,happiness,12,ann\n", encoding="utf-8")
    args = ["convert", str(tmp_path / "ann.csv"), str(tmp_path / "ann.eaf")]
    assert main([*args, "--media", str(clip)] if media else args) == 0, capsys.readouterr().err
    from merstudio.io import open_source

    with open_source(clip) as src:
        fps = src.fps
    times = sorted(int(t.get("TIME_VALUE")) for t in ET.parse(tmp_path / "ann.eaf").getroot().iter("TIME_SLOT"))
    assert abs(times[0] - 1000 * 10 / fps) <= 1  # frame 10 at the video's own rate
