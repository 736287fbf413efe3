"""Each command's --flow accepts exactly the methods its documentation names, and its help lists them.

analyze and spotting (one analysis, its micro-motion lane): dis, farneback, tvl1; not dis_fast, which reads a
micro-expression's small movements several-fold too small (docs/aus.md). datasets prepare (a training set's inputs,
as a checkpoint records them): all four, dis_fast too (docs/model.md). Before, prepare refused dis_fast (the method
a dis_fast checkpoint's fine-tuning prepares), and spotting's help named none of its choices."""

from __future__ import annotations

import argparse

import pytest

from merstudio.cli import analyze, datasets, spotting

ANALYSIS = {"dis", "farneback", "tvl1"}  # docs/aus.md, "The flow method"
PREPARE = {"dis", "dis_fast", "farneback", "tvl1"}  # docs/model.md, `datasets prepare --flow`
NOT_METHODS = ("lucas_kanade", "DIS-FAST", "")


def _parser(module) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="merstudio")
    module.register(parser.add_subparsers(dest="command"))
    return parser


def _flow_action(parser: argparse.ArgumentParser, *path: str) -> argparse.Action:
    for name in path:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return next(a for a in parser._actions if "--flow" in a.option_strings)


COMMANDS = [
    (analyze, ("analyze",), ["analyze", "x.mp4", "-o", "out"], ANALYSIS),
    (spotting, ("spotting",), ["spotting", "--data", "table:gt.csv", "-o", "out"], ANALYSIS),
    (datasets, ("datasets", "prepare"), ["datasets", "prepare", "smic", "/data/SMIC"], PREPARE),
]


@pytest.mark.parametrize(("module", "path", "argv", "documented"), COMMANDS, ids=lambda v: getattr(v, "__name__", ""))
def test_each_command_accepts_exactly_its_documented_flow_methods(module, path, argv, documented, capsys) -> None:
    parser = _parser(module)
    for method in sorted(PREPARE | set(NOT_METHODS)):
        if method in documented:
            assert parser.parse_args([*argv, "--flow", method]).flow == method
        else:
            with pytest.raises(SystemExit) as refused:
                parser.parse_args([*argv, "--flow", method])
            assert refused.value.code == 2
            assert "invalid choice" in capsys.readouterr().err
    assert parser.parse_args(argv).flow == "dis"  # the default, as the docs say
    action = _flow_action(parser, *path)
    assert set(action.choices) == documented
    # the help lists them: a user reads them there, not in the usage line alone
    words = action.help.replace(",", " ").replace("(", " ").replace(";", " ").replace(":", " ").split()
    assert documented <= set(words)
    if "dis_fast" not in documented:
        assert "not dis_fast" in action.help  # said why it is missing: the library offers it
