"""--cache DIR on train, tune, ablate and evaluate (README: "unless `--cache DIR` or `$MERSTUDIO_CACHE`"): the
cache `merstudio datasets prepare --cache DIR` filled is the one they read, nothing goes to ~/.cache/merstudio,
and the run records it (data.md) without it being a setting (another cache resumes the same run)."""

from __future__ import annotations

import json

import pytest
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A HOME of the test's own, no $MERSTUDIO_CACHE or $XDG_CACHE_HOME: the default cache would be
    HOME/.cache/merstudio."""
    monkeypatch.delenv("MERSTUDIO_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def _cached(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*.npz")}


def test_train_reads_the_cache_datasets_prepare_filled_and_records_it(tmp_path, home, flow_table, capsys):
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cache = tmp_path / "prepared"
    assert main(["datasets", "prepare", f"table:{table}", "--cache", str(cache)]) == 0
    filled = _cached(cache)
    assert len(filled) == 24  # one file per sample of the table
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    code = main(["train", "--data", f"table:{table}", "--out", str(run), "--protocol", "kfold:2",
                 "--config", str(cfg), "--cache", str(cache), *TINY])
    assert code == 0, capsys.readouterr().err
    assert _cached(cache) == filled  # read, not computed again
    assert not (home / ".cache" / "merstudio").exists()  # and nothing prepared again into the default cache
    assert str(cache) in (run / "data.md").read_text(encoding="utf-8")
    # the cache is a record, not a setting: the same run from another cache resumes (no "different settings")
    again = tmp_path / "elsewhere"
    code = main(["train", "--data", f"table:{table}", "--out", str(run), "--protocol", "kfold:2",
                 "--config", str(cfg), "--cache", str(again), *TINY])
    assert code == 0, capsys.readouterr().err
    assert len(_cached(again)) == 24 and str(again) in (run / "data.md").read_text(encoding="utf-8")
    assert "cache" not in json.loads((run / "run.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", ["tune", "ablate", "evaluate"])
def test_tune_ablate_evaluate_take_cache_too(tmp_path, home, flow_table, capsys, command):
    from merstudio.resources import starter_checkpoint

    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cache = tmp_path / "c"
    out = tmp_path / "out"
    if command == "evaluate":
        argv = ["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", f"table:{table}", "--device", "cpu",
                "--out", str(out), "-q"]
    else:
        cfg = write_tiny_config(tmp_path / "cfg.json")
        extra = (["--trials", "1", "--inner", "kfold:2", "--search", "random"] if command == "tune"
                 else ["--protocol", "kfold:2", "--parts", "mixup"])
        argv = [command, "--data", f"table:{table}", "--out", str(out), "--config", str(cfg), *extra, *TINY]
    code = main([*argv, "--cache", str(cache)])
    assert code == 0, capsys.readouterr().err
    assert len(_cached(cache)) == 24 and not (home / ".cache" / "merstudio").exists()
    assert str(cache) in (out / "data.md").read_text(encoding="utf-8")


def test_a_cache_that_cannot_be_made_is_refused_before_the_preparation(tmp_path, home, flow_table, capsys):
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["train", "--data", f"table:{table}", "--out", str(tmp_path / "run"), "--cache",
                 str(blocker / "cache"), *TINY])
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and str(blocker) in err, err
    assert not (tmp_path / "run").exists()
