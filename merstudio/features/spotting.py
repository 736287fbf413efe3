"""Micro-expression spotting on a per-frame motion signal, and the MEGC spotting metric.

`spot` (offline, whole signal):
1. Detrend: subtract a centred moving median over `detrend_s` seconds (default 2 s, four times the longest
   micro-expression, so a 0.5 s bump does not lift its own baseline much). Slow drifts, held expressions and
   a reference change become flat.
2. Threshold: the robust noise level sigma = 1.4826 x MAD of the detrended signal; frames above
   median + `k` x sigma (and above `min_height`) are peaks.
3. Extent: each run of above-threshold frames is widened to onset/offset, the last frames on either side
   still above the "fall-back" level max(median + 1 sigma, median + `fall` x peak height).
4. Merge runs whose extents overlap or are at most `merge_gap_s` apart; apex = the frame of the highest value.
5. Keep ME-length intervals: duration (offset - onset + 1) / fps within [min_dur, max_dur] (on a variable-rate
   video, `times` given, the frames' own times: `interval_seconds`), and at least two frames. Longer intervals
   are macro-expressions or head movements: dropped, or returned with ``long=True`` when `keep_long`.
   Shorter ones (a single-frame glitch) are dropped.
Score = peak height above the median in units of sigma (a robust z score, sigma floored at `min_sigma`), so
scores compare across videos.
NaN frames (no face) never belong to an interval.

`spotting_metric` follows the MEGC spotting rule: a predicted interval is a true positive when its IoU with a
not yet matched ground-truth interval is >= 0.5 (intervals are inclusive frame ranges, IoU counted in frames);
each truth is matched at most once; unmatched predictions are false positives and unmatched truths false
negatives. Predictions are matched in order of decreasing score (then onset), each to the unmatched truth with
the highest IoU. `pool_scores` sums TP/FP/FN over videos before computing precision/recall/F1, as MEGC does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from merstudio.errors import InputError


@dataclass(frozen=True)
class Interval:
    """A spotted (or true) interval: inclusive frame indices onset <= apex <= offset."""

    onset: int
    apex: int
    offset: int
    score: float = 1.0
    long: bool = False  # longer than max_dur: a macro-expression or head movement (only with keep_long)

    @property
    def length(self) -> int:
        return self.offset - self.onset + 1


@dataclass(frozen=True)
class SpottingScore:
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


def _moving_median(x: np.ndarray, win: int) -> np.ndarray:
    """Centred moving median ignoring NaN (window shrinks at the ends)."""
    import pandas as pd

    return pd.Series(x).rolling(win, center=True, min_periods=1).median().to_numpy()


def interval_seconds(onset: int, offset: int, fps: float, times: np.ndarray | None = None) -> float:
    """How long frames onset..offset (inclusive) last: (offset - onset + 1) / fps at a constant rate; on a variable
    rate (`times`, seconds per frame) the time from the first to the last frame, plus one of its mean intervals, so
    that a stretch at 30 fps in a video whose rate averages 17.6 is not read 1.7 times too long (the demo re-timed
    to 30 fps for half its length and 5 fps for the other: an expression of the 30 fps half dropped as longer than a
    micro-expression, either way round)."""
    if times is None or offset <= onset:
        return (offset - onset + 1) / fps
    return float(times[offset] - times[onset]) * (offset - onset + 1) / (offset - onset)


def spot(
    motion: np.ndarray,
    fps: float,
    min_dur: float = 1 / 25,
    max_dur: float = 0.5,
    k: float = 4.0,
    detrend_s: float = 2.0,
    fall: float = 0.1,
    merge_gap_s: float = 0.04,
    min_height: float = 0.0,
    keep_long: bool = False,
    min_sigma: float = 0.0,
    times: np.ndarray | None = None,
) -> list[Interval]:
    """Candidate micro-expression intervals in a per-frame motion signal (see the module docstring). `times`: the
    frames' times in seconds on a variable-rate video (durations go by them), None on a constant rate."""
    x = np.asarray(motion, dtype=np.float64).reshape(-1)
    if not (np.isfinite(fps) and fps > 0):
        raise InputError(f"fps: must be a positive number, got {fps}")
    if not (0 < min_dur <= max_dur):
        raise InputError(f"spotting: need 0 < min_dur <= max_dur, got {min_dur}, {max_dur}")
    n = len(x)
    if times is not None and len(times) != n:
        raise InputError(f"spotting: {len(times)} frame times for {n} frames")
    valid = np.isfinite(x)
    if valid.sum() < 3:
        return []
    win = max(3, int(round(detrend_s * fps)) | 1)
    base = _moving_median(np.where(valid, x, np.nan), win)
    r = x - base
    rv = r[valid]
    med = float(np.median(rv))
    mad = float(np.median(np.abs(rv - med)))
    # A perfectly flat signal has MAD 0: fall back to a tiny fraction of the signal's scale.
    # `min_sigma` is the signal's own noise floor (the flow's, for micro-motion): a face that hardly moves has
    # a MAD near 0, and any twitch would then score thousands of sigma.
    sigma = max(1.4826 * mad, min_sigma, 1e-6 * max(float(np.max(np.abs(rv))), 1e-12))
    thr = med + max(k * sigma, min_height)
    above = valid & (r > thr)
    if not above.any():
        return []
    runs: list[list[int]] = []  # [onset, offset] after widening
    i = 0
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        peak = float(np.max(r[i : j + 1]))
        low = max(med + sigma, med + fall * (peak - med))
        on, off = i, j
        while on - 1 >= 0 and valid[on - 1] and r[on - 1] > low:
            on -= 1
        while off + 1 < n and valid[off + 1] and r[off + 1] > low:
            off += 1
        runs.append([on, off])
        i = j + 1
    gap = max(0, int(round(merge_gap_s * fps)))
    merged: list[list[int]] = []
    for on, off in runs:
        if merged and on <= merged[-1][1] + gap + 1 and valid[merged[-1][1] : on + 1].all():
            merged[-1][1] = max(merged[-1][1], off)
        else:
            merged.append([on, off])
    out: list[Interval] = []
    for on, off in merged:
        seg = r[on : off + 1]
        apex = on + int(np.argmax(seg))
        dur = interval_seconds(on, off, fps, times)
        if dur < min_dur - 1e-9 or off == on:  # one frame is a glitch, never an expression
            continue
        is_long = dur > max_dur + 1e-9
        if is_long and not keep_long:
            continue
        score = float((r[apex] - med) / sigma)
        out.append(Interval(int(on), int(apex), int(off), score, is_long))
    return out


