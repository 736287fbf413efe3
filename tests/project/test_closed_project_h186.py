"""A Project used from Python after close(): one line naming the file (was SQLite's bare "Cannot operate on a closed
database."), and a repr that says which file and whether it is open (a91 finding 6)."""

from __future__ import annotations

import sqlite3

import pytest

from merstudio.errors import InputError
from merstudio.project import Event, Project, ProjectClosed  # (exported: a notebook catches it by this name)


def test_a_closed_project_names_its_file(tmp_path) -> None:
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        v = p.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=72, width=64, height=48)
    for use in (p.events, p.videos, lambda: p.add_event(Event(v.id, 1, 2, 3))):
        with pytest.raises(InputError) as err:
            use()
        assert str(err.value).startswith(f"{path}: the project is closed")
        assert "\n" not in str(err.value)
        assert isinstance(err.value, ProjectClosed)
        assert isinstance(err.value, sqlite3.Error)  # what a reader that meets a project closed meanwhile catches
    assert p.closed


def test_repr_names_the_file_and_its_state(tmp_path) -> None:
    path = tmp_path / "study.merproj"
    p = Project.create(path)
    assert repr(p) == f"<Project {str(path)!r} open>"
    p.close()
    assert repr(p) == f"<Project {str(path)!r} closed>"
    with Project.open(path, read_only=True) as ro:
        assert repr(ro).startswith(f"<Project {str(path)!r} read-only: ")
