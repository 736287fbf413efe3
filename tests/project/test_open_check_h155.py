"""What opening checks (a82 finding 7): SQLite's quick_check reads the whole file, 4 s for a 273 MB project on the
GUI thread before anything is drawn. It still runs on every project below ``CHECK_ALWAYS_BELOW`` and on a bigger
one that was not closed cleanly (its ``-wal`` journal or its lock file left beside it: a kill, a crash, or another
program has it open); a bigger project closed cleanly opens without reading every page."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from merstudio.errors import InputError
from merstudio.project import Project
from merstudio.project import store as store_module
from merstudio.project.lock import lock_path


def _damaged_project(tmp_path: Path) -> Path:
    """A project closed cleanly whose frames table (a page nothing reads on opening) is garbage."""
    path = tmp_path / "study.merproj"
    video = tmp_path / "a.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(path) as proj:
        v = proj.add_video(video, fps=30.0, frame_count=50, width=64, height=48)
        run = proj.begin_analysis(v.id)
        proj.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0,
                                  "success": 1, "AU12_r": 0.5} for i in range(50)])
        proj.finish_analysis(run)
    con = sqlite3.connect(path)
    try:
        page = int(con.execute("PRAGMA page_size").fetchone()[0])
        root = int(con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'frames'").fetchone()[0])
    finally:
        con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xa5" * page)
    assert not Path(f"{path}-wal").exists() and not lock_path(path).exists()  # closed cleanly
    return path


def test_a_small_damaged_project_is_refused(tmp_path: Path) -> None:
    path = _damaged_project(tmp_path)
    with pytest.raises(InputError, match="project file is damaged"):
        Project.open(path)


def test_a_big_project_closed_cleanly_is_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _damaged_project(tmp_path)
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)  # every project is "big"
    with Project.open(path, fast=True) as proj:  # the app's open
        assert not proj.checked_whole
        assert proj.integrity_check() != "ok"  # the explicit check (merstudio project check) still finds it


@pytest.mark.parametrize("left", ["lock", "wal"])
def test_a_big_project_not_closed_cleanly_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      left: str) -> None:
    path = _damaged_project(tmp_path)
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)
    if left == "lock":  # what a killed writer leaves (its OS lock went with it)
        lock_path(path).write_text('{"pid": 999999999, "host": "gone", "user": "x", "since": 0, "heartbeat": 0}\n')
    else:  # a journal that was never folded in: a frame of nothing (SQLite ignores it), the file still damaged
        Path(f"{path}-wal").write_bytes(b"\0" * 32)
    with pytest.raises(InputError, match="project file is damaged"):
        Project.open(path, fast=True)


def test_opening_a_project_another_opener_has_checks_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _damaged_project(tmp_path)
    path.unlink()
    with Project.create(path):
        pass
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)
    with Project.open(path, fast=True) as writer:
        assert not writer.checked_whole
        with Project.open(path, fast=True) as reader:  # the writer's lock is there: it may be mid-crash for all we know
            assert reader.read_only and reader.checked_whole
