"""A training run says how to make it again (audit a85, findings 4, 5, 6 and 10): run.json, summary.md and the
--final checkpoint name the torch, numpy, Python and merstudio versions, the UTC date and the command line (the same
seed gives the same figures on the same torch build only); summary.md gives the one command that trains the run again
from its run.json, and that command gives byte-identical predictions; an evaluation records its checkpoint's SHA-256,
not only the path typed; the checkpoint's run_folder is absolute."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.model.checkpoint import read_checkpoint_meta

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress", "--seed", "3"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One tiny training run with --final, started in its own folder with a relative --out ("t4")."""
    base = tmp_path_factory.mktemp("h163")
    mp = pytest.MonkeyPatch()
    mp.setenv("MERSTUDIO_CACHE", str(base / "cache"))
    mp.chdir(base)
    table = write_table(base / "data")
    config = write_tiny_config(base / "cfg.json")
    try:
        argv = ["train", "--data", str(table), "--out", "t4", "--protocol", "kfold:2", "--config", str(config),
                "--final", "t4.pt", *TINY]
        mp.setattr(sys, "argv", [str(base / "bin" / "merstudio"), *argv])  # as the console script sees it
        assert main(argv) == 0
        yield base, table
    finally:
        mp.undo()


def _record(folder: Path) -> dict:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def test_run_json_and_summary_name_the_versions_date_and_command(run) -> None:
    base, _table = run
    made = _record(base / "t4")["provenance"]
    assert made["torch"] == str(torch.__version__) and made["numpy"] == np.__version__
    assert made["python"] == platform.python_version() and made["merstudio"]
    assert made["date"].endswith("+00:00")  # UTC
    assert made["command"].startswith("merstudio train ") and "--out t4 " in made["command"]
    summary = (base / "t4" / "summary.md").read_text(encoding="utf-8")
    assert f"torch {torch.__version__}" in summary and made["date"] in summary
    assert f"`{made['command']}`" in summary and f"`{made['rerun']}`" in summary


def test_the_final_checkpoint_names_its_torch_build_date_command_and_absolute_run_folder(run) -> None:
    base, _table = run
    meta = read_checkpoint_meta(base / "t4.pt")
    assert meta["made_with"]["torch"] == str(torch.__version__)
    assert meta["made_with"]["numpy"] == np.__version__ and meta["made_with"]["python"] == platform.python_version()
    assert meta["created"].endswith("+00:00")
    assert "--final t4.pt" in meta["training_data"]["command"]
    assert meta["run_folder"] == str(base / "t4")  # not "t4": meaningless outside the cwd of the run


def test_the_summary_s_command_trains_the_run_again_with_the_same_predictions(run, monkeypatch) -> None:
    base, _table = run
    rerun = _record(base / "t4")["provenance"]["rerun"]
    cd, _, command = rerun.partition(" && ")
    assert cd == f"cd {shlex.quote(str(base))}"
    argv = shlex.split(command)
    assert argv[:4] == ["merstudio", "train", "--config", str(base / "t4" / "run.json")]
    assert argv[-2:] == ["--out", str(base / "t4-again")]
    monkeypatch.chdir(Path(cd[3:]))
    assert main([*argv[1:], "--no-progress"]) == 0  # run.json's recorded keys are no error
    assert (base / "t4-again" / "predictions.csv").read_bytes() == (base / "t4" / "predictions.csv").read_bytes()
    assert _record(base / "t4-again")["train"] == _record(base / "t4")["train"]


def test_evaluate_records_the_checkpoint_s_sha256(run, tmp_path) -> None:
    base, table = run
    assert main(["evaluate", "--checkpoint", str(base / "t4.pt"), "--data", str(table), "--out",
                 str(tmp_path / "ev"), "--device", "cpu", "-q"]) == 0
    digest = hashlib.sha256((base / "t4.pt").read_bytes()).hexdigest()
    rec = _record(tmp_path / "ev")
    assert rec["checkpoint_sha256"] == digest
    assert rec["checkpoint_path"] == str(base / "t4.pt")
    assert rec["checkpoint_created"] == read_checkpoint_meta(base / "t4.pt")["created"]
    assert rec["provenance"]["torch"] == str(torch.__version__)
    summary = (tmp_path / "ev" / "summary.md").read_text(encoding="utf-8")
    assert f"SHA-256 {digest}" in summary


def test_a_config_with_unknown_keys_names_them_and_an_evaluation_s_record_is_refused(run, tmp_path) -> None:
    from merstudio.cli.train import read_config

    base, _table = run
    assert read_config(base / "t4" / "run.json")["train"]["seed"] == 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"model": {}, "trian": {}}))
    with pytest.raises(InputError, match=r"bad\.json: unexpected key 'trian'"):
        read_config(bad)
    ev = tmp_path / "ev.json"
    ev.write_text(json.dumps({"checkpoint": "m.pt", "protocol": "evaluate", "data": "x.csv"}))
    with pytest.raises(InputError, match="an evaluation's run.json"):
        read_config(ev)
    assert os.path.isabs(_record(base / "t4")["provenance"]["rerun"].split(" --config ")[1].split()[0])
