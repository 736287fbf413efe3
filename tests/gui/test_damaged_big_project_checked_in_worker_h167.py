"""A big project closed cleanly opens in the app without reading every page (fast), and SQLite's quick_check then
runs in a worker: damage found is said at once, the backup named, and the project turns read-only (a87 finding 2:
the app said nothing and invited Run analysis into the damaged file)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "project"))
from test_open_check_h155 import _damaged_project  # noqa: E402

from merstudio.errors import OutputError  # noqa: E402
from merstudio.project import store as store_module  # noqa: E402


def test_the_check_in_the_worker_says_damaged_with_the_backup(qtbot, window, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)  # every project is "big"
    path = _damaged_project(tmp_path)
    (tmp_path / "study.merproj.bak").write_bytes(path.read_bytes())
    win = window
    assert win.session.open_project(path, select=False)
    proj = win.project
    assert proj is not None and not proj.checked_whole  # opened at once, not read whole on the GUI thread
    qtbot.waitUntil(lambda: any("project file is damaged" in e for e in win.errors), timeout=10000)
    said = next(e for e in win.errors if "project file is damaged" in e)
    assert said.startswith(f"{path}: project file is damaged (") and "try study.merproj.bak" in said
    assert proj.read_only and "damaged" in proj.read_only_reason
    with pytest.raises(OutputError, match="read-only"):  # nothing more is written into it
        proj.remove_video(proj.videos()[0].id)


def test_a_sound_big_project_says_nothing(qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.project import Project

    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)
    path = tmp_path / "fine.merproj"
    with Project.create(path):
        pass
    win = window
    assert win.session.open_project(path, select=False)
    worker = win.session.check_in_background(win.project)
    assert worker is not None
    worker.join(10)
    qtbot.wait(50)
    assert not win.errors and not win.project.read_only
