"""`merstudio project show` tells whether each video is there by its size (a frame folder: its number of frame
images), reading no video: h212 made it check every video's content, 2 MiB a file (400 MB on a 200-video project).
A video that fails the cheap check is looked for as the app looks (content, renamed too); `--check` compares the
content of every video, as the app does (h218 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import noise_frames, run, tiny_video

from merstudio.project import Project
from merstudio.project import videos as V


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    video = tiny_video(tmp_path / "interview.avi", n=8)
    clip = noise_frames(tmp_path / "EP02_01f", 3)  # 8 frames
    proj = tmp_path / "study.merproj"
    assert run(capsys, "project", "new", proj, video, clip)[0] == 0
    return proj, video, clip


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The videos whose content is read from now on (a file's hash, a frame folder's)."""
    seen: list[str] = []
    content, folder = V.content_hash, V._folder_hash
    monkeypatch.setattr(V, "content_hash", lambda p: seen.append(Path(p).name) or content(p))
    monkeypatch.setattr(V, "_folder_hash", lambda p: seen.append(Path(p).name) or folder(p))
    return seen


def _paths(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("  path:")]


def test_show_reads_no_video_that_is_there(project: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    proj, video, clip = project
    reads = _reads(monkeypatch)
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert _paths(out) == [f"  path: {video.resolve()}", f"  path: {clip.resolve()}"], out
    assert reads == []
    code, out, err = run(capsys, "project", "show", proj, "--check")
    assert code == 0 and _paths(out) == [f"  path: {video.resolve()}", f"  path: {clip.resolve()}"], out
    assert sorted(reads) == [clip.name, video.name]


def test_a_same_size_replacement_is_missing_to_check_only(project: tuple[Path, Path, Path],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    proj, video, _ = project
    data = bytearray(video.read_bytes())
    data[-100:] = bytes(100)  # edited in place, the same size
    video.write_bytes(bytes(data))
    code, out, _ = run(capsys, "project", "show", proj)
    assert _paths(out)[0] == f"  path: {video.resolve()}", out
    code, out, _ = run(capsys, "project", "show", proj, "--check")
    assert _paths(out)[0].startswith(f"  path: {video.resolve()}  (MISSING: the file there is not the video"), out


def test_a_video_failing_the_cheap_check_is_looked_for_by_content(project: tuple[Path, Path, Path],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    proj, video, clip = project
    renamed = video.with_name("P01 interview.avi")
    video.rename(renamed)
    (clip / "img9.png").write_bytes((clip / "img1.png").read_bytes())  # one frame more: not the clip
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    got = _paths(out)
    assert got[0] == f"  path: {renamed.resolve()}  (RENAMED: found by its content; the project calls it " \
                     "interview.avi)", out
    assert got[1].startswith(f"  path: {clip.resolve()}  (MISSING: the folder there does not hold the frames"), out
    with Project.open(proj, read_only=True) as p:  # the app agrees
        assert p.locate_video(1) == renamed.resolve() and p.locate_video(2) is None
