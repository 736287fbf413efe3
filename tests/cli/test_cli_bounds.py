"""Every command's numeric options: NaN, infinity, a value out of range or one that can only exhaust memory is one
line naming the option (exit 2), as the command line is read, before anything is made (merstudio.cli.bounds); an
output that a file stands in place of, a folder given as a file, and the like are one line naming the right thing."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.errors import InputError, OutputError

# (argv with {t} for the test's folder, the flag the one error line names)
CASES = [
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--lr", "nan"], "--lr"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--lr", "inf"], "--lr"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--seed", "-5"], "--seed"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--width", "99999"], "--width"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--size", "100000"], "--size"),
    (["train", "--data", "{t}/none.csv", "--out", "{t}/r", "--steps", "1000000"], "--steps"),
    (["ablate", "--data", "{t}/none.csv", "--out", "{t}/r", "--lr", "nan"], "--lr"),
    (["tune", "--data", "{t}/none.csv", "--out", "{t}/r", "--lr", "nan"], "--lr"),
    (["finetune", "--project", "{t}/p.merproj", "--checkpoint", "{t}/c.pt", "--lr", "nan"], "--lr"),
    (["finetune", "--project", "{t}/p.merproj", "--checkpoint", "{t}/c.pt", "--lr", "1e308"], "--lr"),
    (["finetune", "--project", "{t}/p.merproj", "--checkpoint", "{t}/c.pt", "--seed", "-1"], "--seed"),
    (["datasets", "prepare", "table:{t}/none.csv", "--size", "100000"], "--size"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "--segment-minutes", "inf"], "--segment-minutes"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "--fps", "nan"], "--fps"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "--fps", "-1"], "--fps"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "--fps", "1e308"], "--fps"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "--max-faces", "99999999999"], "--max-faces"),
    (["analyze", "{t}/none.mp4", "-o", "{t}/o", "-j", "99999999999"], "-j"),
    (["spotting", "--data", "table:{t}/none.csv", "-o", "{t}/o", "--fps", "inf"], "--fps"),
    (["spotting", "--data", "table:{t}/none.csv", "-o", "{t}/o", "--segment-minutes", "nan"], "--segment-minutes"),
    (["neutral", "{t}/none.csv", "{t}/n.csv", "--seconds", "1e308"], "--seconds"),
    (["reencode", "{t}/none.mp4", "{t}/r.mp4", "--keyint", "99999999999"], "--keyint"),
    (["reencode", "{t}/none.mp4", "{t}/r.mp4", "--fps", "100000"], "--fps"),
    (["reencode", "{t}/none.mp4", "{t}/r.mp4", "--fps", "1e-300"], "--fps"),
    (["bench", "memory", "--minutes", "inf"], "--minutes"),
    (["bench", "batch", "--videos", "-1"], "--videos"),
    (["bench", "batch", "--frames", "0"], "--frames"),
    (["convert", "{t}/none.events.csv", "{t}/cf.eaf", "--fps", "1e-300"], "--fps"),
    (["project", "new", "{t}/p.merproj", "--fps", "inf"], "--fps"),
]


@pytest.mark.parametrize("argv, flag", CASES, ids=[" ".join(a[:1] + a[-2:]) for a, _ in CASES])
def test_a_number_out_of_bounds_is_one_line_naming_its_option(tmp_path, capsys, argv, flag):
    code, _, err = run(capsys, *(a.format(t=tmp_path) for a in argv))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"merstudio: error: {flag} must be "), err
    assert list(tmp_path.iterdir()) == []  # no run folder, output folder or partial file


def test_the_words_commands_have_always_used_stay(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", tmp_path / "none.mp4", "-o", tmp_path / "o", "--segment-minutes", "0")
    assert code == 2 and err == "merstudio: error: --segment-minutes must be positive (got 0)\n"
    code, _, err = run(capsys, "reencode", tmp_path / "none.mp4", tmp_path / "r.avi", "--keyint", "0")
    assert code == 2 and err == "merstudio: error: --keyint must be at least 1 (got 0)\n"


def test_a_search_space_with_a_nan_learning_rate_is_refused_before_any_trial() -> None:
    from merstudio.cli.train import check_trials
    from merstudio.model.config import ModelConfig
    from merstudio.training.trainer import TrainSettings
    from merstudio.training.tune import SearchSpec

    spec = SearchSpec(params={"train.lr": [1e-3, math.nan]}, search="grid")
    with pytest.raises(InputError, match=r"search space \{'train.lr': nan\}: lr must be a positive number"):
        check_trials(spec, ModelConfig(), TrainSettings())


def test_mixup_infinity_from_a_flag_is_refused(tmp_path, capsys) -> None:
    from merstudio.model.config import ModelConfig
    from merstudio.training.checks import check_settings
    from merstudio.training.trainer import TrainSettings

    with pytest.raises(InputError, match="mixup must be a finite number"):
        check_settings(TrainSettings(mixup=math.inf), ModelConfig())
    with pytest.raises(InputError, match="seed must be a whole number from 0"):
        check_settings(TrainSettings(seed=-1), ModelConfig())


@pytest.mark.parametrize("command", ["train", "tune", "ablate"])
def test_a_file_named_as_the_run_folder_is_one_line(tmp_path, capsys, command) -> None:
    (tmp_path / "text.mp4").write_text("x")
    code, _, err = run(capsys, command, "--data", tmp_path / "none.csv", "--out", tmp_path / "text.mp4")
    assert code == 3 and err == (f"merstudio: error: {tmp_path / 'text.mp4'}: cannot create the folder "
                                 f"({tmp_path / 'text.mp4'} is a file, not a folder)\n")


def test_spotting_into_a_file_says_it_is_a_file(tmp_path, capsys) -> None:
    (tmp_path / "text.mp4").write_text("x")
    code, _, err = run(capsys, "spotting", "--data", f"table:{tmp_path / 'gt.csv'}", "-o", tmp_path / "text.mp4")
    assert code == 3 and "is a file, not a folder" in err and err.count("\n") == 1


def test_folders_and_files_given_in_each_others_place_are_named(tmp_path, capsys) -> None:
    (tmp_path / "adir").mkdir()
    (tmp_path / "text.mp4").write_text("x")
    code, _, err = run(capsys, "neutral", tmp_path / "adir", tmp_path / "n.csv")
    assert code == 2 and err == f"merstudio: error: {tmp_path / 'adir'}: is a folder, not a per-frame CSV\n"
    code, _, err = run(capsys, "convert", tmp_path / "adir", tmp_path / "x.events.csv")
    assert code == 2 and f"{tmp_path / 'adir'}: is a folder" in err and "extension" not in err
    code, _, err = run(capsys, "datasets", "inspect", "megc2019", tmp_path / "text.mp4")
    assert code == 2 and err.startswith(f"merstudio: error: {tmp_path / 'text.mp4'}: is a file"), err


def test_finetune_refuses_a_cache_that_is_a_file(tmp_path, capsys) -> None:
    (tmp_path / "text.mp4").write_text("x")
    code, _, err = run(capsys, "finetune", "--project", tmp_path / "p.merproj", "--checkpoint", tmp_path / "c.pt",
                       "--cache", tmp_path / "text.mp4", "-q")
    assert code == 3 and "is a file, not a folder" in err and err.count("\n") == 1


def test_bench_keeps_an_existing_json_without_overwrite(tmp_path, capsys) -> None:
    keep = tmp_path / "keep.json"
    keep.write_text("{}")
    code, _, err = run(capsys, "bench", "decode", "--json", keep)
    assert code == 3 and "already exists (use --overwrite)" in err and keep.read_text() == "{}"


def test_a_copy_already_in_the_project_is_named(tmp_path, capsys) -> None:
    clip = tiny_video(tmp_path / "clip.avi", n=5)
    shutil.copy(clip, tmp_path / "clip2.avi")
    code, out, _ = run(capsys, "project", "new", tmp_path / "dup.merproj", clip, tmp_path / "clip2.avi")
    assert code == 0 and f"already in the project (the same content as {tmp_path / 'clip2.avi'})" in out


@pytest.mark.parametrize("command", ["convert", "project", "neutral", "reencode"])
def test_help_descriptions_are_wrapped(capsys, monkeypatch, command) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        run(capsys, command, "--help")
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]  # after the usage
    assert max(len(line) for line in description.splitlines()) <= 80, description


def test_a_segment_length_of_infinity_is_one_segment() -> None:
    """The core's own check behind --segment-minutes (merstudio.analysis.segments)."""
    from merstudio.analysis.segments import plan_segments

    assert plan_segments(1000, 30.0, math.inf) == [(0, 1000)]
    with pytest.raises(InputError, match="segment length must be positive"):
        plan_segments(1000, 30.0, math.nan)


def test_reencode_refuses_a_rate_or_keyframe_gap_the_writer_cannot_take(tmp_path) -> None:
    """The core's own checks behind reencode --fps / --keyint (merstudio.io.reencode)."""
    from merstudio.io.reencode import reencode

    clip = tiny_video(tmp_path / "clip.avi", n=3)
    with pytest.raises(InputError, match="fps must be a positive number"):
        reencode(clip, tmp_path / "r.mp4", fps=1e6)
    with pytest.raises(OutputError, match="keyint must be from 1"):
        reencode(clip, tmp_path / "r.mp4", keyint=2**40)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.avi"]


def test_one_line_helper_paths_are_not_touched(tmp_path: Path) -> None:
    """check_output_folder makes nothing (a refused run leaves no folder)."""
    from merstudio.cli.main import check_output_folder

    check_output_folder(tmp_path / "a" / "b")
    assert list(tmp_path.iterdir()) == []
