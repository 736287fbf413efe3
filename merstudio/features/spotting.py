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
   Two expressions less than the signal's lag apart (0.2 s) merge this way: the two-sided signal never falls
   between them. With `levels` (per-frame intensities, e.g. the learned AUs) a merged interval is cut where the
   level that rises most in it falls back between two peaks (`split_at_dips`): two micro smiles 2-6 frames apart
   were one interval over 0.5 s, dropped, and both were lost.
5. Keep ME-length intervals: duration (offset - onset + 1) / fps within [min_dur, max_dur + one frame] (on a
   variable-rate video, `times` given, the frames' own times: `interval_seconds`), and at least two frames. The
   frame of tolerance is rounding: an expression of 0.5 s is 15 frames at 30 fps but may cover 31 at 60 fps
   (0.517 s). Longer intervals are macro-expressions or head movements: dropped, or returned with ``long=True``
   when `keep_long`. Shorter ones (a single-frame glitch) are dropped.
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
    # cut out of this merged interval (onset, offset) at a dip (`split_at_dips`); its ends are where the level fell
    merged: tuple[int, int] | None = None

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


def too_long(onset: int, offset: int, fps: float, max_dur: float = 0.5, times: np.ndarray | None = None) -> bool:
    """Whether frames onset..offset last longer than `max_dur` plus one frame (1 / fps): the frame of tolerance is
    rounding, so the same expression passes at any rate (0.5 s is 15 frames at 30 fps, up to 31 at 60 fps)."""
    return interval_seconds(onset, offset, fps, times) > max_dur + 1.0 / fps + 1e-9


# split_at_dips: a peak reaches this share of the level's range in the interval, and a dip between two peaks falls
# back to at most DIP_SHARE of it (near where it started: the face back at rest, not a wobble at the top)
PEAK_SHARE = 0.5
DIP_SHARE = 0.25


def split_at_dips(levels: np.ndarray, min_rise: float) -> list[tuple[int, int]]:
    """The parts of one interval, as (first, last) positions in `levels` ((m,) or (m, c): per frame, per level):
    the level whose range in the interval is largest (at least `min_rise`) is read; each run of frames at or above
    PEAK_SHARE of its range is a peak (not one the interval starts in: a held expression), and two peaks with a
    frame at or below DIP_SHARE of it between them, each `min_rise` above that dip, are two expressions. The cut:
    the first part ends on the first frame after its peak (the level falling, its offset), the next starts on the
    last frame before its own (its onset); the frames at rest between belong to neither.
    One part (the whole interval) when no level rises by `min_rise` or none dips between peaks."""
    v2 = np.asarray(levels, dtype=np.float64)
    v2 = v2.reshape(len(v2), -1)
    m = len(v2)
    best, col = 0.0, -1
    for c in range(v2.shape[1]):
        v = v2[:, c]
        if np.isfinite(v).sum() < 4:
            continue
        span = float(np.nanmax(v) - np.nanmin(v))
        if span >= min_rise and span > best:
            best, col = span, c
    if col < 0:
        return [(0, m - 1)]
    v = v2[:, col]
    lo = float(np.nanmin(v))
    with np.errstate(invalid="ignore"):
        high = v >= lo + PEAK_SHARE * best
        low = v <= lo + DIP_SHARE * best
    peaks: list[tuple[int, int]] = []
    i = 0
    while i < m:
        if high[i]:
            j = i
            while j + 1 < m and high[j + 1]:
                j += 1
            if i > 0:  # up from the first frame: a held expression, whose dip is a movement of its own
                peaks.append((i, j))
            i = j + 1
        else:
            i += 1
    parts: list[tuple[int, int]] = []
    start = 0
    for (s0, e0), (s1, e1) in zip(peaks, peaks[1:], strict=False):
        dip = float(np.nanmin(v[e0 + 1:s1]))
        if not low[e0 + 1:s1].any() or min(np.nanmax(v[s0:e0 + 1]), np.nanmax(v[s1:e1 + 1])) - dip < min_rise:
            continue  # the level stayed up between the peaks, or wobbled: one expression
        g0, g1 = e0 + 1, s1 - 1
        parts.append((start, g0))
        start = g1 if g1 > g0 else g0 + 1
    parts.append((start, m - 1))
    return parts


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
    levels: np.ndarray | None = None,
    min_rise: float = 1.0,
) -> list[Interval]:
    """Candidate micro-expression intervals in a per-frame motion signal (see the module docstring). `times`: the
    frames' times in seconds on a variable-rate video (durations go by them), None on a constant rate. `levels`:
    per-frame intensities ((n,) or (n, c)) that cut a merged interval at a dip between two peaks rising by at least
    `min_rise` (step 4)."""
    x = np.asarray(motion, dtype=np.float64).reshape(-1)
    if not (np.isfinite(fps) and fps > 0):
        raise InputError(f"fps: must be a positive number, got {fps}")
    if not (0 < min_dur <= max_dur):
        raise InputError(f"spotting: need 0 < min_dur <= max_dur, got {min_dur}, {max_dur}")
    n = len(x)
    if times is not None and len(times) != n:
        raise InputError(f"spotting: {len(times)} frame times for {n} frames")
    lv = None if levels is None else np.asarray(levels, dtype=np.float64).reshape(n, -1)
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
    for m_on, m_off in merged:
        parts = [(m_on, m_off)] if lv is None else \
            [(m_on + a, m_on + b) for a, b in split_at_dips(lv[m_on : m_off + 1], min_rise)]
        for on, off in parts:
            seg = r[on : off + 1]
            apex = on + int(np.argmax(seg))
            dur = interval_seconds(on, off, fps, times)
            if dur < min_dur - 1e-9 or off == on:  # one frame is a glitch, never an expression
                continue
            is_long = too_long(on, off, fps, max_dur, times)
            if is_long and not keep_long:
                continue
            score = float((r[apex] - med) / sigma)
            out.append(Interval(int(on), int(apex), int(off), score, is_long,
                                (int(m_on), int(m_off)) if len(parts) > 1 else None))
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
