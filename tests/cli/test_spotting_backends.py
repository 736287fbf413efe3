"""`merstudio spotting` takes analyze's execution options (-j, --ray [ADDRESS], --segment-minutes) and hands them to
the same batch: the back-end from execution.backend_from_args, the segment length to run_batch. Ray is not needed
here (the back-end is built by a stand-in); tests/analysis/test_spotting_segments.py runs the local processes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import merstudio.execution as X
from merstudio.analysis import spotting_eval as E
from merstudio.cli.main import main


@pytest.fixture
def table(tmp_path):
    (tmp_path / "v.mp4").write_bytes(b"x")
    path = tmp_path / "t.csv"
    path.write_text("video,onset,offset\nv.mp4,1,5\n", encoding="utf-8")
    return path


@pytest.fixture
def calls(monkeypatch):
    seen: dict[str, object] = {}

    def backend_from_args(jobs, ray):
        seen["backend"] = (jobs, ray)
        return X.Backend("processes", jobs) if jobs > 1 else X.Backend("inprocess")

    def run_spotting(truth, out, settings, backend, *, segment_s=None, **kw):
        seen["segment_s"] = segment_s
        return SimpleNamespace(interrupted=True)  # stop before the scores: the options are what is tested

    monkeypatch.setattr(X, "backend_from_args", backend_from_args)
    monkeypatch.setattr(E, "run_spotting", run_spotting)
    return seen


def test_ray_jobs_and_segment_minutes_reach_the_batch(table, tmp_path, calls, capsys):
    assert main(["spotting", "--data", f"table:{table}", "-o", str(tmp_path / "o"), "--ray", "-j", "4",
                 "--segment-minutes", "1.5"]) == 130
    assert calls == {"backend": (4, "local"), "segment_s": 90.0}
    assert main(["spotting", "--data", f"table:{table}", "-o", str(tmp_path / "o"), "--ray", "ray://head:10001"]) \
        == 130
    assert calls == {"backend": (1, "ray://head:10001"), "segment_s": None}
    assert main(["spotting", "--data", f"table:{table}", "-o", str(tmp_path / "o"), "-j", "2"]) == 130
    assert calls["backend"] == (2, None)
    assert "analysed on 2 local processes" in capsys.readouterr().out


def test_a_bad_segment_length_is_one_line(table, tmp_path, calls, capsys):
    assert main(["spotting", "--data", f"table:{table}", "-o", str(tmp_path / "o"), "--segment-minutes", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["merstudio: error: --segment-minutes must be positive (got 0)"]
    assert "segment_s" not in calls and not (tmp_path / "o").exists()
