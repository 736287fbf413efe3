"""A recording cut off (a crash, a full disk, a camera switched off) still plays where its container allows it
(MKV, MPEG-TS): it ends on the frames the decoder held, after a hole where the frames at the cut were lost. That
is a cut-off end, said so, not a variable frame rate with re-encoding recommended. The frames that decode, and
their times, are told by PyAV, not by the reader under test."""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from support.damaged_clips import coded_frame, cut_off, decoded_frames, write_h264

from merstudio.io import open_source

N = 150


def pyav_times(path: Path) -> list[float]:
    """The presentation times (s) of the frames FFmpeg decodes, from the first (support.damaged_clips)."""
    times = [t for t, _ in decoded_frames(path)]
    return [t - times[0] for t in times]


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # B-frames: the decoder holds frames back, so the cut leaves a hole before the last frames it gives out
    return write_h264(tmp_path_factory.mktemp("cut") / "whole.mkv", N, coded_frame, options={"preset": "veryfast"})


def opened(path: Path) -> tuple[list[float], bool, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(path) as src:
            n = sum(1 for _ in src.iter_frames())
            return [src.timestamp(i) for i in range(n)], src.is_vfr, src.warnings


@pytest.mark.parametrize("share", [0.55, 0.61, 0.8])
def test_a_cut_off_recording_is_said_to_end_cut_off_not_to_vary_its_rate(whole: Path, tmp_path: Path,
                                                                         share: float) -> None:
    path = cut_off(whole, tmp_path / "cut.mkv", share)
    truth = pyav_times(path)
    gaps = np.diff(truth) * 30
    assert len(truth) < N and gaps.max() > 1.5 and np.all(np.abs(gaps[:-8] - 1) < 0.1), "test file is no test"
    times, vfr, notes = opened(path)
    np.testing.assert_allclose(times, truth, atol=1e-3)  # every frame, each at its own time
    text = " ".join(notes)
    assert not vfr and "variable frame rate" not in text and "Re-encoding" not in text
    assert "the file ends cut off" in text and "frames before the gap are whole" in text


def test_a_gap_in_the_middle_is_still_a_variable_rate(whole: Path, tmp_path: Path) -> None:
    path = tmp_path / "vfr.mkv"
    keep = [i for i in range(N) if not 60 <= i < 70]  # ten frames dropped in the middle, times kept
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height = coded_frame(0).shape[1], coded_frame(0).shape[0]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 30)
        for i in keep:
            frame = av.VideoFrame.from_ndarray(coded_frame(i), format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, 30)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    times, vfr, notes = opened(cut_off(path, tmp_path / "vfr_cut.mkv", 0.8))
    assert vfr and "ends cut off" not in " ".join(notes)
