"""Batch analysis on a Ray cluster: a local Ray head with two worker CPUs started by this module on this machine
(one head shared by the module's tests, stopped at the end), and `merstudio analyze --ray ADDRESS` run as a
separate driver process, as a user would:
- the rows equal the in-process back-end's; a corrupt input is recorded as failed and the rest completes; a rerun
  skips everything;
- a worker process killed mid-video: Ray runs the video again; the batch completes with one row per video in the
  manifest and the same rows as an uninterrupted run (no lost or duplicated rows);
- Ctrl-C (SIGINT) on a Ray batch exits within 2 s, names every partial file, leaves a consistent manifest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.clips import write_clip

pytest.importorskip("ray")

from merstudio.analysis import batch as B  # noqa: E402
from merstudio.analysis.pipeline import AnalysisSettings  # noqa: E402
from merstudio.execution import Backend  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def head():
    from support.ray_cluster import RayHead

    h = RayHead(cpus=2)
    yield h
    h.stop()


def _env() -> dict[str, str]:
    from support.ray_cluster import ray_env

    return ray_env()


def _analyze(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "merstudio", "analyze", *args], capture_output=True, text=True,
                          timeout=timeout, env=_env())


def _rows(out: Path) -> dict[str, B.ManifestRow]:
    return {Path(k).name if "broken" in k else Path(k).parent.name: r for k, r in B.Manifest.read(out).rows.items()}


def test_ray_batch_equals_in_process_and_a_rerun_skips_everything(head, tmp_path: Path):
    arch = tmp_path / "arch"
    (arch / "one").mkdir(parents=True)
    (arch / "two").mkdir()
    clip = write_clip(arch / "one" / "face.avi", n=20)
    (arch / "two" / "face.avi").write_bytes(clip.read_bytes())
    (arch / "two" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 200)
    base = tmp_path / "base"
    B.run_batch(B.plain_plan([clip], base, False), AnalysisSettings(), Backend())

    out = tmp_path / "out"
    r = _analyze(str(arch), "-o", str(out), "-q", "--ray", head.address)
    assert r.returncode == 2, r.stderr  # the corrupt input failed, the rest completed
    errors = [line for line in r.stderr.splitlines() if line.startswith("merstudio: error:")]
    assert len(errors) == 1 and "broken.mp4" in errors[0], r.stderr
    rows = _rows(out)
    assert {k: v.status for k, v in rows.items()} == {"one": "done", "two": "done", "broken.mp4": "failed"}
    assert rows["one"].frames == 20 and rows["one"].device == "cpu"
    for row in (rows["one"], rows["two"]):
        assert (out / f"{row.output}.csv").read_bytes() == (base / "face.csv").read_bytes()
        assert (out / f"{row.output}.spots.csv").read_bytes() == (base / "face.spots.csv").read_bytes()
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    again = _analyze(str(arch), "-o", str(out), "--ray", head.address)
    assert again.returncode == 2 and "0 to analyse, 2 finished before (skipped), 1 failed before" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing was written


def _running_worker(out: Path, driver: int) -> tuple[str, int] | None:
    """(name, pid) of a video a Ray worker is analysing now (its partial meta says running, with the pid)."""
    for meta in out.glob("*.partial.meta.json"):
        try:
            info = json.loads(meta.read_text())
        except (OSError, ValueError):
            continue
        if info.get("status") == "running" and info.get("pid") not in (None, driver):
            return meta.name[: -len(".partial.meta.json")], int(info["pid"])
    return None


def test_a_worker_killed_mid_video_is_retried_without_lost_or_duplicated_rows(head, tmp_path: Path):
    arch = tmp_path / "arch"
    arch.mkdir()
    first = write_clip(arch / "a.avi", n=45)
    (arch / "b.avi").write_bytes(first.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "merstudio", "analyze", str(arch), "-o", str(out), "-q",
                             "--ray", head.address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env())
    killed = None
    try:
        deadline = time.monotonic() + 240
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            found = _running_worker(out, proc.pid)
            if found is not None and (out / f"{found[0]}.partial.csv").is_file():
                os.kill(found[1], signal.SIGKILL)  # the Ray worker process running this video (this test's)
                killed = found
            time.sleep(0.05)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert killed is not None, "no worker was seen running a video"
    assert proc.returncode == 0, stderr
    rows = B.Manifest.read(out).rows
    assert len(rows) == 2 and {r.status for r in rows.values()} == {"done"}, rows
    a, b = ((out / f"{n}.csv").read_text().splitlines() for n in ("a", "b"))
    assert a == b  # the retried video's rows equal the other, uninterrupted run's
    frames = [line.split(",", 1)[0] for line in a[1:]]
    assert frames == [str(k) for k in range(45)]  # one row per frame: none lost, none twice
    assert not [p.name for p in out.iterdir() if ".partial." in p.name or ".previous." in p.name]


def test_ctrl_c_on_a_ray_batch_stops_within_two_seconds(head, tmp_path: Path):
    from support.interrupt import check_interrupted, exit_within, interrupt_batch

    arch = tmp_path / "arch"
    arch.mkdir()
    first = write_clip(arch / "a.avi", n=150)
    for name in ("b", "c", "d"):
        (arch / f"{name}.avi").write_bytes(first.read_bytes())
    out = tmp_path / "out"
    took, code, err = interrupt_batch(arch, out, "--ray", head.address, env=_env())
    check_interrupted(out, code, err)
    assert took < exit_within(), f"exited {took:.2f} s after SIGINT (load {os.getloadavg()[0]:.1f})"