def _bounds(iv: Interval | Sequence[int]) -> tuple[int, int]:
    if isinstance(iv, Interval):
        on, off = iv.onset, iv.offset
    else:
        seq = tuple(iv)
        if len(seq) not in (2, 3):
            raise InputError(f"interval {seq}: expected (onset, offset) or (onset, apex, offset)")
        on, off = seq[0], seq[-1]
    if off < on:
        raise InputError(f"interval ({on}, {off}): offset is before onset")
    return int(on), int(off)


def interval_iou(a: Interval | Sequence[int], b: Interval | Sequence[int]) -> float:
    """IoU of two inclusive frame ranges, counted in frames."""
    a0, a1 = _bounds(a)
    b0, b1 = _bounds(b)
    inter = min(a1, b1) - max(a0, b0) + 1
    if inter <= 0:
        return 0.0
    return inter / ((a1 - a0 + 1) + (b1 - b0 + 1) - inter)


def _score(tp: int, fp: int, fn: int) -> SpottingScore:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SpottingScore(tp, fp, fn, precision, recall, f1)


def spotting_metric(
    pred: Iterable[Interval | Sequence[int]], truth: Iterable[Interval | Sequence[int]], iou: float = 0.5
) -> SpottingScore:
    """MEGC spotting score of one video. Intervals are `Interval`s or (onset, offset) / (onset, apex, offset)
    tuples of inclusive frame indices. With no predictions and no truths every rate is 0 (pool videos first)."""
    preds = list(pred)
    truths = [_bounds(t) for t in truth]
    def rank(i: int) -> tuple[float, int]:
        p = preds[i]
        return (-(p.score if isinstance(p, Interval) else 0.0), _bounds(p)[0])

    order = sorted(range(len(preds)), key=rank)
    matched = [False] * len(truths)
    tp = 0
    for i in order:
        p = _bounds(preds[i])
        best, best_j = 0.0, -1
        for j, t in enumerate(truths):
            if not matched[j]:
                v = interval_iou(p, t)
                if v > best:
                    best, best_j = v, j
        if best_j >= 0 and best >= iou - 1e-12:
            matched[best_j] = True
            tp += 1
    return _score(tp, len(preds) - tp, len(truths) - tp)


def pool_scores(scores: Iterable[SpottingScore]) -> SpottingScore:
    """Overall score over several videos: TP, FP and FN summed, then precision, recall and F1 (MEGC style)."""
    tp = fp = fn = 0
    for s in scores:
        tp, fp, fn = tp + s.tp, fp + s.fp, fn + s.fn
    return _score(tp, fp, fn)
