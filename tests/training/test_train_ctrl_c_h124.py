"""`merstudio train` stopped by Ctrl-C says how many folds it keeps and that the same command resumes (it said
only "merstudio: interrupted"); the same command then trains the other folds only."""

from __future__ import annotations

from support.flow_tables import write_tiny_config

import merstudio.training.run as run_mod
from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def test_ctrl_c_after_a_fold_says_what_is_kept_and_the_rerun_resumes(tmp_path, flow_table, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    argv = ["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2", "--config", str(cfg), *TINY]
    store = run_mod.store_fold

    def stored_then_ctrl_c(*a, **k):
        store(*a, **k)
        raise KeyboardInterrupt  # Ctrl-C as the first fold is kept

    monkeypatch.setattr(run_mod, "store_fold", stored_then_ctrl_c)
    assert main(argv) == 130
    err = capsys.readouterr().err
    kept = sorted((run / "folds").glob("*.csv"))
    assert len(kept) == 1
    assert f"merstudio: interrupted: 1 of 2 fold(s) finished and kept in {run / 'folds'}; the same command " \
           "again resumes with the others" in err, err
    before = kept[0].stat().st_mtime_ns
    monkeypatch.setattr(run_mod, "store_fold", store)
    assert main(argv) == 0
    assert kept[0].stat().st_mtime_ns == before  # the kept fold is not trained again
    assert len(list((run / "folds").glob("*.csv"))) == 2
