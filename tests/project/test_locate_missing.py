"""Project.locate_missing: once the user found one moved video in a folder, the project's other missing videos are
looked for there (by name, then by content: renamed too), and the folder is searched again for the rest of the
session, read-only projects included (they store no new path)."""

from __future__ import annotations

import numpy as np

from merstudio.project import Project


def _clip(path, seed):
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, 5000 + seed, dtype=np.uint8).tobytes())
    return path


def test_the_others_are_found_in_the_folder_of_the_first(tmp_path):
    home, moved = tmp_path / "home", tmp_path / "moved"
    home.mkdir(), moved.mkdir()
    clips = [_clip(home / f"{n}.avi", k) for k, n in enumerate(("a", "b", "c", "d"))]
    with Project.create(tmp_path / "p" / "study.merproj") as proj:
        ids = [proj.add_video(c, fps=30.0, frame_count=10, width=8, height=8).id for c in clips]
    clips[0].rename(moved / "a.avi")
    clips[1].rename(moved / "b renamed.avi")  # moved and renamed: found by its content
    clips[2].rename(tmp_path / "c.avi")  # elsewhere: still missing; d did not move
    with Project.open(tmp_path / "p" / "study.merproj") as proj:
        proj.relocate(ids[0], moved / "a.avi")
        assert proj.locate_missing(moved, exclude=[ids[0]]) == ([ids[1]], [ids[2]])
        assert proj.video(ids[1]).path == str((moved / "b renamed.avi").resolve())
        assert proj.search_dirs == [moved.resolve()]
    with Project.open(tmp_path / "p" / "study.merproj", read_only=True) as ro:
        again = tmp_path / "again"
        again.mkdir()
        (moved / "b renamed.avi").rename(again / "b.avi")
        assert ro.locate_video(ids[1]) is None  # not where it was stored, nor beside the project
        assert ro.locate_missing(again) == ([ids[1]], [ids[2]])
        assert ro.locate_video(ids[1]) == (again / "b.avi").resolve()  # the folder is remembered
        assert ro.video(ids[1]).path == str((moved / "b renamed.avi").resolve())  # nothing stored
