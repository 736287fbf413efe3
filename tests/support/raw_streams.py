"""Raw video streams without container timing (a 20-frame face clip through FFmpeg: `.h264`, `.mjpeg`), the rate a
timed file's container states, and the result files `merstudio analyze` writes of them: the tests of how videos are
timed (`--fps` used or not) share these."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import av

from merstudio.analysis.files import output_paths
from support.clips import write_clip
from support.miscounted import ffmpeg_or_skip

H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "h264"]
MJPEG = ["-c:v", "mjpeg", "-f", "mjpeg"]


def convert(src: Path, dst: Path, args: list[str], rate: str | None = None) -> Path:
    """`src` through FFmpeg with `args` into `dst` (`rate`: the input's rate as FFmpeg reads it); skips the test
    where there is no ffmpeg binary."""
    ffmpeg = ffmpeg_or_skip()
    head = ["-r", rate] if rate else []
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", *head, "-i", str(src), *args, str(dst)], check=True,
                   timeout=120)
    return dst


def raw_stream(root: Path, name: str, args: list[str], rate: str | None = None) -> Path:
    """A 20-frame face clip written as `root/name` by FFmpeg with `args`."""
    return convert(write_clip(root / "v.avi", n=20), root / name, args, rate)


def own_rate(path: Path) -> float:
    """The rate the file's container states, read with PyAV (not merstudio)."""
    with av.open(str(path)) as c:
        return float(c.streams.video[0].average_rate)


def result_meta(out: Path, name: str) -> dict:
    return json.loads(output_paths(out, name).meta.read_text(encoding="utf-8"))


def result_times(out: Path, name: str) -> dict[int, float]:
    with open(out / f"{name}.csv", newline="", encoding="utf-8") as f:
        return {int(r["frame"]): float(r["timestamp"]) for r in csv.DictReader(f)}
