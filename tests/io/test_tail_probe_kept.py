"""Opening a constant-rate video decodes its last frames to confirm its frame count (the tail probe: the last
keyframe interval, 0.4-1 s for a 1080p file). What it found is kept per version of the file (path, size, mtime), as
the frame index is: a second open of the same file in the process (a switch back to it in the app) does not decode
it again, and gives the same source: frame count, times, warnings."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import av
import numpy as np
import pytest
from support.miscounted import copy_cut, ffmpeg_exe, transcode

from merstudio.io import frames, open_source

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"


def decoded_times(path: Path) -> np.ndarray:
    """Every frame's presentation time in seconds, as FFmpeg (PyAV) decodes the file."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        return np.array([float(f.pts * stream.time_base) for f in c.decode(stream)])


@pytest.fixture
def tail_probes(monkeypatch):
    """How many times the tail probe ran."""
    calls = []
    real = frames.VideoSource._probe_tail

    def counting(self, cap, reported, decoded):
        calls.append(self.path)
        return real(self, cap, reported, decoded)

    monkeypatch.setattr(frames.VideoSource, "_probe_tail", counting)
    return calls


def _open(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_source(path)


@pytest.mark.parametrize("clip", [REAL, DEMO], ids=["smile_man", "demo"])
def test_a_second_open_does_not_probe_the_tail_again(tmp_path, tail_probes, clip):
    if not clip.is_file():
        pytest.skip(f"{clip} not here")
    path = Path(shutil.copy(clip, tmp_path / clip.name))  # a version of the file no other test opened
    times = decoded_times(path)
    first = _open(path)
    assert len(tail_probes) == 1  # more frames than the head sample: the last ones confirm the count
    second = _open(path)
    assert len(tail_probes) == 1  # kept: nothing decoded at the end again
    for src in (first, second):
        assert src.frame_count == len(times)
        assert np.allclose(src.timestamps, times, atol=1e-3)
    assert second.warnings == first.warnings
    assert np.array_equal(second.frame(len(times) - 1), first.frame(len(times) - 1))
    first.close()
    second.close()
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # another version of the file: probed anew
    _open(path).close()
    assert len(tail_probes) == 2


def test_a_kept_unconfirmed_count_is_counted_again(tmp_path, tail_probes):
    """An edit list (a stream-copy cut): the end is not where the claim puts it, so the frames are counted by a
    pass; the kept result sends the next open (its index gone) to that pass again, with the same warning."""
    ffmpeg = ffmpeg_exe()
    if ffmpeg is None or not REAL.is_file():
        pytest.skip("no ffmpeg binary or no real clip")
    full = transcode(ffmpeg, REAL, tmp_path / "full.mp4")
    trimmed = copy_cut(ffmpeg, full, tmp_path / "trimmed.mp4", 1.05)
    times = decoded_times(trimmed)
    first = _open(trimmed)
    assert len(tail_probes) == 1 and first.frame_count == len(times) < first.claimed_frame_count
    frames._INDEXES.pop(frames._file_key(trimmed), None)  # the pass's index gone: only the tail result is kept
    second = _open(trimmed)
    assert len(tail_probes) == 1
    assert second.frame_count == len(times) and second.claimed_frame_count == first.claimed_frame_count
    assert np.allclose(second.timestamps, times, atol=1e-3)
    assert second.warnings == first.warnings and any("can be decoded" in w for w in second.warnings)
    first.close()
    second.close()
