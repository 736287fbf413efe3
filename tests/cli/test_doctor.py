"""`merstudio doctor`: report lines, exit codes, a test decode."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.cli.main import main


def _video(path: Path, n: int = 40) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    for i in range(n):
        writer.write(np.full((48, 64, 3), i * 5 % 256, np.uint8))
    writer.release()
    return path


def test_doctor_reports_everything_and_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    video = _video(tmp_path / "clip.avi")
    assert main(["doctor", str(video)]) == 0
    out = capsys.readouterr().out
    for needle in ("python", "torch", "opencv", "FFMPEG", "codec mp4v", "codec MJPG", "codec avc1", "codec XVID",
                   "face model", "468 landmarks", "PySide6", "pyqtgraph", "QT_QPA_PLATFORM_PLUGIN_PATH",
                   "decode clip.avi", "40 frames, 25 fps, 64x48", "seeks exact", "all essential checks passed"):
        assert needle in out, needle
    assert "CPU" in out or "CUDA" in out or "MPS" in out
    for line in out.splitlines()[1:-1]:
        assert line.split()[0] in ("ok", "warn"), line


def test_doctor_fails_on_unreadable_video(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "notavideo.mp4"
    bad.write_text("hello")
    missing = tmp_path / "missing.mov"
    assert main(["doctor", str(bad), str(missing)]) == 1
    out = capsys.readouterr().out
    fails = [line for line in out.splitlines() if line.strip().startswith("FAIL")]
    assert len(fails) == 2
    assert "notavideo.mp4" in fails[0] and "missing.mov: no such file" in fails[1]
    assert "2 essential check(s) failed" in out


def test_doctor_fails_when_the_face_model_finds_nothing(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.face import detector

    monkeypatch.setattr(detector.FaceMeshDetector, "detect", lambda self, rgb: [])
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  face model" in out and "found no face" in out


def test_doctor_decodes_a_video_whose_container_count_is_wrong(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    """An MP4 whose edit list skips stored frames (CAP_PROP_FRAME_COUNT says more than decode) is not a failure:
    doctor reports the frames that decode and the claim, as a warning."""
    from support.miscounted import claimed_and_decoded, copy_cut, ffmpeg_or_skip, transcode

    ffmpeg = ffmpeg_or_skip()
    trimmed = copy_cut(ffmpeg, transcode(ffmpeg, _video(tmp_path / "clip.avi", n=120), tmp_path / "full.mp4"),
                       tmp_path / "trimmed.mp4", 1.05)
    claimed, found = claimed_and_decoded(trimmed)
    assert claimed > found, "the test file is not miscounted"
    assert main(["doctor", str(trimmed)]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "decode trimmed.mp4" in ln)
    assert line.split()[0] == "warn" and f"{found} frames decodable (the file says {claimed})" in line, line
