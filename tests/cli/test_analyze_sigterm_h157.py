"""`merstudio analyze VIDEO` stopped by SIGTERM (`timeout`, SLURM, `docker stop`) ends as after Ctrl-C: its partial
rows kept and named, the partial meta `partial` with the frames kept, the spots of those rows, the lock released;
then exit 143 and a line naming the signal. It exited 143 silently with the meta `running`, 0 frames, the lock left."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from support.interrupt import interrupt_when

from merstudio.resources import demo_video


def test_sigterm_stops_an_analysis_as_ctrl_c_does(tmp_path: Path):
    out = tmp_path / "out"
    partial = out / "interview.partial.csv"
    proc = subprocess.Popen([sys.executable, "-m", "merstudio", "analyze", str(demo_video()), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, _, err = interrupt_when(proc, lambda: partial.is_file() and partial.read_bytes().count(b"\n") >= 12,
                                  wait=240, sig=signal.SIGTERM)
    assert code == 143, err
    assert err.splitlines()[-1] == "merstudio: stopped by SIGTERM", err
    assert f"kept in {partial}" in err and "Traceback" not in err, err
    meta = json.loads((out / "interview.partial.meta.json").read_text())
    assert meta["status"] == "partial" and meta["frames_processed"] >= 11, meta
    assert (out / "interview.spots.partial.csv").is_file()
    assert not (out / "interview.lock").exists()
