"""Lab-sheet quirks a dataset's own copy may have (h278, audit a106 items 4 and 7): Subject cells merged into one
over a subject's rows, footnote rows under the table, and a ReadMe sheet before the code sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from merstudio.datasets import load_samples
from merstudio.datasets import parse as parse_mod
from merstudio.datasets.parse import read_table
from merstudio.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::merstudio.datasets.DatasetWarning")

SHEET = "SAMM_Micro_FACS_Codes_v2.xlsx"
# make.samm's sheet: 13 preamble rows, the header on row 14, subject 6 on rows 15-16 and subject 7 on rows 17-20
SUBJECT_7 = range(17, 21)


def _edit(root: Path, change) -> Path:  # type: ignore[no-untyped-def]
    path = root / SHEET
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def _merge_subject_7(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    for r in SUBJECT_7[1:]:
        ws.cell(r, 1).value = None
    ws.merge_cells(start_row=SUBJECT_7[0], start_column=1, end_row=SUBJECT_7[-1], end_column=1)


def _footnotes(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.append([None] * 11 + ["apex frames of -1 were not coded"])  # row 21: a Notes cell alone
    ws.append([])
    ws.append(["* Objective classes as in Davison et al. 2018"])  # row 23: a footnote in the Subject column


def test_merged_subject_cells_are_read_on_every_row_they_cover(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)
    _edit(tmp_path, _merge_subject_7)
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False)
    assert not ds.skipped
    assert sorted(s.sample for s in ds if s.subject == "samm_007") == ["007_5_1", "007_6_1", "007_6_2", "007_7_1"]
    said = [n for n in ds.notes if "merged cells" in n]
    assert len(said) == 1 and "Subject" in said[0] and "rows 17-20" in said[0] and SHEET in said[0], ds.notes


def test_a_merged_block_fills_its_first_column_and_the_preamble_is_left_as_read(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Coding sheet, version 2"])
    ws.append([None])
    ws.merge_cells("A1:C2")  # a title over the preamble: no data, not filled, not said
    ws.append(["Subject", "Filename", "Emotion"])
    ws.append(["sub01", "EP01", "happiness"])
    ws.append([None, "EP02", None])
    ws.append(["sub02", "EP03", "disgust"])
    ws.merge_cells("A4:A5")
    ws.merge_cells("C4:C5")
    p = tmp_path / "coding.xlsx"
    wb.save(p)
    notes: list[str] = []
    rows = read_table(p, ["Subject", "Filename", "Emotion"], notes=notes)
    assert [(r.row, r.values["subject"], r.values["emotion"]) for r in rows] == [
        (4, "sub01", "happiness"), (5, "sub01", "happiness"), (6, "sub02", "disgust")]
    assert len(notes) == 1 and "Subject rows 4-5" in notes[0] and "Emotion rows 4-5" in notes[0], notes


def test_footnote_rows_are_no_samples_and_are_named_in_a_note(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)
    _edit(tmp_path, _footnotes)
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False)
    assert not ds.skipped and len(ds) == 6
    assert {s.subject for s in ds} == {"samm_006", "samm_007"}  # no subject 2018 from "Davison et al. 2018"
    said = [n for n in ds.notes if "left out" in n]
    assert len(said) == 1 and "rows 21 and 23" in said[0] and "Filename" in said[0], ds.notes


def test_merged_subjects_and_footnotes_together_with_allow_missing_skip_nothing(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)
    _edit(tmp_path, lambda wb: (_merge_subject_7(wb), _footnotes(wb)))
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False, allow_missing=True)
    assert not ds.skipped and len(ds) == 6


def test_a_row_with_a_clip_name_but_no_subject_is_still_refused(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)
    _edit(tmp_path, lambda wb: wb.active.append([None, "007_9_9", 6, 60, 63, 66, 7, "Micro", "4", "Anger"]))
    with pytest.raises(InputError, match=r"row 21: subject '' has no number"):
        load_samples("samm", tmp_path, classes="raw", check_images=False)


def _readme_first(wb: openpyxl.Workbook) -> None:
    wb.active.title = "MICRO_ONLY"
    wb.create_sheet("ReadMe", 0).append(["SAMM micro-movement FACS codes, version 2"])


def test_a_readme_first_sheet_reads_the_code_sheet_and_says_which(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)
    _edit(tmp_path, _readme_first)
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False)
    assert len(ds) == 6
    said = [n for n in ds.notes if "MICRO_ONLY" in n]
    assert len(said) == 1 and "ReadMe" in said[0] and "--sheet" in said[0], ds.notes


def test_two_code_sheets_after_a_readme_are_one_line_naming_them_and_sheet(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    make.samm(tmp_path)

    def two(wb: openpyxl.Workbook) -> None:
        _readme_first(wb)
        wb.copy_worksheet(wb["MICRO_ONLY"]).title = "ALL"

    _edit(tmp_path, two)
    with pytest.raises(InputError) as ei:
        load_samples("samm", tmp_path, classes="raw", check_images=False)
    msg = str(ei.value)
    assert "\n" not in msg and "'MICRO_ONLY'" in msg and "'ALL'" in msg and "--sheet" in msg, msg
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False, sheet="ALL")
    assert len(ds) == 6


def test_no_sheet_with_the_columns_lists_the_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "ReadMe"
    wb.active.append(["about this file"])
    wb.create_sheet("Totals").append(["Subject", "Count"])
    p = tmp_path / "coding.xlsx"
    wb.save(p)
    with pytest.raises(InputError) as ei:
        read_table(p, ["Subject", "Filename"])
    msg = str(ei.value)
    assert "no sheet" in msg and "ReadMe" in msg and "Totals" in msg and "\n" not in msg, msg


def test_a_workbook_too_big_to_load_whole_still_finds_the_code_sheet(tmp_path: Path, make, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a big workbook is streamed (merged ranges unknown there): the sheet choice is the same
    monkeypatch.setattr(parse_mod, "FULL_READ_MAX_BYTES", 0)
    make.samm(tmp_path)
    _edit(tmp_path, _readme_first)
    ds = load_samples("samm", tmp_path, classes="raw", check_images=False)
    assert len(ds) == 6 and any("MICRO_ONLY" in n for n in ds.notes)
