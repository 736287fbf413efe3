"""`convert --project P --export FILE --overwrite` never writes over what it exports from: the project file (and
its SQLite side files), a registered video, or a file inside a registered frame folder, whatever --overwrite says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli_run import noise_frames as _frames
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Event, Project


def test_export_refuses_the_project_and_its_videos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = _video(tmp_path / "vid.avi", n=30)
    frames = _frames(tmp_path / "frames", 3)
    proj = tmp_path / "proj" / "copy.merproj"
    proj.parent.mkdir()
    assert run(capsys, "project", "new", proj, video, frames)[0] == 0
    with Project.open(proj) as p:
        p.add_events([Event(1, 3, 5, 8, emotion="happiness", coder="ann")])
    before = video.read_bytes()
    (tmp_path / "link.avi").symlink_to(video)
    os.link(video, tmp_path / "hard.avi")
    for target, to, vid in [(video, "eaf", "1"), (tmp_path / "link.avi", "eaf", "1"),
                            (tmp_path / "hard.avi", "eaf", "1"),
                            (proj, "events-csv", "1"), (Path(f"{proj}-wal"), "events-csv", "1"),
                            (frames / "img1.png", "eaf", "1"), (frames / "coded.eaf", "eaf", "2")]:
        code, out, err = run(capsys, "convert", "--project", proj, "--export", target, "--to", to, "--video", vid,
                             "--overwrite")
        assert code == 3 and err.count("\n") == 1, (target, err)
        assert "write the export to another file" in err, err
    assert video.read_bytes() == before
    assert not (frames / "coded.eaf").exists() and not Path(f"{proj}-wal").exists()
    with Project.open(proj, read_only=True) as p:
        assert len(p.events(1)) == 1
    code, out, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "coded.eaf", "--video", "1")
    assert code == 0 and (tmp_path / "coded.eaf").is_file(), err
