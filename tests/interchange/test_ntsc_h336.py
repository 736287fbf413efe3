"""h336 (a120): rates written exactly, --decimal-comma by column, leading zeros guarded."""
from __future__ import annotations

import csv

from merstudio.interchange.events_csv import guarded, make_spreadsheet_safe, spreadsheet_cell, unguarded_cell


def _rows(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=";"))


def test_decimal_comma_leaves_a_note_column_of_numbers_as_text(tmp_path):
    # a120 finding 6: notes 1.16 / 2.5 were written 1,16 / 2,5 (the column was judged numeric by its content)
    p = tmp_path / "e.csv"
    p.write_text("onset,onset_time,coder,note\n10,0.5,ann,1.16\n30,1.25,ann,2.5\n", encoding="utf-8")
    make_spreadsheet_safe(p, ",", decimal_comma=True)
    rows = _rows(p)
    assert [r[1] for r in rows[1:]] == ["0,5", "1,25"]  # a number column still gets its decimal comma
    assert [unguarded_cell(r[3], True) for r in rows[1:]] == ["1.16", "2.5"]


def test_leading_zero_digits_are_guarded():
    # a120 finding 9: a coder "007" or a note "0012" showed as 7 / 12 in Excel
    for text in ("007", "0012", "00"):
        assert guarded(text)
        assert spreadsheet_cell(text) == "'" + text
        assert unguarded_cell(spreadsheet_cell(text)) == text
    for text in ("0", "0.5", "12", "10"):
        assert not guarded(text)


def test_leading_zero_column_is_no_number_column(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("subject,uf1\n007,0.5\n012,0.25\n", encoding="utf-8")
    make_spreadsheet_safe(p, ",", decimal_comma=True)
    rows = _rows(p)
    assert [r[0] for r in rows[1:]] == ["'007", "'012"]
    assert [r[1] for r in rows[1:]] == ["0,5", "0,25"]


# a120 finding 3: NTSC rates rounded to 29.97 were used as exact rates
NTSC = 30000 / 1001


def _events(stop: int = 108000, step: int = 997):
    from merstudio.project.events import Event

    return [Event(video_id=0, onset=k, apex=k + 3, offset=k + 9, coder="ann", emotion="happiness")
            for k in range(100, stop, step)]


def test_rounded_ntsc_rates_are_read_as_ntsc():
    from merstudio.interchange.common import check_fps, exact_fps, fps_text, given_fps

    for written, n in ((29.97, 30), (29.97003, 30), (23.976, 24), (23.98, 24), (59.94, 60), (119.88, 120)):
        assert exact_fps(written) == n * 1000 / 1001
        assert given_fps(written, "x") == check_fps(written, "x") == n * 1000 / 1001
    for rate in (30.0, 25.0, 24.0, 60.0, 12.5, 29.9, 1000.0):
        assert exact_fps(rate) == rate
    assert fps_text(29.97) == "29.97" and fps_text(NTSC) == "29.97003 (30000/1001)" and fps_text(30.0) == "30"


def test_elan_file_read_at_29_97_lands_on_the_ntsc_frames(tmp_path):
    # an ELAN-made file (no merstudio properties) of an hour's NTSC video read with --fps 29.97: 91 of 109 onsets
    # came in a frame early
    import re

    from merstudio.interchange import Media, read_events, write_events

    evs = _events()
    p = tmp_path / "elan.eaf"
    write_events(evs, p, Media(path=str(tmp_path / "v.mp4"), fps=NTSC))
    p.write_text(re.sub(r'\s*<PROPERTY NAME="merstudio:[^"]*">[^<]*</PROPERTY>', "", p.read_text("utf-8")), "utf-8")
    got = read_events(p, fps=29.97)
    assert [(e.onset, e.apex, e.offset) for e in got.events] == [(e.onset, e.apex, e.offset) for e in evs]
    assert "29.97003 (30000/1001)" in got.summary()


def test_events_csv_round_trip_keeps_the_ntsc_rate(tmp_path):
    # the events CSV's rate was rounded to 29.97 and written on: an .eaf made from it said merstudio:fps 29.97, and
    # importing that back moved 6 of 20 events a frame
    from merstudio.interchange import Media, read_events, write_events

    evs = _events(20000)
    a, b, eaf = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "a.eaf"
    media = Media(path=str(tmp_path / "v.mp4"), fps=NTSC)
    write_events(evs, a, media)
    got = read_events(a)
    assert got.fps == NTSC
    write_events(got.events, b, Media(path=str(tmp_path / "v.mp4"), fps=got.fps))
    assert b.read_bytes() == a.read_bytes()
    write_events(got.events, eaf, Media(path=str(tmp_path / "v.mp4"), fps=got.fps))
    back = read_events(eaf, fps=NTSC)
    assert [(e.onset, e.apex, e.offset) for e in back.events] == [(e.onset, e.apex, e.offset) for e in evs]


def test_boris_rows_write_the_rate_exactly(tmp_path):
    from merstudio.interchange import Media
    from merstudio.interchange.boris import boris_rows

    rows = boris_rows(_events(2000), Media(path=str(tmp_path / "v.mp4"), fps=NTSC))
    assert {r["FPS (frame/s)"] for r in rows} == {"29.97002997"}


def test_a_rate_mismatch_is_judged_by_what_it_does_over_the_files_span(tmp_path):
    # a120 finding 1: a fixed relative tolerance let rates 8e-5 apart (25.002 and 25) through however long the file,
    # every event two hours in read 14 frames off; a short file's events move by under half a frame and are read
    import pytest

    from merstudio.errors import FrameRateMismatch
    from merstudio.interchange import Media, read_events, write_events
    from merstudio.project.events import Event

    media = Media(path=str(tmp_path / "v.mp4"), fps=25.002)
    late = [Event(video_id=0, onset=180000, apex=180003, offset=180009, coder="ann", emotion="happiness")]
    write_events(late, tmp_path / "late.eaf", media)
    with pytest.raises(FrameRateMismatch, match=r"25\.002 fps in the file differs from the video's 25 fps"):
        read_events(tmp_path / "late.eaf", fps=25.0)
    for path in (tmp_path / "late.tsv",):
        write_events(late, path, media)
        with pytest.raises(FrameRateMismatch):
            read_events(path, fps=25.0)
    early = [Event(video_id=0, onset=100, apex=103, offset=109, coder="ann", emotion="happiness")]
    write_events(early, tmp_path / "early.eaf", media)
    got = read_events(tmp_path / "early.eaf", fps=25.0)
    assert [(e.onset, e.apex, e.offset) for e in got.events] == [(100, 103, 109)]
