"""Helpers for per-frame series with gaps (NaN: no face, or frames the model did not judge)."""

from __future__ import annotations

import numpy as np


def lone_finite(y: np.ndarray) -> np.ndarray:
    """Mask of the finite values whose neighbours are both NaN (or the series' ends): a line through one point
    draws nothing, so a plot marks these as dots."""
    ok = np.isfinite(np.asarray(y, dtype=np.float64))
    pad = np.concatenate([[False], ok, [False]])
    return ok & ~pad[:-2] & ~pad[2:]


def envelope(x: np.ndarray, y: np.ndarray, points: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) thinned for a static plot: at most ``points`` values, each of points/2 equal runs of the series drawn
    by its minimum and its maximum (in the order they occur), so a one-frame peak of a long video stays drawn; a
    run with no finite value stays NaN (a gap). Shorter series come back as they are."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(y)
    if n <= points:
        return x, y
    run = -(-n // (points // 2))  # frames per run, the last run padded with NaN
    bins = -(-n // run)
    pad = np.full(bins * run - n, np.nan)
    ys = np.concatenate([y, pad]).reshape(bins, run)
    finite = np.isfinite(ys)
    lo = np.where(finite, ys, np.inf).argmin(1)
    hi = np.where(finite, ys, -np.inf).argmax(1)
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)
    idx = (np.arange(bins) * run)[:, None] + np.stack([first, second], 1)  # (bins, 2) positions in order
    any_ = finite.any(1)
    idx = np.minimum(idx, n - 1)
    out_x, out_y = x[idx], y[idx]
    out_y[~any_] = np.nan  # a run with nothing to draw stays a gap
    keep = np.ones_like(idx, dtype=bool)
    keep[:, 1] = idx[:, 1] != idx[:, 0]  # a flat run: one point
    return out_x[keep], out_y[keep]
