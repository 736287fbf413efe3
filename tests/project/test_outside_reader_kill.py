"""A writer that also read its own project file another way (a second, read-only opener: the app's curve loader and
exports; a snapshot; the check for a killed creation), then an outside reader (`merstudio project show`), then more
edits, then kill -9: every edit survives, and the writer's journal was never taken from under it.

Closing any descriptor of a file drops all of the process's POSIX locks on it, SQLite's included: the project's
header was read with a plain open(), so the outside reader took itself for the last user, folded and deleted the
-wal and -shm, and the writer's next edits went into a journal no one could see (audit a41: 3 of 4 events lost, no
message)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.procs import kill_and_reap

from merstudio.project import Event, Project

WRITER = textwrap.dedent("""
    import sys
    from merstudio.project import Event, Project
    from merstudio.project.snapshot import read_snapshot
    from merstudio.project.store import killed_before_created

    path, how = sys.argv[1], sys.argv[2]
    p = Project.open(path)
    vid = p.videos()[0].id
    if how == "reader":
        Project.open(path, read_only=True).close()
    elif how == "second-opener":  # in use by p: opened read-only
        Project.open(path).close()
    elif how == "snapshot":
        read_snapshot(p).close()
    elif how == "killed-before-created":
        assert not killed_before_created(path)
    print("ready", flush=True)
    sys.stdin.readline()  # an outside process has read the project meanwhile
    for k in range(3):
        print(p.add_event(Event(vid, 10 + 10 * k, 11 + 10 * k, 12 + 10 * k, coder="ann")).id, flush=True)
    sys.stdin.readline()  # killed here
""")


def _show(path: Path) -> str:
    r = subprocess.run([sys.executable, "-m", "merstudio", "project", "show", str(path)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("how", ["reader", "second-opener", "snapshot", "killed-before-created"])
def test_edits_after_an_outside_reader_survive_a_kill(tmp_path: Path, how: str) -> None:
    path = tmp_path / "study.merproj"
    video = tmp_path / "clip.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(path) as p:
        vid = p.add_video(video, 30.0, 72, 64, 64).id
        first = p.add_event(Event(vid, 1, 2, 3, coder="ann")).id
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), how], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready"
        assert "events by ann: 1 accepted" in _show(path)
        # the outside reader knew the writer was there: it left the writer's journal where it was
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        acked = [int(proc.stdout.readline()) for _ in range(3)]
        assert "events by ann: 4 accepted" in _show(path)  # and sees what it commits
    finally:
        kill_and_reap(proc)
    with Project.open(path, read_only=True) as p:
        assert p.integrity_check() == "ok"
        assert sorted(e.id for e in p.events(vid)) == sorted([first, *acked])
