"""Run folders: structural test-fold isolation, outputs, resume after a kill, settings guard, ablation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import merstudio.training.run as run_mod
from merstudio.errors import OutputError
from merstudio.training.protocols import make_folds
from merstudio.training.trainer import TrainSettings
from merstudio.training.trainer import train_fold as real_train_fold


class Recorder:
    """Wraps train_fold: records what each call was given."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls: list[dict] = []
        self.stop_after = stop_after
        self.real = real_train_fold

    def __call__(self, train, model_cfg, settings, *, fold="", progress=None, cancel=None):
        if self.stop_after is not None and len(self.calls) >= self.stop_after:
            raise KeyboardInterrupt  # as if the run was killed here
        self.calls.append({"fold": fold, "subjects": set(train.subject_list), "n": len(train),
                           "samples": set(train.samples.tolist())})
        return self.real(train, model_cfg, settings, fold=fold, progress=progress, cancel=cancel)


def test_test_fold_never_reaches_the_trainer(tiny_data, tiny_cfg, tiny_settings, tmp_path, monkeypatch):
    data, classes = tiny_data
    rec = Recorder()
    monkeypatch.setattr(run_mod, "train_fold", rec)
    m = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), tmp_path / "run", protocol="loso")
    folds = make_folds(data.subjects, "loso")
    assert [c["fold"] for c in rec.calls] == [f.name for f in folds]
    for call, fold in zip(rec.calls, folds, strict=True):
        assert not call["subjects"] & set(fold.test_subjects)
        assert not call["samples"] & set(data.samples[fold.test_idx].tolist())
        assert call["n"] == len(fold.train_idx)
    pred = pd.read_csv(tmp_path / "run" / "predictions.csv", dtype={"subject": str})
    assert len(pred) == len(data) and set(pred["fold"]) == {f.name for f in folds}
    for fold in folds:  # every prediction comes from the fold that held its subject out
        assert set(pred.loc[pred["fold"] == fold.name, "subject"]) == set(fold.test_subjects)
    assert m["n"] == len(data) and 0 <= m["uf1"] <= 1
    out = tmp_path / "run"
    for name in ("summary.md", "metrics.json", "confusion.png", "run.json"):
        assert (out / name).is_file()
    summary = (out / "summary.md").read_text()
    assert "UF1" in summary and "## Per class" in summary and "## Class map" in summary
    assert "AU01" in summary  # AU head table: half the tiny samples are AU-labelled
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["confusion"] and sum(map(sum, metrics["confusion"])) == len(data)


def test_resume_keeps_finished_folds(tiny_data, tiny_cfg, tiny_settings, tmp_path, monkeypatch):
    data, classes = tiny_data
    out = tmp_path / "run"
    killer = Recorder(stop_after=2)
    monkeypatch.setattr(run_mod, "train_fold", killer)
    with pytest.raises(KeyboardInterrupt):
        run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:3")
    done = sorted(p.name for p in (out / "folds").glob("*.csv"))
    assert len(done) == 2
    before = {p: (out / "folds" / p).read_bytes() for p in done}
    rec = Recorder()
    monkeypatch.setattr(run_mod, "train_fold", rec)
    m = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:3")
    assert [c["fold"] for c in rec.calls] == ["fold03"]  # only the unfinished fold is trained
    assert all((out / "folds" / p).read_bytes() == b for p, b in before.items())
    assert m["n_folds"] == 3 and m["n"] == len(data)
    # a different configuration must not be mixed into the same run folder
    with pytest.raises(OutputError, match="different settings"):
        run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=2), out, protocol="kfold:3")
    with pytest.raises(OutputError, match=r"different settings \(train\)"):
        run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1, precision="float32"), out,
                             protocol="kfold:3")
    # the same data named another way (a relative path from another folder) resumes; other data does not
    run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:3",
                         data_desc="table:/elsewhere/spelt/otherwise.csv")
    other = type(data)(**{**vars(data), "y": data.y[::-1].copy()})
    with pytest.raises(OutputError, match=r"different settings \(data_fingerprint"):
        run_mod.run_protocol(other, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:3")


def test_the_run_records_the_arithmetic_and_a_resume_on_another_machine_may_differ_in_it(
        tiny_data, tiny_cfg, tiny_settings, tmp_path, monkeypatch):
    data, classes = tiny_data
    out = tmp_path / "run"
    monkeypatch.setattr(TrainSettings, "arithmetic", lambda self: "bfloat16")  # as on a machine with AMX
    run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2")
    assert json.loads((out / "run.json").read_text())["arithmetic"] == "bfloat16"
    # (then the CPU's bfloat16 path, where the machine says: "; the CPU's bfloat16: AMX")
    assert "- training arithmetic: bfloat16 (precision auto; evaluation in float32" in (out / "summary.md").read_text()
    # "auto" on a CPU without bfloat16 (or a GPU) means float32: rounding only, so the run may be resumed there
    monkeypatch.setattr(TrainSettings, "arithmetic", lambda self: "float32")
    m = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2")
    assert m["n_folds"] == 2
    assert json.loads((out / "run.json").read_text())["arithmetic"] == "bfloat16"  # the record of the start


# local processes vs in-process (identical predictions, progress from the workers): test_run_backends.py


def test_ablation_table(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    rows = run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1), tmp_path / "abl",
                                parts=["cluster", "convlstm"], protocol="kfold:2")
    assert [r["variant"] for r in rows] == ["full", "-cluster", "-convlstm"]
    table = pd.read_csv(tmp_path / "abl" / "ablation.csv")
    assert list(table["switched_off"]) == ["none", "cluster", "convlstm"]
    spec = json.loads((tmp_path / "abl" / "no-cluster" / "run.json").read_text())
    assert spec["model"]["use_cluster"] is False and spec["model"]["use_convlstm"] is True
    assert "| -convlstm |" in (tmp_path / "abl" / "ablation.md").read_text()


