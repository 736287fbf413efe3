"""Loaders on fake trees in the real layouts, including every irregularity listed in datasets.md."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.datasets import DatasetWarning, class_map, load_samples
from merstudio.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::merstudio.datasets.DatasetWarning")

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "megc2019-dev" / "samples.csv"


def by_key(ds):
    return {(s.subject, s.sample): s for s in ds}


# ------------------------------------------------------------------------------------------------ CASME II


def test_casme2_selected_tree(tmp_path, make, capsys):
    make.casme2(tmp_path)
    with pytest.warns(DatasetWarning, match="middle frame 23"):
        ds = load_samples("casme2", tmp_path)
    assert "dropped 1 samples whose label maps to no class under casme2-5 (casme2:sadness 1)" in \
        capsys.readouterr().err
    assert ds.classes == ("happiness", "disgust", "repression", "surprise", "others")
    assert len(ds) == 5  # the sadness row is dropped by the 5-class map
    assert ds.dropped == {"casme2:sadness": 1}
    s = by_key(ds)[("casme2_sub01", "EP02_01f")]
    assert (s.dataset, s.label, s.raw_label, s.fps) == ("casme2", "happiness", "happiness", 200.0)
    assert (s.onset, s.apex, s.offset) == (46, 59, 86)
    assert (s.onset_pos, s.apex_pos, s.offset_pos) == (0, 13, 40)
    assert len(s.frames) == 41 and s.frames[0].name == "img46.jpg" and s.frames[s.apex_pos].name == "img59.jpg"
    assert s.aus == frozenset({12}) and s.aus_raw == "12"
    # Subject spelled 1 (int) and sub02 / 4.0 resolve to the same normalised ids.
    assert ("casme2_sub01", "EP19_05f") in by_key(ds)
    assert ("casme2_sub02", "EP03_02") in by_key(ds)
    slash = by_key(ds)[("casme2_sub04", "EP12_01f")]
    assert slash.apex == 23 and slash.frames[slash.apex_pos].name == "img23.jpg"
    assert slash.aus == frozenset({6, 12, 15}) and slash.aus_raw == "(R6 or R12)+R15"
    assert any("EP12_01f" in n and "row 6" in n for n in ds.notes)
    assert list(ds.labels) == [ds.classes.index(s.label) for s in ds]
    y, mask = ds.au_targets([4, 6, 7, 12, 15])
    assert y[ds.samples.index(slash)].tolist() == [0, 1, 0, 1, 1] and mask.all()
    assert len({s for s in ds}) == 5  # hashable


def test_a_sheet_row_given_twice_is_one_sample_and_a_problem(tmp_path, make):
    """datasets.md: only CAS(ME)^3 repeats a Filename within a subject. The same CASME II row twice is one clip
    counted twice: a problem, never a second sample. The clip coded again at another onset is a second expression
    in it: kept under its onset, and noted."""
    first = make.CASME2_ROWS[0]
    again = list(first)
    other = [first[0], first[1], first[2] + 1, first[3], first[4], first[5], first[6]]
    make.casme2(tmp_path, rows=[*make.CASME2_ROWS, again])
    with pytest.raises(InputError, match=r"duplicate sample .*EP02_01f \(the same row again\)"):
        load_samples("casme2", tmp_path)
    ds = load_samples("casme2", tmp_path, allow_missing=True)
    assert [s.sample for s in ds].count("EP02_01f") == 1 and not any(s.sample.startswith("EP02_01f_") for s in ds)
    make.casme2(tmp_path / "b", rows=[*make.CASME2_ROWS, other])
    ds = load_samples("casme2", tmp_path / "b")
    assert {"EP02_01f", "EP02_01f_47"} <= {s.sample for s in ds}
    assert any("EP02_01f is coded again (frames 47-86, first 46-86): kept as EP02_01f_47" in n for n in ds.notes)


def test_casme2_raw_tree_slices_onset_to_offset(tmp_path, make):
    make.casme2(tmp_path, variant="raw")
    ds = load_samples("casme2", tmp_path)
    s = by_key(ds)[("casme2_sub01", "EP02_01f")]
    assert s.frames[0].name == "img46.jpg" and s.frames[-1].name == "img86.jpg"  # not img43..img89
    assert s.path.parent.parent.name == "CASME2-RAW"


def test_casme2_cropped_tree_and_variant(tmp_path, make):
    make.casme2(tmp_path, variant="cropped")
    make.casme2(tmp_path, variant="selected")
    sel = load_samples("casme2", tmp_path)
    crop = load_samples("casme2", tmp_path, variant="cropped")
    s = by_key(crop)[("casme2_sub01", "EP02_01f")]
    assert s.frames[0].name == "reg_img46.jpg" and s.frames[s.apex_pos].name == "reg_img59.jpg"
    assert "RAW_selected" in str(by_key(sel)[("casme2_sub01", "EP02_01f")].path)


def test_casme2_sadness_fear_merged_into_others(tmp_path, make):
    make.casme2(tmp_path)
    ds = load_samples("casme2", tmp_path, sadness_fear="others")
    assert len(ds) == 6 and not ds.dropped
    assert by_key(ds)[("casme2_sub04", "EP13_02f")].label == "others"
    assert by_key(ds)[("casme2_sub04", "EP13_02f")].aus == frozenset({12})  # 12.0 in the sheet


def test_casme2_tree_given_directly_and_sheet_in_parent(tmp_path, make):
    make.casme2(tmp_path)
    ds = load_samples("casme2", tmp_path / "CASME2_RAW_selected")
    assert len(ds) == 5


def test_missing_clip_folder_names_file_and_row(tmp_path, make):
    make.casme2(tmp_path)
    import shutil

    shutil.rmtree(tmp_path / "CASME2_RAW_selected" / "sub02" / "EP01_11f")
    with pytest.raises(InputError, match=r"CASME2-coding-20140508\.xlsx: row 4: clip folder not found"):
        load_samples("casme2", tmp_path)
    ds = load_samples("casme2", tmp_path, allow_missing=True, classes={"happiness": "happiness",
                                                                        "disgust": "disgust",
                                                                        "repression": "repression",
                                                                        "surprise": "surprise",
                                                                        "others": "others", "sadness": None})
    assert len(ds) == 4
    assert len(ds.skipped) >= 1 and ds.skipped[0].row == 4 and "clip folder not found" in ds.skipped[0].reason
    assert "EP01_11f" in str(ds.skipped[0])
    # The only repression sample is gone: its class is empty, reported too.
    assert any("repression" in s.reason and "no samples" in s.reason for s in ds.skipped)


def test_missing_frame_is_reported(tmp_path, make):
    make.casme2(tmp_path)
    (tmp_path / "CASME2_RAW_selected" / "sub01" / "EP02_01f" / "img59.jpg").unlink()
    with pytest.raises(InputError, match=r"row 2: apex frame 59 not found"):
        load_samples("casme2", tmp_path)


def test_unknown_label(tmp_path, make):
    rows = [list(r) for r in make.CASME2_ROWS]
    rows[0][6] = "hapiness"  # a typo is an error, not a silent drop
    make.casme2(tmp_path, rows=rows)
    with pytest.raises(InputError, match=r"row 2: unknown label 'hapiness'"):
        load_samples("casme2", tmp_path, sadness_fear="others")


def test_unreadable_image(tmp_path, make):
    make.casme2(tmp_path)
    (tmp_path / "CASME2_RAW_selected" / "sub01" / "EP19_05f" / "img10.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(InputError, match=r"row 3: unreadable image .*img10\.jpg"):
        load_samples("casme2", tmp_path)
    ds = load_samples("casme2", tmp_path, allow_missing=True, classes="casme2-5-merge")
    assert ds.skipped[0].row == 3 and "unreadable image" in ds.skipped[0].reason
    assert "class 'disgust'" in ds.skipped[1].reason  # EP19_05f was the only disgust sample


def test_sheet_with_wrong_columns(tmp_path, make):
    make.casme2(tmp_path)
    make.xlsx(tmp_path / "CASME2-coding-20140508.xlsx",
              [["Subject", "Filename", "Onset", "Apex", "Offset", "AU", "Emotion"], ["01", "EP02_01f", 46, 59, 86,
                                                                                      "12", "happiness"]])
    with pytest.raises(InputError, match=r"CASME2-coding-20140508\.xlsx: sheet 'Sheet1' has no header row with "
                                         r"columns .*OnsetFrame"):
        load_samples("casme2", tmp_path)


def test_empty_class(tmp_path, make):
    rows = [r for r in make.CASME2_ROWS if r[6] != "surprise"]
    make.casme2(tmp_path, rows=rows)
    with pytest.raises(InputError, match="class 'surprise' of class map casme2-5 has no samples"):
        load_samples("casme2", tmp_path)


def test_missing_annotation_file(tmp_path, make):
    make.casme2(tmp_path)
    (tmp_path / "CASME2-coding-20140508.xlsx").unlink()
    with pytest.raises(InputError, match="no annotation file found"):
        load_samples("casme2", tmp_path)


def test_sheet_argument_takes_a_file(tmp_path, make):
    make.casme2(tmp_path)
    moved = tmp_path / "elsewhere" / "CASME2-coding-20190701.xlsx"
    moved.parent.mkdir()
    (tmp_path / "CASME2-coding-20140508.xlsx").rename(moved)
    assert len(load_samples("casme2", tmp_path, sheet=moved)) == 5


# ------------------------------------------------------------------------------------------------ CASME I


def test_casme1(tmp_path, make):
    header = ["Subject", "Filename", None, "OnsetF", "ApexF1", "ApexF2", "OffsetF", None, "AU", "Emotion"]
    rows = [
        [1, "EP01_5", None, 10, 12, None, 14, None, "4", "tense"],
        ["02", "EP03_1", None, 5, "/", 7, 9, None, "10", "disgust"],
        [2, "EP04_2", None, 3, 4, None, 6, None, "14", "repression"],
        ["sub03", "EP05_1", None, 20, 22, None, 24, None, "1+2", "surprise"],
        [3, "EP06_1", None, 1, 2, None, 3, None, "12", "happiness"],
    ]
    for subj, name, _, on, _a1, _a2, off, *_ in rows:
        n = int(str(subj).replace("sub", ""))
        # Cropped copies: reg_<Filename>-<n>.jpg, later rows zero-pad n.
        pad = 3 if n == 3 else 0
        make.frames(tmp_path / "Cropped" / f"sub{n:02d}" / name,
                    [f"reg_{name}-{k:0{pad}d}.jpg" for k in range(on, off + 1)])
    make.xlsx(tmp_path / "casme.xlsx", [header] + rows)
    ds = load_samples("casme", tmp_path)
    assert ds.classes == ("tense", "disgust", "repression", "surprise")
    assert len(ds) == 4 and ds.dropped == {"casme:happiness": 1}
    s = by_key(ds)[("casme_sub02", "EP03_1")]
    assert s.apex == 7  # ApexF1 is '/', ApexF2 holds it: said
    assert any("row 3: EP03_1 has no usable ApexF1; its ApexF2 7 is the apex" in n for n in ds.notes)
    z = by_key(ds)[("casme_sub03", "EP05_1")]
    assert z.frames[0].name == "reg_EP05_1-020.jpg" and (z.onset, z.apex, z.offset) == (20, 22, 24)
    assert z.fps == 60.0


# ------------------------------------------------------------------------------------------------ SAMM


def test_samm_header_on_row_14(tmp_path, make):
    make.samm(tmp_path)
    with pytest.warns(DatasetWarning, match="middle frame"):
        ds = load_samples("samm", tmp_path, classes="raw")
    # the raw map keeps the sheet's spelling (h280: a lab's "Class I" stays "Class I"), compared without case
    assert ds.classes == ("Anger", "Contempt", "Disgust", "Happiness", "Other", "Surprise")
    s = by_key(ds)[("samm_006", "006_1_2")]
    assert (s.onset, s.apex, s.offset) == (5562, 5566, 5570) and s.frames[0].name == "006_05562.jpg"
    assert s.aus == frozenset({4, 7}) and s.raw_label == "Anger" and s.meta["objective_class"] == "3"
    assert by_key(ds)[("samm_006", "006_1_3")].aus == frozenset({12})  # subject '006', AU 'A/L12'
    odd = by_key(ds)[("samm_007", "007_5_1")]  # apex -1: middle frame
    assert odd.apex == 23 and odd.aus == frozenset({10})
    assert by_key(ds)[("samm_007", "007_6_1")].aus == frozenset({7, 43})
    assert by_key(ds)[("samm_007", "007_6_2")].aus == frozenset({4, 24})


def test_samm_megc_map(tmp_path, make):
    make.samm(tmp_path)
    with pytest.warns(DatasetWarning):
        ds = load_samples("samm", tmp_path, classes="megc2019")
    got = {s.sample: s.label for s in ds}
    assert got == {"006_1_2": "negative", "006_1_3": "positive", "007_5_1": "surprise", "007_6_1": "negative",
                   "007_7_1": "negative"}
    assert ds.dropped == {"samm:other": 1}


# ------------------------------------------------------------------------------------------------ SMIC


def test_smic_hs_labels_from_folders(tmp_path, make):
    make.smic(tmp_path)
    ds = load_samples("smic", tmp_path)
    assert ds.classes == ("negative", "positive", "surprise") and len(ds) == 5
    s = by_key(ds)[("smic_s01", "s01_ne_01")]  # the id the composite writes; s1_ne_01 on disk
    assert (s.label, s.fps, len(s.frames)) == ("negative", 100.0, 5)
    assert (s.onset, s.apex, s.offset) == (101, 103, 105) and (s.onset_pos, s.apex_pos, s.offset_pos) == (0, 2, 4)
    assert s.aus == frozenset() and not ds.notes  # no apex in SMIC is the norm, not an irregularity
    assert not ds.au_targets([4, 12])[1].any()  # no AU codes: masked
    assert ("smic_s12", "s12_po_03") in by_key(ds)


def test_smic_vis_and_cropped(tmp_path, make):
    make.smic(tmp_path, modality="VIS", raw=False)
    ds = load_samples("smic", tmp_path / "SMIC_all_cropped", modality="VIS")
    assert {s.fps for s in ds} == {25.0}
    with pytest.raises(InputError, match="no SMIC HS tree"):
        load_samples("smic", tmp_path / "SMIC_all_cropped")


def test_a_named_variant_is_that_tree_or_an_error(tmp_path, make):
    """--variant cropped reads the cropped frames or says they are not there; it never falls back to raw ones
    (SMIC ignored the variant, SAMM and CASME II fell back to their other trees without a word)."""
    make.smic(tmp_path)
    make.smic(tmp_path, raw=False)
    raw = load_samples("smic", tmp_path, variant="raw")
    cropped = load_samples("smic", tmp_path, variant="cropped")
    assert all("SMIC_all_raw" in str(s.path) for s in raw)
    assert all("SMIC_all_cropped" in str(s.path) for s in cropped)
    with pytest.raises(InputError, match="unknown variant"):
        load_samples("smic", tmp_path, variant="selected")
    make.samm(tmp_path / "samm")
    with pytest.raises(InputError, match=r"no frame tree .*\*crop\*"):
        load_samples("samm", tmp_path / "samm", variant="cropped")
    make.casme2(tmp_path / "c2")  # a selected tree only
    with pytest.raises(InputError, match="no frame tree"):
        load_samples("casme2", tmp_path / "c2", variant="cropped")


# ------------------------------------------------------------------------------------------------ CAS(ME)^2


def test_casme_sq(tmp_path, make):
    code = [
        [1, "disgust2_3", 10, 12, 14, "NULL", "others", "micro-expression", "disgust"],
        [1, "disgust2_4", 20, 22, 0, "4+7", "negative", "micro-expression", "disgust"],
        [1, "anger1_1", 5, 6, 9, "12", "positive", "micro-expression", "happy"],
        [2, "anger1_2", 30, 33, 36, "1+2", "surprise", "micro-expression", "surprise"],
        [2, "anger1_3", 40, 45, 60, "4", "negative", "macro-expression", "anger"],
    ]
    naming1 = [[15, "s15", 1], [16, "s16", 2]]  # folder number, folder, participant
    naming2 = [["0102", "disgust2"], ["0401", "anger1"]]
    make.xlsx(tmp_path / "CAS(ME)^2code_final.xlsx", code, title="CASFEcode_final",
              extra={"naming rule1": naming1, "naming rule2": naming2})
    make.frames(tmp_path / "rawpic" / "s15" / "15_0102disgustingteeth", [f"img{k}.jpg" for k in range(1, 26)])
    make.frames(tmp_path / "rawpic" / "s15" / "15_0401girlcrashing", [f"img{k}.jpg" for k in range(1, 12)])
    make.frames(tmp_path / "rawpic" / "s16" / "16_0401girlcrashing", [f"img{k}.jpg" for k in range(25, 62)])
    ds = load_samples("casme_sq", tmp_path)
    assert ds.classes == ("negative", "positive", "surprise", "others") and len(ds) == 4  # macro row left out
    s = by_key(ds)[("casme_sq_s15", "disgust2_3")]
    assert (s.onset, s.apex, s.offset, s.aus, s.aus_raw) == (10, 12, 14, frozenset(), "NULL")
    assert s.path.name == "15_0102disgustingteeth" and s.fps == 30.0 and s.meta["self_report"] == "disgust"
    open_end = by_key(ds)[("casme_sq_s15", "disgust2_4")]  # offset 0 = not coded: the clip ends at the apex
    assert open_end.offset is None and open_end.frames[-1].name == "img22.jpg"
    assert by_key(ds)[("casme_sq_s16", "anger1_2")].path.name == "16_0401girlcrashing"
    assert len(load_samples("casme_sq", tmp_path, expression="all")) == 5


# ------------------------------------------------------------------------------------------------ CAS(ME)^3


def test_casme3_repeated_filenames(tmp_path, make):
    header = ["Subject", "Filename", "Onset", "Apex", "Offset", "AU", "Objective class", "emotion"]
    rows = [
        ["spNO.1", "a", 355, 359, 360, "5", "II", "others"],
        ["spNO.1", "a", 400, 402, 405, "L12", "I", "happy"],
        ["spNO.1", "b", 10, 12, 14, "4+7", "III", "anger"],
        ["spNO.2", "a", 20, 21, 23, "1+2", "II", "surprise"],
    ]
    make.frames(tmp_path / "part_A" / "spNO.1" / "a" / "color", [f"{k}.jpg" for k in range(350, 410)])
    make.frames(tmp_path / "part_A" / "spNO.1" / "b" / "color", [f"{k}.jpg" for k in range(5, 20)])
    make.frames(tmp_path / "part_A" / "spNO.2" / "a" / "color", [f"{k}.jpg" for k in range(18, 26)])
    make.xlsx(tmp_path / "cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx", [["readme"]], title="info",
              extra={"label": [header] + rows})
    ds = load_samples("casme3a", tmp_path)
    keys = [(s.subject, s.sample) for s in ds]
    assert len(set(keys)) == 4
    assert ("casme3a_sp001", "a_355") in keys and ("casme3a_sp001", "a_400") in keys
    s = by_key(ds)[("casme3a_sp001", "a_400")]
    assert s.label == "positive" and s.raw_label == "happy" and s.frames[0].name == "400.jpg"
    assert s.meta["objective_class"] == "I" and s.aus == frozenset({12})
    seven = load_samples("casme3a", tmp_path, classes="casme3-7", allow_missing=True)
    assert seven.classes[0] == "anger" and {s.label for s in seven} == {"others", "happy", "anger", "surprise"}
    assert sorted(s.reason.split("'")[1] for s in seven.skipped) == ["disgust", "fear", "sad"]


# ------------------------------------------------------------------------------------------------ MEGC2019


def _composite(root: Path, make) -> None:
    make.casme2(root / "CASME2")
    make.samm(root / "SAMM")
    make.smic(root / "SMIC")


def test_megc2019_with_official_gt(tmp_path, make):
    _composite(tmp_path, make)
    # No header, CRLF, SMIC names zero-padded (s01_ne_01) but not on disk (s1_ne_01), labels as class indices.
    gt = ("casme2,sub01,EP02_01f,1\r\ncasme2,01,EP19_05f,0\r\ncasme2,sub02,EP03_02,2\r\n"
          "samm,006,006_1_2,0\r\nsamm,007,007_5_1,2\r\n"
          "smic,s01,s01_ne_01,0\r\nsmic,s01,s01_po_01,1\r\nsmic,s02,s02_sur_01,2\r\n")
    (tmp_path / "3class_gt.csv").write_bytes(gt.encode())
    with pytest.warns(DatasetWarning):
        ds = load_samples("megc2019", tmp_path)
    assert len(ds) == 8 and ds.classes == ("negative", "positive", "surprise")
    got = {s.key: s.label for s in ds}
    assert got["smic/smic_s01/s01_ne_01"] == "negative" and got["casme2/casme2_sub01/EP02_01f"] == "positive"
    assert got["samm/samm_007/007_5_1"] == "surprise"
    assert by_key(ds)[("casme2_sub01", "EP19_05f")].raw_label == "disgust"
    assert sorted({s.dataset for s in ds}) == ["casme2", "samm", "smic"]



def test_megc2019_says_which_ground_truth_chose_the_samples_and_where_it_relabels(tmp_path, make):
    """The GT file decides the set and the labels: the load names the file, counts the samples it leaves out, and
    lists samples whose GT label is not what their dataset's own label maps to."""
    _composite(tmp_path, make)
    with pytest.warns(DatasetWarning):
        ds = load_samples("megc2019", tmp_path)
    assert any("no ground-truth file" in n for n in ds.notes)
    # s01_po_01 is in SMIC's positive folder; the GT says negative (0)
    (tmp_path / "3class_gt.csv").write_bytes(b"casme2,sub01,EP02_01f,1\r\nsmic,s01,s01_po_01,0\r\n"
                                             b"smic,s02,s02_sur_01,2\r\n")
    with pytest.warns(DatasetWarning):
        ds = load_samples("megc2019", tmp_path)
    assert len(ds) == 3
    (chose,) = [n for n in ds.notes if "chose the samples" in n]
    assert "the composite's ground truth (3 samples)" in chose and "left out: " in chose
    (relabel,) = [n for n in ds.notes if "labelled otherwise" in n]
    assert "1 sample(s)" in relabel and "its own label 'positive' (positive) -> negative" in relabel

