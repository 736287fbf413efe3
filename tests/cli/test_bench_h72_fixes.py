"""`merstudio bench`: an unwritable --json is refused before the benchmarks (it failed after them, 15-30 minutes
for loso), the JSON names the CPU model the figures depend on (it said "x86_64"), and -q keeps progress out of a
log."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_json_in_a_folder_that_cannot_be_written_is_refused_before_any_benchmark(tmp_path, capsys):
    clip = tiny_video(tmp_path / "c.avi", n=10)
    # /proc exists, and a permission check passes it as root; a file cannot be made there
    code, out, err = run(capsys, "bench", "decode", "--video", clip, "--json", "/proc/merstudio-bench.json")
    assert code == 3
    assert err.startswith("merstudio: error: /proc/merstudio-bench.json: cannot write")
    assert out == ""  # nothing benchmarked first
    assert not Path("/proc/merstudio-bench.json").exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".probe")]


@pytest.mark.skipif(not any(line.startswith("model name") for line in _cpuinfo()), reason="no model name in /proc")
def test_json_names_the_cpu_model_its_cores_and_bfloat16(tmp_path, capsys):
    clip = tiny_video(tmp_path / "c.avi", n=10)
    code, out, _ = run(capsys, "bench", "decode", "--video", clip, "--cores", "1", "--json", tmp_path / "b.json")
    assert code == 0
    fig = json.loads((tmp_path / "b.json").read_text())
    info = _cpuinfo()
    model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    flags = next((line.split(":", 1)[1].split() for line in info if line.startswith("flags")), [])
    assert fig["cpu"] == " ".join(model.split())
    assert fig["cores"] == 1 and fig["cpu_cores"] == os.cpu_count()
    if flags:  # x86: bfloat16 in hardware is AVX512-BF16 or AMX
        assert fig["cpu_bfloat16"] is any(f in flags for f in ("avx512_bf16", "amx_tile"))
    assert " ".join(model.split()) in out.splitlines()[0]


@pytest.fixture
def no_app_bench(monkeypatch):
    """The long clip's open/seek figures come from the app's frame loader (Qt): left out here."""
    from merstudio.gui import bench as gb

    monkeypatch.setattr(gb, "bench_open_and_seek",
                        lambda *a, **k: {"open_s": 0.0, "seek_ms_p50": 0.0, "seek_ms_p95": 0.0, "seek_ms_max": 0.0})


def test_quiet_memory_bench_writes_no_bars(tmp_path, capsys, no_app_bench):
    clip = tiny_video(tmp_path / "c.avi", n=10)
    argv = ["bench", "memory", "--video", clip, "--minutes", "0.01"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and "making a 0.01-minute clip" in err and "analysing it" in err  # a log's start/end lines
    code, out, err = run(capsys, *argv, "-q")
    assert code == 0 and "memory on a 0.01-minute clip" in out
    assert "making a" not in err and "analysing it" not in err


def test_quiet_loso_and_batch_report_no_progress(tmp_path, capsys, monkeypatch):
    import merstudio.execution.bench as eb
    import merstudio.training.bench as tb

    def loso(fold_done=None, **kw):
        fold_done(1, 68)  # a fold done: the bar's line shows in a log unless -q
        return {}

    def batch(video, videos, frames, jobs, progress=None):
        if progress is not None:
            progress("1 process")
        return {"videos": videos, "frames_per_video": frames, "backends": {}}

    monkeypatch.setattr(tb, "bench_loso", loso)
    monkeypatch.setattr(eb, "bench_batch_throughput", batch)
    monkeypatch.setattr(eb, "bench_manifest", lambda: dict.fromkeys(
        ("manifest_kib", "read_ms", "write_ms", "write_ms_10k_rows", "plan_rerun_s", "rerun", "plan_retry_failed_s",
         "hash_ms_per_video_256MiB"), 0))
    clip = tiny_video(tmp_path / "c.avi", n=10)
    code, out, err = run(capsys, "bench", "loso", "batch", "--video", clip)
    assert code == 0 and "LOSO folds" in err and "batch: 1 process ..." in out
    assert "\r" not in err  # a log gets the bar's start and end lines (cli.bars.Bar), not tqdm's redraws
    code, out, err = run(capsys, "bench", "loso", "batch", "--video", clip, "-q")
    assert code == 0 and "LOSO folds" not in err and "batch: 1 process" not in out


def test_more_cores_than_the_process_may_use_is_said(tmp_path, capsys, monkeypatch):
    import os

    import merstudio.execution.bench as eb

    monkeypatch.setattr(eb, "bench_manifest", lambda: dict.fromkeys(
        ("manifest_kib", "read_ms", "write_ms", "write_ms_10k_rows", "plan_rerun_s", "rerun", "plan_retry_failed_s",
         "hash_ms_per_video_256MiB"), 0))
    monkeypatch.setattr(eb, "bench_batch_throughput", lambda video, videos, frames, jobs, progress=None: {
        "videos": videos, "frames_per_video": frames, "backends": {}})
    before = os.sched_getaffinity(0)
    have = len(before)
    clip = tiny_video(tmp_path / "c.avi", n=10)
    try:
        code, out, err = run(capsys, "bench", "batch", "--video", clip, "--cores", have + 1, "-q")
    finally:
        os.sched_setaffinity(0, before)  # bench pins this process to its cores: the tests after it are not
    assert code == 0 and f"on {have} of" in out
    assert f"--cores {have + 1} asked, but this process may use {have}" in err
