"""Spotting evaluation analyses its long videos with analyze's batch: on local processes, and split into segments
(`segment_s`, `merstudio spotting --segment-minutes`) with the same spots and scores as an unsplit run; and a
folder `merstudio analyze` filled with the same settings is scored without analysing again."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clips import write_warped_frames

import merstudio.analysis.batch as B
from merstudio.analysis import spotting_eval as E
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.cli.main import main
from merstudio.execution import Backend

WARPS = ((20, 27), (60, 67))  # frame positions of the AU12 warps (90 frames, 30 fps)
# a restart every second (the default is 60 s): 3 segments of a 3-s video, as test_segments does
SETTINGS = AnalysisSettings(keyframe_s=1.0)


@pytest.fixture(scope="module")
def truth_table(tmp_path_factory) -> Path:
    """A table naming one frame folder of a still face with AU12 warps at WARPS, one interval each."""
    root = tmp_path_factory.mktemp("spotseg")
    write_warped_frames(root / "long", [f"{pos:03d}.jpg" for pos in range(90)], WARPS)
    table = root / "truth.csv"
    table.write_text("video,onset,offset\n" + "".join(f"long,{a},{b}\n" for a, b in WARPS), encoding="utf-8")
    return table


def test_segments_on_local_processes_score_as_an_unsplit_run(truth_table, tmp_path, monkeypatch):
    spans: list[list[tuple[int, int]] | None] = []
    plan = B._segment_spans

    def spy(*a, **kw):
        spans.append(plan(*a, **kw))
        return spans[-1]

    monkeypatch.setattr(B, "_segment_spans", spy)
    truth = E.load_truth("table", truth_table)
    whole = E.run_spotting(truth, tmp_path / "whole", SETTINGS, Backend("inprocess"))
    assert spans == []  # no segment_s: never split
    split = E.run_spotting(truth, tmp_path / "split", SETTINGS, Backend("processes", 2), segment_s=1.0)
    assert spans == [[(0, 30), (30, 60), (60, 90)]]  # three segments, on two worker processes
    assert split.analysed == 1 and split.scores() == whole.scores()
    assert whole.scores()["overall"] == E.Score(2, 0, 0)  # both warps found
    assert (tmp_path / "split" / "spotting.csv").read_bytes() == (tmp_path / "whole" / "spotting.csv").read_bytes()
    assert (tmp_path / "split" / "long.spots.csv").read_bytes() == (tmp_path / "whole" / "long.spots.csv").read_bytes()


def test_a_folder_analysed_by_analyze_is_scored_without_analysing_again(truth_table, tmp_path, capsys):
    video = truth_table.parent / "long"
    out = tmp_path / "batch"
    assert main(["analyze", str(video), "-o", str(out), "--batch", "-q"]) == 0
    capsys.readouterr()
    assert main(["spotting", "--data", f"table:{truth_table}", "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "0 analysed now, 1 finished before" in printed and "| overall | 2 | 0 | 0 |" in printed
    # analysed with other options: analysed again, and said why
    other = tmp_path / "landmarks"
    assert main(["analyze", str(video), "-o", str(other), "--batch", "-q", "--landmarks"]) == 0
    capsys.readouterr()
    assert main(["spotting", "--data", f"table:{truth_table}", "-o", str(other), "-q"]) == 0
    captured = capsys.readouterr()
    assert "1 analysed now, 0 finished before" in captured.out
    assert "1 video(s) finished before with other settings, analysed again: settings changed: --landmarks" \
        in captured.err
