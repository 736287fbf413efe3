"""Coefficients against their sources' published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.agreement.stats import (
    cohen_kappa,
    icc,
    kappa_from_table,
    krippendorff_alpha,
    percent_agreement,
)

NAN = np.nan
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units, missing data.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# Same paper, section A: two observers, binary data, ten units.
K2011_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# Shrout & Fleiss (1979) Table 2: 6 targets rated by 4 judges.
SF1979 = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                                 ("ratio", 0.797)])
def test_krippendorff_2011_four_coders_missing_data(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(K2011, level), 3) == expected
    assert round(krippendorff_alpha(np.array(K2011), level), 3) == expected  # numeric fast path agrees


def test_krippendorff_2011_binary_two_coders() -> None:
    assert round(krippendorff_alpha(K2011_BINARY), 3) == 0.095


def test_krippendorff_nominal_labels_of_any_type() -> None:
    # the nominal 4x12 example spelled as strings with None for missing gives the same alpha
    names = {1: "anger", 2: "disgust", 3: "fear", 4: "happiness", 5: "surprise"}
    data = [[None if np.isnan(v) else names[int(v)] for v in row] for row in K2011]
    assert round(krippendorff_alpha(data), 3) == 0.743


def test_krippendorff_edge_cases() -> None:
    assert krippendorff_alpha([["a", "b", "c"], ["a", "b", "c"]]) == pytest.approx(1.0)
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # no variation: undefined
    assert np.isnan(krippendorff_alpha([[1, NAN], [NAN, 2]]))  # no unit with two values
    # a unit coded by one coder only changes nothing
    base = krippendorff_alpha([[1, 2, 2, 1], [1, 2, 1, 1]])
    assert krippendorff_alpha([[1, 2, 2, 1, 5], [1, 2, 1, 1, NAN]]) == pytest.approx(base)
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(K2011, "bogus")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")


def test_krippendorff_two_coders_is_scott_pi_with_small_sample_correction() -> None:
    # Two coders, N units, no missing data: alpha = 1 - (2N - 1) / (2N) * (1 - pi), pi = Scott's pi
    # (Krippendorff 2011, section A, relates the two this way).
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 40)
    b = np.where(rng.random(40) < 0.7, a, rng.integers(0, 3, 40))
    n = len(a)
    po = np.mean(a == b)
    p = np.bincount(np.concatenate([a, b]), minlength=3) / (2 * n)
    pi = (po - (p**2).sum()) / (1 - (p**2).sum())
    assert krippendorff_alpha([a, b]) == pytest.approx(1 - (2 * n - 1) / (2 * n) * (1 - pi))
    assert krippendorff_alpha([a, b]) > pi


def test_cohen_kappa_textbook_table() -> None:
    # 50 applications read by two readers: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p_o .70, p_e .50, kappa .40
    assert kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.4)
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert percent_agreement(a, b) == pytest.approx(0.7)


def test_cohen_kappa_three_categories_by_hand() -> None:
    # p_o = .89; margins A (.80, .10, .10), B (.80, .05, .15) -> p_e = .64 + .005 + .015 = .66; kappa = .23 / .34
    table = [[75, 1, 4], [5, 4, 1], [0, 0, 10]]
    assert kappa_from_table(table) == pytest.approx(0.23 / 0.34)
    a = [i for i, row in enumerate(table) for j, c in enumerate(row) for _ in range(c)]
    b = [j for i, row in enumerate(table) for j, c in enumerate(row) for _ in range(c)]
    assert cohen_kappa(a, b) == pytest.approx(0.23 / 0.34)


def test_cohen_kappa_missing_and_degenerate() -> None:
    assert cohen_kappa(["a", None, "b", "a"], ["a", "b", "b", NAN]) == pytest.approx(1.0)
    assert np.isnan(cohen_kappa(["a", "a"], ["a", "a"]))  # chance agreement 1: undefined
    assert np.isnan(cohen_kappa([None], ["a"]))
    with pytest.raises(ValueError):
        cohen_kappa(["a"], ["a", "b"])


def test_icc_shrout_fleiss_1979_table() -> None:
    r = icc(SF1979)
    assert (r.n, r.k) == (6, 4)
    got = [round(x, 2) for x in (r.icc1_1, r.icc2_1, r.icc3_1, r.icc1_k, r.icc2_k, r.icc3_k)]
    assert got == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


def test_icc_consistency_ignores_a_judge_offset_absolute_agreement_does_not() -> None:
    rng = np.random.default_rng(0)
    truth = rng.normal(2.0, 1.0, 50)
    x = np.column_stack([truth + rng.normal(0, 0.2, 50), truth + rng.normal(0, 0.2, 50)])
    shifted = x + [0.0, 1.5]
    a, b = icc(x), icc(shifted)
    assert b.icc3_1 == pytest.approx(a.icc3_1)
    assert b.icc2_1 < a.icc2_1 - 0.2
    assert a.icc2_1 > 0.9


def test_icc_missing_and_degenerate() -> None:
    with_gap = [*SF1979, [NAN, 1, 2, 3]]
    assert icc(with_gap).icc2_1 == pytest.approx(icc(SF1979).icc2_1)  # listwise deletion
    assert icc(with_gap).n == 6
    flat = icc(np.ones((5, 2)) * 0.1)
    assert np.isnan(flat.icc2_1) and np.isnan(flat.icc3_1)
    assert np.isnan(icc([[1.0, 2.0]]).icc1_1)  # one target
    with pytest.raises(ValueError):
        icc([1.0, 2.0])


def test_ratio_alpha_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="ratio data must be 0 or more"):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")
