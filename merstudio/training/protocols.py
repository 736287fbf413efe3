"""Evaluation protocols by subject: leave-one-subject-out and k-fold, plus the data view a trainer receives.

The held-out fold is structurally invisible to training: `split_fold` copies the training rows out into a new
`DataArrays` and the trainer only ever gets that object (and optionally an inner validation split of it drawn from
training subjects). The test rows stay with the caller, which predicts on them after training has returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from merstudio.errors import InputError
from merstudio.io import natural_sort_key


@dataclass
class DataArrays:
    """Arrays for a set of samples. X: (N, T, C, H, W) float32; y: (N,) int64 class index;
    au: (N, n_aus) float32 0/1; au_mask: (N,) bool (False = no AU labels, loss masked)."""

    X: np.ndarray
    y: np.ndarray
    subjects: np.ndarray
    samples: np.ndarray
    datasets: np.ndarray
    au: np.ndarray
    au_mask: np.ndarray
    # The loader options that chose these samples' frames or labels beyond the --data spec ("modality=VIS",
    # merstudio.datasets.LoadOptions.identity): "" for the loader's defaults. run.data_fingerprint mixes it in, so
    # that SMIC-HS and SMIC-VIS clips under the same names are other data to a resume.
    options: str = ""

    def __post_init__(self) -> None:
        n = len(self.X)
        for name in ("y", "subjects", "samples", "datasets", "au", "au_mask"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"DataArrays.{name} has {len(getattr(self, name))} rows, X has {n}")

    def __len__(self) -> int:
        return len(self.X)

    def subset(self, idx: np.ndarray) -> DataArrays:
        """A copy (fancy indexing copies), so the result holds no reference to rows outside idx."""
        idx = np.asarray(idx, dtype=np.int64)
        return DataArrays(X=np.ascontiguousarray(self.X[idx]), y=self.y[idx].copy(),
                         subjects=self.subjects[idx].copy(), samples=self.samples[idx].copy(),
                         datasets=self.datasets[idx].copy(), au=self.au[idx].copy(),
                         au_mask=self.au_mask[idx].copy(), options=self.options)

    @property
    def subject_list(self) -> list[str]:
        return sorted({str(s) for s in self.subjects}, key=natural_sort_key)


@dataclass(frozen=True)
class Fold:
    index: int
    name: str
    test_subjects: tuple[str, ...]
    train_idx: np.ndarray = field(repr=False, compare=False)
    test_idx: np.ndarray = field(repr=False, compare=False)


def parse_protocol(spec: str) -> tuple[str, int]:
    """'loso' -> ('loso', 0); 'lodo' -> ('lodo', 0); 'kfold:5' -> ('kfold', 5)."""
    s = spec.strip().lower()
    if s in ("loso", "lodo"):
        return s, 0
    m = re.fullmatch(r"kfold:(\d+)", s)
    if m and int(m.group(1)) >= 2:
        return "kfold", int(m.group(1))
    raise InputError(f"protocol {spec!r}: expected 'loso', 'lodo' or 'kfold:K' with K >= 2 "
                     "(protocol= / --protocol)")


def make_folds(subjects: np.ndarray | list[str], protocol: str = "loso", seed: int = 0,
               datasets: np.ndarray | list[str] | None = None) -> list[Fold]:
    """Deterministic folds by subject. LOSO: one fold per subject in natural order.
    k-fold: subjects assigned greedily (largest first, ties broken by a seeded shuffle) to the fold with the
    fewest samples, so folds are balanced in size and identical for the same subjects and seed.
    LODO (leave one dataset out, needs `datasets`): one fold per dataset, all its subjects held out together, so
    the model is scored on other cameras, frame rates, lighting and people than it was trained on."""
    kind, k = parse_protocol(protocol)
    subj = np.asarray([str(s) for s in subjects], dtype=object)
    uniq = sorted(set(subj.tolist()), key=natural_sort_key)
    if len(uniq) < 2:
        raise InputError(f"{protocol}: needs at least 2 subjects, the data has {len(uniq)}")
    if kind == "lodo":
        if datasets is None or len(datasets) != len(subj):
            raise InputError(f"{protocol}: needs the dataset of every sample")
        ds = np.asarray([str(d) for d in datasets], dtype=object)
        names = sorted(set(ds.tolist()), key=natural_sort_key)
        if len(names) < 2:
            raise InputError(f"{protocol}: needs at least 2 datasets, the data has {len(names)} ({', '.join(names)})")
        shared = [s for s in uniq if len(set(ds[subj == s].tolist())) > 1]
        if shared:  # a subject in two datasets would be trained on and tested at once
            raise InputError(f"{protocol}: subject {shared[0]} appears in more than one dataset")
        return [Fold(index=i, name=d, test_subjects=tuple(sorted(set(subj[ds == d].tolist()), key=natural_sort_key)),
                     train_idx=np.flatnonzero(ds != d), test_idx=np.flatnonzero(ds == d))
                for i, d in enumerate(names)]
    if kind == "loso":
        groups = [[s] for s in uniq]
    else:
        if k > len(uniq):
            raise InputError(f"{protocol}: {k} folds but only {len(uniq)} subjects")
        counts = {s: int((subj == s).sum()) for s in uniq}
        order = list(uniq)
        np.random.default_rng(seed).shuffle(order)
        order.sort(key=lambda s: -counts[s])  # stable: shuffled order breaks ties
        groups = [[] for _ in range(k)]
        sizes = [0] * k
        for s in order:
            f = min(range(k), key=lambda i: (sizes[i], i))
            groups[f].append(s)
            sizes[f] += counts[s]
        groups = [sorted(g, key=natural_sort_key) for g in groups]
    folds = []
    for i, g in enumerate(groups):
        test = np.isin(subj, g)
        name = g[0] if kind == "loso" else f"fold{i + 1:02d}"
        folds.append(Fold(index=i, name=name, test_subjects=tuple(g),
                          train_idx=np.flatnonzero(~test), test_idx=np.flatnonzero(test)))
    return folds


def split_fold(data: DataArrays, fold: Fold) -> tuple[DataArrays, DataArrays]:
    """(train, test) copies. Only `train` may be handed to a trainer."""
    train, test = data.subset(fold.train_idx), data.subset(fold.test_idx)
    leaked = set(train.subject_list) & set(fold.test_subjects)
    if leaked:  # cannot happen by construction; a guard against future edits
        raise RuntimeError(f"fold {fold.name}: test subjects in training data: {sorted(leaked)}")
    return train, test


def validation_subjects(train: DataArrays, fraction: float, seed: int) -> list[str]:
    """The training subjects inner_validation_split holds out for validation (about `fraction` of them, at least
    one, and at least one left to fit), in natural order: the one draw, so that a fold's record names them."""
    uniq = train.subject_list
    if len(uniq) < 2:
        raise InputError("inner validation needs at least 2 training subjects")
    n_val = min(len(uniq) - 1, max(1, round(fraction * len(uniq))))
    rng = np.random.default_rng(seed)
    drawn = set(rng.choice(np.asarray(uniq, dtype=object), size=n_val, replace=False).tolist())
    return [s for s in uniq if s in drawn]


def inner_validation_split(train: DataArrays, fraction: float, seed: int) -> tuple[DataArrays, DataArrays]:
    """Split training data by SUBJECT into (fit, validation); validation subjects are drawn from the
    training subjects only (about `fraction` of them, at least one, and at least one left to fit)."""
    is_val = np.isin(train.subjects, validation_subjects(train, fraction, seed))
    return train.subset(np.flatnonzero(~is_val)), train.subset(np.flatnonzero(is_val))
