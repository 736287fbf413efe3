"""A result's meta records the span its model compared each frame with (the checkpoint's input span_s): a frame whose
face has no frame that far back was not asked (FramePrediction.no_onset), and the app's readout derives those frames
from it. It assumed the default 0.2 s, so a model trained with another span had the wrong frames named (h330)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from support.clips import write_clip

from merstudio.analysis.files import (
    MODEL_SPAN,
    AnalysisOutput,
    _meta_dict,
    checkpoint_span_s,
    output_paths,
    recorded_span_s,
)
from merstudio.analysis.outputs import file_digest
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.cli.main import main


def _checkpoint(path: Path, span_s: float) -> Path:
    """An untrained tiny flow model whose input settings say `span_s`."""
    import torch

    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    torch.manual_seed(0)
    cfg = ModelConfig(T=1, in_channels=3, width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0,
                      n_classes=2, class_names=["negative", "positive"])
    inp = InputSettings(modality="flow", size=28, T=1, span_s=span_s).to_dict()
    return save_checkpoint(path, MENet(cfg).eval(), {"input": inp})


def test_the_meta_records_the_span_the_model_asked_with(tmp_path) -> None:
    clip = write_clip(tmp_path / "c.avi", n=20)
    ckpt = _checkpoint(tmp_path / "span04.pt", 0.4)
    assert main(["analyze", str(clip), "-o", str(tmp_path / "o"), "-q", "--checkpoint", str(ckpt),
                 "--no-model-gate"]) == 0
    meta = json.loads((tmp_path / "o" / "c.meta.json").read_text(encoding="utf-8"))
    assert meta[MODEL_SPAN] == 0.4
    # the frames not asked are the first 0.4 s (12 frames at 30 fps), not 0.2 s: the span recorded is the model's
    rows = pd.read_csv(tmp_path / "o" / "c.csv")
    assert rows.loc[rows["p_negative"].isna() & (rows["face_id"] >= 0), "frame"].tolist() == list(range(12))
    assert recorded_span_s(meta) == 0.4


def test_a_split_run_records_the_span_of_the_file_its_segments_loaded(tmp_path) -> None:
    # merge_segments' result carries no span of its own: read from the checkpoint while it is the file loaded
    ckpt = _checkpoint(tmp_path / "span03.pt", 0.3)
    settings = AnalysisSettings(checkpoint=ckpt)

    def meta(sha: str, span: float | None = None) -> dict:
        r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 40, 40, 30.0, True, 1.0, [0], [], [],
                           checkpoint_sha256=sha, model_span_s=span)
        return _meta_dict(r, settings, False, 10)

    assert meta(file_digest(ckpt))[MODEL_SPAN] == 0.3
    assert meta(file_digest(ckpt), 0.25)[MODEL_SPAN] == 0.25  # the run's own, where it says it
    assert MODEL_SPAN not in meta("mixed")  # the segments loaded different files: not known
    assert MODEL_SPAN not in meta("0" * 64)  # the file was rewritten since
    plain = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 40, 40, 30.0, True, 1.0, [0], [], [])
    assert MODEL_SPAN not in _meta_dict(plain, AnalysisSettings(), False, 10)  # no model, no span


def test_a_meta_without_the_span_reads_as_the_default() -> None:
    from merstudio.model.inputs import InputSettings

    default = InputSettings.span_s
    for record in ({}, None, {MODEL_SPAN: None}, {MODEL_SPAN: "0.4"}, {MODEL_SPAN: True}, {MODEL_SPAN: -1},
                   {MODEL_SPAN: math.nan}, {MODEL_SPAN: 0}):
        assert recorded_span_s(record) == default, record
    assert recorded_span_s({MODEL_SPAN: 0.5}) == 0.5
    # a checkpoint's: its input block's span, the default where it has none (as the predictor reads it)
    assert checkpoint_span_s({"input": {"modality": "flow", "span_s": 0.3}}) == 0.3
    assert checkpoint_span_s({"class_names": ["a"]}) == default
    assert checkpoint_span_s(None) is None
    assert checkpoint_span_s({"input": {"modality": "flow", "span_s": -2}}) is None
