"""Notes and skips of a BORIS tabular events export (START / STOP rows) name the event as its user finds it: the
observation, behaviour, subject and time as the file writes them, and the file lines (a workbook's sheet rows) of
its START and STOP. They named "row 2", a row of the table the pairing made: with a 5 s time offset, BORIS 7's own
fixture (test_export_events_tabular.tsv) was said "row 2: negative time -1.7 s" for the START on line 20."""

from __future__ import annotations

import csv

from support.boris_tables import tabular_tsv

from merstudio.cli.main import main
from merstudio.interchange import read_events
from merstudio.xlsx import write_xlsx

# tabular_tsv's block above the header is 8 lines: the header is line 9, its first row line 10
ROWS = [("3.300", "clip.mp4", "START"), ("7.750", "clip.mp4", "STOP"),
        ("9.900", "clip.mp4", "START"), ("16.200", "clip.mp4", "STOP")]


def _offset_tsv(tmp_path):
    """BORIS 7's tabular export with the observation's time offset 5 s in its block (the h202 repro)."""
    path = tabular_tsv(tmp_path / "b7_off.tsv", ["clip.mp4"], ROWS, "359.960")
    text = path.read_text(encoding="utf-8")
    assert "Time offset (s)\t0.0\n" in text
    path.write_text(text.replace("Time offset (s)\t0.0", "Time offset (s)\t5.0"), encoding="utf-8")
    return path


def test_a_skip_names_the_observation_the_event_and_its_lines(tmp_path):
    prev = read_events(_offset_tsv(tmp_path), fps=25.0)
    (skip,) = prev.skipped  # 3.3 s less the offset is before the media's start
    assert skip.where == "b7_off.tsv: observation 'obs 1', 's' of 'subject1' at 3.300 s (START line 10, STOP line 11)"
    assert skip.reason == "negative media time -1.7 s"
    assert ("b7_off.tsv: observation 'obs 1', 's' of 'subject1' at 9.900 s (START line 12, STOP line 13): no apex; "
            "using the middle frame 200") in prev.notes
    assert not any("row" in n for n in prev.notes)


def test_convert_prints_it(tmp_path, capsys):
    assert main(["convert", str(_offset_tsv(tmp_path)), str(tmp_path / "x.tsv"), "--yes"]) == 0
    out = capsys.readouterr().err  # the preview, as the user reads it before the file is written
    assert ("- skip b7_off.tsv: observation 'obs 1', 's' of 'subject1' at 3.300 s (START line 10, STOP line 11): "
            "negative media time -1.7 s") in out
    assert "row 2" not in out


def test_a_comment_of_several_lines_moves_the_lines_after_it(tmp_path):
    """A quoted comment holding a line break (a spreadsheet's cell of two lines) is one row but two lines; the
    STOP after it, and a row with no START/STOP, are named by the lines they are on."""
    path = tmp_path / "obs.csv"
    head = ["Time", "Media file path", "Total length", "FPS", "Subject", "Behavior", "Behavioral category",
            "Comment", "Status"]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([
            ["Observation id", "obs 1"], [], head,
            ["1.000", "clip.mp4", "10.0", "25.0", "Anna", "s", "", "first\nsecond", "START"],  # lines 4-5
            ["1.500", "clip.mp4", "10.0", "25.0", "Bob", "s", "", "", "START"],  # line 6
            ["2.000", "clip.mp4", "10.0", "25.0", "Anna", "s", "", "", "STOP"],  # line 7
            ["2.500", "clip.mp4", "10.0", "25.0", "Bob", "s", "", "", "STOP"],  # line 8
            ["", "clip.mp4", "10.0", "25.0", "Bob", "s", "", "", "START"],  # line 9: no time
        ])
    assert path.read_text(encoding="utf-8").splitlines()[8].startswith(",clip.mp4")  # line 9 as an editor counts
    prev = read_events(path, fps=25.0)
    assert [(s.where, s.reason) for s in prev.skipped] == [("obs.csv: line 9", "no START/STOP/POINT and time "
                                                            "('START', 'empty')")]
    assert ("obs.csv: observation 'obs 1', 's' of 'Anna' at 1.000 s (START line 4, STOP line 7): no apex; using "
            "the middle frame 37") in prev.notes
    assert ("obs.csv: observation 'obs 1', 's' of 'Bob' at 1.500 s (START line 6, STOP line 8): no apex; using "
            "the middle frame 49") in prev.notes


def test_a_workbook_names_its_sheet_rows(tmp_path):
    text = _offset_tsv(tmp_path).read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines()]
    path = tmp_path / "b7_off.xlsx"
    write_xlsx(path, "obs 1", rows[0], rows[1:])
    prev = read_events(path, fps=25.0)
    (skip,) = prev.skipped
    assert skip.where == "b7_off.xlsx: observation 'obs 1', 's' of 'subject1' at 3.300 s (START row 10, STOP row 11)"


def test_a_state_never_stopped_names_its_line(tmp_path):
    path = tabular_tsv(tmp_path / "obs.tsv", ["clip.mp4"], [*ROWS[:2], ("9.900", "clip.mp4", "START")], "5.0")
    prev = read_events(path, fps=25.0)
    assert [(s.where, s.reason) for s in prev.skipped] == [
        ("obs.tsv: observation 'obs 1'", "'s' of 'subject1' starts at 9.900 s (line 12) and is never stopped")]
