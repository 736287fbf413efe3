"""a117's findings 2, 4 and 5 (h327):
- a missing option value is "--epochs needs a value"; the hint "one that starts with '-' is written --lr=-1e-5"
  only where the next word starts with '-' and is no option (it said the hint always, and "-o/--out=VALUE");
- every `project` command but `new` refuses an empty project file as `project show` does, leaving it as it was
  (`compact` made a 0-byte file a 100 kB project, `drop-triggers` called it another program's), and an empty
  SQLite file of any size (no application id, no table) is empty to all of them, as the store's read-only open
  calls it (`agreement` and `project add` made a 2-page one a project);
- `spotting --iou` is bounded as the line is read, as `agreement --iou` is (range, decimal comma)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from merstudio.cli.main import main

EMPTY = "an empty project file (being created, or its creation was cut short)"


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, list[str]]:
    """Exit code and stderr's lines of `merstudio argv`, whether the parser exits or main returns."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("argv, line", [
    (["train", "--data", "table:{t}/x.csv", "--out", "{t}/r", "--epochs"], "--epochs needs a value (see merstudio "
     "train --help)"),
    (["analyze", "{t}/x.mp4", "-o"], "--out needs a value (see merstudio analyze --help)"),
    (["analyze", "{t}/x.mp4", "-o", "--overwrite"], "--out needs a value (see merstudio analyze --help)"),
    (["analyze", "{t}/x.mp4", "-o", "-q"], "--out needs a value (see merstudio analyze --help)"),
    (["train", "--data", "table:{t}/x.csv", "--out", "{t}/r", "--epochs", "--over"],
     "--epochs needs a value (see merstudio train --help)"),  # an option by its prefix
    (["train", "--data", "table:{t}/x.csv", "--out", "{t}/r", "--lr", "-1e-5"],
     "--lr needs a value; one that starts with '-' is written --lr=-1e-5 (see merstudio train --help)"),
    (["analyze", "{t}/x.mp4", "-o", "-results"],
     "--out needs a value; one that starts with '-' is written --out=-results (see merstudio analyze --help)"),
])
def test_a_missing_value_says_the_dash_form_only_for_a_dash_value(tmp_path, capsys, argv, line) -> None:
    code, lines = _run(capsys, [a.format(t=tmp_path) for a in argv])
    assert code == 2 and lines == [f"merstudio: error: {line}"], lines
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value, line", [
    ("0,5", "--iou must be a positive number up to 1 (got '0,5'; write a decimal with a point (0.5))"),
    ("0", "--iou must be a positive number up to 1 (got 0)"),
    ("2", "--iou must be at most 1 (got 2)"),
])
def test_spotting_iou_is_bounded_as_agreement_iou(tmp_path, capsys, value, line) -> None:
    code, lines = _run(capsys, ["spotting", "--data", f"table:{tmp_path}/t.csv", "-o", str(tmp_path / "o"),
                                "--iou", value])
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"merstudio: error: {line}"), lines
    assert list(tmp_path.iterdir()) == []


def _zero(p: Path) -> None:
    p.write_bytes(b"")


def _emptied_sqlite(p: Path) -> None:
    """An SQLite file another program made and emptied: 2 pages, no application id, no table."""
    con = sqlite3.connect(p)
    con.execute("create table t(x)")
    con.execute("drop table t")
    con.commit()
    con.close()


@pytest.mark.parametrize("make", [_zero, _emptied_sqlite], ids=["0 bytes", "emptied sqlite"])
@pytest.mark.parametrize("command", [
    ["project", "compact", "{p}"],
    ["project", "drop-triggers", "{p}"],
    ["project", "show", "{p}"],
    ["project", "add", "{p}", "{v}"],
    ["agreement", "{p}"],
])
def test_an_empty_project_file_is_refused_by_every_command_but_new(tmp_path, capsys, make, command) -> None:
    p = tmp_path / "E.merproj"
    make(p)
    before = p.read_bytes()
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not read")  # refused before any media is opened
    code, lines = _run(capsys, [a.format(p=p, v=video) for a in command])
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"merstudio: error: {p}: {EMPTY}"), lines
    assert p.read_bytes() == before
    assert sorted(q.name for q in tmp_path.iterdir()) == ["E.merproj", "v.mp4"]  # no lock, no side files
