"""A project file moved or renamed while open is followed (Linux: its open descriptor's name): the backup goes
beside its new name, snapshots still take the copy through the open connection (the journal stays beside the old
name), and closing leaves no side files beside the old name. A file deleted while open is ``lost``; a cancelled
re-run an older app left active over a complete run is set aside by ``set_aside_cancelled_reruns``."""

from __future__ import annotations

import sys

import pytest
from project_rows import rows

from merstudio.project import Event, Project
from merstudio.project.snapshot import read_snapshot

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")


@linux
def test_a_renamed_project_is_followed(tmp_path, video_file):
    old = tmp_path / "study.merproj"
    proj = Project.create(old)
    v = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
    assert proj.follow_move() is None  # where it was: one stat, nothing to do
    (tmp_path / "moved").mkdir()
    new = tmp_path / "moved" / "renamed.merproj"
    old.rename(new)
    assert proj.follow_move() == new and proj.path == new and not proj.lost()
    assert proj.follow_move() is None
    assert not proj.at_its_path()  # a connection by the new name would miss the journal beside the old one
    proj.add_event(Event(v.id, 1, 2, 3, coder="ann"))
    with read_snapshot(proj) as snap:  # the copy in memory
        assert len(snap.events(v.id)) == 1
    bak = proj.save()
    assert bak == new.with_name("renamed.merproj.bak") and bak.is_file()
    assert not (tmp_path / "study.merproj.bak").exists()
    proj.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moved", "videos"], "side files left by the old name"
    with Project.open(new) as again:
        assert len(again.events(v.id)) == 1


def test_a_deleted_project_is_lost(tmp_path):
    path = tmp_path / "gone.merproj"
    with Project.create(path) as proj:
        assert not proj.lost()
        path.unlink()
        assert proj.follow_move() is None and proj.lost()
        assert proj.save() == tmp_path / "gone.merproj.bak"  # the backup is what is left


def test_a_cancelled_rerun_left_active_is_set_aside(project: Project):
    vid = project.videos()[0].id
    first = project.analysis(vid).id
    aid = project.begin_analysis(vid)
    project.append_frames(aid, rows(3))
    project.finish_analysis(aid, "cancelled")
    assert project.analysis(vid).id == aid  # as the app before 2026-12-05 left it
    assert project.set_aside_cancelled_reruns() == {vid: first}
    assert project.analysis(vid).id == first and project.frame_count_stored(vid) == 40
    assert project.previous_analysis(vid).id == aid
    assert project.set_aside_cancelled_reruns() == {}


def test_a_cancelled_first_run_stays(tmp_path, video_file):
    with Project.create(tmp_path / "first.merproj") as proj:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        aid = proj.begin_analysis(vid)
        proj.append_frames(aid, rows(3))
        proj.finish_analysis(aid, "cancelled")
        assert proj.set_aside_cancelled_reruns() == {} and proj.analysis(vid).id == aid
