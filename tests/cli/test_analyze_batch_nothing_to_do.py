"""A batch rerun with nothing left to analyse draws no progress bar ("0.00/0 videos", twice): the batch's lines
say why there is nothing to do."""

from __future__ import annotations

from pathlib import Path

from support.clips import write_clip

from merstudio.cli import analyze as A
from merstudio.cli.main import main


def test_no_bar_for_an_empty_batch(capsys) -> None:
    with A.BatchDisplay(batch=True, quiet=False, total=0) as d:
        assert d.overall is None
    captured = capsys.readouterr()
    assert "videos" not in captured.err + captured.out  # was: "batch: |  | 0.00/0 videos [00:00<?]" twice


def test_a_batch_with_work_still_has_its_bar(capsys) -> None:
    with A.BatchDisplay(batch=True, quiet=False, total=2) as d:
        assert d.overall is not None
    assert "0.00/2 videos" in capsys.readouterr().err


def test_a_rerun_with_everything_done_draws_no_bar(tmp_path: Path, capsys) -> None:
    (tmp_path / "in").mkdir()
    clip = write_clip(tmp_path / "in" / "clip.avi", n=12)
    out = tmp_path / "out"
    assert main(["analyze", str(clip.parent), "--batch", "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(clip.parent), "--batch", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "0 to analyse, 1 finished before (skipped)" in captured.out and "1 skipped (finished before)" in captured.out
    assert "videos" not in captured.err  # was: the empty bar, twice
