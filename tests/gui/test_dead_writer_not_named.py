"""A read-only window opened while another merstudio wrote the project: once that writer is gone (killed: its lock
file stays, its OS lock does not), an edit's refusal no longer names it as the one to close; it says the writer let
go and how to edit (open it again), which then opens it for writing."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from gui_fixtures import two_video_project
from support.other_writer import held_elsewhere

from merstudio.gui import commands as C
from merstudio.project.lock import lock_path

pytestmark = [pytest.mark.gui, pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX's")]


def test_a_killed_writer_is_not_named(qtbot, window, tmp_path):
    a, b = two_video_project(window, tmp_path)
    path = window.project.path
    window.session.close_project()
    with held_elsewhere(path) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "writer"
            window.ask_read_only = lambda question: True
            assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
            assert window.project.read_only
            window.ctx.execute(C.NewEvent, onset=3, offset=9)
            assert f"pid {writer.pid}" in window.errors[-1]  # still there: named
        finally:
            os.kill(writer.pid, signal.SIGKILL)
    assert lock_path(path).exists()  # a kill leaves the file, naming the dead writer
    window.ctx.execute(C.NewEvent, onset=3, offset=9)
    line = window.errors[-1]
    assert f"pid {writer.pid}" not in line and "\n" not in line, line  # was: "… (pid N …): close it there …"
    assert line.startswith("study.merproj is open read-only (") and "let go of it" in line, line
    assert window.project.events(b.id) == []
    # as it says: opened again, it is the writer
    assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
    assert not window.project.read_only
