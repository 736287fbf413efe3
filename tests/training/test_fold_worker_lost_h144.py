"""A worker process killed (kill -9) while it trains a fold: the fold runs again, as analyze runs a video again,
and gives the predictions of a run that was never killed (folds are seeded). Only when it dies every time does the
run stop, with one line naming the fold and the folds kept (it was a WorkerLost traceback, exit 1, and the other
running fold was killed with it)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

import pandas as pd
import pytest
from support.flow_tables import write_tiny_config

import merstudio.training.run as run_mod
from merstudio.cli.main import main
from merstudio.execution import Backend


@pytest.fixture
def kill_a_worker_mid_fold(monkeypatch):
    """kill -9 one local worker process when the first progress report of a fold being trained comes back (each of
    the two workers is then training a fold). Returns the list of killed pids."""
    killed: list[int] = []
    run_tasks = run_mod.run_tasks

    def wrapped(fn, tasks, backend, **kw):
        given = kw.get("on_progress")

        def on_progress(i, payload):
            if not killed:
                workers = [p for p in mp.active_children() if p.name == "merstudio-worker"]
                assert len(workers) == 2
                killed.append(workers[0].pid)
                os.kill(workers[0].pid, signal.SIGKILL)
            if given is not None:
                given(i, payload)

        return run_tasks(fn, tasks, backend, **{**kw, "on_progress": on_progress})

    monkeypatch.setattr(run_mod, "run_tasks", wrapped)
    return killed


def _folds(run_dir) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p) for p in sorted((run_dir / "folds").glob("*.csv"))}


def test_a_fold_whose_worker_is_killed_is_trained_again(tiny_data, tiny_cfg, tiny_settings, tmp_path,
                                                         kill_a_worker_mid_fold):
    data, classes = tiny_data
    s = tiny_settings(epochs=3, num_threads=1)
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "k", protocol="kfold:2",
                         backend=Backend("processes", jobs=2))
    assert len(kill_a_worker_mid_fold) == 1
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "a", protocol="kfold:2",
                         backend=Backend("inprocess"))
    killed, whole = _folds(tmp_path / "k"), _folds(tmp_path / "a")
    assert list(killed) == list(whole) and len(killed) == 2
    for name in whole:  # the retried fold's predictions are those of a run never killed
        pd.testing.assert_frame_equal(killed[name], whole[name], check_exact=True)
    assert (tmp_path / "k" / "metrics.json").exists()


def test_out_of_retries_one_line_names_the_fold_and_the_folds_kept(tmp_path, flow_table, capsys, monkeypatch,
                                                                  kill_a_worker_mid_fold):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(run_mod, "FOLD_RETRIES", 0, raising=False)
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    argv = ["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2", "--config", str(cfg),
            "--epochs", "3", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress", "--jobs", "2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "WorkerLost" not in err, err
    kept = sorted((run / "folds").glob("*.csv"))
    assert len(kept) == 1  # the other fold, training meanwhile, finished and is kept
    lines = [ln for ln in err.splitlines() if ln.startswith("merstudio:")]
    assert len(lines) == 1, err
    lost = "fold02" if kept[0].name.endswith("fold01.csv") else "fold01"
    assert lines[0] == (f"merstudio: error: a worker died while training fold {lost}; 1 of 2 folds kept in "
                        f"{run / 'folds'}; the same command again resumes"), err
    monkeypatch.setattr(run_mod, "FOLD_RETRIES", 2)
    kill_a_worker_mid_fold.append(-1)  # no more kills: the rerun trains the lost fold only
    assert main(argv) == 0
    assert len(list((run / "folds").glob("*.csv"))) == 2
