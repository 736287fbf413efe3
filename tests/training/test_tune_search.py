"""`merstudio tune` core: the search sees training subjects only (spy on the training loop), standalone and nested
in every outer fold; trials, spaces and the search record."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import merstudio.training.run as run_mod
from merstudio.errors import InputError, OutputError
from merstudio.execution import Backend
from merstudio.training.protocols import make_folds, split_fold
from merstudio.training.trainer import train_fold as real_train_fold
from merstudio.training.tune import SearchSpec, apply_params, make_trials, search, tune


class Spy:
    """Wraps train_fold: records the subjects of every training set it is given, and the settings."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, train, model_cfg, settings, *, fold="", progress=None, cancel=None):
        self.calls.append({"fold": fold, "subjects": set(train.subject_list),
                           "samples": set(train.samples.tolist()), "lr": settings.lr, "seed": settings.seed})
        return real_train_fold(train, model_cfg, settings, fold=fold, progress=progress, cancel=cancel)


SPACE = {"train.lr": [1e-3, 1e-2]}


def test_tune_per_outer_fold_sees_only_that_folds_training_subjects(tiny_data, tiny_cfg, tiny_settings, tmp_path,
                                                                   monkeypatch):
    data, classes = tiny_data
    spy = Spy()
    monkeypatch.setattr(run_mod, "train_fold", spy)
    spec = SearchSpec(params=SPACE, search="grid", inner="kfold:2")
    outer = make_folds(data.subjects, "kfold:2")
    for fold in outer:
        train, _test = split_fold(data, fold)
        spy.calls.clear()
        res = tune(train, classes, tiny_cfg(), tiny_settings(epochs=1), spec, tmp_path / fold.name)
        held_out = set(fold.test_subjects)
        held_samples = set(data.samples[fold.test_idx].tolist())
        assert len(spy.calls) == 2 * 2  # trials x inner folds, nothing else trained
        for call in spy.calls:
            assert not call["subjects"] & held_out and not call["samples"] & held_samples
            assert call["subjects"] < set(train.subject_list)  # each inner fold holds some training subjects out
        # every training subject is held out by exactly one inner fold of each trial, so scores cover them all
        for lr in (1e-3, 1e-2):
            fits = [c["subjects"] for c in spy.calls if c["lr"] == lr]
            missing = [set(train.subject_list) - s for s in fits]
            assert set().union(*missing) == set(train.subject_list) and not missing[0] & missing[1]
        chosen = json.loads((tmp_path / fold.name / "chosen.json").read_text())
        assert chosen["subjects"] == train.subject_list and not set(chosen["subjects"]) & held_out
        assert chosen["train"]["lr"] == res.best["params"]["train.lr"]
        assert chosen["data_fingerprint"] == run_mod.data_fingerprint(train)


def test_nested_tune_inside_loso(tiny_data, tiny_cfg, tiny_settings, tmp_path, monkeypatch):
    data, classes = tiny_data
    spy = Spy()
    monkeypatch.setattr(run_mod, "train_fold", spy)
    spec = SearchSpec(params=SPACE, search="grid", inner="kfold:2")
    out = tmp_path / "run"
    m = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:3", tune=spec)
    outer = make_folds(data.subjects, "kfold:3")
    # in one process the calls come fold by fold: 2 trials x 2 inner folds, then the fold's own training
    assert len(spy.calls) == len(outer) * 5
    for k, fold in enumerate(outer):
        group = spy.calls[5 * k:5 * (k + 1)]
        assert group[-1]["fold"] == fold.name
        train_subjects = set(data.subject_list) - set(fold.test_subjects)
        for call in group:
            assert not call["subjects"] & set(fold.test_subjects)
        assert group[-1]["subjects"] == train_subjects
        assert set().union(*(c["subjects"] for c in group[:-1])) == train_subjects
        info = json.loads(next((out / "folds").glob(f"*_{fold.name}.json")).read_text())
        assert info["tune"]["params"]["train.lr"] == group[-1]["lr"]  # the fold trained with its own choice
        assert len(info["tune"]["trials"]) == 2
    spec_json = json.loads((out / "run.json").read_text())
    assert spec_json["tune"]["params"] == SPACE
    assert "nested" in (out / "summary.md").read_text()
    assert m["n"] == len(data)


