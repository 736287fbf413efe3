"""`merstudio ablate` again into the same --out with other --parts or --seeds replaced ablation.md/.csv without a
word: it says so in one line before the training (the earlier variants' runs stay); the same command again does
not."""

from __future__ import annotations

import pandas as pd
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress",
        "--protocol", "kfold:2"]


def test_other_parts_or_seeds_say_the_table_is_replaced(tmp_path, flow_table, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    out = tmp_path / "abl"
    base = ["ablate", "--data", str(table), "--out", str(out), "--config", str(cfg), *TINY]
    assert main([*base, "--parts", "mixup"]) == 0
    first = capsys.readouterr().out
    assert "replaces it" not in first
    assert main([*base, "--parts", "mixup"]) == 0  # the same command again: the same table, nothing said
    assert "replaces it" not in capsys.readouterr().out

    assert main([*base, "--parts", "erase"]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "replaces it" in line]
    assert len(said) == 1
    assert "tables full, -mixup (seed 0)" in said[0] and "table of full, -erase (seed 0)" in said[0]
    assert (out / "no-mixup" / "run.json").exists()  # the earlier variant's run stays
    assert list(pd.read_csv(out / "ablation.csv")["variant"]) == ["full", "-erase"]

    assert main([*base, "--parts", "erase", "--seeds", "2"]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "replaces it" in line]
    assert len(said) == 1 and "table of full, -erase (seeds 0, 1)" in said[0]
