"""A mistyped label (one 'postive' in a table of 'positive') is a class of its own, scored on one sample in UF1 and
UAR: reading the data names every class with very few samples and the class its name looks like a typo of, in one
line, and goes on (a real class can be rare); `datasets inspect` says the same."""

from __future__ import annotations

import argparse
from pathlib import Path

from merstudio.cli import datasets as cli
from merstudio.training.data import data_record, load_arrays


def _misspell(table: Path, row: int, label: str) -> None:
    lines = table.read_text(encoding="utf-8").splitlines()
    cells = lines[row].split(",")
    cells[2] = label
    lines[row] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_note():
    from merstudio.datasets.classes import rare_classes_note

    labels = ["positive"] * 50 + ["postive"] + ["negative"] * 40 + ["surprise"] * 30 + ["fear"] * 2
    note = rare_classes_note(labels)
    assert "\n" not in note and note.startswith("warning:")
    assert "'postive' 1 (looks like a typo of 'positive', 50)" in note
    assert "'fear' 2" in note and "'fear' 2 (" not in note  # rare, and like no other class
    assert "'negative'" not in note and "'surprise'" not in note
    assert "'rare' 4" in rare_classes_note(["a"] * 300 + ["b"] * 200 + ["rare"] * 4)  # under 1 % of 504
    assert rare_classes_note(["a"] * 3 + ["b"] * 3) == ""


def test_load_arrays_warns_and_goes_on(tmp_path, flow_table):
    table = flow_table(tmp_path / "t", n=24, n_subjects=4)
    positive_row = 1 + 0  # sample 0 is 'positive' (synthetic_flow_set, seed 0)
    assert table.read_text().splitlines()[positive_row].split(",")[2] == "positive"
    _misspell(table, positive_row, "postive")
    said: list[str] = []
    data, info = load_arrays(str(table), cache_dir=tmp_path / "cache", log=lambda *a, **k: said.append(" ".join(a)))
    assert len(data) == 24 and "postive" in info["class_names"]  # not refused
    rare = [s for s in said if s.startswith("warning:")]
    assert len(rare) == 1 and "'postive' 1 (looks like a typo of 'positive'" in rare[0]
    assert rare[0] in data_record(info, len(data))


def test_datasets_inspect_says_it_too(tmp_path, flow_table, capsys):
    table = flow_table(tmp_path / "t", n=24, n_subjects=4)
    _misspell(table, 1, "postive")
    parser = argparse.ArgumentParser(prog="merstudio")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["datasets", "inspect", "table", str(table), "--no-check-images"])
    assert args.func(args) == 0
    assert "'postive' 1 (looks like a typo of 'positive'" in capsys.readouterr().out
