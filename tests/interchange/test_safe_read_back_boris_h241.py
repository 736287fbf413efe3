"""A spreadsheet-safe BORIS table read back by merstudio (h241): h239 took the guard's apostrophe off in the readers
of our events tables, but the BORIS reader kept it, so `convert in.csv safe.tsv --spreadsheet-safe` then `convert
safe.tsv back.csv` gave a note 3/4 as '3/4 and an emotion 3/4 as a new emotion '3/4. It comes off there too, only
where the guard put it: a comment "'tis" (the coder's) stays, and BORIS's own tables, which guard nothing, read
as before."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import run

from merstudio.interchange.boris import read_boris
from merstudio.interchange.events_csv import unguarded_cell

# an events CSV whose cells a spreadsheet-safe export guards (a date, a formula, a coder's apostrophe before a
# date: ''2026-12-07 in our events CSV reads as '2026-12-07) beside ones it leaves (the coder's "'tis", plain text)
SOURCE = ("onset,apex,offset,emotion,coder,note\n"
          "10,15,20,fear,carol,3/4\n"
          "30,35,40,3/4,@bob,''2026-12-07\n"
          "50,55,60,happiness,carol,'tis\n"
          "70,75,80,surprise,=x,-2+3\n")


def _texts(path: Path) -> list[tuple[str, str, str]]:
    return sorted((e.emotion, e.coder, e.note) for e in read_boris(path, fps=30).events)


@pytest.mark.parametrize(("out", "flags"), [
    ("safe.tsv", ["--spreadsheet-safe"]),
    ("safe.tsv", ["--decimal-comma"]),
    ("safe.csv", ["--to", "boris-csv", "--spreadsheet-safe"]),
    ("safe.csv", ["--to", "boris-csv", "--decimal-comma"]),  # ';' between cells, 0,334 in the number columns
])
def test_a_spreadsheet_safe_boris_table_reads_back_as_it_was(tmp_path: Path, capsys, out: str,
                                                             flags: list[str]) -> None:
    src = tmp_path / "in.events.csv"
    src.write_text(SOURCE, encoding="utf-8")
    safe = tmp_path / out
    code, _, err = run(capsys, "convert", src, safe, "--fps", "30", *flags)
    assert code == 0, err
    text = safe.read_text(encoding="utf-8-sig")
    assert "'3/4" in text and "''2026-12-07" in text and "'-2+3" in text  # the export was safe
    want = sorted([("fear", "carol", "3/4"), ("3/4", "@bob", "'2026-12-07"), ("happiness", "carol", "'tis"),
                   ("surprise", "=x", "-2+3")])
    assert _texts(safe) == want  # was: '3/4, ''2026-12-07, '-2+3 and a coder '=x
    back = tmp_path / "back.events.csv"
    code, _, err = run(capsys, "convert", safe, back, "--fps", "30")
    assert code == 0, err
    with back.open(newline="", encoding="utf-8") as fh:  # the plain table guards nothing
        rows = list(csv.DictReader(fh))
    # but doubles a coder's own apostrophe before a date (h244: plain_cell), which every reader takes off again
    assert next(r["note"] for r in rows if r["coder"] == "@bob") == "''2026-12-07"
    assert sorted((r["emotion"], r["coder"], unguarded_cell(r["note"])) for r in rows) == want


def test_boris_s_own_table_keeps_its_cells(tmp_path: Path) -> None:
    # BORIS writes cells as typed: an apostrophe a coder put before text the guard does not guard stays
    path = tmp_path / "obs.tsv"
    head = ["Observation id", "Media file name", "FPS (frame/s)", "Subject", "Behavior", "Behavior type",
            "Start (s)", "Stop (s)", "Comment start"]
    rows = [["obs1", "v.mp4", "30", "", "fear", "STATE", "1.000", "2.000", "'tis"],
            ["obs1", "v.mp4", "30", "", "joy", "STATE", "3.000", "4.000", "'fine'"]]
    path.write_text("\n".join("\t".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    notes = sorted(e.note.split(" [apex imputed")[0] for e in read_boris(path, fps=30).events)
    assert notes == ["'fine'", "'tis"]
