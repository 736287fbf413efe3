"""`merstudio datasets inspect | classes | prepare` on fake trees."""

from __future__ import annotations

import pytest
from support.cli_run import run_datasets

from merstudio.errors import InputError


def test_inspect_prints_counts_class_map_and_drops(tmp_path, make, capsys):
    make.casme2(tmp_path)
    assert run_datasets(["datasets", "inspect", "casme2", str(tmp_path), "--list"]) == 0
    out = capsys.readouterr().out
    assert "casme2: 5 samples, 3 subjects, 5 classes" in out
    assert "casme2_sub01" in out and "happiness" in out
    assert "class map casme2-5: 0 happiness, 1 disgust, 2 repression, 3 surprise, 4 others" in out
    assert "dropped (label maps to no class): 1" in out and "casme2:sadness: 1" in out
    assert "middle frame 23" in out  # the ApexFrame '/' note
    assert "casme2/casme2_sub04/EP12_01f" in out  # --list


def test_inspect_allow_missing_lists_skipped(tmp_path, make, capsys):
    make.casme2(tmp_path)
    import shutil

    shutil.rmtree(tmp_path / "CASME2_RAW_selected" / "sub01" / "EP02_01f")
    with pytest.raises(InputError, match="row 2: clip folder not found"):
        run_datasets(["datasets", "inspect", "casme2", str(tmp_path)])
    assert run_datasets(["datasets", "inspect", "casme2", str(tmp_path), "--allow-missing",
                         "--classes", "casme2-5-merge"]) == 0
    out = capsys.readouterr().out
    assert "skipped: 2" in out and "row 2: clip folder not found" in out and "class 'happiness'" in out


def test_classes_and_prepare(tmp_path, make, capsys):
    assert run_datasets(["datasets", "classes", "megc2019"]) == 0
    out = capsys.readouterr().out
    assert "class map megc2019: 0 negative, 1 positive, 2 surprise" in out and "samm:" in out
    make.smic(tmp_path)
    assert run_datasets(["datasets", "prepare", "smic", str(tmp_path), "--no-align", "--size", "28",
                         "--cache", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    # SMIC is clips: two steps, as `merstudio train` prepares them by default, so this fills the cache it reads
    assert "5 samples -> (5, 2, 3, 28, 28) float32; computed 5, from cache 0" in out
    assert run_datasets(["datasets", "prepare", "smic", str(tmp_path), "--no-align", "--size", "28", "--T", "1",
                         "--cache", str(tmp_path / "cache")]) == 0
    assert "5 samples -> (5, 1, 3, 28, 28) float32; computed 5, from cache 0" in capsys.readouterr().out


def test_help_everywhere(capsys):
    for argv in (["datasets", "--help"], ["datasets", "inspect", "--help"], ["datasets", "classes", "--help"],
                 ["datasets", "prepare", "--help"]):
        with pytest.raises(SystemExit) as exc:
            run_datasets(argv)
        assert exc.value.code == 0
    assert "--allow-missing" in capsys.readouterr().out


def test_the_dataset_is_named_as_train_names_it(tmp_path, make, capsys):
    # `merstudio train --data smic:ROOT --steps 1 --step-spacing even --input flow+grey`: the same words here
    make.smic(tmp_path)
    assert run_datasets(["datasets", "inspect", f"smic:{tmp_path}"]) == 0
    assert "smic: 5 samples" in capsys.readouterr().out
    assert run_datasets(["datasets", "prepare", f"smic:{tmp_path}", "--no-align", "--size", "28", "--steps", "1",
                         "--step-spacing", "even", "--input", "flow+grey", "--cache", str(tmp_path / "cache")]) == 0
    assert "5 samples -> (5, 1, 4, 28, 28) float32" in capsys.readouterr().out
    with pytest.raises(InputError, match="give KIND ROOT"):
        run_datasets(["datasets", "inspect", "smic"])
