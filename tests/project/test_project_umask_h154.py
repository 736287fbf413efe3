"""A new project follows the umask, as every other file merstudio writes: SQLite creates a database file 0644
whatever the umask, so under umask 002 in a shared group folder a colleague could open the project read-only
only ("read-only location") until it was chmodded by hand. Its side files (-wal, -shm, .lock, .bak) too."""

import os
import stat
from pathlib import Path

import pytest

from merstudio.project import Project


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.parametrize(("umask", "expected"), [(0o002, 0o664), (0o077, 0o600), (0o022, 0o644)])
def test_new_project_and_side_files_follow_umask(tmp_path, umask, expected):
    p = tmp_path / "p.merproj"
    old = os.umask(umask)
    try:
        proj = Project.create(p)
        try:
            proj.set_setting("x", 1)
            bak = proj.save()
            assert bak is not None
            side = [p, Path(f"{p}-wal"), Path(f"{p}-shm"), Path(f"{p}.lock"), bak]
            modes = {q.name: oct(_mode(q)) for q in side if q.exists()}
            assert set(modes) == {q.name for q in side}, modes  # each of them exists while it is open
            assert modes == {q.name: oct(expected) for q in side}
        finally:
            proj.close()
        assert oct(_mode(p)) == oct(expected)
        # a project made again over it (File > New over an old name) follows the umask too
        os.umask(0o002)
        Project.create(p, overwrite=True).close()
        assert oct(_mode(p)) == oct(0o664)
    finally:
        os.umask(old)
