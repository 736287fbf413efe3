"""A project file deleted while open (its journal and lock with it, or its whole folder): SQLite goes on writing
into the unlinked file, and only this connection still reads it. ``Project.save_as`` writes the whole project as it
is now, every edit made after the deletion included, to a file of the user's choice (its lost name too): the one
way to keep that work. A journal left beside the chosen name is not read into the copy."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from merstudio.errors import OutputError
from merstudio.project import Event, Project


def _delete_project_files(folder, name="study.merproj"):
    for f in folder.iterdir():  # the file, its -wal, -shm and .lock, as a file manager's "delete" of the lot
        if f.name.startswith(name):
            f.unlink()


def test_save_as_keeps_every_edit_made_after_the_file_was_deleted(tmp_path, video_file):
    share = tmp_path / "share"
    share.mkdir()
    path = share / "study.merproj"
    proj = Project.create(path)
    try:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        proj.add_event(Event(vid, 5, 6, 9, coder="ann"))
        _delete_project_files(share)
        assert proj.lost()
        proj.add_event(Event(vid, 20, 22, 25, coder="ann"))  # edits go on, into the unlinked file
        assert proj.save_as(path) == path  # under its lost name
        other = tmp_path / "elsewhere" / "kept.merproj"
        other.parent.mkdir()
        assert proj.save_as(other) == other
    finally:
        proj.close()
    for p in (path, other):
        with Project.open(p, in_use="raise") as again:
            assert again.integrity_check() == "ok"
            assert sorted((e.onset, e.apex, e.offset) for e in again.events(vid)) == [(5, 6, 9), (20, 22, 25)]


def test_save_as_after_the_folder_was_deleted(tmp_path, video_file):
    share = tmp_path / "share"
    share.mkdir()
    proj = Project.create(share / "study.merproj")
    try:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        shutil.rmtree(share)
        proj.add_event(Event(vid, 3, 4, 7, coder="ann"))
        dest = proj.save_as(tmp_path / "rescued.merproj")
    finally:
        proj.close()
    with Project.open(dest) as again:
        assert [(e.onset, e.offset) for e in again.events(vid)] == [(3, 7)]


def test_a_stale_journal_beside_the_chosen_name_is_not_read_into_the_copy(tmp_path, video_file):
    dest = tmp_path / "old.merproj"
    with Project.create(dest) as old:  # another project there, killed with edits in its journal
        ovid = old.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        old.save(backup=False)
        old.add_event(Event(ovid, 30, 31, 35, coder="bob"))
        stale = (tmp_path / "old.merproj-wal").read_bytes()
    assert len(stale) > 0
    with Project.create(tmp_path / "study.merproj") as proj:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        proj.add_event(Event(vid, 1, 2, 3, coder="ann"))
        (tmp_path / "old.merproj-wal").write_bytes(stale)
        proj.save_as(dest)
    con = sqlite3.connect(dest)  # what any opener reads
    try:
        assert con.execute("SELECT onset, coder FROM events").fetchall() == [(1, "ann")]
    finally:
        con.close()


def test_save_as_refuses_the_open_file_itself(tmp_path):
    with Project.create(tmp_path / "study.merproj") as proj:
        with pytest.raises(OutputError, match="open project's own file"):
            proj.save_as(tmp_path / "study.merproj")
