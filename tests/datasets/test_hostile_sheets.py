"""Dataset sheets from hostile or odd files (issue 14, item 8 and 10): any encoding Excel writes, fields over the
csv module's limit, huge numbers and huge cells give one bounded line, never a traceback."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from merstudio.datasets.parse import (
    frame_number,
    parse_aus,
    read_table,
    read_workbook_rows,
    subject_number,
)
from merstudio.errors import InputError

ROWS = [["Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Action Units", "Emotion"],
        ["sub01", "EP02_01f", "46", "59", "86", "12", "happiness"],
        ["sub02", "EP03_02", "100", "110", "120", "4+7", "disgust"]]


def _write(path: Path, encoding: str, rows: list[list[str]] = ROWS) -> Path:
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding=encoding, newline="")
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_sheet_in_any_unicode_encoding(tmp_path: Path, encoding: str) -> None:
    p = _write(tmp_path / "coding.csv", encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # Excel writes the BOM; Python's explicit-endian codecs do not
        bom = "\ufeff".encode(encoding)
        p.write_bytes(bom + p.read_bytes())
    name, rows = read_workbook_rows(p)
    assert name == "coding.csv" and [list(r) for r in rows] == ROWS
    got = read_table(p, ["Subject", "Filename", "OnsetFrame"])
    assert [r.values["subject"] for r in got] == ["sub01", "sub02"]


def test_csv_field_over_the_csv_limit_is_one_line(tmp_path: Path) -> None:
    big = "x" * (csv.field_size_limit() + 10)
    p = _write(tmp_path / "coding.csv", "utf-8", [*ROWS, ["sub03", f'"{big}"', "1", "2", "3", "4", "fear"]])
    with pytest.raises(InputError) as ei:
        read_workbook_rows(p)
    msg = str(ei.value)
    assert "\n" not in msg and len(msg) < 400, msg[:500]
    assert str(p) in msg and "row 4" in msg


def test_first_row_of_a_sheet_without_header_is_quoted_short(tmp_path: Path) -> None:
    p = _write(tmp_path / "coding.csv", "utf-8", [["y" * 100_000], ["1"]])
    with pytest.raises(InputError, match="first row:") as ei:
        read_table(p, ["Subject", "Filename"])
    assert len(str(ei.value)) < 400 and "100,000 characters" in str(ei.value)


def test_no_sheet_message_is_bounded(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "first"
    for i in range(200):
        wb.create_sheet(f"sheet {i} " + "z" * 20)
    p = tmp_path / "coding.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match="sheets:") as ei:
        read_workbook_rows(p, "q" * 100_000)
    assert len(str(ei.value)) < 600, len(str(ei.value))


@pytest.mark.parametrize("digits", [30, 500, 5000, 100_000])
def test_huge_numbers_are_one_line(digits: int) -> None:
    n = "9" * digits
    with pytest.raises(InputError) as ei:
        frame_number(n)
    assert "frame number" in str(ei.value) and len(str(ei.value)) < 200
    with pytest.raises(InputError) as ei:
        subject_number("sub" + n, "coding.xlsx row 3")
    assert str(ei.value).startswith("coding.xlsx row 3: subject") and len(str(ei.value)) < 200
    with pytest.raises(InputError) as ei:
        parse_aus(f"4+{n}+12")
    assert str(ei.value).startswith("AU cell '4+999") and len(str(ei.value)) < 300
    with pytest.raises(ValueError):  # also a ValueError: readers that skip a row on one still do
        parse_aus(f"4+{n}+12")
    assert parse_aus("4+123+12")[0] == {4, 12}  # a short number that is no AU is dropped, as before


def test_huge_float_frame_cell_is_one_line() -> None:
    with pytest.raises(InputError, match="too large"):
        frame_number(1e300)
    with pytest.raises(InputError, match="too large"):
        frame_number(10 ** 400)
    assert frame_number(float("inf")) is None and frame_number(46.0) == 46


def test_subject_without_number_quotes_a_short_part() -> None:
    with pytest.raises(InputError) as ei:
        subject_number("x" * 1_000_000, "coding.xlsx row 2")
    assert len(str(ei.value)) < 200 and "1,000,000 characters" in str(ei.value)