def test_megc2019_gt_row_without_a_clip(tmp_path, make):
    _composite(tmp_path, make)
    (tmp_path / "gt.csv").write_bytes(b"casme2,sub01,EP02_01f,1\r\nsmic,s09,s09_ne_01,0\r\n"
                                      b"smic,s02,s02_sur_01,2\r\n")
    with pytest.raises(InputError, match=r"gt\.csv: row 2: smic sample s09_ne_01 of subject 9"):
        load_samples("megc2019", tmp_path, gt=tmp_path / "gt.csv")
    ds = load_samples("megc2019", tmp_path, gt=tmp_path / "gt.csv", allow_missing=True)
    assert len(ds) == 2 and any(s.row == 2 for s in ds.skipped)


def test_megc2019_from_sheets(tmp_path, make):
    _composite(tmp_path, make)
    with pytest.warns(DatasetWarning):
        ds = load_samples("megc2019", tmp_path)
    counts = {d: sum(1 for s in ds if s.dataset == d) for d in ("casme2", "samm", "smic")}
    # CASME II: others and sadness dropped (4 left); SAMM: other dropped (5); SMIC as labelled (5).
    assert counts == {"casme2": 4, "samm": 5, "smic": 5}
    assert ds.dropped == {"casme2:others": 1, "casme2:sadness": 1, "samm:other": 1}


