"""A project folder copied with its video to a new place, the original still where it was: the copy uses the video
beside it (its path relative to the project), as a moved project does, and stores that path; it played and kept the
original's video (the stored absolute path was tried first). Where the file beside it is another video, the stored
path is still the one."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from merstudio.project import Project


def _study(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    folder.mkdir(parents=True)
    video = folder / "clip.avi"
    video.write_bytes(np.random.default_rng(seed).integers(0, 256, (1 << 20) + 4321, np.uint8).tobytes())
    path = folder / "study.merproj"
    with Project.create(path) as p:
        p.add_video(video, 30.0, 72, 64, 48)
    return path, video


def test_a_copied_project_uses_the_video_copied_beside_it(tmp_path: Path) -> None:
    original, original_video = _study(tmp_path / "lab")
    copy_dir = tmp_path / "backup"
    shutil.copytree(original.parent, copy_dir)
    copy = copy_dir / original.name
    with Project.open(copy) as p:
        vid = p.videos()[0].id
        assert p.locate_video(vid) == (copy_dir / "clip.avi").resolve()
        assert p.video(vid).path == str((copy_dir / "clip.avi").resolve())  # stored: the copy's from now on
    with Project.open(copy, read_only=True) as p:
        assert p.locate_video(vid) == (copy_dir / "clip.avi").resolve()
    with Project.open(original, read_only=True) as p:  # the original is untouched, and still uses its own
        assert p.video(vid).path == str(original_video.resolve())
        assert p.locate_video(vid) == original_video.resolve()


def test_a_read_only_copy_uses_its_own_video_without_storing_it(tmp_path: Path) -> None:
    original, original_video = _study(tmp_path / "lab")
    copy_dir = tmp_path / "backup"
    shutil.copytree(original.parent, copy_dir)
    with Project.open(copy_dir / original.name, read_only=True) as p:
        vid = p.videos()[0].id
        assert p.locate_video(vid) == (copy_dir / "clip.avi").resolve()
        assert p.video(vid).path == str(original_video.resolve())


def test_another_video_beside_the_copy_is_not_taken_for_it(tmp_path: Path) -> None:
    original, original_video = _study(tmp_path / "lab")
    copy_dir = tmp_path / "elsewhere"
    copy_dir.mkdir()
    shutil.copy(original, copy_dir / original.name)
    (copy_dir / "clip.avi").write_bytes(b"another video altogether" * 1000)  # same name, other content
    with Project.open(copy_dir / original.name) as p:
        vid = p.videos()[0].id
        assert p.locate_video(vid) == original_video.resolve()
        assert p.video(vid).path == str(original_video.resolve())
