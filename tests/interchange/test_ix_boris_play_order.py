"""BORIS 7 observations playing several files in turn where the first-played file has no events: the tabular
export's "Player #1" block gives the playing order; a length taken from the Total length is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.boris_tables import AGGREGATED_HEAD as HEAD
from support.boris_tables import tabular_tsv

from merstudio.errors import InputError
from merstudio.interchange import read_events


def _tabular(tmp_path: Path) -> Path:
    """a.mp4 (10 s, no events), b.mp4 (20 s), c.mp4 (30 s) played in turn; b's event 2-3 s into b is 12-13 s."""
    rows = [("12.000", "/v/b.mp4", "START"), ("13.000", "/v/b.mp4", "STOP"), ("35.000", "/v/c.mp4", "START"),
            ("36.000", "/v/c.mp4", "STOP")]
    return tabular_tsv(tmp_path / "tabular.tsv", ["/v/a.mp4", "/v/b.mp4", "/v/c.mp4"], rows, "60.000")


def test_the_player_block_gives_the_order_with_a_first_file_without_events(tmp_path):
    p = _tabular(tmp_path)
    # b.mp4 plays after a.mp4, whose length is needed: not taken as the Total length less b's
    with pytest.raises(InputError, match="needs the length of a.mp4"):
        read_events(p, video_name="b.mp4", media_lengths={"b.mp4": 20.0})
    prev = read_events(p, video_name="b.mp4", media_lengths={"a.mp4": 10.0})
    assert [(e.onset, e.offset) for e in prev.events] == [(50, 74)]
    prev = read_events(p, video_name="c.mp4", media_lengths={"a.mp4": 10.0, "b.mp4": 20.0})
    assert [(e.onset, e.offset) for e in prev.events] == [(125, 149)]
    # all three lengths known: the Total length checks them
    with pytest.raises(InputError, match="not the sum"):
        read_events(p, video_name="c.mp4", media_lengths={"a.mp4": 10.0, "b.mp4": 20.0, "c.mp4": 20.0})


def test_a_length_taken_from_the_total_length_is_said(tmp_path):
    p = tmp_path / "aggregated.tsv"
    rows = [("b.mp4", "12.000", "13.000"), ("c.mp4", "35.000", "36.000")]
    p.write_text("\n".join([HEAD] + [f"obs 1\t2016\t\t{m}\t60.000\t25.0\tNo focal subject\ts\t\t\tSTATE\t{t0}\t{t1}"
                                     "\t1.0\t\t" for m, t0, t1 in rows]) + "\n")
    for video in ("b.mp4", "c.mp4"):
        notes = [n for n in read_events(p, video_name=video, media_lengths={"b.mp4": 20.0}).notes
                 if "Total length" in n]
        assert len(notes) == 1, notes
        assert "'c.mp4'" in notes[0] and "40.000 s" in notes[0] and "without events" in notes[0]
    # the tabular export's block names every file played: the length from the Total length is sound, still said
    notes = [n for n in read_events(_tabular(tmp_path), video_name="c.mp4",
                                    media_lengths={"a.mp4": 10.0, "b.mp4": 20.0}).notes if "Total length" in n]
    assert len(notes) == 1 and "'c.mp4'" in notes[0] and "30.000 s" in notes[0]
    assert "without events" not in notes[0]
