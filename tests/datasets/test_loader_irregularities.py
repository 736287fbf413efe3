"""Irregularities of the datasets as distributed that an audit of fake trees (built from datasets.md) found: CASME II
clips differing by a trailing "f", two coding versions side by side, sheets saved as CSV, sample ids that join with
the composite's ground truth and flow tables, CAS(ME)^2's naming-rule sheets, and the layouts' smaller oddities."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from merstudio.datasets import load_samples
from merstudio.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::merstudio.datasets.DatasetWarning")

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "megc2019-dev" / "samples.csv"
C2_HEADER = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
             "Estimated Emotion"]


def casme2(make: Any, root: Path, rows: list[tuple[Any, ...]], sheet: str = "CASME2-coding-20140508.xlsx") -> Path:
    """rows: (subject cell, sheet Filename, onset, apex, offset, emotion, folder on disk or None for none)."""
    for subj, _name, on, _ap, off, _emo, folder in rows:
        if folder is not None:
            n = int(str(subj).replace("sub", ""))
            make.frames(root / "CASME2_RAW_selected" / f"sub{n:02d}" / folder,
                        [f"img{k}.jpg" for k in range(on, off + 1)], size=8)
    make.xlsx(root / sheet, [C2_HEADER] + [[s, f, None, on, ap, off, None, "4", emo]
                                           for s, f, on, ap, off, emo, _ in rows])
    return root


def samm(make: Any, root: Path, rows: list[tuple[int, str, str]], tree: str = "SAMM") -> Path:
    """rows: (subject, Filename, emotion); frames 10..14, apex 12."""
    header = ["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
              "Micro", "Action Units", "Estimated Emotion", "Objective Classes", "Notes"]
    for subj, name, _ in rows:
        make.frames(root / tree / f"{subj:03d}" / name, [f"{subj:03d}_{k:05d}.jpg" for k in range(10, 15)], size=8)
    make.xlsx(root / "SAMM_Micro_FACS_Codes_v2.xlsx", [[f"preamble {i}"] for i in range(13)] + [header] + [
        [s, f, 1, 10, 12, 14, 5, "Micro - 1/2", "4", emo, 3, None] for s, f, emo in rows])
    return root


def smic(make: Any, root: Path, clips: list[tuple[int, str, str]], modality: str = "HS") -> Path:
    """clips: (subject, label folder, clip name on disk)."""
    for subj, label, name in clips:
        make.frames(root / "SMIC_all_raw" / modality / f"s{subj}" / "micro" / label / name,
                    [f"image{k:06d}.bmp" for k in range(11, 16)], size=8)
    return root


def keys(ds: Any) -> dict[tuple[str, str], Any]:
    return {(s.subject, s.sample): s for s in ds}


def composite(make: Any, root: Path, c2_rows: list[tuple[Any, ...]]) -> Path:
    casme2(make, root / "CASME2", c2_rows)
    samm(make, root / "SAMM", [(6, "006_1_2", "Anger")])
    smic(make, root / "SMIC", [(1, "negative", "s1_ne_01"), (2, "surprise", "s2_sur_01")])
    return root


EP05 = [("17", "EP05_03", 5, 7, 9, "happiness", "EP05_03"), ("17", "EP05_03f", 15, 17, 19, "disgust", "EP05_03f")]


# ------------------------------------------------------------------------------- 1. a trailing "f" is two clips


def test_the_ground_truth_keeps_two_clips_that_differ_by_a_trailing_f(tmp_path, make):
    """The dev data has both sub17 EP05_03 (positive) and EP05_03f (negative): one key used to take both rows, the
    second replacing the first (EP05_03 labelled negative, the note counting one sample less)."""
    composite(make, tmp_path, [("01", "EP02_01f", 1, 2, 3, "happiness", "EP02_01f"), *EP05])
    (tmp_path / "3class_gt.csv").write_bytes(
        b"casme2,sub01,EP02_01f,positive\r\ncasme2,sub17,EP05_03,positive\r\ncasme2,sub17,EP05_03f,negative\r\n"
        b"samm,006,006_1_2,negative\r\nsmic,s01,s01_ne_01,negative\r\nsmic,s02,s02_sur_01,surprise\r\n")
    ds = load_samples("megc2019", tmp_path, verbose=False)
    got = {s.sample: (s.label, s.path.name) for s in ds if s.subject == "casme2_sub17"}
    assert got == {"EP05_03": ("positive", "EP05_03"), "EP05_03f": ("negative", "EP05_03f")}
    assert any("ground truth (6 samples)" in n for n in ds.notes) and not ds.skipped
    assert not any("labelled otherwise" in n for n in ds.notes)


def test_a_ground_truth_row_naming_a_sample_again_is_a_problem(tmp_path, make):
    composite(make, tmp_path, EP05)
    (tmp_path / "gt.csv").write_bytes(b"casme2,sub17,EP05_03,positive\r\nsmic,s01,s01_ne_01,negative\r\n"
                                      b"casme2,17,ep05_03,negative\r\nsmic,s02,s02_sur_01,surprise\r\n")
    with pytest.raises(InputError, match=r"gt\.csv: row 3: casme2 subject 17 ep05_03 is named again \(row 1"):
        load_samples("megc2019", tmp_path, gt=tmp_path / "gt.csv", verbose=False)
    ds = load_samples("megc2019", tmp_path, gt=tmp_path / "gt.csv", allow_missing=True, verbose=False)
    assert keys(ds)[("casme2_sub17", "EP05_03")].label == "positive"  # the first row kept
    assert [s.row for s in ds.skipped] == [3]
    (chose,) = [n for n in ds.notes if "chose the samples" in n]
    assert "(3 samples)" in chose and "1 row(s) naming a sample again left out (row 3)" in chose


def test_the_ground_truth_matches_a_name_without_its_f_only_as_a_fallback_and_says_so(tmp_path, make):
    composite(make, tmp_path, [("17", "EP15_01f", 30, 33, 36, "disgust", "EP15_01"), *EP05])
    (tmp_path / "3class_gt.csv").write_bytes(b"casme2,sub17,EP15_01,negative\r\ncasme2,sub17,EP05_03f,negative\r\n"
                                             b"smic,s02,s02_sur_01,surprise\r\nsmic,s01,s01_ne_01,positive\r\n")
    ds = load_samples("megc2019", tmp_path, verbose=False)
    assert sorted(s.sample for s in ds if s.dataset == "casme2") == ["EP05_03f", "EP15_01"]  # not EP05_03 too
    (chose,) = [n for n in ds.notes if "chose the samples" in n]
    assert "1 CASME II name(s) matched to the sheet's ignoring a trailing f (EP15_01 ~ ep15_01f)" in chose


def test_a_missing_folder_never_reads_the_other_clip_of_the_pair(tmp_path, make):
    """The folder EP05_03 is missing: its row used to read EP05_03f's frames without a word."""
    rows = [("17", "EP05_03", 15, 17, 19, "happiness", None), ("17", "EP05_03f", 15, 17, 19, "disgust", "EP05_03f")]
    casme2(make, tmp_path, rows)
    with pytest.raises(InputError, match=r"row 2: clip folder not found: .*sub17/EP05_03$"):
        load_samples("casme2", tmp_path, classes="raw", verbose=False)
    ds = load_samples("casme2", tmp_path, allow_missing=True, classes="raw", verbose=False)
    assert [s.sample for s in ds] == ["EP05_03f"] and [s.row for s in ds.skipped] == [2]


