"""Helpers for per-frame series with gaps (NaN: no face, or frames the model did not judge)."""

from __future__ import annotations

import numpy as np


def lone_finite(y: np.ndarray) -> np.ndarray:
    """Mask of the finite values whose neighbours are both NaN (or the series' ends): a line through one point
    draws nothing, so a plot marks these as dots."""
    ok = np.isfinite(np.asarray(y, dtype=np.float64))
    pad = np.concatenate([[False], ok, [False]])
    return ok & ~pad[:-2] & ~pad[2:]
