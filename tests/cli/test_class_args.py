"""--classes and --allow-missing are defined once (merstudio.cli.datasets.add_class_args): every command that reads a
dataset's labels takes them with the same meaning, metavar and help."""

from __future__ import annotations

import argparse

from merstudio.cli.main import build_parser


def _subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def _option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action:
    return next(a for a in parser._actions if flag in a.option_strings)


def test_classes_and_allow_missing_are_one_definition_everywhere():
    root = build_parser()
    commands = [("train",), ("evaluate",), ("ablate",), ("tune",), ("datasets", "inspect"), ("datasets", "prepare")]
    for flag in ("--classes", "--allow-missing"):
        seen = {(a.help, a.metavar, a.default, a.dest, type(a).__name__)
                for a in (_option(_subparser(root, *c), flag) for c in commands)}
        assert len(seen) == 1, (flag, seen)
    parsed = root.parse_args(["train", "--data", "casme2:/x", "--out", "r", "--classes", "megc2019",
                              "--allow-missing"])
    assert parsed.classes == "megc2019" and parsed.allow_missing is True
    parsed = root.parse_args(["datasets", "inspect", "casme2", "/x"])
    assert parsed.classes is None and parsed.allow_missing is False