def test_a_folder_named_without_the_sheets_f_is_read_and_said(tmp_path, make):
    casme2(make, tmp_path, [("17", "EP15_01f", 30, 33, 36, "disgust", "EP15_01"),
                            ("17", "EP05_03", 5, 7, 9, "happiness", "EP05_03")])
    ds = load_samples("casme2", tmp_path, classes="raw", verbose=False)
    s = keys(ds)[("casme2_sub17", "EP15_01")]  # the folder's name is the id
    assert s.path.name == "EP15_01" and s.frames[0].name == "img30.jpg"
    assert any("row 2: no folder EP15_01f in" in n and "read EP15_01 (the names differ by a trailing f" in n
               for n in ds.notes)


# ------------------------------------------------------------------------------- 2./3. which annotation file


def test_two_coding_versions_side_by_side_say_which_was_read(tmp_path, make):
    rows = [("01", "EP02_01f", 1, 2, 3, "happiness", "EP02_01f"), ("02", "EP03_02", 1, 2, 3, "surprise", "EP03_02")]
    casme2(make, tmp_path, rows)
    casme2(make, tmp_path, [rows[0], (*rows[1][:5], "disgust", "EP03_02")], sheet="CASME2-coding-20190701.xlsx")
    ds = load_samples("casme2", tmp_path, classes="raw", verbose=False)
    assert keys(ds)[("casme2_sub02", "EP03_02")].raw_label == "disgust"  # the later version, as before
    (said,) = [n for n in ds.notes if "annotation files" in n]
    assert "read CASME2-coding-20190701.xlsx" in said and "not read: CASME2-coding-20140508.xlsx" in said
    assert "--sheet FILE" in said
    old = load_samples("casme2", tmp_path, sheet=tmp_path / "CASME2-coding-20140508.xlsx", classes="raw", verbose=False)
    assert keys(old)[("casme2_sub02", "EP03_02")].raw_label == "surprise"
    assert not any("annotation files" in n for n in old.notes)


