"""Damaged data inside a video file (bytes zeroed by a bad disk, a broken copy): OpenCV's grab() fails on each
damaged packet and then decodes on. Every frame after the damage is used, numbered as FFmpeg decodes them and at its
own time, and one warning says where the damage is (it used to end the video at the first failure, blaming an edit
list or a cut-off end). The files are written with PyAV (a dependency), so these tests never skip."""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from io_helpers import H, W, coded_frame, read_code
from support.damaged_clips import decoded_frames, write_h264, zero_frames

from merstudio.io import open_source

FPS = 30


def ffmpeg_decode(path: Path) -> tuple[list[int], list[float]]:
    """What FFmpeg decodes, skipping packets that fail as its command line does: (barcodes, times in s)."""
    frames = decoded_frames(path)
    return [read_code(img) for _, img in frames], [t - frames[0][0] for t, _ in frames]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_h264(tmp_path_factory.mktemp("damage") / "clean.mp4", 120, coded_frame, gop=12, fmt="bgr24")


@pytest.mark.parametrize("lost", [range(14, 17), range(70, 73)], ids=["in_head", "past_head"])
def test_frames_after_damaged_data_are_all_used(clean: Path, tmp_path: Path, lost: range) -> None:
    damaged = zero_frames(clean, tmp_path / "damaged.mp4", lost)
    codes, times = ffmpeg_decode(damaged)
    assert 100 < len(codes) < 120 and codes[-1] == 119, "test file is no test"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(damaged)
        with src:
            seq = [(i, read_code(img)) for i, img in src.iter_frames()]
            assert [c for _, c in seq] == codes  # numbered as FFmpeg numbers them
            assert src.frame_count == len(codes)
            np.testing.assert_allclose(src.timestamps, times, atol=1e-3)  # each at its own time
            for i in (len(codes) - 1, 5, lost.start + 3, lost.start - 1, 60, lost.start):
                assert read_code(src.frame(i)) == codes[i]  # random access agrees with the sequential decode
            text = " ".join(src.warnings)
    assert "damaged data inside the file" in text
    first, last = (t / FPS for t in (lost.start, lost.stop - 1))
    assert f"at {first:.2f}-{last:.2f} s" in text
    assert "up to the next keyframe and may show a stale or smeared picture" in text  # the decoder's concealment
    a, b = src.stale_frames[0]
    assert a <= lost.start and b > lost.stop and f"frames {a}-{b - 1} (" in text  # which frames, in the same line
    assert "edit list" not in text


def test_damage_found_at_open_counts_at_open(clean: Path, tmp_path: Path) -> None:
    damaged = zero_frames(clean, tmp_path / "head.mp4", range(14, 17))
    codes, _ = ffmpeg_decode(damaged)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_source(damaged) as src:
            assert src.frame_count == len(codes)
            assert read_code(src.frame(len(codes) - 1)) == 119
    assert any("damaged data inside the file: 3 frame(s) at 0.47-0.53 s" in str(w.message) for w in caught)


def test_an_undamaged_file_is_not_said_to_be_damaged(clean: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all
        with open_source(clean) as src:
            assert src.frame_count == 120 and not src.warnings and not src.is_vfr


def _avi_chunks(path: Path) -> list[tuple[int, int]]:
    """(position, size) of each video chunk of an AVI, in file order."""
    with av.open(str(path)) as container:
        return [(p.pos, p.size) for p in container.demux(container.streams.video[0]) if p.size]


def test_damaged_mjpeg_avi_names_where_later_frames_come_early(tmp_path: Path) -> None:
    path = tmp_path / "whole.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(60):
        writer.write(coded_frame(i))
    writer.release()
    chunks = _avi_chunks(path)
    data = bytearray(path.read_bytes())
    start, end = chunks[30][0] - 8, chunks[32][0] + 4  # frames 30 and 31 and the header of 32
    data[start:end] = bytes(end - start)
    damaged = tmp_path / "damaged.avi"
    damaged.write_bytes(bytes(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(damaged) as src:
            codes = [read_code(img) for _, img in src.iter_frames()]
            text = " ".join(src.warnings)
    assert len(codes) < 60 and codes[:30] == list(range(30)), "test file is no test"
    assert "damaged data inside the file" in text and "before frame 30 (1.00 s)" in text
    assert "timed up to" in text and "edit list" not in text
    assert "an intra-only codec): the frames after it decode whole" in text and "stale" not in text  # MJPEG


def test_an_audio_only_file_is_told_as_such(tmp_path: Path) -> None:
    from merstudio.errors import InputError

    path = tmp_path / "voice.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=48000)
        stream.layout = "mono"
        for k in range(20):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = 48000, k * 1024, Fraction(1, 48000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(InputError) as err:
        open_source(path)
    assert str(err.value) == f"{path}: no video stream (audio only): open a video file"
