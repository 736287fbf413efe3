"""A CASME II sheet names sub17's EP05_03 and EP05_03f as two clips (datasets.md): importing the sheet for one of
them takes that clip's rows alone. The name differing by a trailing f stands in only where no row names the clip
itself (the sheet's EP15_01f for the folder EP15_01), as the loaders' find_child reads folders."""

from __future__ import annotations

from ix_helpers import write_frames, write_xlsx

from merstudio.interchange import preview_sheet

HEADER = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
          "Estimated Emotion"]


def _sheet(tmp_path):
    return write_xlsx(tmp_path / "CASME2-coding-20190701.xlsx", [
        HEADER,
        ["17", "EP05_03", None, 30, 40, 50, None, "4", "disgust"],
        ["17", "EP05_03f", None, 60, 70, 80, None, "4+9", "repression"],
        ["17", "EP15_01f", None, 12, 15, 18, None, "12", "happiness"],
    ])


def test_importing_ep05_03_takes_its_row_and_not_ep05_03fs(tmp_path):
    sheet = _sheet(tmp_path)
    folder = tmp_path / "CASME2-RAW" / "sub17" / "EP05_03"
    write_frames(folder, range(1, 101))  # the whole clip, img1..img100: position = number - 1
    prev = preview_sheet(sheet, "casme2", "EP05_03", 1, clip_folder=folder)
    # the EP05_03 row alone: frames 30-40-50 are positions 29-39-49 (the EP05_03f row, 60-70-80, is another clip)
    assert [(e.onset, e.apex, e.offset, e.emotion, e.aus) for e in prev.events] == [(29, 39, 49, "disgust", "4")]
    assert not prev.skipped and not any("trailing f" in n for n in prev.notes)
    twin = tmp_path / "CASME2-RAW" / "sub17" / "EP05_03f"
    write_frames(twin, range(1, 101))
    prev = preview_sheet(sheet, "casme2", "EP05_03f", 1, clip_folder=twin)
    assert [(e.onset, e.apex, e.offset, e.emotion) for e in prev.events] == [(59, 69, 79, "repression")]


def test_a_folder_named_without_the_sheets_f_reads_that_row_and_says_so(tmp_path):
    sheet = _sheet(tmp_path)
    folder = tmp_path / "CASME2-RAW" / "sub17" / "EP15_01"
    write_frames(folder, range(10, 21))  # img10..img20
    prev = preview_sheet(sheet, "casme2", "EP15_01", 1, clip_folder=folder)
    assert [(e.onset, e.apex, e.offset, e.emotion) for e in prev.events] == [(2, 5, 8, "happiness")]
    assert any("no row names clip 'EP15_01'" in n and "'ep15_01f'" in n and "trailing f" in n for n in prev.notes)
