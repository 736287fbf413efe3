"""`project merge` of an older-schema other copy reads it through Project.open_upgraded_copy (h258): an upgraded copy
in memory, one consistent snapshot of the file and its journal, nothing copied on disk. Before, the file and its
-wal were copied one after the other to a temporary folder (shutil.copyfile): not one snapshot while another app
wrote it."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from support.merge_copies import study
from support.old_projects import old_schema

from merstudio.project import Project
from merstudio.project.merge import plan_merge
from merstudio.project.videos import content_hash


def _old_copy(path: Path, relpath: str | None = None, hash_size: tuple[str, int] = ("h", 10)) -> sqlite3.Connection:
    """A schema-7 copy (WAL, as the old app leaves it) of one video and an event by bob; left open, as the old app
    holds it."""
    con = old_schema(path, 7, wal=True)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/nowhere/clip.avi', ?, ?, ?, 30.0, 72, 64, 48, 0)", (relpath, *hash_size))
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 5, 8, 12, 'surprise', '1+2', 'bob', NULL, '',"
                " 'manual', 'accepted', 0, 0)")
    return con


def test_the_other_copy_is_read_without_a_copy_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = study(tmp_path / "A")
    (tmp_path / "B").mkdir()
    b = tmp_path / "B" / "study.merproj"
    con = _old_copy(b)  # held open by the old app: its edits still in study.merproj-wal
    try:
        assert Path(f"{b}-wal").stat().st_size > 0
        before = b.read_bytes()

        def on_disk(*_: object, **__: object) -> None:
            raise AssertionError("the other copy was copied on disk")

        monkeypatch.setattr(shutil, "copyfile", on_disk)
        monkeypatch.setattr(tempfile, "TemporaryDirectory", on_disk)
        monkeypatch.setattr(tempfile, "mkdtemp", on_disk)
        with Project.open(a, read_only=True) as p:
            plan = plan_merge(p, b)
        assert plan.upgraded_from == 7
        assert ("  study.merproj is of schema 7 (an older merstudio): read through an upgraded temporary copy; the "
                "file itself is not changed") in plan.lines()
        assert [(c.kind, c.coder) for c in plan.events] == [("new", "bob")]  # its journal's edit read in
        assert b.read_bytes() == before
    finally:
        con.close()
    assert sorted(f.name for f in (tmp_path / "B").iterdir()) == ["study.merproj"]  # nothing left beside it


def test_its_video_is_found_from_its_own_folder(tmp_path: Path) -> None:
    # the in-memory copy keeps the file's path: its relative paths reach from its folder, as the file's would
    a = study(tmp_path / "A")
    (tmp_path / "B" / "videos").mkdir(parents=True)
    clip = tmp_path / "B" / "videos" / "other.avi"
    clip.write_bytes(b"not the project's clip, B's own" * 10)
    b = tmp_path / "B" / "study.merproj"
    _old_copy(b, relpath="videos/other.avi", hash_size=content_hash(clip)).close()
    with Project.open(a, read_only=True) as p:
        plan = plan_merge(p, b)
    assert [Path(str(v["path"])) for v in plan.videos_new] == [clip.resolve()]

