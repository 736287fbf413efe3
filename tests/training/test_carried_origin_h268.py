"""A run trained again from its run.json on OTHER data still says how many of its subjects the `merstudio tune` search
behind its settings saw (h268): run.json's config_origin records the searched subjects (ids and their samples' input
hashes) and the rerun counts them among its own; before, the counts were dropped on other data and the rerun's
summary said the search saw "none of these subjects" and "the test fold is never looked at".

Expected counts come from the data: the search ran on 4 synthetic subjects; "more" holds those 4 and 4 other people
(another seed's images under other ids), so the search saw 4 of its 8; the same 4 people renamed are still seen
(by their inputs), and the other 4 alone are none of them."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.cli.train import config_note
from merstudio.model.checkpoint import read_checkpoint_meta
from merstudio.training.bench import synthetic_flow_set
from merstudio.training.protocols import DataArrays
from merstudio.training.run import config_origin, data_fingerprint, subject_fingerprints

TINY = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress", "--seed", "3"]


def _join(*parts: DataArrays) -> DataArrays:
    return DataArrays(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in
                         ("X", "y", "subjects", "samples", "datasets", "au", "au_mask")})


def _renamed(data: DataArrays, prefix: str) -> DataArrays:
    return DataArrays(X=data.X, y=data.y, subjects=np.array([prefix + str(s) for s in data.subjects]),
                      samples=np.array([prefix + str(s) for s in data.samples]), datasets=data.datasets,
                      au=data.au, au_mask=data.au_mask)


@pytest.fixture(scope="module")
def sets():
    searched, _ = synthetic_flow_set(n_samples=24, n_subjects=4, seed=0)
    others, _ = synthetic_flow_set(n_samples=24, n_subjects=4, seed=1)
    others = _renamed(others, "new_")
    # what `merstudio tune` writes (training.tune.chosen_config) and what its choice's training run records
    chosen = {"data": "searched", "data_fingerprint": data_fingerprint(searched), "subjects": searched.subject_list,
              "subject_inputs": subject_fingerprints(searched),
              "chosen": {"trial": 1, "params": {"train.lr": 1e-3}, "inner": "kfold:2"}}
    first = config_origin("tune/chosen.json", chosen, searched)
    run = json.loads(json.dumps({"data_fingerprint": data_fingerprint(searched), "config_origin": first}))
    return searched, others, run


def test_a_rerun_on_more_subjects_counts_those_the_search_saw(sets):
    searched, others, run = sets
    assert run["config_origin"]["seen_subjects"] == 4  # the run on the searched data itself
    origin = config_origin("first/run.json", run, _join(searched, others))
    assert origin["seen_subjects"] == 4 and origin["n_subjects"] == 8
    assert origin["file"] == "tune/chosen.json" and origin["via"] == "first/run.json"
    assert "seen_by_name" not in origin  # known by their inputs, not their ids


def test_the_searched_people_under_other_ids_are_seen_and_others_under_theirs_are_not(sets):
    searched, others, run = sets
    assert config_origin("first/run.json", run, _join(_renamed(searched, "p_"), others))["seen_subjects"] == 4
    strangers = _renamed(others, "")  # other images under the searched ids: other people
    strangers.subjects = np.array([str(s).replace("new_", "") for s in strangers.subjects])
    origin = config_origin("first/run.json", run, strangers)
    assert set(strangers.subject_list) == set(searched.subject_list)
    assert origin["seen_subjects"] == 0 and origin["n_subjects"] == 4


def test_the_record_is_carried_on_to_the_rerun_of_a_rerun(sets):
    searched, others, run = sets
    more = _join(searched, others)
    second = json.loads(json.dumps({"data_fingerprint": data_fingerprint(more),
                                    "config_origin": config_origin("first/run.json", run, more)}))
    two = np.isin(searched.subjects, searched.subject_list[:2])
    third = config_origin("second/run.json", second, _join(searched.subset(np.flatnonzero(two)), others))
    assert third["seen_subjects"] == 2 and third["n_subjects"] == 6 and third["via"] == "second/run.json"


def test_a_run_json_without_the_record_says_the_overlap_is_unknown(sets):
    searched, others, run = sets
    old = json.loads(json.dumps(run))
    old["config_origin"].pop("searched", None)  # a run.json written before the searched subjects were recorded
    origin = config_origin("first/run.json", old, _join(searched, others))
    assert "seen_subjects" not in origin
    note = config_note(argparse.Namespace(config=Path("first/run.json")), origin)
    assert note is not None and "does not record" in note and "not a nested estimate" in note


def test_its_summary_does_not_say_the_test_fold_was_never_looked_at(sets):
    """The model-selection line of such a rerun: its test subjects may have been searched, so "never looked at" is
    not known (it was said)."""
    from merstudio.training.run import render_summary

    searched, others, run = sets
    old = json.loads(json.dumps(run))
    old["config_origin"].pop("searched", None)
    spec = {"protocol": "kfold:2", "train": {"epochs": 1, "average": "none"},
            "config_origin": config_origin("first/run.json", old, _join(searched, others))}
    text = render_summary(spec, {"n_folds": 2, "uf1": 0.5, "uar": 0.5, "accuracy": 0.5, "n": 4,
                                 "per_class": {}, "confusion": [], "class_names": []})
    selection = next(line for line in text.splitlines() if line.startswith("- model selection:"))
    assert "never looked at" not in selection and "is not recorded" in selection


def _superset(table: Path, folder: Path) -> Path:
    """`table`'s rows and as many of other people (its images inverted, under new ids)."""
    (folder / "flows").mkdir(parents=True)
    with open(table, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out_rows = []
    for r in rows:
        img = cv2.imread(str(table.parent / r["path"]), cv2.IMREAD_UNCHANGED)
        cv2.imwrite(str(folder / r["path"]), img)
        other = dict(r, subject="new_" + r["subject"], sample="n" + r["sample"],
                     path=r["path"].replace("flows/", "flows/new_"))
        cv2.imwrite(str(folder / other["path"]), 255 - img)
        out_rows += [r, other]
    with open(folder / "samples.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out_rows)
    return folder / "samples.csv"


def test_train_config_run_json_on_more_subjects_says_so_in_every_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=16)
    base = write_tiny_config(tmp_path / "base.json", width=4)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"train.lr": [1e-3]}))
    assert main(["tune", "--data", str(table), "--out", str(tmp_path / "tune"), "--space", str(space), "--search",
                 "grid", "--inner", "kfold:2", "--config", str(base), *TINY]) == 0
    first = tmp_path / "first"
    assert main(["train", "--data", str(table), "--out", str(first), "--protocol", "kfold:2", "--config",
                 str(tmp_path / "tune" / "chosen.json"), *TINY]) == 0
    capsys.readouterr()
    again = tmp_path / "again"
    assert main(["train", "--data", str(_superset(table, tmp_path / "more")), "--out", str(again), "--protocol",
                 "kfold:2", "--config", str(first / "run.json"), "--final", str(tmp_path / "again.pt"), *TINY]) == 0
    said = capsys.readouterr()
    assert "saw 4 of these 8 subjects" in said.out + said.err
    summary = (again / "summary.md").read_text(encoding="utf-8")
    assert "chosen by a search that saw 4 of these 8 subjects" in summary and "not a nested estimate" in summary
    assert "none of these subjects" not in summary and "the test fold is never looked at" not in summary
    run = json.loads((again / "run.json").read_text(encoding="utf-8"))["config_origin"]
    metrics = json.loads((again / "metrics.json").read_text(encoding="utf-8"))["config_origin"]
    meta = read_checkpoint_meta(tmp_path / "again.pt")["metrics"]["config_origin"]
    for origin in (run, metrics, meta):
        assert origin["seen_subjects"] == 4 and origin["n_subjects"] == 8
    assert sorted(run["searched"]["subjects"]) == ["s00", "s01", "s02", "s03"]
    assert "searched" not in metrics and "searched" not in meta  # only a rerun from run.json reads it
