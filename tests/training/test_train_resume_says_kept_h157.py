"""`merstudio train` resuming a run folder (after a SIGTERM, SIGHUP or Ctrl-C) says which folds it keeps from the
earlier run, and its final line counts them: it resumed silently ("folds: 3 folds", then fold02 on)."""

from __future__ import annotations

from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def test_a_resumed_run_names_the_folds_kept(tmp_path, flow_table, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    run = tmp_path / "run"
    argv = ["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2",
            "--config", str(write_tiny_config(tmp_path / "cfg.json")), *TINY]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "kept from an earlier run" not in first
    tables = sorted((run / "folds").glob("*.csv"))
    assert len(tables) == 2
    tables[1].unlink()  # as a run stopped after its first fold left the folder
    kept = tables[0].stem.split("_", 1)[1]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"{kept}: kept from an earlier run (1 of 2 folds)" in out, out
    assert "pooled over 2 folds, 1 kept from an earlier run:" in out, out
