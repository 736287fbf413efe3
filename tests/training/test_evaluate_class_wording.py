"""`merstudio evaluate`'s per-class lines and its refusal of labels the checkpoint does not know, as read: a class
of the checkpoint the data has no sample of says "no samples" (it printed "support 0 recall nan F1 nan"), and
several unknown labels are "classes ... are not ones" (it read "class a, b is not one")."""

from __future__ import annotations

import pandas as pd
import pytest
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


@pytest.fixture
def trained(tmp_path, flow_table, monkeypatch):
    """A tiny final model on negative / positive / surprise, and its table."""
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    ckpt = tmp_path / "model.pt"
    assert main(["train", "--data", str(table), "--out", str(tmp_path / "run"), "--protocol", "kfold:2",
                 "--final", str(ckpt), "--config", str(write_tiny_config(tmp_path / "cfg.json")), *TINY]) == 0
    return ckpt, table


def _relabelled(table, path, labels):
    df = pd.read_csv(table)
    df["path"] = [str(table.parent / p) for p in df["path"]]
    df["label"] = [labels.get(x, x) for x in df["label"]]
    df = df[df["label"] != ""]
    df.to_csv(path, index=False)
    return path


def test_a_class_without_samples_says_so(trained, tmp_path, capsys):
    ckpt, table = trained
    capsys.readouterr()
    two = _relabelled(table, tmp_path / "two.csv", {"surprise": ""})  # no surprise sample left
    n_surprise = int((pd.read_csv(table)["label"] == "surprise").sum())
    assert n_surprise > 0
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(two), "--device", "cpu", "-q"]) == 0
    out = capsys.readouterr().out
    lines = {ln.split(":")[0].strip(): ln for ln in out.splitlines() if ln.startswith("  ") and ":" in ln}
    assert lines["surprise"].split(":", 1)[1].strip().startswith("no samples")
    assert "nan" not in lines["surprise"]
    assert "support" in lines["negative"] and "support" in lines["positive"]


def test_unknown_labels_are_named_in_one_grammatical_line(trained, tmp_path, capsys):
    ckpt, table = trained
    capsys.readouterr()
    many = _relabelled(table, tmp_path / "many.csv", {"negative": "anger", "positive": "contempt"})
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(many), "--device", "cpu", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert "classes anger, contempt are not ones the checkpoint knows (negative, positive, surprise)" in err
    assert len(err.splitlines()) == 1
    one = _relabelled(table, tmp_path / "one.csv", {"negative": "anger"})
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(one), "--device", "cpu", "-q"]) == 2
    assert "class anger is not one the checkpoint knows" in capsys.readouterr().err
