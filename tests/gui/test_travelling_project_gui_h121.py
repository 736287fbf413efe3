"""A project moved to another place, in the app: its "Where is …?" dialog cancelled, the window says the project is
open and its video missing, with a button to locate it (it said "Start by opening a video or a project"); File >
Open video of the moved file relinks it as the dialog does (it was shown but not relinked: the stored path stayed
old, the other moved videos were not looked for, reopening asked again); Save As from a read-only moved project
makes a copy that finds the videos (a byte copy kept the places written where the original lies); an export from a
folder that cannot be written suggests a file elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_fixtures import write_video
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from merstudio.gui import commands as C
from merstudio.gui import session as session_module
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _study(window, folder, names):
    """A project in ``folder`` with a clip of each name (other lengths: other contents), closed."""
    folder.mkdir(parents=True)
    for k, name in enumerate(names):
        write_video(folder / name, n=30 + 5 * k)
    assert window.ctx.execute(C.NewProject, path=str(folder / "study.merproj"))
    for name in names:
        assert window.ctx.execute(C.OpenVideo, path=str(folder / name))
    assert window.ctx.execute(C.OpenVideo, path=str(folder / names[0]))  # the project opens on it again
    window.session.close_project()
    return folder / "study.merproj"


def _dialogs(monkeypatch, answer=lambda title: ""):
    """The file dialogs patched: each (title, folder it opens in) recorded, answered by ``answer(title)``."""
    asked = []

    def dialog(parent, title, start="", filt="", *a, **k):
        asked.append((title, start))
        return answer(title), filt

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(dialog))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    return asked


def _moved(window, tmp_path, names):
    project = _study(window, tmp_path / "home", names)
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in names:
        (project.parent / name).rename(moved / name)
    return project, moved


def test_cancelled_locate_says_the_video_is_missing_and_offers_to_locate_it(qtbot, window, tmp_path, monkeypatch):
    project, moved = _moved(window, tmp_path, ["a.avi", "b.avi"])
    asked = _dialogs(monkeypatch)  # cancelled
    assert window.ctx.execute(C.OpenProject, path=str(project))
    assert asked == [("Where is a.avi?", str(project.parent))] and window.video is None
    title = window.findChild(QLabel, "empty_title")
    assert title.isVisible() and title.text() == "study.merproj is open: its video a.avi is missing"
    button = next(b for b in window.first_run.empty.findChildren(QPushButton) if b.text().startswith("Locate"))
    assert button.isVisible() and button.text() == "Locate a.avi…"
    asked = _dialogs(monkeypatch, lambda title: str(moved / "a.avi"))
    button.click()
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert asked == [("Where is a.avi?", str(project.parent))]
    assert window.video.path == str((moved / "a.avi").resolve()) and not title.isVisible()
    assert "found 1 other missing video there too" in window.statusBar().currentMessage()


def test_open_video_of_the_moved_file_relinks_it_and_the_others(qtbot, window, tmp_path, monkeypatch):
    project, moved = _moved(window, tmp_path, ["a.avi", "b.avi"])
    _dialogs(monkeypatch)  # the "Where is a.avi?" dialog cancelled
    assert window.ctx.execute(C.OpenProject, path=str(project))
    assert window.ctx.execute(C.OpenVideo, path=str(moved / "a.avi"))  # File > Open video… of the moved file
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.project.path == project  # the same project, its video found
    assert "found 1 other missing video there too" in window.statusBar().currentMessage()
    assert [v.path for v in window.project.videos()] == [str((moved / n).resolve()) for n in ("a.avi", "b.avi")]
    window.session.close_project()
    asked = _dialogs(monkeypatch)
    assert window.ctx.execute(C.OpenProject, path=str(project))  # opened again: nothing asked
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert asked == [] and str(window.session.source.path) == str((moved / "a.avi").resolve())


def test_save_as_from_a_read_only_moved_project_finds_the_videos(qtbot, window, tmp_path, monkeypatch):
    made = _study(window, tmp_path / "first_machine" / "study", ["a.avi", "b.avi"])
    shutil.copytree(made.parent, tmp_path / "bob" / "study")  # the project and its videos, on another machine
    shutil.rmtree(tmp_path / "first_machine")
    there = tmp_path / "bob" / "study"
    asked = _dialogs(monkeypatch)
    assert window.ctx.execute(C.OpenProject, path=str(there / "study.merproj"), read_only=True)
    assert "Save project as… makes an editable copy" in window.infos[-1]
    copy = tmp_path / "mine" / "copy.merproj"
    copy.parent.mkdir()
    assert window.ctx.execute(C.SaveProjectAs, path=str(copy))
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert asked == [], asked  # the copy asked "Where is a.avi?"
    assert window.project.path == copy and not window.project.read_only
    assert str(window.session.source.path) == str((there / "a.avi").resolve())
    window.session.close_project()
    with Project.open(copy, read_only=True) as c:
        assert [(v.path, v.relpath) for v in c.videos()] == [
            (str((there / n).resolve()), f"../bob/study/{n}") for n in ("a.avi", "b.avi")]


def test_an_export_from_a_folder_that_cannot_be_written_suggests_another(qtbot, window, video_path, monkeypatch):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    folder = window.project.path.parent
    writable = session_module.folder_writable
    monkeypatch.setattr(session_module, "folder_writable", lambda f: f != folder and writable(f))  # a share, a DVD
    asked = _dialogs(monkeypatch)
    assert not window.ctx.execute(C.ExportEvents)  # cancelled in the dialog
    (title, start), = asked
    assert title == "Export events" and start.endswith("clip.eaf")
    assert folder not in Path(start).parents


def test_the_missing_videos_name_is_shown_as_written(qtbot, window, tmp_path, monkeypatch):
    """A name is never markup nor a button's shortcut mark (a72): "<b>int<!--erview" showed "its video int" and
    cut the rest, "R&D_interview" showed "Locate RD_interview…"."""
    from PySide6.QtCore import Qt

    name = "<b>R&D<!--x.avi"
    project, _moved_to = _moved(window, tmp_path, [name])
    _dialogs(monkeypatch)  # cancelled
    assert window.ctx.execute(C.OpenProject, path=str(project))
    title = window.findChild(QLabel, "empty_title")
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert title.text() == f"study.merproj is open: its video {name} is missing"
    button = next(b for b in window.first_run.empty.findChildren(QPushButton) if b.text().startswith("Locate"))
    assert button.text() == "Locate <b>R&&D<!--x.avi…"  # && is one & drawn, and no shortcut
