"""h261 (a103 #9): a fold whose training subjects have no sample of a class its test subjects have (k-fold on a small
table) cannot predict it there, and nothing said so: each such fold is warned of in one line as the run starts."""

from __future__ import annotations

import warnings

import numpy as np

from merstudio.training.checks import fold_class_gaps
from merstudio.training.protocols import make_folds
from merstudio.training.run import run_protocol
from merstudio.training.trainer import TrainSettings


def test_the_lines():
    subjects = np.array(["a"] * 4 + ["b"] * 4)
    y = np.array([0, 1, 2, 2, 0, 1, 0, 1])  # only a has class 2
    lines = fold_class_gaps(y, make_folds(subjects, "kfold:2"), ["negative", "positive", "surprise"])
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "testing a" in lines[0] and "no sample of surprise (2 test samples)" in lines[0]
    assert fold_class_gaps(np.array([0, 1, 0, 1, 0, 1, 0, 1]), make_folds(subjects, "kfold:2"), ["n", "p"]) == []


def test_a_run_warns_before_training(tmp_path, monkeypatch):
    from merstudio.training.bench import synthetic_flow_set

    data, classes = synthetic_flow_set(n_samples=12, n_subjects=3, seed=0)
    data.y[:] = 0
    data.y[data.subjects == data.subject_list[0]] = 1  # class 1 only in the first subject
    data.y[data.subjects == data.subject_list[1]] = [2, 0, 2, 0][: int((data.subjects == data.subject_list[1]).sum())]

    class Stop(Exception):
        pass

    def stop(*a, **k):  # the warning comes when the folds are made; no training needed
        raise Stop

    monkeypatch.setattr("merstudio.training.run.run_fold_jobs", stop)
    from merstudio.model.config import ModelConfig

    cfg = ModelConfig(in_channels=3, input_size=28, T=1, n_classes=3, class_names=["a", "b", "c"], width=4)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        try:
            run_protocol(data, ["a", "b", "c"], cfg, TrainSettings(epochs=1), tmp_path / "run", protocol="loso")
        except Stop:
            pass
    said = [str(w.message) for w in got if "trains on no sample of" in str(w.message)]
    assert said and all("\n" not in s for s in said)
    assert any(f"testing {data.subject_list[0]}" in s and "no sample of b" in s for s in said)