# ------------------------------------------------------------------------------------------------ table


def test_table_folder_video_and_image(tmp_path, make):
    make.frames(tmp_path / "clips" / "a", [f"frame_{k:03d}.png" for k in range(1, 11)])
    make.frames(tmp_path / "clips" / "b", ["x.png", "y.png", "z.png"])  # no numbers: positions
    vid = tmp_path / "clips" / "v.avi"
    w = cv2.VideoWriter(str(vid), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (32, 32))
    for k in range(12):
        w.write(np.full((32, 32, 3), k * 10, np.uint8))
    w.release()
    flow = np.zeros((28, 28, 3), np.uint8)
    cv2.imwrite(str(tmp_path / "flow.png"), flow)
    (tmp_path / "samples.csv").write_text(
        "subject,sample,label,path,onset,apex,offset,aus,dataset\r\n"
        "p1,a,Happy,clips/a,2,5,9,4+7,mine\r\n"
        "p1,b,sad,clips/b,,,,,\r\n"
        "p2,v,happy,clips/v.avi,3,,9,12,\r\n"
        "p2,f,sad,flow.png,,,,,\r\n", encoding="utf-8")
    ds = load_samples("table", tmp_path)
    assert ds.classes == ("Happy", "sad") and len(ds) == 4  # one class, spelled as first read (h280)
    a = by_key(ds)[("p1", "a")]
    assert (a.dataset, a.onset, a.apex, a.offset, a.apex_pos, a.kind) == ("mine", 2, 5, 9, 3, "frames")
    assert a.frames[0].name == "frame_002.png" and a.aus == frozenset({4, 7}) and a.raw_label == "Happy"
    b = by_key(ds)[("p1", "b")]
    assert (b.onset, b.apex, b.offset, len(b.frames)) == (0, 1, 2, 3) and b.dataset == "table"
    v = by_key(ds)[("p2", "v")]
    assert (v.kind, v.onset, v.apex, v.offset, v.frames) == ("video", 3, 6, 9, None) and v.fps == 25.0
    f = by_key(ds)[("p2", "f")]
    assert f.kind == "image" and f.frames is None and f.path == (tmp_path / "flow.png").resolve()


