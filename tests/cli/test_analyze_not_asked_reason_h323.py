"""analyze's summary says why the model was not asked about a frame with no frame of its face a span back (h320's
FramePrediction.no_onset: a face's first 0.2 s, or back from a gap), with the gate or without: with --no-model-gate
it said the rest "moved too little for it to be asked, its motion gate" (h323)."""

from __future__ import annotations

import pandas as pd
from support.clips import write_clip

from merstudio.analysis.files import AnalysisOutput, output_paths
from merstudio.cli.analyze import _print_summary
from merstudio.cli.main import main
from merstudio.resources import starter_checkpoint


def _model_line(out: str) -> str:
    return next(x for x in out.splitlines() if x.strip().startswith("model"))


def test_without_the_gate_the_frames_not_asked_had_no_frame_a_span_back(tmp_path, capsys) -> None:
    clip = write_clip(tmp_path / "gap.avi", n=30, blank=range(14, 18))  # the face, gone for 4 frames, comes back
    ckpt = starter_checkpoint()
    assert ckpt is not None, "resources/models/starter.pt (committed) is missing"
    assert main(["analyze", str(clip), "-o", str(tmp_path / "o"), "-q", "--checkpoint", str(ckpt),
                 "--no-model-gate"]) == 0
    line = _model_line(capsys.readouterr().out)
    # 26 face frames; not asked: frames 0-5 (its first 0.2 s) and 21-23, whose frame 0.2 s back (15-17) is in the gap
    # and the face's last before it (13) more than a frame further back; 18-20 reach back to 12-13, a span or a
    # frame more
    rows = pd.read_csv(tmp_path / "o" / "gap.csv")
    assert rows.loc[rows["p_none"].isna() & (rows["face_id"] >= 0), "frame"].tolist() == [0, 1, 2, 3, 4, 5, 21, 22, 23]
    assert "judged 17 of 26 face frames (9 had no frame a span back" in line, line
    assert "a face's first span, or back from a gap" in line
    assert "motion gate" not in line and "moved too little" not in line


def test_with_the_gate_each_reason_is_counted_and_the_rest_is_its_motion_gate(tmp_path, capsys) -> None:
    r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 40, 40, 30.0, True, 1.0, [0], [], [],
                       model_frames=(10, 40, 2, 0, 0, 0, 6))
    _print_summary(r)
    line = _model_line(capsys.readouterr().out)
    assert line.split(": ", 1)[1].startswith("judged 10 of 40 face frames (6 had no frame a span back")
    assert "2 went back to rest after a movement" in line
    assert "the rest moved too little for it to be asked, its motion gate" in line


def test_nothing_but_the_motion_gate_says_they_moved_too_little(tmp_path, capsys) -> None:
    r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 40, 40, 30.0, True, 1.0, [0], [], [],
                       model_frames=(30, 40, 0, 0, 0, 0, 0))
    _print_summary(r)
    assert "(they moved too little for it to be asked, its motion gate" in _model_line(capsys.readouterr().out)


def test_the_summary_names_the_span_of_the_run_s_model(tmp_path, capsys) -> None:
    """A model trained with a 0.4 s span: the line names 0.4 s, not the default 0.2 s (h330 recorded the span)."""
    r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 40, 40, 30.0, True, 1.0, [0], [], [],
                       model_frames=(28, 40, 0, 0, 0, 0, 12), model_span_s=0.4)
    _print_summary(r)
    line = _model_line(capsys.readouterr().out)
    assert "12 had no frame a span back to compare with (0.4 s)" in line, line
    r.model_span_s = None  # a result that records none: the default, said as such
    _print_summary(r)
    assert "(0.2 s by default)" in _model_line(capsys.readouterr().out)
