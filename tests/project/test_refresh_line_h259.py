"""The line a project opened for writing says where its videos' relative paths could not be refreshed names the
reason once, in one bracket: with the file locked by another writer it nested the write's own wording, "…not
refreshed (the edit was not saved (the project is locked by another program; try again)); they are found…", and
"try again" asked for nothing the user could do there (h259)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from merstudio.errors import OutputError
from merstudio.project import Project


def _moved_project(root: Path) -> Path:
    """root/videos/a.avi, its project made in root/ and moved into root/projects/ (its relative path stale)."""
    (root / "videos").mkdir(parents=True)
    video = root / "videos" / "a.avi"
    video.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, np.uint8).tobytes())
    with Project.create(root / "study.merproj") as p:
        p.add_video(video, 30.0, 72, 64, 48)
    (root / "projects").mkdir()
    return (root / "study.merproj").rename(root / "projects" / "study.merproj")


def test_a_refresh_the_lock_of_another_writer_refuses_says_why_once(tmp_path: Path) -> None:
    project = _moved_project(tmp_path / "lab")
    with Project.open(project, busy_timeout=0.05) as p:
        other = sqlite3.connect(project, isolation_level=None)  # another program in the middle of its write
        try:
            other.execute("BEGIN IMMEDIATE")
            line = p.refresh_relpaths_on_open()
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert line == (f"{p.path}: the videos' relative paths were not refreshed (the project is locked by another "
                    "program); they are found by their stored paths")


def test_any_failed_write_is_said_by_its_reason_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _moved_project(tmp_path / "lab")

    def full(self: Project) -> list[int]:  # as Project._tx words a full disk
        raise OutputError(f"{self.path}: the edit was not saved (the disk is full)")

    monkeypatch.setattr(Project, "refresh_relpaths", full)
    with Project.open(project) as p:
        assert p.refresh_relpaths_on_open() == (f"{p.path}: the videos' relative paths were not refreshed (the disk "
                                                "is full); they are found by their stored paths")
