"""A malformed value, an unknown choice or any other usage error is one line naming the option and what it takes
(exit 2), as a number out of bounds already was (merstudio.cli.bounds): argparse printed its usage first, 3-19
lines. train, tune and finetune refuse what they can before reading the data (a bad --device, a read-only --out,
a --config's bad value, named by its file); --val-fraction says its real range (below 1), --mixup too (finite);
an inner validation split that leaves a fold one subject to train on is said (a115 findings 1, 2 and 5, h318)."""

from __future__ import annotations

import argparse
import json
import tempfile

import numpy as np
import pytest
from support.cli_run import run

# (argv with {t} for the test's folder, the start of the one error line after "merstudio: error: ")
USAGE = [
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--max-faces", "1,5"], "--max-faces must be a whole number from 1 to 100 (got '1,5')"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--max-faces", "nan"], "--max-faces must be a whole number from 1 to 100 (got 'nan')"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--max-faces", ""], "--max-faces must be a whole number from 1 to 100 (got '')"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--max-faces", "1e999"], "--max-faces must be a whole number"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--flow", "bogus"], "--flow must be one of dis, farneback, tvl1 (got 'bogus')"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--rotate", "45"], "--rotate must be one of auto, 0, 90, 180, 270 (got '45')"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--format", "xls"], "--format must be one of csv, parquet (got 'xls')"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--epochs", "nan"], "--epochs must be a whole number from 1 to"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--lr", "0,001"],
     "--lr must be a positive number up to 10 (got '0,001'; write a decimal with a point (0.001))"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--val-fraction", "1"], "--val-fraction must be below 1 (got 1)"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--val-fraction", "x"],
     "--val-fraction must be a number from 0 to below 1 (got 'x')"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--mixup", "-1"], "--mixup must be a finite number of at least 0 (got -1)"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--mixup", "inf"], "--mixup must be a finite number of at least 0 (got inf)"),
    (["tune", "--data", "{t}/none.csv", "--out", "{t}/r", "--search", "bogus"], "--search must be one of grid, random (got 'bogus')"),
    (["convert", "{t}/a.eaf", "{t}/b.eaf", "--fps", "1,5"], "--fps must be a positive number from 0.01 up to 10000 (got '1,5'"),
    (["convert", "{t}/a.eaf", "{t}/b.eaf", "--status", "done"], "--status must be one of proposal, accepted, rejected (got 'done')"),
    (["finetune", "--project", "{t}/p.merproj", "--checkpoint", "{t}/c.pt", "--seed", "nan"], "--seed must be a whole number from 0"),
    (["agreement", "{t}/p.merproj", "--tolerance", "nan"], "--tolerance must be a whole number from 0 to"),
    (["agreement", "{t}/p.merproj", "--tolerance", "-1"], "--tolerance must be at least 0 (got -1)"),
    (["agreement", "{t}/p.merproj", "--iou", "0"], "--iou must be a positive number up to 1 (got 0)"),
    (["project", "set-fps", "{t}/p.merproj", "2", "1,5"], "FPS must be a positive number from 0.01 up to 10000 (got '1,5'"),
    (["neutral", "{t}/a.csv", "{t}/b.csv", "--frames", "-5-10"],
     "--frames needs a value; one that starts with '-' is written --frames=-5-10 (see merstudio neutral --help)"),
    (["agreement", "{t}/p.merproj", "--one-based", "--zero-based"], "--zero-based and --one-based cannot be given together"),
    (["doctor", "--bogus"], "unrecognized arguments: --bogus (see merstudio doctor --help)"),
    (["train", "--data", "{t}/none.csv"], "missing --out (see merstudio train --help)"),
    (["analyze", "{t}/v.mp4", "-o", "{t}/o", "--plot=3"], "--plot takes no value (got '3')"),
    (["bogus"], "'bogus': no such command of merstudio (it has analyze, "),
    (["datasets", "bogus"], "'bogus': no such command of merstudio datasets (it has inspect, classes, prepare)"),
]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    """Exit code and stderr of `merstudio argv`, whether the parser exits (argparse) or main returns."""
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exc:
        code, err = int(exc.code or 0), capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("argv, line", USAGE, ids=[" ".join(a[:1] + a[-2:]) for a, _ in USAGE])
def test_a_usage_error_is_one_line_naming_the_option(tmp_path, capsys, argv, line) -> None:
    code, err = _run(capsys, [a.format(t=tmp_path) for a in argv])
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"merstudio: error: {line}"), err
    assert "usage:" not in err
    assert list(tmp_path.iterdir()) == []  # nothing made, no project opened


