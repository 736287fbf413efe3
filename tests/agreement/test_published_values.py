"""Fleiss' kappa, alpha and ICCs against more published values, and the coefficients' edge cases (pandas' missing
marker, ratings with a large mean)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.agreement.stats import (
    cohen_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    observed_agreement,
    percent_agreement,
)

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin 76(5), Table 1:
# 30 patients, 6 psychiatrists each, 5 diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis,
# 5 other); published kappa 0.430. The same data are the R package irr's `diagnoses` (kappam.fleiss: 0.43), one row
# per patient here, one column per rater.
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
BY_RATER = [list(r) for r in zip(*DIAGNOSES, strict=True)]  # coders x units, as the functions take them

# The R package irr (Gamer, Lemon, Fellows & Singh), data set `anxiety`: 20 subjects rated by 3 raters;
# icc(anxiety, model = "twoway", type = "agreement") gives ICC(A,1) = 0.198 (Shrout & Fleiss ICC(2,1)).
ANXIETY = [[3, 3, 2], [3, 6, 1], [3, 4, 4], [4, 6, 4], [5, 2, 3], [5, 4, 2], [2, 2, 1], [3, 4, 6], [5, 3, 1],
           [2, 3, 1], [2, 2, 1], [6, 3, 2], [1, 3, 3], [5, 3, 3], [2, 2, 1], [2, 2, 1], [1, 1, 3], [2, 3, 3],
           [4, 3, 2], [3, 4, 2]]
# irr's ?icc example: three raters of 20 subjects, the second and third with a systematic offset; documented
# consistency ICC(C,1) = 0.695 (ICC(3,1)) and agreement ICC(A,1) = 0.108 (ICC(2,1)).
IRR_R1 = [5, 12, 11, 10, 9, 7, 5, 12, 12, 7, 12, 17, 15, 13, 6, 13, 20, 14, 13, 11]
IRR_R2 = [14, 22, 21, 19, 22, 16, 13, 24, 20, 19, 26, 22, 26, 18, 10, 26, 30, 22, 23, 23]
IRR_R3 = [27, 31, 29, 29, 32, 23, 29, 28, 30, 28, 31, 35, 34, 32, 30, 29, 39, 37, 33, 29]


def test_fleiss_kappa_fleiss_1971() -> None:
    kappa, units = fleiss_kappa(BY_RATER)
    assert round(kappa, 3) == 0.430 and units == 30
    assert fleiss_kappa(np.array(BY_RATER, dtype=float))[0] == pytest.approx(kappa)  # numeric path agrees


def test_fleiss_kappa_counts_only_units_every_coder_rated() -> None:
    # a patient one psychiatrist did not see is left out (Fleiss' kappa needs m ratings per unit)
    gappy = [[*row, None] for row in BY_RATER]
    gappy[0][-1] = 3
    assert fleiss_kappa(gappy) == pytest.approx(fleiss_kappa(BY_RATER))
    assert np.isnan(fleiss_kappa([["a", "a"], ["a", "a"], ["a", "a"]])[0])  # one category: P_e = 1, undefined
    assert fleiss_kappa([["a", None], [None, "b"], ["a", "b"]]) == (pytest.approx(np.nan, nan_ok=True), 0)
    assert np.isnan(fleiss_kappa([["a", "b"]])[0])  # one coder


def test_fleiss_kappa_of_two_coders_is_scotts_pi() -> None:
    # two coders, 4 units: p_o = 3/4; category shares a 3/8, b 5/8 -> p_e = 34/64; pi = (3/4 - 34/64) / (30/64) = 7/15
    assert fleiss_kappa([["a", "a", "b", "b"], ["a", "b", "b", "b"]])[0] == pytest.approx(7 / 15)


def test_alpha_on_the_fleiss_1971_data() -> None:
    # No missing data, N = 30 units x m = 6 coders: alpha = 1 - (Nm - 1)/(Nm) (1 - kappa_Fleiss) = 0.4334
    # (Krippendorff 2011 relates the two so); the same data in our alpha:
    assert round(krippendorff_alpha(BY_RATER), 4) == 0.4334
    kappa = fleiss_kappa(BY_RATER)[0]
    assert krippendorff_alpha(BY_RATER) == pytest.approx(1 - 179 / 180 * (1 - kappa))


def test_icc_irr_anxiety_and_documented_example() -> None:
    assert round(icc(ANXIETY).icc2_1, 3) == 0.198
    r = icc(np.array([IRR_R1, IRR_R2, IRR_R3]).T)
    assert (round(r.icc3_1, 3), round(r.icc2_1, 3)) == (0.695, 0.108)


def test_icc_of_ratings_with_a_large_mean_is_the_icc_of_their_differences() -> None:
    # The "every rating the same" check scaled with mean^2: at a mean of 1e7 it took real differences of 0.1 for
    # none and returned NaN. An offset changes no ICC.
    small = np.array([[0.1, 0.3], [0.5, 0.4], [0.9, 1.0]])
    for offset in (1e3, 1e7):
        assert icc(small + offset).icc2_1 == pytest.approx(icc(small).icc2_1, abs=1e-6)
    # judges that differ by a constant only: no error variance, ICC(3,1) undefined at any mean
    assert np.isnan(icc([[1e7 + 1, 1e7 + 2]] * 3).icc3_1) and np.isnan(icc([[1, 2]] * 3).icc3_1)
    assert np.isnan(icc(np.full((4, 2), 1e7)).icc2_1)  # all equal: undefined


def test_pandas_missing_marker_is_missing() -> None:
    # a label read from a nullable pandas column is pd.NA: missing, as None and NaN are, not a category of its own
    assert cohen_kappa(["a", pd.NA, "b", "a"], ["a", "b", "b", "b"]) == cohen_kappa(["a", "b", "a"], ["a", "b", "b"])
    assert percent_agreement(["a", pd.NA], ["a", "b"]) == 1.0
    assert krippendorff_alpha([["a", pd.NA, "b", "a"], ["a", "b", "b", "b"]]) == pytest.approx(
        krippendorff_alpha([["a", "b", "a"], ["a", "b", "b"]]))
    assert np.isnan(cohen_kappa([pd.NA, pd.NaT], ["a", "b"]))


def test_observed_agreement_is_defined_where_alpha_is_not() -> None:
    assert np.isnan(krippendorff_alpha([["a"] * 3, ["a"] * 3]))
    assert observed_agreement([["a"] * 3, ["a"] * 3]) == 1.0
    # 3 coders on one unit (a, a, b): 6 ordered pairs of different coders, 2 agree -> 1/3; plus a unit (a, a): 1
    # pair weighted 1/(m-1) = 1 each way, both agree: (2 * 1/2 + 2) / (6 * 1/2 + 2) = 3/5
    assert observed_agreement([["a", "a"], ["a", "a"], ["b", None]]) == pytest.approx(3 / 5)
    assert np.isnan(observed_agreement([["a", None], [None, "b"]]))
