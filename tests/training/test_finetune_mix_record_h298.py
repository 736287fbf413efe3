"""A fine-tuning with --mix records what it trained on (h298, audit a112 findings 1 and 4):

1. `merstudio evaluate` of a `finetune --mix DATA` checkpoint on DATA reported its fit as accuracy: the checkpoint
   recorded the mix by its spec alone and evaluate read only ``training_data`` (the parent's). The mixed samples'
   subjects and inputs are now recorded as a training set (``mixed_training_data``, inherited by later
   fine-tunings), and evaluate's one rule (trained_by, named_like_training) reads every training set.
4. Mixing single flow images into a T=2 checkpoint said nothing, where `train --steps 2` and `evaluate` warn."""

from __future__ import annotations

import numpy as np
from support.finetune_project import CLASSES, project_fixtures

from merstudio.cli.evaluate import named_like_training, other_loader_options, trained_by
from merstudio.model.checkpoint import read_checkpoint_meta
from merstudio.model.checkpoint_meta import MIXED_TRAINING_DATA, training_sets
from merstudio.training.bench import synthetic_flow_set
from merstudio.training.run import subject_fingerprints

built, cache, proj = project_fixtures("ftmix")


def _subset_table(full, subjects, out):
    """The rows of the sample table ``full`` whose subject is one of ``subjects`` (paths made absolute)."""
    lines = full.read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [f"{row.split(',')[0]},{row.split(',')[1]},{row.split(',')[2]},"
                         f"{full.parent / row.split(',')[3]},{row.split(',')[4]}"
                         for row in lines[1:] if row.split(",")[0] in subjects]
    out.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return out


def test_evaluate_on_the_mixed_data_says_its_subjects_trained_the_fine_tuned_model(proj, cache, flow_table,
                                                                                  tmp_path, capsys):
    from merstudio.cli.main import main

    path, ckpt = proj
    full = flow_table(tmp_path / "data", n=16, n_subjects=4)
    subjects = sorted({row.split(",")[0] for row in full.read_text(encoding="utf-8").splitlines()[1:]})
    mix = _subset_table(full, subjects[:3], tmp_path / "mix.csv")
    out = path.parent / "mixed.pt"
    common = ["--epochs", "1", "--cache", str(cache), "--no-progress", "--device", "cpu"]
    assert main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--mix", str(mix), "-o", str(out),
                 *common]) == 0
    said = capsys.readouterr().out
    assert "single flow images" not in said  # a T=1 model takes one image a sample
    evaluate = ["evaluate", "--data", str(full), "--device", "cpu", "-q", "--cache", str(cache)]
    assert main([*evaluate, "--checkpoint", str(out)]) == 0
    said = capsys.readouterr().out
    assert "warning: 3 of these 4 subjects trained this checkpoint" in said
    assert "unseen subjects only (1 subjects, 4 samples)" in said
    record = read_checkpoint_meta(out)[MIXED_TRAINING_DATA]
    assert [r["spec"] for r in record] == [str(mix)] and record[0]["subjects"] == subjects[:3]
    assert record[0]["n_samples"] == 12 and sorted(record[0]["subject_inputs"]) == subjects[:3]

    # a later fine-tuning (no --mix) starts from those weights: the mixed subjects still trained it
    again = path.parent / "again.pt"
    assert main(["finetune", "--project", str(path), "--checkpoint", str(out), "-o", str(again), *common]) == 0
    capsys.readouterr()
    assert read_checkpoint_meta(again)[MIXED_TRAINING_DATA] == record
    assert main([*evaluate, "--checkpoint", str(again)]) == 0
    assert "warning: 3 of these 4 subjects trained this checkpoint" in capsys.readouterr().out


def test_every_training_set_counts_the_parents_and_an_older_mix_by_its_spec():
    data, _ = synthetic_flow_set(n_samples=16, n_subjects=4, seed=0)
    s = data.subject_list

    def part(names):
        return data.subset(np.flatnonzero(np.isin(data.subjects, names)))

    mixed = {"spec": "table:mix.csv", "loader_options": {"modality": "VIS"}, "subjects": [s[2]],
             "subject_inputs": subject_fingerprints(part([s[2]]))}
    parents = {"spec": "synthetic", "subjects": s[:2], "subject_inputs": subject_fingerprints(part(s[:2]))}
    named = {"spec": "elsewhere", "subjects": [s[3]], "subject_inputs": {s[3]: ["0" * 12]}}  # other inputs
    meta = {"training_data": parents, MIXED_TRAINING_DATA: [mixed, named]}
    assert len(training_sets(meta)) == 3
    assert trained_by(meta, "table:data.csv", data) == (s[:3], [])  # the parent's two and the mixed one
    assert named_like_training(meta, data) == s  # s[3]: its id, with other inputs
    assert other_loader_options(meta, "table:mix.csv", {}) == "--modality VIS"

    # a fine-tuned checkpoint of before h298 recorded its mix by its spec alone: the same --data counts as seen
    old = {"training_data": meta["training_data"], "finetune": {"mix": {"spec": "table:mix.csv", "n": 4}}}
    assert trained_by(old, "table:mix.csv", data) == (s, [])
    assert trained_by(old, "table:other.csv", data) == (s[:2], [])


def test_mixing_flow_images_into_a_two_step_model_warns(built, cache, flow_table, tmp_path, capsys):
    import shutil

    import torch

    from merstudio.cli.main import main
    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    folder = tmp_path / "p"
    shutil.copytree(built.path.parent, folder)
    torch.manual_seed(0)
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, n_classes=len(CLASSES),
                      class_names=list(CLASSES), T=2)
    inp = InputSettings(modality="flow", size=28, T=2).to_dict()
    inp["preprocess"] = PreprocessSettings(modality="flow", size=28, T=2, flow="dis").to_dict()
    ckpt = save_checkpoint(folder / "two.pt", MENet(cfg).eval(), {"input": inp, "training_data": {"description": "x"}})
    table = flow_table(tmp_path / "mix", n=12, n_subjects=3)
    assert main(["finetune", "--project", str(folder / built.path.name), "--checkpoint", str(ckpt), "--mix",
                 str(table), "-o", str(folder / "out.pt"), "--epochs", "1", "--cache", str(cache), "--no-progress",
                 "--device", "cpu"]) == 0
    said = capsys.readouterr().out
    assert f"warning: two.pt takes 2 time steps over a clip's onset -> apex; --mix {table} holds single flow " \
           "images, one step each, repeated 2 times: the fine-tuned model learns still images at every step" in said
