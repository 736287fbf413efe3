"""A training run whose epochs end inside the learning rate's warm-up says so: its weights hardly move, and two
trials or ablation variants then score alike (an auditor's `--epochs 1` ablation read exactly 0.000), which looks
like a result."""

from __future__ import annotations

import argparse

from merstudio.cli.train import build_settings

# what the data tells build_settings (merstudio train reads it from the table)
INFO = {"in_channels": 3, "input_size": 28, "T": 1, "class_names": ["negative", "positive", "surprise"]}


def _args(argv: list[str]) -> argparse.Namespace:
    from merstudio.cli.main import build_parser

    return build_parser().parse_args(["train", "--data", "x", "--out", "y", *argv])


def test_epochs_within_the_warm_up_get_a_note(capsys) -> None:
    build_settings(_args(["--epochs", "2"]), INFO)
    assert "2 epoch(s) end within the 3 warm-up epochs" in capsys.readouterr().err
    build_settings(_args(["--epochs", "4"]), INFO)
    assert "warm-up" not in capsys.readouterr().err
