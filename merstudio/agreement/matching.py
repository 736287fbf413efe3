"""Matching two (or n) coders' events on one face track with a frame tolerance.

Two events *can* match when their frame intervals (both ends included) overlap with IoU >= ``iou`` **or** when
all three boundaries (onset, apex, offset) lie within ``tolerance`` frames of each other. The second rule keeps
very short events (a 3-frame micro-expression shifted by 2 frames has IoU 0.2) matchable; the first keeps long
events with sloppy boundaries matchable. An apex that an import put at the middle frame (no coder set it:
merstudio.project.apex) is left out of the second rule: onset and offset within the tolerance suffice. Among the candidate pairs, a one-to-one assignment is chosen by the
Hungarian algorithm (scipy's linear_sum_assignment): first as many matches as possible, then the highest summed
IoU, then the smallest summed boundary distance. Events are anything with integer ``onset``, ``apex``, ``offset``
attributes (e.g. merstudio.project.Event).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.optimize import linear_sum_assignment

from merstudio.features import spotting
from merstudio.project.apex import apex_imputed


class Interval(Protocol):
    """Anything with integer frame bounds, read-only (frozen dataclasses such as project Events qualify)."""

    @property
    def onset(self) -> int: ...

    @property
    def apex(self) -> int: ...

    @property
    def offset(self) -> int: ...


@dataclass(frozen=True)
class EventMatch:
    """A one-to-one matching: ``pairs`` are (index in a, index in b), sorted by a's index."""

    pairs: list[tuple[int, int]]
    only_a: list[int]
    only_b: list[int]


def interval_iou(a_onset: int, a_offset: int, b_onset: int, b_offset: int) -> float:
    """IoU of two inclusive frame intervals [onset, offset] (`merstudio.features.spotting.interval_iou`, which
    spotting scores with, in the argument order of event bounds)."""
    return spotting.interval_iou((a_onset, a_offset), (b_onset, b_offset))


def _bounds(events: Sequence[Interval]) -> np.ndarray:
    return np.array([[e.onset, e.apex, e.offset] for e in events], dtype=np.int64).reshape(-1, 3)


def _imputed(events: Sequence[Interval]) -> np.ndarray:
    return np.array([apex_imputed(e) for e in events], dtype=bool)


# The boundary distance only breaks ties of IoU: its term stays below 1e-12, and two IoUs of integer intervals
# differ by at least 1 / (union_a * union_b), far more for any events of a video's length.
_DISTANCE_TIE_BREAK = 1e-12


