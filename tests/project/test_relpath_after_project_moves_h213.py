"""The project file moved within its tree (lab/ -> lab/projects/), the videos staying in lab/videos/: found at their
stored path, their relative path is brought up to date ('../videos/x.avi'; it stayed 'videos/x.avi'), by showing a
video (locate_video) and, for the videos not shown, when the app opens the project (refresh_relpaths); so a copy
of the whole tree uses its own videos, and still finds them once the original tree is gone (audit a96 finding 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from merstudio.project import Project


def _lab(root: Path) -> Path:
    """lab/videos/{a,b}.avi (other contents), the project made in lab/ and then moved into lab/projects/."""
    (root / "videos").mkdir(parents=True)
    made = root / "study.merproj"
    with Project.create(made) as p:
        for k, name in enumerate(("a.avi", "b.avi")):
            video = root / "videos" / name
            video.write_bytes(np.random.default_rng(k).integers(0, 256, 5000 + k, np.uint8).tobytes())
            p.add_video(video, 30.0, 72, 64, 48)
    (root / "projects").mkdir()
    return made.rename(root / "projects" / made.name)


def test_a_video_found_at_its_stored_path_gets_its_relative_path_from_here(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    with Project.open(project) as p:
        a, b = p.videos()
        assert a.relpath == "videos/a.avi"
        assert p.locate_video(a.id) == (tmp_path / "lab" / "videos" / "a.avi").resolve()
        assert p.video(a.id).relpath == "../videos/a.avi"  # was: videos/a.avi
        assert p.video(b.id).relpath == "videos/b.avi"  # not looked for yet
        assert p.refresh_relpaths() == [b.id]
        assert p.video(b.id).relpath == "../videos/b.avi"
        assert p.refresh_relpaths() == []  # nothing stale any more: not written again


def test_a_copy_of_the_tree_uses_its_own_videos_and_finds_them_once_the_original_is_gone(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    with Project.open(project) as p:
        p.refresh_relpaths()
    shutil.copytree(tmp_path / "lab", tmp_path / "copy")
    shutil.rmtree(tmp_path / "lab")
    with Project.open(tmp_path / "copy" / "projects" / "study.merproj", read_only=True) as p:
        for v in p.videos():
            assert p.locate_video(v.id) == (tmp_path / "copy" / "videos" / v.name).resolve(), v


def test_a_read_only_project_and_a_copys_own_video_are_left_alone(tmp_path: Path) -> None:
    project = _lab(tmp_path / "lab")
    with Project.open(project, read_only=True) as p:
        assert p.refresh_relpaths() == []
        p.locate_video(p.videos()[0].id)
    with Project.open(project, read_only=True) as p:
        assert [v.relpath for v in p.videos()] == ["videos/a.avi", "videos/b.avi"]
    # the project copied with its videos beside it (the original kept): its relative path reaches its own video
    (tmp_path / "lab" / "projects" / "videos").mkdir()
    shutil.copy(tmp_path / "lab" / "videos" / "a.avi", tmp_path / "lab" / "projects" / "videos" / "a.avi")
    with Project.open(project) as p:
        a, b = p.videos()
        assert p.refresh_relpaths() == [b.id]
        assert p.video(a.id).relpath == "videos/a.avi"
        assert p.locate_video(a.id) == (tmp_path / "lab" / "projects" / "videos" / "a.avi").resolve()
