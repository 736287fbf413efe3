"""`merstudio ablate` / `train` record every variant under the parts it really has switched off (issue 13)."""

from __future__ import annotations

import json

import pandas as pd
from support.flow_tables import write_table

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def test_ablate_with_a_base_ablation_records_real_names(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=18, n_subjects=3)
    out = tmp_path / "abl"
    rc = main(["ablate", "--data", str(table), "--out", str(out), "--ablate", "au", "--parts", "au_emotion,cluster",
               "--protocol", "kfold:2", *TINY])
    assert rc == 0
    printed = capsys.readouterr().out
    table_csv = pd.read_csv(out / "ablation.csv")
    # au = fam; au_emotion adds nothing once the module is off, so it is not run again under another name
    assert list(table_csv["variant"]) == ["-fam", "-fam-cluster"]
    assert list(table_csv["switched_off"]) == ["fam", "fam,cluster"]
    assert json.loads((out / "no-fam" / "run.json").read_text())["ablate"] == ["fam"]
    assert json.loads((out / "no-fam+cluster" / "run.json").read_text())["ablate"] == ["fam", "cluster"]
    assert "| -fam-cluster | fam,cluster |" in printed and "| none |" not in printed


def test_train_records_the_alias_under_its_name(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=18, n_subjects=3)
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "r"), "--ablate", "au,au_emotion",
               "--protocol", "kfold:2", *TINY])
    assert rc == 0
    spec = json.loads((tmp_path / "r" / "run.json").read_text())
    assert spec["ablate"] == ["fam"] and spec["model"]["use_au"] is False


def test_ablate_refuses_fewer_than_one_seed_before_loading_data(tmp_path, capsys):
    rc = main(["ablate", "--data", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "abl"), "--seeds", "0"])
    assert rc != 0
    assert "--seeds must be at least 1 (got 0)" in capsys.readouterr().err
    assert not (tmp_path / "abl").exists()
