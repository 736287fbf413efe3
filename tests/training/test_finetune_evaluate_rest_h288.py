"""Fine-tuning and evaluation, the rest (h288):

1. `merstudio finetune`'s too-few refusal on a105's project was 432 characters, and the CLI cuts a line at 400: the
   class map that would use the left-out events was cut ("--classes cas…"). The ways out now come first and
   shorter, the coders' emotions last (bounded), so the line is whole.
3. `evaluate --out`'s data.md did not name the subjects that share a name with the checkpoint's training subjects
   (summary.md, run.json and metrics.json did).
4. With a per-sample record, a `tune` searched subject that shares an id but none of its inputs with one of the
   run's subjects was not mentioned at all: now counted in config_origin (named_like_search) and said in the
   summary, not counted as seen."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest
from support.flow_tables import write_table

from merstudio.errors import InputError
from merstudio.messages import MESSAGE_CHARS, one_line
from merstudio.training.finetune_split import Item, check_counts

CASME2 = ["disgust", "happiness", "others", "repression", "surprise"]


def _a105_items() -> list[Item]:
    """a105's labmap project as check_counts sees it: 3 events of four classes, one 'repression'."""
    labels = ["disgust"] * 3 + ["happiness"] * 3 + ["others"] * 3 + ["surprise"] * 3 + ["repression"]
    return [Item(f"event:{i}", i, 1, "v1", c, 0, 2, 4, None, "ann") for i, c in enumerate(labels)]


def _helped_items() -> list[Item]:
    """As _a105_items with 'others' 2 and 'repression' 3: casme2-5-merge (fear -> others) would make it pass (h292:
    a map is named only then; under it a105's 'repression' 1 is refused again)."""
    labels = ["disgust"] * 3 + ["happiness"] * 3 + ["others"] * 2 + ["surprise"] * 3 + ["repression"] * 3
    return [Item(f"event:{i}", i, 1, "v1", c, 0, 2, 4, None, "ann") for i, c in enumerate(labels)]


def test_the_too_few_refusal_is_one_whole_line_with_the_class_map_that_would_help():
    with pytest.raises(InputError) as err:
        check_counts(_helped_items(), CASME2, 3, "/tmp/h288/ft/labmap.merproj", skipped={"fear": 1}, suggest=True)
    shown = one_line(err.value)  # as `merstudio finetune` prints it
    assert "…" not in shown and len(shown) <= MESSAGE_CHARS, shown
    assert shown.startswith("/tmp/h288/ft/labmap.merproj: too few events to fine-tune: class 'others' has 2 "
                            "accepted events (need at least 3): lower it (--min-per-class 2 / Min events per class) "
                            "or leave it out (--classes disgust,happiness,repression,surprise / Class map)")
    assert shown.endswith("; 1 accepted event left out, its emotion not a class of the model: --classes "
                          "casme2-5-merge (Class map) would use it; by emotion: fear 1")
    with pytest.raises(InputError) as err:  # a105's own counts: the map would be refused too, so not named
        check_counts(_a105_items(), CASME2, 3, "/tmp/h288/ft/labmap.merproj", skipped={"fear": 1}, suggest=True)
    assert "casme2-5-merge" not in str(err.value)


def test_a_long_path_and_many_emotions_cut_only_the_emotions():
    """The emotions are the coders' text, last and bounded (8 named, each cut): a cut line keeps every way out."""
    where = "/home/lab/studies/2026/micro-expressions/cohort-b/session-04/study.merproj"
    skipped = {f"{'x' * 60}{k}": 1 for k in range(12)} | {"fear": 2}
    with pytest.raises(InputError) as err:
        check_counts(_helped_items(), CASME2, 3, where, skipped=skipped, suggest=True)
    text = str(err.value)
    assert "14 accepted events left out" in text and "(13 in all)" in text and len(text) < 1000
    shown = one_line(err.value)
    # the path shortened from its start so that every way out fits the line; the emotions cut
    assert shown.startswith("…2026/micro-expressions/cohort-b/session-04/study.merproj: too few events")
    assert "--classes disgust,happiness,repression,surprise / Class map)" in shown
    assert "--classes casme2-5-merge (Class map) would use 2 of them" in shown