def test_parse_ablate():
    from merstudio.errors import InputError

    assert run_mod.parse_ablate("convlstm, mswm") == ["mswm", "convlstm"]
    assert run_mod.parse_ablate("") == []
    with pytest.raises(InputError):
        run_mod.parse_ablate("lstm")


def test_au_metrics_and_auc():
    assert run_mod.roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert np.isnan(run_mod.roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))
    df = pd.DataFrame({"au_labelled": [1, 1, 1, 0], "AU04_true": [1, 0, 1, 1], "AU04_p": [0.9, 0.6, 0.2, 0.9]})
    r = run_mod.au_metrics(df)["AU04"]
    # labelled rows only: TP 1 (0.9), FP 1 (0.6), FN 1 (0.2) -> F1 2/4; AUC: pos {0.9, 0.2} vs neg {0.6} -> 1/2
    assert r["f1"] == pytest.approx(0.5) and r["auc"] == pytest.approx(0.5) and r["n"] == 3


def test_grid_search_scores_by_subject_cv(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    from merstudio.training.tune import grid_search

    data, classes = tiny_data
    res = grid_search(data, classes, tiny_cfg(), tiny_settings(epochs=1), {"train.lr": [1e-3, 1e-2]},
                      tmp_path / "grid", protocol="kfold:2")
    assert sorted(r["params"]["train.lr"] for r in res) == [1e-3, 1e-2]
    assert res[0]["uf1"] >= res[1]["uf1"]
    assert len(json.loads((tmp_path / "grid" / "grid.json").read_text())) == 2


def test_the_summary_says_how_the_weights_were_chosen():
    from merstudio.training.run import _selection

    assert "last 25% of them (SWA)" in _selection(TrainSettings().to_dict())
    assert "last epoch's weights" in _selection(TrainSettings(average="none").to_dict())
    assert "exponential" in _selection(TrainSettings(average="ema").to_dict())
    assert "inner validation" in _selection(TrainSettings(val_fraction=0.2).to_dict())
    assert "never looked at" in _selection(TrainSettings(epochs=7).to_dict())


def test_a_nested_runs_summary_says_what_its_search_did() -> None:
    """A grid of 2 learning rates x 1 epoch count runs 2 trials (not the spec's `trials`), and the epochs are the
    search's choice in each fold, not the base settings' fixed 60."""
    from merstudio.training.run import render_summary

    spec = {"protocol": "kfold:2", "train": {"epochs": 60, "average": "swa", "swa_start": 0.75},
            "tune": {"params": {"train.lr": [1e-3, 2e-3], "train.epochs": [1]}, "search": "grid", "trials": 12,
                     "inner": "kfold:2", "seed": 0}}
    text = render_summary(spec, {"n_folds": 2, "uf1": 0.5, "uar": 0.5, "accuracy": 0.5, "n": 4,
                                 "per_class": {}, "confusion": [], "class_names": []})
    assert "grid search (2 trials, train.lr, train.epochs)" in text
    assert "the epochs the search chose in each fold" in text and "a fixed 60 epochs" not in text
