"""`merstudio project new/add --fps` on a video whose frames carry times: it keeps its own timing (the CLI's rule, as
`analyze`'s) and now says so in one line, in `analyze`'s words, with a command that does retime it and adds the
result; before, it said nothing and its --help spoke of frame folders only, though raw streams take the rate too."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from support.miscounted import ffmpeg_or_skip
from support.raw_streams import H264, convert, own_rate

from merstudio.cli.main import main

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


def added(out: str) -> dict[str, float]:
    """name -> the rate `project new/add` printed it was added at."""
    return {m[1]: float(m[2]) for m in re.finditer(r"video \d+: (\S+) \(\d+ frames at ([\d.]+) fps\)", out)}


def unused(err: str) -> list[str]:
    return [line for line in err.splitlines() if "not used" in line]


def test_a_timed_mp4_is_said_and_its_command_retimes_it(clip, tmp_path, capsys):
    ffmpeg = ffmpeg_or_skip()
    src = REAL if REAL.is_file() else convert(clip, tmp_path / "take.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"])
    raw = convert(clip, tmp_path / "raw.h264", H264)  # no frame times: --fps is its rate
    proj = tmp_path / "my study.merproj"  # a space: quoted in the command
    assert main(["project", "new", str(proj), str(src), str(raw), "--fps", "60"]) == 0
    out, err = capsys.readouterr()
    rates = added(out)
    assert rates == {src.name: own_rate(src), "raw.h264": 60.0}  # the rule stands: the timed video keeps its rate
    said = unused(err)
    assert len(said) == 1, err  # was: nothing said
    assert said[0].startswith(f"merstudio: --fps 60 not used for {src}: it carries frame times "
                              f"({own_rate(src):g} fps), which it keeps (--fps sets the rate of frame folders, "
                              "images and raw streams)")
    command = shlex.split(re.search(r"rewrite its frame times: (ffmpeg .*?), and add that", said[0]).group(1))
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", *command[1:]], check=True, timeout=120)
    made = Path(command[-1])
    with av.open(str(made)) as c:  # PyAV's own frame times: 1/60 s apart
        assert np.allclose(np.diff([float(f.time) for f in c.decode(video=0)]), 1 / 60, atol=1e-3)
    assert main(["project", "add", str(proj), str(made), "--fps", "60"]) == 0
    out, err = capsys.readouterr()
    assert added(out) == {made.name: 60.0} and unused(err) == []  # at the rate asked: nothing to say


def test_an_avis_command_adds_its_frames_at_the_rate(clip, tmp_path, capsys):
    ffmpeg = ffmpeg_or_skip()
    src = tmp_path / "cam.avi"
    src.write_bytes(clip.read_bytes())
    proj = tmp_path / "s.merproj"
    assert main(["project", "new", str(proj)]) == 0
    assert main(["project", "add", str(proj), str(src), "--fps", "60"]) == 0
    out, err = capsys.readouterr()
    assert added(out) == {"cam.avi": own_rate(src)}
    [line] = unused(err)
    found = re.search(r"add its frames as a folder: mkdir (\S+) && (ffmpeg .*?), then merstudio project add (\S+) "
                      r"(\S+) --fps 60 ", line)
    assert found is not None, line
    folder = Path(found.group(1))
    assert folder == tmp_path / "cam_frames" and Path(found.group(3)) == proj and found.group(4) == found.group(1)
    folder.mkdir()
    subprocess.run([ffmpeg, "-loglevel", "error", *shlex.split(found.group(2))[1:]], check=True, timeout=120)
    assert main(["project", "add", str(proj), str(folder), "--fps", "60"]) == 0
    out, err = capsys.readouterr()
    assert added(out) == {"cam_frames": 60.0} and unused(err) == []


def test_without_fps_nothing_is_said(clip, tmp_path, capsys):
    assert main(["project", "new", str(tmp_path / "s.merproj"), str(clip)]) == 0
    assert unused(capsys.readouterr().err) == []


@pytest.mark.parametrize("action", ["new", "add"])
def test_help_says_what_fps_reaches(action, capsys):
    with pytest.raises(SystemExit):
        main(["project", action, "--help"])
    text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")
    assert "videos without frame timestamps, such as raw .h264/.mjpeg streams" in text
    assert "a video with timestamps keeps its own timing, and the command says so" in text
