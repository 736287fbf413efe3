"""`merstudio doctor VIDEO` decodes the whole file before it checks seeks: it compared frames 0, 45 and 89 of the first
90 only, so a file damaged past them read "ok … seeks exact" with the count the file claims, a damaged AVI failed
on the frame its claim ends at, and a damaged constant-rate file was called variable-rate with no word of damage."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from support.damaged_clips import coded_frame, cut_off, decoded_frames, write_h264, zero_frames

from merstudio.cli import doctor
from merstudio.io import FrameSource

FPS = 30
W, H = 96, 64


def _picture(i: int) -> np.ndarray:
    """BGR noise (so the codec has work to do and every frame differs) with the index in the top rows."""
    img = cv2.GaussianBlur(np.random.default_rng(i).integers(0, 255, (H, W, 3), dtype=np.uint8), (9, 9), 3)
    for b in range(8):
        img[:12, b * 12:(b + 1) * 12] = 255 if (i >> b) & 1 else 0
    return img


def _decode_line(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str]:
    code = doctor.run(type("Args", (), {"videos": [path]})())
    return code, next(ln for ln in capsys.readouterr().out.splitlines() if f"decode {path.name}" in ln)


@pytest.fixture(autouse=True)
def _only_the_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other checks (codecs, face model) are test_doctor.py's; here they pass at once."""
    for name in ("_check_torch", "_check_cv2", "_check_face", "_check_au_model", "_check_qt"):
        monkeypatch.setattr(doctor, name, lambda: ("ok", "skipped"))
    monkeypatch.setattr(doctor, "CODECS", ())


def test_a_damaged_avi_is_decoded_to_its_real_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Frames lost inside an MJPEG AVI: the file still says 60 frames; doctor seeks to the last that decodes."""
    whole = tmp_path / "whole.avi"
    writer = cv2.VideoWriter(str(whole), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(60):
        writer.write(_picture(i))
    writer.release()
    with av.open(str(whole)) as container:
        chunks = [(p.pos, p.size) for p in container.demux(container.streams.video[0]) if p.size]
    data = bytearray(whole.read_bytes())
    start, end = chunks[30][0] - 8, chunks[32][0] + 4  # frames 30 and 31 and the header of 32
    data[start:end] = bytes(end - start)
    damaged = tmp_path / "damaged.avi"
    damaged.write_bytes(bytes(data))
    code, line = _decode_line(capsys, damaged)
    assert code == 0, line
    assert line.split()[0] == "warn" and "frames decodable (the file says 60)" in line, line
    assert "cannot be decoded" not in line and "seeks exact" in line, line


def test_damage_past_the_first_frames_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Frames 70-72 of 120 zeroed (past the 32 frames read at open): the real count, and no variable rate."""
    clean = write_h264(tmp_path / "clean.mp4", 120, _picture, gop=12, fmt="bgr24")
    damaged = zero_frames(clean, tmp_path / "damaged.mp4", (70, 71, 72))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from merstudio.io import open_source

        with open_source(damaged) as src:  # no pass here: a pass would leave its index for doctor's open
            assert src.frame_count == 120, "the test file is no test: the check at open saw the damage"
    found = len(decoded_frames(damaged))  # what FFmpeg decodes, skipping the packets that fail
    assert found < 120, "the test file is no test: nothing was lost"
    code, line = _decode_line(capsys, damaged)
    assert code == 0, line
    assert line.split()[0] == "warn" and f"{found} frames decodable (the file says 120)" in line, line
    assert "damaged data: 3 frame(s) at 2.33-2.40 s are lost" in line, line
    # the frames after it up to the next keyframe (B-frames decoded after the lost ones too) are predicted from them
    assert re.search(r"; frames 6\d-7\d \(2\.\d\d-2\.\d\d s\) up to the next keyframe may show a stale picture", line)
    assert "VARIABLE" not in line and "seeks exact" in line, line


