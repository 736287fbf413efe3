"""Ablation hygiene (issue 13): every variant is recorded under the parts really switched off; fam / au_emotion."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import merstudio.training.run as run_mod
from merstudio.errors import InputError
from merstudio.model.config import ABLATIONS, ALL_ABLATIONS, ModelConfig
from merstudio.training.trainer import TrainSettings


def test_fam_and_au_emotion_switch_off_separately():
    base = ModelConfig()
    fam = base.ablate("fam")
    assert fam.use_au is False and fam.n_aus == 0  # no AU head, so no AU-emotion constraint either
    cons = base.ablate("au_emotion")
    assert cons.use_au is True and cons.n_aus == len(base.aus) and cons.w_consistency == 0.0
    assert base.ablate("au") == fam  # the old name is an alias
    assert ABLATIONS == ("mswm", "fam", "au_emotion", "cluster", "convlstm", "sample_norm", "mixstyle")
    assert ALL_ABLATIONS == ABLATIONS + ("erase", "mixup")
    assert run_mod.parse_ablate("au,mswm") == ["mswm", "fam"]
    assert run_mod.parse_ablate("au_emotion") == ["au_emotion"]
    with pytest.raises(InputError, match="fam"):
        run_mod.parse_ablate("au-emotion")


def test_ablated_parts_reads_the_config():
    base = ModelConfig()
    assert run_mod.ablated_parts(base) == []
    assert run_mod.ablated_parts(base.ablate("convlstm,au")) == ["fam", "convlstm"]
    assert run_mod.ablated_parts(base.ablate("au_emotion,mswm")) == ["mswm", "au_emotion"]
    # with the module off the constraint is gone too: recorded once, as fam
    assert run_mod.ablated_parts(base.ablate("fam,au_emotion")) == ["fam"]
    assert run_mod.ablated_parts(base.ablate("sample_norm")) == ["sample_norm"]
    assert base.ablate("sample_norm").sample_norm is False
    assert run_mod.ablated_parts(base.ablate("mixstyle")) == ["mixstyle"] and base.ablate("mixstyle").mixstyle == 0
    # a training-side part is read from the training settings
    s = TrainSettings()
    cfg, s_off = run_mod.apply_ablation(base, s, ["erase", "cluster"])
    assert s_off.erase == 0 and s.erase > 0 and cfg.use_cluster is False
    assert run_mod.ablated_parts(cfg, s_off) == ["cluster", "erase"]
    assert run_mod.ablated_parts(base, s) == []


def test_a_training_part_is_a_variant_with_its_own_settings(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "abl"
    rows = run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1, erase=0.5), out,
                                parts=["erase"], protocol="kfold:2")
    assert [(r["variant"], r["switched_off"]) for r in rows] == [("full", "none"), ("-erase", "erase")]
    full = json.loads((out / "full" / "run.json").read_text())
    off = json.loads((out / "no-erase" / "run.json").read_text())
    assert full["train"]["erase"] == 0.5 and off["train"]["erase"] == 0.0 and off["ablate"] == ["erase"]
    assert off["model"] == full["model"]
    assert "erase = random erasing" in (out / "ablation.md").read_text()


def test_a_variant_given_with_ablate_is_recorded_under_its_real_name(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    """`merstudio ablate --ablate convlstm --parts cluster` used to record the reference as ablate=[] / "none"
    and the other variant as ["cluster"], although convlstm was off in both."""
    data, classes = tiny_data
    out = tmp_path / "abl"
    rows = run_mod.run_ablation(data, classes, tiny_cfg().ablate("convlstm"), tiny_settings(epochs=1), out,
                                parts=["cluster", "au_emotion"], protocol="kfold:2")
    assert [r["switched_off"] for r in rows] == ["convlstm", "au_emotion,convlstm", "cluster,convlstm"]
    assert [r["variant"] for r in rows] == ["-convlstm", "-au_emotion-convlstm", "-cluster-convlstm"]
    table = pd.read_csv(out / "ablation.csv")
    assert list(table["switched_off"]) == ["convlstm", "au_emotion,convlstm", "cluster,convlstm"]
    seen = {}
    for d in sorted(p for p in out.iterdir() if p.is_dir()):
        spec = json.loads((d / "run.json").read_text())
        seen[d.name] = spec["ablate"]
        assert spec["model"]["use_convlstm"] is False
    assert seen == {"no-convlstm": ["convlstm"], "no-au_emotion+convlstm": ["au_emotion", "convlstm"],
                    "no-cluster+convlstm": ["cluster", "convlstm"]}
    md = (out / "ablation.md").read_text()
    assert "| -cluster-convlstm | cluster,convlstm |" in md and "none" not in md


def test_run_protocol_records_what_the_config_switches_off(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    # the caller's `ablate` argument is not trusted: the record comes from the configuration itself
    run_mod.run_protocol(data, classes, tiny_cfg().ablate("au"), tiny_settings(epochs=1), tmp_path / "r",
                         protocol="kfold:2", ablate=[])
    spec = json.loads((tmp_path / "r" / "run.json").read_text())
    assert spec["ablate"] == ["fam"] and spec["model"]["use_au"] is False
    assert "ablated parts: fam" in (tmp_path / "r" / "summary.md").read_text()


def test_full_variant_keeps_its_name(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    rows = run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1), tmp_path / "abl",
                                parts=["au", "fam"], protocol="kfold:2")
    # "au" and "fam" are one part: one variant, named fam
    assert [(r["variant"], r["switched_off"]) for r in rows] == [("full", "none"), ("-fam", "fam")]
    assert (tmp_path / "abl" / "full" / "run.json").is_file() and (tmp_path / "abl" / "no-fam").is_dir()


def test_several_seeds_give_each_variant_a_mean_and_a_paired_difference(tiny_data, tiny_cfg, tiny_settings,
                                                                        tmp_path, monkeypatch):
    data, classes = tiny_data
    out = tmp_path / "abl"
    rows = run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1, seed=5), out,
                                parts=["cluster"], protocol="kfold:2", seeds=2)
    assert [(r["variant"], r["seed"]) for r in rows] == [("full", 5), ("full", 6), ("-cluster", 5), ("-cluster", 6)]
    for folder in ("full", "no-cluster"):
        for seed in (5, 6):
            spec = json.loads((out / folder / f"seed-{seed}" / "run.json").read_text())
            assert spec["train"]["seed"] == seed
    table = pd.read_csv(out / "ablation.csv")
    full = table[table["variant"] == "full"].set_index("seed")
    off = table[table["variant"] == "-cluster"].set_index("seed")
    d = off["uf1"] - full["uf1"]
    md = (out / "ablation.md").read_text()
    assert "2 seeds (5–6)" in md
    line = next(x for x in md.splitlines() if x.startswith("| -cluster |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[2] == f"{off['uf1'].mean():.3f}"
    assert cells[4] == f"{d.mean():+.3f} ± {d.std(ddof=1) / 2 ** 0.5:.3f}"
    assert cells[6] == f"{int((d > 0).sum())}/2"
    # resumable: a second call trains nothing and gives the same table

    def no_training(*a, **k):
        raise AssertionError("a finished fold was trained again")

    monkeypatch.setattr(run_mod, "_run_one_fold", no_training)
    again = run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1, seed=5), out,
                                 parts=["cluster"], protocol="kfold:2", seeds=2)
    assert [r["uf1"] for r in again] == [r["uf1"] for r in rows]
    with pytest.raises(InputError, match="seeds"):
        run_mod.run_ablation(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, parts=["cluster"], seeds=0)


def test_the_seeds_table_pairs_each_variant_with_the_reference_per_dataset():
    rows = pd.DataFrame({
        "variant": ["full"] * 3 + ["-x"] * 3,
        "switched_off": ["none"] * 3 + ["x"] * 3,
        "seed": [0, 1, 2] * 2,
        "uf1": [0.70, 0.80, 0.90, 0.60, 0.80, 0.70],
        "uar": [0.5, 0.5, 0.5, 0.6, 0.6, 0.6],
        "uf1_a": [0.5, 0.5, 0.5, 0.4, 0.4, 0.7],
        "uf1_b": [0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    })
    md = run_mod.seeds_table(rows)
    assert "3 seeds (0–2)" in md and "Δ UF1 a | Δ UF1 b |" in md
    line = next(x for x in md.splitlines() if x.startswith("| -x |"))
    # UF1 differences -.1, 0, -.2: mean -.1, SD .1, SE .1 / sqrt 3 = .058; higher on no seed (a tie is not higher);
    # dataset a: -.1, -.1, +.2: mean 0, SD sqrt(.03), SE .1
    assert line == ("| -x | x | 0.700 | 0.600 | -0.100 ± 0.058 | +0.100 ± 0.000 | 0/3 | +0.000 ± 0.100 "
                    "| +0.000 ± 0.000 |")
    assert md.splitlines()[4] == "| full | none | 0.800 | 0.500 |  |  |  |  |  |"
