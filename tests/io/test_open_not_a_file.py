"""A path that is no regular file is named for what it is and never read (a72): `merstudio analyze` of a named pipe
with nothing writing to it hung hashing it and left its lock behind; with a writer, and in the app, a pipe or
/dev/zero was "file is empty"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from merstudio.analysis.files import content_hash
from merstudio.errors import InputError
from merstudio.io import open_source

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def test_a_named_pipe_or_a_device_is_refused_by_name(tmp_path: Path):
    fifo = tmp_path / "call.mp4"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"call\.mp4: a named pipe \(FIFO\), not a file"):
        open_source(fifo)
    with pytest.raises(OSError, match="a named pipe"):
        content_hash(fifo)  # returns at once: nothing opens it (an open would wait for a writer)
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match="/dev/zero: a device, not a file"):
            open_source("/dev/zero")


def test_analyze_of_a_named_pipe_says_so_and_leaves_nothing(tmp_path: Path):
    fifo = tmp_path / "call.mp4"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "merstudio", "analyze", str(fifo), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=300)  # it hung here, for ever
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"merstudio: error: {fifo}: a named pipe (FIFO), not a file"
    assert not out.exists() or not list(out.glob("*.lock"))
