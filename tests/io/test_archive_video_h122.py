"""Video as archives and cameras make it (audit a69): a file of two video streams, raw DV tape captures, archive
containers (.dv, .VOB, .m2t) in a batch folder, a mirroring display matrix, a Matroska start offset. Every file is
made here from the real clip with FFmpeg's command line; what each should give comes from FFmpeg itself (its
command line's decode, turned as players turn it; PyAV's demuxer and decoder)."""

from __future__ import annotations

import subprocess
import warnings
from fractions import Fraction
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np
import pytest

from merstudio.analysis.batch import find_inputs
from merstudio.errors import InputError
from merstudio.io import open_source
from merstudio.io.frames import indexing
from merstudio.io.reencode import reencode
from merstudio.resources import demo_video

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def ff(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """The real clip (640x360 H.264 + sound, 2.4 s) where the checkout has ../shared beside it; elsewhere (CI) the
    bundled demo's first 2.4 s in the same shape (cropped to 640x360, a tone for sound), so these run everywhere."""
    if REAL.is_file():
        return REAL
    out = tmp_path_factory.mktemp("clip") / "smile_like.mp4"
    ff("-i", str(demo_video()), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2.4",
       "-t", "2.4", "-vf", "crop=640:360:0:60", "-r", "30", "-c:v", "libx264", "-pix_fmt", "yuv420p",
       "-c:a", "aac", "-shortest", str(out))
    return out


def opened(path: Path) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        src = open_source(path)
    return src, [str(w.message) for w in caught]


def shown(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame as FFmpeg's command line gives it (display matrix applied, as players do), RGB."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], 3)


def pyav_times(path: Path, stream: int = 0) -> list[float]:
    """Presentation time (s, from the first frame) of every frame PyAV decodes of video stream `stream`."""
    with av.open(str(path)) as c:
        times = [float(f.time) for f in c.decode(video=stream)]
    return [t - times[0] for t in times]


def test_two_video_streams_are_told_and_not_dropped_by_a_copy(real: Path, tmp_path: Path) -> None:
    path = tmp_path / "two_v.mp4"
    ff("-i", str(real), "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2.4", "-map", "1:v",
       "-map", "0:v", "-map", "0:a", "-c:v", "libx264", "-crf", "18", "-c:a", "copy", str(path))
    with av.open(str(path)) as c:
        assert [(s.codec_context.width, bool(s.disposition & av.stream.Disposition.default))
                for s in c.streams.video] == [(320, False), (640, True)], "test file is no test"
    src, caught = opened(path)
    with src:  # type: ignore[attr-defined]
        lines = [w for w in src.warnings if "video streams" in w]  # type: ignore[attr-defined]
        assert lines == [f"{path}: only the first of its 2 video streams is analysed (the file holds 2 video "
                         f"streams: #0 (320x180), #1 (640x360, default); merstudio analyses #0 (320x180)); to analyse "
                         f"another, such as #1 (640x360, default) (the one players and ffmpeg show), extract it "
                         f"first: ffmpeg -i two_v.mp4 -map 0:v:1 -map 0:a? -c copy two_v.v1.mp4"]
        assert lines[0] in caught
        assert src.size == (320, 180)  # type: ignore[attr-defined]
    # the command the line gives extracts the face stream, which opens without the line
    extracted = tmp_path / "two_v.v1.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-i", "two_v.mp4", "-map", "0:v:1", "-map", "0:a?", "-c", "copy",
                    extracted.name], cwd=tmp_path, check=True)
    src, _ = opened(extracted)
    with src:  # type: ignore[attr-defined]
        assert src.size == (640, 360)  # type: ignore[attr-defined]
        assert not [w for w in src.warnings if "video streams" in w]  # type: ignore[attr-defined]
    # a copy would hold the first stream only: refused, naming the streams, and nothing written
    out = tmp_path / "copy.mp4"
    with pytest.raises(InputError, match=r"2 video streams: #0 \(320x180\), #1 \(640x360, default\); a re-encoded"):
        reencode(path, out)
    assert not out.exists()


