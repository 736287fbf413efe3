"""`merstudio evaluate` knows the people that trained a checkpoint sample by sample: a subject that lost its
surprise clips to --classes was reported among "unseen subjects only" (the checkpoint recorded one hash over all of
a subject's inputs, which a subject with one sample fewer no longer matched); an evaluation on training data said
"accuracy" on its first line; and a checkpoint trained on precomputed flow images recorded the app's video flow
settings as if merstudio had computed its inputs.

Expected values come from the tables: which rows (subjects, classes) trained which checkpoint, the table file's
bytes, the image files' sizes."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.model.checkpoint import describe_checkpoint, read_checkpoint_meta

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]
KEEP = ("negative", "positive")


def _rows(table: Path) -> list[dict[str, str]]:
    with open(table, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A table of 4 subjects x 3 classes; one checkpoint trained on all of it, one on subjects s00 and s01 only."""
    tmp = tmp_path_factory.mktemp("seen_by_sample")
    mp = pytest.MonkeyPatch()
    mp.setenv("MERSTUDIO_CACHE", str(tmp / "cache"))
    table = write_table(tmp / "data")
    cfg = write_tiny_config(tmp / "cfg.json")
    rows = _rows(table)
    half = tmp / "data" / "half.csv"
    with open(half, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["subject"] in ("s00", "s01"))
    models = {}
    for name, data in (("all", table), ("half", half)):
        command = ["train", "--data", str(data), "--out", str(tmp / f"run_{name}"), "--protocol", "kfold:2",
                   "--final", str(tmp / f"{name}.pt"), "--config", str(cfg), *TINY]
        mp.setattr(sys, "argv", ["/somewhere/bin/merstudio", *command])  # as the console script starts
        assert main(command) == 0
        models[name] = tmp / f"{name}.pt"
    yield tmp, table, rows, models
    mp.undo()


def _evaluate(ckpt: Path, table: Path, out: Path, capsys, *extra: str) -> tuple[list[str], dict, str]:
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--out", str(out), "--device", "cpu",
                 "-q", *extra]) == 0
    lines = capsys.readouterr().out.splitlines()
    return (lines, json.loads((out / "metrics.json").read_text(encoding="utf-8")),
            (out / "summary.md").read_text(encoding="utf-8"))


def test_subjects_that_lost_a_class_are_still_the_checkpoints_own(trained, capsys):
    tmp, table, rows, models = trained
    kept = [r for r in rows if r["label"] in KEEP]
    subjects = sorted({r["subject"] for r in kept})
    assert len(kept) < len(rows) and len(subjects) == 4  # every subject lost its surprise rows, none vanished
    lines, metrics, summary = _evaluate(models["all"], table, tmp / "ev_subset", capsys, "--classes",
                                        ",".join(KEEP))
    head = next(ln for ln in lines if ln.startswith("all.pt on "))
    # the figures' first line says what they are: every one of these people trained it
    assert f"({len(kept)} samples): training-set fit (every subject trained this checkpoint): accuracy" in head
    assert not any("unseen subjects only" in ln for ln in lines)
    assert metrics["fit_on_training_data"] is True
    assert sorted(metrics["seen_subjects"]) == subjects and metrics["seen_by_name"] == []
    assert "unseen" not in metrics
    assert "## Training-set fit (every subject trained this checkpoint): not accuracy" in summary
    assert "Unseen subjects only" not in summary


def test_part_seen_part_unseen_splits_by_who_trained_it(trained, capsys):
    tmp, table, rows, models = trained
    new = [r for r in rows if r["label"] in KEEP and r["subject"] not in ("s00", "s01")]
    lines, metrics, summary = _evaluate(models["half"], table, tmp / "ev_half", capsys, "--classes",
                                        ",".join(KEEP))
    out = "\n".join(lines)
    assert f"unseen subjects only (2 subjects, {len(new)} samples): accuracy" in out
    assert metrics["unseen"]["n"] == len(new) and metrics["unseen"]["n_subjects"] == 2
    assert sorted(metrics["seen_subjects"]) == ["s00", "s01"] and metrics["fit_on_training_data"] is False
    assert "## Unseen subjects only (2 subjects that did not train the checkpoint)" in summary


