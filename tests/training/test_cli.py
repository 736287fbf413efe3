"""`merstudio train / evaluate / ablate` end to end on a tiny generic table of flow PNGs."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from support.flow_tables import write_tiny_config

from merstudio import __version__
from merstudio.cli import evaluate as ev_cli
from merstudio.cli.main import main
from merstudio.model.checkpoint import load_checkpoint

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


@pytest.fixture
def tiny_model_config(tmp_path):
    return write_tiny_config(tmp_path / "cfg.json")


def test_train_final_and_evaluate(tmp_path, flow_table, tiny_model_config, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    run = tmp_path / "run"
    ckpt = tmp_path / "model.pt"
    rc = main(["train", "--data", str(table), "--out", str(run), "--protocol", "kfold:2", "--final", str(ckpt),
               "--config", str(tiny_model_config), "--precision", "bfloat16", *TINY])
    assert rc == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "class map" in out and "UF1" in out
    assert "(bfloat16 training)" in captured.out + captured.err
    assert json.loads((run / "run.json").read_text())["train"]["precision"] == "bfloat16"
    assert (run / "summary.md").is_file() and (run / "confusion.png").is_file()
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics["per_dataset"]) == {"a", "b"}  # the table's dataset column gives the breakdown
    model, meta = load_checkpoint(ckpt)
    assert meta["class_names"] == ["negative", "positive", "surprise"]
    assert meta["input"]["modality"] == "flow" and meta["input"]["size"] == 28
    assert meta["metrics"]["protocol"] == "kfold:2"
    assert meta["metrics"]["uf1"] == pytest.approx(metrics["uf1"])
    assert meta["training_data"]["n_subjects"] == 4
    assert meta["training_data"]["synthetic"] is False  # datasets "a" and "b": real as far as we know
    assert meta["training_arithmetic"] == "bfloat16"  # --precision, recorded with the weights
    assert model.cfg.width == 4
    assert meta["training_data"]["subjects"] == ["s00", "s01", "s02", "s03"]
    rc = main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--out", str(tmp_path / "ev"),
               "--device", "cpu"])
    assert rc == 0
    out = capsys.readouterr().out
    # the final model was trained on every one of these people: its figures here are fit, and it says so
    assert "UF1" in out and "warning: all of these 4 subjects trained this checkpoint" in out
    ev = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert ev["n"] == 24
    summary = (tmp_path / "ev" / "summary.md").read_text()
    # what was evaluated, by which version, on which data: the fields a training run's summary has
    assert f"merstudio {__version__}" in summary and "fingerprint )" not in summary
    assert f"fingerprint {json.loads((run / 'run.json').read_text())['data_fingerprint']}" in summary
    assert "training time" not in summary  # nothing was trained
    assert "4 of these 4 subjects trained this checkpoint" in summary
    # other inputs under the same ids: other people (another synthetic set, another dataset's "sub01") or other
    # clips of the same people; the inputs cannot tell, so no warning, but a note names them
    other = flow_table(tmp_path / "other", n=24, n_subjects=4, seed=5)
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(other), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out and "note: 4 of these subjects (" in out and "if they are the same people" in out
    # checkpoints of 2026-12-05 recorded the ids only; older ones neither
    two = SimpleNamespace(subject_list=["s1", "s2"], subjects=np.array(["s1", "s2"]), X=np.zeros((2, 1)))
    assert ev_cli.seen_subjects({"training_data": {"subjects": ["s2", "x"]}}, "t", two) == ["s2"]
    # saved before subjects were recorded: the same --data means the same people
    assert ev_cli.seen_subjects({"training_data": {"spec": "t"}}, "t", two) == ["s1", "s2"]
    assert ev_cli.seen_subjects({"training_data": {"spec": "t"}}, "other", two) == []
    assert ev_cli.seen_subjects({}, "t", two) == []


def test_allow_missing_lists_skipped_and_bad_input_is_one_line(tmp_path, flow_table, tiny_model_config,
                                                               capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    first = table.read_text().splitlines()[1].split(",")[3]
    (table.parent / first).unlink()
    args = ["train", "--data", str(table), "--out", str(tmp_path / "r"), "--protocol", "kfold:2",
            "--config", str(tiny_model_config), *TINY]
    rc = main(args)
    err = capsys.readouterr().err
    assert rc == 2 and str(table) in err and len(err.strip().splitlines()) == 1
    rc = main([*args, "--allow-missing"])
    out = capsys.readouterr().out
    assert rc == 0 and "skipped 1 samples" in out
    record = (tmp_path / "r" / "data.md").read_text()  # the run keeps what the console said once
    assert "## Rows skipped (1)" in record and first in record and "## Class map" in record
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "r2"), "--ablate", "lstm", *TINY])
    err = capsys.readouterr().err
    assert rc == 2 and "--ablate" in err
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "r3"), "--mixup", "-1", "--allow-missing",
               *TINY])
    err = capsys.readouterr().err
    assert rc == 2 and "--mixup must be a finite number of at least 0 (got -1)" in err  # not quietly "off"


def test_ablate_command(tmp_path, flow_table, tiny_model_config, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=18, n_subjects=3)
    rc = main(["ablate", "--data", str(table), "--out", str(tmp_path / "abl"), "--parts", "mswm",
               "--protocol", "loso", "--config", str(tiny_model_config), *TINY])
    assert rc == 0
    assert "| -mswm |" in capsys.readouterr().out
    assert (tmp_path / "abl" / "ablation.csv").is_file()


def test_a_model_trained_on_synthetic_clips_only_says_so(tmp_path, flow_table, tiny_model_config, monkeypatch):
    """The app marks such a model's output "synthetic faces only" (gui.checkpoint_dialog reads this flag)."""
    import pandas as pd

    from merstudio.synth.dataset import DATASET_NAME

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    df = pd.read_csv(table)
    df["dataset"] = DATASET_NAME
    df.to_csv(table, index=False)
    ckpt = tmp_path / "synth.pt"
    assert main(["train", "--data", str(table), "--out", str(tmp_path / "run"), "--protocol", "kfold:2",
                 "--final", str(ckpt), "--config", str(tiny_model_config), *TINY]) == 0
    _, meta = load_checkpoint(ckpt)
    assert meta["training_data"]["synthetic"] is True