def test_a_sheet_saved_as_csv_is_found_beside_the_tree(tmp_path, make):
    casme2(make, tmp_path, [("01", "EP02_01f", 1, 2, 3, "happiness", "EP02_01f"),
                            ("02", "EP03_02", 1, 2, 3, "surprise", "EP03_02")])
    sheet = tmp_path / "CASME2-coding-20140508.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(sheet)
    with open(tmp_path / "CASME2-coding-20140508.csv", "w", newline="") as fh:
        csv.writer(fh).writerows([["" if c is None else c for c in r] for r in wb.active.iter_rows(values_only=True)])
    sheet.unlink()
    ds = load_samples("casme2", tmp_path, classes="raw", verbose=False)
    assert len(ds) == 2 and str(ds[0].meta["source"]).startswith(str(tmp_path / "CASME2-coding-20140508.csv"))
    (tmp_path / "CASME2-coding-20140508.csv").rename(tmp_path / "other.csv")  # any CSV is not a coding sheet
    with pytest.raises(InputError, match=r"no annotation file found \(looked for CASME2-coding\*\.xlsx.*as \.csv"):
        load_samples("casme2", tmp_path, classes="raw", verbose=False)


# ------------------------------------------------------------------------------- 4. ids that join


def test_sample_ids_are_the_composites_and_the_flow_tables(tmp_path, make):
    """SMIC: subject zero-padded (s01_ne_01; s1_ne_01 on disk). CASME II: the folder's name (EP18_01f where the sheet
    writes ep18_01F). These are the ids the MEGC2019 ground truth and the dev flow table (samples.csv) use."""
    composite(make, tmp_path, [("sub17", "ep18_01F", 50, 52, 54, "disgust", "EP18_01f"), *EP05])
    table = {("casme2_sub17", "EP18_01f"), ("casme2_sub17", "EP05_03"), ("casme2_sub17", "EP05_03f"),
             ("smic_s01", "s01_ne_01"), ("smic_s02", "s02_sur_01")}  # as megc2019-dev/samples.csv writes them
    c2 = load_samples("casme2", tmp_path / "CASME2", classes="raw", verbose=False)
    sm = load_samples("smic", tmp_path / "SMIC", classes="raw", verbose=False)
    assert set(keys(c2)) | set(keys(sm)) == table
    s = keys(sm)[("smic_s01", "s01_ne_01")]
    assert s.path.name == "s1_ne_01" and s.meta["clip"] == "s1_ne_01"  # files are read where they are
    composite_ids = {k for k in keys(load_samples("megc2019", tmp_path, verbose=False)) if k[0] != "samm_006"}
    assert composite_ids == table


@pytest.mark.skipif(not DEV.is_file(), reason="megc2019-dev data not present")
def test_raw_frame_ids_equal_the_dev_tables(tmp_path, make):
    """Fake clips under the dev table's names (SMIC's unpadded on disk, as distributed), its labels as the ground
    truth: the composite loaded from frames has exactly the table's (subject, sample) ids."""
    with open(DEV, newline="") as fh:
        rows = list(csv.DictReader(fh))
    c2_rows, gt = [], []
    for r in rows:
        subj = int(r["subject"].rsplit("_", 1)[1].lstrip("sub"))
        if r["dataset"] == "casme2":
            emo = {"positive": "happiness", "negative": "disgust", "surprise": "surprise"}[r["label"]]
            c2_rows.append((subj, r["sample"], 1, 2, 3, emo, r["sample"]))
            gt.append(f"casme2,sub{subj:02d},{r['sample']},{r['label']}")
        else:
            disk = f"s{subj}_{r['sample'].split('_', 1)[1]}"
            make.frames(tmp_path / "SMIC" / "SMIC_all_raw" / "HS" / f"s{subj}" / "micro" / r["label"] / disk,
                        ["image000001.bmp", "image000002.bmp"], size=4)
            gt.append(f"smic,s{subj:02d},{r['sample']},{r['label']}")
    casme2(make, tmp_path / "CASME2", c2_rows)
    samm(make, tmp_path / "SAMM", [(6, "006_1_2", "Anger")])
    (tmp_path / "3class_gt.csv").write_text("\r\n".join(gt) + "\r\n")
    ds = load_samples("megc2019", tmp_path, check_images=False, verbose=False)
    assert {(s.subject, s.sample) for s in ds} == {(r["subject"], r["sample"]) for r in rows}
    assert {(s.subject, s.sample): s.label for s in ds} == {(r["subject"], r["sample"]): r["label"] for r in rows}


