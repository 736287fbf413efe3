"""A `merstudio reencode` killed by SIGTERM or SIGHUP (a closed terminal, a logout) leaves its temporaries beside
OUT; the next write of the same OUT removes them, and never a live writer's (1.7 GB of a killed run stayed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.cli_run import tiny_video
from support.procs import kill_and_reap

from merstudio.io.reencode import reencode

# a writer that stops after its first frame, as one busy with a long video is when the signal comes
_STALLED = """
import signal, sys, time
signal.signal(signal.SIGHUP, signal.SIG_DFL)  # a terminal's writer (a suite run under nohup passes SIGHUP ignored)
from merstudio.io.reencode import reencode
reencode(sys.argv[1], sys.argv[2], progress=lambda done, total: (print("stalled", flush=True), time.sleep(3600)))
"""


def _stalled_writer(src: Path, out: Path) -> subprocess.Popen:
    """A writer stopped in its first frame's progress call: by then it has made every temporary it makes (two: the
    picture's and the one joined with the sound; waiting for the first alone raced the second on a loaded machine)."""
    proc = subprocess.Popen([sys.executable, "-c", _STALLED, str(src), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the writer is stalled, or "" where it died first
    assert line.strip() == "stalled", f"the writer never reached its first frame (exit {proc.poll()})"
    assert [p for p in out.parent.iterdir() if p.name.startswith(".")], "the writer made no temporary"
    return proc


@pytest.mark.skipif(os.name != "posix", reason="signals and flock: POSIX")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_the_next_write_removes_a_killed_writers_temporaries(tmp_path: Path, sig: signal.Signals) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=30)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.avi"
    proc = _stalled_writer(src, out)
    try:
        left = sorted(p.name for p in folder.iterdir())
        assert left and all(name.startswith(".") for name in left)
        other = reencode(src, folder / "other.avi")  # another output in the folder leaves a live writer's alone
        assert other.complete and sorted(p.name for p in folder.iterdir()) == sorted([*left, "other.avi"])
        os.kill(proc.pid, sig)
        assert proc.wait(timeout=60) == -sig  # killed, no clean-up of its own
    finally:
        kill_and_reap(proc)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*left, "other.avi"])  # what the kill left
    res = reencode(src, out)
    assert res.complete and res.frames == 30
    assert sorted(p.name for p in folder.iterdir()) == ["other.avi", "out.avi"]


@pytest.mark.skipif(os.name != "posix", reason="flock: POSIX")
def test_a_live_writers_temporary_of_the_same_output_stays(tmp_path: Path) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=30)
    out = tmp_path / "out.avi"
    proc = _stalled_writer(src, out)
    try:
        live = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        res = reencode(src, out)
        assert res.complete
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == live
        assert proc.poll() is None
    finally:
        kill_and_reap(proc)


@pytest.mark.skipif(os.name != "posix", reason="flock: POSIX")
def test_an_earlier_versions_leftover_goes_once_a_day_old(tmp_path: Path) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=10)
    old = tmp_path / ".out.7e038d89.part.avi"  # what a killed re-encode of an earlier version left (its naming)
    recent = tmp_path / ".out.0badf00d.part.avi"
    for path, age in ((old, 2 * 86400), (recent, 60)):
        path.write_bytes(b"half a video")
        os.utime(path, (time.time() - age, time.time() - age))
    assert reencode(src, tmp_path / "out.avi").complete
    assert not old.exists() and recent.exists()  # one that recent may be a live writer's of that version
