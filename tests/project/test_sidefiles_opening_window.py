"""A project being opened counts as open in this process from before its connection is made: another thread's
sidefiles.remove_unused (a read-only snapshot reader closing, a refused file tidied) in the window between SQLite
opening the -shm and the project registering took the files for unused, removed them from under the new connection
and closed a descriptor of the -shm, which drops every POSIX lock this process holds on it, SQLite's included."""

from __future__ import annotations

import threading
from pathlib import Path

from merstudio.project import Event, Project, sidefiles


def test_side_files_are_not_removed_while_a_connection_is_being_made(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        vid = proj.add_video(str(tmp_path / "clip.avi"), fps=30.0, frame_count=90, width=64, height=48)
        proj.add_event(Event(vid.id, onset=10, apex=12, offset=14, emotion="happiness", coder="ann"))
    seen: dict[str, object] = {}
    real = Project._make_writer

    def in_the_window(con):  # SQLite has the file and its -shm open; the project is not made yet
        real(con)
        con.execute("SELECT COUNT(*) FROM events").fetchone()
        other = threading.Thread(target=lambda: seen.update(removed=sidefiles.remove_unused(path)))
        other.start()
        other.join()
        seen["left"] = sorted(q.name for q in sidefiles.side_files(path))

    monkeypatch.setattr(Project, "_make_writer", staticmethod(in_the_window))
    with Project.open(path) as proj:
        monkeypatch.undo()
        assert seen["removed"] is False
        assert seen["left"] == ["study.merproj-shm", "study.merproj-wal"]
        proj.add_event(Event(1, onset=40, apex=42, offset=44, emotion="surprise", coder="ann"))
        assert len(proj.events()) == 2
    with Project.open(path, read_only=True) as again:
        assert len(again.events()) == 2
