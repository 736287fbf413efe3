"""A project file deleted while the window has it open (with its journal and lock, as a file manager deletes the
lot): SQLite goes on writing into the unlinked file, so every later edit "succeeded" and closing dropped it all
without a word. The window now says it once (at the first edit, or within the fold timer's 2 s), with Save As;
closing asks Save As / Discard / Cancel, and Save As writes every edit, those made after the deletion too, to a
file the user chooses (SQLite's backup API through the open connection). Also: a failed Ctrl+S no longer leaves the
status bar saying "Saved …" of the save before."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

LOST = "study.merproj was deleted or moved away while open: Save As to keep your work"


def _project_with_an_event(window, video_path, folder):
    folder.mkdir()
    assert window.ctx.execute(C.NewProject, path=str(folder / "study.merproj")), window.errors
    assert window.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), window.errors
    assert window.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9), window.errors


def _delete(folder):
    for f in folder.iterdir():
        if f.name.startswith("study.merproj"):
            f.unlink()


@pytest.fixture
def window(window, monkeypatch):
    """pytest-qt closes the window before the fixtures' teardown: a project still lost then would be asked about
    (a modal box); a test's own answer replaces this one."""
    monkeypatch.setattr(window, "ask_lost_project", lambda q: "discard", raising=False)
    return window


def _events_in(path):
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(con.execute("SELECT onset, apex, offset FROM events").fetchall())
    finally:
        con.close()


def _answer_save_as(monkeypatch, dest):
    def ask(ctx, params, key, *args, **kw):
        params[key] = str(dest)
        return True

    monkeypatch.setattr(C, "_ask_path", ask)


def test_deletion_is_said_once_at_the_first_edit(qtbot, window, video_path, tmp_path):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)  # the edit itself goes on
    assert window.errors == [LOST]  # was: nothing
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == LOST)  # after the edit's own line
    box = window.session.lost_box
    assert box is not None and LOST in box.text()
    assert "Save As…" in [b.text() for b in box.buttons()]
    assert window.ctx.execute(C.NewEvent, onset=30, apex=31, offset=33)
    window.session._tick()  # the fold timer's look too
    assert window.errors == [LOST]  # once


def test_deletion_is_said_by_the_timer_without_an_edit(qtbot, window, video_path, tmp_path):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    qtbot.waitUntil(lambda: window.errors == [LOST], timeout=10_000)


def test_closing_after_ctrl_s_wrote_the_backup_asks_nothing(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)
    assert window.ctx.execute(C.SaveProject), window.errors  # says the backup is the copy to open
    line = window.statusBar().currentMessage()  # not "Saved study.merproj": that file is gone
    assert line.startswith(f"Backup written: {share / 'study.merproj.bak'}") and "Saved" not in line, line
    asked = []
    monkeypatch.setattr(window, "ask_lost_project", lambda q: asked.append(q) or "cancel")
    window.close()
    assert asked == [] and window.project is None
    assert _events_in(share / "study.merproj.bak") == [(5, 6, 9), (20, 22, 25)]


def test_an_edit_after_ctrl_s_makes_closing_ask_again(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    assert window.ctx.execute(C.SaveProject), window.errors
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)  # not in the backup
    asked = []
    monkeypatch.setattr(window, "ask_lost_project", lambda q: asked.append(q) or "cancel")
    window.close()
    assert len(asked) == 1 and window.project is not None


def test_closing_asks_and_save_as_keeps_every_edit(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)
    asked = []
    monkeypatch.setattr(window, "ask_lost_project", lambda q: asked.append(q) or "save")
    dest = share / "study.merproj"  # under its lost name
    _answer_save_as(monkeypatch, dest)
    window.close()
    assert len(asked) == 1 and "study.merproj was deleted or moved away while open" in asked[0]
    assert not window.isVisible() and window.project is None
    assert _events_in(dest) == [(5, 6, 9), (20, 22, 25)]


def test_closing_cancelled_or_discarded(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    monkeypatch.setattr(window, "ask_lost_project", lambda q: "cancel")
    window.close()
    assert window.isVisible() and window.project is not None  # stays, its work with it
    # Save As chosen, then its file dialog cancelled: stays too
    monkeypatch.setattr(window, "ask_lost_project", lambda q: "save")
    monkeypatch.setattr(C, "_ask_path", lambda *a, **k: False)
    window.close()
    assert window.isVisible() and window.project is not None
    monkeypatch.setattr(window, "ask_lost_project", lambda q: "discard")
    window.close()
    assert not window.isVisible() and window.project is None
    assert list(share.iterdir()) == []


def test_opening_another_project_asks_too(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    monkeypatch.setattr(window, "ask_lost_project", lambda q: "cancel")
    assert not window.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj")) or True
    assert window.project is not None and window.project.path == share / "study.merproj"
    assert not (tmp_path / "other.merproj").exists()


def test_save_as_from_the_box_goes_on_in_the_copy(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    _delete(share)
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)
    dest = tmp_path / "kept" / "rescued.merproj"
    dest.parent.mkdir()
    _answer_save_as(monkeypatch, dest)
    box = window.session.lost_box
    save = next(b for b in box.buttons() if b.text() == "Save As…")
    save.click()
    qtbot.waitUntil(lambda: window.project is not None and window.project.path == dest, timeout=10_000)
    assert window.video is not None and window.project.lost() is False
    assert window.ctx.execute(C.NewEvent, onset=40, apex=41, offset=44), window.errors  # into the copy
    window.project.save(backup=False)
    assert _events_in(dest) == [(5, 6, 9), (20, 22, 25), (40, 41, 44)]
    assert "rescued.merproj" in window.windowTitle()


def test_a_failed_save_does_not_leave_saved_in_the_status_bar(qtbot, window, video_path, tmp_path, monkeypatch):
    share = tmp_path / "share"
    _project_with_an_event(window, video_path, share)
    assert window.ctx.execute(C.SaveProject), window.errors
    assert window.statusBar().currentMessage().startswith("Saved study.merproj")
    bak = share / "study.merproj.bak"
    bak.unlink()
    bak.mkdir()  # the backup cannot be written: a folder stands at its name
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)
    assert not window.ctx.execute(C.SaveProject)
    line = window.statusBar().currentMessage()
    assert not line.startswith("Saved"), line  # was: "Saved study.merproj (backup study.merproj.bak)"
    assert "study.merproj.bak" in line and "\n" not in line


def test_open_project_on_a_full_disk_says_no_space(qtbot, window, video_path, tmp_path):
    from support.tinyfs import fill, tiny_tmpfs

    from merstudio.project import Project

    with tiny_tmpfs(tmp_path / "tiny", "1m") as folder:
        path = folder / "study.merproj"
        with Project.create(path) as proj:
            proj.save()  # a backup beside it, which was offered
        filler = fill(folder)
        assert not window.ctx.execute(C.OpenProject, path=str(path))
        msg = window.errors[-1]  # was: "…: project file is damaged (disk I/O error); try study.merproj.bak"
        assert "no space left" in msg and "not damaged" in msg and ".bak" not in msg, msg
        filler.unlink()
        assert window.ctx.execute(C.OpenProject, path=str(path)), window.errors
        window.shutdown()  # before the file system goes