def _checkpoint(path, classes, training_data):
    import torch

    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    torch.manual_seed(0)
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, n_classes=len(classes),
                      class_names=list(classes))
    inp = InputSettings(modality="flow", size=28, T=1).to_dict()
    inp["preprocess"] = PreprocessSettings(modality="flow", size=28, T=1, flow="dis").to_dict()
    return save_checkpoint(path, MENet(cfg).eval(), {"input": inp, "training_data": training_data})


def test_evaluate_out_data_md_names_the_subjects_sharing_a_training_name(tmp_path, monkeypatch, capsys):
    """The checkpoint records s00 as a training subject with one input none of the table's samples has: s00 shares
    its name, not its inputs."""
    from merstudio.cli.main import main
    from merstudio.training.bench import synthetic_flow_set

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=12, n_subjects=3)
    _, classes = synthetic_flow_set(n_samples=12, n_subjects=3, seed=0)
    ckpt = _checkpoint(tmp_path / "model.pt", classes, {
        "description": "elsewhere", "subjects": ["s00", "z9"], "subject_inputs": {"s00": ["0" * 12], "z9": ["1" * 12]}})
    out = tmp_path / "eval"
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--device", "cpu", "-q",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "note: 1 of these subjects (s00) share a name with subjects that trained this checkpoint" in said
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["named_like_training"] == 1
    record = (out / "data.md").read_text(encoding="utf-8")
    assert "- 1 of these subjects (s00) share a name with subjects that trained this checkpoint (with other " \
           "inputs)" in record


def test_a_searched_id_with_other_inputs_is_named_not_seen():
    from merstudio.training.bench import synthetic_flow_set
    from merstudio.training.run import config_origin, data_fingerprint, render_summary, subject_fingerprints

    searched, _ = synthetic_flow_set(n_samples=16, n_subjects=4, seed=0)
    strangers, _ = synthetic_flow_set(n_samples=16, n_subjects=4, seed=1)  # other images under the same ids
    assert set(strangers.subject_list) == set(searched.subject_list)
    chosen = {"data": "searched", "data_fingerprint": data_fingerprint(searched), "subjects": searched.subject_list,
              "subject_inputs": subject_fingerprints(searched),
              "chosen": {"trial": 1, "params": {"train.lr": 1e-3}, "inner": "kfold:2"}}
    origin = config_origin("tune/chosen.json", chosen, strangers)
    assert origin["seen_subjects"] == 0 and origin["named_like_search"] == 4 and "seen_by_name" not in origin
    # carried on by a rerun from its run.json, counted again on the data it has
    run = json.loads(json.dumps({"data_fingerprint": data_fingerprint(strangers), "config_origin": origin}))
    half = strangers.subset(np.flatnonzero(np.isin(strangers.subjects, strangers.subject_list[:2])))
    again = config_origin("first/run.json", run, half)
    assert again["seen_subjects"] == 0 and again["named_like_search"] == 2
    text = render_summary({"protocol": "kfold:2", "train": {"epochs": 1, "average": "none"}, "config_origin": origin},
                          {"n_folds": 2, "uf1": 0.5, "uar": 0.5, "accuracy": 0.5, "n": 4, "per_class": {},
                           "confusion": [], "class_names": []})
    assert "(none of these subjects' inputs)" in text
    selection = next(line for line in text.splitlines() if line.startswith("- model selection:"))
    assert "never looked at" not in selection and "share a name" in selection  # not said beside the bold line
    from merstudio.cli.train import config_note

    note = config_note(argparse.Namespace(config=Path("chosen.json")), origin)  # the console says it too
    assert note is not None and "4 of these 4 subjects share" in note and "not a nested estimate" in note
    assert "- **4 of these 4 subjects share a name with subjects the search that chose the configuration looked " \
           "at (with other inputs): if they are the same people, their figures are not a nested estimate** (not " \
           "counted as seen)" in text
    # the searched people themselves: seen by their inputs, none merely named
    assert "named_like_search" not in config_origin("tune/chosen.json", {**chosen, "data_fingerprint": "x"}, searched)
