"""A FACS coder's own spreadsheet read as an events table: the usual header spellings (``Action Units``, ``AUs``,
``Estimated Emotion``, ``Notes``, ``Comment``, ``Annotator``...) are read, case and spaces aside, and one note names
what was read under another name and what was ignored; an apex of ``/`` (CASME's "not coded") or left empty takes
the middle frame, tagged imputed, instead of losing the row. A sheet with CASME II's own headers is refused with a
line that names ``--dataset casme2`` (its frame numbers are the dataset's, not 0-based positions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import read_events
from merstudio.interchange.common import Media
from merstudio.interchange.events_csv import read_events_csv, write_events_csv
from merstudio.project.apex import apex_imputed
from merstudio.project.events import Event

# as the auditor's coder wrote it (a46 sheet2.csv)
SHEET = ("Filename,Onset,Apex,Offset,Action Units,Estimated Emotion,Coder,Notes\n"
         "smile_man.mp4,17,20,71,6+12+25,happiness,Zoë,broad smile\n"
         "smile_man.mp4,3,/,9,4,negative,Zoë,\n")


def _coding(events: list[Event]) -> list[tuple]:
    return sorted((e.onset, e.apex, e.offset, e.emotion, e.aus, e.coder) for e in events)


def test_a_coders_sheet_keeps_aus_emotion_and_notes(tmp_path: Path) -> None:
    p = tmp_path / "sheet2.csv"
    p.write_text(SHEET, encoding="utf-8")
    prev = read_events(p, fps=30.0)
    # 3..9 has no apex: the middle frame (3 + 9) // 2 = 6
    assert _coding(prev.events) == [(3, 6, 9, "negative", "4", "Zoë"), (17, 20, 71, "happiness", "6+12+25", "Zoë")]
    assert not prev.skipped
    by_onset = {e.onset: e for e in prev.events}
    assert by_onset[17].note == "broad smile" and not apex_imputed(by_onset[17])
    assert apex_imputed(by_onset[3])
    said = [n for n in prev.notes if "under another name" in n]
    assert len(said) == 1, prev.notes
    for piece in ("'Action Units' as aus", "'Estimated Emotion' as emotion", "'Notes' as note", "'Filename'"):
        assert piece in said[0], said[0]
    assert "ignored" in said[0]
    assert any("row 3" in n and "middle frame 6" in n for n in prev.notes), prev.notes


@pytest.mark.parametrize(("aus", "emotion", "note", "coder"), [
    ("AUs", "Emotion", "Comment", "Annotator"),
    ("action_units", "emotion label", "Comments", "RATER"),
    ("AU", " Emotion ", "note", "coder"),
])
def test_the_usual_spellings_are_read(tmp_path: Path, aus: str, emotion: str, note: str, coder: str) -> None:
    p = tmp_path / "s.csv"
    p.write_text(f"Onset,Apex,Offset,{aus},{emotion},{note},{coder}\n10,12,20,AU6+AU12,happiness,big one,ann\n",
                 encoding="utf-8")
    (ev,) = read_events_csv(p, fps=30.0).events
    assert (ev.onset, ev.apex, ev.offset, ev.aus, ev.emotion, ev.note, ev.coder) == \
        (10, 12, 20, "6+12", "happiness", "big one", "ann")


def test_an_empty_apex_is_the_middle_frame_but_a_bad_one_still_skips(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text("onset,apex,offset,coder\n10,,21,a\n10,x,20,a\n", encoding="utf-8")
    prev = read_events_csv(p, fps=30.0)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(10, 15, 21)]  # (10 + 21) // 2
    assert [s.reason for s in prev.skipped] == ["bad or missing frame in apex 'x'"]


def test_our_own_file_says_nothing_new(tmp_path: Path) -> None:
    ev = Event(video_id=0, onset=3, apex=5, offset=9, emotion="happiness", aus="6+12", coder="a", note="n")
    p = write_events_csv([ev], tmp_path / "o.events.csv", Media("clip.mp4", fps=30.0))
    prev = read_events_csv(p, fps=30.0)
    assert not any("another name" in n or "ignored" in n for n in prev.notes), prev.notes
    assert _coding(prev.events) == [(3, 5, 9, "happiness", "6+12", "a")]


def test_convert_of_the_coders_sheet_writes_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "sheet2.csv"
    p.write_text(SHEET, encoding="utf-8")
    out = tmp_path / "s.events.csv"
    assert main(["convert", str(p), str(out), "--fps", "30", "--yes"]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3
    assert rows[2].startswith(",0,17,20,71,") and ",happiness,6+12+25,Zoë," in rows[2] and rows[2].endswith(
        ",broad smile")


CASME2 = ("Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Action Units,Estimated Emotion\n"
          "01,EP02_01f,46,59,86,12,happiness\n")


def test_a_casme2_sheet_is_refused_naming_the_dataset_option(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "casme.csv"
    p.write_text(CASME2, encoding="utf-8")
    assert main(["convert", str(p), str(tmp_path / "o.events.csv"), "--fps", "30"]) != 0
    err = capsys.readouterr().err
    assert "--dataset casme2" in err and "CASME II" in err, err


def test_a_casme2_sheet_is_no_events_table(tmp_path: Path) -> None:
    from merstudio.interchange.sheets import sheet_kind

    p = tmp_path / "casme.csv"
    p.write_text(CASME2, encoding="utf-8")
    assert sheet_kind(p) == "casme2"
    q = tmp_path / "mine.csv"
    q.write_text(SHEET, encoding="utf-8")
    assert sheet_kind(q) is None
    with pytest.raises(InputError):
        read_events_csv(p, fps=30.0)


def test_a_samm_sheet_after_its_preamble_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # SAMM's FACS sheet as the dataset ships it: 13 rows of preamble (a title, notes, blank rows) before the header
    import openpyxl

    from merstudio.interchange.sheets import sheet_kind

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["SAMM Micro-Movement Database: FACS codes"])
    for k in range(12):
        ws.append([f"note {k}"] if k % 3 else [])
    ws.append(["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
               "Type", "Action Units", "Notes", "Estimated Emotion", "Objective Classes"])
    ws.append([6, "006_1_2", 1, 5562, 5588, 5632, 71, "Micro - 1/2", "AU4", "", "Anger", 1])
    p = tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx"
    wb.save(p)
    assert sheet_kind(p) == "samm"
    assert main(["convert", str(p), str(tmp_path / "o.events.csv"), "--fps", "200"]) != 0
    err = capsys.readouterr().err
    assert "SAMM annotation sheet" in err and "--dataset samm" in err, err
