"""The dataset loader's options (--sheet, --variant, --modality, --expression, --gt, --sadness-fear) on the research
commands, as `merstudio datasets inspect` takes them: SMIC's VIS camera is trained on, evaluated on and recorded
(run.json, data.md, checkpoint), a resume with another camera is refused as other data, and an option the
dataset kind does not read is refused in one line, by every command alike."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.flow_tables import write_tiny_config

from merstudio.cli.main import build_parser, main
from merstudio.model.checkpoint import load_checkpoint

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--size", "28", "--device", "cpu", "--no-progress"]
# (subject, label folder, clip): SMIC's layout, SMIC_all_raw/<camera>/s<N>/micro/<label>/<clip>/image<6 digits>.bmp
CLIPS = [(1, "negative", "s1_ne_01"), (1, "positive", "s1_po_01"), (1, "surprise", "s1_sur_01"),
         (2, "negative", "s2_ne_02"), (2, "positive", "s2_po_02"), (2, "surprise", "s2_sur_02"),
         (3, "negative", "s3_ne_01"), (3, "positive", "s3_po_01"), (3, "surprise", "s3_sur_01")]


def smic_tree(root: Path, cameras: dict[str, list[tuple[int, str, str]]], seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for camera, clips in cameras.items():
        for subj, label, name in clips:
            folder = root / "SMIC_all_raw" / camera / f"s{subj}" / "micro" / label / name
            folder.mkdir(parents=True, exist_ok=True)
            for k in range(100 * subj + 1, 100 * subj + 6):
                img = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
                assert cv2.imwrite(str(folder / f"image{k:06d}.bmp"), img)
    return root


@pytest.fixture
def tiny_config(tmp_path, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    return write_tiny_config(tmp_path / "cfg.json")


def test_train_and_evaluate_read_smic_vis_and_record_it(tmp_path, tiny_config, capsys):
    # VIS holds fewer clips than HS (as the real SMIC: 71 of 164), so the count says which camera was read
    root = smic_tree(tmp_path / "SMIC", {"HS": CLIPS, "VIS": CLIPS[:6]})
    run, ckpt = tmp_path / "run", tmp_path / "vis.pt"
    assert main(["train", "--data", f"smic:{root}", "--modality", "VIS", "--out", str(run), "--final", str(ckpt),
                 "--config", str(tiny_config), *TINY]) == 0
    out = capsys.readouterr().out
    assert f"smic:{root} --modality VIS: 6 samples, 2 subjects" in out
    spec = json.loads((run / "run.json").read_text())
    assert spec["n_samples"] == 6 and spec["data"] == f"smic:{root} --modality VIS"
    assert (run / "data.md").read_text().startswith(f"# Data: smic:{root} --modality VIS\n")
    _, meta = load_checkpoint(ckpt)
    td = meta["training_data"]
    assert td["loader_options"] == {"modality": "VIS"} and td["n_samples"] == 6
    assert td["description"] == f"smic:{root} --modality VIS" and td["subjects"] == ["smic_s01", "smic_s02"]

    # evaluate reads the camera it is told to, as train did
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", f"smic:{root}", "--modality", "VIS",
                 "--out", str(tmp_path / "ev"), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "(6 samples)" in out and "note: the checkpoint was trained on" not in out
    ev = json.loads((tmp_path / "ev" / "run.json").read_text())
    assert ev["n_samples"] == 6 and ev["data_fingerprint"] == spec["data_fingerprint"]
    assert ev["data"] == f"smic:{root} --modality VIS" and ev["loader_options"] == {"modality": "VIS"}
    # the same --data read without it is the HS camera: said, since the checkpoint was trained on VIS
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", f"smic:{root}", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "(9 samples)" in out
    assert f"note: the checkpoint was trained on smic:{root} read with --modality VIS; this evaluation read it " \
           "with the loader defaults" in out


def test_a_resume_with_another_camera_is_refused_as_other_data(tmp_path, tiny_config, capsys):
    """The VIS folder a byte copy of the HS one: the same names, subjects, labels and pixels. Still other data."""
    root = smic_tree(tmp_path / "SMIC", {"HS": CLIPS[:6]})
    shutil.copytree(root / "SMIC_all_raw" / "HS", root / "SMIC_all_raw" / "VIS")
    run = tmp_path / "run"
    args = ["train", "--data", f"smic:{root}", "--out", str(run), "--config", str(tiny_config), *TINY]
    assert main(args) == 0
    first = json.loads((run / "run.json").read_text())
    capsys.readouterr()
    assert main([*args, "--modality", "VIS"]) == 3  # an OutputError, as any other data refused
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (f"merstudio: error: {run}: holds a run with different settings (data_fingerprint); use another "
                   "folder (out_dir= / --out) to start a new run")
    # the loader's default named: the same data, so the same run (resumed, nothing to do)
    assert main([*args, "--modality", "HS"]) == 0
    assert json.loads((run / "run.json").read_text()) == first


def test_the_fingerprint_tells_the_cameras_apart_and_keeps_old_runs(tmp_path, monkeypatch):
    from merstudio.datasets import LoadOptions
    from merstudio.training.data import load_arrays
    from merstudio.training.run import data_fingerprint

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    root = smic_tree(tmp_path / "SMIC", {"HS": CLIPS[:3]})
    shutil.copytree(root / "SMIC_all_raw" / "HS", root / "SMIC_all_raw" / "VIS")
    quiet = {"log": lambda *a, **k: None, "size": 28}
    plain, info = load_arrays(f"smic:{root}", **quiet)
    hs, _ = load_arrays(f"smic:{root}", options=LoadOptions(modality="HS"), **quiet)
    vis, vinfo = load_arrays(f"smic:{root}", options=LoadOptions(modality="VIS"), **quiet)
    np.testing.assert_array_equal(plain.X, vis.X)  # the same frames ...
    assert data_fingerprint(vis) != data_fingerprint(plain) == data_fingerprint(hs)  # ... but not the same data
    assert info["loader_options"] == {} and vinfo["loader_options"] == {"modality": "VIS"}
    # a subset (a fold's training rows) keeps what it was read with
    assert vis.subset(np.arange(2)).options == "modality=VIS" and plain.options == ""


@pytest.mark.parametrize(("data", "flags", "message"), [
    ("casme2:{root}", ["--modality", "VIS"], "--modality VIS: applies to smic only, not to casme2"),
    ("megc2019:{root}", ["--modality", "NIR"], "--modality NIR: applies to smic only, not to megc2019 (the MEGC2019 "
                                               "composite is defined on SMIC-HS)"),
    ("smic:{root}", ["--sheet", "codes.xlsx"], "--sheet codes.xlsx: applies to casme2, casme, samm, casme_sq, "
                                               "casme3a only, not to smic (SMIC has no annotation sheet: the label "
                                               "is the folder name)"),
    ("{root}/samples.csv", ["--variant", "cropped"], "--variant cropped: applies to casme2, casme, samm, smic, "
                                                      "casme_sq, megc2019 only, not to table"),
    ("samm:{root}", ["--gt", "gt.csv"], "--gt gt.csv: applies to megc2019 only, not to samm"),
    ("casme2:{root}", ["--expression", "macro"], "--expression macro: applies to casme_sq only, not to casme2"),
    ("smic:{root}", ["--sadness-fear", "others"], "--sadness-fear others: applies to the casme2-5 class map "
                                                   "(CASME II's default) only, not to smic-3"),
    ("casme2:{root}", ["--sadness-fear", "others", "--classes", "megc2019"],
     "--sadness-fear others: applies to the casme2-5 class map (CASME II's default) only, not to megc2019"),
])
def test_an_option_the_kind_does_not_read_is_refused_in_one_line(tmp_path, capsys, monkeypatch, data, flags,
                                                                 message):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    spec = data.format(root=tmp_path)
    kind, _, root = spec.rpartition(":")
    expected = f"merstudio: error: {message}"
    out = tmp_path / "out"
    for argv in (["train", "--data", spec, "--out", str(out), *TINY, *flags],
                 ["ablate", "--data", spec, "--out", str(out), *TINY, *flags],
                 ["tune", "--data", spec, "--out", str(out), *TINY, *flags],
                 ["evaluate", "--checkpoint", str(tmp_path / "none.pt"), "--data", spec, *flags],
                 ["datasets", "inspect", kind or "table", root, *flags],
                 ["datasets", "prepare", kind or "table", root, *flags]):
        rc = main(argv)
        assert (rc, capsys.readouterr().err.strip()) == (2, expected), argv
    assert not out.exists()


def test_one_definition_of_the_loader_options_everywhere():
    """The same flags, choices, defaults and help on `datasets inspect|prepare` and the research commands."""
    parser = build_parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    datasets = next(a for a in subs["datasets"]._actions if isinstance(a, argparse._SubParsersAction)).choices

    def loader(p: argparse.ArgumentParser, prefix: str = "--") -> dict:
        names = ("sheet", "variant", "modality", "expression", "gt", "sadness-fear")
        return {a.option_strings[0][len(prefix):]: (a.choices, a.default, a.help, a.type, a.metavar)
                for a in p._actions if a.option_strings and a.option_strings[0][len(prefix):] in names}

    reference = loader(datasets["inspect"])
    assert set(reference) == {"sheet", "variant", "modality", "expression", "gt", "sadness-fear"}
    assert reference["modality"][:2] == (("HS", "VIS", "NIR"), None)  # not given: the loader's HS
    for p in (datasets["prepare"], subs["train"], subs["evaluate"], subs["ablate"], subs["tune"]):
        assert loader(p) == reference, p.prog
    # finetune's --mix dataset: the same options for it, named --mix-...
    mix = loader(subs["finetune"], "--mix-")
    assert {k: v[:2] for k, v in mix.items()} == {k: v[:2] for k, v in reference.items()}


def test_every_option_reaches_the_loader(tmp_path, monkeypatch):
    """--sheet, --variant, --expression, --gt and --sadness-fear go to load_samples as `datasets inspect` passes
    them, and a run's description says them."""
    import merstudio.datasets as datasets
    from merstudio.datasets import LoadOptions
    from merstudio.training.data import load_arrays

    seen: list[dict] = []

    class Stop(Exception):
        pass

    def load_samples(kind, root, **kw):
        seen.append({"kind": kind, **kw})
        raise Stop

    monkeypatch.setattr(datasets, "load_samples", load_samples)
    for spec, opts in ((f"casme2:{tmp_path}", LoadOptions(sheet="Sheet1", variant="raw", sadness_fear="others")),
                       (f"casme_sq:{tmp_path}", LoadOptions(expression="all", variant="cropped")),
                       (f"megc2019:{tmp_path}", LoadOptions(gt=tmp_path / "gt.csv", variant="selected"))):
        with pytest.raises(Stop):
            load_arrays(spec, options=opts, log=lambda *a, **k: None)
    assert [{k: v for k, v in s.items() if v is not None} for s in seen] == [
        {"kind": "casme2", "sheet": "Sheet1", "variant": "raw", "modality": "HS", "expression": "micro",
         "sadness_fear": "others", "allow_missing": False, "verbose": False},
        {"kind": "casme_sq", "variant": "cropped", "modality": "HS", "expression": "all", "allow_missing": False,
         "verbose": False},
        {"kind": "megc2019", "variant": "selected", "modality": "HS", "expression": "micro", "gt": tmp_path / "gt.csv",
         "allow_missing": False, "verbose": False}]
    opts = LoadOptions(variant="cropped", gt="/data/my gt.csv")
    assert opts.describe("megc2019:/data/megc") == "megc2019:/data/megc --variant cropped --gt '/data/my gt.csv'"
    assert opts.identity() == "variant=cropped"  # files are named as the folder spells them: not the data's identity