# ------------------------------------------------------------------------------- 5./6. CAS(ME)^3 and CAS(ME)^2

C3_HEADER = ["Subject", "Filename", "Onset", "Apex", "Offset", "AU", "Objective class", "emotion"]


def test_casme3_a_row_without_an_onset_is_refused_and_depth_is_not_read(tmp_path, make):
    rows = [["spNO.1", "a", 355, 359, 360, "5", "II", "happy"], ["spNO.1", "a", None, 402, 405, "L12", "I", "happy"],
            ["spNO.2", "b", 20, 21, 23, "1+2", "II", "surprise"]]
    for subj, name, *_ in rows:
        make.frames(tmp_path / "part_A" / subj / name / "color", [f"{k}.jpg" for k in range(350, 410)], size=4)
        make.frames(tmp_path / "part_A" / subj / name / "depth", [f"{k}.png" for k in range(1, 500)], size=4)
    make.frames(tmp_path / "part_A" / "spNO.2" / "b" / "color", [f"{k}.jpg" for k in range(18, 26)], size=4)
    make.xlsx(tmp_path / "cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx", [C3_HEADER] + rows, title="label")
    with pytest.raises(InputError, match=r"row 3: a: onset not coded \(''\); CAS\(ME\)\^3 samples are named by "):
        load_samples("casme3a", tmp_path, classes="raw", verbose=False)
    ds = load_samples("casme3a", tmp_path, allow_missing=True, classes="raw", verbose=False)
    assert sorted(s.sample for s in ds) == ["a_355", "b_20"] and [s.row for s in ds.skipped] == [3]
    assert all(f.parent.name == "color" for s in ds for f in s.frames)  # depth/ beside color/ is not read
    assert len(keys(ds)[("casme3a_sp002", "b_20")].frames) == 4


SQ_CODE = [[1, "disgust2_3", 10, 12, 14, "NULL", "others", "micro-expression", "disgust"],
           [1, "anger1_1", 5, 0, 9, "12", "positive", "micro-expression", "happy"],
           [1, "anger1_2", 0, 6, 9, "4", "negative", "micro-expression", "anger"]]


def _sq_frames(make: Any, root: Path) -> None:
    make.frames(root / "rawpic" / "s15" / "15_0102eatingworms", [f"img{k}.jpg" for k in range(1, 20)], size=4)
    make.frames(root / "rawpic" / "s15" / "15_0401girlcrashing", [f"img{k}.jpg" for k in range(1, 12)], size=4)


def test_casme_sq_apex_0_is_the_middle_frame_and_onset_0_is_refused(tmp_path, make):
    make.xlsx(tmp_path / "CAS(ME)^2code_final.xlsx", SQ_CODE, title="CASFEcode_final",
              extra={"naming rule1": [[15, "s15", 1]], "naming rule2": [["0102", "disgust2"], ["0401", "anger1"]]})
    _sq_frames(make, tmp_path)
    ds = load_samples("casme_sq", tmp_path, allow_missing=True, classes="raw", verbose=False)
    s = keys(ds)[("casme_sq_s15", "anger1_1")]
    assert (s.onset, s.apex, s.offset, s.meta["apex_is_middle"]) == (5, 7, 9, True)
    assert [(k.row, k.reason) for k in ds.skipped] == [(3, "onset, or both apex and offset, not coded (0)")]


