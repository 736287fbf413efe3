"""`merstudio tune` ends by suggesting a nested run (`train --tune`, the search again inside every fold's training
subjects) for an estimate of accuracy on new people; its `train --config chosen.json` line is for the final model.
It suggested `train --config chosen.json` as "the" evaluation, which on the searched subjects repeats the search's
own best trial (with --protocol kfold:K of its inner K, to the digit).

The suggested nested line is run as pasted: its run.json records the same search space the tune ran (the user's
space file) and its summary calls the figures nested."""

from __future__ import annotations

import json
import shlex

from support.flow_tables import tune_inputs

from merstudio.cli.main import main


def test_tune_suggests_train_tune_for_the_estimate_and_config_for_the_final_model(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    table, base, space = tune_inputs(tmp_path)
    assert main(["tune", "--data", str(table), "--out", "tune", "--space", str(space), "--search", "grid",
                 "--config", str(base), "--inner", "kfold:2", "--epochs", "1", "--batch-size", "8",
                 "--device", "cpu", "-q"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    nested = [ln for ln in lines if "--tune" in ln]
    assert len(nested) == 1 and "nested" in nested[0]
    words = shlex.split("merstudio train" + nested[0].rsplit("merstudio train", 1)[1])
    config_lines = [ln for ln in lines if "--config tune/chosen.json" in ln]
    assert config_lines and all("--final" in ln for ln in config_lines)  # chosen.json: the model, not the estimate
    assert main([*words[1:], "--protocol", "kfold:2"]) == 0
    run = json.loads((tmp_path / "tune-nested" / "run.json").read_text(encoding="utf-8"))
    assert run["tune"]["params"] == {"train.lr": [1e-3, 3e-3]} and run["tune"]["inner"] == "kfold:2"
    assert run["train"]["epochs"] == 1 and run["model"]["width"] == 4  # the search's settings, as tune ran them
    summary = (tmp_path / "tune-nested" / "summary.md").read_text(encoding="utf-8")
    assert "(nested;" in summary and "not a nested estimate" not in summary
