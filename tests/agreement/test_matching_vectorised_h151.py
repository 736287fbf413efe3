"""The vectorised matching (every cluster's pairs costed at once, clusters found with numpy) and the 0/1 fast path
of the coefficients give what the plain per-pair arithmetic gives: hand-worked cases, and a plain-Python reference
of the rule (pair by pair, cluster by cluster) on random events, to the bit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

import merstudio.agreement.matching as matching
import merstudio.agreement.report as report
from merstudio.agreement import agreement_from_events, match_events
from merstudio.agreement.matching import _clusters, pair_costs
from merstudio.agreement.stats import _codes, fleiss_kappa
from merstudio.project import Event
from merstudio.project.apex import APEX_IMPUTED


def ev(onset: int, apex: int, offset: int, note: str = "", coder: str = "a", video: int = 1, face: int = 0,
       eid: int | None = None) -> Event:
    return Event(video, onset, apex, offset, note=note, coder=coder, face_id=face, id=eid)


# --- hand-worked ---------------------------------------------------------------------------------------------------

def test_pair_costs_worked_by_hand():
    # a 10-15 and b 11-16: 5 shared frames of 7, boundaries 1 + 0 + 1 apart
    cost, valid = pair_costs([ev(10, 12, 15)], [ev(11, 12, 16), ev(30, 31, 33)], 3, 0.5)
    assert cost[0, 0] == (1.0 - 5 / 7) + 1e-12 * 2 / 3
    assert valid.tolist() == [[True, False]]
    assert cost[0, 1] == 1.0 + 1e-12 * (20 + 19 + 18) / (1 + 20 + 19 + 18)  # no overlap: IoU 0


def test_an_imputed_apex_is_left_out_of_the_tolerance_rule():
    # 10-14 against 12-16: IoU 3/7 < .5; onset and offset 2 apart, apexes 4 apart (> 3): no match, unless one
    # apex was put at the middle frame by an import (then onset and offset alone count)
    coded, imputed, other = ev(10, 12, 14), ev(10, 12, 14, note=APEX_IMPUTED), ev(12, 16, 16)
    assert match_events([coded], [other]).pairs == []
    assert match_events([imputed], [other]).pairs == [(0, 0)]
    cost, valid = pair_costs([imputed, coded], [other])
    assert valid.tolist() == [[True], [False]]
    assert cost[0, 0] == (1.0 - 3 / 7) + 1e-12 * 4 / 5  # |d| 2 + 0 (apex left out) + 2


def test_clusters_worked_by_hand():
    chain = [ev(0, 1, 5), ev(7, 8, 9), ev(20, 21, 22), ev(8, 9, 30)]
    assert _clusters(chain, 1) == [[0, 1, 3, 2]]  # onset order; 8-30 reaches 20-22
    spaced = [ev(0, 1, 2), ev(6, 7, 8), ev(4, 4, 4)]
    assert _clusters(spaced, 1) == [[0, 2, 1]]  # 2 + 1 reaches 4 - 1, 4 + 1 reaches 6 - 1
    assert _clusters(spaced, 0) == [[0], [2], [1]]
    assert _clusters([ev(5, 5, 6), ev(5, 6, 7), ev(1, 2, 3)], 0) == [[2], [0, 1]]  # equal onsets: index order
    assert _clusters([], 3) == []


def test_match_events_worked_by_hand():
    a = [ev(10, 12, 15), ev(40, 42, 45), ev(100, 102, 105), ev(103, 104, 108)]
    b = [ev(104, 105, 108), ev(11, 12, 16), ev(99, 102, 104), ev(200, 201, 202)]
    m = match_events(a, b, 3, 0.5)
    # 10-15 with 11-16; 100-105 with 99-104 (IoU 5/7) and 103-108 with 104-108 (5/6); crossed, neither may match
    assert m.pairs == [(0, 1), (2, 2), (3, 0)]
    assert m.only_a == [1] and m.only_b == [3]


def test_codes_of_zero_one_frames_worked_by_hand():
    nan = float("nan")
    codes, values = _codes(np.array([[0.0, 1.0, nan], [1.0, 1.0, 0.0]]), "nominal")
    assert codes.tolist() == [[0, 1, -1], [1, 1, 0]] and values == [0.0, 1.0]
    codes, values = _codes(np.array([[1.0, nan], [1.0, 1.0]]), "nominal")
    assert codes.tolist() == [[0, -1], [0, 0]] and values == [1.0]
    codes, values = _codes(np.array([[0.0, 2.0], [0.5, nan]]), "nominal")  # not 0/1: sorted distinct values
    assert codes.tolist() == [[0, 2], [1, -1]] and values == [0.0, 0.5, 2.0]


def test_fleiss_kappa_worked_by_hand():
    # 3 coders, 4 units (the last has a missing value: left out); units 0-2: (0,0,0), (1,1,0), (1,1,1)
    data = np.array([[0, 1, 1, 1], [0, 1, 1, np.nan], [0, 0, 1, 0]], dtype=float)
    # P_i: 1, 1/3, 1; P_bar 7/9; shares 0: 4/9, 1: 5/9, P_e 41/81
    kappa, units = fleiss_kappa(data)
    assert units == 3
    assert kappa == pytest.approx((7 / 9 - 41 / 81) / (1 - 41 / 81), rel=1e-12)


def test_match_events_costs_every_cluster_in_one_pass(monkeypatch):
    """A long video's pair of coders: hundreds of small clusters, costed in one numpy pass (was one pair_costs call,
    ~15 numpy calls, per cluster: a third of a year's report), and a 1 x 1 cluster needs no assignment."""
    a = [ev(s, s + 1, s + 3) for s in range(0, 10000, 20)]
    b = [ev(s + 1, s + 2, s + 4) for s in range(0, 10000, 20)] + [ev(7, 8, 9)]  # 7-9 shares 0-3's cluster
    costs, assigned = [], []
    real_costs, real_assign = matching._costs, matching._assign
    monkeypatch.setattr(matching, "_costs", lambda *x: costs.append(1) or real_costs(*x))
    monkeypatch.setattr(matching, "_assign", lambda c, v: assigned.append(c.shape) or real_assign(c, v))
    m = match_events(a, b)
    assert m.pairs == [(i, i) for i in range(500)] and m.only_b == [500]
    assert len(costs) == 1 and assigned == [(1, 2)]


