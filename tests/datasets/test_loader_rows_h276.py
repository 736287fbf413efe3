"""Sheet rows without frames, the composite's ground-truth rows, --variant on a frame tree given as ROOT, and a blank
Filename cell (h276; audit a106 items 1, 2, 5, 6, 8). Fake trees in the real layouts (tests/datasets/conftest.py)."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

from merstudio.datasets import load_samples
from merstudio.errors import InputError


def _load(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes: read from ds.notes
        return load_samples(*args, check_images=False, verbose=False, **kw)


def _set_cells(xlsx: Path, cells: dict[tuple[int, int], object]) -> None:
    wb = openpyxl.load_workbook(xlsx)
    for (row, col), value in cells.items():
        wb.active.cell(row, col).value = value
    wb.save(xlsx)


# ------------------------------------------------------------------------ a sheet row with no frames coded


def test_a_casme2_row_without_onset_and_offset_is_a_broken_row_not_the_whole_raw_clip(tmp_path, make):
    """CASME II row 3 (EP19_05f, frames 10-14-18) with "/" in OnsetFrame, ApexFrame and OffsetFrame, row 4 (EP01_11f)
    with an onset and blank apex and offset: in the RAW tree (whole clips) neither is the folder's first..last frame."""
    make.casme2(tmp_path, "raw")
    xlsx = tmp_path / "CASME2-coding-20140508.xlsx"
    _set_cells(xlsx, {(3, 4): "/", (3, 5): "/", (3, 6): "/", (4, 5): None, (4, 6): None})
    with pytest.raises(InputError, match=r"CASME2-coding-20140508\.xlsx: row 3: casme2_sub01/EP19_05f has no onset "
                                         r"or offset coded"):
        _load("casme2", tmp_path, variant="raw")
    ds = _load("casme2", tmp_path, variant="raw", allow_missing=True)
    assert {(s.row, s.reason.split(" has ")[1].split(" coded")[0]) for s in ds.skipped if s.row} == {
        (3, "no onset or offset"), (4, "an onset (5) but no apex or offset")}
    assert next(s.reason for s in ds.skipped if s.row == 4).endswith("where the expression ends is not known")
    assert {s.sample for s in ds} == {"EP02_01f", "EP03_02", "EP12_01f"}  # EP13_02f: sadness, dropped


