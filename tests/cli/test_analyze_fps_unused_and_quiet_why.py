"""`merstudio analyze --fps` on a video whose frames carry times: the CLI keeps the video's own timing (its
documented rule) and no longer does so silently: one line says so (a batch: one line, counted), with an ffmpeg
command that does retime a high-speed recording, and the result's meta keeps it among its warnings. With -q (no
progress bars) a batch still says what it analyses again and why, and a folder of photos that it analyses each
photo on its own."""

from __future__ import annotations

import csv
import json
import re
import shlex
import subprocess
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from support.miscounted import ffmpeg_or_skip
from support.raw_streams import H264, convert, own_rate

from merstudio.cli.main import main


def meta(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.meta.json").read_text(encoding="utf-8"))


def test_fps_on_a_timed_video_is_said_once_and_kept_in_its_meta(clip, tmp_path, capsys):
    rate = own_rate(clip)  # 30
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out), "--fps", "60", "-q"]) == 0
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "--fps 60 not used" in line]
    assert len(said) == 1, err
    assert f"--fps 60 not used for {clip}: it carries frame times ({rate:g} fps)" in said[0]
    assert f"then merstudio analyze {clip.with_name('a_frames')} --fps 60" in said[0]  # an AVI: its frames
    m = meta(out, "a")
    assert m["fps"] == rate  # the documented rule stands: the video keeps its own timing
    assert said[0].removeprefix("merstudio: ") in m["warnings"], m["warnings"]


def test_fps_equal_to_the_videos_own_rate_says_nothing(clip, tmp_path, capsys):
    """--fps 30 on a 30 fps file loses nothing: no line advising `-itsscale 1`."""
    rate = own_rate(clip)
    assert main(["analyze", str(clip), "-o", str(tmp_path / "out"), "--fps", f"{rate:g}", "-q"]) == 0
    assert "not used" not in capsys.readouterr().err
    assert not [w for w in meta(tmp_path / "out", "a")["warnings"] if "not used" in w]


def said_line(capsys) -> str:
    return next(x for x in capsys.readouterr().err.splitlines() if "not used" in x)


def test_an_mp4s_command_retimes_it(clip, tmp_path, capsys):
    """The advice is true: for an MP4 the ffmpeg command it names gives the same frames, 1/60 s apart."""
    ffmpeg = ffmpeg_or_skip()
    src = convert(clip, tmp_path / "cam take.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"])  # a space: quoted
    assert main(["analyze", str(src), "-o", str(tmp_path / "out"), "--fps", "60", "-q"]) == 0
    line = said_line(capsys)
    command = shlex.split(re.search(r"rewrite its frame times: (ffmpeg .*?), and analyse that", line).group(1))
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", *command[1:]], check=True, timeout=120)
    made = Path(command[-1])
    assert made == tmp_path / "cam take_60fps.mp4" and made.is_file()
    with av.open(str(made)) as c:  # PyAV's own frame times
        times = [float(f.time) for f in c.decode(video=0)]
    assert len(times) == 16 and np.allclose(np.diff(times), 1 / 60, atol=1e-3), times
    with av.open(str(src)) as a, av.open(str(made)) as b:  # the same frames (-c copy)
        assert [bytes(k) for k in a.demux(video=0)] == [bytes(k) for k in b.demux(video=0)]


def test_an_avis_command_analyses_its_frames_at_the_rate(clip, tmp_path, capsys):
    """An AVI's times cannot be rescaled finely under -c copy: the advice is its frames as a folder, which --fps
    times; the CSV then has frame k at k / 60 s."""
    ffmpeg = ffmpeg_or_skip()
    src = tmp_path / "cam.avi"
    src.write_bytes(clip.read_bytes())
    assert main(["analyze", str(src), "-o", str(tmp_path / "o1"), "--fps", "60", "-q"]) == 0
    line = said_line(capsys)
    found = re.search(r"as a folder: mkdir (\S+) && (ffmpeg .*?), then merstudio analyze (\S+) --fps 60 ", line)
    assert found is not None, line
    folder = Path(found.group(1))
    assert folder == tmp_path / "cam_frames" and found.group(3) == found.group(1)
    folder.mkdir()
    subprocess.run([ffmpeg, "-loglevel", "error", *shlex.split(found.group(2))[1:]], check=True, timeout=120)
    assert main(["analyze", str(folder), "-o", str(tmp_path / "o2"), "--fps", "60", "-q"]) == 0
    capsys.readouterr()
    assert meta(tmp_path / "o2", "cam_frames")["fps"] == 60
    with open(tmp_path / "o2" / "cam_frames.csv", newline="") as f:
        times = {int(r["frame"]): float(r["timestamp"]) for r in csv.DictReader(f)}
    assert len(times) == 16 and times[12] == pytest.approx(12 / 60, abs=1e-3), times


