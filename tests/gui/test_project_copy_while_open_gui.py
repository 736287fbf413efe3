"""The app and what a copy of its open project holds: the journal is folded into the .merproj every few seconds
after edits (a copy made meanwhile holds the work up to then, not only what the last Ctrl+S or ~4 MB of journal
folded in); Ctrl+S while another program reads the project says the file alone is not yet complete, and who reads
it; a project whose folder is renamed is followed and saved there (the old folder is not made again)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys

import pytest
from gui_fixtures import two_video_project
from support.other_writer import reading_elsewhere

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def events_in_copy(project, folder):
    """How many events a copy of the project file alone holds (as a colleague's copy, read by SQLite)."""
    folder.mkdir(exist_ok=True)
    copy = folder / f"copy{len(os.listdir(folder))}.merproj"
    shutil.copyfile(project, copy)
    con = sqlite3.connect(copy)
    try:
        return con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        con.close()


def test_the_journal_is_folded_in_while_open(qtbot, window, tmp_path):
    two_video_project(window, tmp_path)
    path = window.project.path
    window.project.save(backup=False)
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9), window.errors
    assert events_in_copy(path, tmp_path / "share") == 0  # committed, in the journal only
    fold = window.session._fold
    assert fold.isActive() and fold.interval() <= 5000
    fold.timeout.emit()  # what the timer does every few seconds
    assert events_in_copy(path, tmp_path / "share") == 1
    window.session.close_project()
    assert not fold.isActive()
    assert window.ctx.execute(C.OpenProject, path=str(path), read_only=True), window.errors
    assert not fold.isActive()  # a reader folds nothing


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are named from /proc/locks")
def test_a_save_held_back_by_a_reader_says_so(qtbot, window, tmp_path):
    two_video_project(window, tmp_path)
    path = window.project.path
    window.project.set_busy_timeout(0.1)
    window.project.save(backup=False)  # the videos in the file itself
    with reading_elsewhere(path, "events") as reader:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        assert window.ctx.execute(C.NewEvent, onset=3, offset=9), window.errors
        assert window.ctx.execute(C.SaveProject), window.errors
        line = window.statusBar().currentMessage()
        assert line.startswith("Saved study.merproj (backup study.merproj.bak); saved in the journal"), line
        assert f"pid {reader.pid}" in line and "\n" not in line, line  # was: "Saved study.merproj (backup …)"
        assert events_in_copy(path, tmp_path / "share") == 0  # what it says (a whole project, the event not in it)
    assert window.ctx.execute(C.SaveProject), window.errors
    assert window.statusBar().currentMessage() == "Saved study.merproj (backup study.merproj.bak)"
    assert events_in_copy(path, tmp_path / "share") == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")
def test_a_renamed_folder_is_followed_and_saved_there(qtbot, window, tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    two_video_project(window, study)
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9), window.errors
    study.rename(tmp_path / "study_2026")
    new = tmp_path / "study_2026" / "study.merproj"
    assert window.ctx.execute(C.SaveProject), window.errors
    line = window.statusBar().currentMessage()
    assert line == f"Saved study.merproj (backup study.merproj.bak); project file moved to {new}", line
    assert window.infos == [] and not study.exists()  # was: "no longer in …" and a backup in a new study/
    assert (new.parent / "study.merproj.bak").is_file() and window.project.path == new
    window.session.close_project()
    assert sorted(n for n in os.listdir(new.parent) if "merproj" in n) == ["study.merproj", "study.merproj.bak"]