def test_a_malformed_number_of_a_plain_option_is_one_line(capsys) -> None:
    """Options of a plain int type (neutral --face) are worded by the parser class (spotting --iou is bounded since
    h327: tests/cli/test_tonight_fixes_h327.py)."""
    from merstudio.cli.main import build_parser

    parser = build_parser()
    for argv, line in ((["neutral", "a.csv", "b.csv", "--face", "x"], "--face must be a whole number (got 'x')"),):
        with pytest.raises(SystemExit) as refused:
            parser.parse_args(argv)
        assert refused.value.code == 2
        assert capsys.readouterr().err == f"merstudio: error: {line}\n"


def _train(tmp_path, *extra: object) -> list[object]:
    """A train command whose data do not exist: a refusal naming anything else came before reading them."""
    return ["train", "--data", f"table:{tmp_path / 'none.csv'}", "--out", tmp_path / "run", "-q", *extra]


@pytest.mark.parametrize("command", ["train", "tune"])
def test_a_bad_device_is_refused_before_the_data_is_read(tmp_path, capsys, command) -> None:
    argv = _train(tmp_path, "--device", "bogus")
    argv[0] = command
    code, err = _run(capsys, [str(a) for a in argv])
    assert code == 2 and err == "merstudio: error: --device 'bogus': expected auto, cpu, cuda or cuda:N\n", err
    assert list(tmp_path.iterdir()) == []


def test_cuda_without_a_gpu_is_refused_before_the_data_is_read(tmp_path, capsys) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    code, err = _run(capsys, [str(a) for a in _train(tmp_path, "--device", "cuda")])
    assert code == 2 and err.startswith("merstudio: error: --device cuda: CUDA is not available"), err


def test_finetune_refuses_a_bad_device_before_the_project_is_read(tmp_path, capsys) -> None:
    (tmp_path / "c.pt").write_bytes(b"x")
    code, err = _run(capsys, ["finetune", "--project", str(tmp_path / "none.merproj"), "--checkpoint",
                              str(tmp_path / "c.pt"), "--device", "gpu", "-q"])
    assert code == 2 and err == "merstudio: error: --device 'gpu': expected auto, cpu, cuda or cuda:N\n", err


