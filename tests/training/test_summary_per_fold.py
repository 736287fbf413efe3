"""A training run's summary.md says, per fold, which subjects it held out, its own figures (accuracy; UF1/UAR
where the fold has samples enough) and how its weights were chosen (SWA's epochs, or the epoch inner validation
chose); with --tune the Configuration block says each fold chose its own settings (folds/*.json), not the
defaults as if they were used."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


@pytest.fixture
def table(tmp_path, flow_table, monkeypatch):
    """24 samples of s00..s03, and s99 with 2 of s03's samples moved to it (a fold too small for UF1)."""
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    path = flow_table(tmp_path / "data", n=24, n_subjects=4)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    moved = [r for r in rows if r["subject"] == "s03"][:2]
    for r in moved:
        r["subject"] = "s99"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _fold_rows(summary: str) -> dict[str, list[str]]:
    part = summary.split("## Per fold", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in part.splitlines() if line.startswith("| ") and "---" not in line]
    return {r[0].strip(): [c.strip() for c in r] for r in rows[1:]}


def test_loso_summary_names_each_held_out_subject_its_figures_and_swa_epochs(tmp_path, table, capsys):
    run = tmp_path / "run"
    cfg = write_tiny_config(tmp_path / "cfg.json")
    assert main(["train", "--data", str(table), "--out", str(run), "--config", str(cfg), "--epochs", "8",
                 *TINY]) == 0
    capsys.readouterr()
    rows = _fold_rows((run / "summary.md").read_text(encoding="utf-8"))
    samples = pd.read_csv(table)
    pred = pd.read_csv(run / "predictions.csv")
    assert sorted(rows) == sorted(samples["subject"].unique())  # LOSO: one fold per subject, named by it
    for subject, cells in rows.items():
        n = int((samples["subject"] == subject).sum())
        mine = pred[pred["subject"] == subject]
        assert int(cells[1]) == n
        assert cells[2] == f"{(mine['true'] == mine['pred']).mean():.3f}"
        # SWA over the last quarter of 8 epochs: epochs 7 and 8
        assert cells[5] == "SWA of epochs 7–8"
        if n < 3:  # one or two samples: no UF1/UAR worth showing
            assert cells[3] == cells[4] == "—"
        else:
            assert re.fullmatch(r"[01]\.\d{3}", cells[3]) and re.fullmatch(r"[01]\.\d{3}", cells[4])
    assert int(rows["s99"][1]) == 2
    per_fold = json.loads((run / "metrics.json").read_text())["per_fold"]
    assert [r["test_subjects"] for r in per_fold] == [[s] for s in ("s00", "s01", "s02", "s03", "s99")]


def test_inner_validation_names_the_epoch_each_fold_chose(tmp_path, table, capsys):
    run = tmp_path / "run"
    cfg = write_tiny_config(tmp_path / "cfg.json")
    assert main(["train", "--data", str(table), "--out", str(run), "--config", str(cfg), "--epochs", "3",
                 "--protocol", "kfold:2", "--val-fraction", "0.34", *TINY]) == 0
    capsys.readouterr()
    rows = _fold_rows((run / "summary.md").read_text(encoding="utf-8"))
    for path in sorted((run / "folds").glob("*.json")):
        info = json.loads(path.read_text())
        key = next(k for k in rows if k.startswith(info["fold"]))
        assert all(s in key for s in info["test_subjects"])  # a k-fold fold lists the subjects it held out
        k = info["history"][-1]["selected_epoch"]
        assert rows[key][5].startswith(f"SWA weights at epoch {k} of 3, chosen by inner validation")


def test_nested_search_says_each_fold_chose_its_own_settings(tmp_path, table, capsys):
    run = tmp_path / "run"
    cfg = write_tiny_config(tmp_path / "cfg.json")
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"train.lr": [0.001, 0.003]}))
    assert main(["train", "--data", str(table), "--out", str(run), "--config", str(cfg), "--epochs", "1",
                 "--protocol", "kfold:2", "--tune", "--space", str(space), "--search", "grid", "--inner", "kfold:2",
                 *TINY]) == 0
    capsys.readouterr()
    summary = (run / "summary.md").read_text(encoding="utf-8")
    config = summary.split("## Configuration", 1)[1]
    assert "Each fold chose its own train.lr" in config and "folds/*.json" in config
    shown = json.loads(config.split("```json", 1)[1].split("```", 1)[0])
    assert shown["train"]["lr"] == "chosen in each fold (folds/*.json)"  # not the default 0.001 as if used
    rows = _fold_rows(summary)
    for path in sorted((run / "folds").glob("*.json")):
        info = json.loads(path.read_text())
        key = next(k for k in rows if k.startswith(info["fold"]))
        assert rows[key][6] == f"lr={info['tune']['params']['train.lr']}"
