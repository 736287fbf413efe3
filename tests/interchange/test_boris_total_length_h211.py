"""BORIS 7's tables (and BORIS 8's tabular export) state the media's length only as the observation's ``Total
length``, a column of every row (export_events / export_aggregated_events: observation_total_length, the longest of
its players' files together, or its last entry's time where that is later). The note on events past the end read
only ``Media duration (s)``: an event past a 5-s clip converted without a word. And an aggregated table's notes
said ``row N`` counted from the top, one short of the editor's line after a quoted comment of several lines; they
name the event as the tabular export's do: observation, behaviour, subject, time as written, file line."""

from __future__ import annotations

import csv
import json

from support.boris_tables import AGGREGATED_HEAD, tabular_tsv

from merstudio.cli.main import main
from merstudio.interchange import read_events

PAST_END = [("1.000", "clip.mp4", "START"), ("2.000", "clip.mp4", "STOP"),
            ("6.000", "clip.mp4", "START"), ("7.000", "clip.mp4", "STOP")]


def test_an_event_past_a_boris7_tabular_exports_total_length_is_noted(tmp_path, capsys):
    src = tabular_tsv(tmp_path / "obs.tsv", ["clip.mp4"], PAST_END, "5.0")  # header line 9: rows on lines 10-13
    prev = read_events(src, fps=25.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(25, 49), (150, 174)]  # kept: a conversion writes all
    assert ("1 event(s) start past the end of 'clip.mp4' (its observation's Total length 5.000 s): observation "
            "'obs 1', 's' of 'subject1' at 6.000 s (START line 12, STOP line 13)") in prev.notes
    assert prev.media_length == 5.0
    out = tmp_path / "out.boris"
    assert main(["convert", str(src), str(out), "--yes"]) == 0
    assert "start past the end of 'clip.mp4'" in capsys.readouterr().err
    (obs,) = json.loads(out.read_text(encoding="ascii"))["observations"].values()
    assert obs["media_info"]["length"] == {"clip.mp4": 5.0}  # as the table states it (h202)


def test_a_total_length_of_two_players_is_no_one_files(tmp_path):
    """The Total length is the longest player's: with a 60-s file in player 2 it is not clip.mp4's length."""
    src = tabular_tsv(tmp_path / "obs.tsv", ["clip.mp4"], PAST_END, "60.0", player2=["side.mp4"])
    prev = read_events(src, fps=25.0)
    assert prev.media_length is None
    assert not [n for n in prev.notes if "past the end" in n]


def test_an_aggregated_tables_total_length_is_no_files_length(tmp_path):
    """BORIS's own test_export_aggregated_events_test_full_1.tsv: observation #2 plays a 180-s and a 360-s file in
    turn, its rows name the 360-s one only, its Total length is both (539.920): an aggregated table cannot show the
    files played without events, so its Total length is nobody's length (no note, no length for a BORIS export)."""
    src = tmp_path / "agg.tsv"
    rows = [("STATE", "266.165", "276.690"), ("POINT", "530.000", "530.000")]
    src.write_text("\n".join([AGGREGATED_HEAD] + [
        f"observation #2\t2016-12-01 23:01:31\t\tvideo_test_25fps_360s.mp4\t539.920\t25.0\tsubject1\ts\t\t\t"
        f"{kind}\t{t0}\t{t1}\t1.0\t\t" for kind, t0, t1 in rows]) + "\n", encoding="utf-8")
    prev = read_events(src, fps=25.0)
    assert len(prev.events) == 2 and prev.media_length is None
    assert not [n for n in prev.notes if "past the end" in n]


def test_an_aggregated_tables_notes_name_the_event_and_its_file_line(tmp_path):
    """A comment of two lines (a spreadsheet's cell) on line 2-3: the rows after it are on lines 4 and 5, which
    the notes said were rows 3 and 4; an apex no state holds names its line too."""
    path = tmp_path / "agg.csv"
    head = AGGREGATED_HEAD.split("\t")

    def row(subject, kind, t0, t1, comment="", behavior="s"):
        return ["obs 1", "2016-12-01", "", "clip.mp4", "10.000", "25.0", subject, behavior, "", "", kind, t0, t1,
                "", comment, ""]

    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([
            head, row("Anna", "STATE", "1.000", "2.000", "first\nsecond"),  # lines 2-3
            row("Bob", "STATE", "3.000", "4.000"),  # line 4
            row("Bob", "STATE", "five", "6.000"),  # line 5: no start time
            row("Bob", "POINT", "8.000", "8.000", "s", behavior="apex"),  # line 6: outside every state
        ])
    assert path.read_text(encoding="utf-8").splitlines()[4].startswith("obs 1,2016-12-01,,clip.mp4,10.000,25.0,Bob,s"
                                                                      ",,,STATE,five")  # line 5 as an editor counts
    prev = read_events(path, fps=25.0)
    assert [str(s) for s in prev.skipped] == [
        "agg.csv: observation 'obs 1', 's' of 'Bob' (line 5): no time in column Start (s) ('five')"]
    assert ("agg.csv: observation 'obs 1', 's' of 'Bob' at 3.000 s (line 4): no apex; using the middle frame 87"
            in prev.notes)
    assert ("agg.csv: observation 'obs 1': an apex at 8.000 s (line 6) of 'Bob' outside its events (or a second "
            "one) left out") in prev.notes
    assert not any("row" in n for n in prev.notes)