def test_a_read_only_out_is_refused_before_the_data_is_read(tmp_path, capsys, monkeypatch) -> None:
    """As root a mode check passes every folder: the probe file is what tells (here refused as a read-only
    folder refuses it)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    made = tempfile.mkstemp

    def mkstemp(*args, **kw):
        if str(kw.get("dir")) == str(ro):
            raise PermissionError(13, "Permission denied")
        return made(*args, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    argv = ["train", "--data", f"table:{tmp_path / 'none.csv'}", "--out", str(ro / "run"), "-q"]
    code, err = _run(capsys, argv)
    assert code == 3 and err == (f"merstudio: error: --out {ro / 'run'}: cannot be made in {ro} (Permission denied); "
                                 "give a folder you can write\n"), err
    code, err = _run(capsys, [*argv[:4], str(ro), "-q"])
    assert code == 3 and err.startswith(f"merstudio: error: --out {ro}: cannot write in it (Permission denied)"), err
    assert list(ro.iterdir()) == []


@pytest.mark.parametrize("train, line", [
    ({"lr": "fast"}, "lr must be a positive number up to 10, got 'fast'"),
    ({"mixup": -1}, "mixup must be a finite number of at least 0, got -1"),
    ({"val_fraction": 1}, "val_fraction must be a number from 0 to below 1, got 1"),
])
def test_a_config_value_is_refused_before_the_data_is_read_naming_the_file(tmp_path, capsys, train, line) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"train": train}))
    code, err = _run(capsys, [str(a) for a in _train(tmp_path, "--config", config)])
    assert code == 2 and err == f"merstudio: error: {config}: {line}\n", err


def test_a_config_width_is_named_by_its_file(tmp_path, capsys) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"model": {"width": 0}}))
    code, err = _run(capsys, [str(a) for a in _train(tmp_path, "--config", config)])
    assert code == 2 and err == f"merstudio: error: {config}: width must be from 4 to 512, got 0\n", err


def test_an_inner_split_that_leaves_one_subject_to_fit_is_said() -> None:
    from merstudio.cli.train import thin_fit_warning
    from merstudio.training.checks import thin_inner_fit
    from merstudio.training.protocols import make_folds

    subjects = np.array(["s1", "s1", "s2", "s3", "s4"])  # LOSO: 3 training subjects per fold
    folds = make_folds(subjects, "loso")
    assert thin_inner_fit(subjects, folds, 0.0) is None
    assert thin_inner_fit(subjects, folds, 0.2) is None  # 1 of 3 validates, 2 fit
    assert thin_inner_fit(subjects, folds, 0.9) == 3  # 2 of 3 validate, 1 fits
    data = argparse.Namespace(subjects=subjects, datasets=None)
    args = argparse.Namespace(protocol="loso", val_fraction=0.9, config=None)
    line = thin_fit_warning(args, data, argparse.Namespace(val_fraction=0.9, seed=0))
    assert line == ("warning: --val-fraction 0.9 holds out 2 of a fold's 3 training subjects to choose the epoch on, "
                    "leaving 1 to train on: each model learns one person (a smaller fraction, e.g. 0.2, or leave it "
                    "out)")
    args = argparse.Namespace(protocol="loso", val_fraction=None, config="c.json")
    assert thin_fit_warning(args, data, argparse.Namespace(val_fraction=0.9, seed=0)).startswith(
        "warning: c.json's val_fraction 0.9 holds out")
    assert thin_fit_warning(args, data, argparse.Namespace(val_fraction=0.2, seed=0)) is None


def _events_csv(path):
    path.write_text("onset,apex,offset,aus,emotion,face_id\n45,50,57,12,happiness,0\n120,125,133,4,anger,0\n")
    return path


def test_a_media_that_is_not_here_is_said_before_the_preview(tmp_path, capsys) -> None:
    events = _events_csv(tmp_path / "e.csv")
    code, out, err = run(capsys, "convert", events, tmp_path / "x.eaf", "--media", tmp_path / "nope.mp4")
    assert code == 2 and out == "", out  # no preview of what would then not be written
    assert err == (f"merstudio: error: --media {tmp_path / 'nope.mp4'}: not found; give the video's path (its rate "
                   "times the events), or the rate with --fps\n"), err
    code, out, err = run(capsys, "convert", events, tmp_path / "x.eaf", "--media", r"C:\videos\clip.mp4")
    assert code == 2 and out == "" and "another system's path, so its frame rate is unknown here; give it with --fps" \
        in err, err
    code, out, err = run(capsys, "convert", events, tmp_path / "x.eaf", "--media", r"C:\videos\clip.mp4", "--fps",
                         "30", "--yes")
    assert code == 0 and (tmp_path / "x.eaf").is_file(), err


def test_the_media_is_opened_once(tmp_path, capsys, monkeypatch) -> None:
    """Each open said the video's warnings again (a PNG given as --media warned twice)."""
    from support.cli_run import tiny_video

    import merstudio.io

    video = tiny_video(tmp_path / "clip.avi", n=150)
    opened, real_open = [], merstudio.io.open_source

    def open_source(path, *args, **kw):
        opened.append(path)
        return real_open(path, *args, **kw)

    monkeypatch.setattr(merstudio.io, "open_source", open_source)
    code, _, err = run(capsys, "convert", _events_csv(tmp_path / "e.csv"), tmp_path / "x.eaf", "--media", video,
                       "--yes")
    assert code == 0, err
    assert opened == [video]


HOLD = ("import sys, time\nfrom merstudio.project.lock import ProjectLock\n"
        "claim = ProjectLock.acquire(sys.argv[1]); print('held', flush=True); time.sleep(60)\n")


def test_a_project_another_program_has_open_is_refused_with_one_code(tmp_path, capsys) -> None:
    """Exit 2 (another program writing it, README's rule) from every command that edits it, as `project compact`
    says it; an edit was opened read-only and failed at its write, exit 3 (convert --import after its preview)."""
    import subprocess
    import sys

    from support.cli_run import tiny_video

    video = tiny_video(tmp_path / "clip.avi", n=150)
    project = tmp_path / "p.merproj"
    assert run(capsys, "project", "new", project, video)[0] == 0
    before = project.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(project)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for argv in (["project", "add", project, tiny_video(tmp_path / "b.avi", n=5)],
                     ["project", "subject", project, "1", "S1"],
                     ["convert", "--project", project, "--import", _events_csv(tmp_path / "e.csv"), "--yes"],
                     ["project", "compact", project]):
            code, out, err = run(capsys, *argv)
            assert code == 2 and len(err.splitlines()) == 1, (argv, err)
            assert err.startswith(f"merstudio: error: {project}: in use by merstudio (pid {holder.pid} "), err
            assert "event(s) to import" not in out  # refused before the preview
    finally:
        holder.kill()
        holder.wait()
    assert project.read_bytes() == before
