"""`merstudio evaluate` saves which evaluated subjects share a name with the people that trained the checkpoint
(with other inputs: another dataset's copy of "sub01" may or may not be the same person): the console said so
once, while run.json, metrics.json and summary.md said nothing and the "unseen subjects only" figure counted them
as new people (h277; audit a106 item 3). Its duplicate-input warning spoke of train's folds, which evaluate has
none of (a106 item 9).

The evaluated table is built from the training table: s00 and s01 keep their names with other inputs (their flow
images mirrored), s02 keeps its very inputs (trained it), s03 and s04 come mirrored under new names (t03, t04), and
t03 also holds a copy of one of s01's mirrored images (an identical input under two subjects)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.training.metrics import compute_metrics

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]
NAMED = ["s00", "s01"]
RENAMED = {"s03": "t03", "s04": "t04"}


def _evaluated_table(train_table: Path, folder: Path) -> tuple[Path, int]:
    """The table to evaluate on (see the module's docstring) and how many of its rows belong to t03 and t04."""
    with open(train_table, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    (folder / "flows").mkdir(parents=True)
    out: list[dict[str, str]] = []
    for r in rows:
        subject = r["subject"]
        img = cv2.imread(str(train_table.parent / r["path"]))
        if subject != "s02":  # other inputs: the picture mirrored
            img = np.ascontiguousarray(img[:, ::-1])
        name = f"flows/{r['sample']}.png"
        cv2.imwrite(str(folder / name), img)
        out.append({**r, "subject": RENAMED.get(subject, subject), "path": name})
    twin = next(r for r in out if r["subject"] == "s01")
    out.append({**twin, "subject": "t03", "sample": "twin"})
    with open(folder / "samples.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)
    return folder / "samples.csv", sum(r["subject"] in RENAMED.values() for r in out)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seen_by_name")
    mp = pytest.MonkeyPatch()
    mp.setenv("MERSTUDIO_CACHE", str(tmp / "cache"))
    table = write_table(tmp / "train", n=30, n_subjects=5)
    assert main(["train", "--data", str(table), "--out", str(tmp / "run"), "--protocol", "kfold:2", "--final",
                 str(tmp / "model.pt"), "--config", str(write_tiny_config(tmp / "cfg.json")), *TINY]) == 0
    other, n_unseen = _evaluated_table(table, tmp / "eval_data")
    yield tmp, other, n_unseen
    mp.undo()


def _run(tmp: Path, table: Path, capsys, *out: str) -> str:
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(tmp / "model.pt"), "--data", str(table), "--device", "cpu", "-q",
                 *out]) == 0
    return capsys.readouterr().out


def test_subjects_sharing_a_training_name_are_saved_and_left_out_of_the_unseen_figures(evaluated, capsys):
    tmp, table, n_unseen = evaluated
    out_dir = tmp / "eval"
    said = _run(tmp, table, capsys, "--out", str(out_dir))
    # the console: the headline says what it includes, the unseen figure is over t03 and t04 alone
    assert "all 5 subjects including the 1 it was trained on and the 2 that share a name with its training " \
           "subjects: accuracy" in said
    assert f"unseen subjects only (2 subjects, {n_unseen} samples, none sharing a name with its training " \
           "subjects): accuracy" in said
    assert "note: 2 of these subjects (s00, s01) share a name with subjects that trained this checkpoint" in said

    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    assert run["seen_subjects"] == 1 and run["named_like_training"] == 2
    metrics = json.loads((out_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["seen_subjects"] == ["s02"] and metrics["seen_by_name"] == []
    assert metrics["named_like_training"] == NAMED
    # the unseen figure is the one over t03's and t04's predictions alone
    with open(out_dir / "predictions.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["subject"] in RENAMED.values()]
    expected = compute_metrics(np.array([int(r["true"]) for r in rows]), np.array([int(r["pred"]) for r in rows]),
                               metrics["class_names"])
    assert metrics["unseen"]["n"] == n_unseen == len(rows) and metrics["unseen"]["n_subjects"] == 2
    assert metrics["unseen"]["uf1"] == pytest.approx(expected["uf1"])

    summary = (out_dir / "summary.md").read_text(encoding="utf-8")
    assert "2 of these 5 subjects share a name with subjects that trained this checkpoint" in summary
    # a shared name is said as one: that they are the same people only ever as a condition
    assert summary.count("are the same") == summary.count("if they are the same") == 1
    assert "## Metrics over all 5 subjects, including the 1 that trained the checkpoint and the 2 that share a " \
           "name with its training subjects" in summary
    assert "## Unseen subjects only (2 subjects that did not train the checkpoint nor share a name with one that " \
           "did)" in summary


def test_without_out_the_unseen_figure_leaves_them_out_too(evaluated, capsys):
    tmp, table, n_unseen = evaluated
    said = _run(tmp, table, capsys)
    assert f"unseen subjects only (2 subjects, {n_unseen} samples, none sharing a name" in said
    assert "the unseen subjects' figures leave them out" in said


def test_the_identical_inputs_warning_speaks_of_the_evaluation_not_of_folds(evaluated, capsys):
    tmp, table, _ = evaluated
    out_dir = tmp / "eval_dup"
    said = _run(tmp, table, capsys, "--out", str(out_dir))
    record = (out_dir / "data.md").read_text(encoding="utf-8")
    for text in (said, record):
        assert "2 samples have an identical input under another subject (1 subject pair: s01=t03)" in text
        assert "folds" not in text.split("identical input", 1)[1].split("\n", 1)[0]
        assert "this evaluation counts such an input once under each subject" in text
