"""The exports that read the project in a worker (summary, per-frame CSV, XLSX reports) after the project file was
moved or renamed while open: the app keeps it open, so no path reaches it any more (opening it again by its path
failed: "no such project file"), and another file put under its old name must not be read for it (a connection
to it took the open project's journal beside it for its own, folded it into that file and deleted it: committed
edits were lost)."""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.project import Project
from merstudio.project import export as ex

pytestmark = pytest.mark.gui


@pytest.fixture
def analysed(qtbot, window, video_path):
    open_and_analyse(qtbot, window, video_path)
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    assert not window.errors
    return window


def _expected(win, folder):
    """The summary and the per-frame table as written on the GUI thread through the GUI's own connection."""
    folder.mkdir()
    times = win.playback.timebase.times
    ex.export_summary(win.project, win.video.id, folder / "s.csv", times=times)
    ex.export_frames_csv(win.project, win.video.id, folder / "f.csv")
    return (folder / "s.csv").read_bytes(), (folder / "f.csv").read_bytes()


def _export(qtbot, win, kind, path):
    assert win.ctx.execute(C.Export, kind=kind, path=str(path)), win.errors
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert not win.errors, win.errors


def test_the_summary_and_the_per_frame_table_of_a_project_renamed_while_open(qtbot, analysed, tmp_path):
    win = analysed
    summary, frames = _expected(win, tmp_path / "sync")
    path = win.project.path
    os.rename(path, path.with_name("renamed.merproj"))  # as a file manager does: its -wal stays under the old name
    out = tmp_path / "out"
    _export(qtbot, win, "summary", out / "s.csv")
    assert win.last_exports == [out / "s.csv", out / "s.png"]
    assert (out / "s.csv").read_bytes() == summary and (out / "s.png").read_bytes()[:4] == b"\x89PNG"
    _export(qtbot, win, "frames", out / "f.csv")
    assert (out / "f.csv").read_bytes() == frames


def test_a_copy_put_under_the_old_name_is_not_read_and_no_edit_is_lost(qtbot, analysed, tmp_path):
    win = analysed
    proj = win.project
    proj.save(backup=False)
    path, copy = proj.path, tmp_path / "copy.merproj"
    shutil.copy(path, copy)
    os.rename(path, path.with_name("renamed.merproj"))
    shutil.copy(copy, path)  # an older copy where the project was
    assert win.ctx.execute(C.NewEvent, onset=20, offset=25, emotion="negative")  # committed after the copy
    summary, _ = _expected(win, tmp_path / "sync")
    wal = path.with_name(path.name + "-wal")  # the open project's journal, beside the copy
    journal = wal.read_bytes()
    _export(qtbot, win, "summary", tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_bytes() == summary  # the open project's events, not the copy's
    assert path.read_bytes() == copy.read_bytes() and wal.read_bytes() == journal  # neither touched
    vid = win.video.id
    events = proj.events(vid)
    win.session.close_project()
    with Project.open(path.with_name("renamed.merproj"), read_only=True) as moved:
        assert moved.events(vid) == events and any(e.onset == 20 for e in events)
