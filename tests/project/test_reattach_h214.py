"""A video re-encoded in place (same frames, another file) is attached to its record again, never added as a second
video of the same path; a video found renamed keeps its old name (h214, audit a96 findings 4 and 10b)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from merstudio.errors import InputError
from merstudio.project import Event, Project
from merstudio.project.videos import ChangedVideo, frames_differ


def _video(tmp_path: Path) -> tuple[Project, Path]:
    f = tmp_path / "videos" / "smile_man.mp4"
    f.parent.mkdir()
    f.write_bytes(b"old encoding" * 1000)
    proj = Project.create(tmp_path / "study.merproj")
    v = proj.add_video(f, 30.0, 72, 640, 360)
    proj.add_event(Event(v.id, 17, 30, 69, coder="alice"))
    return proj, f


def test_a_changed_file_at_a_videos_path_is_not_added_a_second_time(tmp_path: Path) -> None:
    proj, f = _video(tmp_path)
    with proj:
        f.write_bytes(b"new encoding" * 900)  # re-encoded in place
        with pytest.raises(ChangedVideo, match=r"video 1 \(smile_man.mp4\) was added from this path"):
            proj.add_video(f, 30.0, 72, 640, 360)
        assert [v.id for v in proj.videos()] == [1]


def test_a_reencoded_copy_with_the_same_frames_is_attached(tmp_path: Path) -> None:
    proj, f = _video(tmp_path)
    with proj:
        f.write_bytes(b"new encoding" * 900)
        assert proj.locate_video(1) is None
        v = proj.reattach(1, f, 30.0, 72, 640, 360)
        assert v.size == f.stat().st_size and proj.matches(f, v)
        assert proj.locate_video(1) == f.resolve()  # found from then on, events kept
        assert len(proj.events(1)) == 1


def test_a_file_of_other_frames_is_refused_naming_what_differs(tmp_path: Path) -> None:
    proj, f = _video(tmp_path)
    with proj:
        f.write_bytes(b"new encoding" * 900)
        with pytest.raises(InputError, match=r"not the same video as smile_man.mp4 \(frames 72 vs 70; "):
            proj.reattach(1, f, 30.0, 70, 640, 360)
        assert proj.locate_video(1) is None  # nothing stored
        v = proj.video(1)
    assert frames_differ(v, 29.97, 72, 640, 360) == "30 vs 29.97 fps"
    assert frames_differ(v, 30.0, 72, 360, 640) == "640x360 vs 360x640 pixels"
    assert frames_differ(v, 30.00001, 72, 640, 360) == ""


def test_a_file_that_is_another_video_of_the_project_is_not_attached(tmp_path: Path) -> None:
    proj, f = _video(tmp_path)
    with proj:
        other = tmp_path / "videos" / "other.mp4"
        other.write_bytes(b"another video" * 700)
        proj.add_video(other, 30.0, 72, 640, 360)
        with pytest.raises(InputError, match=r"is the project's video 2 \(other.mp4\) already"):
            proj.reattach(1, other, 30.0, 72, 640, 360)


def test_a_video_found_renamed_keeps_its_old_name_and_says_so(tmp_path: Path) -> None:
    proj, f = _video(tmp_path)
    with proj:
        f.rename(f.with_name("P01_smile_man.mp4"))
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            assert proj.locate_video(1) == f.with_name("P01_smile_man.mp4").resolve()
        assert [str(w.message) for w in said] == [
            f"smile_man.mp4: found renamed, as P01_smile_man.mp4 in {f.parent}: the project calls it "
            "P01_smile_man.mp4 now ('smile_man.mp4' still names it)"]
        assert proj.video(1).name == "P01_smile_man.mp4"
        assert proj.old_names(1) == ["smile_man.mp4"]
        proj.remove_video(1)
        assert proj.old_names(1) == []
