"""Training on the FACS objective classes, MEGC2018's protocol (h285): `--classes objective` / `objective-5` label
each row by the sheet's objective class (SAMM, CAS(ME)^3) or else by the class of its AUs (CASME II has no column)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.cli_run import run_datasets
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main
from merstudio.datasets import class_map, class_map_names, load_samples
from merstudio.errors import InputError
from merstudio.facs import objective_class, read_objective_class

SAMM_HEADER = ["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
               "Micro", "Action Units", "Estimated Emotion", "Objective Classes", "Notes"]
# (subject, clip, AUs, estimated emotion, objective class cell as SAMM writes it): I-V over three subjects, and a
# VI and a VII that objective-5 drops, as MEGC2018 did
SAMM_ROWS = [
    (6, "006_1_1", "12", "Happiness", 1), (6, "006_1_2", "4+7", "Anger", 3), (6, "006_1_3", "1+2", "Surprise", 2),
    (6, "006_1_4", "9", "Disgust", 4), (6, "006_1_5", "15", "Sadness", 5),
    (7, "007_1_1", "6+12", "Happiness", "1"), (7, "007_1_2", "23", "Contempt", 3.0), (7, "007_1_3", "5", "Surprise", 2),
    (7, "007_1_4", "10", "Disgust", 4), (7, "007_1_5", "1+4", "Sadness", 5), (7, "007_1_6", "20", "Fear", 6),
    (8, "008_1_1", "7+12", "Happiness", 1), (8, "008_1_2", "4", "Anger", 3), (8, "008_1_3", "25", "Surprise", 2),
    (8, "008_1_4", "4+9", "Disgust", 4), (8, "008_1_5", "15+17", "Sadness", 5), (8, "008_1_6", "14", "Other", 7),
]
# CASME II codes no objective class: the AUs say it. (subject, clip, AUs, emotion); the disgust row is anger by its
# AUs (4+7), and AU14 alone is in no class (VII)
CASME2_ROWS = [
    ("01", "EP01_01", "12", "happiness"), ("01", "EP01_02", "4+7", "disgust"), ("01", "EP01_03", "1+2", "surprise"),
    ("02", "EP02_01", "L10", "disgust"), ("02", "EP02_02", "R15", "sadness"), ("02", "EP02_03", "14", "others"),
]


def samm(make: Any, root: Path, rows: list[tuple[Any, ...]] = SAMM_ROWS) -> Path:
    for subj, clip, *_ in rows:
        make.frames(root / "SAMM" / f"{subj:03d}" / clip, [f"{subj:03d}_{k:05d}.jpg" for k in range(10, 15)],
                    size=32, grey=True)
    make.xlsx(root / "SAMM_Micro_FACS_Codes_v2.xlsx",
              [[f"preamble {i}"] for i in range(13)] + [SAMM_HEADER]
              + [[s, c, 1, 10, 12, 14, 5, "Micro - 1/2", au, emo, cls, None] for s, c, au, emo, cls in rows])
    return root


def casme2(make: Any, root: Path) -> Path:
    for subj, clip, *_ in CASME2_ROWS:
        make.frames(root / "CASME2_RAW_selected" / f"sub{subj}" / clip, [f"img{k}.jpg" for k in range(1, 6)])
    make.xlsx(root / "CASME2-coding-20140508.xlsx",
              [["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
                "Estimated Emotion"]] + [[s, c, None, 1, 3, 5, None, au, emo] for s, c, au, emo in CASME2_ROWS])
    return root


def test_the_facs_helpers_read_the_sheets_spellings():
    assert [read_objective_class(t) for t in ("3", "3.0", "III", "Class III", "class 3", " iii ", "", "8", "x")] \
        == ["III", "III", "III", "III", "III", "III", "", None, None]
    assert (objective_class([4, 7]), objective_class([14]), objective_class([])) == ("III", "VII", "")


def test_the_maps_are_listed_and_named_as_the_table_names_the_classes(capsys):
    assert {"objective", "objective-5"} <= set(class_map_names())
    assert class_map("objective").classes == ("I happiness", "II surprise", "III anger", "IV disgust",
                                              "V sadness", "VI fear", "VII others")
    assert class_map("objective-5").classes == ("I happiness", "II surprise", "III anger", "IV disgust",
                                                "V sadness")
    assert run_datasets(["datasets", "classes", "objective-5"]) == 0
    out = capsys.readouterr().out
    assert "class map objective-5: 0 I happiness" in out and "vi -> (dropped)" in out and "AUs" in out


def test_samm_rows_take_the_sheets_objective_class(tmp_path, make):
    ds = load_samples("samm", samm(make, tmp_path), classes="objective-5", verbose=False)
    by = {s.sample: s for s in ds}
    assert by["006_1_2"].label == "III anger" and by["006_1_2"].raw_label == "Anger"
    assert by["007_1_2"].label == "III anger"  # contempt by its emotion, class 3 by the sheet (written 3.0)
    assert by["007_1_1"].label == "I happiness"  # the class written as text "1"
    assert "007_1_6" not in by and "008_1_6" not in by  # VI and VII dropped, counted
    assert ds.dropped == {"samm:class VI": 1, "samm:class VII": 1}
    assert any("samm: objective class from the sheet's objective class column for 15 rows" in n for n in ds.notes)
    seven = load_samples("samm", tmp_path, classes="objective", verbose=False)
    assert {s.sample: s.label for s in seven}["008_1_6"] == "VII others" and len(seven) == 17


def test_a_blank_objective_cell_takes_the_class_of_the_aus_and_a_bad_one_is_named(tmp_path, make):
    rows = [r if r[1] != "006_1_2" else (*r[:4], None) for r in SAMM_ROWS]
    ds = load_samples("samm", samm(make, tmp_path / "a", rows), classes="objective-5", verbose=False)
    assert {s.sample: s.label for s in ds}["006_1_2"] == "III anger"  # 4+7
    assert any("for 14 rows and from the AUs for 1 row (their cell blank)" in n for n in ds.notes)
    rows = [r if r[1] != "006_1_2" else (*r[:4], "9") for r in SAMM_ROWS]
    with pytest.raises(InputError, match=r"row 16: objective class '9' is none of I-VII"):
        load_samples("samm", samm(make, tmp_path / "b", rows), classes="objective-5", verbose=False)


def test_casme2_rows_take_the_class_of_their_aus(tmp_path, make):
    ds = load_samples("casme2", casme2(make, tmp_path), classes="objective", allow_missing=True, verbose=False)
    assert {s.sample: s.label for s in ds} == {"EP01_01": "I happiness", "EP01_02": "III anger",
                                               "EP01_03": "II surprise", "EP02_01": "IV disgust",
                                               "EP02_02": "V sadness", "EP02_03": "VII others"}
    assert any("casme2: objective class from the AUs for 6 rows" in n for n in ds.notes)
    assert [s.reason for s in ds.skipped] == ["class 'VI fear' of class map objective has no samples"]


def test_smic_and_a_table_without_aus_are_refused_in_one_line(tmp_path, make):
    make.smic(tmp_path / "smic")
    with pytest.raises(InputError, match="SMIC codes no AUs or objective classes.*use smic-3"):
        load_samples("smic", tmp_path / "smic", classes="objective")
    table = write_table(tmp_path / "flows", n=6, n_subjects=2)
    with pytest.raises(InputError) as exc:
        load_samples("table", table, classes="objective-5", allow_missing=True)
    assert "\n" not in str(exc.value) and "no aus column" in str(exc.value) and "row 2" in str(exc.value)


def test_a_table_with_aus_or_objective_labels_loads(tmp_path, make):
    root = tmp_path / "t"
    make.frames(root / "a", [f"{k}.jpg" for k in range(3)])
    (root / "samples.csv").write_text("subject,sample,label,path,aus\n"
                                      "s1,a1,happiness,a,6+12\n"
                                      "s1,a2,Class III,a,\n"
                                      "s2,a3,II surprise,a,12\n"
                                      "s2,a4,1,a,4+9\n", encoding="utf-8")
    ds = load_samples("table", root, classes="objective", allow_missing=True, verbose=False)
    # a label that is a class is the row's; else (a bare "1" too: MEGC2019's positive as likely) its AUs say it
    assert [s.label for s in ds] == ["I happiness", "III anger", "II surprise", "IV disgust"]


def test_inspect_counts_the_objective_classes(tmp_path, make, capsys):
    samm(make, tmp_path)
    assert run_datasets(["datasets", "inspect", f"samm:{tmp_path}", "--classes", "objective-5"]) == 0
    out = capsys.readouterr().out
    assert "samm: 15 samples, 3 subjects, 5 classes" in out
    assert "III anger" in out and "samm:class VI" in out


def test_the_composite_reads_casme2_and_samm_and_leaves_smic_out(tmp_path, make):
    casme2(make, tmp_path / "CASME2")
    samm(make, tmp_path / "SAMM")
    make.smic(tmp_path / "SMIC")
    ds = load_samples("megc2019", tmp_path, classes="objective", allow_missing=True, verbose=False)
    assert {s.dataset for s in ds} == {"casme2", "samm"} and len(ds) == 6 + 17
    assert any("SMIC left out" in n for n in ds.notes)
    # with the official ground truth: it chooses the samples, their class is the objective one
    (tmp_path / "3class_gt.csv").write_bytes(b"casme2,01,EP01_01,1\r\nsamm,006,006_1_2,0\r\nsmic,s01,s01_ne_01,0\r\n"
                                             b"samm,007,007_1_2,0\r\n")
    ds = load_samples("megc2019", tmp_path, classes="objective", allow_missing=True, verbose=False)
    assert sorted((s.sample, s.label) for s in ds) == [("006_1_2", "III anger"), ("007_1_2", "III anger"),
                                                       ("EP01_01", "I happiness")]
    assert not [s for s in ds.skipped if "smic" in s.reason]


def test_train_and_evaluate_on_the_objective_classes(tmp_path, make, monkeypatch, capsys):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    root = samm(make, tmp_path / "samm")
    tiny = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress", "--size", "28", "--config",
            str(write_tiny_config(tmp_path / "tiny.json", width=4))]
    rc = main(["train", "--data", f"samm:{root}", "--classes", "objective-5", "--out", str(tmp_path / "run"),
               "--protocol", "kfold:2", "--final", str(tmp_path / "m.pt"), *tiny])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "class map objective-5: 0 I happiness" in out
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert "objective-5" in json.dumps(run)
    rc = main(["evaluate", "--checkpoint", str(tmp_path / "m.pt"), "--data", f"samm:{root}", "--classes",
               "objective-5", "--out", str(tmp_path / "ev"), "--device", "cpu", "--no-progress"])
    out, err = capsys.readouterr()
    assert rc == 0, err
