"""`merstudio spotting --data table:OUT/<file> -o OUT`: the coder's ground-truth table is never an output. The report
(spotting.csv, written on every run) and a video's analysis (clip.csv for clip.avi, with --overwrite) would replace
it: refused in one line, before any video is analysed, and the table keeps its bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

TRUTH = "video,onset,offset,type\nclip.avi,17,22,micro\n"


def _folder(tmp_path: Path, table: str) -> Path:
    tiny_video(tmp_path / "clip.avi", n=30)
    (tmp_path / table).write_text(TRUTH, encoding="utf-8")
    return tmp_path / table


@pytest.mark.parametrize(("table", "extra", "why"), [
    ("spotting.csv", [], "the report would replace it"),
    ("spotting.md", ["--overwrite"], "the report would replace it"),
    ("clip.csv", ["--overwrite"], "the analysis of clip.avi would replace it"),
])
def test_the_ground_truth_table_is_refused_as_an_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         table: str, extra: list[str], why: str) -> None:
    truth = _folder(tmp_path, table)
    code, _, err = run(capsys, "spotting", "--data", f"table:{truth}", "-o", tmp_path, "-q", *extra)
    assert code == 3, err
    lines = err.strip().splitlines()
    assert lines == [f"merstudio: error: {tmp_path / table}: is the input (the ground truth); {why}: write to "
                     "another folder (-o)"]
    assert truth.read_text(encoding="utf-8") == TRUTH
    # refused before any work: no analysis, no manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["clip.avi", table])


def test_a_hard_link_to_the_table_is_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tiny_video(tmp_path / "clip.avi", n=30)
    truth = tmp_path / "truth.csv"
    text = TRUTH.replace("clip.avi", str(video))
    truth.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.link(truth, out / "spotting.csv")  # the report's name in OUT is the table under another path
    code, _, err = run(capsys, "spotting", "--data", f"table:{truth}", "-o", out, "-q")
    assert code == 3 and "spotting.csv: is the input (the ground truth)" in err, err
    assert truth.read_text(encoding="utf-8") == text
