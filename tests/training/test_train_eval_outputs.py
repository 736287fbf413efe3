"""train / tune / evaluate / ablate: chosen.json's input settings, run folders of another command, evaluation
figures over unseen subjects, the checkpoint's input in evaluate, the preparation's progress bar, --final checked up
front, and the console's bars and lines."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.flow_tables import write_tiny_config

import merstudio.training.data as data_mod
from merstudio.cli import train as train_cli
from merstudio.cli.main import main
from merstudio.errors import InputError

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


@pytest.fixture
def tiny_config(tmp_path):
    return write_tiny_config(tmp_path / "cfg.json")


def _args(config: Path | None, **flags) -> argparse.Namespace:
    base = {"config": config, "input": None, "size": None, "steps": None, "step_spacing": None, "framing": None}
    return argparse.Namespace(**{**base, **flags})


# ------------------------------------------------------------------ 1. chosen.json carries the input settings
def test_a_configs_input_is_applied_where_no_flag_gives_it_and_a_different_flag_is_refused(tmp_path):
    cfg = tmp_path / "chosen.json"
    cfg.write_text(json.dumps({"model": {}, "train": {}, "input": {
        "modality": "flow+grey", "size": 32, "T": 3, "spacing": "even", "flow_method": "farneback",
        "framing": [0.143, 0.201, 0.857, 0.916]}}))
    args = _args(cfg)
    assert train_cli.apply_config_input(args) == "farneback"
    assert (args.input, args.size, args.steps, args.step_spacing) == ("flow+grey", 32, 3, "even")
    assert args.framing == "0.143,0.201,0.857,0.916"
    # the same values given as flags (other spellings included): accepted
    same = _args(cfg, input="both", size=32, steps=3, step_spacing="even", framing="megc2019")
    train_cli.apply_config_input(same)
    for flag, value in (("steps", 2), ("input", "flow"), ("framing", "whole"), ("size", 28),
                        ("step_spacing", "late")):
        with pytest.raises(InputError, match=f"--{flag.replace('_', '-')} {value}: .*chosen.json was chosen on"):
            train_cli.apply_config_input(_args(cfg, **{flag: value}))
    # a config without an input (written by hand, or before chosen.json had one): flags and defaults as before
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"model": {}}))
    args = _args(plain)
    assert train_cli.apply_config_input(args) == "dis" and args.steps is None and args.framing is None


def test_tune_writes_the_input_into_chosen_json_and_train_config_trains_on_it(tmp_path, flow_table, tiny_config,
                                                                              monkeypatch, capsys):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = str(flow_table(tmp_path / "data", n=16, n_subjects=4))
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"params": {"train.lr": [1e-3]}, "search": "grid", "inner": "kfold:2"}))
    assert main(["tune", "--data", table, "--out", str(tmp_path / "tune"), "--space", str(space), "--config",
                 str(tiny_config), "--steps", "2", "--framing", "megc2019", *TINY]) == 0
    chosen = json.loads((tmp_path / "tune" / "chosen.json").read_text())
    assert chosen["input"]["T"] == 2 and chosen["input"]["framing"] == [0.143, 0.201, 0.857, 0.916]
    capsys.readouterr()
    run = tmp_path / "run"
    assert main(["train", "--data", table, "--out", str(run), "--protocol", "kfold:2", "--config",
                 str(tmp_path / "tune" / "chosen.json"), "--device", "cpu", "--no-progress"]) == 0
    spec = json.loads((run / "run.json").read_text())
    assert spec["input"]["T"] == 2 and spec["input"]["framing"] == chosen["input"]["framing"]
    assert spec["model"]["T"] == 2
    capsys.readouterr()
    assert main(["train", "--data", table, "--out", str(tmp_path / "run2"), "--protocol", "kfold:2", "--config",
                 str(tmp_path / "tune" / "chosen.json"), "--steps", "1", *TINY]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--steps 1: " in err and "was chosen on steps 2" in err
    assert not (tmp_path / "run2").exists()


# ------------------------------------------------------------------ 2. one command's run folder is not another's
@pytest.mark.parametrize(("files", "said"), [
    ({"run.json": {"protocol": "loso"}, "metrics.json": {}}, "holds a `merstudio train` run (loso)"),
    ({"tune.json": {}, "chosen.json": {}}, "holds a `merstudio tune` search"),
    ({"ablation.md": "# Ablation (loso)\n"}, "holds a `merstudio ablate` table"),  # as run_ablation begins it
])
def test_evaluate_refuses_another_commands_run_folder_even_with_overwrite(tmp_path, capsys, files, said):
    from merstudio.resources import starter_checkpoint

    out = tmp_path / "run"
    out.mkdir()
    for name, body in files.items():
        (out / name).write_text(body if isinstance(body, str) else json.dumps(body))
    before = {p.name: p.read_text() for p in out.iterdir()}
    for extra in ([], ["--overwrite"]):
        code = main(["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", str(tmp_path / "none.csv"),
                     "--out", str(out), *extra])
        err = capsys.readouterr().err
        assert code == 3 and said in err and "pick another --out" in err and err.count("\n") == 1, err
    assert {p.name: p.read_text() for p in out.iterdir()} == before


def test_evaluate_without_overwrite_says_the_folder_holds_an_earlier_evaluation(tmp_path, capsys):
    from merstudio.resources import starter_checkpoint

    out = tmp_path / "ev"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"protocol": "evaluate", "checkpoint": "old.pt"}))
    (out / "metrics.json").write_text("{}")
    code = main(["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", str(tmp_path / "none.csv"),
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 3 and "of an earlier evaluation (of old.pt)" in err and "--overwrite" in err


@pytest.mark.parametrize("command", ["train", "ablate", "tune"])
def test_train_ablate_tune_refuse_an_evaluation_folder(tmp_path, capsys, command):
    out = tmp_path / "ev"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"protocol": "evaluate", "checkpoint": "model.pt"}))
    code = main([command, "--data", str(tmp_path / "none.csv"), "--out", str(out), *TINY])
    err = capsys.readouterr().err
    assert code == 3 and "holds an evaluation (merstudio evaluate of model.pt); pick another --out" in err
    assert err.count("\n") == 1


# ------------------------------------------------------------------ 3, 4. evaluate's figures and its input
def test_evaluate_reports_unseen_subjects_apart_and_words_a_plain_evaluation(tmp_path, flow_table, tiny_config,
                                                                             monkeypatch, capsys):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    rows = table.read_text().splitlines()
    half = table.parent / "half.csv"  # s00, s01 train the checkpoint; s02, s03 it has never seen
    half.write_text("\n".join([rows[0]] + [r for r in rows[1:] if r.split(",")[0] in ("s00", "s01")]) + "\n")
    ckpt = tmp_path / "model.pt"
    assert main(["train", "--data", str(half), "--out", str(tmp_path / "run"), "--protocol", "kfold:2", "--final",
                 str(ckpt), "--config", str(tiny_config), *TINY]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--out", str(tmp_path / "ev"),
                 "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "(24 samples), all 4 subjects including the 2 it was trained on: accuracy" in out
    assert "unseen subjects only (2 subjects, 12 samples): accuracy" in out
    # flow images with the checkpoint's framing: no advice to give an option evaluate does not have
    assert "--framing megc2019" in out and "give --framing" not in out
    assert "evaluate uses the checkpoint's input settings" in out
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert metrics["unseen"]["n"] == 12 and metrics["unseen"]["n_subjects"] == 2
    summary = (tmp_path / "ev" / "summary.md").read_text()
    assert "## Metrics over all 4 subjects, including the 2 that trained the checkpoint" in summary
    assert "## Unseen subjects only (2 subjects that did not train the checkpoint)" in summary
    assert "folds pooled" not in summary and "pooled over" not in summary
    # on people it has never met, no split (other ids: one a training subject had is said apart, h277)
    other = flow_table(tmp_path / "o", seed=9)
    other.write_text(other.read_text().replace("\ns", "\np"))
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(other),
                 "--out", str(tmp_path / "ev2"), "--device", "cpu"]) == 0
    summary = (tmp_path / "ev2" / "summary.md").read_text()
    assert "## Metrics (every sample predicted once)" in summary and "Unseen subjects only" not in summary


def test_evaluate_warns_when_a_multi_step_checkpoint_meets_single_flow_images(tmp_path, flow_table, tiny_config,
                                                                              monkeypatch, capsys):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = str(flow_table(tmp_path / "data", n=16, n_subjects=4))
    ckpt = tmp_path / "t2.pt"
    assert main(["train", "--data", table, "--out", str(tmp_path / "run"), "--protocol", "kfold:2", "--final",
                 str(ckpt), "--steps", "2", "--config", str(tiny_config), *TINY]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", table, "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "warning: t2.pt takes 2 time steps over a clip's onset -> apex" in out
    assert "holds single flow images" in out


def test_the_confusion_png_says_its_colour_is_per_row(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from merstudio.training.metrics import save_confusion_png

    figs = []
    real = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (figs.append(self), real(self, *a, **k))[1])
    save_confusion_png([[3, 1], [0, 4]], ["a", "b"], tmp_path / "c.png", title="all 8 samples, UF1 0.870")
    ax, bar = figs[0].axes
    assert "normalised per row" in ax.get_title() and "all 8 samples" in ax.get_title()
    assert "row" in bar.get_ylabel()


# ------------------------------------------------------------------ 5. the preparation's progress bar
@pytest.mark.parametrize("command", ["train", "ablate", "tune", "evaluate"])
def test_the_data_preparation_reports_progress_unless_quiet(tmp_path, monkeypatch, capsys, command):
    from merstudio.resources import starter_checkpoint

    given = []

    def stop(*a, **k):
        given.append(k.get("progress"))
        raise InputError("stopped here")

    monkeypatch.setattr(data_mod, "load_arrays", stop)
    table = tmp_path / "t.csv"
    # a row of a class the starter knows: evaluate checks the table's classes before preparing it (h281)
    table.write_text("subject,sample,label,path\ns1,a,positive,a.png\n")
    (tmp_path / "a.png").write_bytes(b"")  # never decoded: load_arrays is stopped
    extra = ["--checkpoint", str(starter_checkpoint())] if command == "evaluate" else ["--out", str(tmp_path / "o")]
    for quiet in ([], ["-q"]):
        assert main([command, "--data", str(table), *extra, *quiet]) == 2
    assert callable(given[0]) and given[1] is None
    capsys.readouterr()
    given[0](1, 2)  # a tqdm bar on stderr, as `merstudio datasets prepare` shows
    given[0](2, 2)
    assert "preprocess" in capsys.readouterr().err


# ------------------------------------------------------------------ 6. --final checked before the work
@pytest.mark.skipif(not Path("/proc").is_dir() or sys.platform != "linux", reason="needs /proc")
def test_train_refuses_an_unwritable_final_path_before_the_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data_mod, "load_arrays", lambda *a, **k: pytest.fail("the data was prepared"))
    code = main(["train", "--data", str(tmp_path / "t.csv"), "--out", str(tmp_path / "o"), "--final",
                 "/proc/x.pt", *TINY])
    err = capsys.readouterr().err
    assert code == 3 and err.startswith("merstudio: error: /proc/x.pt: cannot write") and err.count("\n") == 1


# ------------------------------------------------------------------ 7. the console
def test_epoch_bars_show_no_rate(capsys):
    bars = train_cli.Bars(enabled=True)
    bars.fold_done(0, 2)
    bars.progress(SimpleNamespace(fold="f1", epochs=3, epoch=1, loss=1.0, val_uf1=None))
    bars.progress(SimpleNamespace(fold="f1", epochs=3, epoch=3, loss=0.5, val_uf1=None))
    bars.fold_done(1, 2)
    bars.close()
    err = capsys.readouterr().err
    assert "loss=" in err and "epoch/s" not in err and "fold/s" not in err and "s/epoch" not in err


def test_a_fixed_search_parameter_is_said_in_one_write_with_its_newline(monkeypatch):
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, s: str) -> int:
            writes.append(s)
            return len(s)

    monkeypatch.setattr(sys, "stderr", Recorder())
    args = argparse.Namespace(space=None, search=None, trials=None, inner=None, epochs=2, lr=None, width=None,
                              mixup=None, batch_size=None, val_fraction=None)
    train_cli.search_spec(args, 0)
    said = [w for w in writes if "fixed" in w]
    assert len(said) == 1 and said[0].endswith("(train.epochs)\n")
