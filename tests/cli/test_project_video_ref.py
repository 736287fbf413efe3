"""`--video NAME` in a project: same-named files in per-participant folders (the usual study layout) are refused
as ambiguous, never resolved to the first; a path end or the id picks one; `show` prints each video's path and
flags one that is not there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli_run import noise_frames as _frames
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Project


@pytest.fixture()
def two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    (tmp_path / "P1").mkdir()
    (tmp_path / "P2").mkdir()
    a = _video(tmp_path / "P1" / "interview.avi", n=30)
    b = _video(tmp_path / "P2" / "interview.avi", n=40)
    proj = tmp_path / "s.merproj"
    assert run(capsys, "project", "new", proj, a, b)[0] == 0
    return proj


def test_same_file_name_in_two_folders_is_refused(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "project", "subject", two, "interview.avi", "P02")
    assert code == 2 and err.count("\n") == 1, err
    assert "names 2 videos" in err and "1=" in err and "2=" in err
    assert str(Path("P1") / "interview.avi") in err and str(Path("P2") / "interview.avi") in err
    assert "P1/interview.avi" in err  # how to pick one
    with Project.open(two) as p:
        assert p.get_setting("subject:1") is None and p.get_setting("subject:2") is None
    code, out, err = run(capsys, "project", "merge", two, "--video", "interview.avi", "0", "1")
    assert code == 2 and "names 2 videos" in err


def test_path_end_or_id_picks_one(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "project", "subject", two, "P2/interview.avi", "P02")
    assert code == 0 and out.startswith("video 2:"), (out, err)
    code, out, err = run(capsys, "project", "subject", two, "1", "P01")
    assert code == 0 and out.startswith("video 1:"), (out, err)
    code, out, err = run(capsys, "project", "subject", two, two.parent / "P2" / "interview.avi")
    assert code == 0 and out.strip() == "video 2: interview.avi: subject P02", (out, err)
    # a path end matches whole components only
    code, out, err = run(capsys, "project", "subject", two, "1/interview.avi", "X")
    assert code == 2 and "no video" in err


def test_digits_that_are_also_a_file_name_are_ambiguous(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _video(tmp_path / "clip.avi", n=30)
    b = _frames(tmp_path / "2", 40)  # a frame folder named 2
    proj = tmp_path / "s.merproj"
    assert run(capsys, "project", "new", proj, a, b)[0] == 0
    code, out, err = run(capsys, "project", "subject", proj, "2")
    assert code == 0 and out.startswith("video 2:"), err  # id 2 is the file named 2: one video, no doubt
    code, out, err = run(capsys, "project", "subject", proj, "1")
    assert code == 0 and out.startswith("video 1:"), err
    c = _frames(tmp_path / "1", 50)
    assert run(capsys, "project", "add", proj, c)[0] == 0  # video 3, named '1'
    code, out, err = run(capsys, "project", "subject", proj, "1", "P01")
    assert code == 2 and err.count("\n") == 1 and "is video 1's id and a name of another video" in err, err


def test_convert_import_refuses_ambiguous_name(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.interchange import Media, write_eaf
    from merstudio.project import Event

    eaf = two.parent / "ann.eaf"
    write_eaf([Event(0, 3, 5, 8, emotion="happiness", coder="ann")], eaf,
              Media(str(two.parent / "P2" / "interview.avi"), fps=30.0))
    code, out, err = run(capsys, "convert", "--project", two, "--import", eaf, "--video", "interview.avi")
    assert code == 2 and "names 2 videos" in err, err
    code, out, err = run(capsys, "convert", "--project", two, "--import", eaf, "--video", "P2/interview.avi")
    assert code == 0, err
    with Project.open(two) as p:
        assert len(p.events(2)) == 1 and not p.events(1)


def test_show_prints_paths_and_flags_a_missing_video(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "project", "show", two)
    assert code == 0, err
    assert f"  path: {(two.parent / 'P1' / 'interview.avi').resolve()}\n" in out
    assert f"  path: {(two.parent / 'P2' / 'interview.avi').resolve()}\n" in out
    shutil.move(two.parent / "P2", two.parent / "gone")
    code, out, err = run(capsys, "project", "show", two)
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if "P2" in ln)
    assert "MISSING" in line and "moved or deleted" in line, out
    assert "MISSING" not in next(ln for ln in out.splitlines() if "P1" in ln)


def test_show_on_a_copied_project_folder_names_the_copys_own_video(two: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # A study folder copied whole (project and videos) while the original stays: the app and `analyze` use the
    # copy's own videos (Project.locate_video), so `show` names those, not the original's files.
    copy = tmp_path.parent / (tmp_path.name + "-copy")
    shutil.copytree(tmp_path, copy)
    code, out, err = run(capsys, "project", "show", copy / "s.merproj")
    assert code == 0, err
    for folder in ("P1", "P2"):
        line = next(ln for ln in out.splitlines() if ln.startswith("  path:") and folder in ln)
        assert line.startswith(f"  path: {(copy / folder / 'interview.avi').resolve()}"), out
        assert str(tmp_path / folder) in line  # the stored (original's) path is still said
    shutil.rmtree(tmp_path / "P2")  # the original moved away: the copy's video is what is there
    code, out, err = run(capsys, "project", "show", copy / "s.merproj")
    line = next(ln for ln in out.splitlines() if ln.startswith("  path:") and "P2" in ln)
    assert line.startswith(f"  path: {(copy / 'P2' / 'interview.avi').resolve()}") and "MISSING" not in line, out
