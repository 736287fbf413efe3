"""merstudio.io.audio: a video's audio track through PyAV. Expected values come from the generated signal."""

from __future__ import annotations

import logging
import tracemalloc

import numpy as np
import pytest
from support.av_clips import SR, tone_signal, write_av_clip

from merstudio.io.audio import Envelope, open_audio

ON = (1.0, 2.0)  # the tone's interval (seconds)
AMP = 0.5


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("av")
    sig = tone_signal(3.0, on=ON, amp=AMP)
    return {
        "pcm": write_av_clip(d / "tone.avi", sig),
        "aac": write_av_clip(d / "tone.mp4", sig, audio_codec="aac"),
        "silent": write_av_clip(d / "no_audio.avi", None),
        "signal": sig,
    }


def _loud_bins(env: Envelope, level: float) -> np.ndarray:
    return np.nonzero((env.hi > level) | (env.lo < -level))[0]


@pytest.mark.parametrize("kind, tol", [("pcm", 1e-3), ("aac", 0.03)])
def test_envelope_matches_the_tone(clips, kind, tol):
    track = open_audio(clips[kind])
    assert track is not None and track.sample_rate == SR and track.channels == 1
    assert track.duration == pytest.approx(3.0, abs=0.05)
    env = track.envelope(bins_per_second=200)
    assert env.rate == 200 and len(env) == pytest.approx(600, abs=3)
    loud = _loud_bins(env, AMP / 2)
    # the tone occupies bins 200..399 (1.0 s to 2.0 s at 5 ms a bin)
    assert abs(loud[0] - 200) <= 1 and abs(loud[-1] - 399) <= 1
    assert env.times[loud[0]] == pytest.approx(ON[0], abs=0.006)
    inside = slice(205, 395)
    np.testing.assert_allclose(env.hi[inside], AMP, atol=tol)  # each 5-ms bin holds 2.2 periods: the peaks
    np.testing.assert_allclose(env.lo[inside], -AMP, atol=tol)
    assert np.abs(env.hi[:195]).max() < tol and np.abs(env.lo[405:]).max() < tol  # silence around it


def test_envelope_reads_every_channel(tmp_path):
    left = tone_signal(2.0, on=(0.5, 1.5), amp=0.2)
    right = tone_signal(2.0, on=(0.5, 1.5), amp=0.7, freq=300.0)
    track = open_audio(write_av_clip(tmp_path / "stereo.avi", np.column_stack([left, right]), n_frames=60))
    assert track is not None and track.channels == 2
    env = track.envelope(bins_per_second=100)
    assert env.hi[60:140].min() == pytest.approx(0.7, abs=0.01)  # the louder channel, not their mean


@pytest.mark.parametrize("kind, tol", [("pcm", 1e-3), ("aac", 0.03)])
def test_chunks_from_a_time_are_the_signal_there(clips, kind, tol):
    track = open_audio(clips[kind])
    sig = clips["signal"]
    for start in (0.0, 1.25, 1.5):
        got = track.read(start, 0.02)
        i = int(round(start * SR))
        assert got.shape == (960, 1) and got.dtype == np.float32
        np.testing.assert_allclose(got[:, 0], sig[i:i + 960], atol=tol)
    stereo = track.read(1.5, 0.01, channels=2)
    assert stereo.shape == (480, 2)
    np.testing.assert_allclose(stereo[:, 0], stereo[:, 1])


def test_chunks_to_the_end_and_past_it(clips):
    track = open_audio(clips["pcm"])
    tail = track.read(2.9, 1.0)
    assert tail.shape[0] == pytest.approx(0.1 * SR, abs=2)
    assert track.read(5.0, 0.1).shape[0] == 0


def test_no_audio_stream_folder_or_image_is_none(clips, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    assert open_audio(clips["silent"]) is None
    assert open_audio(tmp_path) is None  # a frame folder
    assert open_audio(tmp_path / "missing.mp4") is None
    assert not caplog.records  # having no audio is normal, not a warning


def test_undecodable_file_is_none_with_one_warning(tmp_path, caplog):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    caplog.set_level(logging.WARNING, logger="merstudio.io.audio")
    assert open_audio(bad) is None
    lines = [r for r in caplog.records if r.name == "merstudio.io.audio"]
    assert len(lines) == 1 and "broken.mp4" in lines[0].getMessage()
    assert "\n" not in lines[0].getMessage()


def test_envelope_memory_is_bounded_and_cancel_stops(tmp_path):
    """Two minutes of 48 kHz audio: the envelope never holds the track's PCM (23 MB as float32)."""
    seconds = 120
    sig = (0.3 * np.sin(2 * np.pi * 200 * np.arange(seconds * SR) / SR)).astype(np.float32)
    path = write_av_clip(tmp_path / "long.avi", sig, n_frames=seconds, fps=1, size=(16, 16))
    del sig
    track = open_audio(path)
    assert track is not None
    tracemalloc.start()
    try:
        seen = []
        env = track.envelope(bins_per_second=200, progress=lambda d, t: seen.append((d, t)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(env) == pytest.approx(seconds * 200, abs=2)
    np.testing.assert_allclose(env.hi, 0.3, atol=1e-3)
    pcm_bytes = seconds * SR * 4
    assert peak < pcm_bytes / 8, f"peak {peak} bytes"
    assert seen[-1] == (seconds * 1000, seconds * 1000) and len(seen) > 10
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 5

    assert track.envelope(cancel=cancel) is None


def test_long_tracks_get_wider_bins_so_the_lane_stays_bounded():
    from merstudio.io.audio import ENVELOPE_MAX_BINS, envelope_rate

    assert envelope_rate(60.0) == 200.0
    assert envelope_rate(3600.0) * 3600.0 == pytest.approx(ENVELOPE_MAX_BINS)
    assert envelope_rate(0.0) == 200.0  # a container that does not say how long it is


def test_a_switch_back_takes_the_kept_envelope_and_a_changed_file_is_read_again(tmp_path, monkeypatch):
    import os

    from merstudio.io import audio

    path = write_av_clip(tmp_path / "kept.avi", tone_signal(2.0, on=(0.5, 1.0), amp=0.4), n_frames=60)
    reads = []
    real = audio.AudioTrack.envelope
    monkeypatch.setattr(audio.AudioTrack, "envelope", lambda self, *a, **k: reads.append(1) or real(self, *a, **k))
    first = open_audio(path).kept_envelope()
    seen = []
    again = open_audio(path).kept_envelope(progress=lambda d, t: seen.append((d, t)))
    assert len(reads) == 1 and again is first  # the whole track was decoded once
    assert seen and seen[-1][0] == seen[-1][1]  # a bar shown for it ends full
    assert first.hi[105:195].min() == pytest.approx(0.4, abs=1e-3)  # the tone at 0.5-1.0 s (5-ms bins)
    # the same file re-recorded (another tone, later): its new sound, not the old one's lane
    write_av_clip(path, tone_signal(2.0, on=(1.2, 1.8), amp=0.6), n_frames=60)
    os.utime(path, ns=(1, 1))  # a new mtime even where the file system's clock is coarse
    changed = open_audio(path).kept_envelope()
    assert len(reads) == 2
    assert changed.hi[245:355].min() == pytest.approx(0.6, abs=1e-3) and np.abs(changed.hi[:95]).max() < 1e-3


def test_a_cancelled_envelope_is_not_kept(clips):
    track = open_audio(clips["pcm"])
    assert track.kept_envelope(cancel=lambda: True) is None
    env = track.kept_envelope()
    assert env is not None and env.hi.max() == pytest.approx(AMP, abs=1e-3)  # the whole tone, read to the end
