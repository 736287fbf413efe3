"""Videos whose folder cannot be written get their project in the app's data folder: one per video folder.

Until 2026-12-06 it was `projects/<video name>.merproj`: `P01/interview.mp4` and `P02/interview.mp4` (two
participants' read-only shares) shared one project, the second added to the first's, and the bundled demo's
`interview.mp4` was in it too. Read-only here is tests.support.readonly's: chmod 555 for a user, chattr +i for root
(whom the mode does not stop; the session's own access() check then says no, nothing of it is patched)."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from support.readonly import read_only_location

from merstudio.gui import commands as C
from merstudio.gui import session as S
from merstudio.project import Project

CLIP = Path("/work/shared/data/real-faces/smile_man.mp4")  # a real face, 72 frames

pytestmark = pytest.mark.skipif(not CLIP.is_file(), reason="the real clip is not here")


@pytest.fixture
def shares(tmp_path, monkeypatch):
    """P01/interview.mp4 and P02/interview.mp4 in read-only folders; the app's data folder in tmp_path."""
    data = tmp_path / "data"
    monkeypatch.setattr(S, "app_data_dir", lambda: data)  # never the user's (or the other tests') data folder
    with ExitStack() as stack:
        for p in ("P01", "P02"):
            (tmp_path / p).mkdir()
            shutil.copy(CLIP, tmp_path / p / "interview.mp4")
            stack.enter_context(read_only_location(tmp_path / p))
        yield tmp_path


def _open(window, video: Path) -> tuple[Path, list[str]]:
    window.session.close_project()  # as a fresh start of the app: no project open, the video's own is opened
    assert window.ctx.execute(C.OpenVideo, path=str(video)), window.errors
    assert window.project is not None
    return Path(window.project.path), [v.path for v in window.project.videos()]


def test_two_read_only_videos_of_one_name_get_a_project_each(window, shares):
    a = shares / "P01" / "interview.mp4"
    b = shares / "P02" / "interview.mp4"
    pa, va = _open(window, a)
    pb, vb = _open(window, b)
    assert pa != pb
    assert pa.parent == pb.parent == shares / "data" / "projects"
    assert va == [str(a.resolve())] and vb == [str(b.resolve())]
    # and the same video again opens its own project (not a third)
    assert _open(window, a) == (pa, [str(a.resolve())])


def test_a_users_interview_mp4_stays_out_of_the_demos_project(window, shares):
    from merstudio.resources import resources_dir

    demo = resources_dir() / "demo" / "interview.mp4"
    old = shares / "data" / "projects" / "interview.merproj"  # where the demo's project was made
    old.parent.mkdir(parents=True)
    with Project.create(old) as proj:
        proj.add_video(demo, 30.0, 10, 64, 48)
    mine = shares / "P01" / "interview.mp4"
    path, videos = _open(window, mine)
    assert path != old
    assert videos == [str(mine.resolve())]
    with Project.open(old, read_only=True) as proj:
        assert [v.path for v in proj.videos()] == [str(demo.resolve())]


def test_a_project_made_under_the_old_name_for_this_video_is_still_opened(window, shares):
    mine = shares / "P01" / "interview.mp4"
    old = shares / "data" / "projects" / "interview.merproj"
    old.parent.mkdir(parents=True)
    with Project.create(old) as proj:
        video = proj.add_video(mine, 30.0, 72, 640, 360)
    path, videos = _open(window, mine)
    assert path == old
    assert videos == [str(mine.resolve())]
    assert window.video is not None and window.video.id == video.id
    # ... but not for another folder's video of the same name
    other = shares / "P02" / "interview.mp4"
    path2, videos2 = _open(window, other)
    assert path2 != old and videos2 == [str(other.resolve())]


def test_an_older_merstudios_project_under_the_old_name_is_still_found(window, shares):
    """A project an older merstudio made (schema 2: a reader may not open it before the writer upgrades it) is
    found by its stored video path all the same, and opened (and upgraded, its original kept) as before."""
    from support.old_projects import old_schema

    mine = shares / "P01" / "interview.mp4"
    old = shares / "data" / "projects" / "interview.merproj"
    old.parent.mkdir(parents=True)
    from merstudio.project.videos import content_hash

    digest, size = content_hash(mine)  # as the older merstudio recorded it
    con = old_schema(old, 2)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES (?, NULL, ?, ?, 30.0, 72, 640, 360, 0)", (str(mine.resolve()), digest, size))
    con.close()
    path, videos = _open(window, mine)
    assert path == old
    assert videos == [str(mine.resolve())]
