"""Formula-like cells in exported tables (a67): a note "-2+3" showed 1 when the events CSV was opened in Excel or
LibreOffice, "=HYPERLINK(...)" a live link. A CSV is data: by default it stays exact (R and pandas read it as
written); ``convert --spreadsheet-safe`` writes such cells with an apostrophe before them, as spreadsheets keep a
cell as text."""

from __future__ import annotations

import csv
from pathlib import Path

from support.cli_run import run

NOTE, EMOTION, CODER = "-2+3", '=HYPERLINK("http://x";"y")', "@bob"


def _table(path: Path) -> Path:
    path.write_text("onset,apex,offset,emotion,aus,coder,note,confidence\n"
                    f'10,15,20,"{EMOTION.replace(chr(34), chr(34) * 2)}",6+12,{CODER},{NOTE},0.5\n'
                    "30,35,40,happiness,12,carol,+cmd,\n", encoding="utf-8")
    return path


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def test_the_default_csv_keeps_every_cell_exact(tmp_path, capsys):
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), tmp_path / "out.csv", "--fps", "30")
    assert code == 0, err
    rows = _rows(tmp_path / "out.csv")
    assert (rows[0]["note"], rows[0]["emotion"], rows[0]["coder"], rows[1]["note"]) == (NOTE, EMOTION, CODER, "+cmd")


def test_spreadsheet_safe_puts_an_apostrophe_before_formula_like_cells_only(tmp_path, capsys):
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), tmp_path / "out.csv", "--fps", "30",
                       "--spreadsheet-safe")
    assert code == 0, err
    rows = _rows(tmp_path / "out.csv")
    assert (rows[0]["note"], rows[0]["emotion"], rows[0]["coder"], rows[1]["note"]) == (
        "'" + NOTE, "'" + EMOTION, "'" + CODER, "'+cmd")
    assert (rows[0]["onset"], rows[0]["aus"], rows[0]["confidence"], rows[1]["emotion"]) == ("10", "6+12", "0.5",
                                                                                                "happiness")
    assert "4 cell(s)" in err


def test_spreadsheet_safe_boris_tsv_and_refused_for_xlsx(tmp_path, capsys):
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), tmp_path / "out.tsv", "--fps", "30",
                       "--spreadsheet-safe")
    assert code == 0, err
    rows = _rows(tmp_path / "out.tsv", "\t")
    assert {r["Comment start"] for r in rows} == {"'" + NOTE, "'+cmd"}
    code, _, err = run(capsys, "convert", tmp_path / "in.csv", tmp_path / "out.xlsx", "--fps", "30",
                       "--spreadsheet-safe")
    assert code != 0 and "--spreadsheet-safe" in err and not (tmp_path / "out.xlsx").exists()
