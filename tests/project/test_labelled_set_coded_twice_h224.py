"""The labelled set (File > Export > Labelled set) counts one expression once, names who coded it, and never makes
two people one subject by their file name (h224, audit a98 finding 5)."""

from __future__ import annotations

import pandas as pd

from merstudio.project import Event, Project
from merstudio.project.export import export_labelled_set, labelled_set_table
from merstudio.project.subjects import set_video_subject


def _two_sessions(tmp_path):
    """P01/session.mp4 and P02/session.mp4 (two people, one file name), each expression coded by alice and bob."""
    proj = Project.create(tmp_path / "study.merproj")
    for folder in ("P01", "P02"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "session.mp4").write_bytes(folder.encode() * 100)
        proj.add_video(tmp_path / folder / "session.mp4", fps=30.0, frame_count=200, width=64, height=48)
    for coder, d in (("alice", 0), ("bob", 1)):
        proj.add_event(Event(1, 17 + d, 40, 71 - d, emotion="happiness", aus="6+12", coder=coder))
        proj.add_event(Event(2, 122 + d, 126, 131, emotion="anger", aus="4", coder=coder))
    return proj


def test_one_expression_coded_twice_is_one_sample_naming_both_coders(tmp_path):
    with _two_sessions(tmp_path) as proj:
        proj.add_event(Event(1, 150, 155, 160, emotion="surprise", coder="alice"))  # coded once
        proj.add_event(Event(2, 20, 25, 30, emotion="fear", coder="alice"))  # coded twice, two labels: left out
        proj.add_event(Event(2, 20, 25, 30, emotion="surprise", coder="bob"))
        notes: list[str] = []
        df = pd.read_csv(export_labelled_set(proj, tmp_path / "labels.csv", notes=notes), keep_default_na=False)
    assert sorted(zip(df["label"], df["coder"], df["onset"], strict=True)) == [
        ("anger", "alice, bob", 122), ("happiness", "alice, bob", 17), ("surprise", "alice", 150)]
    assert "2 expressions coded more than once count as one sample each" in notes[0]
    assert "1 expression left out" in notes[0]


def test_two_videos_of_one_file_name_are_two_subjects(tmp_path):
    with _two_sessions(tmp_path) as proj:
        notes: list[str] = []
        path = export_labelled_set(proj, tmp_path / "labels.csv", notes=notes)
        df = pd.read_csv(path)
        assert sorted(set(df["subject"])) == ["P01/session", "P02/session"]  # leave-one-subject-out: by person
        assert "subjects: 2 by folder and file name" in notes[0]
        set_video_subject(proj, 1, "sub01")  # the project's subject setting comes first
        set_video_subject(proj, 2, "sub02")
        t = labelled_set_table(proj)
    assert sorted(set(t["subject"])) == ["sub01", "sub02"]


def test_a_video_alone_with_its_name_keeps_its_stem_as_subject(project: Project):
    t = labelled_set_table(project)
    assert set(t["subject"]) == {"interview"} and list(t["coder"]) == ["ann", "ann"]
