"""The command lines README.md prints run as printed, as far as the parser can tell (nothing is run): its fenced
blocks' `merstudio ...` lines and its inline ones that name their data (`--data`), the copy-paste kind. The
ablation's line printed `merstudio ablate --data table:DEV --protocol lodo --seeds 10 --jobs 2`, which stops at
"the following arguments are required: --out"."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from merstudio.cli.main import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
SHELL = re.compile(r"\s(?:#|\||>|2>|&&|;)\s")  # what a shell does with the rest of the line


def _lines() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    found, block = [], False
    lines = text.splitlines()
    for n, raw in enumerate(lines, 1):
        if raw.strip().startswith("```"):
            block = not block
        elif block and raw.strip().startswith("merstudio ") and not raw.rstrip().endswith("\\"):
            found.append((n, raw.strip()))
    for m in re.finditer(r"`(merstudio [^`\n]*--data [^`\n]*)`", text):
        found.append((text[:m.start()].count("\n") + 1, m.group(1)))
    return [(n, SHELL.split(line)[0]) for n, line in found]


def test_there_are_lines_to_check():
    assert len(_lines()) >= 10


@pytest.mark.parametrize(("line_no", "line"), _lines())
def test_a_printed_command_line_parses(line_no, line):
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            build_parser().parse_args(shlex.split(line)[1:])
    except SystemExit as e:
        assert not e.code, f"README.md:{line_no}: {line}\n{err.getvalue()}"
