"""BORIS subjects numbered as BORIS's users name them (``subject1``, ``subject2``, as in BORIS's own test.boris) are
faces from 0: ``subject1`` was read as face 1, so a one-subject file landed on a face the video may not have and face
0 stayed unused. Our own ``face k`` round-trips as it was. The BORIS tables we write name the subjects as the .boris
export does (the names imported files gave the faces) and carry the observation's time offset."""

from __future__ import annotations

import csv
import json

import pytest
from support.boris_projects import media_observation, write_boris
from support.boris_tables import tabular_tsv

from merstudio.interchange import read_events, write_events
from merstudio.interchange.common import Media
from merstudio.project.events import Event

_CLIP = "/data/clip.mp4"


def _project(path, subjects, events):
    return write_boris(path, {"session 1": media_observation([_CLIP], events, lengths=3.334)}, subjects=subjects)


def test_subject1_is_face_0_in_a_boris_project(tmp_path):
    both = read_events(_project(tmp_path / "two.boris", ["subject1", "subject2"], [
        [0.5, "subject1", "s", "", ""], [1.0, "subject1", "s", "", ""],
        [1.5, "subject2", "s", "", ""], [2.0, "subject2", "s", "", ""]]), fps=30.0)
    assert sorted((e.onset, e.face_id) for e in both.events) == [(15, 0), (45, 1)]
    assert "two.boris: subject 'subject1' read as face 0, subject 'subject2' read as face 1" in both.notes
    assert both.face_names == {0: "subject1", 1: "subject2"}
    # a one-subject file: its only subject is the video's first face
    one = read_events(_project(tmp_path / "one.boris", ["subject1"], [[0.5, "subject1", "s", "", ""],
                                                                       [1.0, "subject1", "s", "", ""]]), fps=30.0)
    assert [e.face_id for e in one.events] == [0]


def test_subject1_is_face_0_in_a_boris_table(tmp_path):
    # BORIS 7's tabular export of one subject, 'subject1'
    path = tabular_tsv(tmp_path / "obs.tsv", ["clip.mp4"], [("1.000", "clip.mp4", "START"),
                                                            ("2.000", "clip.mp4", "STOP")], "10.0")
    assert [e.face_id for e in read_events(path, fps=25.0).events] == [0]


def test_a_file_numbering_from_subject0_keeps_its_numbers(tmp_path):
    prev = read_events(_project(tmp_path / "zero.boris", ["subject0", "subject1"], [
        [0.5, "subject0", "s", "", ""], [1.0, "subject0", "s", "", ""],
        [1.5, "subject1", "s", "", ""], [2.0, "subject1", "s", "", ""]]), fps=30.0)
    assert sorted(e.face_id for e in prev.events) == [0, 1]


@pytest.mark.parametrize("ext", ["boris", "tsv"])
def test_our_face_k_round_trips_exactly(tmp_path, ext):
    evs = [Event(0, 10, 12, 15, face_id=0, emotion="happiness", coder="ann"),
           Event(0, 20, 22, 25, face_id=3, emotion="surprise", coder="ann")]
    path = write_events(evs, tmp_path / f"out.{ext}", Media("/data/clip.mp4", fps=30.0, frame_count=100))
    assert sorted((e.onset, e.face_id) for e in read_events(path, fps=30.0).events) == [(10, 0), (20, 3)]


def test_a_boris_projects_subject1_is_written_back_as_subject1(tmp_path):
    prev = read_events(_project(tmp_path / "in.boris", ["subject1"], [[0.5, "subject1", "s", "", ""],
                                                                      [1.0, "subject1", "s", "", ""]]), fps=30.0)
    media = Media(_CLIP, fps=30.0, frame_count=100, face_names=tuple(sorted(prev.face_names.items())))
    out = write_events(prev.events, tmp_path / "out.boris", media)
    pj = json.loads(out.read_text(encoding="utf-8"))
    assert [s["name"] for s in pj["subjects_conf"].values()] == ["subject1"]
    assert [e.face_id for e in read_events(out, fps=30.0).events] == [0]
    # a subjectN on a face it does not name would read back elsewhere: that face's own label
    moved = [Event(0, 15, 20, 29, face_id=3, emotion="s")]
    out = write_events(moved, tmp_path / "moved.boris", Media(_CLIP, fps=30.0, frame_count=100,
                                                             face_names=((3, "subject1"),)))
    assert [s["name"] for s in json.loads(out.read_text(encoding="utf-8"))["subjects_conf"].values()] == ["face 3"]


def _rows(path):
    if path.suffix == ".xlsx":
        from merstudio.datasets.parse import read_workbook_rows

        header, *rows = read_workbook_rows(path)[1]
        return [dict(zip(header, r, strict=False)) for r in rows]
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t" if path.suffix == ".tsv" else ","))


@pytest.mark.parametrize("ext", ["tsv", "boris.csv", "xlsx"])
def test_a_boris_table_names_the_subjects_and_the_offset_as_the_project_does(tmp_path, ext):
    # an imported .boris's names and time offset 10 s: the Infant's events alone, on face 1
    evs = [Event(0, 15, 18, 20, face_id=1, emotion="happiness", coder="ann"),
           Event(0, 40, 41, 44, face_id=1, emotion="surprise", coder="ann")]
    media = Media(_CLIP, fps=30.0, frame_count=100, face_names=((0, "Mother"), (1, "Infant")), time_offset=10.0)
    table = write_events(evs, tmp_path / f"t.{ext}", media)
    rows = _rows(table)
    assert {r["Subject"] for r in rows} == {"Infant"}
    assert [float(r["Time offset (s)"]) for r in rows] == [10.0, 10.0]
    assert [float(r["Start (s)"]) for r in rows] == [10.5, 11.334]  # media time plus the offset, as BORIS's
    back = read_events(table, fps=30.0)
    assert [(e.face_id, e.onset, e.apex, e.offset) for e in back.events] == [(1, 15, 18, 20), (1, 40, 41, 44)]
    assert back.time_offset == 10.0 and back.face_names == {1: "Infant"}
    # the same events and offset in the .boris export
    project = write_events(back.events, tmp_path / "p.boris", Media(_CLIP, fps=30.0, frame_count=100,
                                                                   face_names=((1, "Infant"),),
                                                                   time_offset=back.time_offset))
    again = read_events(project, fps=30.0)
    assert [(e.face_id, e.onset, e.apex, e.offset) for e in again.events] == [(1, 15, 18, 20), (1, 40, 41, 44)]
    assert again.time_offset == 10.0
