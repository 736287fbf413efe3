"""--help of train, tune, ablate and evaluate ends with examples that parse as printed, and states the defaults
the audit found missing (train --size, evaluate --device); tune's closing "use:" line is a command that runs as
pasted (it lacked the --out train requires)."""

from __future__ import annotations

import json
import shlex

import pytest
from support.flow_tables import tune_inputs

from merstudio.cli.main import build_parser, main


def _help(capsys, command: str) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["train", "tune", "ablate", "evaluate"])
def test_help_has_examples_that_parse(capsys, command):
    text = _help(capsys, command)
    assert "examples:" in text
    lines = [line.strip() for line in text.split("examples:", 1)[1].splitlines()
             if line.strip().startswith("merstudio ")]
    assert len(lines) >= 3 and any(line.startswith(f"merstudio {command} ") for line in lines)
    parser = build_parser()
    for line in lines:
        # as a shell reads the line pasted: its comment marked with '#' (an unmarked one was passed on as arguments)
        words = shlex.split(line, comments=True)[1:]
        args = parser.parse_args(words)  # exits (a test failure) on a flag the command does not have
        assert args.command == words[0]


def test_the_defaults_the_audit_missed_are_stated(capsys):
    train = " ".join(_help(capsys, "train").split())
    assert "--size SIZE input size in pixels, at least 28 (default 28 for clips" in train
    evaluate = " ".join(_help(capsys, "evaluate").split())
    assert "--device DEVICE cpu, cuda, cuda:N or auto (default: CUDA when present)" in evaluate
    for command in ("train", "tune", "ablate", "evaluate"):
        assert "--cache DIR" in _help(capsys, command)


def test_tunes_use_line_runs_as_pasted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    table, base, space = tune_inputs(tmp_path)
    assert main(["tune", "--data", str(table), "--out", "tune", "--space", str(space), "--config", str(base),
                 "--trials", "1", "--inner", "kfold:2", "--classes", "negative,positive,surprise", "--epochs", "1",
                 "--batch-size", "8", "--device", "cpu", "-q"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    command = last.split("; use: ", 1)[1]
    words = shlex.split(command)
    assert words[:2] == ["merstudio", "train"] and "--out" in words
    assert words[words.index("--classes") + 1] == "negative,positive,surprise"  # the same data as the search
    code = main(words[1:] + ["--device", "cpu", "-q"])
    assert code == 0, capsys.readouterr().err
    out = tmp_path / words[words.index("--out") + 1]
    assert (out / "summary.md").exists()
    assert json.loads((out / "run.json").read_text())["train"]["epochs"] == 1  # the choice's settings trained
