"""UF1 and UAR average the same classes: those present in the ground truth (MEGC2019's definition). `evaluate` of
the starter (negative, positive, surprise, none) on data without 'none' averaged UF1 over 4 classes (none: support
0, F1 0) and UAR over 3."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from merstudio.cli.main import main
from merstudio.training.metrics import compute_metrics


def test_a_predicted_class_absent_from_the_truth_is_in_neither_average():
    # truth: 2 x a, 1 x b, 1 x c; the one wrong prediction says d, a class with no true sample
    m = compute_metrics([0, 0, 1, 2], [0, 3, 1, 2], ["a", "b", "c", "d"])
    # a: TP 1, FN 1, FP 0 -> F1 2/3, recall 1/2; b and c: F1 1, recall 1; d: no true sample
    assert m["uf1"] == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert m["uar"] == pytest.approx((1 / 2 + 1 + 1) / 3)
    assert m["per_class"]["d"]["support"] == 0 and m["per_class"]["d"]["fp"] == 1  # still shown, as a wrong guess
    assert m["accuracy"] == pytest.approx(3 / 4)


def test_evaluate_of_the_starter_on_three_classes_averages_uf1_over_those(tmp_path, flow_table, capsys,
                                                                          monkeypatch):
    from merstudio.resources import starter_checkpoint

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)  # negative, positive, surprise: no 'none'
    out = tmp_path / "ev"
    assert main(["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", str(table), "--out", str(out),
                 "--device", "cpu", "-q"]) == 0
    printed = capsys.readouterr().out
    pred = pd.read_csv(out / "predictions.csv")
    t, p = pred["true"].to_numpy(), pred["pred"].to_numpy()
    present = sorted(set(t.tolist()))
    assert len(present) == 3
    f1 = [2 * np.sum((t == c) & (p == c)) / (np.sum(t == c) + np.sum(p == c)) for c in present]
    recall = [np.sum((t == c) & (p == c)) / np.sum(t == c) for c in present]
    m = json.loads((out / "metrics.json").read_text())
    assert m["uf1"] == pytest.approx(np.mean(f1)) and m["uar"] == pytest.approx(np.mean(recall))
    assert f"UF1 {np.mean(f1):.3f}" in printed and "recall nan" not in printed