def test_a_batch_counts_its_timed_videos_in_one_line(clip, tmp_path, capsys):
    root = tmp_path / "in"
    root.mkdir()
    takes = [root / "t1.avi", root / "t2.avi"]
    for t in takes:
        t.write_bytes(clip.read_bytes())
    raw = convert(clip, root / "raw.h264", H264)  # no frame times: --fps is its rate
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"{p}\n" for p in [*takes, raw]))
    out = tmp_path / "out"
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--fps", "60", "-q"]) == 0
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "not used" in line]
    assert len(said) == 1 and "--fps 60 not used for 2 videos (t1.avi, t2.avi)" in said[0], err
    metas = {m["input"]: m for m in (json.loads(p.read_text()) for p in out.glob("*.meta.json"))}
    assert metas[str(raw)]["fps"] == 60 and not any("not used" in w for w in metas[str(raw)]["warnings"])
    for t in takes:
        m = metas[str(t)]
        assert m["fps"] == own_rate(clip)
        assert [w for w in m["warnings"] if "not used" in w] == [
            f"--fps 60 not used for {t}: it carries frame times (30 fps), which it keeps (--fps sets the rate of "
            "frame folders, images and raw streams); to retime a high-speed recording, analyse its frames as a "
            f"folder: mkdir {t.with_suffix('')}_frames && ffmpeg -i {t} -fps_mode passthrough "
            f"{t.with_suffix('')}_frames/%06d.png, then merstudio analyze {t.with_suffix('')}_frames --fps 60 "
            "(docs/io.md)"]


def test_a_result_published_at_a_url_keeps_it_in_its_meta(clip, bucket, cwd, capsys):
    pytest.importorskip("fsspec")
    mem, root = bucket
    assert main(["analyze", str(clip), "-o", f"memory:/{root}/out", "--fps", "60", "-q"]) == 0
    capsys.readouterr()
    m = json.loads(mem.cat_file(f"{root}/out/a.meta.json"))
    assert m["fps"] == own_rate(clip) and any(w.startswith(f"--fps 60 not used for {clip}") for w in m["warnings"])


def test_without_fps_or_for_frames_without_times_nothing_is_said(clip, tmp_path, capsys):
    assert main(["analyze", str(clip), "-o", str(tmp_path / "o1"), "-q"]) == 0
    raw = convert(clip, tmp_path / "raw.h264", H264)
    assert main(["analyze", str(raw), "-o", str(tmp_path / "o2"), "--fps", "60", "-q"]) == 0
    assert "not used" not in capsys.readouterr().err
    assert meta(tmp_path / "o2", "raw")["fps"] == 60


def test_quiet_still_says_what_a_rerun_analyses_again_and_why(clip, tmp_path, capsys):
    """-q is "no progress bars": the batch's line of what it analyses again (other settings) is no bar."""
    listing = tmp_path / "list.txt"
    listing.write_text(f"{clip}\n")
    out = tmp_path / "out"
    assert main(["analyze", "--list", str(listing), "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["analyze", "--list", str(listing), "-o", str(out), "-q", "--landmarks"]) == 0
    text = capsys.readouterr().out
    assert "1 to analyse (1 finished before with other settings, analysed again: settings changed: --landmarks)" \
        in text, text


def test_quiet_still_says_a_folder_of_photos_is_analysed_photo_by_photo(tmp_path, capsys):
    folder = tmp_path / "photos"
    folder.mkdir()
    grey = np.full((40, 60, 3), 90, np.uint8)
    cv2.imwrite(str(folder / "a.png"), grey)
    cv2.imwrite(str(folder / "b.png"), cv2.resize(grey, (80, 50)))
    assert main(["analyze", str(folder), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert f"{folder}: 2 images of different sizes: analysing each photo on its own" in capsys.readouterr().out


def test_inputs_named_one_by_one_get_a_line_each_with_their_own_rate(clip, tmp_path, capsys):
    slow = convert(clip, tmp_path / "b.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"], rate="25")
    assert own_rate(slow) == 25 and own_rate(clip) == 30
    assert main(["analyze", str(clip), str(slow), "-o", str(tmp_path / "out"), "--fps", "60", "-q"]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if "not used" in line]
    assert len(said) == 2, said
    assert f"--fps 60 not used for {clip}: it carries frame times (30 fps)" in said[0]
    assert f"--fps 60 not used for {slow}: it carries frame times (25 fps)" in said[1]
    assert f"ffmpeg -itsscale {25 / 60:.6g} -i {slow} -c copy -an {tmp_path / 'b_60fps.mp4'}" in said[1]
    assert meta(tmp_path / "out", "b")["fps"] == 25