def test_casme_sq_naming_sheets_are_found_by_name_and_their_absence_is_said(tmp_path, make):
    """datasets.md does not list the 'naming rule1'/'naming rule2' sheets; a workbook without them used to fail on a
    folder, and one with another sheet before them read that sheet as the naming rule."""
    book = tmp_path / "CAS(ME)^2code_final.xlsx"
    _sq_frames(make, tmp_path)
    make.xlsx(book, SQ_CODE[:1], title="CASFEcode_final", extra={
        "readme": [["1", "s1", 9]], "naming rule1": [[15, "s15", 1]], "naming rule2": [["0102", "disgust2"]]})
    (s,) = load_samples("casme_sq", tmp_path, classes="raw", verbose=False)
    assert s.path.name == "15_0102eatingworms"
    make.xlsx(book, SQ_CODE[:1], title="CASFEcode_final")
    with pytest.raises(InputError, match=r"no subject folder for participant 1 in .*rawpic; the loader maps "
                                         r"participant -> subject folder .* by the workbook's 'naming rule1' sheet: "
                                         r"CAS\(ME\)\^2code_final\.xlsx has no sheet 'naming rule1' \(sheets: "
                                         r"CASFEcode_final\)"):
        load_samples("casme_sq", tmp_path, classes="raw", verbose=False)
    make.xlsx(book, SQ_CODE[:1], title="CASFEcode_final", extra={"naming rule1": [[15, "s15", 1]]})
    with pytest.raises(InputError, match=r"no clip folder for 'disgust2_3' \(video code \?\) in .*s15; the loader "
                                         r"maps expression name -> video code .*'naming rule2' sheet: .*has no sheet "
                                         r"'naming rule2'"):
        load_samples("casme_sq", tmp_path, classes="raw", verbose=False)


# ------------------------------------------------------------------------------- the layouts' other oddities


def test_casme1_uncropped_frames_are_named_after_the_clip(tmp_path, make):
    header = ["Subject", "Filename", None, "OnsetF", "ApexF1", "ApexF2", "OffsetF", None, "AU", "Emotion"]
    make.frames(tmp_path / "CASME_raw_selected" / "sub01" / "EP01_5", [f"EP01_5-{k}.jpg" for k in range(8, 17)],
                size=4)
    make.xlsx(tmp_path / "casme.xlsx", [header, [1, "EP01_5", None, 10, 12, None, 14, None, "4", "tense"]])
    (s,) = load_samples("casme", tmp_path, classes="raw", verbose=False)
    assert (s.onset, s.apex, s.offset, s.frames[0].name, s.frames[-1].name) == (10, 12, 14, "EP01_5-10.jpg",
                                                                                "EP01_5-14.jpg")
    assert "CASME_raw_selected" in str(s.path) and s.fps == 60.0


def test_samm_crop_tree(tmp_path, make):
    samm(make, tmp_path, [(6, "006_1_2", "Anger")])
    samm(make, tmp_path, [(6, "006_1_2", "Anger")], tree="SAMM_CROP")
    assert "SAMM_CROP" not in str(load_samples("samm", tmp_path, classes="raw", verbose=False)[0].path)
    (s,) = load_samples("samm", tmp_path, variant="cropped", classes="raw", verbose=False)
    assert s.path.parent.parent.name == "SAMM_CROP" and s.frames[0].name == "006_00010.jpg"


def test_smic_nir_is_25_fps(tmp_path, make):
    smic(make, tmp_path, [(1, "negative", "s1_ne_01"), (3, "surprise", "s3_sur_01")], modality="NIR")
    ds = load_samples("smic", tmp_path, modality="NIR", classes="raw", verbose=False)
    assert {s.fps for s in ds} == {25.0} and {s.meta["modality"] for s in ds} == {"NIR"}
    with pytest.raises(InputError, match="no SMIC HS tree"):
        load_samples("smic", tmp_path, verbose=False)


def test_composite_maps_samm_fear_and_sadness_to_negative_and_drops_casme2_fear(tmp_path, make):
    casme2(make, tmp_path / "CASME2", [("01", "EP02_01f", 1, 2, 3, "happiness", "EP02_01f"),
                                       ("02", "EP03_02", 1, 2, 3, "fear", "EP03_02"),
                                       ("02", "EP04_01", 1, 2, 3, "disgust", "EP04_01")])
    samm(make, tmp_path / "SAMM", [(6, "006_1_2", "Fear"), (6, "006_1_3", "Sadness"), (7, "007_1_1", "Surprise")])
    smic(make, tmp_path / "SMIC", [(1, "negative", "s1_ne_01"), (1, "positive", "s1_po_01")])
    ds = load_samples("megc2019", tmp_path, verbose=False)
    got = {s.key: s.label for s in ds if s.dataset == "samm"}
    assert got == {"samm/samm_006/006_1_2": "negative", "samm/samm_006/006_1_3": "negative",
                   "samm/samm_007/007_1_1": "surprise"}
    assert ds.dropped == {"casme2:fear": 1} and "casme2_sub02" in {s.subject for s in ds}
