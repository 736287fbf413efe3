"""Every fold of the journal (``-wal``) into the .merproj goes through ``Project._fold``, which starts none while a
reader holds a snapshot: SQLite's own checkpoint, stopped by a reader, writes the pages that reader does not need
and skips the others, and the file alone is then no consistent project. Two folds went around it: SQLite's automatic
checkpoint (every ~1000 pages, ~4 MB, of journal, on the writer's commits) and close()'s own TRUNCATE checkpoint.

The scene is an analysis storing rows while another connection reads (an export's snapshot): the run was begun
before the reader's snapshot (its row and its entry in the ``analyses_active`` index), and each batch after it
rewrites the run's row (its column list) but not the index page. A half fold then wrote the index page and not the
row's: a copy of the file alone failed ``PRAGMA integrity_check`` ("wrong # of entries in index analyses_active",
measured on the code before). What a copy of the file alone holds is read by SQLite from the copy, as a colleague's
copy would be, and compared with a copy made at the last whole fold (``save``)."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from project_rows import rows

from merstudio.project import Event, Project

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are seen in /proc/locks")

BLOB = "x" * 200_000  # a setting this long: journal volume in few commits (49 overflow pages of 4 KiB)


def copy_alone(path: Path, name: str) -> Path:
    """The project file copied without its -wal and -shm."""
    dest = path.parent / "copies" / name
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, dest)
    return dest


def read_copy(copy: Path) -> tuple[str, list[str], int]:
    """A copy's integrity_check, its whole content (SQL dump) and its frame rows."""
    con = sqlite3.connect(copy)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        return check, list(con.iterdump()), con.execute("SELECT COUNT(*) FROM frames").fetchone()[0]
    finally:
        con.close()


def wal_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def study(tmp_path):
    """A project saved (folded whole: copied alone it is ``folded``), then a run begun and an event added, in the
    journal only. Yields (project, run id, event, the copy made at the fold)."""
    video = tmp_path / "clip.avi"
    video.write_bytes(b"\0" * 5000)
    path = tmp_path / "study.merproj"
    proj = Project.create(path, busy_timeout=0.1)
    v = proj.add_video(video, fps=30.0, frame_count=100_000, width=320, height=240)
    proj.add_event(Event(v.id, 5, 8, 12, emotion="positive", coder="ann"))
    proj.save(backup=False)
    folded = copy_alone(path, "folded.merproj")
    aid = proj.begin_analysis(v.id, {"flow": "dis"})
    ev = proj.add_event(Event(v.id, 40, 42, 45, emotion="negative", coder="ann"))
    yield proj, aid, ev, folded
    proj.close()


def begin_reading(path: Path) -> sqlite3.Connection:
    """A second connection in an open read transaction: its snapshot is the project as it is now."""
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 1
    return reader


def store_batch(proj: Project, aid: int, ev: Event, start: int) -> int:
    """A frame batch (it rewrites the run's row), an event edit and a long setting, three commits of ~210 KB;
    returns the next frame number."""
    proj.append_frames(aid, rows(10, start=start))
    proj.update_event(dataclasses.replace(ev, note=f"edit {start}"))
    proj.set_setting(f"blob{start}", BLOB)
    return start + 10


def store_batches(proj: Project, aid: int, ev: Event, start: int, until_wal: int) -> int:
    """Batches until the -wal has grown past ``until_wal`` bytes (a reader holds it: nothing folds it in)."""
    i = start
    for _ in range(200):
        if wal_size(proj.path) > until_wal:
            return i
        i = store_batch(proj, aid, ev, i)
    raise AssertionError(f"the journal stayed at {wal_size(proj.path)} bytes: something folded it in")


def test_commits_past_4_mb_leave_the_file_whole_under_a_reader(study):
    proj, aid, ev, folded = study
    _, at_fold, _ = read_copy(folded)
    reader = begin_reading(proj.path)
    try:
        # 6 MiB: past SQLite's automatic checkpoint (1000 pages of 4 KiB) and past a commit's own fold
        n = store_batches(proj, aid, ev, 0, 6 << 20)
        check, content, _ = read_copy(copy_alone(proj.path, "under_reader.merproj"))
        assert check == "ok"  # was: wrong # of entries in index analyses_active
        assert content == at_fold  # the project as of the last whole fold, nothing half of what came after
        assert not proj.fold_journal()  # the reader still holds it
    finally:
        reader.execute("COMMIT")  # the reader ends; its connection stays open (its close would fold by itself)
    try:
        assert proj.fold_journal()  # the next fold brings the file up to date
        check, _, frames = read_copy(copy_alone(proj.path, "after_reader.merproj"))
        assert check == "ok" and frames == n
    finally:
        reader.close()


def test_a_commit_folds_a_grown_journal_once_the_reader_ends(study):
    """No timer folds for a CLI batch or a script: its own commits fold the journal once it is large, and the -wal
    shrinks back (it stayed at the size a reader had let it grow to, for as long as the project was open)."""
    proj, aid, ev, _ = study
    reader = begin_reading(proj.path)
    try:
        n = store_batches(proj, aid, ev, 0, 12 << 20)
        grown = wal_size(proj.path)
    finally:
        reader.execute("COMMIT")
    try:
        stored = n  # every frame stored while the reader held the journal
        for _ in range(10):  # 2 MB more: a commit folds it in (no fold_journal nor save), the next cuts the -wal
            n = store_batch(proj, aid, ev, n)
        check, _, frames = read_copy(copy_alone(proj.path, "batch.merproj"))
        assert check == "ok" and frames >= stored
        assert wal_size(proj.path) < grown / 2, (wal_size(proj.path), grown)
        assert proj.fold_journal()
        assert read_copy(copy_alone(proj.path, "folded_all.merproj"))[2] == n
    finally:
        reader.close()


def test_close_under_a_reader_leaves_the_file_whole_and_the_journal_to_the_next_opener(study):
    proj, aid, ev, folded = study
    _, at_fold, _ = read_copy(folded)
    path = proj.path
    reader = begin_reading(path)
    try:
        proj.append_frames(aid, rows(20))  # a few commits: far from any automatic fold
        proj.update_event(dataclasses.replace(ev, note="edited"))
        proj.close()
        check, content, _ = read_copy(copy_alone(path, "closed.merproj"))
        assert check == "ok"  # was: wrong # of entries in index analyses_active
        assert content == at_fold
        assert wal_size(path) > 0  # the edits wait in the journal, whole
    finally:
        reader.execute("COMMIT")
    try:
        with Project.open(path) as again:  # the next opener reads the journal (SQLite replays it) ...
            assert len(again.load_frames(again.videos()[0].id, 0, 100)) == 20
            assert again.event(ev.id).note == "edited"
            assert again.fold_journal()  # ... and its fold brings the file up to date
            check, _, frames = read_copy(copy_alone(path, "reopened.merproj"))
            assert check == "ok" and frames == 20
    finally:
        reader.close()
