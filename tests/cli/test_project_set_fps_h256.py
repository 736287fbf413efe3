"""`merstudio project set-fps PROJECT VIDEO FPS` (h256): the rate of a frame folder added without --fps (the 30
assumed) could not be set from the command line either. It says what changed in one line; `show` says a stored
analysis was measured at the old rate; a video file is refused with the way to retime one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.cli_run import run, tiny_video

from merstudio.project import Event, Project


@pytest.fixture
def study(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """study.merproj: a 12-frame folder 'burst' added without a rate (30 assumed), analysed, with one event."""
    folder = tmp_path / "burst"
    folder.mkdir()
    for k in range(12):
        cv2.imwrite(str(folder / f"img{k + 1:04d}.png"), np.full((8, 8, 3), 10 * k, np.uint8))
    path = tmp_path / "study.merproj"
    assert run(capsys, "project", "new", path, folder)[0] == 0
    with Project.open(path) as proj:
        aid = proj.begin_analysis(1, {"revision": 0}, device="cpu")
        proj.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 1.0, "success": 1}
                                 for i in range(12)])
        proj.finish_analysis(aid)
        proj.add_event(Event(1, 2, 3, 5, coder="ann"))
    return path


def test_set_fps_says_what_changed(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "project", "set-fps", study, "burst", "60")
    assert code == 0, err
    assert out.startswith("video 1: burst: frame rate 30 -> 60 fps (12 frames, 0.20 s); its 1 event(s) keep their "
                          "frames, their times are counted at 60 fps; its stored analysis was measured at 30 fps")
    assert f"in the app: merstudio gui {study}, Ctrl+R" in out
    with Project.open(study, read_only=True) as proj:
        assert proj.video(1).fps == 60 and [(e.onset, e.offset) for e in proj.events(1)] == [(2, 5)]
    code, out, _ = run(capsys, "project", "show", study)
    assert "burst  12 frames at 60 fps (0.2 s)" in out
    assert "note: its stored analysis was measured at 30 fps: its times are counted at 60 now" in out


def test_a_video_file_is_refused_with_the_way_to_retime_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = tiny_video(tmp_path / "clip.mp4", n=10)
    path = tmp_path / "study.merproj"
    assert run(capsys, "project", "new", path, clip)[0] == 0
    code, out, err = run(capsys, "project", "set-fps", path, "clip.mp4", "60")
    assert code != 0 and out == ""
    assert "clip.mp4: a video file's frames are timed by the file (30 fps); only a frame folder's rate can be set" \
        in err and "ffmpeg -itsscale 0.5" in err and len(err.strip().splitlines()) == 1
    with Project.open(path, read_only=True) as proj:
        assert proj.video(1).fps == 30


@pytest.mark.parametrize("bad", ["0", "nan", "fast"])
def test_a_bad_rate_is_refused_before_the_project_is_touched(study: Path, capsys, bad: str) -> None:
    before = study.read_bytes()
    try:
        code, _, err = run(capsys, "project", "set-fps", study, "burst", bad)
    except SystemExit as exc:  # argparse's own refusal of a word
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert code != 0 and ("fps" in err or "FPS" in err) and len(err.strip().splitlines()) <= 2
    assert study.read_bytes() == before
