"""A dataset sheet's clip name can repeat across subjects (CASME II's EP02_01f): the subject comes from --subject or
the clip folder as the dataset lays it out, and rows of several subjects are never mixed into one clip."""

from __future__ import annotations

import pytest
from ix_helpers import write_frames, write_xlsx

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import preview_sheet
from merstudio.project import Project
from merstudio.project.apex import APEX_IMPUTED

HEADER = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
          "Estimated Emotion"]


@pytest.fixture
def sheet(tmp_path):
    for sub in ("sub01", "sub02"):
        write_frames(tmp_path / "CASME2-RAW" / sub / "EP02_01f", range(46, 87))
    return write_xlsx(tmp_path / "CASME2-coding.xlsx", [
        HEADER,
        ["01", "EP02_01f", None, 46, 59, 86, None, "12", "happiness"],
        ["01", "EP02_01f", None, 50, "/", 70, None, "4+7", "disgust"],
        ["02", "EP02_01f", None, 47, 60, 80, None, "14", "others"],
    ])


def test_the_clip_folder_names_the_subject(sheet, tmp_path):
    folder = tmp_path / "CASME2-RAW" / "sub01" / "EP02_01f"
    prev = preview_sheet(sheet, "casme2", "EP02_01f", 1, clip_folder=folder)
    assert [(e.onset, e.offset, e.aus) for e in prev.events] == [(0, 40, "12"), (4, 24, "4+7")]
    assert any("subject 1: from the clip folder ('sub01')" in n for n in prev.notes)
    # its "/" apex is the middle frame, tagged so that agreement leaves it out
    assert prev.events[1].note == APEX_IMPUTED and APEX_IMPUTED not in prev.events[0].note
    other = preview_sheet(sheet, "casme2", "EP02_01f", 1, clip_folder=tmp_path / "CASME2-RAW" / "sub02" / "EP02_01f")
    assert [e.aus for e in other.events] == ["14"]
    with pytest.raises(InputError, match="subject 2 given, but the clip folder .* is subject 1's"):
        preview_sheet(sheet, "casme2", "EP02_01f", 1, clip_folder=folder, subject="2")


def test_rows_of_several_subjects_are_refused_without_one(sheet, tmp_path):
    with pytest.raises(InputError) as exc:
        preview_sheet(sheet, "casme2", "EP02_01f", 1, first_frame=46)
    msg = str(exc.value)
    assert "clip 'EP02_01f' has rows of 2 subjects (1, 2)" in msg and "--subject" in msg and "\n" not in msg
    assert len(preview_sheet(sheet, "casme2", "EP02_01f", 1, first_frame=46, subject="sub02").events) == 1
    # a folder that names no subject (copied elsewhere) does not say which
    flat = tmp_path / "copy" / "EP02_01f"
    write_frames(flat, range(46, 87))
    with pytest.raises(InputError, match="rows of 2 subjects"):
        preview_sheet(sheet, "casme2", "EP02_01f", 1, clip_folder=flat)


def test_cli_takes_the_subject_from_the_clip_folder(sheet, tmp_path, capsys, project):
    path = project.path
    project.close()
    rc = main(["convert", "--project", str(path), "--import", str(sheet), "--dataset", "casme2", "--clip",
               "EP02_01f", "--clip-folder", str(tmp_path / "CASME2-RAW" / "sub01" / "EP02_01f")])
    out = capsys.readouterr()
    assert rc == 0 and "imported 2 event(s)" in out.out
    with Project.open(path) as p:
        assert sorted(e.aus for e in p.events()) == ["12", "4+7"]  # not subject 2's AU14
    rc = main(["convert", "--project", str(path), "--import", str(sheet), "--dataset", "casme2", "--clip",
               "EP02_01f", "--first-frame", "46"])
    assert rc == 2 and "rows of 2 subjects (1, 2)" in capsys.readouterr().err


@pytest.mark.parametrize(("kind", "parts", "want"), [
    ("casme2", ("CASME2-RAW", "sub01", "EP02_01f"), 1),
    ("casme2", ("CASME2_RAW_selected", "sub26", "EP16_04"), 26),
    ("casme", ("CASME_raw_selected", "sub05", "EP07_2"), 5),
    ("samm", ("SAMM", "006", "006_1_2"), 6),
    ("casme3a", ("part_A", "spNO.1", "a", "color"), 1),
    ("casme3a", ("part_A", "spNO.12", "a"), 12),
    ("casme2", ("data", "EP02_01f"), None),
])
def test_folder_subject(tmp_path, kind, parts, want):
    from merstudio.interchange.sheets import folder_subject

    got = folder_subject(kind, tmp_path.joinpath(*parts))
    assert (got[0] if got else None) == want
