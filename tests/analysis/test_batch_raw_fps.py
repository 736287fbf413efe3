"""`merstudio analyze` on a raw H.264 stream (no container timing): it runs at the rate its stream states, `--fps`
sets its rate as it sets a frame folder's, and a rerun with another `--fps` is a change of settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clips import write_clip
from support.raw_streams import H264, raw_stream, result_meta, result_times

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.execution import Backend


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """A 20-frame face clip as a raw H.264 stream whose SPS says 24 fps (OpenCV alone reads it at 25)."""
    return raw_stream(tmp_path_factory.mktemp("raw"), "raw.h264", H264, rate="24")


def _meta(out: Path) -> dict:
    return result_meta(out, "raw")


def _times(out: Path) -> dict[int, float]:
    return result_times(out, "raw")


def test_raw_stream_runs_at_its_stated_rate_and_fps_sets_it(raw: Path, tmp_path: Path) -> None:
    own, given = tmp_path / "own", tmp_path / "given"
    res = B.run_batch(B.plan_batch([raw], own), AnalysisSettings(), Backend())
    assert all(o.complete for o in res.outputs) and not res.failures
    assert _meta(own)["fps"] == 24 and _times(own)[12] == pytest.approx(0.5)  # was 25 fps: 0.48
    assert any("24 fps its h264 stream states" in w for w in _meta(own)["warnings"])
    assert _meta(own)["seek_trouble"] == "no frame timestamps"  # recorded by the reader's tag, not read from words
    assert B.frames_fps(raw, 200) == 200 and B.frames_fps(raw, None) is None

    B.run_batch(B.plan_batch([raw], given), AnalysisSettings(), Backend(), fps=200)
    assert _meta(given)["fps"] == 200 and _times(given)[12] == pytest.approx(0.06)  # --fps was ignored

    settings = AnalysisSettings()
    assert B.settings_changes(own, "raw", raw, settings) == []
    assert B.settings_changes(own, "raw", raw, settings, fps=200) == ["--fps"]
    assert B.settings_changes(given, "raw", raw, settings) == ["--fps"]  # back to the stream's own 24


def test_a_timed_videos_result_records_that_it_seeks_exactly(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "v.avi", n=10)
    res = B.run_batch(B.plan_batch([clip], tmp_path / "out"), AnalysisSettings(), Backend())
    assert all(o.complete for o in res.outputs)
    meta = result_meta(tmp_path / "out", "v")
    assert "seek_trouble" in meta and meta["seek_trouble"] is None  # a rerun opens it for --fps alone
