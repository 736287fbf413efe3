"""Projects that travel, in the app (audit a96): a renamed video, or one on a read-only share mounted at another
path, offers the project that holds it (by content) before a new empty one is made, and relinks it (it made
P01_clip.merproj with 0 events, smile_man.merproj beside it unmentioned); a project moved within its tree gets each
video's relative path from its new place when it opens; the "…: video not found; please locate it" box closes once
the video is found; Save project as… of a read-only project goes on where the coder was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_fixtures import write_video
from PySide6.QtWidgets import QFileDialog, QMessageBox

from merstudio.gui import commands as C
from merstudio.gui import session as session_module
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def _coded(window, video: Path) -> Path:
    """The video opened (its project made beside it), one event coded, the project closed: the project file."""
    assert window.ctx.execute(C.OpenVideo, path=str(video)), window.errors
    window.project.add_events([Event(window.video.id, 10, 12, 15, emotion="positive", coder="tester")])
    made = window.project.path
    window.session.close_project()
    return made


def _coded_then_renamed(window, video: Path) -> tuple[Path, Path]:
    """_coded, then the video renamed P01_<name>: (the project file, the renamed video)."""
    made = _coded(window, video)
    return made, video.rename(video.with_name(f"P01_{video.name}"))


def _closed_study(window, home: Path) -> Path:
    """home/study.merproj made in the window with home/a.avi written and opened, then closed: the video's path."""
    home.mkdir()
    write_video(home / "a.avi")
    assert window.ctx.execute(C.NewProject, path=str(home / "study.merproj"))
    assert window.ctx.execute(C.OpenVideo, path=str(home / "a.avi"))
    window.session.close_project()
    return home / "a.avi"


def _answer(monkeypatch, window, key: str) -> list[tuple[str, str, object]]:
    """The question about a project found holding the video answered with ``key``; each one asked recorded."""
    asked: list[tuple[str, str, object]] = []

    def answer(video_path, default, earlier):
        asked.append((video_path.name, default.name, earlier))
        return key

    monkeypatch.setattr(window.session, "ask_earlier_project", answer)
    return asked


