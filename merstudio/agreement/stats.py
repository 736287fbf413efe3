"""Agreement coefficients over plain arrays: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, Shrout & Fleiss
ICCs.

Implemented with numpy from the published formulas (no scikit-learn / krippendorff / pingouin dependency); the tests
check each against its source's worked example. An undefined coefficient (no variation to agree on, too few
values) is NaN, never an exception: a report over many AUs should not stop at the first constant column.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

LEVELS = ("nominal", "ordinal", "interval", "ratio")
# The fewest targets an agreement report computes an ICC on: with two, the between-targets mean square has one
# degree of freedom and ICC(2,1) can take any value (the Shrout & Fleiss formulas do not bound it).
MIN_ICC_TARGETS = 3


def _missing(v: Any) -> bool:
    """None, NaN, and pandas' missing markers (a label read from a nullable column is ``pd.NA``)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if type(v) is str or type(v) is int:  # most labels: no isinstance checks (a report asks this per value)
        return False
    try:
        return bool(isinstance(v, float | np.floating) and math.isnan(v))
    except TypeError:
        return False


def _pairable(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[Hashable, Hashable]]:
    """The pairs where neither label is missing; a plain label (str or int, a report's own) is asked no more."""
    return [(x, y) for x, y in zip(a, b, strict=True)
            if (type(x) is str or type(x) is int or not _missing(x)) and (type(y) is str or type(y) is int
                                                                        or not _missing(y))]


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's (1960) kappa of two coders' nominal labels for the same items, ``(p_o - p_e) / (1 - p_e)``.

    Items where either label is missing (None or NaN) are dropped. NaN when nothing is left or when chance
    agreement is 1 (both coders used one and the same category throughout: kappa is undefined there).
    """
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: label lists differ in length ({len(a)} vs {len(b)})")
    pairs = _pairable(a, b)
    if not pairs:
        return float("nan")
    cats = sorted({c for p in pairs for c in p}, key=repr)
    idx = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        table[idx[x], idx[y]] += 1
    return kappa_from_table(table)


def kappa_from_table(table: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Cohen's kappa from a square contingency table (rows: coder A's category, columns: coder B's)."""
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"kappa_from_table: need a square table, got shape {t.shape}")
    n = t.sum()
    if n <= 0:
        return float("nan")
    po = np.trace(t) / n
    pe = float((t.sum(axis=1) / n) @ (t.sum(axis=0) / n))
    if pe >= 1.0 - 1e-12:
        return float("nan")
    return float((po - pe) / (1.0 - pe))


