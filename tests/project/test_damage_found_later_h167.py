"""A damaged page in a big project opened without the whole-file check (the app's ``fast`` open, a87 findings 2-3):
any read or write that meets it is the open's one line (ProjectDamaged, the backup named), never a raw
sqlite3.DatabaseError; compact says damaged, not "needs about N MB free"; the CLI's open reads every page again."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_open_check_h155 import _damaged_project  # noqa: E402

from merstudio.errors import InputError, OutputError  # noqa: E402
from merstudio.project import Project  # noqa: E402
from merstudio.project import store as store_module  # noqa: E402
from merstudio.project.store import ProjectDamaged  # noqa: E402


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)  # every project is "big"
    path = _damaged_project(tmp_path)
    (tmp_path / "study.merproj.bak").write_bytes(path.read_bytes())  # a backup to be named
    return path


def test_a_read_of_the_damaged_page_is_the_damaged_line(big: Path) -> None:
    with Project.open(big, fast=True) as proj:
        assert not proj.checked_whole
        vid = proj.videos()[0].id
        with pytest.raises(ProjectDamaged) as caught:
            proj.load_frames(vid)
        with pytest.raises(ProjectDamaged):  # what `project show` read (a87: a traceback)
            proj.frame_count_stored(vid)
    line = str(caught.value)
    assert line.startswith(f"{big}: project file is damaged (") and line.endswith("; try study.merproj.bak")
    assert "\n" not in line and isinstance(caught.value, InputError)
    assert not isinstance(caught.value, sqlite3.Error)  # no disk-fault handler takes it for its own


def test_a_write_that_meets_it_is_the_damaged_line(big: Path) -> None:
    with Project.open(big, fast=True) as proj, pytest.raises(ProjectDamaged, match="project file is damaged"):
        proj.remove_video(proj.videos()[0].id)  # deletes the frames: reads the damaged page


def test_compact_says_damaged_not_free_space(big: Path) -> None:
    with Project.open(big, fast=True) as proj:
        with pytest.raises(ProjectDamaged, match="project file is damaged") as caught:
            proj.compact()
        assert "MB free" not in str(caught.value) and not isinstance(caught.value, OutputError)
        assert proj.integrity_check() != "ok" and proj.quick_check() != "ok"


def test_every_open_but_the_apps_reads_every_page(big: Path) -> None:
    with pytest.raises(ProjectDamaged, match="project file is damaged"):
        Project.open(big)
    with pytest.raises(ProjectDamaged, match="project file is damaged"):
        Project.open(big, read_only=True)


def test_a_file_that_is_no_database_is_still_not_ours(tmp_path: Path) -> None:
    bogus = tmp_path / "x.merproj"
    bogus.write_bytes(b"hello" * 1000)
    with pytest.raises(InputError, match="not a merstudio project") as caught:
        Project.open(bogus)
    assert not isinstance(caught.value, ProjectDamaged)
