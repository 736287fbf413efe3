"""A video opened with no project, where neither its own folder nor the app's data folder can be written (a
read-only dataset and a read-only or full home, or HOME unset for a user: /.local/share): the app asks where to
keep its project (a Save dialog) instead of a dead end ("cannot create project (Permission denied)", then "no video
is open" for everything). Cancelled: one line on the status bar, nothing changed."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from support.readonly import read_only_location

from merstudio.gui import commands as C
from merstudio.gui import session as S
from merstudio.project import Project


@pytest.fixture
def nowhere(tmp_path, video_path, monkeypatch):
    """The video in a read-only folder, the app's data folder under a read-only home."""
    share, home = tmp_path / "share", tmp_path / "home"
    share.mkdir()
    home.mkdir()
    video = Path(shutil.copy(video_path, share / "clip.avi"))
    monkeypatch.setattr(S, "app_data_dir", lambda: home / ".local" / "share" / "merstudio")
    with ExitStack() as stack:
        stack.enter_context(read_only_location(share))
        stack.enter_context(read_only_location(home))
        yield video


def _asked(window, monkeypatch, answer):
    asked: list[tuple[str, str]] = []

    def ask(title: str, start: str) -> str:
        asked.append((title, start))
        return answer

    monkeypatch.setattr(window.session, "ask_project_place", ask)
    return asked


def test_a_place_is_asked_and_the_project_made_there(window, nowhere, tmp_path, monkeypatch):
    chosen = tmp_path / "mine" / "clip"  # typed without the extension
    chosen.parent.mkdir()
    asked = _asked(window, monkeypatch, str(chosen))
    assert window.ctx.execute(C.OpenVideo, path=str(nowhere)), window.errors
    assert len(asked) == 1
    title, start = asked[0]
    assert "clip.avi" in title and "app's data folder" in title and ("Permission denied" in title or "not permitted" in title)
    assert start.endswith("clip.merproj")
    assert window.project is not None and Path(window.project.path) == chosen.with_suffix(".merproj")
    assert window.video is not None and [v.path for v in window.project.videos()] == [str(nowhere.resolve())]
    assert window.errors == []


def test_an_existing_project_chosen_is_opened_not_replaced(window, nowhere, tmp_path, monkeypatch):
    mine = tmp_path / "kept.merproj"
    with Project.create(mine) as proj:
        proj.add_video(tmp_path / "other.avi", 30.0, 10, 64, 48)
    _asked(window, monkeypatch, str(mine))
    assert window.ctx.execute(C.OpenVideo, path=str(nowhere)), window.errors
    assert window.project is not None and Path(window.project.path) == mine
    assert len(window.project.videos()) == 2  # the one it had, and this video


def test_cancelled_says_so_in_one_line(window, nowhere, monkeypatch):
    _asked(window, monkeypatch, "")
    window.ctx.execute(C.OpenVideo, path=str(nowhere))
    assert window.project is None and window.video is None
    assert window.errors == []
    line = window.statusBar().currentMessage()
    assert "clip.avi not opened" in line and "choose a folder you can write" in line and "\n" not in line