def pair_costs(a: Sequence[Interval], b: Sequence[Interval], tolerance: int = 3,
               iou: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(cost, valid) matrices of shape (len(a), len(b)); cost = (1 - IoU) + a tie-break below 1e-12 that grows
    with the summed |boundary difference|; valid = the pair may match (intervals that overlap with IoU >= iou, or
    every boundary within tolerance)."""
    _check(tolerance, iou)
    if len(a) == 1 and len(b) == 1:  # most blocks of a cluster: plain floats, ~15 numpy calls fewer
        return _one_pair(a[0], b[0], tolerance, iou)
    ba, bb = _bounds(a), _bounds(b)
    ia, ib = _imputed(a), _imputed(b)
    return _costs(ba[:, None, :], ia[:, None], bb[None, :, :], ib[None, :], tolerance, iou)


def _one_pair(a: Interval, b: Interval, tolerance: int, iou: float) -> tuple[np.ndarray, np.ndarray]:
    """_costs of one pair, in Python floats: each operation is the same IEEE double operation numpy does (ints far
    below 2**53 convert exactly, and nothing is fused), so the same numbers to the bit."""
    d0, d1, d2 = abs(a.onset - b.onset), abs(a.apex - b.apex), abs(a.offset - b.offset)
    if apex_imputed(a) or apex_imputed(b):
        d1 = 0
    inter = max(min(a.offset, b.offset) - max(a.onset, b.onset) + 1, 0)
    union = (a.offset - a.onset + 1) + (b.offset - b.onset + 1) - inter
    ious = inter / max(union, 1)
    valid = (inter > 0 and ious >= iou - 1e-12) or (d0 <= tolerance and d1 <= tolerance and d2 <= tolerance)
    dist = d0 + d1 + d2
    cost = (1.0 - ious) + _DISTANCE_TIE_BREAK * dist / (1.0 + dist)
    return np.array([[cost]]), np.array([[valid]])


def _check(tolerance: int, iou: float) -> None:
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 frames, got {tolerance}")
    if not 0.0 < iou <= 1.0:
        raise ValueError(f"iou threshold must be within (0, 1], got {iou}")


def _costs(ba: np.ndarray, ia: np.ndarray, bb: np.ndarray, ib: np.ndarray, tolerance: int,
           iou: float) -> tuple[np.ndarray, np.ndarray]:
    """pair_costs' (cost, valid) of bounds ``ba`` / ``bb`` (onset, apex, offset on the last axis) and imputed-apex
    flags ``ia`` / ``ib`` that broadcast against each other: a matrix (rows against columns) or a list of pairs
    (match_events, every cluster at once). Element by element the same operations either way, so the same numbers
    to the bit. One column at a time: fewer, cheaper numpy calls than a third axis reduced (most calls are on a
    handful of events)."""
    a0, a1, a2 = ba[..., 0], ba[..., 1], ba[..., 2]
    b0, b1, b2 = bb[..., 0], bb[..., 1], bb[..., 2]
    d0, d1, d2 = np.abs(a0 - b0), np.abs(a1 - b1), np.abs(a2 - b2)
    # an apex an import put at the middle frame (no coder set it) is no boundary to agree on: onset and offset only
    imputed = ia | ib
    if imputed.any():
        d1 = np.where(imputed, 0, d1)
    inter = np.minimum(a2, b2) - np.maximum(a0, b0) + 1
    inter = np.maximum(inter, 0)  # (np.clip's overhead, per small cluster, was a tenth of pair_costs)
    union = (a2 - a0 + 1) + (b2 - b0 + 1) - inter
    ious = inter / np.maximum(union, 1)
    valid = ((inter > 0) & (ious >= iou - 1e-12)) | ((d0 <= tolerance) & (d1 <= tolerance) & (d2 <= tolerance))
    dist = d0 + d1 + d2
    cost = (1.0 - ious) + _DISTANCE_TIE_BREAK * dist / (1.0 + dist)
    return cost, valid


def _assign(cost: np.ndarray, valid: np.ndarray) -> list[tuple[int, int]]:
    if not valid.any():
        return []
    # A forbidden pair costs more than any full set of allowed ones, so the optimum has the most allowed pairs.
    big = (float(cost[valid].max()) + 1.0) * (min(cost.shape) + 1)
    c = np.where(valid, cost, big)
    rows, cols = linear_sum_assignment(c)
    return sorted((int(r), int(k)) for r, k in zip(rows, cols, strict=True) if valid[r, k])


def _clusters(events: Sequence[Interval], tolerance: int) -> list[list[int]]:
    """Indices of ``events`` in groups whose intervals, widened by ``tolerance`` frames, chain-overlap. Two events
    that can match always share a group (they overlap, or their onsets are within the tolerance), so matching
    group by group gives the same optimum as one big matrix, in memory linear in the number of events."""
    bounds = _bounds(events)
    order, starts = _cluster_starts(bounds[:, 0], bounds[:, 2], tolerance)
    return [chunk.tolist() for chunk in np.split(order, starts[1:])] if len(order) else []


def _cluster_starts(onsets: np.ndarray, offsets: np.ndarray, tolerance: int) -> tuple[np.ndarray, np.ndarray]:
    """(the events in onset order, ties in index order; the positions in it where a group starts). A group's
    widened end only grows from one group to the next (a new group's first event ends after it starts, past the
    last end), so the running maximum of the ends so far is the current group's end."""
    order = np.argsort(onsets, kind="stable")
    if not len(order):
        return order, np.zeros(0, dtype=np.int64)
    ends = np.maximum.accumulate(offsets[order] + tolerance)
    new = np.empty(len(order), dtype=bool)
    new[0] = True
    new[1:] = onsets[order][1:] - tolerance > ends[:-1]
    return order, np.flatnonzero(new)


def match_events(a: Sequence[Interval], b: Sequence[Interval], tolerance: int = 3,
                 iou: float = 0.5) -> EventMatch:
    """Match coder A's events to coder B's (same video and face track) one to one; see the module docstring."""
    _check(tolerance, iou)
    n_a = len(a)
    pairs: list[tuple[int, int]] = []
    both = [*a, *b]
    bounds, imputed = _bounds(both), _imputed(both)
    order, starts = _cluster_starts(bounds[:, 0], bounds[:, 2], tolerance)
    # Every cluster's block (its A events, rows, against its B events, columns, each in _clusters' order) laid out
    # one after another, row by row, and costed in one pass; then each block is assigned.
    cluster = np.cumsum(np.isin(np.arange(len(order)), starts)) - 1  # of each position in `order`
    is_a = order < n_a
    a_of, b_of = order[is_a], order[~is_a]  # events in cluster order, cluster by cluster
    k = len(starts)
    na = np.bincount(cluster[is_a], minlength=k)
    nb = np.bincount(cluster[~is_a], minlength=k)
    a_start, b_start = np.cumsum(na) - na, np.cumsum(nb) - nb
    reps = nb[cluster[is_a]]  # each A event meets every B event of its cluster
    rows = np.repeat(np.arange(len(a_of)), reps)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = b_start[cluster[is_a]][rows] + within
    if len(rows):
        cost, valid = _costs(bounds[a_of[rows]], imputed[a_of[rows]], bounds[b_of[cols]], imputed[b_of[cols]],
                             tolerance, iou)
        at = np.cumsum(na * nb) - na * nb  # each block's first pair
        one = (na == 1) & (nb == 1)  # _assign's answer for a 1 x 1 block is its validity: no assignment needed
        hit = one & np.zeros(k, dtype=bool)
        hit[one] = valid[at[one]]
        pairs += zip(a_of[a_start[hit]].tolist(), (b_of[b_start[hit]] - n_a).tolist(), strict=True)
        for c in np.flatnonzero((na > 0) & (nb > 0) & ~one).tolist():
            shape = (int(na[c]), int(nb[c]))
            block = slice(int(at[c]), int(at[c]) + shape[0] * shape[1])
            sub = _assign(cost[block].reshape(shape), valid[block].reshape(shape))
            ia, ib = a_of[a_start[c]: a_start[c] + shape[0]], b_of[b_start[c]: b_start[c] + shape[1]]
            pairs += [(int(ia[i]), int(ib[j]) - n_a) for i, j in sub]
    pairs.sort()
    matched_a = {p[0] for p in pairs}
    matched_b = {p[1] for p in pairs}
    return EventMatch(pairs, [i for i in range(len(a)) if i not in matched_a],
                      [j for j in range(len(b)) if j not in matched_b])


def group_units(events: Mapping[str, Sequence[Interval]], tolerance: int = 3,
                iou: float = 0.5) -> list[dict[str, int]]:
    """Group n coders' events on one face track into units for Krippendorff's alpha: each unit maps a coder to the
    index of its event there, at most one event per coder, and every two events in a unit can match (see the
    module docstring). Within each cluster of events that may match, coders are added one at a time (each one's
    events assigned by the Hungarian algorithm, mean cost over the unit's members, to the units built so far; the
    unassigned ones start new units), in every order of the coders there (up to PERMUTED_CODERS of them; beyond,
    in one order taken from their events), and the grouping that pairs the most values, then the one with the
    lowest summed cost, is kept: the units do not depend on the coders' names or order.
    Units are returned sorted by their earliest onset."""
    flat = [(c, i) for c, evs in events.items() for i in range(len(evs))]
    units: list[dict[str, int]] = []
    for group in _clusters([events[c][i] for c, i in flat], tolerance):
        sub: dict[str, list[int]] = {}
        for g in sorted(group):
            sub.setdefault(flat[g][0], []).append(flat[g][1])
        units += _best_grouping(events, sub, tolerance, iou)
    return sorted(units, key=lambda unit: min(events[c][i].onset for c, i in unit.items()))


# Every order of up to this many coders in one cluster is tried (5! = 120 small assignments).
PERMUTED_CODERS = 5


def _best_grouping(events: Mapping[str, Sequence[Interval]], subset: Mapping[str, list[int]], tolerance: int,
                   iou: float) -> list[dict[str, int]]:
    # The coders in an order given by their events alone, so that ties between orders fall the same way whatever
    # the coders are called.
    def key(c: str) -> tuple:
        return tuple(sorted((events[c][i].onset, events[c][i].apex, events[c][i].offset) for i in subset[c]))

    coders = sorted(subset, key=key)
    orders = itertools.permutations(coders) if len(coders) <= PERMUTED_CODERS else [tuple(coders)]
    costs = _ClusterCosts(events, subset, tolerance, iou)
    best: tuple[tuple[int, float], list[dict[str, int]]] | None = None
    for order in orders:
        units = _group(costs, [c for c in order])
        score = (-sum(len(u) for u in units if len(u) > 1), _grouping_cost(costs, units))
        if best is None or score < best[0]:
            best = (score, units)
    return best[1] if best is not None else []


class _ClusterCosts:
    """pair_costs of one cluster, per two coders over all their events there, computed once and shared by every
    order of the coders (the orders used to recompute them, a small matrix per unit pair: most of a long video's
    report). The cost and validity rules are symmetric, so (b, a) is the transpose of (a, b), to the bit."""

    def __init__(self, events: Mapping[str, Sequence[Interval]], subset: Mapping[str, list[int]], tolerance: int,
                 iou: float) -> None:
        self.events, self.subset, self.tolerance, self.iou = events, subset, tolerance, iou
        self.row = {c: {i: k for k, i in enumerate(idx)} for c, idx in subset.items()}  # event index -> position
        self._blocks: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._lists: dict[tuple[str, str], tuple[list[list[float]], list[list[bool]]]] = {}

    def block(self, ca: str, cb: str) -> tuple[np.ndarray, np.ndarray]:
        """(cost, valid) of every event of ``ca`` in the cluster (rows, in subset order) with every one of ``cb``."""
        if (ca, cb) not in self._blocks:
            if (cb, ca) in self._blocks:
                cost, valid = self._blocks[(cb, ca)]
                self._blocks[(ca, cb)] = (cost.T, valid.T)
            else:
                self._blocks[(ca, cb)] = pair_costs([self.events[ca][i] for i in self.subset[ca]],
                                                    [self.events[cb][i] for i in self.subset[cb]],
                                                    self.tolerance, self.iou)
        return self._blocks[(ca, cb)]

    def lists(self, ca: str, cb: str) -> tuple[list[list[float]], list[list[bool]]]:
        """block(ca, cb) as Python lists: a cluster's matrices are a few events across, where a numpy call costs
        more than the arithmetic (the same float64 values)."""
        if (ca, cb) not in self._lists:
            cost, valid = self.block(ca, cb)
            self._lists[(ca, cb)] = (cost.tolist(), valid.tolist())
        return self._lists[(ca, cb)]

    def cost(self, ca: str, ia: int, cb: str, ib: int) -> float:
        return self.lists(ca, cb)[0][self.row[ca][ia]][self.row[cb][ib]]


def _grouping_cost(costs: _ClusterCosts, units: list[dict[str, int]]) -> float:
    total = 0.0
    for unit in units:
        for (ca, ia), (cb, ib) in itertools.combinations(sorted(unit.items()), 2):
            total += costs.cost(ca, ia, cb, ib)
    return total


def _group(costs: _ClusterCosts, order: list[str]) -> list[dict[str, int]]:
    """Units of the events of one cluster (``costs.subset``: indices per coder), the coders added in ``order``."""
    units: list[dict[str, int]] = []
    for coder in order:
        idx = costs.subset[coder]
        if not idx:
            continue
        if units:
            members: dict[str, list[int]] = {}
            for u, unit in enumerate(units):
                for c in unit:
                    members.setdefault(c, []).append(u)
            # each unit's summed cost and validity against the coder's events, its members added in the order
            # of `members` (float additions in that order: the numbers of the former numpy sums, to the bit)
            cost = [[0.0] * len(idx) for _ in units]
            valid = [[True] * len(idx) for _ in units]
            for c, us in members.items():
                cl, vl = costs.lists(c, coder)
                row = costs.row[c]
                for u in us:
                    r = row[units[u][c]]
                    cu, vu, cr, vr = cost[u], valid[u], cl[r], vl[r]
                    for j in range(len(idx)):
                        cu[j] += cr[j]
                        vu[j] = vu[j] and vr[j]
            sizes = np.array([len(u) for u in units], dtype=np.float64)
            pairs = _assign(np.array(cost) / sizes[:, None], np.array(valid, dtype=bool))
        else:
            pairs = []
        taken = set()
        for u, j in pairs:
            units[u][coder] = idx[j]
            taken.add(j)
        units += [{coder: idx[j]} for j in range(len(idx)) if j not in taken]
    return units
