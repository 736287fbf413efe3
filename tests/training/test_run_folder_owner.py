"""One run folder is one command's: train, tune, ablate and evaluate each refuse, in one line and before any work,
an --out that holds another command's run (a tune into a train folder replaced its data.md while summary.md still
described the train run)."""

from __future__ import annotations

import json

import pytest
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _argv(command, table, out, cfg):
    if command == "evaluate":
        from merstudio.resources import starter_checkpoint

        return ["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", str(table), "--out", str(out),
                "--device", "cpu", "-q"]
    extra = ["--trials", "1", "--inner", "kfold:2"] if command == "tune" else ["--protocol", "kfold:2"]
    return [command, "--data", str(table), "--out", str(out), "--config", str(cfg), *extra, *TINY]


def test_a_train_run_is_refused_by_tune_ablate_and_evaluate(tmp_path, flow_table, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    assert main(_argv("train", table, run, cfg)) == 0
    capsys.readouterr()
    before = _snapshot(run)
    for command in ("tune", "ablate", "evaluate"):
        code = main(_argv(command, table, run, cfg))
        err = capsys.readouterr().err
        assert code == 3 and "holds a `merstudio train` run (kfold:2); pick another --out" in err, err
        assert err.count("\n") == 1
    assert _snapshot(run) == before  # data.md, summary.md, folds: the train run's, untouched
    # its own command resumes it as before
    assert main(_argv("train", table, run, cfg)) == 0


@pytest.mark.parametrize(("files", "owner", "said"), [
    ({"tune.json": {}, "chosen.json": {}, "data.md": "x"}, "tune", "a `merstudio tune` search"),
    ({"ablation.md": "# Ablation (loso)\n", "ablation.csv": "variant,switched_off,seed\n",
      "full/run.json": {"protocol": "loso"}}, "ablate",
     "a `merstudio ablate` table"),
    # an ablation stopped before its table: its variants' runs say whose folder it is
    ({"full/run.json": {"protocol": "loso"}, "no-fam/run.json": {"protocol": "loso"}}, "ablate",
     "a `merstudio ablate` run"),
    ({"full/seed-0/run.json": {"protocol": "loso"}}, "ablate", "a `merstudio ablate` run"),
    ({"run.json": {"protocol": "loso"}, "data.md": "x"}, "train", "a `merstudio train` run (loso)"),
    ({"run.json": {"protocol": "evaluate", "checkpoint": "m.pt"}}, "evaluate",
     "an evaluation (merstudio evaluate of m.pt)"),
])
def test_each_command_refuses_every_other_commands_folder(tmp_path, capsys, monkeypatch, files, owner, said):
    import merstudio.training.data as data_mod

    def no_data(*a, **k):
        raise AssertionError("the data was prepared")

    monkeypatch.setattr(data_mod, "load_arrays", no_data)
    out = tmp_path / "out"
    for name, body in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(body if isinstance(body, str) else json.dumps(body))
    before = _snapshot(out)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    for command in {"train", "tune", "ablate", "evaluate"} - {owner}:
        code = main(_argv(command, tmp_path / "none.csv", out, cfg))
        err = capsys.readouterr().err
        assert code == 3 and f"holds {said}; pick another --out" in err and err.count("\n") == 1, (command, err)
    assert _snapshot(out) == before
