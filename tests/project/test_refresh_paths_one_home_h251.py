"""One home for "refresh the stale relative paths of a project opened for writing" (h251): the core's
Project.refresh_relpaths_on_open refreshes them and returns the one line to say where it could not (the file locked
by another writer), raising nothing; the CLI's open_project and finetune warn that very line (the app shows it:
tests/gui/test_refresh_paths_note_h251.py). Before, the CLI and finetune each had their own try/refresh/warn."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from support.cli_run import run

from merstudio.errors import OutputError
from merstudio.project import Project


def _lab(root: Path) -> Path:
    """lab/videos/{a,b}.avi (other contents), the project made in lab/ and then moved into lab/projects/."""
    (root / "videos").mkdir(parents=True)
    made = root / "study.merproj"
    with Project.create(made) as p:
        for k, name in enumerate(("a.avi", "b.avi")):
            video = root / "videos" / name
            video.write_bytes(np.random.default_rng(k).integers(0, 256, 5000 + k, np.uint8).tobytes())
            p.add_video(video, 30.0, 72, 64, 48)
    (root / "projects").mkdir()
    return made.rename(root / "projects" / made.name)


def _relpaths(project: Path) -> list[str | None]:
    with Project.open(project, read_only=True) as p:
        return [v.relpath for v in p.videos()]


@contextmanager
def _write_locked(project: Path) -> Iterator[None]:
    """Another connection holds the file's write lock (a writer elsewhere in the middle of its transaction)."""
    con = sqlite3.connect(project, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def test_the_paths_of_a_moved_project_are_refreshed_and_nothing_is_said(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    with Project.open(project) as p:
        assert p.refresh_relpaths_on_open() == ""
    assert _relpaths(project) == ["../videos/a.avi", "../videos/b.avi"]


def test_a_refresh_that_cannot_be_written_returns_its_one_line_and_raises_nothing(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    with Project.open(project, busy_timeout=0.05) as p:
        with _write_locked(project):
            line = p.refresh_relpaths_on_open()
        assert line.startswith(f"{p.path}: the videos' relative paths were not refreshed (")
        assert line.endswith("; they are found by their stored paths") and "\n" not in line
        assert [v.name for v in p.videos()] == ["a.avi", "b.avi"]  # the project goes on
    assert _relpaths(project) == ["videos/a.avi", "videos/b.avi"]  # as they were: nothing half written


def test_a_read_only_project_is_left_alone(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    before = project.read_bytes()
    with Project.open(project, read_only=True) as p:
        assert p.refresh_relpaths_on_open() == ""
    assert project.read_bytes() == before


def _unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Project) -> list[int]:
        raise OutputError(f"{self.path}: the disk is full")

    monkeypatch.setattr(Project, "refresh_relpaths", refuse)


def test_the_cli_prints_the_cores_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    project = _lab(tmp_path / "lab")
    _unwritable(monkeypatch)
    with Project.open(project, read_only=True) as p:
        said = f"{p.path}: the videos' relative paths were not refreshed (the disk is full); they are found by " \
            "their stored paths"
    code, _out, err = run(capsys, "project", "subject", project, "a.avi", "P01")
    assert code == 0, err
    assert err.splitlines() == [f"merstudio: warning: {said}"]  # the command went on


def test_finetune_warns_the_cores_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from support.finetune_project import tiny_checkpoint

    project = _lab(tmp_path / "lab")
    _unwritable(monkeypatch)
    with Project.open(project, read_only=True) as p:
        said = f"{p.path}: the videos' relative paths were not refreshed (the disk is full); they are found by " \
            "their stored paths"
    code, _out, err = run(capsys, "finetune", "--project", project, "--checkpoint", tiny_checkpoint(tmp_path / "t.pt"))
    warned, refused = err.splitlines()  # no events to train on: refused once the project was read
    assert code == 2 and warned == f"merstudio: warning: {said}" and "no accepted events" in refused, err