def test_zero_one_frames_are_coded_without_a_sort(monkeypatch):
    data = np.tile([0.0, 1.0, np.nan], (3, 1000))
    monkeypatch.setattr(np, "unique", lambda *a, **k: pytest.fail("np.unique sorted every frame"))
    codes, values = _codes(data, "nominal")
    assert values == [0.0, 1.0] and codes[:, :3].tolist() == [[0, 1, -1]] * 3


# --- a plain-Python reference of the matching rule -----------------------------------------------------------------

def _ref_cost(x: Event, y: Event, tolerance: int, iou: float) -> tuple[float, bool]:
    imputed = APEX_IMPUTED in x.note and x.apex == (x.onset + x.offset) // 2 or \
        APEX_IMPUTED in y.note and y.apex == (y.onset + y.offset) // 2
    d = [abs(x.onset - y.onset), 0 if imputed else abs(x.apex - y.apex), abs(x.offset - y.offset)]
    inter = max(min(x.offset, y.offset) - max(x.onset, y.onset) + 1, 0)
    union = (x.offset - x.onset + 1) + (y.offset - y.onset + 1) - inter
    share = inter / max(union, 1)
    ok = (inter > 0 and share >= iou - 1e-12) or all(v <= tolerance for v in d)
    dist = sum(d)
    return (1.0 - share) + 1e-12 * dist / (1.0 + dist), ok


