"""With --val-fraction, each fold's record (folds/*.json) names the training subjects its epoch was chosen on
(val_subjects), beside the test subjects, so that the split can be audited (audit a103, h260)."""

from __future__ import annotations

import json

from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main


def test_each_fold_record_names_its_validation_subjects(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data")
    out = tmp_path / "run"
    assert main(["train", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--config",
                 str(write_tiny_config(tmp_path / "cfg.json")), "--val-fraction", "0.5", "--epochs", "1",
                 "--batch-size", "8", "--width", "4", "--device", "cpu", "-q"]) == 0
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "folds").glob("*.json"))]
    assert len(records) == 2
    every = {s for r in records for s in r["test_subjects"]}
    for r in records:
        training = sorted(every - set(r["test_subjects"]))
        assert len(training) == 2  # 4 subjects, kfold:2: half of 2 training subjects validate
        assert len(r["val_subjects"]) == 1 and r["val_subjects"][0] in training


def test_no_validation_split_records_none(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data")
    out = tmp_path / "run"
    assert main(["train", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--config",
                 str(write_tiny_config(tmp_path / "cfg.json")), "--epochs", "1", "--batch-size", "8", "--width",
                 "4", "--device", "cpu", "-q"]) == 0
    assert all("val_subjects" not in json.loads(p.read_text(encoding="utf-8"))
               for p in (out / "folds").glob("*.json"))
