"""Inputs named one by one print each summary as it finishes (as a batch does since h157): a run stopped by `timeout`
(SIGTERM) or Ctrl-C printed nothing on stdout of the inputs it had finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, said_as_each_finishes, tiny_video

from merstudio.analysis import batch as B


def test_named_inputs_print_each_summary_when_it_finishes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch):
    a, b = tmp_path / "a.avi", tmp_path / "b.avi"
    tiny_video(a, n=6)
    tiny_video(b, n=6)
    seen = said_as_each_finishes(monkeypatch, capsys)
    code, out, err = run(capsys, "analyze", a, b, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    assert [name for name, _ in seen] == ["a", "b"]
    for name, said in seen:
        assert f"{tmp_path / name}.avi: complete" in said, seen
    assert "complete" not in out, out  # said once, not again at the end


def test_a_stopped_run_names_the_inputs_it_finished_behind_one_still_running(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str],
                                                                           monkeypatch: pytest.MonkeyPatch):
    """-j N: b finished while a (named first) still ran when the run was stopped; b's summary waited for a's."""
    a, b = tmp_path / "a.avi", tmp_path / "b.avi"
    tiny_video(a, n=6)
    tiny_video(b, n=6)
    real = B.run_batch

    def run_batch(*args, on_result=None, **kw):
        def result(item, outcome):
            if item.name != "a":  # a's outcome never comes: it was still running when the run stopped
                on_result(item, outcome)

        done = real(*args, on_result=result, **kw)
        done.interrupted = True
        done.outputs = [o for o in done.outputs if o.input.name != "a.avi"]
        return done

    monkeypatch.setattr(B, "run_batch", run_batch)
    code, out, err = run(capsys, "analyze", a, b, "-o", tmp_path / "out", "-q")
    assert code == 130, err
    assert f"{b}: complete" in out and f"{a}: complete" not in out, out
    assert out.count("complete") == 1, out