def test_search_choice_rule_and_record(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    spec = SearchSpec(params={"train.lr": [1e-3, 1e-2], "model.dropout": [0.0, 0.2]}, search="random", trials=3,
                      inner="kfold:2", seed=1)
    res = tune(data, classes, tiny_cfg(), tiny_settings(epochs=1), spec, tmp_path / "t")
    assert len(res.trials) == 3
    key = [(-t["uf1"], -t["uar"], t["trial"]) for t in res.trials]
    assert res.best is res.trials[key.index(min(key))]
    assert res.model_cfg.dropout == res.best["params"]["model.dropout"]
    record = json.loads((tmp_path / "t" / "search.json").read_text())
    assert [t["params"] for t in record["trials"]] == make_trials(spec)
    for t in record["trials"]:
        assert len(t["folds"]) == 2 and t["seconds"] > 0 and 0 <= t["uf1"] <= 1
    table = pd.read_csv(tmp_path / "t" / "trials.csv")
    assert len(table) == 3 and table["trial"].iloc[0] == res.best["trial"]
    assert (tmp_path / "t" / "trials" / "001" / "metrics.json").is_file()
    assert "| trial |" in (tmp_path / "t" / "tune.md").read_text()
    # resuming keeps every finished inner fold; a different space is refused
    before = (tmp_path / "t" / "trials" / "002" / "folds").stat().st_mtime_ns
    res2 = tune(data, classes, tiny_cfg(), tiny_settings(epochs=1), spec, tmp_path / "t")
    assert [t["uf1"] for t in res2.trials] == [t["uf1"] for t in res.trials]
    assert (tmp_path / "t" / "trials" / "002" / "folds").stat().st_mtime_ns == before
    with pytest.raises(OutputError, match="different settings"):
        tune(data, classes, tiny_cfg(), tiny_settings(epochs=1), SearchSpec(params=SPACE, inner="kfold:2"),
             tmp_path / "t")


def test_in_memory_search_matches_the_run_folder(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    spec = SearchSpec(params=SPACE, search="grid", inner="kfold:2")
    a = search(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=1), spec)
    b = search(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=1), spec, out_dir=tmp_path / "s",
               backend=Backend("processes", 2))
    assert [(t["uf1"], t["uar"]) for t in a.trials] == [(t["uf1"], t["uar"]) for t in b.trials]
    assert a.best["trial"] == b.best["trial"]


def test_make_trials():
    grid = SearchSpec(params={"train.lr": [1, 2], "model.width": [8, 12, 16]}, search="grid")
    trials = make_trials(grid)
    assert len(trials) == 6 and trials[0] == {"train.lr": 1, "model.width": 8}
    rnd = SearchSpec(params={"train.lr": [1, 2], "model.width": [8, 12, 16]}, trials=4, seed=3)
    a = make_trials(rnd)
    assert a == make_trials(rnd) and len(a) == 4  # same seed, same draws
    assert len({tuple(t.values()) for t in a}) == 4  # distinct while the grid allows
    assert all(t in trials for t in a)
    assert len(make_trials(SearchSpec(params={"train.lr": [1, 2]}, trials=9))) == 2  # no more than there are
    ranged = SearchSpec(params={"train.lr": {"low": 1e-4, "high": 1e-2, "log": True},
                                "train.epochs": {"low": 2, "high": 4, "int": True}}, trials=20)
    for t in make_trials(ranged):
        assert 1e-4 <= t["train.lr"] <= 1e-2 and t["train.epochs"] in (2, 3, 4)


@pytest.mark.parametrize("params, search, match", [
    ({"train.speed": [1]}, "random", "not model"),
    ({"model.T": [1, 2]}, "random", "set by the data"),
    ({"train.seed": [1, 2]}, "random", "set by the data"),
    ({"train.lr": []}, "random", "no candidates"),
    ({"train.lr": 0.1}, "random", "expected a list"),
    ({"train.lr": {"low": 1, "high": 0}}, "random", "low <= high"),
    ({"train.lr": {"low": 0.1, "high": 1}}, "grid", "a grid needs lists"),
    ({"train.lr": [1]}, "bayes", "grid or random"),
])
def test_bad_spaces_are_one_line_errors(params, search, match):
    with pytest.raises(InputError, match=match):
        SearchSpec(params=params, search=search)


def test_bad_values_fail_before_training(tiny_cfg, tiny_settings):
    spec = SearchSpec(params={"model.dropout": [0.2, 1.5]}, search="grid")
    with pytest.raises(InputError, match="dropout"):
        spec.validate_against(tiny_cfg(), tiny_settings())
    cfg, s = apply_params(tiny_cfg(), tiny_settings(), {"model.width": 8, "train.mixup": 0.2})
    assert cfg.width == 8 and s.mixup == 0.2
    for lr in (float("nan"), float("inf"), 0.0):  # NaN passed `lr <= 0` and failed later in the optimiser
        with pytest.raises(InputError, match="lr must be a positive number"):
            apply_params(tiny_cfg(), tiny_settings(), {"train.lr": lr})
    with pytest.raises(InputError, match="inner"):
        SearchSpec(inner="loso")
