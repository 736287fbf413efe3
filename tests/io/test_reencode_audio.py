"""Re-encoding keeps the sound: copied where the container takes its codec, else converted, at the source's times
(also when a variable-rate picture is resampled), read back with the app's own audio reader; a sound the container
cannot take leaves a copy without sound and one line; a cancel while the sound is added leaves nothing."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from io_helpers import read_code
from support.av_clips import SR, dominant, tone_signal, write_av_clip

from merstudio.io import open_source
from merstudio.io import reencode as R
from merstudio.io.audio import AudioTrack, open_audio

FREQ = 440.0
ON = (1.0, 2.0)  # the tone's interval in the 3-s clips (seconds)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("sound")
    sig = tone_signal(3.0, on=ON, amp=0.5, freq=FREQ)
    return {"pcm": write_av_clip(d / "tone.avi", sig), "aac": write_av_clip(d / "tone.mp4", sig, audio_codec="aac"),
            "silent": write_av_clip(d / "silent.avi", None)}


def _loud(track: AudioTrack) -> tuple[float, float]:
    """Where the sound is loud: (first, last) 5-ms bin start, seconds."""
    env = track.envelope(bins_per_second=200)
    loud = np.nonzero(env.hi > 0.25)[0]
    return float(env.times[loud[0]]), float(env.times[loud[-1]])


@pytest.mark.parametrize(("kind", "suffix", "sound"), [
    ("pcm", ".avi", "pcm_s16le, copied"),
    ("pcm", ".mp4", "aac, from pcm_s16le"),  # MP4 players take no PCM: AAC
    ("aac", ".avi", "pcm_s16le, from aac"),  # few players read AAC in AVI: PCM
    ("aac", ".mp4", "aac, copied"),
    ("aac", ".mkv", "aac, from aac"),  # Matroska cannot start the copied AAC's priming before 0: converted
])
def test_the_copy_has_the_sound_at_its_times(sources: dict[str, Path], tmp_path: Path, kind: str, suffix: str,
                                             sound: str) -> None:
    res = R.reencode(sources[kind], tmp_path / f"copy{suffix}")
    assert res.complete and res.audio == sound and not res.audio_warning
    assert [p.name for p in tmp_path.iterdir()] == [f"copy{suffix}"]  # neither temporary stays
    track = open_audio(res.path)
    assert track is not None and track.sample_rate == SR and track.channels == 1
    assert track.duration == pytest.approx(3.0, abs=0.05)
    first, last = _loud(track)
    assert first == pytest.approx(ON[0], abs=0.006) and last == pytest.approx(ON[1] - 0.005, abs=0.006)
    assert dominant(track.read(1.25, 0.5)[:, 0]) == pytest.approx(FREQ, abs=2.0)
    assert np.abs(track.read(0.1, 0.8)).max() < 0.01  # silence before it stays silence
    # the picture is what it was: every frame, seekable
    assert res.frames == 90 and res.max_keyframe_gap <= (1 if suffix == ".avi" else 12)
    with warnings.catch_warnings(record=True), open_source(res.path) as copy:
        assert copy.frame_count == 90 and not copy.is_vfr
        assert copy.frame(45).mean() == pytest.approx(90, abs=3)  # frame i is grey 2i


@pytest.mark.parametrize(("suffix", "sound", "max_gap"), [(".avi", "pcm_s16le, from aac", 1), (".mp4", "aac, copied", 12)])
def test_a_variable_rate_copy_keeps_the_sound_on_the_clock(make_video, ffmpeg: str, tmp_path: Path, suffix: str,
                                                           sound: str, max_gap: int) -> None:
    # 240 barcoded frames at 30 fps with a one-second hole at frame 150 (5.0 s -> 6.0 s), a tone from 6.0 to 7.0 s
    gap = ["-vf", "setpts='(N+if(gte(N,150),30,0))/30/TB'", "-fps_mode", "vfr"]
    pic = make_video("vfr_gap.mp4", ffmpeg=ffmpeg, args=[*gap, "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p"])
    raw = tmp_path / "tone.f32"
    raw.write_bytes(tone_signal(9.0, on=(6.0, 7.0), amp=0.5, freq=FREQ).tobytes())
    src = tmp_path / "vfr_sound.mp4"
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", "-i", str(pic), "-f", "f32le", "-ar", str(SR), "-ac", "1",
                    "-i", str(raw), "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", str(src)],
                   check=True, timeout=120)
    with pytest.warns(UserWarning, match="variable frame rate"):
        res = R.reencode(src, tmp_path / f"cfr{suffix}")
    assert res.frames == 270 and res.fps == 30.0 and res.audio == sound
    assert res.max_keyframe_gap == max_gap  # the muxed copy keeps its keyframes
    track = open_audio(res.path)
    assert track is not None and track.duration == pytest.approx(9.0, abs=0.05)
    first, last = _loud(track)
    assert first == pytest.approx(6.0, abs=0.006) and last == pytest.approx(6.995, abs=0.006)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copy = open_source(res.path)
    with copy:
        # the copy's frame at the tone's start (6.0 s: 180) is the source's frame there (150, after the hole)
        assert read_code(copy.frame(round(first * copy.fps))) == 150
        assert read_code(copy.frame(179)) == 149  # the hole: repeated frames, silent


def test_a_silent_source_gives_a_silent_copy(sources: dict[str, Path], tmp_path: Path) -> None:
    res = R.reencode(sources["silent"], tmp_path / "copy.mp4")
    assert res.complete and res.audio == "" and res.audio_warning == ""
    assert open_audio(res.path) is None and [p.name for p in tmp_path.iterdir()] == ["copy.mp4"]


def test_sound_the_container_cannot_take_is_one_line(sources: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(R.AUDIO, ".avi", (frozenset(), "libopus"))  # FFmpeg's AVI muxer refuses Opus
    res = R.reencode(sources["pcm"], tmp_path / "copy.avi")
    assert res.complete and res.audio == "" and res.frames == 90
    assert res.audio_warning.startswith(f"{tmp_path / 'copy.avi'}: the sound of tone.avi cannot be put in a .avi "
                                        "file (") and res.audio_warning.endswith("the copy has the picture only")
    assert "\n" not in res.audio_warning
    assert open_audio(res.path) is None and [p.name for p in tmp_path.iterdir()] == ["copy.avi"]


def test_a_cancel_while_the_sound_is_added_leaves_nothing(sources: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "copy.mp4"
    out.write_bytes(b"the earlier copy")
    done: list[int] = []
    # every frame written, then the cancel: seen while the sound is muxed
    res = R.reencode(sources["aac"], out, overwrite=True, progress=lambda d, t: done.append(d),
                     cancel=lambda: bool(done) and done[-1] == 90)
    assert not res.complete and res.frames == 90
    assert out.read_bytes() == b"the earlier copy" and [p.name for p in tmp_path.iterdir()] == ["copy.mp4"]
