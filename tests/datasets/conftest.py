"""Builders of fake dataset trees in the real layouts (../shared/reference/datasets.md): a few tiny frames per
clip and annotation sheets with the real column names, written with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import openpyxl
import pytest

RNG = np.random.default_rng(0)


def write_frames(folder: Path, names: list[str], size: int = 24, grey: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        img = RNG.integers(0, 255, (size, size) if grey else (size, size, 3), dtype=np.uint8)
        assert cv2.imwrite(str(folder / name), img)


def write_xlsx(path: Path, rows: list[list[Any]], title: str = "Sheet1",
               extra: dict[str, list[list[Any]]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for name, more in (extra or {}).items():
        ws2 = wb.create_sheet(name)
        for r in more:
            ws2.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


CASME2_HEADER = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
                 "Estimated Emotion"]

# (subject cell, filename, onset, apex, offset, AUs, emotion): spellings and cells as the real sheet has them.
CASME2_ROWS: list[list[Any]] = [
    ["01", "EP02_01f", 46, 59, 86, "12", "happiness"],
    [1, "EP19_05f", 10, 14, 18, "4+7", "disgust"],
    ["02", "EP01_11f", 5, 8, 12, "L12", "repression"],
    ["sub02", "EP03_02", 3, 6, 9, "R6", "surprise"],
    [4.0, "EP12_01f", 20, "/", 26, "(R6 or R12)+R15", "others"],
    ["04", "EP13_02f", 7, 9, 11, 12.0, "sadness"],
]


def casme2_tree(root: Path, variant: str = "selected", rows: list[list[Any]] | None = None,
                whole_clip_pad: int = 3) -> Path:
    """root/CASME2-coding-20140508.xlsx + root/<tree>/subNN/<clip>/img<k>.jpg (onset..offset, or padded for RAW)."""
    rows = CASME2_ROWS if rows is None else rows
    tree = root / {"selected": "CASME2_RAW_selected", "raw": "CASME2-RAW", "cropped": "Cropped"}[variant]
    prefix = "reg_img" if variant == "cropped" else "img"
    pad = whole_clip_pad if variant == "raw" else 0
    for subj, name, on, _apex, off, _au, _emo in rows:
        n = int(float(str(subj).replace("sub", "")))
        write_frames(tree / f"sub{n:02d}" / name, [f"{prefix}{k}.jpg" for k in range(on - pad, off + pad + 1)])
    write_xlsx(root / "CASME2-coding-20140508.xlsx",
               [CASME2_HEADER] + [[s, f, None, on, ap, off, None, au, emo] for s, f, on, ap, off, au, emo in rows])
    return root


def samm_tree(root: Path) -> Path:
    preamble = [[f"SAMM preamble line {i}"] for i in range(1, 14)]
    header = ["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
              "Micro", "Action Units", "Estimated Emotion", "Objective Classes", "Notes"]
    rows = [
        [6, "006_1_2", 1, 5562, 5566, 5570, 9, "Micro - 1/2", "4+7", "Anger", 3, None],
        ["006", "006_1_3", 1, 100, 103, 106, 7, "Micro - 1/2", "A/L12", "Happiness", 1, None],
        ["7", "007_5_1", 5, 20, -1, 25, 6, "Micro - 1/2", "10A/B", "Surprise", 2, "apex not coded"],
        [7, "007_6_1", 6, 30, 33, 36, 7, "Micro - 1/2", "ref(7B)+43", "Contempt", 3, None],
        [7, "007_6_2", 6, 40, 43, 46, 7, "Micro - 1/2", "4,24", "Other", 7, None],
        [7, "007_7_1", 6, 50, 53, 56, 7, "Micro - 1/2", "4", "Disgust", 4, None],
    ]
    for subj, name, _ind, on, _ap, off, *_ in rows:
        n = int(subj)
        write_frames(root / "SAMM" / f"{n:03d}" / name, [f"{n:03d}_{k:05d}.jpg" for k in range(on, off + 1)],
                     grey=True)
    write_xlsx(root / "SAMM_Micro_FACS_Codes_v2.xlsx", preamble + [header] + rows)
    return root


def smic_tree(root: Path, modality: str = "HS", raw: bool = True) -> Path:
    base = root / ("SMIC_all_raw" if raw else "SMIC_all_cropped") / modality
    clips = [(1, "negative", "s1_ne_01"), (1, "positive", "s1_po_01"), (2, "surprise", "s2_sur_01"),
             (2, "negative", "s2_ne_02"), (12, "positive", "s12_po_03")]
    for subj, label, name in clips:
        write_frames(base / f"s{subj}" / "micro" / label / name,
                     [f"image{k:06d}.bmp" for k in range(100 * subj + 1, 100 * subj + 6)])
    return root


# How Excel saves a sheet as text: "CSV UTF-8" (BOM, ","), "CSV" in a comma-decimal locale (";", cp1252), and
# "Unicode text" (UTF-16 with its BOM, tab-separated, saved as .txt). Rows end in CRLF; a row keeps its empty cells.
EXCEL_TEXT = {"utf8": (",", "utf-8-sig", ".csv"), "semicolon": (";", "cp1252", ".csv"),
              "unicode": ("\t", "utf-16", ".txt")}


def save_as_text(xlsx: Path, style: str, remove: bool = True) -> Path:
    """The workbook's first sheet saved as Excel saves it as text (EXCEL_TEXT), beside it under its own name; the
    .xlsx removed unless `remove` is False."""
    import csv
    import io

    delimiter, encoding, suffix = EXCEL_TEXT[style]
    wb = openpyxl.load_workbook(xlsx)
    width = wb.active.max_column
    rows = [["" if c is None else str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)
             for c in r] + [""] * (width - len(r)) for r in wb.active.iter_rows(values_only=True)]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    out = xlsx.with_suffix(suffix)
    out.write_bytes(buf.getvalue().encode(encoding))
    if remove:
        xlsx.unlink()
    return out


@pytest.fixture
def make() -> Any:
    class Builders:
        frames = staticmethod(write_frames)
        xlsx = staticmethod(write_xlsx)
        casme2 = staticmethod(casme2_tree)
        samm = staticmethod(samm_tree)
        smic = staticmethod(smic_tree)
        save_as_text = staticmethod(save_as_text)
        CASME2_ROWS = CASME2_ROWS

    return Builders
