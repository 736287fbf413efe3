"""Folds by subject: deterministic, disjoint, and the test fold never reaches the trainer."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.training.protocols import (
    DataArrays,
    inner_validation_split,
    make_folds,
    parse_protocol,
    split_fold,
)


def _arrays(subjects: list[str]) -> DataArrays:
    n = len(subjects)
    rng = np.random.default_rng(0)
    return DataArrays(X=rng.normal(size=(n, 1, 3, 4, 4)).astype(np.float32), y=np.arange(n) % 3,
                      subjects=np.array(subjects, dtype=object), samples=np.array([f"s{i}" for i in range(n)]),
                      datasets=np.array(["d"] * n), au=np.zeros((n, 2), np.float32), au_mask=np.ones(n, bool))


SUBJ = ["sub10", "sub2", "sub1", "sub2", "sub3", "sub10", "sub1", "sub4", "sub5", "sub5", "sub5"]


def test_parse_protocol():
    assert parse_protocol("LOSO") == ("loso", 0)
    assert parse_protocol("kfold:5") == ("kfold", 5)
    for bad in ("kfold:1", "kfold", "leave-one-out"):
        with pytest.raises(InputError):
            parse_protocol(bad)


def test_loso_one_fold_per_subject_in_natural_order():
    folds = make_folds(SUBJ, "loso")
    assert [f.name for f in folds] == ["sub1", "sub2", "sub3", "sub4", "sub5", "sub10"]
    subj = np.array(SUBJ)
    for f in folds:
        assert set(subj[f.test_idx]) == {f.name}
        assert f.name not in set(subj[f.train_idx])
        assert len(f.train_idx) + len(f.test_idx) == len(SUBJ)


def test_kfold_deterministic_disjoint_cover():
    a = make_folds(SUBJ, "kfold:3", seed=1)
    b = make_folds(SUBJ, "kfold:3", seed=1)
    assert [f.test_subjects for f in a] == [f.test_subjects for f in b]
    tested = sorted(s for f in a for s in f.test_subjects)
    assert tested == sorted(set(SUBJ))
    all_test = np.concatenate([f.test_idx for f in a])
    assert sorted(all_test.tolist()) == list(range(len(SUBJ)))
    sizes = [len(f.test_idx) for f in a]
    assert max(sizes) - min(sizes) <= 2  # greedy balance by sample count
    with pytest.raises(InputError):
        make_folds(["a", "b"], "kfold:3")


def test_split_fold_copies_and_excludes_test_subjects():
    data = _arrays(SUBJ)
    for fold in make_folds(SUBJ, "loso"):
        train, test = split_fold(data, fold)
        assert not set(train.subject_list) & set(fold.test_subjects)
        assert set(test.subject_list) == set(fold.test_subjects)
        assert not np.shares_memory(train.X, data.X)
        train.X[:] = 0  # a copy: cannot write through to the full data
    assert np.abs(data.X).sum() > 0


def test_inner_validation_is_drawn_from_training_subjects():
    data = _arrays(SUBJ)
    fold = make_folds(SUBJ, "loso")[0]
    train, _ = split_fold(data, fold)
    fit, val = inner_validation_split(train, 0.25, seed=3)
    assert set(val.subject_list) <= set(train.subject_list)
    assert not set(val.subject_list) & set(fit.subject_list)
    assert fold.name not in set(val.subject_list) | set(fit.subject_list)
    fit2, val2 = inner_validation_split(train, 0.25, seed=3)
    assert val2.subject_list == val.subject_list


def test_lodo_holds_out_whole_datasets():
    ds = ["casme2" if s in ("sub1", "sub2", "sub10") else "smic" for s in SUBJ]
    assert parse_protocol("lodo") == ("lodo", 0)
    folds = make_folds(SUBJ, "lodo", datasets=ds)
    assert [f.name for f in folds] == ["casme2", "smic"]
    subj, dsa = np.array(SUBJ), np.array(ds)
    assert folds[0].test_subjects == ("sub1", "sub2", "sub10")
    for f in folds:
        assert set(dsa[f.test_idx]) == {f.name} and f.name not in set(dsa[f.train_idx])
        assert not set(subj[f.test_idx]) & set(subj[f.train_idx])
        train, test = split_fold(_arrays(SUBJ), f)  # the subject guard agrees
        assert len(train) + len(test) == len(SUBJ)
    with pytest.raises(InputError, match="needs the dataset"):
        make_folds(SUBJ, "lodo")
    with pytest.raises(InputError, match="at least 2 datasets"):
        make_folds(SUBJ, "lodo", datasets=["d"] * len(SUBJ))
    mixed = list(ds)
    mixed[0] = "smic"  # sub10 in both datasets
    with pytest.raises(InputError, match="sub10 appears in more than one dataset"):
        make_folds(SUBJ, "lodo", datasets=mixed)
