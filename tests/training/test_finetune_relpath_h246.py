"""`merstudio finetune` of a project moved within its tree (h246): its opening refreshes every video's relative path
from where the file lies now, as the CLI's other commands (cli.project.open_project) and the app do. It opened it
with Project.open alone, so a project moved from lab/ to lab/projects/ kept 'videos/a.avi' for '../videos/a.avi',
and a copy of the tree trained on the original tree's videos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.cli_run import run
from support.finetune_project import tiny_checkpoint

from merstudio.project import Event, Project


def _clip(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    for _ in range(6):
        w.write(rng.integers(0, 255, (48, 64, 3), np.uint8))
    w.release()
    return path


def _relpaths(proj: Path) -> list[str | None]:
    with Project.open(proj, read_only=True) as p:
        return [v.relpath for v in p.videos()]


def test_finetune_refreshes_the_relative_paths_of_a_moved_project(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    lab = tmp_path / "lab"
    a, b = _clip(lab / "videos" / "a.avi", 0), _clip(lab / "videos" / "b.avi", 1)
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
