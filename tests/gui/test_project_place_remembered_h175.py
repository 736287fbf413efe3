"""Where neither a video's folder nor the app's data folder can hold its project, the app asks where to keep it (h154).
The folder chosen is remembered (the settings' folders/projects_elsewhere): the next video opened so has its project
made there without asking again (before, every video opened asked, and so did the same video opened again), said on
the status bar; a folder that cannot be written any more is asked about again. A video of the same name from
another folder gets a project of its own there, not added to the first's."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from support.readonly import read_only_location

from merstudio.gui import commands as C
from merstudio.gui import session as S

pytestmark = pytest.mark.gui


@pytest.fixture
def shares(tmp_path, video_path, monkeypatch):
    """Two read-only folders of videos (share1: clip.avi, other.avi; share2: clip.avi), the app's data folder under
    a read-only home."""
    home = tmp_path / "home"
    home.mkdir()
    videos = []
    for name, files in (("share1", ("clip.avi", "other.avi")), ("share2", ("clip.avi",))):
        (tmp_path / name).mkdir()
        videos += [Path(shutil.copy(video_path, tmp_path / name / f)) for f in files]
    monkeypatch.setattr(S, "app_data_dir", lambda: home / ".local" / "share" / "merstudio")
    with ExitStack() as stack:
        for folder in (tmp_path / "share1", tmp_path / "share2", home):
            stack.enter_context(read_only_location(folder))
        yield videos


def _asked(window, monkeypatch, answer):
    asked: list[str] = []

    def ask(title: str, start: str) -> str:
        asked.append(title)
        return answer

    monkeypatch.setattr(window.session, "ask_project_place", ask)
    return asked


def _open(window, video: Path) -> Path:
    window.session.close_project()
    assert window.ctx.execute(C.OpenVideo, path=str(video)), window.errors
    assert window.project is not None and window.video is not None
    return Path(window.project.path)


def test_the_folder_chosen_is_used_again_without_asking(window, shares, tmp_path, monkeypatch):
    clip, other, clip2 = shares
    mine = tmp_path / "mine"
    mine.mkdir()
    asked = _asked(window, monkeypatch, str(mine / "clip"))
    assert _open(window, clip) == mine / "clip.merproj" and len(asked) == 1
    assert _open(window, other) == mine / "other.merproj"
    assert len(asked) == 1  # not asked again
    line = window.statusBar().currentMessage()
    assert "other.avi" in line and str(mine) in line and "\n" not in line, line
    assert _open(window, clip) == mine / "clip.merproj"  # the same video: its project, not a second one
    assert [Path(v.path) for v in window.project.videos()] == [clip.resolve()]
    # another folder's clip.avi: a project of its own in the same folder
    second = _open(window, clip2)
    assert second.parent == mine and second != mine / "clip.merproj"
    assert [Path(v.path) for v in window.project.videos()] == [clip2.resolve()]
    assert len(asked) == 1 and window.errors == []


def test_a_remembered_folder_that_cannot_be_written_is_asked_about_again(window, shares, tmp_path, monkeypatch):
    clip, other, _ = shares
    mine, then = tmp_path / "mine", tmp_path / "then"
    mine.mkdir()
    then.mkdir()
    asked = _asked(window, monkeypatch, str(mine / "clip"))
    assert _open(window, clip) == mine / "clip.merproj"
    window.session.close_project()
    asked = _asked(window, monkeypatch, str(then / "other"))
    with read_only_location(mine):
        assert _open(window, other) == then / "other.merproj"
        assert len(asked) == 1
    window.session.close_project()
    (tmp_path / "third").mkdir()
    shutil.copy(other, tmp_path / "third" / "x.avi")
    with read_only_location(tmp_path / "third"):
        assert _open(window, tmp_path / "third" / "x.avi") == then / "x.merproj"  # the latest choice
    assert len(asked) == 1 and window.errors == []
