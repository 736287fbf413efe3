"""summary.md's per-class table shows "—" for a class with no true sample, which UF1 and UAR leave out, and says
which classes they average; metrics.json keeps the numbers (audit a89)."""

from __future__ import annotations

import pytest

from merstudio.training.metrics import compute_metrics, format_per_class_table


def _row(table: str, name: str) -> list[str]:
    return next([c.strip() for c in ln.strip("|").split("|")] for ln in table.splitlines()
                if ln.startswith(f"| {name} |"))


def test_a_class_absent_from_the_truth_shows_no_score() -> None:
    names = ["negative", "positive", "surprise", "none"]
    # surprise: predicted twice, never true; none: neither
    m = compute_metrics([0, 0, 0, 1, 1], [0, 2, 0, 1, 2], names)
    table = format_per_class_table(m)
    assert _row(table, "surprise") == ["surprise", "0", "—", "—", "—"]  # read "0.000 | — | 0.000"
    assert _row(table, "none") == ["none", "0", "—", "—", "—"]
    f1 = [float(_row(table, n)[4]) for n in ("negative", "positive")]
    assert m["uf1"] == pytest.approx(sum(f1) / 2, abs=1e-3)  # UF1 is the mean of the F1s the table shows
    assert "UF1 and UAR average the classes present in the truth (MEGC2019)" in table
    assert "surprise, none (support 0) are left out" in table
    # metrics.json's numbers stay as they were (support 0 flags the class)
    assert m["per_class"]["surprise"] == {"support": 0, "tp": 0, "fp": 2, "fn": 0, "precision": 0.0,
                                          "recall": pytest.approx(float("nan"), nan_ok=True), "f1": 0.0}


def test_every_class_present_names_none_left_out() -> None:
    table = format_per_class_table(compute_metrics([0, 1, 1], [0, 1, 0], ["negative", "positive"]))
    assert _row(table, "positive") == ["positive", "2", "1.000", "0.500", "0.667"]
    assert "left out" not in table and table.endswith("present in the truth (MEGC2019).")
