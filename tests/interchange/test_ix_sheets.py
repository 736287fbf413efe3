"""Dataset annotation sheets as events of one clip: frame numbers -> 0-based positions in the clip."""

from __future__ import annotations

import warnings

import pytest
from ix_helpers import write_frames, write_xlsx

from merstudio.datasets import load_samples
from merstudio.errors import InputError
from merstudio.interchange import commit_import, events_from_samples, preview_sheet
from merstudio.project.apex import APEX_IMPUTED, apex_imputed

CASME2_HEADER = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
                 "Estimated Emotion"]


@pytest.fixture
def casme2(tmp_path):
    """CASME2-RAW with whole clips (frames img1..imgN as distributed) and the coding sheet with the real columns."""
    root = tmp_path / "CASME2"
    write_frames(root / "CASME2-RAW" / "sub01" / "EP02_01f", range(1, 101))
    write_frames(root / "CASME2-RAW" / "sub04" / "EP12_01f", range(1, 41))
    write_xlsx(root / "CASME2-coding-20140508.xlsx", [
        CASME2_HEADER,
        ["01", "EP02_01f", None, 46, 59, 86, None, "12", "happiness"],
        ["01", "EP02_01f", None, 88, 90, 95, None, "L12+4", "Disgust"],
        [4.0, "EP12_01f", None, 20, "/", 26, None, "(R6 or R12)+R15", "others"],
        ["05", "EP12_01f", None, 2, 3, 4, None, "4", "others"],  # same clip name, another subject
    ])
    return root


def test_samples_to_events_at_clip_positions(casme2):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = load_samples("casme2", casme2, variant="raw", check_images=False, verbose=False,
                          allow_missing=True)
    clip = casme2 / "CASME2-RAW" / "sub01" / "EP02_01f"
    a, b = events_from_samples(ds, video_id=3, clip=clip)
    # img46 is the 46th file of a clip starting at img1 -> position 45 (io plays img1..img100 in natural order)
    assert (a.onset, a.apex, a.offset) == (45, 58, 85) and a.emotion == "happiness" and a.aus == "12"
    assert (b.onset, b.apex, b.offset, b.emotion, b.aus) == (87, 89, 94, "disgust", "L12+4")
    assert a.coder == "casme2" and a.source == "imported" and a.video_id == 3
    (c,) = events_from_samples(ds, 4, clip=casme2 / "CASME2-RAW" / "sub04" / "EP12_01f", label="class")
    assert (c.onset, c.apex, c.offset) == (19, 22, 25)  # apex "/" -> middle frame
    # ... tagged as imputed (the loader now says the sheet coded none), so agreement leaves it out
    assert c.aus == "6+12+15" and c.note == f"AUs as coded: (R6 or R12)+R15 {APEX_IMPUTED}" and apex_imputed(c)
    assert c.emotion == "others" and not apex_imputed(a) and not apex_imputed(b)
    with pytest.raises(InputError, match="2 clips among the samples"):
        events_from_samples(ds, 1)
    with pytest.raises(InputError, match="no sample of this clip"):
        events_from_samples(ds, 1, clip="EP99_01f")


def test_sheet_and_clip_folder(casme2, project):
    vid = project.videos()[0].id
    folder = casme2 / "CASME2-RAW" / "sub01" / "EP02_01f"
    prev = preview_sheet(casme2 / "CASME2-coding-20140508.xlsx", "casme2", "EP02_01f", vid, clip_folder=folder)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(45, 58, 85), (87, 89, 94)]
    added = commit_import(project, prev)
    assert len(added) == 2 and project.coders() == ["casme2"]
    # a *_selected clip starts at the onset: give its first frame number instead of the folder
    prev = preview_sheet(casme2 / "CASME2-coding-20140508.xlsx", "casme2", "EP02_01", vid, first_frame=46,
                         subject="sub01")
    assert prev.ok and [(e.onset, e.apex, e.offset) for e in prev.events] == [(0, 13, 40), (42, 44, 49)]
    prev = preview_sheet(casme2 / "CASME2-coding-20140508.xlsx", "casme2", "EP02_01f", vid, first_frame=50)
    assert "row 2: onset frame 46 is before the clip's first frame 50" in str(prev.skipped[0])
    # the subject filter keeps sub04's row only; its "/" apex becomes the middle frame with a note
    prev = preview_sheet(casme2 / "CASME2-coding-20140508.xlsx", "casme2", "EP12_01f", vid, first_frame=1,
                         subject=4)
    (e,) = prev.events
    assert (e.onset, e.apex, e.offset) == (19, 22, 25) and "unusable" in prev.notes[0]


def test_samm_sheet_with_preamble(tmp_path):
    folder = tmp_path / "SAMM" / "006" / "006_1_2"
    write_frames(folder, range(5555, 5640), prefix="006_", digits=5)
    preamble = [[f"SAMM preamble line {i}"] for i in range(1, 14)]
    header = ["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
              "Micro", "Action Units", "Estimated Emotion", "Objective Classes", "Notes"]
    sheet = write_xlsx(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", preamble + [header] + [
        [6, "006_1_2", 1, 5562, 5588, 5632, 71, "Micro - 1/2", "4+7", "Anger", 3, None],
        [6, "006_1_2", 1, 5600, 5610, 5650, 51, "Micro - 1/2", "A/L12", "Happiness", 1, None],
    ])
    prev = preview_sheet(sheet, "samm", "006_1_2", 0, clip_folder=folder)
    (e,) = prev.events
    assert (e.onset, e.apex, e.offset, e.emotion, e.aus, e.coder) == (7, 33, 77, "anger", "4+7", "samm")
    assert "offset frame 5650 is not in the clip folder" in str(prev.skipped[0])
    with pytest.raises(InputError, match="nothing imported"):
        prev.accept()


def test_sheet_errors(casme2, tmp_path):
    sheet = casme2 / "CASME2-coding-20140508.xlsx"
    with pytest.raises(InputError, match="give the clip folder or the number of its first frame"):
        preview_sheet(sheet, "casme2", "EP02_01f", 0)
    with pytest.raises(InputError, match="no row for clip 'EP77_01'"):
        preview_sheet(sheet, "casme2", "EP77_01", 0, first_frame=1)
    with pytest.raises(InputError, match="no annotation sheet layout"):
        preview_sheet(sheet, "smic", "s1_ne_01", 0, first_frame=1)
    bad = write_xlsx(tmp_path / "bad.xlsx", [["Subject", "Filename", "Onset"], [1, "EP02_01f", 3]])
    with pytest.raises(InputError, match="no header row with columns"):
        preview_sheet(bad, "casme2", "EP02_01f", 0, first_frame=1)


def test_a_clip_import_says_which_sheet_it_read_after_a_readme(casme2, project):
    """A workbook whose first sheet is a ReadMe: the clip import reads the code sheet and says so, as the loaders do
    (h278's note reached load_samples but not preview_sheet)."""
    import openpyxl

    path = casme2 / "CASME2-coding-20140508.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active.title = "Codes"
    wb.create_sheet("ReadMe", 0)["A1"] = "Coding of CASME II, 2014-05-08"
    wb.active = 0
    wb.save(path)
    folder = casme2 / "CASME2-RAW" / "sub01" / "EP02_01f"
    prev = preview_sheet(path, "casme2", "EP02_01f", project.videos()[0].id, clip_folder=folder)
    assert len(prev.events) == 2
    assert any("read sheet 'Codes'" in n and "ReadMe" in n for n in prev.notes), prev.notes