def _ref_match(a: list[Event], b: list[Event], tolerance: int, iou: float) -> list[tuple[int, int]]:
    both = [*a, *b]
    order = sorted(range(len(both)), key=lambda i: both[i].onset)
    groups: list[list[int]] = []
    end = -math.inf
    for i in order:
        if not groups or both[i].onset - tolerance > end:
            groups.append([])
        groups[-1].append(i)
        end = max(end if len(groups[-1]) > 1 else -math.inf, both[i].offset + tolerance)
    pairs = []
    for g in groups:
        ia = [i for i in g if i < len(a)]
        ib = [i - len(a) for i in g if i >= len(a)]
        if not ia or not ib:
            continue
        cost = np.zeros((len(ia), len(ib)))
        valid = np.zeros((len(ia), len(ib)), dtype=bool)
        for r, i in enumerate(ia):
            for c, j in enumerate(ib):
                cost[r, c], valid[r, c] = _ref_cost(a[i], b[j], tolerance, iou)
        if not valid.any():
            continue
        big = (float(cost[valid].max()) + 1.0) * (min(cost.shape) + 1)
        rows, cols = linear_sum_assignment(np.where(valid, cost, big))
        pairs += [(ia[r], ib[c]) for r, c in zip(rows, cols, strict=True) if valid[r, c]]
    return sorted(pairs)


def _random_events(rng: np.random.Generator, n: int, coder: str, span: int = 300) -> list[Event]:
    out = []
    for _ in range(n):
        on = int(rng.integers(0, span))
        off = on + int(rng.integers(0, 25))
        apex, note = int(rng.integers(on, off + 1)), ""
        if rng.random() < 0.15:
            apex, note = (on + off) // 2, APEX_IMPUTED
        out.append(ev(on, apex, off, note=note, coder=coder))
    return sorted(out, key=lambda e: (e.onset, e.offset))


@pytest.mark.parametrize(("tolerance", "iou"), [(3, 0.5), (0, 0.3), (6, 0.9)])
def test_match_events_equals_the_plain_reference(tolerance, iou):
    rng = np.random.default_rng(tolerance)
    for _ in range(60):
        a = _random_events(rng, int(rng.integers(0, 30)), "a")
        b = _random_events(rng, int(rng.integers(0, 30)), "b")
        m = match_events(a, b, tolerance, iou)
        assert m.pairs == _ref_match(a, b, tolerance, iou)
        for i, j in m.pairs:
            cost, valid = pair_costs([a[i]], [b[j]], tolerance, iou)
            assert (float(cost[0, 0]), bool(valid[0, 0])) == _ref_cost(a[i], b[j], tolerance, iou)  # to the bit


def test_a_report_equals_the_one_with_plain_matching(monkeypatch):
    rng = np.random.default_rng(11)
    events = []
    for video in (1, 2):
        for coder in ("ann", "bob", "cy"):
            for e in _random_events(rng, 120, coder, span=2000):
                events.append(Event(video, e.onset, e.apex, e.offset, note=e.note, coder=coder,
                                    face_id=int(rng.integers(0, 2)), emotion=str(rng.choice(["", "joy", "fear"])),
                                    aus=str(rng.choice(["", "12", "6+12", "4"])), id=len(events) + 1))
    kw = {"frame_counts": {1: 2100, 2: 2100}}
    new = agreement_from_events(events, **kw)
    assert new.pairs["matched"].min() > 20  # a real workload

    def plain(a, b, tolerance=3, iou=0.5):
        pairs = _ref_match(list(a), list(b), tolerance, iou)
        return matching.EventMatch(pairs, [i for i in range(len(a)) if i not in {p[0] for p in pairs}],
                                   [j for j in range(len(b)) if j not in {p[1] for p in pairs}])

    monkeypatch.setattr(report, "match_events", plain)
    old = agreement_from_events(events, **kw)
    for name, table in new.tables().items():
        pd.testing.assert_frame_equal(table, old.tables()[name], check_exact=True)
    assert new.summary() == old.summary()
