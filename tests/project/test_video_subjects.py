"""A video's subject (merstudio.project.subjects): stored as the ``subject:<id>`` setting that fine-tuning's hold-out
by subject and the labelled-set export read; cleared, it is gone (not an empty name)."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError, OutputError
from merstudio.project import Project
from merstudio.project.export import labelled_set_table
from merstudio.project.subjects import set_video_subject, subjects, video_subject


def test_set_read_and_clear_a_subject(project):
    vid = project.videos()[0].id
    assert video_subject(project, vid) is None and subjects(project) == {}
    set_video_subject(project, vid, "  P07 ")
    assert video_subject(project, vid) == "P07" and project.get_setting(f"subject:{vid}") == "P07"
    assert subjects(project) == {vid: "P07"}
    assert set(labelled_set_table(project)["subject"]) == {"P07"}
    set_video_subject(project, vid, None)
    assert project.get_setting(f"subject:{vid}", "unset") == "unset"
    assert set(labelled_set_table(project)["subject"]) == {"interview"}  # the file stem again
    for bad, message in (("", "the name is empty"), ("a\nb", "one line")):
        with pytest.raises(InputError, match=message):
            set_video_subject(project, vid, bad)
    with pytest.raises(InputError, match="no video 99"):
        set_video_subject(project, 99, "P01")


def test_a_read_only_project_refuses_in_one_line(project):
    vid = project.videos()[0].id
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as p, pytest.raises(OutputError, match="read-only"):
        set_video_subject(p, vid, "P01")
