"""Inputs named one by one print each summary as it finishes (as a batch does since h157): a run stopped by `timeout`
(SIGTERM) or Ctrl-C printed nothing on stdout of the inputs it had finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.analysis import batch as B


def test_named_inputs_print_each_summary_when_it_finishes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch):
    a, b = tmp_path / "a.avi", tmp_path / "b.avi"
    tiny_video(a, n=6)
    tiny_video(b, n=6)
    real, seen = B.run_batch, []

    def run_batch(*args, on_result=None, **kw):
        def result(item, outcome):
            on_result(item, outcome)
            seen.append((item.name, capsys.readouterr().out))  # stdout by the time the next input's turn comes

        return real(*args, on_result=result, **kw)

    monkeypatch.setattr(B, "run_batch", run_batch)
    code, out, err = run(capsys, "analyze", a, b, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    assert [name for name, _ in seen] == ["a", "b"]
    for name, said in seen:
        assert f"{tmp_path / name}.avi: complete" in said, seen
    assert "complete" not in out, out  # said once, not again at the end