def percent_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Share of items (both labels present) on which two coders agree; NaN when none."""
    pairs = _pairable(a, b)
    return float(np.mean([x == y for x, y in pairs])) if pairs else float("nan")


def krippendorff_alpha(data: Sequence[Sequence[Any]] | np.ndarray, level: str = "nominal") -> float:
    """Krippendorff's alpha for reliability data: one row per coder, one column per unit, missing = None/NaN.

    Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": values are pairable only within a
    unit holding at least two values; the coincidence matrix o_ck counts each ordered pair of values in a unit
    with weight 1/(m_u - 1); alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck), with the difference
    function d of the level of measurement (``nominal``, ``ordinal``, ``interval``, ``ratio``; the last three need
    numeric values). NaN when fewer than two pairable values or no variation among them (D_e = 0).
    """
    return _alpha(*_coincidences(data, level), level)


def _alpha(o: np.ndarray, values: list[Any], level: str) -> float:
    nc = o.sum(axis=1)
    n = nc.sum()
    if n <= 1:
        return float("nan")
    d = _difference(values, nc, level)
    de = float(nc @ d @ nc)
    if de <= 0:
        return float("nan")
    do = float((o * d).sum())
    return float(1.0 - (n - 1) * do / de)


def observed_agreement(data: Sequence[Sequence[Any]] | np.ndarray) -> float:
    """Share of the pairable values (Krippendorff's coincidences: pairs of two coders' values within a unit, weighted
    1/(m_u - 1)) that are the same value: 1 - D_o of nominal alpha. Stays defined where alpha is not: coders who all
    used one value throughout agree 100%. NaN when no unit holds two values."""
    return _agreement(_coincidences(data, "nominal")[0])


def _agreement(o: np.ndarray) -> float:
    n = o.sum()
    return float(np.trace(o) / n) if n > 0 else float("nan")


def alpha_and_agreement(data: Sequence[Sequence[Any]] | np.ndarray, level: str = "nominal") -> tuple[float, float]:
    """(krippendorff_alpha(data, level), observed_agreement(data)), the same numbers, the coincidences counted once
    where the level is nominal (a report's every frame of a long video is a unit)."""
    o, values = _coincidences(data, level)
    return _alpha(o, values, level), _agreement(o if level == "nominal" else _coincidences(data, "nominal")[0])


def _coincidences(data: Sequence[Sequence[Any]] | np.ndarray, level: str) -> tuple[np.ndarray, list[Any]]:
    """Krippendorff's coincidence matrix o_ck over the sorted distinct values (empty when no unit holds two)."""
    if level not in LEVELS:
        raise ValueError(f"krippendorff_alpha: level must be one of {', '.join(LEVELS)}, got {level!r}")
    codes, values = _codes(data, level)
    k = len(values)
    if codes.size == 0:
        return np.zeros((k, k)), values
    n_coders, n_units = codes.shape
    # counts[u, c]: how many coders gave value c to unit u (code -1 = missing)
    # (bincount, not np.add.at: the same whole-number counts, several times faster on a long video's frames)
    flat = (np.arange(n_units) * (k + 1))[None, :] + (codes % (k + 1))  # code -1 counts in the dropped column k
    counts = np.bincount(flat.ravel(), minlength=n_units * (k + 1)).astype(np.float64).reshape(n_units, k + 1)
    counts = counts[:, :k]
    m = counts.sum(axis=1)
    keep = m >= 2  # only units with two or more values are pairable
    counts, m = counts[keep], m[keep]
    w = counts / (m - 1)[:, None]
    # ordered pairs of distinct coders' values within a unit: n_uc n_uk, minus the self-pairs on the diagonal
    return w.T @ counts - np.diag(w.sum(axis=0)), values


def fleiss_kappa(data: Sequence[Sequence[Any]] | np.ndarray) -> tuple[float, int]:
    """Fleiss' (1971) kappa of m coders' nominal labels, one row per coder, one column per unit (as
    krippendorff_alpha), and the number of units it counts: those every coder labelled (Fleiss' kappa needs the same
    number of ratings per unit; a unit with a missing value is left out). ``(P_bar - P_e) / (1 - P_e)``, P_bar the
    mean share of agreeing coder pairs per unit, P_e the sum of squared category shares. NaN when fewer than two
    coders or no complete unit, or when every value is one category (P_e = 1)."""
    codes, values = _codes(data, "nominal")
    if codes.size == 0 or codes.shape[0] < 2:
        return float("nan"), 0
    m = codes.shape[0]
    full = codes[:, (codes >= 0).all(axis=0)]
    n_units = full.shape[1]
    if n_units == 0:
        return float("nan"), 0
    k = len(values)
    # counts[u, c]: coders who gave unit u value c (bincount: the same whole numbers as np.add.at, far faster on a
    # long video's frames)
    flat = (np.arange(n_units) * k)[None, :] + full
    counts = np.bincount(flat.ravel(), minlength=n_units * k).astype(np.float64).reshape(n_units, k)
    p_bar = float((((counts**2).sum(axis=1) - m) / (m * (m - 1))).mean())
    share = counts.sum(axis=0) / (n_units * m)
    p_e = float(share @ share)
    if p_e >= 1.0 - 1e-12:
        return float("nan"), n_units
    return float((p_bar - p_e) / (1.0 - p_e)), n_units


def _codes(data: Sequence[Sequence[Any]] | np.ndarray, level: str) -> tuple[np.ndarray, list[Any]]:
    """(coders x units) int codes into the sorted distinct values (-1 = missing), and those values."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiub":
        x = data.astype(np.float64, copy=False)
        if x.ndim != 2:
            raise ValueError(f"krippendorff_alpha: need a (coders, units) table, got shape {x.shape}")
        ok = ~np.isnan(x)
        codes = np.full(x.shape, -1, dtype=np.int64)
        kept = x[ok]
        ones = kept == 1.0
        if (ones | (kept == 0.0)).all():  # 0/1 data (a report's frames): np.unique's sort, without the sort
            distinct = [v for v, seen in ((0.0, not ones.all()), (1.0, ones.any())) if seen]
            codes[ok] = ones.astype(np.int64) if len(distinct) == 2 else 0
            return codes, distinct
        distinct_values, inv = np.unique(kept, return_inverse=True)
        codes[ok] = inv
        return codes, [float(v) for v in distinct_values]
    rows = [list(r) for r in data]
    n_units = len(rows[0]) if rows else 0
    if any(len(r) != n_units for r in rows):
        raise ValueError("krippendorff_alpha: every coder's row needs one value per unit")
    # (None, str and int answered here: _missing's checks per value were most of a long report's alpha)
    present = {v for r in rows for v in r
               if v is not None and (type(v) is str or type(v) is int or not _missing(v))}
    if level != "nominal":
        try:
            values = sorted(present, key=float)
        except (TypeError, ValueError):
            raise ValueError(f"krippendorff_alpha: {level} data must be numeric") from None
        if level == "ratio" and values and float(values[0]) < 0:
            raise ValueError(f"krippendorff_alpha: ratio data must be 0 or more (got {values[0]})")
    else:
        values = sorted(present, key=repr)
    idx = {v: i for i, v in enumerate(values)}
    codes = np.array([[-1 if v is None or (type(v) is not str and type(v) is not int and _missing(v)) else idx[v]
                       for v in r] for r in rows], dtype=np.int64)
    return codes.reshape(len(rows), n_units), values


def _difference(values: list[Any], nc: np.ndarray, level: str) -> np.ndarray:
    """Squared difference d_ck between every two values (Krippendorff 2011, section E)."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    x = np.asarray(values, dtype=np.float64)
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    if level == "ratio":
        s = x[:, None] + x[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            d = ((x[:, None] - x[None, :]) / s) ** 2
        return np.nan_to_num(d, nan=0.0)  # 0 vs 0: no difference
    # ordinal: (sum of n_g for g from c to k, minus (n_c + n_k) / 2) squared, ranks taken from the data
    cum = np.concatenate([[0.0], np.cumsum(nc)])
    lo = np.minimum.outer(np.arange(k), np.arange(k))
    hi = np.maximum.outer(np.arange(k), np.arange(k))
    between = cum[hi + 1] - cum[lo]
    return (between - (nc[:, None] + nc[None, :]) / 2.0) ** 2


@dataclass(frozen=True)
class ICCResult:
    """Shrout & Fleiss (1979) intraclass correlations for n targets rated by k judges.

    ``icc1_1``: one-way random, single rater; ``icc2_1``: two-way random (absolute agreement), single rater;
    ``icc3_1``: two-way mixed (consistency), single rater; ``*_k``: the same for the mean of the k raters.
    """

    n: int
    k: int
    icc1_1: float
    icc2_1: float
    icc3_1: float
    icc1_k: float
    icc2_k: float
    icc3_k: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def icc(ratings: np.ndarray | Sequence[Sequence[float]]) -> ICCResult:
    """ICCs of an (n targets x k judges) table from the two-way ANOVA mean squares (Shrout & Fleiss 1979,
    Table 1/3). Targets with a missing (NaN) rating are dropped (listwise). A coefficient whose denominator is 0
    (up to rounding, next to the ratings' variance) is NaN, and so are all when every rating is the same (their
    spread below 1e-12 of their size, whatever their mean) or there are fewer than two targets or judges. The
    formulas hold for any n, and few targets can take ICC(2,1) below -1 (n = 2, k = 2: any value); the report asks
    for at least MIN_ICC_TARGETS."""
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"icc: need an (n targets, k judges) table, got shape {x.shape}")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    nan = float("nan")
    if n < 2 or k < 2:
        return ICCResult(n, k, nan, nan, nan, nan, nan, nan)
    # Centred first: the ICCs do not change with an offset, and sums of squares of raw values near 1e7 would lose
    # the differences to rounding.
    size = float(np.abs(x).max())
    x = x - x.mean()
    if float(np.ptp(x)) <= 1e-12 * size:  # the spread, relative to the ratings' size (not to the mean squared)
        return ICCResult(n, k, nan, nan, nan, nan, nan, nan)  # every rating the same (up to rounding)
    ss_rows = k * (x.mean(axis=1) ** 2).sum()
    ss_cols = n * (x.mean(axis=0) ** 2).sum()
    ss_total = (x**2).sum()
    ss_err = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    # a denominator that is rounding noise next to the ratings' variance is 0 (e.g. judges that differ by a constant
    # and nothing else leave no error variance)
    tiny = 1e-12 * ss_total / (n * k - 1)

    def ratio(num: float, den: float) -> float:
        return float(num / den) if abs(den) > tiny else nan

    return ICCResult(
        n=n, k=k,
        icc1_1=ratio(bms - wms, bms + (k - 1) * wms),
        icc2_1=ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=ratio(bms - ems, bms + (k - 1) * ems),
        icc1_k=ratio(bms - wms, bms),
        icc2_k=ratio(bms - ems, bms + (jms - ems) / n),
        icc3_k=ratio(bms - ems, bms),
    )
