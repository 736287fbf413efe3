"""BORIS 7 tables of an observation whose player plays several files one after another: a ``Media file`` per
row, the observation's ``Total length``, no ``Source``; BORIS times the later files from the start of the first."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from support.boris_tables import AGGREGATED_HEAD as HEAD
from support.boris_tables import tabular_tsv

from merstudio.errors import InputError
from merstudio.interchange import preview_import, read_events
from merstudio.project import Project


def _aggregated(tmp_path: Path, total: str = "30.000") -> Path:
    """BORIS 7's export_aggregated_events layout: a.mp4 is 10 s, b.mp4 20 s at 25 fps."""
    rows = [("a.mp4", "STATE", "1.000", "2.000"), ("a.mp4", "POINT", "3.000", "3.000"),
            ("b.mp4", "STATE", "12.000", "13.000"), ("b.mp4", "POINT", "14.000", "14.000")]
    p = tmp_path / "aggregated.tsv"
    p.write_text("\n".join([HEAD] + [f"obs 1\t2016-12-01 23:01:31\t\t{m}\t{total}\t25.0\tNo focal subject\ts\t\t\t"
                                     f"{kind}\t{t0}\t{t1}\t1.0\t\t" for m, kind, t0, t1 in rows]) + "\n")
    return p


def _tabular(tmp_path: Path) -> Path:
    """BORIS 7's export_tabular_events layout: a block about the observation above the header, Status START/STOP."""
    rows = [("1.000", "a.mp4", "START"), ("2.000", "a.mp4", "STOP"), ("12.000", "b.mp4", "START"),
            ("13.000", "b.mp4", "STOP")]
    return tabular_tsv(tmp_path / "tabular.tsv", ["a.mp4", "b.mp4"], rows, "30.000")


def test_a_later_file_without_the_earlier_ones_length_is_refused_in_one_line(tmp_path):
    for p in (_aggregated(tmp_path), _tabular(tmp_path)):
        with pytest.raises(InputError) as err:
            read_events(p, video_name="b.mp4")
        msg = str(err.value)
        assert "\n" not in msg and "needs the length of a.mp4" in msg and "b.mp4" in msg
        # the first file's times are its own
        assert [e.onset for e in read_events(p, video_name="a.mp4").events][0] == 25


def test_the_earlier_files_lengths_place_the_later_files_events(tmp_path):
    prev = read_events(_aggregated(tmp_path), video_name="b.mp4", media_lengths={"a.mp4": 10.0})
    assert sorted((e.onset, e.offset) for e in prev.events) == [(50, 74), (100, 100)]
    prev = read_events(_tabular(tmp_path), video_name="b.mp4", media_lengths={"a.mp4": 10.0})
    assert [(e.onset, e.offset) for e in prev.events] == [(50, 74)]


def test_the_total_length_gives_one_unknown_length_and_checks_known_ones(tmp_path):
    p = _aggregated(tmp_path)
    prev = read_events(p, video_name="b.mp4", media_lengths={"b.mp4": 20.0})  # a.mp4: 30 - 20
    assert sorted(e.onset for e in prev.events) == [50, 100]
    with pytest.raises(InputError, match="Total length 30.000 s is not the sum"):
        read_events(p, video_name="b.mp4", media_lengths={"a.mp4": 10.0, "b.mp4": 12.0})


def test_a_projects_videos_give_the_lengths(tmp_path):
    p = _aggregated(tmp_path)
    with Project.create(tmp_path / "study.merproj") as proj:
        for name, n in (("a.mp4", 250), ("b.mp4", 500)):
            (tmp_path / name).write_bytes(np.random.default_rng(n).integers(0, 256, 4096, dtype=np.uint8).tobytes())
            vid = proj.add_video(tmp_path / name, fps=25.0, frame_count=n, width=64, height=48)
        prev = preview_import(proj, p, vid.id)
    assert sorted(e.onset for e in prev.events) == [50, 100]


def test_an_observation_longer_than_the_one_file_its_rows_name_gets_a_note(tmp_path):
    """BORIS's test_full_3.tsv: only the second file's rows, Total length the two files'. Whether the unnamed file
    plays first the table cannot say: a note, where the named file's length is known."""
    p = tmp_path / "second_only.tsv"
    p.write_text(HEAD + "\nobs 1\t2016-12-01\t\tb.mp4\t30.000\t25.0\tNo focal subject\ts\t\t\tSTATE\t12.000\t13.000\t1.0"
                 "\t\t\n")
    assert not [n for n in read_events(p).notes if "Total length" in n]
    notes = [n for n in read_events(p, media_lengths={"b.mp4": 20.0}).notes if "Total length" in n]
    assert len(notes) == 1 and "longer than 'b.mp4' (20.000 s)" in notes[0]


def test_the_videos_beside_the_table_give_the_lengths_on_the_command_line(tmp_path, capsys):
    from support.cli_run import run, tiny_video

    tiny_video(tmp_path / "a.avi", n=50, fps=25.0)  # 2 s
    p = tmp_path / "beside.tsv"
    p.write_text("\n".join([HEAD] + [f"obs 1\t2016-12-01\t\t{m}\t6.000\t25.0\tNo focal subject\ts\t\t\tSTATE\t{t0}\t{t1}"
                                     "\t1.0\t\t" for m, t0, t1 in (("a.avi", "0.400", "0.800"),
                                                                   ("b.avi", "3.000", "3.400"))]) + "\n")
    code, _, err = run(capsys, "convert", p, tmp_path / "out.csv", "--video", "b.avi")
    assert code == 0, err
    with (tmp_path / "out.csv").open() as fh:
        row = next(csv.DictReader(fh))
    assert (row["onset"], row["offset"]) == ("25", "34")  # 1.0-1.4 s of b.avi, not 3.0-3.4 s