class _Fake(FrameSource):
    """A 300-frame source at 30 fps with frames 100-102 lost (a hole in the times after frame 99, which its damage
    report names) and, optionally, random access that lands on the wrong frame past frame 150, or times that wander
    (a variable rate as well, which its damage report says)."""

    def __init__(self, path: Path, wrong_seeks: bool = False, variable: bool = False) -> None:
        self.path, self.fps, self.size = path, float(FPS), (W, H)
        t = np.arange(303, dtype=np.float64) / FPS
        self._t = np.delete(t, [100, 101, 102])
        if variable:
            self._t[200:] += np.arange(100) % 2 * 0.012
        self._wrong, self._variable = wrong_seeks, variable
        self._reached = -1  # the last frame a pass decoded

    @property
    def frame_count(self) -> int:
        return len(self._t)

    @property
    def claimed_frame_count(self) -> int | None:
        return 303

    @property
    def timestamps(self) -> np.ndarray:
        return self._t

    @property
    def is_vfr(self) -> bool:
        return True  # as the reader marks a damaged file: indexed like a variable-rate one

    @property
    def damage(self) -> dict[int, int]:
        return {100: 3}

    def damage_report(self) -> tuple[str, bool]:  # as merstudio.io's reader words it (tested in tests/io)
        if self._reached < 100:  # as known so far: a pass that stopped before the spot has not met it
            return "", False
        return "3 frame(s) at 3.33-3.40 s are lost (the frames after keep their own times)", self._variable

    def frame(self, i: int) -> np.ndarray:
        return _picture(i + 3 if self._wrong and i > 150 else i)

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        start, stop = self._range(start, stop)
        for i in range(start, stop):
            self._reached = i
            yield i, _picture(i)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import merstudio.io

    made: dict[str, object] = {}

    def use(**kw: bool) -> Path:
        path = tmp_path / "fake.mp4"
        path.write_bytes(b"x")
        made.update(kw)
        return path

    monkeypatch.setattr(merstudio.io, "open_source", lambda p, fps=None: _Fake(Path(p), **made))  # type: ignore[arg-type]
    return use


def test_damage_is_named_and_not_called_a_variable_rate(fake, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = _decode_line(capsys, fake())
    assert code == 0
    assert "300 frames decodable (the file says 303)" in line, line
    assert "damaged data: 3 frame(s) at 3.33-3.40 s are lost" in line and "VARIABLE" not in line, line
    assert line.split()[0] == "warn" and "seeks exact" in line, line


def test_a_variable_rate_beyond_the_damage_is_still_told(fake, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = _decode_line(capsys, fake(variable=True))
    assert code == 0
    assert "VARIABLE frame rate" in line and "damaged data: 3 frame(s) at 3.33-3.40 s are lost" in line, line


def test_seeks_are_checked_across_the_whole_file(fake, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = _decode_line(capsys, fake(wrong_seeks=True))
    assert code == 1
    assert line.split()[0] == "FAIL" and "random access differs from sequential decode at frames" in line, line
    bad = [int(x) for x in line.split("at frames [")[1].rstrip("]").split(",")]
    assert bad and min(bad) > 150 and 299 in bad, line


def test_a_long_video_is_checked_in_part_and_says_so(fake, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(doctor, "FULL_PASS_S", 3.0)
    code, line = _decode_line(capsys, fake())
    assert code == 0
    assert "a partial check: the first 90 of 300 frames (3 s), damage and seeks past them unchecked" in line, line
    assert "seeks exact" in line and "damaged data" not in line, line  # the damage lies past the part checked


def test_a_recording_cut_off_is_told_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An MKV ending on a frame whose B-frames were lost at the cut: one gap just before its last frame. It was
    "VARIABLE frame rate" (and the analysis recommended re-encoding)."""
    whole = write_h264(tmp_path / "whole.mkv", 150, coded_frame, options={"preset": "veryfast"})
    code, line = _decode_line(capsys, cut_off(whole, tmp_path / "cut.mkv", 0.6))
    assert code == 0 and line.split()[0] == "warn", line
    assert "VARIABLE" not in line and "the file ends cut off" in line and "seeks exact" in line, line
