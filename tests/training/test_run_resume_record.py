"""A run folder written before merstudio gained a setting resumes: the record's missing settings read as their
defaults (as an old checkpoint's do); a real difference is refused, naming the setting and both values."""

from __future__ import annotations

import json

import pytest

import merstudio.training.run as run_mod
from merstudio.errors import OutputError
from merstudio.model.config import LEGACY_DEFAULTS, ModelConfig
from merstudio.training.trainer import TrainSettings


def _start(data, classes, cfg, settings, out):
    return run_mod.prepare_run(data, classes, cfg, settings, out, protocol="kfold:2")


def _drop_defaulted(record: dict, part: str, defaults: dict, skip: tuple = ()) -> str:
    """Drop from the record's `part` one setting at its default: as if the run began before it existed."""
    key = next(k for k, v in record[part].items() if k not in skip and v == json.loads(json.dumps(defaults[k])))
    del record[part][key]
    return key


def test_a_record_without_a_newer_setting_resumes(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    _start(data, classes, tiny_cfg(), tiny_settings(lr=0.001), out)
    record = json.loads((out / "run.json").read_text())
    dropped = [_drop_defaulted(record, "train", TrainSettings().to_dict(), skip=("device", "num_threads")),
               _drop_defaulted(record, "model", ModelConfig().to_dict(), skip=tuple(LEGACY_DEFAULTS))]
    (out / "run.json").write_text(json.dumps(record))
    folds, pending = _start(data, classes, tiny_cfg(), tiny_settings(lr=0.001), out)  # refused before
    assert len(pending) == len(folds) == 2, dropped
    # a real difference is still refused, named with both values
    with pytest.raises(OutputError) as exc:
        _start(data, classes, tiny_cfg(), tiny_settings(lr=0.002), out)
    assert str(exc.value) == (f"{out}: holds a run with different settings (train): train.lr: 0.001 in the "
                              "folder, 0.002 now; use another folder (out_dir= / --out) to start a new run")


def test_a_model_setting_whose_default_changed_reads_as_its_old_default(tiny_data, tiny_cfg, tiny_settings,
                                                                       tmp_path):
    """A record without sample_center was made with the mean centre (LEGACY_DEFAULTS), not today's median."""
    data, classes = tiny_data
    out = tmp_path / "run"
    _start(data, classes, tiny_cfg(sample_center="median"), tiny_settings(), out)
    record = json.loads((out / "run.json").read_text())
    del record["model"]["sample_center"]
    (out / "run.json").write_text(json.dumps(record))
    with pytest.raises(OutputError, match='model.sample_center: "mean" in the folder, "median" now'):
        _start(data, classes, tiny_cfg(sample_center="median"), tiny_settings(), out)
    _start(data, classes, tiny_cfg(sample_center="mean"), tiny_settings(), out)  # what the run was made with


def test_several_differences_are_each_named(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    _start(data, classes, tiny_cfg(), tiny_settings(epochs=1, precision="auto"), out)
    with pytest.raises(OutputError) as exc:
        _start(data, classes, tiny_cfg(), tiny_settings(epochs=2, precision="float32"), out)
    assert ('(train): train.epochs: 1 in the folder, 2 now; train.precision: "auto" in the folder, "float32" '
            "now; use another") in str(exc.value)
