"""The agreement report's faster grouping, AU parsing and coincidence counting give the same report, to the bit, as
the former per-pair code (kept here as the reference), on a generated project of a few thousand events."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import merstudio.agreement.matching as matching
import merstudio.agreement.report as report
import merstudio.agreement.stats as stats
from merstudio.agreement import agreement_from_events, group_units, krippendorff_alpha, observed_agreement
from merstudio.project import Event
from merstudio.project.apex import APEX_IMPUTED, apex_imputed, middle_frame

AUS = ["", "", "12", "6+12", "L12", "R12B", "12C", "4+7C", "L14+R14", "14", "1+2+5D", "12E+25A", "x9"]
EMOTIONS = ["", "happiness", "Happiness", "surprise", "disgust", "fear"]


def generated_events(coders: tuple[str, ...], n_true: int, seed: int) -> list[Event]:
    """Each coder sees most of ``n_true`` events on two faces of two videos, with shifted boundaries, own labels
    and AUs, some imputed apexes, some long events (bigger clusters) and a few events of their own."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_true):
        video, face = 1 + k % 2, int(rng.integers(0, 2))
        onset = int(rng.integers(0, 40_000))
        length = int(rng.integers(2, 12)) if rng.random() < 0.9 else int(rng.integers(40, 200))
        for c in coders:
            if rng.random() < 0.15:
                continue  # this coder missed it
            on = max(0, onset + int(rng.integers(-3, 4)))
            off = max(on, onset + length + int(rng.integers(-3, 4)))
            note = ""
            apex = int(rng.integers(on, off + 1))
            if rng.random() < 0.1:
                apex, note = middle_frame(on, off), f"imported {APEX_IMPUTED}"
            out.append(Event(video, on, apex, off, face_id=face, emotion=str(rng.choice(EMOTIONS)),
                             aus=str(rng.choice(AUS)), coder=c, note=note, id=len(out) + 1))
    for c in coders:  # a few events of one coder's own
        for _ in range(n_true // 20):
            on = int(rng.integers(0, 40_000))
            out.append(Event(1, on, on + 2, on + 5, emotion="fear", aus="4", coder=c, id=len(out) + 1))
    return out


# --- the former implementation, the reference ---------------------------------------------------------------------

def _old_best_grouping(events, subset, tolerance, iou):
    def key(c):
        return tuple(sorted((events[c][i].onset, events[c][i].apex, events[c][i].offset) for i in subset[c]))

    coders = sorted(subset, key=key)
    orders = itertools.permutations(coders) if len(coders) <= matching.PERMUTED_CODERS else [tuple(coders)]
    best = None
    for order in orders:
        units = _old_group(events, {c: subset[c] for c in order}, tolerance, iou)
        score = (-sum(len(u) for u in units if len(u) > 1), _old_grouping_cost(events, units, tolerance, iou))
        if best is None or score < best[0]:
            best = (score, units)
    return best[1] if best is not None else []


def _old_grouping_cost(events, units, tolerance, iou):
    total = 0.0
    for unit in units:
        for (ca, ia), (cb, ib) in itertools.combinations(sorted(unit.items()), 2):
            total += float(matching.pair_costs([events[ca][ia]], [events[cb][ib]], tolerance, iou)[0][0, 0])
    return total


def _old_group(events, subset, tolerance, iou):
    units = []
    for coder, idx in subset.items():
        evs = [events[coder][i] for i in idx]
        if not evs:
            continue
        if units:
            cost = np.zeros((len(units), len(evs)))
            valid = np.ones((len(units), len(evs)), dtype=bool)
            members = {}
            for u, unit in enumerate(units):
                for c in unit:
                    members.setdefault(c, []).append(u)
            for c, us in members.items():
                sub = [events[c][units[u][c]] for u in us]
                cc, vv = matching.pair_costs(sub, evs, tolerance, iou)
                cost[us] += cc
                valid[us] &= vv
            sizes = np.array([len(u) for u in units], dtype=np.float64)
            pairs = matching._assign(cost / sizes[:, None], valid)
        else:
            pairs = []
        taken = set()
        for u, j in pairs:
            units[u][coder] = idx[j]
            taken.add(j)
        units += [{coder: idx[j]} for j in range(len(evs)) if j not in taken]
    return units


def _old_pair_costs(a, b, tolerance=3, iou=0.5):
    ba, bb = matching._bounds(a), matching._bounds(b)
    diff = np.abs(ba[:, None, :] - bb[None, :, :])
    ia = np.array([apex_imputed(e) for e in a], dtype=bool)
    ib = np.array([apex_imputed(e) for e in b], dtype=bool)
    if ia.any() or ib.any():
        diff[:, :, 1] = np.where(ia[:, None] | ib[None, :], 0, diff[:, :, 1])
    inter = np.minimum(ba[:, None, 2], bb[None, :, 2]) - np.maximum(ba[:, None, 0], bb[None, :, 0]) + 1
    inter = np.clip(inter, 0, None)
    union = (ba[:, None, 2] - ba[:, None, 0] + 1) + (bb[None, :, 2] - bb[None, :, 0] + 1) - inter
    ious = inter / np.maximum(union, 1)
    valid = ((inter > 0) & (ious >= iou - 1e-12)) | (diff <= tolerance).all(axis=2)
    dist = diff.sum(axis=2)
    cost = (1.0 - ious) + matching._DISTANCE_TIE_BREAK * dist / (1.0 + dist)
    return cost, valid


def _old_coincidences(data, level):
    codes, values = stats._codes(data, level)
    k = len(values)
    if codes.size == 0:
        return np.zeros((k, k)), values
    n_coders, n_units = codes.shape
    counts = np.zeros((n_units, k + 1))
    np.add.at(counts, (np.broadcast_to(np.arange(n_units), codes.shape), codes), 1.0)
    counts = counts[:, :k]
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    w = counts / (m - 1)[:, None]
    return w.T @ counts - np.diag(w.sum(axis=0)), values


def _old_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "_best_grouping", _old_best_grouping)
    monkeypatch.setattr(matching, "pair_costs", _old_pair_costs)
    monkeypatch.setattr(stats, "_coincidences", _old_coincidences)
    monkeypatch.setattr(report, "alpha_and_agreement",
                        lambda data, level: (krippendorff_alpha(data, level), observed_agreement(data)))
    monkeypatch.setattr(report, "_parsed", report._parsed.__wrapped__)  # parse_aus on every call, uncached


