"""The app asks whether a close will compact the project (Project.compacts_on_close: seconds for hundreds of MB,
so it closes it in a worker, saying so) and skips the compaction at a stop signal's quit (close(compact=False))
(h176)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.emptied_projects import emptied_project

from merstudio.project import Project
from merstudio.project import store as store_module


@pytest.fixture
def emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_module, "COMPACT_ON_CLOSE_AT", 1024)
    return emptied_project(tmp_path / "study.merproj")


def test_compacts_on_close_says_what_close_does(emptied: Path) -> None:
    size = emptied.stat().st_size
    proj = Project.open(emptied)
    assert proj.compacts_on_close()
    proj.close()
    assert proj.compacted_on_close is not None and emptied.stat().st_size < size / 3
    assert not proj.compacts_on_close()  # closed
    with Project.open(emptied) as proj:
        assert not proj.compacts_on_close()  # compacted: nothing to give back
    with Project.open(emptied, read_only=True) as proj:
        assert not proj.compacts_on_close()


def test_a_close_told_not_to_compact_leaves_the_file_as_it_was(emptied: Path) -> None:
    size = emptied.stat().st_size
    proj = Project.open(emptied)
    proj.close(compact=False)
    assert proj.compacted_on_close is None and emptied.stat().st_size == size
    with Project.open(emptied) as proj:
        assert proj.compacts_on_close() and len(proj.videos()) == 1
