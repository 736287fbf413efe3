"""A typo in --config's "train" part is refused in one line naming it and the nearest field, as one under "model"
is (it was dropped: {"train": {"lrr": 0.1}} trained at lr 0.001 and exited 0), before the data is prepared."""

from __future__ import annotations

import json

import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.training.trainer import TrainSettings


def test_train_settings_from_dict_refuses_an_unknown_field_and_names_the_nearest():
    with pytest.raises(InputError, match=r"unknown field lrr \(did you mean lr\?\)"):
        TrainSettings.from_dict({"epochs": 3, "lrr": 0.1})
    with pytest.raises(InputError, match=r"unknown fields ecpohs \(did you mean epochs\?\), lrr"):
        TrainSettings.from_dict({"lrr": 0.1, "ecpohs": 3})
    assert TrainSettings.from_dict({"epochs": 3, "lr": 0.1}).lr == 0.1  # known ones as before


@pytest.mark.parametrize(("part", "body", "said"), [
    ("train", {"epochs": 3, "lrr": 0.1}, '"train": unknown field lrr (did you mean lr?)'),
    ("model", {"widht": 8}, '"model": unknown field widht (did you mean width?)'),
])
def test_a_config_typo_is_refused_in_one_line_before_the_data(tmp_path, capsys, monkeypatch, part, body, said):
    import merstudio.training.data as data_mod

    def no_data(*a, **k):  # the refusal comes before the (slow) preparation
        raise AssertionError("the data was prepared")

    monkeypatch.setattr(data_mod, "load_arrays", no_data)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({part: body}))
    for command in ("train", "tune", "ablate"):
        code = main([command, "--data", str(tmp_path / "t.csv"), "--out", str(tmp_path / command),
                     "--config", str(cfg), "-q"])
        err = capsys.readouterr().err
        assert code == 2 and said in err and str(cfg) in err and err.count("\n") == 1, err
        assert not (tmp_path / command).exists()


def test_a_search_space_typo_is_refused_too(tmp_path):
    from merstudio.model.config import ModelConfig
    from merstudio.training.tune import apply_params

    with pytest.raises(InputError, match=r"unknown field lrr \(did you mean lr\?\)"):
        apply_params(ModelConfig(), TrainSettings(), {"train.lrr": 0.01})
