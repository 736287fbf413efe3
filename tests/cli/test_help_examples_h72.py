"""Every command's --help ends with examples that parse as printed, and every option with a default says it
(an audit of the --help texts found 13 of 17 commands without an example, and `finetune --seed` silent about
its 0)."""

from __future__ import annotations

import argparse
import shlex

import pytest

from merstudio.cli.main import build_parser

# (command, subcommand or None): the commands whose --help this test holds to examples
COMMANDS = [("analyze", None), ("doctor", None), ("bench", None), ("demo", None), ("gui", None),
            ("datasets", None), ("datasets", "inspect"), ("datasets", "classes"), ("datasets", "prepare"),
            ("finetune", None), ("agreement", None), ("spotting", None), ("neutral", None)]
SHELL = ("|", ">", "2>", "&&", ";")  # what a shell does with the rest of an example's line, not merstudio


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _parser(cmd: str, sub: str | None) -> argparse.ArgumentParser:
    p = _choices(build_parser())[cmd]
    return _choices(p)[sub] if sub else p


def _examples(help_text: str) -> list[list[str]]:
    """The example command lines under "examples:", as a shell splits them, less redirections and comments."""
    lines = help_text.split("\nexamples:\n", 1)[1].splitlines()
    found = []
    for line in lines:
        if not line.startswith("  merstudio "):
            if not line.strip():
                break  # the examples end at a blank line
            continue
        words = shlex.split(line, comments=True)
        for i, w in enumerate(words):
            if w.startswith(SHELL):
                words = words[:i]
                break
        found.append(words[1:])  # after "merstudio"
    return found


@pytest.mark.parametrize(("cmd", "sub"), COMMANDS, ids=[" ".join(filter(None, c)) for c in COMMANDS])
def test_help_shows_examples_that_parse(cmd: str, sub: str | None):
    text = _parser(cmd, sub).format_help()
    assert "\nexamples:\n" in text
    examples = _examples(text)
    assert 2 <= len(examples) <= 4, examples
    for argv in examples:
        assert argv[0] == cmd and (sub is None or argv[1] == sub), argv  # this command's own examples
        try:
            args = build_parser().parse_args(argv)  # parsed, not run: names, flags and values as printed
        except SystemExit as exc:
            pytest.fail(f"merstudio {shlex.join(argv)}: does not parse (exit {exc.code})")
        assert args.command == cmd
        if cmd == "datasets":
            assert args.datasets_command == argv[1]


def _options(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for p in action.choices.values():
                yield from _options(p)
        elif action.option_strings and not isinstance(
                action, (argparse._HelpAction, argparse._StoreTrueAction, argparse._StoreFalseAction,
                         argparse._StoreConstAction)):
            yield action


@pytest.mark.parametrize("cmd", sorted({c for c, _ in COMMANDS}))
def test_every_option_with_a_default_states_it(cmd: str):
    silent = [a.option_strings[-1] for a in _options(_parser(cmd, None))
              if a.default is not None and a.default != [] and "default" not in (a.help or "").lower()]
    assert silent == []
