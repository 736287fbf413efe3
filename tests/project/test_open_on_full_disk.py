"""A project on a full disk (a tiny tmpfs, filled; Linux and root, else skipped): SQLite cannot grow its -shm and
says only "disk I/O error", which was reported as "project file is damaged …; try study.merproj.bak" by the CLI
and File > Open project, advice that dropped every edit since the last save. It is said as what it is: no space,
the project not damaged, exit status 3 (an output that cannot be written), no backup offered; once space is freed
it opens with every edit."""

from __future__ import annotations

import shutil

import pytest
from support.cli_run import run
from support.tinyfs import fill, tiny_tmpfs

from merstudio.errors import OutputError
from merstudio.project import Event, Project


@pytest.fixture
def full_project(tmp_path, video_file):
    with tiny_tmpfs(tmp_path / "tiny", "1m") as folder:
        path = folder / "study.merproj"
        with Project.create(path) as proj:
            vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
            proj.add_event(Event(vid, 5, 6, 9, coder="ann"))
            proj.save()  # study.merproj.bak beside it
            proj.add_event(Event(vid, 20, 22, 25, coder="ann"))  # an edit the backup lacks
        assert (folder / "study.merproj.bak").is_file()
        filler = fill(folder)
        yield path, vid
        filler.unlink(missing_ok=True)


def _says_no_space(msg: str, path) -> None:
    assert "no space left" in msg and str(path.parent) in msg and "kB free" in msg, msg
    assert "is damaged" not in msg and "not damaged" in msg, msg
    assert ".bak" not in msg and "\n" not in msg.strip(), msg


def test_open_on_a_full_disk_says_no_space_and_opens_once_freed(full_project):
    path, vid = full_project
    with pytest.raises(OutputError) as err:
        Project.open(path)
    _says_no_space(str(err.value), path)
    with pytest.raises(OutputError) as err:  # a reader too (agreement, exports)
        Project.open(path, read_only=True)
    _says_no_space(str(err.value), path)
    (path.parent / "filler.bin").unlink()
    with Project.open(path, in_use="raise") as proj:
        assert proj.integrity_check() == "ok"
        assert sorted((e.onset, e.offset) for e in proj.events(vid)) == [(5, 9), (20, 25)]


def test_project_show_on_a_full_disk_exits_3(full_project, capsys):
    path, _vid = full_project
    code, out, err = run(capsys, "project", "show", path)
    assert code == 3, (code, err)
    _says_no_space(err, path)
    assert shutil.disk_usage(path.parent).free < 1 << 20  # still full: the message was about this disk
