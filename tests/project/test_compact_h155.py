"""A project gives space back (a80 finding 2): removing a video or replacing a run left its pages free inside the
file for ever (98 % of a 5.7 MB project after removing its video), and the backup and Save As copied them too.
``Project.compact`` (SQLite's VACUUM through the journal) gives them back, a kill during it loses nothing, the
backup and Save As copies hold no free page (VACUUM INTO), and close() compacts a file over half empty."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from merstudio.project import Event, Project
from merstudio.project import store as store_module


def _video(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    return path


def _analysed(proj: Project, video: Path, frames: int, landmarks: bool = True) -> int:
    v = proj.add_video(video, fps=30.0, frame_count=frames, width=64, height=48)
    run = proj.begin_analysis(v.id)
    rng = np.random.default_rng(v.id)
    rows = []
    for i in range(frames):
        r = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 0.9, "success": 1, "AU12_r": 0.5}
        if landmarks:  # what makes a run big: 468 points a frame
            r.update({f"x_{k}": float(x) for k, x in enumerate(rng.random(468))})
            r.update({f"y_{k}": float(y) for k, y in enumerate(rng.random(468))})
        rows.append(r)
    proj.append_frames(run, rows)
    proj.finish_analysis(run)
    proj.add_event(Event(v.id, 3, 4, 6, emotion="positive", aus="12", coder="ann"))
    return v.id


def _content(path: Path) -> list[str]:
    """Everything the file holds, as SQL (the journal's edits included)."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _free_pages(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA freelist_count").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose second, big video was removed: its frames' pages are free in the file (made once)."""
    folder = tmp_path_factory.mktemp("made")
    path = folder / "study.merproj"
    with Project.create(path) as proj:
        _analysed(proj, _video(folder / "a.avi", 1), 20, landmarks=False)
        big = _analysed(proj, _video(folder / "b.avi", 2), 300)
        proj.remove_video(big)
        proj.fold_journal()
        size, free = proj.space()
        assert free > size / 2  # the removed run's pages, still in the file
    return path


@pytest.fixture
def emptied(made: Path, tmp_path: Path) -> Path:
    path = tmp_path / made.name
    shutil.copyfile(made, path)
    shutil.copyfile(made.with_name("a.avi"), tmp_path / "a.avi")
    return path


def test_compact_gives_the_free_pages_back_and_keeps_every_row(emptied: Path) -> None:
    before = _content(emptied)
    with Project.open(emptied) as proj:
        size_before = emptied.stat().st_size
        was, now = proj.compact()
        assert was == size_before and now == emptied.stat().st_size
        assert now < size_before / 3 and proj.space()[1] == 0
        assert proj.integrity_check() == "ok" and len(proj.events()) == 1
    assert _content(emptied) == before


def test_save_as_and_the_backup_hold_no_free_page(emptied: Path, tmp_path: Path) -> None:
    with Project.open(emptied) as proj:
        bak = proj.save()
        copy = proj.save_as(tmp_path / "copy.merproj")
        live = proj.space()[0] - proj.space()[1]
    for q in (bak, copy):
        assert q is not None and _free_pages(q) == 0
        assert q.stat().st_size <= live + 8192  # the live pages, not the 98 % free ones
        with Project.open(q) as p:
            assert p.integrity_check() == "ok" and [e.coder for e in p.events()] == ["ann"]


def test_a_read_only_project_saves_a_compact_copy(emptied: Path, tmp_path: Path) -> None:
    with Project.open(emptied, read_only=True) as proj:
        copy = proj.save_as(tmp_path / "copy.merproj")
        assert proj.read_only
        with pytest.raises(Exception, match="read-only"):
            proj.add_event(Event(1, 1, 1, 2, coder="bob"))  # query_only is back on
    assert _free_pages(copy) == 0


def test_close_compacts_a_project_over_half_empty(emptied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COMPACT_ON_CLOSE_AT", 1024)
    before = _content(emptied)
    size = emptied.stat().st_size
    proj = Project.open(emptied)
    proj.close()
    assert proj.compacted_on_close is not None and emptied.stat().st_size < size / 3
    assert _content(emptied) == before


def test_close_leaves_a_mostly_full_project_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COMPACT_ON_CLOSE_AT", 1024)
    path = tmp_path / "full.merproj"
    with Project.create(path) as proj:
        _analysed(proj, _video(tmp_path / "a.avi", 1), 200)
    proj = Project.open(path)
    proj.close()
    assert proj.compacted_on_close is None


def test_a_read_only_project_is_not_compacted(emptied: Path) -> None:
    with Project.open(emptied, read_only=True) as proj, pytest.raises(Exception, match="read-only"):
        proj.compact()


_CHILD = textwrap.dedent("""
    import os, signal, sys
    from merstudio.project import Project
    from merstudio.project import store

    path, when = sys.argv[1], sys.argv[2]
    proj = Project.open(path)
    if when == "after-vacuum":  # the compacted pages are committed in the journal, not yet folded into the file
        fold = store.Project._fold
        calls = []
        def killing_fold(self, mode):
            calls.append(mode)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return fold(self, mode)
        store.Project._fold = killing_fold
    print("compacting", flush=True)
    proj.compact()
    print("done", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no close: a kill at the end too
""")


def _killed_compaction(path: Path, when: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if when == "after-vacuum":
        return subprocess.run([sys.executable, "-c", _CHILD, str(path), when], capture_output=True, text=True,
                              env=env, timeout=120)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), when], stdout=subprocess.PIPE, text=True,
                             env=env)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "compacting"
    child.send_signal(signal.SIGKILL)  # wherever VACUUM is (or after it): either outcome is a whole project
    child.wait(timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, "", "")


@pytest.mark.parametrize("when", ["after-vacuum", "during"])
def test_a_kill_during_compaction_loses_nothing(emptied: Path, when: str) -> None:
    before = _content(emptied)
    done = _killed_compaction(emptied, when)
    assert done.returncode == -signal.SIGKILL
    with Project.open(emptied) as proj:
        assert proj.checked_whole  # an unclean close: the whole file is checked on opening
        assert proj.integrity_check() == "ok"
    assert _content(emptied) == before
    if when == "after-vacuum":  # the journal held the compacted file: opening and closing folded it in
        assert _free_pages(emptied) == 0


def test_compacting_on_a_full_disk_changes_nothing(emptied: Path, tmp_path: Path) -> None:
    """No room for the journal the compacted pages go through: one line naming the project, nothing changed
    (a tmpfs, filled: root only, skipped elsewhere)."""
    from support.tinyfs import fill, tiny_tmpfs

    from merstudio.errors import OutputError

    before = _content(emptied)
    with tiny_tmpfs(tmp_path / "tiny", size="4m") as folder:
        path = folder / emptied.name
        shutil.copyfile(emptied, path)
        with Project.open(path) as proj:
            fill(folder)
            with pytest.raises(OutputError) as err:
                proj.compact()
            assert str(err.value).startswith(f"{path}: cannot compact (") and "nothing was changed" in str(err.value)
            assert "\n" not in str(err.value), str(err.value)
            assert proj.integrity_check() == "ok" and len(proj.events()) == 1
            for junk in folder.glob("fill*"):
                junk.unlink()
        assert _content(path) == before