def test_a_samm_row_with_only_an_apex_is_broken_and_a_table_folder_still_runs_whole(tmp_path, make):
    make.samm(tmp_path)
    _set_cells(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", {(15, 4): None, (15, 6): "/"})  # 006_1_2: apex alone
    with pytest.raises(InputError, match=r"row 15: samm_006/006_1_2 has no onset or offset coded"):
        _load("samm", tmp_path)
    make.frames(tmp_path / "clip", [f"img{k}.jpg" for k in range(3, 9)])
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\ns1,a,happy,clip\n")
    (s,) = _load("table", tmp_path / "samples.csv")  # no sheet frames: the folder is the clip, as SMIC's
    assert (s.onset, s.offset) == (3, 8)


# --------------------------------------------------------------------------- the composite's ground truth


def _composite(root: Path, make) -> None:
    make.casme2(root / "CASME2")
    make.samm(root / "SAMM")
    make.smic(root / "SMIC")


GT_ROWS = [["casme2", "sub01", "EP02_01f", "1"], ["samm", "006", "006_1_2", "0"], ["smic", "s01", "s01_ne_01", "0"],
           ["smic", "s02", "s02_sur_01", "2"], ["smic", "s01", "s01_po_01", "1"]]


def _gt(path: Path, rows: list[list[str]], sep: str = ",") -> Path:
    path.write_bytes("".join(sep.join(r) + "\r\n" for r in rows).encode())
    return path


@pytest.mark.parametrize("row", [0, 2])  # a CASME II row (its sheet was blamed) and a SMIC row (its clip was)
def test_a_bad_ground_truth_label_names_the_ground_truth_file_and_its_row(tmp_path, make, row):
    _composite(tmp_path, make)
    rows = [list(r) for r in GT_ROWS]
    rows[row][3] = "3"
    gt = _gt(tmp_path / "gt.csv", rows)
    with pytest.raises(InputError) as info:
        _load("megc2019", tmp_path, gt=gt)
    assert str(info.value).startswith(f"{gt}: row {row + 1}: label '3' of {rows[row][0]} {rows[row][2]} is not")
    assert "is not a megc2019 class (0 negative, 1 positive, 2 surprise)" in str(info.value)
    ds = _load("megc2019", tmp_path, gt=gt, allow_missing=True)
    assert [(s.file, s.row) for s in ds.skipped] == [(str(gt), row + 1)] and len(ds) == 4


def test_a_float_ground_truth_label_is_its_class(tmp_path, make):
    _composite(tmp_path, make)
    rows = [list(r) for r in GT_ROWS]
    rows[0][3], rows[1][3] = "1.0", "0.00"
    ds = _load("megc2019", tmp_path, gt=_gt(tmp_path / "gt.csv", rows))
    assert {s.sample: s.label for s in ds}["EP02_01f"] == "positive" and len(ds) == 5


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_ground_truth_saved_with_semicolons_or_tabs_is_read(tmp_path, make, sep):
    """What Excel writes on re-saving the CSV in a comma-decimal locale, or as text: read as sheets are."""
    _composite(tmp_path, make)
    ds = _load("megc2019", tmp_path, gt=_gt(tmp_path / "gt.csv", GT_ROWS, sep))
    assert {(s.dataset, s.sample, s.label) for s in ds} == {
        ("casme2", "EP02_01f", "positive"), ("samm", "006_1_2", "negative"), ("smic", "s01_ne_01", "negative"),
        ("smic", "s02_sur_01", "surprise"), ("smic", "s01_po_01", "positive")}


# ------------------------------------------------------------------------------ --variant and the frame tree


def test_variant_is_refused_when_root_is_another_variants_frame_tree(tmp_path, make):
    make.samm(tmp_path / "SAMM")
    make.casme2(tmp_path / "CASME2")
    make.smic(tmp_path / "SMIC", raw=False)
    with pytest.raises(InputError, match=r"SAMM/SAMM: is itself the raw frame tree, and --variant cropped reads the "
                                         r"cropped one"):
        _load("samm", tmp_path / "SAMM" / "SAMM", sheet=tmp_path / "SAMM" / "SAMM_Micro_FACS_Codes_v2.xlsx",
              variant="cropped")
    with pytest.raises(InputError, match=r"CASME2_RAW_selected: is itself the selected frame tree"):
        _load("casme2", tmp_path / "CASME2" / "CASME2_RAW_selected", variant="cropped")
    with pytest.raises(InputError, match=r"HS: is itself the cropped frame tree, and --variant raw"):
        _load("smic", tmp_path / "SMIC" / "SMIC_all_cropped" / "HS", variant="raw")
    # the tree asked for, given as ROOT, is read
    assert len(_load("casme2", tmp_path / "CASME2" / "CASME2_RAW_selected", variant="selected")) == 5


def test_the_notes_say_which_frame_tree_was_read(tmp_path, make):
    make.casme2(tmp_path)
    make.casme2(tmp_path, "cropped")
    ds = _load("casme2", tmp_path)
    assert f"{tmp_path / 'CASME2_RAW_selected'}: frames read from the selected tree (the first found of selected, " \
           "raw, cropped; --variant chooses)" in ds.notes
    ds = _load("casme2", tmp_path, variant="cropped")
    assert f"{tmp_path / 'Cropped'}: frames read from the cropped tree (--variant cropped)" in ds.notes
    assert all(str(f).startswith(str(tmp_path / "Cropped")) for s in ds for f in s.frames)
    make.smic(tmp_path / "SMIC")
    make.smic(tmp_path / "SMIC", raw=False)
    ds = _load("smic", tmp_path / "SMIC", variant="cropped")
    assert any(n.endswith("SMIC_all_cropped/HS: frames read from the cropped tree (--variant cropped)")
               for n in ds.notes)


# -------------------------------------------------------------------------------------- a blank Filename


def test_a_blank_filename_cell_is_named_as_such_not_as_a_missing_subject_folder(tmp_path, make):
    make.samm(tmp_path)
    _set_cells(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", {(17, 2): None})  # subject 7's 007_5_1
    with pytest.raises(InputError, match=r"SAMM_Micro_FACS_Codes_v2\.xlsx: row 17: the Filename cell is empty "
                                         r"\(subject 7\)"):
        _load("samm", tmp_path)
    make.casme2(tmp_path / "c2")
    _set_cells(tmp_path / "c2" / "CASME2-coding-20140508.xlsx", {(2, 2): "  "})
    with pytest.raises(InputError, match=r"row 2: the Filename cell is empty \(subject 01\)"):
        _load("casme2", tmp_path / "c2")
