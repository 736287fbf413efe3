"""A checkpoint whose weights hold NaN or infinity (a training that diverged) is neither saved nor loaded: one line
each, not a model that predicts NaN without a word."""

from __future__ import annotations

import math

import pytest
import torch

from merstudio.errors import CheckpointError
from merstudio.model.checkpoint import load_checkpoint, save_checkpoint
from merstudio.model.config import ModelConfig
from merstudio.model.network import MENet


def test_weights_with_nan_are_not_saved(tmp_path) -> None:
    net = MENet(ModelConfig())
    with torch.no_grad():
        next(net.parameters()).fill_(math.nan)
    with pytest.raises(CheckpointError, match=r"not saved: 1 of the model's \d+ weight tensors hold NaN"):
        save_checkpoint(tmp_path / "m.pt", net)
    assert list(tmp_path.iterdir()) == []


def test_a_checkpoint_with_infinite_weights_is_not_loaded(tmp_path) -> None:
    path = save_checkpoint(tmp_path / "m.pt", MENet(ModelConfig()))
    payload = torch.load(path, weights_only=True)
    for v in list(payload["state_dict"].values())[:3]:
        if v.is_floating_point():
            v.fill_(math.inf)
    torch.save(payload, path)  # as a diverged training's file, written before this check existed
    with pytest.raises(CheckpointError, match=r"m.pt: \d+ of its \d+ weight tensors hold NaN or infinity"):
        load_checkpoint(path)
