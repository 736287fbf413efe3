"""train --config reads a saved record's "model" as ModelConfig.from_dict and the resume check do (h338)."""
import argparse
import json

from merstudio.cli.train import build_settings
from merstudio.model.config import LEGACY_DEFAULTS, ModelConfig


def _args(cfg_path):
    return argparse.Namespace(config=cfg_path, width=None, epochs=None, batch_size=None, lr=None, val_fraction=None,
                              mixup=None, precision=None, seed=None, device="cpu", threads=1, ablate=None, tune=False)


def _data():
    return {"in_channels": 3, "input_size": 28, "T": 1, "class_names": ["a", "b", "c"]}


def test_old_record_without_sample_center_trains_as_it_was_scored(tmp_path):
    model = ModelConfig().to_dict()
    del model["sample_center"]  # a chosen.json from before the field existed
    path = tmp_path / "chosen.json"
    path.write_text(json.dumps({"model": model, "train": {}}))
    cfg, _ = build_settings(_args(path), _data())
    assert cfg.sample_center == LEGACY_DEFAULTS["sample_center"]


def test_hand_written_model_section_gets_todays_defaults(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"model": {"width": ModelConfig().width}}))
    cfg, _ = build_settings(_args(path), _data())
    assert cfg.sample_center == ModelConfig().sample_center


def test_hand_written_T_other_than_the_data_is_refused(tmp_path):
    import pytest

    from merstudio.errors import InputError

    path = tmp_path / "c.json"
    path.write_text(json.dumps({"model": {"T": 4}}))
    with pytest.raises(InputError, match="--steps"):
        build_settings(_args(path), _data())
