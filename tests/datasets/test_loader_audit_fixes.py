"""What an audit of faithful fake trees (datasets.md layouts) found in the loaders: sheets saved as Excel saves text
(";" in comma-decimal locales, "Unicode text" .txt), KIND:FILE specs, the composite's ground truth choosing one
sample per row, and SMIC subjects without a micro/ folder (or with Micro/)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from merstudio.datasets import load_samples
from merstudio.errors import InputError
from merstudio.training.data import parse_data_spec

pytestmark = pytest.mark.filterwarnings("ignore::merstudio.datasets.DatasetWarning")


def _expected_casme2(rows):
    """(subject, sample, onset, apex, offset, raw label, AU cell) of each row as written: the apex '/' is the middle
    of onset..offset, an AU cell stored as a float (12.0) reads as Excel shows it (12)."""
    out = set()
    for subj, name, on, apex, off, aus, emo in rows:
        n = int(float(str(subj).replace("sub", "")))
        mid = on + (off - on + 1) // 2
        au = str(int(aus)) if isinstance(aus, float) else aus
        out.add((f"casme2_sub{n:02d}", name, on, apex if isinstance(apex, int) else mid, off, emo, au))
    return out


@pytest.mark.parametrize("style", ["utf8", "semicolon", "unicode"])
def test_a_casme2_sheet_saved_as_excel_saves_text_reads_every_row(tmp_path, make, style):
    """';' (Excel's CSV in comma-decimal locales) and UTF-16 tab-separated .txt ("Unicode text") were refused with
    'has no header row': the sheet was split on ',' whatever its delimiter."""
    make.casme2(tmp_path)
    saved = make.save_as_text(tmp_path / "CASME2-coding-20140508.xlsx", style)
    assert saved.suffix == (".txt" if style == "unicode" else ".csv")
    ds = load_samples("casme2", tmp_path, classes="raw", verbose=False)
    got = {(s.subject, s.sample, s.onset, s.apex, s.offset, s.raw_label, s.aus_raw) for s in ds}
    assert got == _expected_casme2(make.CASME2_ROWS)
    assert all(str(s.meta["source"]).startswith(str(saved)) for s in ds)
    # given with --sheet too
    again = load_samples("casme2", tmp_path, sheet=saved, classes="raw", verbose=False)
    assert len(again) == len(make.CASME2_ROWS)


@pytest.mark.parametrize("style", ["semicolon", "unicode"])
def test_a_samm_sheet_with_its_preamble_saved_as_text_finds_its_header(tmp_path, make, style):
    make.samm(tmp_path)
    make.save_as_text(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", style)
    ds = load_samples("samm", tmp_path, classes="raw", verbose=False)
    got = {s.sample: (s.onset, s.offset, s.raw_label, s.aus_raw) for s in ds}
    assert got == {"006_1_2": (5562, 5570, "Anger", "4+7"), "006_1_3": (100, 106, "Happiness", "A/L12"),
                   "007_5_1": (20, 25, "Surprise", "10A/B"), "007_6_1": (30, 36, "Contempt", "ref(7B)+43"),
                   "007_6_2": (40, 46, "Other", "4,24"), "007_7_1": (50, 56, "Disgust", "4")}


def test_a_hand_made_semicolon_sheet_with_a_bare_title_line(tmp_path, make):
    """A preamble line with no delimiter at all (not Excel's padded row): the header line still tells ';'."""
    make.samm(tmp_path)
    text = make.save_as_text(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", "semicolon")
    lines = text.read_bytes().decode("cp1252").split("\r\n")
    lines[0] = "SAMM Micro-Movement Database, FACS codes (v2), 2018"  # commas in the title, and no ';'
    text.write_bytes("\r\n".join(lines).encode("cp1252"))
    assert len(load_samples("samm", tmp_path, classes="raw", verbose=False)) == 6


# ------------------------------------------------------------------------------------------------ KIND:FILE


def test_a_known_kind_wins_over_the_files_suffix(tmp_path):
    gt = tmp_path / "combined_3class_gt.csv"
    gt.write_text("casme2,sub01,EP02_01f,1\r\n")
    assert parse_data_spec(f"megc2019:{gt}") == ("megc2019", gt)
    assert parse_data_spec(f"samm:{tmp_path}/SAMM_Micro_FACS_Codes_v2.xlsx") == \
        ("samm", tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx")
    assert parse_data_spec(f"table:{gt}") == ("table", gt) and parse_data_spec(str(gt)) == ("table", gt)
    assert parse_data_spec("casme2:/data/CASME2") == ("casme2", __import__("pathlib").Path("/data/CASME2"))
    # a mistyped kind before an existing file is named as such, not "not found"
    with pytest.raises(InputError, match="^sam: unknown dataset kind"):
        parse_data_spec(f"sam:{gt}")


def test_kind_file_loads_as_kind_root_does_or_says_what_root_must_be(tmp_path, make):
    make.samm(tmp_path)
    sheet = tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx"
    kind, root = parse_data_spec(f"samm:{sheet}")
    assert len(load_samples(kind, root, classes="raw", verbose=False)) == 6
    make.smic(tmp_path / "SMIC")
    frame = next((tmp_path / "SMIC").rglob("*.bmp"))
    with pytest.raises(InputError) as exc:
        load_samples(*parse_data_spec(f"smic:{frame}"))
    assert "is a file; SMIC's ROOT is its folder" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(InputError, match=r"is a file; ROOT is the folder holding the CASME II, SAMM and SMIC"):
        load_samples(*parse_data_spec(f"megc2019:{sheet}"))
    with pytest.raises(InputError, match=r"is a file; ROOT is the samm folder or its annotation sheet"):
        load_samples(*parse_data_spec(f"samm:{frame}"))


def test_megc2019_gt_csv_as_root_in_one_argument(tmp_path, make, capsys):
    from support.cli_run import run_datasets

    for name, build in (("CASME2", make.casme2), ("SAMM", make.samm), ("SMIC", make.smic)):
        build(tmp_path / name)
    gt = tmp_path / "combined_3class_gt.csv"
    gt.write_bytes(b"casme2,sub01,EP02_01f,1\r\nsamm,006,006_1_2,0\r\nsmic,s02,s02_sur_01,2\r\n")
    assert run_datasets(["datasets", "inspect", f"megc2019:{gt}"]) == 0
    assert "megc2019: 3 samples, 3 subjects" in capsys.readouterr().out


# ------------------------------------------------------------------------------- the composite's ground truth


def test_each_ground_truth_row_selects_one_sample_the_first_row_of_its_clip(tmp_path, make):
    """A CASME II sheet coding sub01 EP02_01f twice (onsets 46 and 50) made two samples of one ground-truth row: 4
    rows, 5 samples, while the note said the ground truth chose them."""
    for name, build in (("SAMM", make.samm), ("SMIC", make.smic)):
        build(tmp_path / name)
    make.casme2(tmp_path / "CASME2")
    sheet = tmp_path / "CASME2" / "CASME2-coding-20140508.xlsx"
    wb = openpyxl.load_workbook(sheet)
    wb.active.append(["01", "EP02_01f", None, 50, 60, 80, None, "12", "happiness"])  # Excel row 8
    wb.save(sheet)
    (tmp_path / "3class_gt.csv").write_bytes(b"casme2,sub01,EP02_01f,1\r\ncasme2,01,EP19_05f,0\r\n"
                                             b"samm,006,006_1_2,0\r\nsmic,s02,s02_sur_01,2\r\n")
    ds = load_samples("megc2019", tmp_path, verbose=False)
    assert len(ds) == 4
    (ep02,) = [s for s in ds if s.subject == "casme2_sub01" and s.sample.startswith("EP02_01f")]
    assert (ep02.sample, ep02.onset, ep02.offset) == ("EP02_01f", 46, 86)  # the first row in sheet order
    (chose,) = [n for n in ds.notes if "chose the samples" in n]
    assert "ground truth (4 samples)" in chose
    assert "1 sheet row(s) coding a chosen sample again left out" in chose and "20140508.xlsx: row 8" in chose
    assert not any("coded again" in n for n in ds.notes)


def test_the_count_said_is_the_count_loaded(tmp_path, make):
    for name, build in (("CASME2", make.casme2), ("SAMM", make.samm), ("SMIC", make.smic)):
        build(tmp_path / name)
    shutil.rmtree(tmp_path / "CASME2" / "CASME2_RAW_selected" / "sub02" / "EP03_02")
    (tmp_path / "3class_gt.csv").write_bytes(b"casme2,sub01,EP02_01f,1\r\ncasme2,sub02,EP03_02,2\r\n"
                                             b"smic,s01,s01_ne_01,0\r\n")
    ds = load_samples("megc2019", tmp_path, allow_missing=True, verbose=False)
    assert len(ds) == 2
    (chose,) = [n for n in ds.notes if "chose the samples" in n]
    assert "ground truth (3 samples, 2 of them loaded)" in chose


# ------------------------------------------------------------------------------------------------ SMIC


def test_a_smic_subject_without_micro_expressions_is_left_out_with_a_note(tmp_path, make):
    make.smic(tmp_path)
    hs = tmp_path / "SMIC_all_raw" / "HS"
    make.frames(hs / "s7" / "non_micro" / "s7_non_01", [f"image{k:06d}.bmp" for k in range(1, 4)], size=8)
    ds = load_samples("smic", tmp_path, verbose=False)
    assert len(ds) == 5 and not ds.skipped and {s.subject for s in ds} == {"smic_s01", "smic_s02", "smic_s12"}
    assert any(n.startswith(f"{hs / 's7'}: no micro/ folder (only non_micro)") and "left out" in n
               for n in ds.notes)
    # no subject with any: the one-line refusal
    only = tmp_path / "none" / "SMIC_all_raw" / "HS" / "s1" / "non_micro" / "s1_non_01"
    make.frames(only, ["image000001.bmp"], size=8)
    with pytest.raises(InputError, match=r"no SMIC HS tree found"):
        load_samples("smic", tmp_path / "none", verbose=False)


def test_smic_micro_folder_in_any_case(tmp_path, make):
    make.smic(tmp_path)
    s2 = tmp_path / "SMIC_all_raw" / "HS" / "s2"
    (s2 / "micro").rename(s2 / "Micro")
    ds = load_samples("smic", tmp_path, verbose=False)
    assert {(s.subject, s.sample, s.label) for s in ds if s.subject == "smic_s02"} == {
        ("smic_s02", "s02_sur_01", "surprise"), ("smic_s02", "s02_ne_02", "negative")}
    assert len(ds) == 5
