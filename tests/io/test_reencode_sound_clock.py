"""The sound of a re-encoded copy and of the app's audio lane on the picture's clock: a hole in the sound stays a
hole, time 0 is the first video frame also where the picture starts after the sound, a copy the container refuses
is converted instead, and the sound ends with the picture (a Matroska copy opens without a frame-count note)."""

from __future__ import annotations

import subprocess
import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from support.av_clips import SR, dominant, ffmpeg, tone_signal, write_av_clip

from merstudio.io import open_source
from merstudio.io import reencode as R
from merstudio.io.audio import AudioTrack, open_audio, time_origin

FREQ = 440.0


def _loud(track: AudioTrack, level: float = 0.25) -> np.ndarray:
    """The start times (s) of the 5-ms bins where the sound is loud."""
    env = track.envelope(bins_per_second=200)
    return env.times[env.hi > level]


BLOCK = 4608  # samples in a FLAC frame at 48 kHz
HOLE = (11 * BLOCK / SR, 21 * BLOCK / SR)  # 1.056 to 2.016 s: FLAC frames 11 to 20


def _with_hole(path: Path, picture: Path, signal: np.ndarray, hole: tuple[float, float]) -> Path:
    """`picture`'s video (copied) and `signal` as FLAC, the frames in `hole` (s) left out: the frames after it keep
    their times, as a recorder that drops sound writes them (gap.mkv of the review)."""
    step = BLOCK
    with av.open(str(picture)) as src, av.open(str(path), "w") as out:
        vin = src.streams.video[0]
        vout = out.add_stream_from_template(vin)
        aout = out.add_stream("flac", rate=SR, layout="mono")
        for p in src.demux(vin):
            if p.dts is not None:
                p.stream = vout
                out.mux(p)
        for start in range(0, len(signal), step):
            if hole[0] * SR <= start < hole[1] * SR:
                continue
            frame = av.AudioFrame.from_ndarray(signal[None, start:start + step].copy(), format="flt", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = SR, start, Fraction(1, SR)
            for p in aout.encode(frame):
                out.mux(p)
        for p in aout.encode(None):
            out.mux(p)
    return path


@pytest.fixture(scope="module")
def holed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hole")
    picture = write_av_clip(d / "picture.mkv", None)  # 90 frames, 3 s
    return _with_hole(d / "hole.mkv", picture, tone_signal(3.0, on=(0.5, 2.5), freq=FREQ), hole=HOLE)


@pytest.mark.parametrize(("suffix", "sound"), [(".mp4", "aac, from flac"), (".avi", "pcm_s16le, from flac"),
                                               (".mkv", "flac, copied")])
def test_a_hole_in_the_sound_stays_a_hole(holed: Path, tmp_path: Path, suffix: str, sound: str) -> None:
    source = open_audio(holed)
    assert source is not None
    res = R.reencode(holed, tmp_path / f"copy{suffix}")
    assert res.audio == sound and not res.audio_warning
    track = open_audio(res.path)
    assert track is not None and track.duration == pytest.approx(3.0, abs=0.03)
    loud = _loud(track)
    # the tone from 0.5 s to the hole, silence, the tone from the hole's end to 2.5 s: not closed up
    assert loud[0] == pytest.approx(0.5, abs=0.006) and loud[-1] == pytest.approx(2.495, abs=0.006)
    assert not np.any((loud > HOLE[0]) & (loud < HOLE[1] - 0.006))
    assert loud[np.searchsorted(loud, 1.5)] == pytest.approx(HOLE[1], abs=0.006)
    assert dominant(track.read(2.1, 0.3)[:, 0]) == pytest.approx(FREQ, abs=2.0)


def test_the_lane_and_playback_keep_a_hole(holed: Path) -> None:
    track = open_audio(holed)
    assert track is not None
    loud = _loud(track)
    assert not np.any((loud > HOLE[0]) & (loud < HOLE[1] - 0.006)) and loud[-1] == pytest.approx(2.495, abs=0.006)
    assert np.abs(track.read(HOLE[0] + 0.01, 0.9)).max() < 0.01  # read from inside the hole (a seek): silence
    got = track.read(HOLE[1] - 0.1, 0.2)[:, 0]  # the tone resumes at the hole's end, not 1 s early
    assert np.abs(got[:4700]).max() < 0.01 and dominant(got[4900:]) == pytest.approx(FREQ, abs=5.0)


@pytest.fixture(scope="module")
def late_pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tone from 1.0 to 2.0 s on the container's clock, the picture from 0.5 s on (a video stream that starts
    late), and with B-frames in a QuickTime file without an edit list (the first frame at 2 frames, 67 ms)."""
    d = tmp_path_factory.mktemp("late")
    picture = write_av_clip(d / "picture.avi", None)
    raw = d / "tone.f32"
    raw.write_bytes(tone_signal(4.0, on=(1.0, 2.0), freq=FREQ).tobytes())
    sound = ["-f", "f32le", "-ar", str(SR), "-ac", "1", "-i", str(raw)]
    late, bframes = d / "late.mov", d / "bframes.mov"
    subprocess.run([ffmpeg(), "-y", "-loglevel", "error", "-itsoffset", "0.5", "-i", str(picture), *sound,
                    "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", str(late)], check=True, timeout=120)
    subprocess.run([ffmpeg(), "-y", "-loglevel", "error", "-i", str(picture), *sound, "-map", "0:v", "-map", "1:a",
                    "-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-use_editlist", "0",
                    str(bframes)], check=True, timeout=120)
    return {"late": late, "bframes": bframes}


@pytest.mark.parametrize(("kind", "origin"), [("late", 0.5), ("bframes", 2 / 30)])
def test_the_lane_counts_from_the_first_frame(late_pictures: dict[str, Path], kind: str, origin: float) -> None:
    path = late_pictures[kind]
    assert float(time_origin(path)) == pytest.approx(origin, abs=1e-3)
    with warnings.catch_warnings(), open_source(path) as video:
        assert video.timestamp(0) == 0.0  # frame 0 is time 0 there too
    track = open_audio(path)
    assert track is not None and track.origin == pytest.approx(origin, abs=1e-3)
    loud = _loud(track)
    assert loud[0] == pytest.approx(1.0 - origin, abs=0.006) and loud[-1] == pytest.approx(1.995 - origin, abs=0.006)
    at = 1.0 - origin  # playback: the first sample of the tone is the one read at its time
    got = track.read(at - 0.01, 0.02)[:, 0]
    assert np.abs(got[:470]).max() < 0.01 and np.abs(got[490:]).max() > 0.2


@pytest.mark.parametrize("suffix", [".mp4", ".avi", ".mkv"])
@pytest.mark.parametrize("kind", ["late", "bframes"])
def test_the_copy_keeps_the_sound_at_its_frame(late_pictures: dict[str, Path], tmp_path: Path, kind: str,
                                               suffix: str) -> None:
    origin = float(time_origin(late_pictures[kind]))
    res = R.reencode(late_pictures[kind], tmp_path / f"copy{suffix}")
    assert res.frames == 90 and res.audio and not res.audio_warning
    track = open_audio(res.path)
    assert track is not None and track.origin == 0.0
    loud = _loud(track)  # where the source's lane has it
    assert loud[0] == pytest.approx(1.0 - origin, abs=0.006) and loud[-1] == pytest.approx(1.995 - origin, abs=0.006)


@pytest.fixture(scope="module")
def mp3s(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("mp3")
    low = 11_025
    t = np.arange(3 * low) / low
    sig = np.where((t >= 1.0) & (t < 2.0), 0.5 * np.sin(2 * np.pi * FREQ * t), 0.0).astype(np.float32)
    return {"11k": write_av_clip(d / "low.mkv", sig, sr=low, audio_codec="libmp3lame"),
            "48k": write_av_clip(d / "mp3.mkv", tone_signal(3.0, freq=FREQ), audio_codec="libmp3lame")}


@pytest.mark.filterwarnings("ignore:.*the file says")  # the source's sound runs a few ms past its picture
@pytest.mark.parametrize(("kind", "suffix"), [("11k", ".mp4"), ("48k", ".m4v")])
def test_a_copy_the_container_refuses_is_converted(mp3s: dict[str, Path], tmp_path: Path, kind: str,
                                                   suffix: str) -> None:
    # MP4 takes MP3 but not at 11.025 kHz ("Invalid argument"); Apple's M4V takes no MP3 at all
    res = R.reencode(mp3s[kind], tmp_path / f"copy{suffix}")
    assert res.audio == "aac, from mp3" and res.audio_warning == ""
    track = open_audio(res.path)
    assert track is not None
    loud = _loud(track)
    assert loud[0] == pytest.approx(1.0, abs=0.01) and loud[-1] == pytest.approx(1.995, abs=0.01)
    assert [p.name for p in tmp_path.iterdir()] == [f"copy{suffix}"]


@pytest.mark.parametrize(("suffix", "sound"), [(".mkv", "aac, from aac"), (".mp4", "aac, copied"),
                                               (".mov", "aac, copied"), (".avi", "pcm_s16le, from aac")])
def test_the_sound_ends_with_the_picture(tmp_path: Path, suffix: str, sound: str) -> None:
    # 3.5 s of sound beside 3 s of picture
    src = write_av_clip(tmp_path / "long.mp4", tone_signal(3.5, on=(0.0, 3.5), freq=FREQ), audio_codec="aac")
    res = R.reencode(src, tmp_path / f"copy{suffix}")
    assert res.audio == sound
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Matroska copy whose sound runs on claims a frame more than it has
        with open_source(res.path) as copy:
            assert copy.frame_count == 90
    with av.open(str(res.path)) as c:
        assert c.duration is not None and c.duration / 1e6 == pytest.approx(3.0, abs=0.017)  # under half a frame
    track = open_audio(res.path)
    assert track is not None and _loud(track)[-1] == pytest.approx(2.995, abs=0.03)
