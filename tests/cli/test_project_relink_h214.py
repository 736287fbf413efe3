"""`merstudio project` and videos that moved, were renamed or re-encoded (h214, audit a96 findings 4, 7 and 10b):
`relink` points a video at its file where it is now (a re-encoded copy with the same frames with --yes, one of
other frames refused naming what differs), `add` of a MISSING video's file relinks it, `add` of a changed file at a
video's own path adds no second video of that path, `show` says how to relink a MISSING video and flags one renamed
in its folder, and the old name of a video found renamed still names it for --video."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.cli_run import run

from merstudio.project import Event, Project


def clip(path: Path, frames: int = 6, seed: int = 0) -> Path:
    """A small MJPG clip; the same seed gives the same pictures."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    for _ in range(frames):
        w.write(rng.integers(0, 255, (48, 64, 3), np.uint8))
    w.release()
    return path


@pytest.fixture
def coded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """study.merproj with videos/a.avi (one event) and videos/b.avi."""
    proj = tmp_path / "study.merproj"
    a, b = clip(tmp_path / "videos" / "a.avi"), clip(tmp_path / "videos" / "b.avi", seed=1)
    assert run(capsys, "project", "new", proj, a, b)[0] == 0
    with Project.open(proj) as p:
        p.add_event(Event(1, 1, 2, 4, coder="alice"))
    return proj, a


def test_relink_a_moved_video_and_its_neighbours(coded: tuple[Path, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    proj, a = coded
    (tmp_path / "videos").rename(tmp_path / "disk2")
    code, out, _ = run(capsys, "project", "show", proj)
    assert "MISSING" in out
    assert f"  relink: merstudio project relink {proj} 1 NEWPATH" in out, out  # it gave no hint
    code, out, err = run(capsys, "project", "relink", proj, "a.avi", tmp_path / "disk2" / "a.avi")
    assert code == 0, err
    assert out == f"video 1: a.avi: relinked to {tmp_path / 'disk2' / 'a.avi'}; found 1 other missing video there too\n"
    with Project.open(proj, read_only=True) as p:
        assert [v.path for v in p.videos()] == [str(tmp_path / "disk2" / n) for n in ("a.avi", "b.avi")]


def test_add_of_a_missing_videos_file_relinks_it(coded: tuple[Path, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    proj, a = coded
    (tmp_path / "videos").rename(tmp_path / "disk2")
    code, out, err = run(capsys, "project", "add", proj, tmp_path / "disk2" / "a.avi")
    assert code == 0, err
    assert f"video 1: a.avi (6 frames at 25 fps): was MISSING from {a}; relinked to {tmp_path / 'disk2' / 'a.avi'}" \
        in out, out  # was: "already in the project", and it stayed MISSING
    code, out, _ = run(capsys, "project", "show", proj)
    assert out.count("MISSING") == 0, out  # b.avi found in that folder too


def test_a_video_reencoded_in_place_is_attached_with_yes(coded: tuple[Path, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    proj, a = coded
    a.write_bytes(a.read_bytes() + bytes(64))  # the same frames, another file (as re-encoded)
    code, out, err = run(capsys, "project", "add", proj, a)
    assert code == 2 and f"`merstudio project relink {proj} 1 {a}` attaches it" in err, err
    code, out, err = run(capsys, "project", "relink", proj, "1", a)
    assert code == 2 and err == (f"merstudio: error: {a} has changed since it was added (re-encoded?): frame count and "
                                 "rate match (6 frames at 25 fps), so its events and analysis keep their frames; "
                                 "attach it with --yes\n"), err
    code, out, err = run(capsys, "project", "relink", proj, "1", a, "--yes")
    assert code == 0, err
    assert out.startswith(f"video 1: a.avi: attached {a} (re-encoded: frame count and rate match"), out
    with Project.open(proj, read_only=True) as p:
        assert len(p.videos()) == 2 and p.locate_video(1) == a and len(p.events(1)) == 1


def test_a_file_of_other_frames_is_refused_naming_what_differs(coded: tuple[Path, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    proj, a = coded
    clip(a, frames=5)
    code, out, err = run(capsys, "project", "relink", proj, "1", a, "--yes")
    assert code == 2 and f"{a}: not the same video as a.avi (frames 6 vs 5; the project's first): not relinked" \
        in err, err


def test_a_video_renamed_in_its_folder_keeps_its_old_name(coded: tuple[Path, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    proj, a = coded
    a.rename(a.with_name("P01_a.avi"))
    code, out, _ = run(capsys, "project", "show", proj)
    assert f"path: {a.with_name('P01_a.avi')}  (RENAMED: found by its content; the project calls it a.avi)" in out
    code, out, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "a.eaf", "--video", "1")
    assert code == 0 and "found renamed, as P01_a.avi" in err, err  # the stored name changed without a word
    code, out, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "b.eaf", "--video", "a.avi")
    assert code == 0, err  # was: no video 'a.avi'
    assert "note: 'a.avi' is the old name of video 1, P01_a.avi now (found renamed or relinked)" in err