def test_an_uncoded_offset_ends_the_clip_at_its_apex_and_says_so(tmp_path):
    """datasets.md: CAS(ME)^2's 0 (and a blank cell) means not coded; the clip then runs onset..apex, noted."""
    clip = tmp_path / "clip1"
    clip.mkdir()
    for k in range(1, 11):
        cv2.imwrite(str(clip / f"img{k}.jpg"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\ns1,a,happy,clip1,2,5,\n")
    (s,) = load_samples("table", tmp_path)
    assert (s.onset, s.apex, s.offset, len(s.frames)) == (2, 5, None, 4)
    assert any("no offset coded; the clip ends at its apex 5" in n for n in load_samples("table", tmp_path).notes)


def test_table_face_box_says_which_person(tmp_path):
    """A labelled set exported from a project of several people names each event's face on its onset frame."""
    vid = tmp_path / "v.avi"
    w = cv2.VideoWriter(str(vid), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    for k in range(12):
        w.write(np.full((48, 64, 3), k * 10, np.uint8))
    w.release()
    (tmp_path / "samples.csv").write_text(
        "subject,sample,label,path,onset,apex,offset,face_box\n"
        "p1,a,happy,v.avi,1,2,4,30 5.5 60 40\n"
        "p1,b,sad,v.avi,5,6,8,\n"
        "p1,c,sad,v.avi,5,6,8,30 5 20 40\n", encoding="utf-8")
    ds = load_samples("table", tmp_path, allow_missing=True)
    assert by_key(ds)[("p1", "a")].meta["face_box"] == [30.0, 5.5, 60.0, 40.0]
    assert "face_box" not in by_key(ds)[("p1", "b")].meta
    assert [k.sample for k in ds] == ["a", "b"]
    assert "face_box '30 5 20 40' is not 'x0 y0 x1 y1'" in " ".join(str(x) for x in ds.skipped)


def test_table_errors(tmp_path, make):
    (tmp_path / "t.csv").write_text("subject,sample,path\nA,1,x.png\n")
    with pytest.raises(InputError, match=r"t\.csv: missing column\(s\) label"):
        load_samples("table", tmp_path / "t.csv")
    (tmp_path / "t.csv").write_text("subject,sample,label,path\nA,1,neg,missing.png\nA,2,neg,bad.png\n")
    (tmp_path / "bad.png").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"t\.csv: row 2: path not found"):
        load_samples("table", tmp_path / "t.csv")
    cv2.imwrite(str(tmp_path / "ok.png"), np.zeros((4, 4, 3), np.uint8))
    with open(tmp_path / "t.csv", "a") as fh:
        fh.write("A,3,neg,ok.png\n")
    ds = load_samples("table", tmp_path / "t.csv", allow_missing=True)
    assert len(ds) == 1 and [(s.row, s.reason.split(" ")[0]) for s in ds.skipped] == [(2, "path"), (3, "unreadable")]
    (tmp_path / "v.csv").write_text("subject,sample,label,path,onset\nA,1,neg,ok.png,x\n")
    with pytest.raises(InputError, match="onset 'x' is not a frame number"):
        load_samples("table", tmp_path / "v.csv")


@pytest.mark.skipif(not DEV.is_file(), reason="megc2019-dev data not present")
def test_real_megc2019_dev_table():
    ds = load_samples("table", DEV)
    assert len(ds) == 309 and len(set(ds.subjects)) == 40
    assert ds.classes == ("negative", "positive", "surprise")
    assert {s.kind for s in ds} == {"image"} and {s.dataset for s in ds} == {"casme2", "smic"}
    assert np.bincount(ds.labels).tolist() == [158, 83, 68]
    # The composite map accepts already-mapped labels: same result.
    assert load_samples("table", DEV, classes="megc2019").labels.tolist() == ds.labels.tolist()


# ------------------------------------------------------------------------------------------------ class maps


def test_custom_class_maps(tmp_path, make):
    make.casme2(tmp_path)
    spec = {"name": "valence", "classes": ["neg", "pos", "other"],
            "map": {"happiness": "pos", "disgust": "neg", "repression": "neg", "sadness": "neg",
                    "surprise": "other", "others": None}}
    (tmp_path / "valence.json").write_text(json.dumps(spec))
    ds = load_samples("casme2", tmp_path, classes=tmp_path / "valence.json")
    assert ds.classes == ("neg", "pos", "other") and ds.class_map.name == "valence"
    assert sorted(s.label for s in ds) == ["neg", "neg", "neg", "other", "pos"]
    assert ds.dropped == {"casme2:others": 1}
    flat = load_samples("casme2", tmp_path, classes={"happiness": "pos", "disgust": "neg", "repression": "neg",
                                                      "surprise": "neg", "others": None, "sadness": None})
    assert flat.classes == ("pos", "neg")
    text = flat.class_map.describe()
    assert "happiness -> pos" in text and "others -> (dropped)" in text



def test_a_list_of_classes_trains_on_that_subset_and_counts_the_rest(tmp_path, make):
    """--classes happiness,disgust on CASME II: the other labels are dropped and counted (it was an error: "unknown
    label 'repression' for class map custom"), the same in every command (datasets inspect did not take a list)."""
    make.casme2(tmp_path)
    ds = load_samples("casme2", tmp_path, classes="happiness, disgust", verbose=False)
    assert ds.classes == ("happiness", "disgust") and {s.label for s in ds} <= {"happiness", "disgust"}
    assert sum(ds.dropped.values()) == 6 - len(ds) and "every other label dropped" in ds.class_map.describe()
    with pytest.raises(InputError, match="give each class once"):
        class_map("happiness,Happiness")

def test_class_map_errors_and_printing(tmp_path):
    with pytest.raises(InputError, match="unknown class map"):
        class_map("nope")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match=r"bad\.json: cannot read class map JSON"):
        class_map(tmp_path / "bad.json")
    with pytest.raises(InputError, match="not in 'classes'"):
        class_map({"classes": ["a"], "map": {"x": "b"}})
    text = class_map("casme2-5").describe()
    assert text.startswith("class map casme2-5: 0 happiness, 1 disgust, 2 repression, 3 surprise, 4 others")
    assert "sadness -> (dropped)" in text
    assert "sadness -> others" in class_map("casme2-5", sadness_fear="others").describe()
    assert class_map("casme-4").classes == ("tense", "disgust", "repression", "surprise")
    assert class_map("smic-3").classes == ("negative", "positive", "surprise")


def test_unknown_kind_and_missing_root(tmp_path):
    with pytest.raises(InputError, match="unknown dataset kind"):
        load_samples("fer2013", tmp_path)
    with pytest.raises(InputError, match="not found"):
        load_samples("casme2", tmp_path / "nope")


def test_table_video_uses_the_frames_that_decode(tmp_path):
    """A table row's offset is checked against the frames that decode, not CAP_PROP_FRAME_COUNT: an MP4 whose
    edit list skips stored frames claims more than decode; a Matroska file with a short Duration claims fewer."""
    from support.miscounted import (
        claimed_and_decoded,
        copy_cut,
        ffmpeg_or_skip,
        halve_mkv_duration,
        transcode,
    )

    ffmpeg = ffmpeg_or_skip()
    src = tmp_path / "src.avi"
    w = cv2.VideoWriter(str(src), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for k in range(120):
        w.write(np.full((48, 64, 3), 2 * k, np.uint8))
    w.release()
    trimmed = copy_cut(ffmpeg, transcode(ffmpeg, src, tmp_path / "full.mp4"), tmp_path / "trimmed.mp4", 1.05)
    short = halve_mkv_duration(transcode(ffmpeg, src, tmp_path / "full.mkv"), tmp_path / "short.mkv")
    (t_claim, t_found), (s_claim, s_found) = claimed_and_decoded(trimmed), claimed_and_decoded(short)
    assert t_claim > t_found and s_claim < s_found, "the test files are not miscounted"

    table = tmp_path / "t.csv"
    table.write_text("subject,sample,label,path,onset,offset\n"
                     f"A,1,neg,trimmed.mp4,0,{t_found - 1}\n"
                     f"A,2,neg,trimmed.mp4,0,{t_found}\n"  # inside the claim, past the decodable end
                     f"A,3,neg,short.mkv,0,{s_found - 1}\n")  # past the claim, inside the decodable frames
    ds = load_samples("table", table, allow_missing=True)
    assert sorted(s.sample for s in ds) == ["1", "3"]
    assert [(s.row, f"past the end of trimmed.mp4 ({t_found} frames)" in s.reason) for s in ds.skipped] == \
        [(3, True)]
    assert any(f"says {t_claim} frames, {t_found} can be decoded" in n for n in ds.notes)
    assert any(f"says {s_claim} frames, {s_found} can be decoded" in n for n in ds.notes)


def test_an_uncoded_onset_starts_the_clip_at_its_first_frame_and_says_so(tmp_path):
    """A coded row whose onset cell is blank (or "/" in a sheet) does not start at the first frame: said, with the row."""
    clip = tmp_path / "clip1"
    clip.mkdir()
    for k in range(3, 11):
        cv2.imwrite(str(clip / f"img{k}.jpg"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\ns1,a,happy,clip1,,5,9\n")
    ds = load_samples("table", tmp_path)
    (s,) = ds
    assert (s.onset, s.apex, s.offset) == (3, 5, 9)
    assert any("row 2: s1/a has no usable onset (blank, / or not a frame number); the clip starts at its first "
               "frame 3" in n for n in ds.notes)
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\ns1,a,happy,clip1\n")  # a plain folder: no note
    assert not load_samples("table", tmp_path).notes


def test_frames_missing_inside_a_clip_are_noted(tmp_path):
    clip = tmp_path / "clip1"
    clip.mkdir()
    for k in (1, 2, 3, 5, 7, 8):
        cv2.imwrite(str(clip / f"img{k}.jpg"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\ns1,a,happy,clip1,1,5,8\n")
    ds = load_samples("table", tmp_path, verbose=False)
    assert [f.name for f in ds[0].frames] == ["img1.jpg", "img2.jpg", "img3.jpg", "img5.jpg", "img7.jpg", "img8.jpg"]
    assert any("s1/a: 2 frame(s) of 1..8 missing in clip1 (4, 6)" in n for n in ds.notes)
