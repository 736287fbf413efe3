"""File > New project onto the project open in this very window is refused in words that say so ("this project is
open in this window"), not "in use by merstudio (pid <this window's own pid>); close it there", and nothing
changes: the project stays open with its events, in the window and in the file."""

from __future__ import annotations

import os

from merstudio.gui import commands as C
from merstudio.project import Project


def test_new_project_over_the_open_one_says_it_is_open_here(window, video_path) -> None:
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    assert window.ctx.execute(C.NewEvent, onset=5, apex=8, offset=12, emotion="surprise", confirmed=True)
    path = window.project.path
    assert not window.ctx.execute(C.NewProject, path=str(path))
    assert "this project is open in this window" in window.errors[-1]
    assert f"pid {os.getpid()}" not in window.errors[-1] and "close it there" not in window.errors[-1]
    assert window.project is not None and window.project.path == path and not window.project.read_only
    vid = window.video.id
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(vid)] == [(5, 8, 12)]
    with Project.open(path, read_only=True) as p:
        assert [(e.onset, e.apex, e.offset, e.emotion) for e in p.events(vid)] == [(5, 8, 12, "surprise")]
