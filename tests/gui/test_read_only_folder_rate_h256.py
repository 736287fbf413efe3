"""A read-only project shows its frame folder at the rate it holds for it, as a writable one does (h247): where the
folder was moved and the user points at it ("Where is …?"), a read-only project stores nothing and the app opened
the folder itself, at the 30 fps image files are assumed to have (h256 item 2: a folder added at 60 played at 30)."""

from __future__ import annotations

from pathlib import Path

from gui_fixtures import frame_folder_project, reopened
from PySide6.QtWidgets import QFileDialog


def _moved_project(tmp_path: Path, name: str = "burst", fps: str | None = "60") -> tuple[Path, Path]:
    """study.merproj holding a 4-frame folder added at ``fps`` (None: the 30 assumed), the folder moved since (as
    `name`): (project, where it is now)."""
    path = frame_folder_project(tmp_path, 4, fps)
    (tmp_path / "disk2").mkdir()
    moved = (tmp_path / "burst").rename(tmp_path / "disk2" / name)
    return path, moved


def test_a_moved_folder_located_in_a_read_only_project_plays_at_its_rate(qtbot, qsettings, tmp_path, monkeypatch):
    path, moved = _moved_project(tmp_path)
    asked: list[str] = []

    def where(parent, title, start="", *a, **k):  # the "Where is burst?" folder dialog
        asked.append(title)
        return str(moved)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(where))
    win = reopened(qtbot, qsettings, path, read_only=True)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert asked == ["Where is burst?"]
        assert Path(win.session.source.path) == moved.resolve()
        assert win.session.source.fps == 60 and win.session.video.fps == 60
        assert not win.session.source.fps_assumed
    finally:
        win.shutdown()


def test_a_renamed_folder_too(qtbot, qsettings, tmp_path, monkeypatch):
    """Found under another name, the folder is told by no lookup of the project's places: the video's own rate."""
    path, moved = _moved_project(tmp_path, "burst take 2")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(moved)))
    win = reopened(qtbot, qsettings, path, read_only=True)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert Path(win.session.source.path) == moved.resolve() and win.session.source.fps == 60
    finally:
        win.shutdown()


def test_a_folder_held_at_the_assumed_rate_still_says_so_read_only(qtbot, qsettings, tmp_path, monkeypatch):
    """The rate the project holds is the 30 assumed when it was added: opened at it, its note says so (as h247)."""
    path, moved = _moved_project(tmp_path, fps=None)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(moved)))
    win = reopened(qtbot, qsettings, path, read_only=True)
    try:
        qtbot.waitUntil(lambda: win.session.source is not None)
        assert win.session.source.fps == 30 and win.session.source.fps_assumed
    finally:
        win.shutdown()
