"""A project reached through a symbolic link (a desktop link, ``~/current.merproj``, a linked folder) has one
write lock, beside its real file: a second opener through the link, or through the real path while the first came
through the link, finds it taken and opens read-only (the link had a lock of its own: two writers, and the second's
open marked the first's running analysis "interrupted"). A file with two names (a hard link) is one project too."""

from __future__ import annotations

import os
import sys

import pytest
from support.other_writer import open_elsewhere

from merstudio.project import Project, ProjectInUse
from merstudio.project.lock import linked_lock_path, lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights on Windows")


def _a_second_writer_is_refused(first, second):
    """The project opened by `first` here; opened by `second`, for writing, in this process and in another."""
    proj = Project.open(first)
    try:
        assert not proj.read_only
        with pytest.raises(ProjectInUse):  # in this process
            Project.open(second, in_use="raise")
        out = open_elsewhere(second)
        assert out.stdout.strip() == "read-only", out.stdout + out.stderr  # in another
    finally:
        proj.close()


def _study_and_desk(tmp_path):
    """Folders study/ and desk/, and the project study/study.merproj (closed): its path."""
    (tmp_path / "study").mkdir()
    (tmp_path / "desk").mkdir()
    real = tmp_path / "study" / "study.merproj"
    Project.create(real).close()
    return real


@pytest.fixture
def linked(tmp_path):
    real = _study_and_desk(tmp_path)
    link = tmp_path / "desk" / "study.merproj"
    link.symlink_to(real)
    folder_link = tmp_path / "current"
    folder_link.symlink_to(tmp_path / "study", target_is_directory=True)
    return real, link, folder_link / "study.merproj"


def test_one_lock_by_every_link(linked):
    real, link, via_folder = linked
    assert lock_path(link) == lock_path(real) == lock_path(via_folder) == real.with_name("study.merproj.lock")


@pytest.mark.parametrize("first, second", [(0, 1), (1, 0), (2, 0), (0, 2)])
def test_a_second_writer_by_another_name_is_refused(linked, first, second):
    names = linked
    _a_second_writer_is_refused(names[first], names[second])
    assert not lock_path(names[0]).exists() and not names[1].with_name("study.merproj.lock").exists()


def test_a_running_analysis_is_not_interrupted_by_an_open_through_a_link(linked):
    real, link, _ = linked
    proj = Project.open(real)
    try:
        clip = real.parent / "clip.mp4"
        clip.write_bytes(b"not decoded here")
        vid = proj.add_video(clip, fps=30.0, frame_count=90, width=160, height=120).id
        run = proj.begin_analysis(vid, {})
        other = Project.open(link)  # another window, through the link
        try:
            assert other.read_only and other.interrupted_analyses == []
        finally:
            other.close()
        now = proj.analysis(vid)
        assert now is not None and now.id == run and now.status == "running"
    finally:
        proj.close()


@pytest.mark.skipif(not hasattr(os, "link"), reason="no hard links")
def test_a_hard_link_in_another_folder_is_the_same_project(tmp_path):
    real = _study_and_desk(tmp_path)
    other = tmp_path / "desk" / "current.merproj"
    os.link(real, other)  # ln study/study.merproj desk/current.merproj: one file, two names, two lock files
    for first, second in ((real, other), (other, real)):
        _a_second_writer_is_refused(first, second)
        linked = linked_lock_path(real)
        assert linked is not None and not linked.exists()  # a close lets go of both
    with Project.open(other) as again:
        assert not again.read_only


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(os, "link"),
                    reason="/proc/self/fd is Linux's")
def test_a_hard_linked_project_renamed_while_open_is_followed(tmp_path):
    real = tmp_path / "study.merproj"
    Project.create(real).close()
    os.link(real, tmp_path / "other.merproj")
    proj = Project.open(real)
    try:
        real.rename(tmp_path / "renamed.merproj")
        assert proj.follow_move() == tmp_path / "renamed.merproj"  # its own lock by inode is no other writer's
        with pytest.raises(ProjectInUse):
            Project.open(tmp_path / "other.merproj", in_use="raise")
    finally:
        proj.close()
    linked = linked_lock_path(tmp_path / "other.merproj")
    assert linked is not None and not linked.exists()
