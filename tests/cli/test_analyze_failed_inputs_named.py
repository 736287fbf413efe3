"""The last line of a run of several inputs names the ones that failed (their errors went by among the progress
bars): the first three, the rest counted."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run


def _empty(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir()
    paths = [folder / n for n in names]
    for p in paths:
        p.write_bytes(b"")  # an empty file: fails at once, nothing to analyse
    return paths


def _last_line(err: str) -> str:
    return err.strip().splitlines()[-1]


def test_plain_run_names_the_failed_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _empty(tmp_path / "in", ["a.jpg", "b.jpg"])
    code, _out, err = run(capsys, "analyze", *paths, "-o", tmp_path / "out", "--quiet")
    assert code == 2
    assert _last_line(err) == f"merstudio: 2 of 2 inputs failed: {paths[0]}, {paths[1]}"


def test_many_failed_inputs_name_the_first_three(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _empty(tmp_path / "in", ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"])
    code, _out, err = run(capsys, "analyze", *paths, "-o", tmp_path / "out", "--quiet")
    assert code == 2
    assert _last_line(err) == f"merstudio: 5 of 5 inputs failed: {paths[0]}, {paths[1]}, {paths[2]}, +2 more"


def test_batch_names_the_failed_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _empty(tmp_path / "in", ["a.jpg", "b.jpg"])
    code, _out, err = run(capsys, "analyze", *paths, "-o", tmp_path / "out", "--batch", "--quiet")
    assert code == 2
    last = _last_line(err)
    assert last.startswith("merstudio: 2 of 2 inputs failed: ")
    assert all(str(p) in last for p in paths)
