"""The line after a Ctrl-C names a split video stopped part-way ("1 stopped part-way: long.avi (frames a-b, c-d
kept in <out>/.segments/long/)"), as it names an unsplit one: the segments' rows were listed as partial files tied
to no input ("0 input(s) finished in this run, 0 not started; partial files: .../segment_...csv")."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.segments import kept_spans
from merstudio.cli.analyze import _interrupt_line
from merstudio.execution import Backend


def test_a_stopped_split_video_is_named_with_the_frames_its_segments_kept(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(B, "PROGRESS_SECONDS", 0.0)  # every frame reported: no machine finishes between two reports
    clip = write_clip(tmp_path / "long.avi", n=45)
    stop = threading.Event()

    def progress(p: B.BatchProgress) -> None:
        if p.frames >= 5:
            stop.set()  # as the first Ctrl-C does

    out = tmp_path / "out"
    result = B.run_batch(B.plain_plan([clip], out, False), AnalysisSettings(keyframe_s=1.0), Backend(),
                         cancel=stop, on_progress=progress, segment_s=1.0)  # segments [0, 30) and [30, 45)
    assert result.cancelled and not result.outputs
    work = out / B.SEGMENTS_DIR / "long"
    assert result.split_stopped == [(clip, work)]
    spans = kept_spans(work)
    assert spans and spans[0][0] == 0 and all(a <= b for a, b in spans)
    line = _interrupt_line(result, None)
    kept = ", ".join(f"{a}-{b}" for a, b in spans)
    assert f", 1 stopped part-way: long.avi (frames {kept} kept in {work}/); partial files: " in line, line
    assert str(work / "segment_000000000_000000030.csv") in line


def test_kept_spans_reads_each_segment_s_last_whole_row(tmp_path: Path) -> None:
    (tmp_path / "segment_000000000_000000030.csv").write_text("frame,face_id\n0,0\n1,0\n1,1\n2,-1\n")
    (tmp_path / "segment_000000030_000000045.csv").write_text("frame,face_id\n")  # no row yet: left out
    (tmp_path / "segment_000000045_000000060.csv").write_text("frame,face_id\n45,0\n46,0\n47,")  # a cut row
    assert kept_spans(tmp_path) == [(0, 2), (45, 46)]
    assert kept_spans(tmp_path / "gone") == []