def test_a_checkpoint_with_one_hash_per_subject_knows_its_subjects_by_name(trained, capsys):
    """Checkpoints of 2026-12-06 hold one hash over each subject's inputs: a subject evaluated without its surprise
    clips cannot match it, and is taken as the training subject of that name (said), never as unseen."""
    tmp, table, rows, models = trained
    payload = torch.load(models["all"], weights_only=True)
    td = payload["meta"]["training_data"]
    # what such a checkpoint holds: per subject, one 16-digit hash (of all its inputs: no subset has it)
    td["subject_inputs"] = {s: hashlib.sha1(s.encode()).hexdigest()[:16] for s in td["subjects"]}
    old = tmp / "old.pt"
    torch.save(payload, old)
    lines, metrics, summary = _evaluate(old, table, tmp / "ev_old", capsys, "--classes", ",".join(KEEP))
    out = "\n".join(lines)
    assert "unseen subjects only" not in out and "training-set fit (every subject trained this checkpoint)" in out
    assert "note: 4 of them counted as trained by their names" in out
    assert sorted(metrics["seen_by_name"]) == ["s00", "s01", "s02", "s03"]
    assert metrics["fit_on_training_data"] is True
    assert "4 of them counted as trained by their names" in summary and "Unseen subjects only" not in summary


def test_a_model_of_precomputed_flow_images_says_so_apart_from_its_video_flow(trained):
    tmp, table, rows, models = trained
    meta = read_checkpoint_meta(models["all"])
    src = meta["input"]["training_source"]
    assert src == {"images": len(rows), "clips": 0, "image_sizes": {"28x28": len(rows)}, "table": str(table),
                   "table_sha256": hashlib.sha256(table.read_bytes()).hexdigest()[:16]}
    td = meta["training_data"]
    run = json.loads((tmp / "run_all" / "run.json").read_text(encoding="utf-8"))
    assert td["data_fingerprint"] == run["data_fingerprint"]  # the arrays the protocol ran on: the same data
    assert td["command"].startswith(f"merstudio train --data {table} --out ")
    text = describe_checkpoint(meta)
    lines = text.splitlines()
    assert next(ln for ln in lines if ln.startswith("input: ")) == "input: flow 28x28, T=1"
    assert (f"trained on: {len(rows)} precomputed flow images (28x28 px), used as they are (merstudio computed no "
            f"flow and aligned no face), from {table}") in text
    assert "on video: the app computes flow dis at 128 px on the aligned face, shrunk to 28 px" in text
    assert f"trained by: {td['command']}" in text


def test_a_run_folder_from_before_the_training_source_resumes(trained):
    """run.json's input of a run started before training_source was recorded: the same run, resumed."""
    from merstudio.training.run import check_same_run

    tmp, table, rows, models = trained
    record = tmp / "run_all" / "run.json"
    spec = json.loads(record.read_text(encoding="utf-8"))
    assert "training_source" in spec["input"]
    older = tmp / "older" / "run.json"
    older.parent.mkdir()
    older.write_text(json.dumps({**spec, "input": {k: v for k, v in spec["input"].items()
                                                   if k != "training_source"}}), encoding="utf-8")
    check_same_run(older, spec, "run")


# ------------------------------------------------------------------------------ a tune choice's searched people
def _flow_set():
    from merstudio.training.bench import synthetic_flow_set

    return synthetic_flow_set(n_samples=24, n_subjects=4, seed=0)[0]


def test_a_tune_choice_knows_its_searched_people_on_part_of_their_samples():
    from merstudio.training.run import config_origin, data_fingerprint, subject_fingerprints

    data = _flow_set()
    chosen = {"subjects": data.subject_list, "subject_inputs": subject_fingerprints(data),
              "data_fingerprint": data_fingerprint(data), "chosen": {"trial": 1}}
    part = data.subset(np.flatnonzero(data.y != 2))  # one class left out: every subject keeps some samples
    assert len(part) < len(data) and len(part.subject_list) == 4
    assert config_origin("chosen.json", chosen, part)["seen_subjects"] == 4
    other = data.subset(np.arange(len(data)))
    other.X = 1.0 - other.X  # other inputs under the same ids: other people
    origin = config_origin("chosen.json", chosen, other)
    assert origin["seen_subjects"] == 0 and "seen_by_name" not in origin
    # a choice of 2026-12-06: one hash per subject; its subjects are known by name, and counted so
    old = {**chosen, "subject_inputs": {s: "0" * 16 for s in data.subject_list}}
    origin = config_origin("chosen.json", old, part)
    assert origin["seen_subjects"] == 4 and origin["seen_by_name"] == 4