def _assert_same(new: report.AgreementReport, old: report.AgreementReport) -> None:
    for name, table in new.tables().items():
        ref = old.tables()[name]
        pd.testing.assert_frame_equal(table, ref, check_exact=True)
        for col in table.columns:
            if table[col].dtype.kind == "f":  # to the bit, NaN included
                assert np.array_equal(table[col].to_numpy().view(np.int64), ref[col].to_numpy().view(np.int64)), col
    assert new.notes == old.notes
    assert new.summary() == old.summary()


@pytest.mark.parametrize(("coders", "seed"), [(("ann", "bob"), 1), (("ann", "bob", "cy"), 2)])
@pytest.mark.parametrize("au_sides", [False, True])
def test_report_equals_the_former_implementation(monkeypatch, coders, seed, au_sides):
    events = generated_events(coders, 1200, seed)
    assert len(events) > 2000
    kw = {"frame_counts": {1: 40_300, 2: 40_300}, "au_sides": au_sides}
    new = agreement_from_events(events, **kw)
    assert len(new.matches) > 1000 and new.alpha["units"].iloc[1] > 300  # a real workload, not an empty report
    with monkeypatch.context() as m:
        _old_way(m)
        old = agreement_from_events(events, **kw)
    _assert_same(new, old)


def test_group_units_equals_the_former_grouping_with_five_coders(monkeypatch):
    coders = ("a", "b", "c", "d", "e")
    events = [e for e in generated_events(coders, 150, 3) if e.video_id == 1 and e.face_id == 0]
    lists = {c: sorted((e for e in events if e.coder == c), key=lambda e: (e.onset, e.offset)) for c in coders}
    new = group_units(lists, 3, 0.5)
    monkeypatch.setattr(matching, "_best_grouping", _old_best_grouping)
    monkeypatch.setattr(matching, "pair_costs", _old_pair_costs)
    assert new == group_units(lists, 3, 0.5)
    assert max(len(u) for u in new) == 5


def test_each_au_string_is_parsed_once(monkeypatch):
    """The report parsed every event's AU string several times (regexes were a fifth of a long video's report)."""
    events = generated_events(("ann", "bob"), 300, 4)
    calls = []
    real = report.parse_aus
    monkeypatch.setattr(report, "parse_aus", lambda text: calls.append(text) or real(text))
    report._parsed.cache_clear()
    agreement_from_events(events, frame_counts={1: 40_300, 2: 40_300})
    assert sorted(calls) == sorted({e.aus for e in events})


def test_pair_costs_once_per_cluster_and_coder_pair(monkeypatch):
    """Grouping a cluster computes each two coders' cost matrix once, not once per order of the coders and again
    per unit pair."""
    ann = [Event(1, s, s + 2, s + 5, coder="ann") for s in (10, 14, 18, 22)]
    bob = [Event(1, s, s + 2, s + 5, coder="bob") for s in (11, 15, 19, 23)]
    cy = [Event(1, s, s + 2, s + 5, coder="cy") for s in (12, 16, 20)]
    calls = []
    real = matching.pair_costs
    monkeypatch.setattr(matching, "pair_costs", lambda a, b, *k: calls.append((len(a), len(b))) or real(a, b, *k))
    units = group_units({"ann": ann, "bob": bob, "cy": cy})
    assert sorted(len(u) for u in units) == [2, 3, 3, 3]  # one cluster: 11 events chained within 3 frames
    assert len(calls) == 3  # ann-bob, ann-cy, bob-cy


def test_alpha_and_agreement_counts_coincidences_once(monkeypatch):
    rng = np.random.default_rng(5)
    data = rng.integers(0, 2, (2, 5000)).astype(np.float64)
    data[0, :300] = np.nan
    calls = []
    real = stats._coincidences
    monkeypatch.setattr(stats, "_coincidences", lambda d, level: calls.append(level) or real(d, level))
    alpha, agreement = stats.alpha_and_agreement(data, "nominal")
    assert calls == ["nominal"]
    # Krippendorff's alpha of two coders, binary: 1 - (n - 1) * disagreeing / (2 * n0 * n1), from the raw counts
    a, b = data[:, 300:]
    n, n1 = 2 * len(a), int(a.sum() + b.sum())
    d = int((a != b).sum())
    assert alpha == pytest.approx(1 - (n - 1) * (2 * d) / (2 * n1 * (n - n1)), rel=1e-12)
    assert agreement == pytest.approx(1 - d / len(a), rel=1e-12)
    assert (alpha, agreement) == (krippendorff_alpha(data, "nominal"), observed_agreement(data))
