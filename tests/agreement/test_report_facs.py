"""The report's FACS agreement index, Fleiss' kappa beside alpha, the ICC minimum and range note, and percent
agreement beside coefficients that are undefined."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.agreement import agreement_from_events, fleiss_kappa, icc
from merstudio.project import Event


def _pairs(ann: list[str], bob: list[str], carol: list[str] | None = None) -> list[Event]:
    """One event per string and coder, the i-th events of every coder at the same frames (they match)."""
    out = []
    for coder, aus in (("ann", ann), ("bob", bob), ("carol", carol or [])):
        out += [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=a, coder=coder) for i, a in enumerate(aus)]
    return out


def test_facs_agreement_index_published_example() -> None:
    # FACS manual / Wexler (1972): coder A 1+2+5+6+12, coder B 5+6+12 -> 2 x 3 / (5 + 3) = 0.75
    row = agreement_from_events(_pairs(["1+2+5+6+12"], ["5+6+12"])).pairs.iloc[0]
    assert row["facs_agreement"] == pytest.approx(0.75)
    assert row["n_facs"] == 1 and row["facs_agreement_all"] == pytest.approx(0.75)


def test_facs_agreement_index_worked_example() -> None:
    # By hand, ann vs bob, matched pairs (AU numbers: sides and intensity letters do not count):
    #   1. L12B+6   vs R12C+6+25   both {6, 12} = 2, scored 2 + 3 = 5
    #   2. 4+7      vs 4           both {4} = 1,     scored 2 + 1 = 3
    #   3. 1+2      vs ""          bob wrote no AUs: not compared (n_facs counts pairs 1, 2, 4)
    #   4. 14       vs 17          both 0,           scored 1 + 1 = 2
    # matched: 2 x (2 + 1 + 0) / (5 + 3 + 2) = 6 / 10 = 0.6
    # all events: ann's 1+2 of pair 3 (2 AUs) and ann's unmatched 9+10+15 at frame 90 (3 AUs) join the
    # denominator: 6 / (10 + 2 + 3) = 0.4
    evs = _pairs(["L12B+6", "4+7", "1+2", "14"], ["R12C+6+25", "4", "", "17"])
    evs.append(Event(1, 90, 91, 93, aus="9+10+15", coder="ann"))
    row = agreement_from_events(evs).pairs.iloc[0]
    assert (row["matched"], row["only_a"]) == (4, 1)
    assert row["n_facs"] == 3
    assert row["facs_agreement"] == pytest.approx(0.6)
    assert row["facs_agreement_all"] == pytest.approx(0.4)
    # comparing sides elsewhere in the report does not change the FACS index (it scores the AU number)
    assert agreement_from_events(evs, au_sides=True).pairs.iloc[0]["facs_agreement"] == pytest.approx(0.6)
    text = agreement_from_events(evs).summary()
    assert "facs" in text and "FACS agreement index" in text
    line = next(ln.split() for ln in text.splitlines() if ln.split()[:2] == ["ann", "bob"])
    assert line[-3:] == ["0.600", "3", "0.400"]


def test_facs_agreement_index_without_aus_is_undefined() -> None:
    row = agreement_from_events(_pairs(["", ""], ["", ""])).pairs.iloc[0]
    assert np.isnan(row["facs_agreement"]) and row["n_facs"] == 0 and np.isnan(row["facs_agreement_all"])


def test_fleiss_kappa_beside_alpha_for_three_coders() -> None:
    ann = ["12", "4", "12", "4+12", "1"]
    bob = ["12", "4", "4", "4+12", "1"]
    carol = ["12", "12", "4", "4", "1"]
    rep = agreement_from_events(_pairs(ann, bob, carol))
    a = rep.alpha.set_index("variable")
    has = {c: [int(str(n) in s.split("+")) for s in aus] for c, aus in (("ann", ann), ("bob", bob), ("carol", carol))
           for n in [12]}
    assert a.loc["AU12", "fleiss_kappa"] == pytest.approx(fleiss_kappa(list(has.values()))[0])
    assert a.loc["AU12", "fleiss_units"] == 5 and a.loc["AU12", "coders"] == 3
    assert "Fleiss" in rep.summary()
    two = agreement_from_events(_pairs(ann, bob)).alpha.set_index("variable")
    assert np.isnan(two.loc["AU12", "fleiss_kappa"])  # two coders: Cohen's kappa, in the kappa table


def test_no_icc_on_two_pairs_and_a_note_on_values_outside_the_range() -> None:
    # AU12 scored on two matched pairs: too few: with n = 2 ICC(2,1) can take any value
    rep = agreement_from_events(_pairs(["12A", "12B"], ["12B", "12A"]))
    assert rep.icc.empty
    note = next(n for n in rep.notes if n.startswith("ICC not computed"))
    assert "fewer than 3 pairs" in note and "AU12 ann / bob (2)" in note
    # three pairs that disagree more than chance: (1, 3), (3, 1), (2, 2) -> ICC(2,1) = -3 by the formulas
    rep = agreement_from_events(_pairs(["12A", "12C", "12B"], ["12C", "12A", "12B"]))
    row = rep.icc.set_index("au").loc["AU12"]
    assert row["n"] == 3 and row["icc2_1"] == pytest.approx(icc([[1, 3], [3, 1], [2, 2]]).icc2_1)
    assert row["icc2_1"] < -1
    note = next(n for n in rep.notes if n.startswith("ICC outside [-1, 1]"))
    assert "AU12 ann / bob icc2_1 -3.000 (n 3)" in note and "no agreement" in note


def test_agreement_is_shown_where_kappa_and_alpha_are_undefined() -> None:
    # both coders say happiness and AU12 on every matched event: kappa and alpha are undefined, agreement is 100%
    evs = [Event(1, s, s + 2, s + 5, emotion="happiness", aus="12", coder=c) for s in (10, 40) for c in ("ann", "bob")]
    rep = agreement_from_events(evs)
    pair = rep.pairs.iloc[0]
    assert np.isnan(pair["kappa_emotion"]) and pair["agreement_emotion"] == 1.0
    a = rep.alpha.set_index("variable")
    assert np.isnan(a.loc["emotion", "alpha"]) and a.loc["emotion", "agreement"] == 1.0
    text = rep.summary()
    kappa = text[text.index("Cohen's kappa"):text.index("Krippendorff")]
    assert "- (100%)" in kappa and "percent agreement" in kappa
    emotion = next(ln.split() for ln in text.splitlines() if ln.split()[:2] == ["emotion", "nominal"])
    assert emotion[5] == "1.000" and emotion[6] == "-"  # agreement, then alpha
    # a defined kappa prints with its agreement beside it
    mixed = agreement_from_events(_pairs(["12", "4", "12", "4"], ["12", "4", "4", "4"])).summary()
    assert "0.500 (75%)" in mixed


def test_a_coefficient_near_zero_prints_without_a_sign() -> None:
    from merstudio.agreement import coefficient_text

    assert coefficient_text(-0.0001) == "0.000" and coefficient_text(-0.0006) == "-0.001"
