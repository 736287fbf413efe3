"""`merstudio doctor VIDEO` says on stderr what it is decoding while it decodes: it printed nothing for the whole
test decode (37 s for a 5-minute 1080p video, 20 s for a 20-minute variable-rate one, most of that its index pass).
On a terminal a bar names the video (cleared when the pass ends: the report line follows); elsewhere a plain line
as each pass starts and one as it ends (merstudio.cli.bars), not a bar redrawn with carriage returns; -q says
nothing."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.vfr_clips import write_vfr_clip

from merstudio.cli import doctor
from merstudio.cli.main import main
from merstudio.io import frames

W, H, N = 96, 64, 60


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _only_the_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other checks (codecs, face model) are test_doctor.py's; here they pass at once."""
    for name in ("_check_torch", "_check_cv2", "_check_face", "_check_au_model", "_check_qt"):
        monkeypatch.setattr(doctor, name, lambda: ("ok", "skipped"))
    monkeypatch.setattr(doctor, "CODECS", ())
    frames._INDEXES.clear()  # an index kept by another test would spare this one its pass
    yield
    frames._INDEXES.clear()


@pytest.fixture
def avi(tmp_path: Path) -> Path:
    """A constant-rate clip of N frames: no index pass, only the decode."""
    path = tmp_path / "steady.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (W, H))
    for i in range(N):
        writer.write(np.full((H, W, 3), 4 * i, np.uint8))
    writer.release()
    return path


def test_a_log_gets_a_line_naming_the_video_and_its_frames_and_one_at_the_end(
        avi: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", str(avi)]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 2 and lines[0] == f"merstudio doctor: decoding {avi.name}: {N} frames", captured.err
    assert lines[1].startswith(f"merstudio doctor: decoding {avi.name}: 100%") and f"{N}/{N}" in lines[1]
    assert "\r" not in captured.err
    assert f"{N} frames" in next(ln for ln in captured.out.splitlines() if f"decode {avi.name}" in ln)


def test_a_variable_rate_video_says_its_index_pass_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")  # 90 frames, 30 then 24 fps: opened only after a whole pass
    assert main(["doctor", str(clip)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "merstudio doctor: indexing phone.mp4 (one pass over the whole file)", err
    assert err[1].startswith("merstudio doctor: indexing phone.mp4: 100%") and "90/90" in err[1], err
    assert err[2:3] == ["merstudio doctor: decoding phone.mp4: 90 frames"] and "90/90" in err[3] and len(err) == 4


def test_a_terminal_gets_bars_named_after_the_video(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["doctor", str(clip)]) == 0
    shown = term.getvalue()
    assert "merstudio doctor:" not in shown  # a bar, not the log's line
    index_at, decode_at = shown.find("indexing phone.mp4"), shown.find("decoding phone.mp4")
    assert 0 <= index_at < decode_at, shown
    assert "90/90" in shown[index_at:decode_at] and "90/90" in shown[decode_at:], shown  # each pass to its end
    assert "decode phone.mp4" in capsys.readouterr().out


def test_quiet_says_nothing_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["doctor", "-q", str(clip)]) == 0
    assert term.getvalue() == ""
    assert "decode phone.mp4" in capsys.readouterr().out
