"""`merstudio train --config chosen.json`: the run's own files (summary.md, run.json, metrics.json) say where the
configuration came from and how many of the run's test subjects the search that chose it saw; a search on these
very subjects makes the run's figures no nested estimate, and the summary no longer says the test fold was never
looked at.

Expected counts come from the data: the table has 4 subjects, all tested once under kfold:2; the search ran on all
4 of them, and the hand-cut record of a search on two of them (other data, other fingerprint) saw those 2."""

from __future__ import annotations

import csv
import json

import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress"]


@pytest.fixture
def tuned(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data")
    base = write_tiny_config(tmp_path / "base.json", width=4)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"train.lr": [1e-3]}))
    assert main(["tune", "--data", str(table), "--out", str(tmp_path / "tune"), "--space", str(space),
                 "--search", "grid", "--inner", "kfold:2", "--config", str(base), *TINY]) == 0
    with open(table, encoding="utf-8") as f:
        subjects = sorted({r["subject"] for r in csv.DictReader(f)})
    return table, base, tmp_path / "tune" / "chosen.json", subjects


def _train(table, config, out) -> dict:
    assert main(["train", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--config",
                 str(config), *TINY]) == 0
    return {"summary": (out / "summary.md").read_text(encoding="utf-8"),
            "run": json.loads((out / "run.json").read_text(encoding="utf-8")),
            "metrics": json.loads((out / "metrics.json").read_text(encoding="utf-8"))}


def test_a_config_chosen_on_these_subjects_is_said_in_every_file_of_the_run(tuned, tmp_path):
    table, _base, chosen, subjects = tuned
    got = _train(table, chosen, tmp_path / "run")
    n = len(subjects)
    assert n == 4
    assert "the test fold is never looked at" not in got["summary"]
    assert f"saw {n} of these {n} subjects" in got["summary"]
    assert "not a nested estimate" in got["summary"]
    for record in (got["run"]["config_origin"], got["metrics"]["config_origin"]):
        assert record["file"] == str(chosen)
        assert record["chosen_by"] == "merstudio tune"
        assert record["seen_subjects"] == n and record["n_subjects"] == n
        assert record["chosen"]["params"] == {"train.lr": 1e-3} and record["chosen"]["inner"] == "kfold:2"


def test_a_search_on_some_of_the_subjects_is_counted_by_name(tuned, tmp_path):
    table, _base, chosen, subjects = tuned
    rec = json.loads(chosen.read_text(encoding="utf-8"))
    rec.update(subjects=subjects[:2] + ["someone_else"], data_fingerprint="0" * 16, data="other data")
    half = tmp_path / "half.json"
    half.write_text(json.dumps(rec), encoding="utf-8")
    got = _train(table, half, tmp_path / "run_half")
    assert "saw 2 of these 4 subjects" in got["summary"]
    assert got["run"]["config_origin"]["seen_subjects"] == 2
    assert got["run"]["config_origin"]["search_subjects"] == 3
    assert got["metrics"]["config_origin"]["seen_subjects"] == 2


def test_a_plain_config_keeps_the_held_out_wording_and_names_its_file(tuned, tmp_path):
    table, base, _chosen, _subjects = tuned
    got = _train(table, base, tmp_path / "run_plain")
    assert "the test fold is never looked at" in got["summary"]
    assert got["run"]["config_origin"] == {"file": str(base)}
    assert "not a nested estimate" not in got["summary"]


def test_an_ablation_of_a_config_chosen_on_these_subjects_says_so(tuned, tmp_path, capsys):
    """`merstudio ablate --config chosen.json`: its table and every variant's run said nothing of the search."""
    table, base, chosen, subjects = tuned
    out = tmp_path / "ablate"
    assert main(["ablate", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--parts", "cluster",
                 "--config", str(chosen), *TINY]) == 0
    assert f"saw {len(subjects)} of these {len(subjects)} subjects" in capsys.readouterr().out
    table_md = (out / "ablation.md").read_text(encoding="utf-8")
    assert f"saw {len(subjects)} of these {len(subjects)} subjects: these figures are not a nested estimate" in table_md
    for variant in ("full", "no-cluster"):
        run = json.loads((out / variant / "run.json").read_text(encoding="utf-8"))
        assert run["config_origin"]["seen_subjects"] == len(subjects)
        assert "not a nested estimate" in (out / variant / "summary.md").read_text(encoding="utf-8")
    plain = tmp_path / "ablate_plain"
    assert main(["ablate", "--data", str(table), "--out", str(plain), "--protocol", "kfold:2", "--parts", "cluster",
                 "--config", str(base), *TINY]) == 0
    assert "nested" not in (plain / "ablation.md").read_text(encoding="utf-8")


def test_a_final_checkpoint_of_a_config_chosen_on_these_subjects_says_so_where_it_is_shown(tuned, tmp_path):
    """`train --config chosen.json --final model.pt`: the figures stored in the checkpoint (which the app's model
    dialog shows as its evaluation) carried no word of the search that saw the test subjects."""
    from merstudio.gui.checkpoint_dialog import provenance, read_meta

    table, base, chosen, subjects = tuned
    n = len(subjects)
    model = tmp_path / "model.pt"
    assert main(["train", "--data", str(table), "--out", str(tmp_path / "run_final"), "--protocol", "kfold:2",
                 "--config", str(chosen), "--final", str(model), *TINY]) == 0
    meta = read_meta(model)
    assert meta is not None and meta["metrics"]["config_origin"]["seen_subjects"] == n
    assert f"saw {n} of these {n} subjects: not a nested estimate" in provenance(model, meta).evaluation
    plain = tmp_path / "plain.pt"
    assert main(["train", "--data", str(table), "--out", str(tmp_path / "run_plain_final"), "--protocol", "kfold:2",
                 "--config", str(base), "--final", str(plain), *TINY]) == 0
    assert "nested" not in provenance(plain, read_meta(plain)).evaluation
