"""`merstudio analyze VIDEO` stopped by Ctrl-C (a real SIGINT, sent once its partial table holds rows) names the
video it stopped part-way and the frames kept; it said "0 input(s) finished in this run, 0 not started" alone."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from support.interrupt import interrupt_when

from merstudio.resources import demo_video


def test_the_stopped_video_and_its_frames_kept_are_named(tmp_path: Path):
    out = tmp_path / "out"
    partial = out / "interview.partial.csv"
    proc = subprocess.Popen([sys.executable, "-m", "merstudio", "analyze", str(demo_video()), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, _, err = interrupt_when(proc, lambda: partial.is_file() and partial.read_bytes().count(b"\n") >= 12, 240)
    assert code == 130, err
    with open(partial, newline="", encoding="utf-8") as fh:
        frames = sorted({int(r["frame"]) for r in csv.DictReader(fh)})
    assert frames == list(range(len(frames)))
    line = next(t for t in err.splitlines() if "interrupted" in t)
    assert f"1 stopped part-way: interview.mp4 (frames 0-{frames[-1]} kept in {partial})" in line, line
