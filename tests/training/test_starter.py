"""The bundled starter checkpoint: loads safely, small, with input settings that per-frame inference can use."""

from __future__ import annotations

from merstudio.model.checkpoint import load_checkpoint
from merstudio.model.inputs import InputSettings
from merstudio.resources import starter_checkpoint


def test_starter_checkpoint_is_complete():
    path = starter_checkpoint()
    # committed (resources/models/starter.pt): missing is a failure, never a skip
    assert path is not None, "resources/models/starter.pt is missing (rebuild: scripts/train_starter.sh)"
    assert path.stat().st_size <= 20 * 1024 * 1024
    model, meta = load_checkpoint(path)
    settings = InputSettings.from_dict(meta["input"])  # what merstudio.model.inference builds on video
    assert settings.channels == model.cfg.in_channels and settings.size == model.cfg.input_size
    assert settings.T == model.cfg.T
    assert meta["input"]["normalise"] == settings.normalise == "minmax"  # = merstudio.datasets.preprocess
    assert meta["class_names"] == ["negative", "positive", "surprise", "none"]
    assert model.cfg.use_au and len(meta["aus"]) == 12
    # the shipped model is today's design (retrained 2026-12-02), not an older default
    assert model.cfg.sample_norm and model.cfg.sample_center == "median"
    assert model.cfg.local_dim == 32 and model.cfg.local_grid == 2
    assert meta["metrics"]["protocol"].startswith("kfold") and meta["metrics"]["uf1"] > 0.5
