"""The LOSO benchmark's synthetic flow set (the benchmark itself is a figure, run by `merstudio bench loso`)."""

from __future__ import annotations

import numpy as np

from merstudio.training.bench import synthetic_flow_set


def test_synthetic_flow_set_shape_balance_and_determinism():
    data, classes = synthetic_flow_set()
    assert classes == ["negative", "positive", "surprise"]
    assert data.X.shape == (442, 1, 3, 28, 28) and data.X.dtype == np.float32
    assert len(data.subject_list) == 68
    assert np.bincount(data.y).tolist() == [250, 109, 83]
    assert data.X.min() >= 0 and data.X.max() <= 1  # min-max normalised like the shared flow images
    again, _ = synthetic_flow_set()
    assert np.array_equal(again.X, data.X) and np.array_equal(again.subjects, data.subjects)


def test_classes_differ_where_the_motion_is():
    data, _ = synthetic_flow_set(n_samples=300, n_subjects=30)
    v = data.X[:, 0, 1]
    brow = v[:, 5:11, 4:24].mean((1, 2)) - v.mean((1, 2))
    # negative lowers the brows (v > 0), surprise raises them (v < 0)
    assert brow[data.y == 0].mean() > brow[data.y == 2].mean()


def test_loso_bench_reports_wall_and_cpu_time():
    from merstudio.training.bench import bench_loso

    folds = []
    r = bench_loso(n_samples=24, n_subjects=3, epochs=1, jobs=1, fold_done=lambda d, t: folds.append((d, t)))
    assert r["folds"] == 3 and r["epochs"] == 1
    assert folds[-1] == (3, 3)  # the command line's bar (a cli.bars.Bar: a log gets lines, not redraws)
    # seconds: a fast machine does this tiny run in well under the 0.01 minutes that cpu_minutes rounds to
    assert 0 < r["cpu_seconds"] and r["cpu_minutes_per_job"] == r["cpu_minutes"]
    assert 0 <= r["uf1"] <= 1
