"""Ctrl-C after the last fold finished (while the folds are pooled) said "2 of 2 fold(s) finished ... the same
command again resumes with the others": there are no others. It now says every fold is kept and whether the pooled
metrics were written; the same command then writes them without training a fold again."""

from __future__ import annotations

from support.flow_tables import write_tiny_config

import merstudio.training.run as run_mod
from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def test_ctrl_c_while_pooling_says_all_folds_kept_and_metrics_not_written(tmp_path, flow_table, capsys,
                                                                         monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    argv = ["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2", "--config", str(cfg), *TINY]
    summarise = run_mod.summarise

    def ctrl_c(*a, **k):
        raise KeyboardInterrupt  # Ctrl-C as the finished folds are pooled

    monkeypatch.setattr(run_mod, "summarise", ctrl_c)
    assert main(argv) == 130
    err = capsys.readouterr().err
    kept = sorted((run / "folds").glob("*.csv"))
    assert len(kept) == 2 and not (run / "metrics.json").exists()
    assert "resumes with the others" not in err, err
    assert f"merstudio: interrupted: all 2 folds finished and kept in {run / 'folds'}; the pooled metrics were " \
           "not written: the same command again writes them (no fold is trained again)" in err, err
    before = [p.stat().st_mtime_ns for p in kept]
    monkeypatch.setattr(run_mod, "summarise", summarise)
    assert main(argv) == 0
    assert [p.stat().st_mtime_ns for p in kept] == before
    assert (run / "metrics.json").exists()