def test_step_spacing_is_trained_recorded_and_evaluated_with(tmp_path, tiny_model_config, monkeypatch):
    """--step-spacing reaches the preprocessing, the checkpoint records it, and evaluate rebuilds inputs with it."""
    import merstudio.training.data as data_mod
    from merstudio.synth.dataset import make_synthetic_set

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    make_synthetic_set(tmp_path / "clips", n_subjects=4, samples_per_subject=3, frames=8)
    table = str(tmp_path / "clips" / "samples.csv")
    spacings: list = []
    real = data_mod.load_arrays

    def spy(*a, **k):
        arrays, info = real(*a, **k)
        spacings.append(info["input"]["spacing"])
        return arrays, info

    monkeypatch.setattr(data_mod, "load_arrays", spy)
    for spacing in ("even", None):
        ckpt = tmp_path / f"{spacing}.pt"
        extra = ["--step-spacing", spacing] if spacing else []
        assert main(["train", "--data", table, "--out", str(tmp_path / f"run-{spacing}"), "--protocol", "kfold:2",
                     "--final", str(ckpt), "--config", str(tiny_model_config), *extra, *TINY]) == 0
        _, meta = load_checkpoint(ckpt)
        assert meta["input"]["T"] == 2 and meta["input"]["spacing"] == (spacing or "late")
        assert main(["evaluate", "--checkpoint", str(ckpt), "--data", table, "--device", "cpu"]) == 0
        assert spacings[-2:] == [spacing or "late"] * 2  # training's, then evaluate's from the checkpoint
