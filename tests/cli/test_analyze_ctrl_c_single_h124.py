"""`merstudio analyze VIDEO` stopped by Ctrl-C (a real SIGINT, sent once its partial table holds rows) names the
video it stopped part-way and the frames kept; it said "0 input(s) finished in this run, 0 not started" alone."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"


@pytest.mark.skipif(not DEMO.is_file(), reason="the bundled demo video is not in this checkout")
def test_the_stopped_video_and_its_frames_kept_are_named(tmp_path: Path):
    out = tmp_path / "out"
    partial = out / "interview.partial.csv"
    proc = subprocess.Popen([sys.executable, "-m", "merstudio", "analyze", str(DEMO), "-o", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not partial.is_file() or partial.read_bytes().count(b"\n") < 12:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the analysis never started writing"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    with open(partial, newline="", encoding="utf-8") as fh:
        frames = sorted({int(r["frame"]) for r in csv.DictReader(fh)})
    assert frames == list(range(len(frames)))
    line = next(t for t in err.splitlines() if "interrupted" in t)
    assert f"1 stopped part-way: interview.mp4 (frames 0-{frames[-1]} kept in {partial})" in line, line
