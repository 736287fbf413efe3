"""A project file moved within its tree and used from the CLI alone (h235): each command that opens it for
writing refreshes every video's relative path from where the file lies now, as the app does when it opens it
(`project subject` kept 'videos/b.avi' for '../videos/b.avi', `convert --project --export` refreshed only the video
it exported, so a copy of the tree used the original's videos); a read-only open (`project show`) writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli_run import run
from support.clips import noise_clip

from merstudio.project import Event, Project


@pytest.fixture
def moved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """lab/study.merproj with lab/videos/a.avi (one event by alice and one by bob) and b.avi, the project file then
    moved into lab/projects/."""
    lab = tmp_path / "lab"
    a, b = noise_clip(lab / "videos" / "a.avi", 0), noise_clip(lab / "videos" / "b.avi", 1)
    assert run(capsys, "project", "new", lab / "study.merproj", a, b)[0] == 0
    with Project.open(lab / "study.merproj") as p:
        p.add_events([Event(1, 1, 2, 4, coder="alice"), Event(1, 1, 2, 4, coder="bob")])
    (lab / "projects").mkdir()
    return (lab / "study.merproj").rename(lab / "projects" / "study.merproj")


def _relpaths(proj: Path) -> list[str | None]:
    with Project.open(proj, read_only=True) as p:
        return [v.relpath for v in p.videos()]


@pytest.mark.parametrize("command", [
    ("project", "subject", "{proj}", "a.avi", "P01"),
    ("convert", "--project", "{proj}", "--export", "{out}", "--video", "a.avi"),
    ("agreement", "{proj}"),
])
def test_a_command_that_writes_refreshes_every_relative_path(moved: Path, tmp_path: Path, command: tuple[str, ...],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _relpaths(moved) == ["videos/a.avi", "videos/b.avi"]
    args = [c.format(proj=moved, out=tmp_path / "out.csv") for c in command]
    code, _out, err = run(capsys, *args)
    assert code == 0, err
    assert _relpaths(moved) == ["../videos/a.avi", "../videos/b.avi"]  # b.avi too: not shown nor exported


def test_a_copy_of_the_tree_then_uses_its_own_videos(moved: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "project", "subject", moved, "b.avi", "P02")[0] == 0
    copy = Path(shutil.copytree(tmp_path / "lab", tmp_path / "lab_copy"))
    shutil.rmtree(tmp_path / "lab")  # the original tree leaves
    code, out, err = run(capsys, "project", "show", copy / "projects" / "study.merproj")
    assert code == 0, err
    assert "MISSING" not in out
    assert f"path: {(copy / 'videos' / 'a.avi').resolve()}" in out or str(copy / "videos" / "a.avi") in out, out


def test_a_read_only_open_writes_nothing(moved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = moved.read_bytes()
    code, out, err = run(capsys, "project", "show", moved)
    assert code == 0, err
    assert "MISSING" not in out  # found by the stored path, as before
    assert _relpaths(moved) == ["videos/a.avi", "videos/b.avi"] and moved.read_bytes() == before
