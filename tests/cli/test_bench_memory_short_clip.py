"""`merstudio bench memory --minutes M` with a clip under a minute: there is no first minute to compare the peak
with. It printed "RSS after 1st minute nan MB ... growth nan MB" and wrote NaN (not JSON) into --json; now the line
says there is none and why, and the JSON has null."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video


def _strict(text: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_a_clip_under_a_minute_has_no_first_minute_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.gui import bench as gb

    # the long clip's open/seek figures come from the app's frame loader (Qt): left out here
    monkeypatch.setattr(gb, "bench_open_and_seek",
                        lambda *a, **k: {"open_s": 0.0, "seek_ms_p50": 0.0, "seek_ms_p95": 0.0, "seek_ms_max": 0.0})
    clip = tiny_video(tmp_path / "c.avi", n=10)
    figures = tmp_path / "memory.json"
    code, out, err = run(capsys, "bench", "memory", "--video", clip, "--minutes", "0.01", "--json", figures, "-q")
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("memory on a 0.01-minute clip"))
    assert "nan" not in line
    assert "RSS after 1st minute and growth: none, the clip is under a minute (--minutes 1 or more)" in line
    memory = _strict(figures.read_text(encoding="utf-8"))["memory"]
    assert memory["rss_after_first_minute_mb"] is None and memory["growth_after_first_minute_mb"] is None
    assert memory["peak_rss_during_mb"] > 0
