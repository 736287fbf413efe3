"""The "to train it again" command of a training run reproduces it (audit a103, h260): after `train --tune` it searches
the space that run searched (the settings its flags fixed stay fixed: run.json's "tune" is read back), giving the
same predictions; and a run whose --config was a `merstudio tune` choice on these subjects keeps saying so when
trained again from its run.json (config_origin carried: summary, run.json, metrics.json, the --final checkpoint)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.model.checkpoint import read_checkpoint_meta

TINY = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress", "--seed", "3"]


def _record(folder: Path) -> dict:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def _again(folder: Path, monkeypatch, *extra: str) -> Path:
    """Runs the command run.json gives to train `folder`'s run again; returns its --out."""
    cd, _, command = _record(folder)["provenance"]["rerun"].partition(" && ")
    argv = shlex.split(command)
    monkeypatch.chdir(Path(shlex.split(cd)[1]))
    assert main([*argv[1:], "--no-progress", *extra]) == 0
    return Path(argv[argv.index("--out") + 1])


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    return write_table(tmp_path / "data"), write_tiny_config(tmp_path / "base.json")


def test_the_rerun_of_a_nested_search_searches_what_it_searched(data, tmp_path, monkeypatch):
    table, base = data
    space = tmp_path / "space.json"  # --width fixes model.width: the first run searches train.lr only
    space.write_text(json.dumps({"train.lr": [1e-3, 3e-3], "model.width": [6, 8]}))
    out = tmp_path / "nested"
    assert main(["train", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--tune", "--space",
                 str(space), "--trials", "2", "--inner", "kfold:2", "--width", "4", "--config", str(base),
                 *TINY]) == 0
    assert _record(out)["tune"]["params"] == {"train.lr": [1e-3, 3e-3]}
    again = _again(out, monkeypatch)
    assert _record(again)["tune"] == _record(out)["tune"]
    assert _record(again)["model"]["width"] == 4
    assert (again / "predictions.csv").read_bytes() == (out / "predictions.csv").read_bytes()


def test_the_rerun_of_a_run_configured_by_a_search_on_its_subjects_still_says_so(data, tmp_path, monkeypatch):
    table, base = data
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"train.lr": [1e-3]}))
    assert main(["tune", "--data", str(table), "--out", str(tmp_path / "tune"), "--space", str(space), "--search",
                 "grid", "--inner", "kfold:2", "--config", str(base), "--width", "4", *TINY]) == 0
    chosen = tmp_path / "tune" / "chosen.json"
    first = tmp_path / "cfg"
    assert main(["train", "--data", str(table), "--out", str(first), "--protocol", "kfold:2", "--config",
                 str(chosen), *TINY]) == 0
    again = _again(first, monkeypatch, "--final", str(tmp_path / "again.pt"))
    summary = (again / "summary.md").read_text(encoding="utf-8")
    assert "the test fold is never looked at" not in summary
    assert "saw 4 of these 4 subjects" in summary and "not a nested estimate" in summary
    assert f"configuration {chosen} (read from {first / 'run.json'}) chosen by a search" in summary
    meta = read_checkpoint_meta(tmp_path / "again.pt")
    for origin in (_record(again)["config_origin"],
                   json.loads((again / "metrics.json").read_text(encoding="utf-8"))["config_origin"],
                   meta["metrics"]["config_origin"]):
        assert origin["file"] == str(chosen) and origin["via"] == str(first / "run.json")
        assert origin["chosen_by"] == "merstudio tune"
        assert origin["seen_subjects"] == 4 and origin["n_subjects"] == 4
    assert (again / "predictions.csv").read_bytes() == (first / "predictions.csv").read_bytes()


def test_precision_help_says_bfloat16_only_with_amx(capsys):
    # precision "auto" trains in bfloat16 only with AMX (trainer.cpu_computes_bfloat16): the help said AVX512-BF16 too
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "bfloat16 autocast on a CPU with AMX," in text and "AMX or AVX512-BF16" not in text
