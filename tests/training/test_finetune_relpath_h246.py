"""`merstudio finetune` of a project moved within its tree (h246): its opening refreshes every video's relative path
from where the file lies now, as the CLI's other commands (cli.project.open_project) and the app do. It opened it
with Project.open alone, so a project moved from lab/ to lab/projects/ kept 'videos/a.avi' for '../videos/a.avi',
and a copy of the tree trained on the original tree's videos."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.clips import noise_clip
from support.finetune_project import tiny_checkpoint

from merstudio.project import Event, Project


def _relpaths(proj: Path) -> list[str | None]:
    with Project.open(proj, read_only=True) as p:
        return [v.relpath for v in p.videos()]


def test_finetune_refreshes_the_relative_paths_of_a_moved_project(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    lab = tmp_path / "lab"
    a, b = noise_clip(lab / "videos" / "a.avi", 0), noise_clip(lab / "videos" / "b.avi", 1)
    assert run(capsys, "project", "new", lab / "study.merproj", a, b)[0] == 0
    with Project.open(lab / "study.merproj") as p:
        p.add_events([Event(1, 1, 2, 4, emotion="positive", coder="ann", status="accepted")])
    (lab / "projects").mkdir()
    moved = (lab / "study.merproj").rename(lab / "projects" / "study.merproj")
    assert _relpaths(moved) == ["videos/a.avi", "videos/b.avi"]
    ckpt = tiny_checkpoint(tmp_path / "tiny.pt")
    # one event is too few to train on: refused once the project was read, its paths refreshed by then
    code, _out, err = run(capsys, "finetune", "--project", moved, "--checkpoint", ckpt)
    assert code == 2 and "positive" in err, err
    assert _relpaths(moved) == ["../videos/a.avi", "../videos/b.avi"]  # b.avi too, though it has no events
