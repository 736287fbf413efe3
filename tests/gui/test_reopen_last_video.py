"""A project opens again on the video the coder was on, at its place (not always its first video): kept in the
project (merstudio.gui.places.store_video) as no key at all while that is the first video, never in a read-only
project; a video no longer in the project gives the first."""

from __future__ import annotations

import pytest
from gui_fixtures import reopened, two_video_project

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui

VIDEO_KEY = "view_video"  # merstudio.gui.places.VIDEO_KEY


def test_the_project_opens_on_the_video_left_at_its_place(qtbot, window, qsettings, tmp_path):
    a, b = two_video_project(window, tmp_path)  # b, the second, current
    window.transport.seek(12)
    path = window.project.path
    window.close()
    win = reopened(qtbot, qsettings, path)
    try:
        assert win.video.id == b.id and win.current_frame == 12  # was: a, at frame 0
        assert win.ctx.execute(C.OpenVideo, path=a.path), win.errors
    finally:
        win.shutdown()
    with Project.open(path, read_only=True) as proj:  # back on the first: the key goes
        assert proj.get_setting(VIDEO_KEY) is None
    win = reopened(qtbot, qsettings, path)
    try:
        assert win.video.id == a.id and not win.errors
    finally:
        win.shutdown()


def test_a_read_only_project_opens_on_it_and_writes_none(qtbot, window, qsettings, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.close()
    win = reopened(qtbot, qsettings, path, read_only=True)
    try:
        assert win.project.read_only and win.video.id == b.id
        assert win.ctx.execute(C.OpenVideo, path=a.path), win.errors
        assert win.video.id == a.id and not win.errors
    finally:
        win.shutdown()
    with Project.open(path, read_only=True) as proj:
        assert proj.get_setting(VIDEO_KEY) == b.id


def test_a_video_gone_from_the_project_opens_the_first(qtbot, window, qsettings, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.close()
    with Project.open(path) as proj:
        proj.remove_video(b.id)
    win = reopened(qtbot, qsettings, path)
    try:
        assert win.video.id == a.id and not win.errors
    finally:
        win.shutdown()