@pytest.mark.parametrize(("name", "args", "rate"), [
    ("ntsc.dv", ["-vf", "scale=720:480,setsar=32/27", "-r", "30000/1001", "-pix_fmt", "yuv411p"], Fraction(30000, 1001)),
    ("pal.dv", ["-vf", "scale=720:576,setsar=64/45", "-r", "25", "-pix_fmt", "yuv420p"], Fraction(25)),
])
def test_raw_dv_keeps_its_own_constant_rate(real: Path, tmp_path: Path, name: str, args: list[str],
                                            rate: Fraction) -> None:
    # three passes of the clip: a drift from a wrong rate shows past ~250 frames
    path = tmp_path / name
    ff("-stream_loop", "3", "-i", str(real), *args, "-c:v", "dvvideo", "-an", "-f", "dv", str(path))
    times = pyav_times(path)
    with av.open(str(path)) as c:
        assert c.streams.video[0].guessed_rate == rate
        assert float(c.streams.video[0].average_rate) == 60000, "test file is no test (OpenCV reads 60000 fps)"
    with indexing(defer=True):  # the count is confirmed at the ends: no pass over the whole file at open
        src, caught = opened(path)
    with src:  # type: ignore[attr-defined]
        assert src.fps == pytest.approx(float(rate))  # type: ignore[attr-defined]
        assert src.frame_count == len(times) > 200  # type: ignore[attr-defined]
        assert src.claimed_frame_count == len(times)  # type: ignore[attr-defined]
        assert not src.is_vfr  # type: ignore[attr-defined]
        assert [w for w in src.warnings if "pixels are not square" not in w] == []  # type: ignore[attr-defined]
        assert [w for w in caught if "pixels are not square" not in w] == []
        assert np.allclose(src.timestamps, times, atol=1e-3)  # type: ignore[attr-defined]
        seq = {i: img for i, img in src.iter_frames() if i in (3, 130, len(times) - 1)}  # type: ignore[attr-defined]
        for i in (130, 3, len(times) - 1):
            assert np.array_equal(src.frame(i), seq[i]), i  # type: ignore[attr-defined]


def test_archive_containers_are_found_in_a_folder(real: Path, tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    for sub in "abc":
        (arch / sub).mkdir(parents=True)
    ff("-i", str(real), "-vf", "scale=720:480", "-r", "30000/1001", "-c:v", "dvvideo", "-pix_fmt", "yuv411p", "-an",
       "-f", "dv", str(arch / "a" / "tape01.dv"))
    ff("-i", str(real), "-target", "ntsc-dvd", "-aspect", "16:9", "-f", "vob", str(arch / "b" / "VTS_01_1.VOB"))
    ff("-i", str(real), "-c:v", "libx264", "-c:a", "aac", "-f", "mpegts", str(arch / "c" / "clip0001.m2t"))
    found = find_inputs([arch])
    assert sorted(p.name for p in found) == ["VTS_01_1.VOB", "clip0001.m2t", "tape01.dv"]
    for p in found:
        n = len(pyav_times(p))
        src, _ = opened(p)
        with src:  # type: ignore[attr-defined]
            assert src.frame_count == n  # type: ignore[attr-defined]
            # no stored count: a claim one frame off is the duration's rounding, not an edit list
            assert not [w for w in src.warnings if "edit list" in w], p  # type: ignore[attr-defined]


@pytest.mark.parametrize("flags", [["-display_hflip"], ["-display_vflip"],
                                   ["-display_rotation", "90", "-display_hflip"],
                                   ["-display_rotation", "90"]])
def test_display_matrix_mirrors_as_players_show(real: Path, tmp_path: Path, flags: list[str]) -> None:
    path = tmp_path / "turned.mp4"
    ff(*flags, "-i", str(real), "-c", "copy", str(path))
    src, _ = opened(path)
    with src:  # type: ignore[attr-defined]
        want = shown(path, src.size)  # type: ignore[attr-defined]
        seq = [img for _, img in src.iter_frames()]  # type: ignore[attr-defined]
        assert len(seq) == len(want)
        for i, img in enumerate(seq):
            assert np.array_equal(img, want[i]), i
        for i in (50, 7, 71, 30):
            assert np.array_equal(src.frame(i), want[i]), i  # type: ignore[attr-defined]


def test_matroska_start_offset_is_no_frames(real: Path, tmp_path: Path) -> None:
    path = tmp_path / "offset.mkv"
    ff("-i", str(real), "-c", "copy", "-output_ts_offset", "10", str(path))
    n = len(pyav_times(path))
    with indexing(defer=True):  # the claim is near enough for the ends to confirm it: no counting pass at open
        src, _ = opened(path)
    with src:  # type: ignore[attr-defined]
        assert src.frame_count == n  # type: ignore[attr-defined]
        assert abs(src.claimed_frame_count - n) <= 1  # type: ignore[attr-defined,operator]
