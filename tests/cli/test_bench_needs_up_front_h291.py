"""`merstudio bench ... seek` without ffmpeg says so before any benchmark runs, and a benchmark that fails later
leaves the --json of those that ran (h291, a107 finding 6): `bench memory seek --json long.json` ran the memory
benchmark for minutes, then stopped at seek's ffmpeg with no JSON written."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.analysis import bench


@pytest.fixture
def no_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails: not installed


def test_seek_without_ffmpeg_is_refused_before_any_benchmark(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              no_ffmpeg: None) -> None:
    video = tiny_video(tmp_path / "v.avi", n=10)
    code, out, err = run(capsys, "bench", "decode", "seek", "--video", video, "--json", tmp_path / "b.json", "-q")
    assert code == 2
    assert err.strip().splitlines() == ["merstudio: error: the H.264 seek benchmark needs an ffmpeg binary: install "
                                        "ffmpeg or imageio-ffmpeg (pip install imageio-ffmpeg), or leave 'seek' out"]
    assert "frames/s" not in out  # decode did not run first
    assert not (tmp_path / "b.json").exists()


def test_a_later_failure_keeps_the_figures_that_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    video = tiny_video(tmp_path / "v.avi", n=10)

    def broken(*a: object, **k: object) -> dict:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(bench, "bench_landmarks", broken)
    out_json = tmp_path / "b.json"
    with pytest.raises(RuntimeError, match="the disk went away"):
        run(capsys, "bench", "decode", "landmarks", "--video", video, "--json", out_json, "-q")
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["decode"]["frames"] == 10 and "landmarks" not in report
    assert report["incomplete"] == "stopped: RuntimeError: the disk went away"
    assert f"the figures of the benchmarks that ran are written to {out_json}" in capsys.readouterr().err


def test_ctrl_c_never_replaces_an_earlier_json(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    video = tiny_video(tmp_path / "v.avi", n=10)

    def ctrl_c(*a: object, **k: object) -> dict:
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "bench_landmarks", ctrl_c)
    out_json = tmp_path / "b.json"
    out_json.write_text("{}", encoding="utf-8")  # an earlier run's figures
    code, _, _ = run(capsys, "bench", "decode", "landmarks", "--video", video, "--json", out_json, "--overwrite", "-q")
    assert code == 130 and out_json.read_text(encoding="utf-8") == "{}"
    out_json.unlink()  # a new file: the figures that ran are kept
    code, _, err = run(capsys, "bench", "decode", "landmarks", "--video", video, "--json", out_json, "-q")
    assert code == 130 and json.loads(out_json.read_text(encoding="utf-8"))["incomplete"] == "stopped"
