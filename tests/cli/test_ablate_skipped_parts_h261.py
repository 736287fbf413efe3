"""h261 (a103 #7): `merstudio ablate --parts` with parts the --config already switched off ran fewer variants than
asked without a word, and the table did not say which row is the reference: it says both, on the console and in
ablation.md."""

from __future__ import annotations

import json

import pandas as pd
from support.flow_tables import write_table

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def test_parts_already_off_are_said_and_the_reference_labelled(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=18, n_subjects=3)
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"model": {"use_mswm": False}, "train": {"mixup": 0.0}}))
    out = tmp_path / "abl"
    rc = main(["ablate", "--data", str(table), "--out", str(out), "--config", str(config),
               "--parts", "mswm,mixup,erase", "--protocol", "kfold:2", *TINY])
    assert rc == 0
    printed = capsys.readouterr().out
    assert list(pd.read_csv(out / "ablation.csv")["variant"]) == ["-mswm-mixup", "-mswm-erase-mixup"]
    said = [line for line in printed.splitlines() if line.startswith("note: --parts")]  # and in the table
    assert len(set(said)) == 1 and "mswm, mixup already switched off in the reference -mswm-mixup" in said[0]
    md = (out / "ablation.md").read_text(encoding="utf-8")
    assert said[0] in md
    assert "| -mswm-mixup (reference) |" in md and "| -mswm-erase-mixup |" in md