def test_a_renamed_video_opens_the_project_that_holds_it_relinked(qtbot, window, video_path, monkeypatch):
    made, renamed = _coded_then_renamed(window, video_path)
    asked = _answer(monkeypatch, window, "earlier")
    assert window.ctx.execute(C.OpenVideo, path=str(renamed)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.project.path == made  # was: a new P01_clip.merproj, 0 events
    assert not renamed.with_suffix(".merproj").exists()
    (name, default, earlier), = asked
    assert (name, default, earlier.name, earlier.events, earlier.path) == ("P01_clip.avi", "P01_clip.merproj",
                                                                           "clip.avi", 1, made)
    assert len(window.project.events(window.video.id)) == 1
    assert window.video.path == str(renamed.resolve()) and window.video.name == "P01_clip.avi"  # relinked
    assert "Found clip.avi as P01_clip.avi" in window.statusBar().currentMessage()
    window.session.close_project()
    asked.clear()
    assert window.ctx.execute(C.OpenVideo, path=str(renamed))  # its own project now: opened without a question
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert asked == [] and window.project.path == made


def test_new_project_and_cancel_leave_the_earlier_project_alone(qtbot, window, video_path, monkeypatch):
    made, renamed = _coded_then_renamed(window, video_path)
    _answer(monkeypatch, window, "cancel")
    window.ctx.execute(C.OpenVideo, path=str(renamed))
    assert window.project is None and not renamed.with_suffix(".merproj").exists()
    _answer(monkeypatch, window, "new")
    assert window.ctx.execute(C.OpenVideo, path=str(renamed)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.project.path == renamed.with_suffix(".merproj") and window.project.events() == []
    window.session.close_project()
    with Project.open(made, read_only=True) as p:
        assert [v.name for v in p.videos()] == ["clip.avi"] and len(p.events()) == 1


def test_the_question_names_the_project_the_old_name_and_the_events(window, video_path, monkeypatch):
    made, renamed = _coded_then_renamed(window, video_path)
    earlier = window.session.earlier_project(renamed, renamed.with_suffix(".merproj"))
    asked = []
    monkeypatch.setattr(session_module, "ask", lambda parent, text, choices, **k: asked.append(
        (text, [c[1] for c in choices])) or "earlier")
    assert window.session.ask_earlier_project(renamed, renamed.with_suffix(".merproj"), earlier) == "earlier"
    (text, buttons), = asked
    assert text.startswith(f"{made.name} beside it holds this video under its old name clip.avi (1 event).")
    assert "Open clip.merproj (clip.avi is relinked to P01_clip.avi), or make a new project, P01_clip.merproj" in text
    assert buttons[:2] == ["Open clip.merproj", "New project"]


def test_a_copy_of_a_video_still_in_place_gets_its_own_project(qtbot, window, video_path, monkeypatch):
    """P01/ and P02/ of one clip, or a copy kept beside the original: the original's project is its own."""
    made = _coded(window, video_path)
    copy = Path(shutil.copy(video_path, video_path.with_name("copy.avi")))
    asked = _answer(monkeypatch, window, "earlier")
    assert window.session.earlier_project(copy, copy.with_suffix(".merproj")) is None
    assert window.ctx.execute(C.OpenVideo, path=str(copy)), window.errors
    assert asked == [] and window.project.path == copy.with_suffix(".merproj") != made


def test_another_video_of_the_same_size_is_not_taken_for_it(qtbot, window, video_path, monkeypatch):
    _coded(window, video_path)
    other = video_path.with_name("other.avi")
    data = bytearray(video_path.read_bytes())
    data[-100] ^= 0xFF  # same size, other content
    other.write_bytes(bytes(data))
    assert window.session.earlier_project(other, other.with_suffix(".merproj")) is None


def test_a_read_only_share_at_another_path_offers_its_data_folder_project(qtbot, window, video_path, monkeypatch,
                                                                        tmp_path):
    """The share's folder cannot be written: its project is in the app's data folder, named for the folder's path;
    mounted at another path (here: the folder renamed), that name is another."""
    share2 = tmp_path / "share2"
    shares = {video_path.parent, share2}
    monkeypatch.setattr(session_module, "app_data_dir", lambda: tmp_path / "data")
    writable = session_module.folder_writable
    monkeypatch.setattr(session_module, "folder_writable", lambda f: Path(f) not in shares and writable(f))
    made = _coded(window, video_path)
    video_path.parent.rename(share2)
    assert made.parent == tmp_path / "data" / "projects"
    asked = _answer(monkeypatch, window, "earlier")
    assert window.ctx.execute(C.OpenVideo, path=str(share2 / "clip.avi")), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.project.path == made and len(window.project.events(window.video.id)) == 1
    assert sorted(p.name for p in made.parent.glob("*.merproj")) == [made.name]  # no second, empty one
    (_name, _default, earlier), = asked
    assert earlier.stored == str(video_path.resolve())


def test_a_project_moved_within_its_tree_gets_each_relative_path_from_there(qtbot, window, tmp_path):
    lab = tmp_path / "lab"
    (lab / "videos").mkdir(parents=True)
    for k, name in enumerate(("a.avi", "b.avi")):
        write_video(lab / "videos" / name, n=30 + 5 * k)
    with Project.create(lab / "study.merproj") as p:
        for name in ("a.avi", "b.avi"):
            p.add_video(lab / "videos" / name, 30.0, 30, 160, 120)
    (lab / "projects").mkdir()
    moved = (lab / "study.merproj").rename(lab / "projects" / "study.merproj")
    assert window.ctx.execute(C.OpenProject, path=str(moved)), window.errors
    assert [v.relpath for v in window.project.videos()] == ["../videos/a.avi", "../videos/b.avi"]  # b not shown


def test_the_locate_box_closes_once_the_video_is_found(qtbot, window, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (tmp_path / "disk").mkdir()
    _closed_study(window, home).rename(tmp_path / "disk" / "a.avi")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "disk" / "a.avi"), "")))
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"))
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.errors[-1].endswith("video not found (moved or deleted); please locate it")  # said, then found
    assert [b.text() for b in window.findChildren(QMessageBox) if b.isVisible()] == []  # was: still up


def test_the_locate_box_stays_when_the_locate_is_cancelled(qtbot, window, tmp_path, monkeypatch):
    home = tmp_path / "home"
    _closed_study(window, home).unlink()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"))
    boxes = [b.text() for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and boxes[0].endswith("please locate it")


def test_save_as_of_a_read_only_project_goes_on_where_the_coder_was(qtbot, window, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    for k, name in enumerate(("a.avi", "b.avi")):
        write_video(home / name, n=60 + 5 * k)
    assert window.ctx.execute(C.NewProject, path=str(home / "study.merproj"))
    for name in ("a.avi", "b.avi", "a.avi"):
        assert window.ctx.execute(C.OpenVideo, path=str(home / name))
    window.session.close_project()
    assert window.ctx.execute(C.OpenProject, path=str(home / "study.merproj"), read_only=True)
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    b = window.project.videos()[1]
    window.session.select_video(b.id)
    qtbot.waitUntil(lambda: window.video is not None and window.video.id == b.id, timeout=10000)
    window.transport.seek(41)
    copy = tmp_path / "mine" / "copy.merproj"
    copy.parent.mkdir()
    assert window.ctx.execute(C.SaveProjectAs, path=str(copy)), window.errors
    qtbot.waitUntil(lambda: window.video is not None, timeout=10000)
    assert window.project.path == copy and not window.project.read_only
    assert (window.video.id, window.current_frame) == (b.id, 41)  # was: the first video, frame 0
