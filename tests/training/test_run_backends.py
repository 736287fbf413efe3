"""LOSO folds and ablation variants as tasks on merstudio.execution: every back-end gives the same predictions."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import merstudio.training.run as run_mod
from merstudio.execution import Backend


def _folds(run_dir) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p) for p in sorted((run_dir / "folds").glob("*.csv"))}


def _same_predictions(a, b) -> None:
    fa, fb = _folds(a), _folds(b)
    assert list(fa) == list(fb) and fa
    for name in fa:
        pd.testing.assert_frame_equal(fa[name], fb[name], check_exact=True)
    pa = pd.read_csv(a / "predictions.csv")
    assert np.array_equal(pa.filter(like="p_").to_numpy(), pd.read_csv(b / "predictions.csv").filter(like="p_").to_numpy())


def test_processes_backend_gives_the_in_process_predictions(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    seen = []
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "a", protocol="kfold:2",
                         backend=Backend("inprocess"))
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "b", protocol="kfold:2",
                         backend=Backend("processes", jobs=2), progress=seen.append)
    _same_predictions(tmp_path / "a", tmp_path / "b")
    assert {p.fold for p in seen} == {"fold01", "fold02"}  # progress comes back from the workers
    assert json.loads((tmp_path / "a" / "metrics.json").read_text())["uf1"] == \
        json.loads((tmp_path / "b" / "metrics.json").read_text())["uf1"]


def test_ablation_variants_share_one_pool(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    done = []
    rows = run_mod.run_ablation(data, classes, tiny_cfg(), s, tmp_path / "p", parts=["cluster"],
                                protocol="kfold:2", backend=Backend("processes", jobs=2),
                                fold_done=lambda d, t: done.append((d, t)))
    assert done[0] == (0, 4) and done[-1] == (4, 4)  # both variants' folds counted as one pool
    ref = run_mod.run_protocol(data, classes, tiny_cfg().ablate("cluster"), s, tmp_path / "one",
                               protocol="kfold:2", backend=Backend("inprocess"))
    _same_predictions(tmp_path / "p" / "no-cluster", tmp_path / "one")
    assert rows[1]["uf1"] == ref["uf1"]


def test_a_failing_fold_task_is_reported_and_finished_folds_kept(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    bad = tiny_settings(epochs=1, num_threads=1, schedule="nope")  # the trainer rejects it inside every task
    with pytest.raises(Exception, match="schedule must be one of cosine, step, got .nope."):
        run_mod.run_protocol(data, classes, tiny_cfg(), bad, tmp_path / "x", protocol="kfold:2",
                             backend=Backend("processes", jobs=2))
    assert not list((tmp_path / "x" / "folds").glob("*.csv"))


@pytest.mark.slow
def test_ray_backend_gives_the_in_process_predictions(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    pytest.importorskip("ray")
    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "a", protocol="kfold:2",
                         backend=Backend("inprocess"))
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "r", protocol="kfold:2",
                         backend=Backend("ray", jobs=2))
    _same_predictions(tmp_path / "a", tmp_path / "r")


def test_cancel_stops_the_pool_and_a_rerun_resumes(tiny_data, tiny_cfg, tiny_settings, tmp_path, monkeypatch):
    from merstudio.training.trainer import TrainingCancelled

    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    out = tmp_path / "c"
    done: list[int] = []
    with pytest.raises(TrainingCancelled):
        run_mod.run_protocol(data, classes, tiny_cfg(), s, out, protocol="kfold:3",
                             backend=Backend("processes", jobs=2), cancel=lambda: bool(done and done[-1] >= 1),
                             fold_done=lambda d, t: done.append(d))
    finished = sorted(p.name for p in (out / "folds").glob("*.csv"))
    assert 1 <= len(finished) < 3  # the third fold never started
    assert not (out / "predictions.csv").exists()
    trained = []
    real = run_mod._run_one_fold

    def spy(fold, *a, **k):
        trained.append(fold.name)
        return real(fold, *a, **k)

    monkeypatch.setattr(run_mod, "_run_one_fold", spy)
    m = run_mod.run_protocol(data, classes, tiny_cfg(), s, out, protocol="kfold:3", backend=Backend("inprocess"))
    assert len(trained) == 3 - len(finished) and m["n_folds"] == 3
