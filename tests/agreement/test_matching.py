"""Event matching with a frame tolerance, and n-coder units."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from merstudio.agreement.matching import _assign, group_units, interval_iou, match_events, pair_costs
from merstudio.project import Event


def ev(onset: int, apex: int, offset: int, face: int = 0) -> Event:
    return Event(video_id=1, onset=onset, apex=apex, offset=offset, face_id=face)


def test_interval_iou_inclusive_frames() -> None:
    assert interval_iou(0, 9, 0, 9) == 1.0
    assert interval_iou(0, 9, 5, 14) == pytest.approx(5 / 15)
    assert interval_iou(0, 4, 5, 9) == 0.0
    assert interval_iou(3, 3, 3, 3) == 1.0


def test_short_events_match_by_tolerance_long_ones_by_iou() -> None:
    # 3-frame events 2 frames apart: IoU 1/5, but every boundary within 2 frames
    a, b = [ev(10, 11, 12)], [ev(12, 13, 14)]
    assert match_events(a, b, tolerance=2).pairs == [(0, 0)]
    m = match_events(a, b, tolerance=1)
    assert m.pairs == [] and m.only_a == [0] and m.only_b == [0]
    # 40-frame events with offsets 6 frames apart: outside the tolerance, IoU 34/46 >= .5
    assert match_events([ev(100, 120, 139)], [ev(106, 121, 145)], tolerance=3).pairs == [(0, 0)]
    assert match_events([ev(100, 120, 139)], [ev(106, 121, 145)], tolerance=3, iou=0.8).pairs == []


def test_hungarian_maximises_matches_where_greedy_does_not() -> None:
    # b0 overlaps both a0 (best IoU) and a1; b1 overlaps only a0. Greedy best-IoU-first pairs a0-b0 and leaves
    # a1 and b1 alone; the assignment pairs a0-b1 and a1-b0.
    a = [ev(0, 5, 9), ev(4, 8, 13)]
    b = [ev(1, 5, 10), ev(0, 3, 6)]
    cost, valid = pair_costs(a, b, tolerance=0, iou=0.5)
    assert valid.tolist() == [[True, True], [True, False]]
    m = match_events(a, b, tolerance=0, iou=0.5)
    assert m.pairs == [(0, 1), (1, 0)]
    assert m.only_a == [] and m.only_b == []


def test_prefers_the_higher_iou_then_the_closer_boundaries() -> None:
    # same IoU (11/12) for both candidates: the one with the smaller summed boundary distance wins
    a = [ev(50, 55, 60)]
    m = match_events(a, [ev(50, 57, 61), ev(49, 55, 60)], tolerance=3)
    assert m.pairs == [(0, 1)] and m.only_b == [0]
    # the same with the nearer candidate starting later (events are grouped by onset, so without the tie-break the
    # earlier one would win): IoU 10/12 both (frames 50-59 of 49-60; 51-60 of 50-61), summed boundary distance
    # 1 + 3 + 1 = 5 against 1 + 0 + 1 = 2
    m = match_events(a, [ev(49, 52, 59), ev(51, 55, 61)], tolerance=3)
    assert m.pairs == [(0, 1)] and m.only_b == [0]
    # a strictly better IoU wins over a closer apex
    assert match_events(a, [ev(52, 55, 62), ev(50, 58, 60)]).pairs == [(0, 1)]


def test_empty_lists_and_bad_parameters() -> None:
    m = match_events([], [ev(1, 2, 3)])
    assert m.pairs == [] and m.only_a == [] and m.only_b == [0]
    assert match_events([ev(1, 2, 3)], []).only_a == [0]
    with pytest.raises(ValueError):
        match_events([ev(1, 2, 3)], [ev(1, 2, 3)], tolerance=-1)
    with pytest.raises(ValueError):
        match_events([ev(1, 2, 3)], [ev(1, 2, 3)], iou=0)


def test_random_matchings_are_one_to_one_and_valid() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        def draw(n: int) -> list[Event]:
            out = []
            for _ in range(n):
                on = int(rng.integers(0, 200))
                length = int(rng.integers(2, 30))
                out.append(ev(on, on + int(rng.integers(0, length)), on + length))
            return out

        a, b = draw(int(rng.integers(0, 12))), draw(int(rng.integers(0, 12)))
        m = match_events(a, b, tolerance=2, iou=0.4)
        assert len({i for i, _ in m.pairs}) == len(m.pairs) == len({j for _, j in m.pairs})
        assert len(m.pairs) + len(m.only_a) == len(a) and len(m.pairs) + len(m.only_b) == len(b)
        _, valid = pair_costs(a, b, 2, 0.4)
        assert all(valid[i, j] for i, j in m.pairs)
        # maximal: no unmatched pair that could still match
        assert not any(valid[i, j] for i in m.only_a for j in m.only_b)
        # matching cluster by cluster reaches the optimum of the one big assignment
        cost, _ = pair_costs(a, b, 2, 0.4)
        dense = _assign(cost, valid)
        assert len(m.pairs) == len(dense)
        assert sum(cost[i, j] for i, j in m.pairs) == pytest.approx(sum(cost[i, j] for i, j in dense))


def test_group_units_cliques_one_event_per_coder() -> None:
    events = {
        "ann": [ev(10, 12, 15), ev(40, 42, 45), ev(90, 92, 95)],
        "bob": [ev(11, 12, 16), ev(41, 43, 46)],
        "cat": [ev(10, 12, 15), ev(70, 71, 73), ev(89, 92, 95)],
    }
    units = group_units(events, tolerance=2, iou=0.5)
    assert units == [{"ann": 0, "bob": 0, "cat": 0}, {"ann": 1, "bob": 1}, {"cat": 1}, {"ann": 2, "cat": 2}]
    for unit in units:
        for (c1, i1), (c2, i2) in itertools.combinations(unit.items(), 2):
            _, valid = pair_costs([events[c1][i1]], [events[c2][i2]], 2, 0.5)
            assert valid[0, 0]
    assert sum(len(u) for u in units) == sum(len(v) for v in events.values())


def test_group_units_never_chains_incompatible_events() -> None:
    # bob's event matches ann's and cat's, but ann's and cat's do not match each other
    events = {"ann": [ev(10, 12, 14)], "bob": [ev(12, 14, 16)], "cat": [ev(14, 16, 18)]}
    units = group_units(events, tolerance=2, iou=0.9)
    assert {"ann": 0, "bob": 0} in units and {"cat": 0} in units and len(units) == 2


def test_boundary_distance_only_breaks_ties_of_iou() -> None:
    """"Then the highest IoU, then the smallest boundary distance": a long event keeps its higher-IoU partner even
    when the other's boundaries are nearer in sum (IoU .601 against .551)."""
    a = [ev(0, 500, 999)]
    assert match_events(a, [ev(0, 0, 600), ev(0, 500, 550)]).pairs == [(0, 0)]
    # equal IoU (both 5/10 inside a0): the nearer boundaries win
    assert match_events([ev(10, 14, 19)], [ev(10, 12, 14), ev(15, 17, 19)], tolerance=0, iou=0.5).pairs == [(0, 0)]


def test_a_tiny_iou_threshold_still_needs_an_overlap() -> None:
    assert match_events([ev(0, 0, 2)], [ev(5, 5, 6)], tolerance=3, iou=1e-12).pairs == []
    assert match_events([ev(0, 0, 2)], [ev(2, 5, 6)], tolerance=0, iou=1e-12).pairs == [(0, 0)]


def test_units_do_not_depend_on_the_coders_names_or_order() -> None:
    """Adding coders greedily in name order paired x10 with y11 and left y8 and z14 alone (1 unit of 2 values);
    the grouping y8-x10, y11-z14 pairs all four values, whatever the three are called."""
    events = {"x": [ev(10, 10, 10)], "y": [ev(8, 8, 8), ev(11, 11, 11)], "z": [ev(14, 14, 14)]}
    want = sorted([{"x": 0, "y": 0}, {"y": 1, "z": 0}], key=lambda u: sorted(u.items()))
    for order in itertools.permutations(events):
        units = group_units({c: events[c] for c in order}, tolerance=3, iou=1.0)
        assert sorted(units, key=lambda u: sorted(u.items())) == want, order
