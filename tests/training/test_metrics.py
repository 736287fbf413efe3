"""Metrics against hand-computed examples."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.training.metrics import compute_metrics, confusion_matrix, save_confusion_png


def test_confusion_matrix_rows_true_columns_pred():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_hand_computed_uf1_uar_accuracy():
    # truth: 4 x class0, 2 x class1, 2 x class2
    y = [0, 0, 0, 0, 1, 1, 2, 2]
    p = [0, 0, 0, 1, 1, 0, 2, 0]
    m = compute_metrics(y, p, ["neg", "pos", "sur"])
    # class0: TP3 FP2 FN1 -> F1 6/9; recall 3/4
    # class1: TP1 FP1 FN1 -> F1 2/4; recall 1/2
    # class2: TP1 FP0 FN1 -> F1 2/3; recall 1/2
    assert m["accuracy"] == pytest.approx(5 / 8)
    assert m["uf1"] == pytest.approx((6 / 9 + 2 / 4 + 2 / 3) / 3)
    assert m["uar"] == pytest.approx((3 / 4 + 1 / 2 + 1 / 2) / 3)
    assert m["per_class"]["neg"]["precision"] == pytest.approx(3 / 5)
    assert m["per_class"]["sur"]["support"] == 2
    assert m["confusion"] == [[3, 1, 0], [1, 1, 0], [1, 0, 1]]


def test_pooling_differs_from_fold_averaging():
    # Pooled over folds then computed once (MEGC): not the mean of per-fold scores.
    folds = [([0, 0, 1], [0, 0, 0]), ([1, 1, 0], [1, 1, 1])]
    y = sum((f[0] for f in folds), [])
    p = sum((f[1] for f in folds), [])
    pooled = compute_metrics(y, p, ["a", "b"])["uf1"]
    # pooled: class a TP2 FP1 FN1 -> 4/6; class b TP2 FP1 FN1 -> 4/6
    assert pooled == pytest.approx(2 / 3)
    per_fold = np.mean([compute_metrics(t, q, ["a", "b"])["uf1"] for t, q in folds])
    # each fold alone: a TP2 FP1 FN0 -> 4/5, b TP0 -> 0: UF1 0.4
    assert per_fold == pytest.approx(0.4)


def test_absent_class_rules_and_per_dataset_breakdown():
    y = [0, 1, 0, 2, 2]
    p = [0, 1, 1, 2, 0]
    ds = ["a", "a", "a", "b", "b"]
    m = compute_metrics(y, p, ["x", "y", "z"], ds)
    a = m["per_dataset"]["a"]  # a: classes x, y only (z absent, not predicted -> left out)
    assert a["n"] == 3
    assert a["uar"] == pytest.approx((1 / 2 + 1) / 2)
    assert a["uf1"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    b = m["per_dataset"]["b"]  # b: truth z,z; pred z,x -> x absent but predicted: in neither UF1 nor UAR (MEGC)
    assert b["uar"] == pytest.approx(1 / 2)
    assert b["uf1"] == pytest.approx(2 / 3)  # z: TP 1, FN 1 (the x prediction), FP 0
    assert m["per_dataset"]["a"]["confusion"][0] == [1, 1, 0]


def test_single_dataset_has_no_breakdown_and_bad_index_raises():
    assert compute_metrics([0, 1], [0, 1], ["a", "b"], ["d", "d"])["per_dataset"] == {}
    with pytest.raises(ValueError):
        confusion_matrix([0, 3], [0, 1], 2)


def test_confusion_png(tmp_path):
    path = save_confusion_png(np.array([[3, 1], [0, 2]]), ["a", "b"], tmp_path / "cm.png", title="t")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
