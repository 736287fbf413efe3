"""`merstudio tune` -> chosen.json -> `merstudio train --config chosen.json` round trip; `train --tune`."""

from __future__ import annotations

import json

import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress"]


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data")
    base = write_tiny_config(tmp_path / "base.json", width=4)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"params": {"train.lr": [1e-3, 3e-3], "model.dropout": [0.0, 0.1]},
                                 "search": "random", "trials": 2, "inner": "kfold:2"}))
    return table, base, space


def test_tune_then_train_with_the_chosen_config(setup, tmp_path, capsys):
    table, base, space = setup
    rc = main(["tune", "--data", str(table), "--out", str(tmp_path / "tune"), "--space", str(space),
               "--config", str(base), "--seed", "7", *TINY])
    assert rc == 0
    out = capsys.readouterr().out
    assert "chosen: trial" in out and "chosen.json" in out
    chosen = json.loads((tmp_path / "tune" / "chosen.json").read_text())
    search = json.loads((tmp_path / "tune" / "search.json").read_text())
    assert len(search["trials"]) == 2 and all("seconds" in t and "uf1" in t for t in search["trials"])
    assert chosen["seed"] == 7 and chosen["data_fingerprint"] == search["data_fingerprint"]
    assert chosen["model"]["width"] == 4  # the base configuration travels with the choice
    assert {chosen["train"]["lr"], chosen["model"]["dropout"]} <= {1e-3, 3e-3, 0.0, 0.1}
    best = next(t for t in search["trials"] if t["trial"] == search["best"])
    assert chosen["train"]["lr"] == best["params"]["train.lr"]
    assert chosen["model"]["dropout"] == best["params"]["model.dropout"]

    run = tmp_path / "run"
    rc = main(["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2",
               "--config", str(tmp_path / "tune" / "chosen.json"), "--device", "cpu", "--no-progress"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "not a nested estimate" in out  # chosen on these very subjects: said plainly
    spec = json.loads((run / "run.json").read_text())
    assert spec["model"] == chosen["model"]
    # the run's own seed and thread count (run.json records the count its folds trained with) are not the choice's
    assert {k: v for k, v in spec["train"].items() if k not in ("seed", "num_threads")} == chosen["train"]
    assert spec["train"]["seed"] == 7
    # --seed on the command line wins over the file's
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "run2"), "--protocol", "kfold:2",
               "--config", str(tmp_path / "tune" / "chosen.json"), "--seed", "3", *TINY])
    assert rc == 0 and json.loads((tmp_path / "run2" / "run.json").read_text())["train"]["seed"] == 3


def test_train_tune_nested_per_fold(setup, tmp_path, capsys):
    table, base, space = setup
    run = tmp_path / "nested"
    rc = main(["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2", "--tune",
               "--space", str(space), "--config", str(base), "--final", str(tmp_path / "final.pt"), *TINY])
    assert rc == 0
    out = capsys.readouterr().out
    assert "nested random search" in out and "final model settings: trial" in out
    # the final model's settings come from the same search over all subjects (no test subject remains)
    final = json.loads((run / "final_tune" / "chosen.json").read_text())
    from merstudio.model.checkpoint import load_checkpoint

    _model, meta = load_checkpoint(tmp_path / "final.pt")
    assert meta["training"]["lr"] == final["train"]["lr"] and len(final["subjects"]) == 4
    infos = [json.loads(p.read_text()) for p in sorted((run / "folds").glob("*.json"))]
    assert len(infos) == 2  # --protocol kfold:2: one record per outer fold, each tuned on its own training side
    for info in infos:
        assert len(info["tune"]["trials"]) == 2
        assert info["tune"]["params"]["train.lr"] in (1e-3, 3e-3)
    assert json.loads((run / "run.json").read_text())["tune"]["inner"] == "kfold:2"


def test_bad_tune_input_is_one_line(setup, tmp_path, capsys):
    table, base, _space = setup
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"train.speed": [1, 2]}))
    rc = main(["tune", "--data", str(table), "--out", str(tmp_path / "t"), "--space", str(bad), *TINY])
    err = capsys.readouterr().err
    assert rc == 2 and "train.speed" in err and len(err.strip().splitlines()) == 1
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "t2"), "--space", str(bad), *TINY])
    err = capsys.readouterr().err
    assert rc == 2 and "--tune" in err
    rc = main(["tune", "--data", str(table), "--out", str(tmp_path / "t3"), "--inner", "loso", *TINY])
    assert rc == 2 and "kfold" in capsys.readouterr().err


def test_a_training_flag_fixes_its_parameter_instead_of_being_searched_over(tmp_path, capsys):
    """--epochs 2 under the default space (which searches 40/60/80 epochs) means 2 epochs: out of the space, said."""
    import argparse

    from merstudio.cli.train import search_spec
    from merstudio.errors import InputError
    from merstudio.training.tune import DEFAULT_SPACE

    args = argparse.Namespace(space=None, search=None, trials=None, inner=None, epochs=2, lr=None, width=16,
                              mixup=None, batch_size=None, val_fraction=None)
    spec = search_spec(args, 0)
    assert set(spec.params) == set(DEFAULT_SPACE) - {"train.epochs", "model.width"}
    assert "--epochs 2, --width 16 fixed: taken out of the search space" in capsys.readouterr().err
    space = tmp_path / "s.json"
    space.write_text(json.dumps({"params": {"train.lr": [1e-3, 2e-3]}}))
    with pytest.raises(InputError, match="every parameter of the search space is fixed"):
        search_spec(argparse.Namespace(**{**vars(args), "lr": 1e-3, "space": space}), 0)
