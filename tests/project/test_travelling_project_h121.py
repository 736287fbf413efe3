"""A project that travels to another machine: its relative paths as a Windows merstudio wrote them
(``videos\\interview.mp4``, the stored path ``C:\\Users\\alice\\...``) or a Mac (a name in decomposed Unicode), and a
copy saved elsewhere (Save As) from a project that had moved. The videos are found beside the project, by plain
file names, with no dialog; the copy finds the videos the original found."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from pathlib import Path

from merstudio.project import Project
from merstudio.resources import demo_video


def _study(root: Path, names: list[str]) -> Path:
    """``root/study/study.merproj`` with the demo clip copied under each name (each with a byte of its own at the
    end, so that each is another content) into ``root/study/videos``."""
    videos = root / "study" / "videos"
    videos.mkdir(parents=True)
    clip = demo_video().read_bytes()
    with Project.create(root / "study" / "study.merproj") as proj:
        for k, name in enumerate(names):
            (videos / name).write_bytes(clip + bytes([k]))
            proj.add_video(videos / name, fps=30.0, frame_count=600, width=640, height=480)
    return root / "study" / "study.merproj"


def _as_written_elsewhere(project: Path, rows: list[tuple[str, str]]) -> None:
    """The videos' (path, relpath) as the project file holds them where it was made (another machine)."""
    con = sqlite3.connect(project)
    with con:
        for vid, (path, rel) in enumerate(rows, start=1):
            con.execute("UPDATE videos SET path = ?, relpath = ? WHERE id = ?", (path, rel, vid))
    con.close()


def test_a_project_made_on_windows_finds_its_videos_beside_it(tmp_path):
    names = ["interview.mp4", "entrevista_Ñandú_é.mp4"]
    project = _study(tmp_path, names)
    _as_written_elsewhere(project, [(f"C:\\Users\\alice\\study\\videos\\{n}", f"videos\\{n}") for n in names])
    with Project.open(project, read_only=True) as ro:
        assert [v.name for v in ro.videos()] == names  # plain names, not C:\Users\alice\study\videos\...
        for v, n in zip(ro.videos(), names, strict=True):
            assert ro.locate_video(v.id) == (tmp_path / "study" / "videos" / n).resolve()
    with Project.open(project) as proj:  # writable: the place found is stored, POSIX-style
        for v in proj.videos():
            proj.locate_video(v.id)
        assert [(v.path, v.relpath) for v in proj.videos()] == [
            (str((tmp_path / "study" / "videos" / n).resolve()), f"videos/{n}") for n in names]


def test_a_project_made_on_a_mac_finds_a_decomposed_name(tmp_path):
    name = "Gespräch.mp4"  # one ä (NFC) on this disk, as Linux and Windows write it
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    project = _study(tmp_path, [name])
    _as_written_elsewhere(project, [(f"/Users/alice/study/videos/{nfd}", f"videos/{nfd}")])
    with Project.open(project, read_only=True) as ro:
        assert ro.locate_video(1) == (tmp_path / "study" / "videos" / name).resolve()


def test_a_copy_saved_from_a_moved_read_only_project_finds_its_videos(tmp_path):
    made = _study(tmp_path / "alice", ["interview.mp4", "b.mp4"])
    shutil.copytree(made.parent, tmp_path / "bob" / "study")  # the folder moved to another machine...
    shutil.rmtree(tmp_path / "alice")  # ... where the first one's folders are not
    moved = tmp_path / "bob" / "study" / "study.merproj"
    (tmp_path / "bob" / "study" / "videos" / "b.mp4").rename(tmp_path / "b.mp4")  # one not with the others
    copy = tmp_path / "elsewhere" / "deeper" / "copy.merproj"
    copy.parent.mkdir(parents=True)
    with Project.open(moved, read_only=True) as ro:
        places = ro.places()
        ro.save_as(copy)
    with Project.open(copy) as c:
        assert c.take_places(places) == 1
    with Project.open(copy, read_only=True) as c:
        interview, b = c.videos()
        here = (tmp_path / "bob" / "study" / "videos" / "interview.mp4").resolve()
        assert (interview.path, c.locate_video(interview.id)) == (str(here), here)
        assert interview.relpath == "../../bob/study/videos/interview.mp4"  # from the copy's own folder
        assert c.locate_video(b.id) is None  # missing in the original too: still missing
        # its relative path still names where the moved project expects it, seen from the copy
        assert b.relpath == "../../bob/study/videos/b.mp4"
