"""Output URLs' staging folders as stopped or killed runs leave them (tests of `remove_stale_staging`)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from merstudio.analysis.outputs import staging_dir

DAY = 24 * 3600
GONE_PID = 2 ** 22 + 12345  # above Linux's largest pid: never a running process


def left_staging(url: str, age: float, pid: int = GONE_PID) -> Path:
    """`url`'s staging folder as a killed run leaves it (a lock file naming its gone pid, partial rows), `age` s
    old."""
    folder = staging_dir(url)
    folder.mkdir(parents=True)
    (folder / "clip.lock").write_text(f"{pid}\n")
    (folder / "clip.partial.csv").write_text("frame,face_id\n0,-1\n")
    then = time.time() - age
    for p in [*folder.iterdir(), folder]:
        os.utime(p, (then, then))
    return folder


def own_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR (tempfile's) moved into `tmp_path`: the staging folders of the test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmpd"))
    (tmp_path / "tmpd").mkdir()
    return tmp_path / "tmpd"
