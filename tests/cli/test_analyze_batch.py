"""`merstudio analyze` on a batch: a folder tree and a list file with a manifest, a rerun that skips finished
work, --retry-failed, Ray's absence in one line, and Ctrl-C (SIGINT) during a `-j 2` batch: the process exits
within 2 s, names every partial file in one message, and the manifest says what finished."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from support.clips import write_clip
from support.interrupt import check_interrupted, exit_within, interrupt_batch
from support.interrupt import manifest_rows as _manifest

from merstudio.cli.main import main


def test_tree_list_rerun_and_retry_failed(tmp_path: Path, capsys):
    arch = tmp_path / "arch"
    (arch / "day1").mkdir(parents=True)
    clip = write_clip(arch / "day1" / "interview.avi", n=20)
    (arch / "day1" / "cut.mp4").write_bytes(clip.read_bytes()[:2000])  # a corrupt input
    out = tmp_path / "out"
    code = main(["analyze", str(arch), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 2  # one input failed; the other completed
    errors = [line for line in captured.err.splitlines() if line.startswith("merstudio: error:")]
    assert len(errors) == 1 and "cut.mp4" in errors[0]
    rows = _manifest(out)
    assert [(r["status"], r["output"]) for r in rows] == [("failed", "cut"), ("done", "interview")]
    assert "cut.mp4" in rows[0]["error"] and rows[1]["frames"] == "20"
    first = (out / "interview.csv").stat().st_mtime_ns

    # a rerun (through a list file this time) skips both: the finished one and the failed one
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"# the archive\n{arch / 'day1' / 'interview.avi'}\narch/day1/cut.mp4\n")
    code = main(["analyze", "--list", str(listing), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2 and "0 to analyse, 1 finished before (skipped), 1 failed before" in captured.out
    assert "--retry-failed" in captured.err
    assert (out / "interview.csv").stat().st_mtime_ns == first
    assert _manifest(out) == rows

    # --retry-failed runs the failed one again (it fails again: same row, one line)
    code = main(["analyze", str(arch), "-o", str(out), "-q", "--retry-failed"])
    assert code == 2 and "cut.mp4" in capsys.readouterr().err
    assert [r["status"] for r in _manifest(out)] == ["failed", "done"]
    assert (out / "interview.csv").stat().st_mtime_ns == first


def test_ray_not_installed_is_one_line(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    code = main(["analyze", str(tmp_path), "-o", str(tmp_path / "o"), "--ray"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "pip install -e '.[cluster]'" in err[0]


@pytest.fixture(scope="module")
def long_clips(tmp_path_factory) -> Path:
    arch = tmp_path_factory.mktemp("long")
    first = write_clip(arch / "a.avi", n=150)
    for name in ("b", "c", "d"):
        (arch / f"{name}.avi").write_bytes(first.read_bytes())
    return arch


@pytest.mark.slow
def test_ctrl_c_on_two_jobs_stops_within_two_seconds(long_clips: Path, tmp_path: Path):
    out = tmp_path / "out"
    took, code, err = interrupt_batch(long_clips, out, "-j", "2", "--batch")
    check_interrupted(out, code, err)
    assert took < exit_within(), f"exited {took:.2f} s after SIGINT (load {os.getloadavg()[0]:.1f})"
