"""AU -> emotion prior matrices P (n_aus x n_classes) for the AU-emotion consistency loss, and AU target helpers.

P[a, k] is read as p(class k | AU a is active); every row sums to 1. Two sources:
- facs_prior: the FACS-based objective classes of Davison et al. (2018), as tabulated in datasets.md;
- estimate_au_prior: co-occurrence counts of AUs and emotion labels in the training labels.
Both are Laplace-smoothed (alpha), so an AU with no evidence gets a uniform row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from merstudio.facs import FACS_OBJECTIVE_CLASSES  # the table lives in the torch-free core

if TYPE_CHECKING:
    import torch

    from merstudio.model.config import ModelConfig

MIN_CODED_FOR_ESTIMATE = 10  # fewer AU-coded training samples than this: fall back to the FACS table

# Which objective classes a class name of our label sets stands for. Names not listed (repression, tense,
# contempt, others, none, ...) have no AU evidence in the table: their column gets only the smoothing mass.
CLASS_TO_OBJECTIVE: dict[str, tuple[str, ...]] = {
    "happiness": ("I",), "happy": ("I",), "positive": ("I",),
    "surprise": ("II",), "surprised": ("II",),
    "anger": ("III",), "angry": ("III",),
    "disgust": ("IV",), "disgusted": ("IV",),
    "sadness": ("V",), "sad": ("V",),
    "fear": ("VI",), "afraid": ("VI",),
    "negative": ("III", "IV", "V", "VI"),
    "others": ("VII",), "other": ("VII",),
}


def _normalise_rows(counts: np.ndarray, alpha: float) -> np.ndarray:
    sm = counts.astype(np.float64) + alpha
    sums = sm.sum(axis=1, keepdims=True)
    uniform = np.full_like(sm, 1.0 / sm.shape[1])
    return np.where(sums > 0, sm / np.where(sums > 0, sums, 1.0), uniform).astype(np.float32)


def facs_prior(aus: Sequence[int], class_names: Sequence[str], alpha: float = 1.0) -> np.ndarray:
    """(A, K) prior from the objective-class table: counts[a, k] = number of AU combinations, over the objective
    classes that class k stands for, that contain AU a; rows Laplace-smoothed and normalised."""
    counts = np.zeros((len(aus), len(class_names)), dtype=np.float64)
    au_index = {int(a): i for i, a in enumerate(aus)}
    for k, name in enumerate(class_names):
        for obj in CLASS_TO_OBJECTIVE.get(str(name).strip().lower(), ()):
            for combo in FACS_OBJECTIVE_CLASSES[obj][1]:
                for au in combo:
                    if au in au_index:
                        counts[au_index[au], k] += 1
    return _normalise_rows(counts, alpha)


def estimate_au_prior(
    au_targets: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    n_classes: int,
    au_mask: np.ndarray | None = None,
    alpha: float = 1.0,
) -> np.ndarray:
    """(A, K) prior from training labels: counts[a, k] = number of samples of class k with AU a active (samples
    with au_mask False are left out); rows Laplace-smoothed and normalised."""
    t = np.asarray(au_targets, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if t.ndim != 2 or t.shape[0] != y.shape[0]:
        raise ValueError(f"au_targets {t.shape} and labels {y.shape} do not match")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be in 0..{n_classes - 1}")
    if au_mask is not None:
        t = t * np.asarray(au_mask, dtype=np.float64).reshape(t.shape[0], -1)
    onehot = np.eye(n_classes)[y]  # (N, K)
    return _normalise_rows(t.T @ onehot, alpha)


def au_targets_from_sets(
    au_sets: Iterable[Iterable[int] | None], aus: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample AU sets (None = not coded, e.g. SMIC) -> targets (N, A) float32 in {0, 1} and mask (N,) bool.

    AUs outside `aus` are ignored (a coded sample with none of our AUs is a valid all-zero target)."""
    index = {int(a): i for i, a in enumerate(aus)}
    rows, mask = [], []
    for s in au_sets:
        row = np.zeros(len(aus), dtype=np.float32)
        if s is None:
            mask.append(False)
        else:
            mask.append(True)
            for a in s:
                if int(a) in index:
                    row[index[int(a)]] = 1.0
        rows.append(row)
    targets = np.stack(rows) if rows else np.zeros((0, len(aus)), dtype=np.float32)
    return targets, np.asarray(mask, dtype=bool)


def estimate_prior(
    au_targets: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    au_mask: np.ndarray | None,
    cfg: ModelConfig,
    alpha: float = 1.0,
) -> torch.Tensor:
    """The prior the trainer uses, as a float32 tensor (A, K): estimated from the training labels when at least
    MIN_CODED_FOR_ESTIMATE samples are AU-coded, otherwise the FACS objective-class table for cfg.aus and
    cfg.class_names (e.g. SMIC-only training, or AU targets with no columns)."""
    import torch

    t = np.asarray(au_targets, dtype=np.float32)
    n = len(np.asarray(labels))
    coded = np.ones(n, dtype=bool) if au_mask is None else np.asarray(au_mask, dtype=bool).reshape(n, -1).any(1)
    if t.ndim == 2 and t.shape[1] == len(cfg.aus) and int(coded.sum()) >= MIN_CODED_FOR_ESTIMATE:
        p = estimate_au_prior(t, labels, cfg.n_classes, au_mask, alpha)
    else:
        p = facs_prior(cfg.aus, cfg.class_names, alpha)
    return torch.from_numpy(p)
