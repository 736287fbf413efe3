"""A batch prints each input's summary as it finishes, not all of them once the batch returns: a batch stopped by
`timeout` or a SLURM time limit (SIGTERM) left a log with the batch's first line only, though inputs had finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, said_as_each_finishes, tiny_video


def test_each_summary_is_printed_when_its_input_finishes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        tiny_video(folder / f"{name}.avi", n=6)
    seen = said_as_each_finishes(monkeypatch, capsys)
    code, out, err = run(capsys, "analyze", folder, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    assert [name for name, _ in seen] == ["a", "b"]
    for name, said in seen:
        assert f"{folder / name}.avi: complete" in said, seen
    assert "complete" not in out and out.startswith("batch: 2 analysed"), out  # said once, not again at the end
