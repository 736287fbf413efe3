"""merstudio.project.snapshot: a read-only snapshot of an open project for a worker (the app's exports), pinned
to the project as it was when taken, also after its file was moved or renamed while open (no path reaches it
then: it is copied through the open connection), and never another file put under its name."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from merstudio.errors import OutputError
from merstudio.project import Event, Project
from merstudio.project import export as ex
from merstudio.project.snapshot import COPY_REASON, read_snapshot


def _same_project(reader: Project, project: Project, vid: int) -> None:
    pd.testing.assert_frame_equal(reader.load_frames(vid), project.load_frames(vid))
    assert reader.events(vid) == project.events(vid)
    pd.testing.assert_frame_equal(ex.summary_table(reader, vid), ex.summary_table(project, vid))


def test_in_place_it_is_a_pinned_read_only_connection_to_the_file(project):
    vid = project.videos()[0].id
    reader = read_snapshot(project)
    try:
        assert reader.read_only_reason == "opened read-only" and reader is not project
        _same_project(reader, project, vid)
        before = len(project.events(vid))
        project.add_event(Event(vid, 14, 15, 16, emotion="positive", coder="ann"))  # committed meanwhile
        assert len(reader.events(vid)) == before
    finally:
        reader.close()


@pytest.mark.parametrize("how", ["renamed", "moved with its folder"])
def test_a_project_file_moved_while_open_is_read_through_a_copy_of_it(project, tmp_path, how):
    vid = project.videos()[0].id
    project.add_event(Event(vid, 14, 15, 16, emotion="surprise", coder="bob"))  # still in the -wal: copied too
    if how == "renamed":
        os.rename(project.path, project.path.with_name("renamed.merproj"))  # its -wal stays under the old name
    else:
        os.rename(tmp_path, tmp_path.with_name(tmp_path.name + "_moved"))
    assert not project.path.exists()
    try:
        reader = read_snapshot(project)
        try:
            assert reader.read_only_reason == COPY_REASON
            _same_project(reader, project, vid)
            n = len(reader.events(vid))
            project.add_event(Event(vid, 37, 38, 39, emotion="negative", coder="ann"))  # after the snapshot
            assert len(reader.events(vid)) == n and len(project.events(vid)) == n + 1
            with pytest.raises(OutputError, match="read-only"):
                reader.set_setting("x", 1)
        finally:
            reader.close()
        assert project.get_setting("x") is None  # the open project is untouched and goes on
    finally:
        if how != "renamed":
            os.rename(tmp_path.with_name(tmp_path.name + "_moved"), tmp_path)


def test_another_file_under_the_project_s_name_is_never_opened(project, tmp_path):
    """A copy of the project put where it was (its file renamed meanwhile): the snapshot is the open project's,
    and the copy is not opened, since the open project's journal lies beside it (a connection to the copy would
    read a mix of the two, and on closing fold the journal into the copy and delete it)."""
    vid = project.videos()[0].id
    project.save(backup=False)
    old = tmp_path / "old.merproj"
    shutil.copy(project.path, old)
    os.rename(project.path, tmp_path / "renamed.merproj")
    shutil.copy(old, project.path)
    project.add_event(Event(vid, 14, 15, 16, emotion="surprise", coder="bob"))  # in the journal beside the copy
    wal = project.path.with_name(project.path.name + "-wal")
    assert wal.stat().st_size > 0
    reader = read_snapshot(project)
    try:
        assert reader.read_only_reason == COPY_REASON
        _same_project(reader, project, vid)
    finally:
        reader.close()
    assert wal.stat().st_size > 0  # the open project's journal, untouched
    assert old.read_bytes() == project.path.read_bytes()  # and so is the copy
    project.add_event(Event(vid, 37, 38, 39, emotion="negative", coder="ann"))  # the open project goes on
    project.close()
    with Project.open(tmp_path / "renamed.merproj", read_only=True) as moved:
        assert len(moved.events(vid)) == 5  # the fixture's three and the two above


def test_a_project_knows_whether_its_path_still_names_its_file(project, tmp_path):
    assert project.at_its_path()
    moved = tmp_path / "moved.merproj"
    project.path.rename(moved)
    assert not project.at_its_path()  # nothing under the name
    shutil.copy(moved, project.path)
    assert not project.at_its_path()  # another file under the name: a copy of it
    project.path.unlink()
    moved.rename(project.path)
    assert project.at_its_path()  # put back
