"""The audio lane places sound at the frame showing at its time: on a variable-frame-rate video through the frames'
own times (merstudio.io.timebase), not time x the header's rate; and where the track ends before the video, the
frames after it are shaded and the lane says when the sound ends (the audit read a waveform that stopped at frame
~54 of 71 as one drawn at the wrong rate: its track was 2.4 s of a 3.5-s video)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from support.av_clips import SR, tone_signal, write_av_clip
from support.vfr_clips import SWITCH, grey, times

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

N = 90  # frames: 30 at 30 fps, then 60 at 24 fps (support.vfr_clips): 3.46 s, a nominal rate of ~26 fps
TONE = (1.5, 2.0)  # seconds: frames 42.5 to 54.5 by the frames' times, 39 to 52 by the nominal rate


def write_vfr_av_clip(path: Path, signal: np.ndarray, n: int = N, w: int = 160, h: int = 120) -> Path:
    """support.vfr_clips' clip with ``signal`` (mono float32 at SR) as its audio track."""
    import imageio_ffmpeg

    frames = b"".join(np.full((h, w, 3), grey(i), np.uint8).tobytes() for i in range(n))
    with tempfile.TemporaryDirectory() as tmp:
        raw_v, raw_a = Path(tmp) / "v.raw", Path(tmp) / "a.raw"
        raw_v.write_bytes(frames)
        raw_a.write_bytes(np.ascontiguousarray(signal, np.float32).tobytes())
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                        "bgr24", "-s", f"{w}x{h}", "-r", "30", "-i", str(raw_v), "-f", "f32le", "-ar", str(SR),
                        "-ac", "1", "-i", str(raw_a), "-map", "0:v", "-map", "1:a", "-vf",
                        f"settb=1/90000,setpts='if(lt(N,30),N/30,{SWITCH!r}+(N-30)/24)/TB'", "-fps_mode", "vfr",
                        "-enc_time_base", "1/90000", "-video_track_timescale", "90000", "-c:v", "mjpeg",
                        "-c:a", "pcm_s16le", str(path)], check=True, timeout=120)
    return path


def _loud(tl) -> tuple[float, float]:
    x, y = tl.waveform.getOriginalDataset()
    loud = x[np.abs(y) > 0.25]
    return float(loud.min()), float(loud.max())


def test_a_variable_rate_videos_sound_is_drawn_at_the_frames_of_its_time(qtbot, window, tmp_path):
    clip = write_vfr_av_clip(tmp_path / "phone.mov", tone_signal(3.5, on=TONE, amp=0.5))
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None, timeout=10_000)
    tl = window.timeline
    assert window.frame_count == N and tl.timebase.variable
    frame_times = times(N)
    at = [float(np.interp(t, frame_times, np.arange(N))) for t in TONE]  # the frame showing at each time
    first, last = _loud(tl)
    assert first == pytest.approx(at[0], abs=0.5) and last == pytest.approx(at[1], abs=0.5)
    assert abs(first - TONE[0] * window.fps) > 2  # not at time x the nominal rate
    assert not tl._no_sound.isVisible()  # the track lasts as long as the video


def test_a_constant_rate_videos_sound_is_drawn_at_time_x_rate(qtbot, window, tmp_path):
    clip = write_av_clip(tmp_path / "talk.avi", tone_signal(3.0, on=(1.0, 2.0), amp=0.5))
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None, timeout=10_000)
    tl = window.timeline
    assert not tl.timebase.variable
    assert _loud(tl) == (pytest.approx(30, abs=0.5), pytest.approx(60, abs=0.5))
    assert not tl._no_sound.isVisible()


def test_the_frames_after_a_short_track_are_shaded_and_said_to_have_no_sound(qtbot, window, tmp_path):
    clip = write_av_clip(tmp_path / "short.avi", tone_signal(2.0, on=(1.0, 2.0), amp=0.5))  # 2 s of a 3-s video
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None, timeout=10_000)
    tl = window.timeline
    assert tl._no_sound.isVisible() and tl._no_sound_note.isVisible()
    lo, hi = tl._no_sound.getRegion()
    assert lo == pytest.approx(60, abs=0.5) and hi == pytest.approx(window.frame_count - 0.5)
    assert tl._no_sound_note.toPlainText() == "no sound after 2.00 s"
    assert window.ctx.execute(C.OpenVideo, path=str(write_av_clip(tmp_path / "full.avi", tone_signal(3.0))))
    qtbot.waitUntil(lambda: tl.audio_envelope is not None, timeout=10_000)
    assert not tl._no_sound.isVisible() and not tl._no_sound_note.isVisible()  # a whole track: nothing to say


def test_a_track_a_frame_short_is_not_shaded(qtbot, window, tmp_path):
    clip = write_av_clip(tmp_path / "phone.avi", tone_signal(2.95, on=(1.0, 2.0), amp=0.5))  # ends 50 ms early
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None, timeout=10_000)
    assert not window.timeline._no_sound.isVisible()
