"""Agreement CSVs for a spreadsheet (audit a111 finding 7): `merstudio agreement -o --spreadsheet-safe /
--decimal-comma` and the dialog's Save CSV with the window's File > Export options write the tables as every other
export does (interchange.events_csv.make_spreadsheet_safe, inside the report's set): UTF-8 with a byte-order mark
(a German Excel showed "ZoÃ«"), ';' and 0,5 with the decimal comma (it put the table in one column), a name a
spreadsheet would run as a formula after an apostrophe; without them the tables stay as they were."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from merstudio.agreement import agreement_from_events
from merstudio.cli.main import main
from merstudio.interchange.events_csv import unguarded_cell
from merstudio.project import Event

BOM = b"\xef\xbb\xbf"


def _report():
    events = [Event(1, 10, 12, 15, emotion="happiness", aus="12", coder="Zoë"),
              Event(1, 11, 12, 16, emotion="happiness", aus="12", coder="=bob"),
              Event(1, 40, 42, 44, emotion="surprise", coder="Zoë")]
    return agreement_from_events(events, frame_counts={1: 100})


def _rows(path: Path, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter))


def test_plain_tables_stay_as_they_were(tmp_path: Path) -> None:
    _report().write_csv(tmp_path)
    raw = (tmp_path / "agreement_pairs.csv").read_bytes()
    assert not raw.startswith(BOM) and raw.startswith(b"coder_a,coder_b,")
    rows = _rows(tmp_path / "agreement_pairs.csv", ",")
    assert rows[1][:2] == ["Zoë", "=bob"] or rows[1][:2] == ["=bob", "Zoë"]


def test_decimal_comma_tables_for_a_german_excel(tmp_path: Path) -> None:
    cells: list[int] = []
    paths = _report().write_csv(tmp_path, spreadsheet_safe=True, decimal_comma=True, cells=cells)
    assert [p.name for p in paths] == ["agreement_pairs.csv", "agreement_kappa.csv", "agreement_alpha.csv",
                                       "agreement_icc.csv", "agreement_matches.csv", "agreement_notes.txt"]
    raw = (tmp_path / "agreement_pairs.csv").read_bytes()
    assert raw.startswith(BOM + b"coder_a;coder_b;")
    rows = _rows(tmp_path / "agreement_pairs.csv", ";")
    head, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert {row["coder_a"], row["coder_b"]} == {"Zoë", "'=bob"}  # shown as written, not run as a formula
    assert row["f1"].count(",") == 1 and "." not in row["f1"]  # 0,666..., a number to a German Excel
    assert float(row["f1"].replace(",", ".")) == pytest.approx(2 / 3)
    assert "mean_iou" in head and sum(cells) >= 1
    # every table of the set, the notes aside
    for p in paths[:-1]:
        assert p.read_bytes().startswith(BOM), p.name
    assert not (tmp_path / "agreement_notes.txt").read_bytes().startswith(BOM)
    # merstudio reads its own guard back
    assert unguarded_cell("'=bob", True) == "=bob"


def test_spreadsheet_safe_alone_keeps_commas_and_points(tmp_path: Path) -> None:
    _report().write_csv(tmp_path, spreadsheet_safe=True)
    raw = (tmp_path / "agreement_pairs.csv").read_bytes()
    assert raw.startswith(BOM + b"coder_a,coder_b,")
    row = dict(zip(*_rows(tmp_path / "agreement_pairs.csv", ",")[:2], strict=True))
    assert "." in row["f1"] and "'=bob" in (row["coder_a"], row["coder_b"])


def test_cli_flags_as_the_other_exports_name_them(project, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "agreement"
    assert main(["agreement", str(project.path), "-o", str(out), "--decimal-comma", "-q"]) == 0
    raw = (out / "agreement_pairs.csv").read_bytes()
    assert raw.startswith(BOM + b"coder_a;coder_b;")
    assert main(["agreement", str(project.path), "-o", str(out), "--overwrite", "--spreadsheet-safe", "-q"]) == 0
    assert (out / "agreement_pairs.csv").read_bytes().startswith(BOM + b"coder_a,coder_b,")
    capsys.readouterr()
    # without -o there is nothing to make safe: said in one line before the report
    assert main(["agreement", str(project.path), "--spreadsheet-safe"]) != 0
    err = capsys.readouterr().err.strip()
    assert "--spreadsheet-safe" in err and "-o" in err and len(err.splitlines()) == 1
