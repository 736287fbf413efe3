"""The CLI entry point: Python warnings as one line, a closed stdout pipe ends quietly (issue 14, item 15)."""

import os
import subprocess
import sys
import warnings

import pytest

import merstudio.cli.datasets as datasets_cmd
from merstudio.cli.main import main


def test_a_python_warning_is_one_line_without_source(monkeypatch, capsys):
    def noisy(args):
        warnings.warn("identical low and high xlims\nmakes a singular transformation", UserWarning, stacklevel=1)
        print("done")
        return 0

    monkeypatch.setattr(datasets_cmd, "run_classes", noisy)
    assert main(["datasets", "classes"]) == 0
    out, err = capsys.readouterr()
    assert out == "done\n"
    assert err == "merstudio: warning: identical low and high xlims makes a singular transformation\n", err
    # the CLI's formatting does not outlive the command
    assert warnings.showwarning is not None and "merstudio" not in getattr(warnings.showwarning, "__module__", "")


def test_a_closed_stdout_pipe_ends_quietly():
    """`merstudio datasets classes | head`: the reader went away. No traceback, no "error: Broken pipe"."""
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first write: every write gets EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "merstudio", "datasets", "classes"], stdout=w,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(w)
    assert proc.returncode in (0, 141), (proc.returncode, proc.stderr)
    assert proc.stderr.strip() == "", proc.stderr


def test_a_huge_error_message_is_cut_to_one_short_line(monkeypatch, capsys):
    """The last line of defence (issue 14, item 8): whatever a command raises, the CLI prints one bounded line."""
    from merstudio.errors import InputError

    def hostile(args):
        raise InputError("big.eaf: bad value '" + "v\n" * 2_000_000 + "'")

    monkeypatch.setattr(datasets_cmd, "run_classes", hostile)
    assert main(["datasets", "classes"]) != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err[:200]
    assert err.startswith("merstudio: error: big.eaf: bad value 'v\\nv\\n")
    assert len(err) < 600 and "… (4,000,021 characters)" in err, err


def test_a_huge_os_error_and_warning_are_cut(monkeypatch, capsys):
    def hostile(args):
        warnings.warn("w" * 100_000, UserWarning, stacklevel=1)
        raise OSError(5, "x" * 100_000, "/tmp/file")

    monkeypatch.setattr(datasets_cmd, "run_classes", hostile)
    assert main(["datasets", "classes"]) == 3
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 2 and all(len(ln) < 600 for ln in lines), [len(ln) for ln in lines]
    assert lines[0].startswith("merstudio: warning: www") and lines[1].startswith("merstudio: error: /tmp/file: xxx")


def test_help_does_not_load_torch():
    """`merstudio --help` and every command's parser stay quick: the parsers read the model's settings
    (merstudio.model.config), which must not import torch (seconds on a busy machine) through the package."""
    code = ("import sys; from merstudio.cli.main import build_parser; build_parser().format_help(); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_training_help_states_the_real_defaults():
    """--help writes the training defaults out (reading TrainSettings would import torch): they must be the
    defaults a run uses."""
    import argparse

    from merstudio.cli.train import add_train_args
    from merstudio.model.config import ModelConfig
    from merstudio.training.trainer import TrainSettings

    p = argparse.ArgumentParser()
    add_train_args(p)
    helps = {a.dest: a.help for a in p._actions}
    s, m = TrainSettings(), ModelConfig()
    assert f"(default {s.epochs}," in helps["epochs"] and f"(default {s.batch_size})" in helps["batch_size"]
    assert f"(default {s.lr})" in helps["lr"] and f"(default {m.width})" in helps["width"]
    assert f"(default {s.mixup};" in helps["mixup"]


@pytest.mark.parametrize("cmd", ["analyze", "train", "tune", "ablate", "finetune"])
def test_every_long_command_takes_both_spellings_of_no_progress(cmd):
    """analyze said -q / --quiet and the training commands --no-progress: each now takes all three."""
    from merstudio.cli.main import build_parser

    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[cmd]  # type: ignore[union-attr]
    spellings = {s for a in sub._actions for s in a.option_strings
                 if a.help is not None and a.help.startswith("no progress bars")}
    assert spellings == {"-q", "--quiet", "--no-progress"}
