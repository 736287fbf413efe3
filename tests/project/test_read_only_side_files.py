"""`project show` (a read-only open) left a 0-byte `-wal` and `-shm` beside the project: a read-only SQLite
connection to a WAL database creates them and can never remove them. A read-only open where the folder can be
written now leaves nothing behind, and still reads a project another opener is writing, live and consistent."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from merstudio.project import Project


def _side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name and p.name.startswith(path.name))


def test_a_read_only_open_leaves_no_side_files(tmp_path: Path):
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        proj.add_coder("ann")
    assert _side_files(path) == []
    with Project.open(path, read_only=True) as ro:
        assert ro.read_only and ro.coders() == ["ann"]
    assert _side_files(path) == [], "a read-only open left SQLite's side files"


def test_a_read_only_open_reads_a_project_being_written(tmp_path: Path):
    """A writer in another process adds coders while the reader reads: every read sees a whole number of the
    writer's commits (one per coder, in order), the reader sees new commits live, and the writer's files stay."""
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        proj.add_coder("c000")
    ready, go = tmp_path / "ready", tmp_path / "go"
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from merstudio.project import Project
        with Project.open({str(path)!r}) as proj:
            Path({str(ready)!r}).touch()
            for k in range(1, 200):
                proj.add_coder(f"c{{k:03d}}")
            Path({str(go)!r}).touch()
            while Path({str(go)!r}).exists():
                time.sleep(0.01)
        """)])
    try:
        seen = []
        for _ in range(200):
            if ready.exists():
                break
            time.sleep(0.05)
        while not go.exists():
            with Project.open(path, read_only=True) as ro:
                coders = ro.coders()
            assert coders == [f"c{k:03d}" for k in range(len(coders))], coders  # whole commits, in order
            seen.append(len(coders))
        with Project.open(path, read_only=True) as ro:
            assert len(ro.coders()) == 200  # every commit, while the writer still has it open
        assert Path(f"{path}-wal").exists()  # the writer's: a reader's close never removes them under it
        assert seen == sorted(seen)
    finally:
        go.unlink(missing_ok=True)
        assert writer.wait(timeout=60) == 0
    assert _side_files(path) == []  # the writer closed last: SQLite removed them
    with Project.open(path, read_only=True) as ro:
        assert len(ro.coders()) == 200
    assert _side_files(path) == []
