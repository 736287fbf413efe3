"""The play state: direction, speed, the range being played and its loop, and the audio that plays with it.

One small object the main window owns; it decides which frame is due and says so with ``frameDue`` (the window
seeks there, the views only render). Its clock: while the audio plays (forward, 0.5x-2x, an output device), the
video follows the audio (the sound card's sample clock: a repeated or skipped frame is not seen, a gap in speech is
heard); otherwise (reverse, slower than 0.5x, no audio, no device, the track ended) a monotonic wall clock anchored
where playback (re)started. A seek from elsewhere (a click on the timeline, a key) while playing re-anchors both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QSlider, QStyle, QToolButton, QWidget

from merstudio.gui.audio_player import MIN_AUDIBLE_SPEED, AudioPlayer, EnvelopeWorker
from merstudio.io.audio import AudioTrack, Envelope
from merstudio.io.timebase import Timebase

Range = tuple[int, int]  # first and last frame, both played


def selection_range(events: list[Any], selected_id: int | None, selection: Range | None,
                    onset_mark: int | None, offset_mark: int | None) -> Range | None:
    """What "play selection" plays: the selected event's onset..offset, else the timeline's selection (a drag on
    the events track), else the I..O marks; None when there is none of them."""
    ev = next((e for e in events if e.id is not None and e.id == selected_id), None)
    if ev is not None:
        return int(ev.onset), int(ev.offset)
    if selection is not None:
        return int(selection[0]), int(selection[1])
    if onset_mark is not None and offset_mark is not None:
        return min(onset_mark, offset_mark), max(onset_mark, offset_mark)
    return None


class Playback(QObject):
    frameDue = Signal(int)  # seek here
    stateChanged = Signal()  # playing, direction, speed, loop or mute changed
    message = Signal(str)  # one status-bar line (no sound output, muted at this speed)
    envelopeReady = Signal(object)  # the waveform lane's Envelope, or None (no audio: hide the lane)

    def __init__(self, current: Callable[[], int], parent: Any = None,
                 clock: Callable[[], float] = time.monotonic, player: AudioPlayer | None = None) -> None:
        super().__init__(parent)
        self._current = current  # the frame the window shows
        self._clock = clock
        self.player = player if player is not None else AudioPlayer()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.frame_count = 1
        self.fps = 30.0
        self.timebase = Timebase(self.fps)
        self.direction = 1
        self.speed = 1.0
        self.loop = False
        self.range: Range | None = None  # the range being played (play selection); None: the whole video
        self.track: AudioTrack | None = None
        self.envelope: Envelope | None = None
        self._worker: EnvelopeWorker | None = None
        self._anchor_pos = 0.0  # seconds, at wall time _anchor_wall
        self._anchor_wall = 0.0
        self._last = -1  # the last frame this object asked for
        self._said_no_output = False
        self._no_output = False  # the output failed: not tried again on every seek or loop wrap until play()
        self.audio_note = ""  # why the audio is not heard now ("" when it is, or there is none)

    # ---------------------------------------------------------------- video
    def set_video(self, frame_count: int, fps: float, path: str | None, times: np.ndarray | None = None) -> None:
        """A new video: stop, forget the old audio, open the new one's and compute its envelope in a worker.
        `times`: a variable-rate video's frame times (merstudio.io.timebase): frames are shown, and the sound
        played, at them."""
        self.pause()
        self._stop_worker()
        self.frame_count, self.fps = max(1, int(frame_count)), float(fps or 30.0)
        self.timebase = Timebase(self.fps, times)
        self._no_output = False
        self.range = None
        self.track = None
        self.envelope = None
        self.envelopeReady.emit(None)
        if path:
            w = EnvelopeWorker(path, self)
            w.opened.connect(self._audio_opened)
            w.envelopeReady.connect(self._envelope_ready)
            self._worker = w
            w.start()

    def _audio_opened(self, track: AudioTrack | None) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return  # a worker of a previous video (one already deleted is no sender: None)
        self.track = track
        if track is not None and self.playing:
            self._anchor(self._position())  # starts the sound mid-play
        self.stateChanged.emit()

    def _envelope_ready(self, env: Envelope) -> None:
        if self._worker is not None and self.sender() is self._worker:
            self.envelope = env
            self.envelopeReady.emit(env)

    @property
    def envelope_pending(self) -> bool:
        """The audio of the current video is still being opened or its envelope computed."""
        return self._worker is not None and not self._worker.isFinished()

    def _stop_worker(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker.wait()
            # finished (deleting a running QThread crashes); later, so that its queued signals still find their sender
            self._worker.deleteLater()
            self._worker = None

    def shutdown(self) -> None:
        self.pause()
        self._stop_worker()

    # ---------------------------------------------------------------- state
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self, direction: int = 1, range_: Range | None = None) -> None:
        """Play from the current frame (forward or backward) over the whole video or ``range_``: from its start
        (its end backwards) unless the play head is inside it; at the video's end, forward play starts over."""
        self.direction = 1 if direction >= 0 else -1
        self.range = None if range_ is None else (max(0, min(range_)), min(self.frame_count - 1, max(range_)))
        lo, hi = self._bounds()
        cur = self._current()
        if range_ is not None and not lo <= cur <= hi:
            cur = lo if self.direction > 0 else hi
        elif self.direction > 0 and cur >= hi:
            cur = lo
        elif self.direction < 0 and cur <= lo:
            cur = hi
        self._last = -1
        self._no_output = False  # try the sound output again (headphones plugged in since)
        self._emit(cur)
        self.timer.start(self._interval_ms())
        self._anchor(self._frame_start(cur))
        self.stateChanged.emit()

    def pause(self) -> None:
        self.player.stop()
        if self.timer.isActive():
            self.timer.stop()
            self.stateChanged.emit()

    def toggle(self, direction: int = 1) -> None:
        """Play in ``direction``, or pause when already playing that way (the other way: turn round)."""
        if self.playing and self.direction == (1 if direction >= 0 else -1):
            self.pause()
        else:
            self.play(direction, self.range if self.playing else None)

    def set_speed(self, speed: float) -> None:
        if self.playing:
            pos = self._position()
            self.speed = float(speed)
            self.timer.setInterval(self._interval_ms())
            self._anchor(pos)
        else:
            self.speed = float(speed)
        self.stateChanged.emit()

    def set_loop(self, on: bool) -> None:
        self.loop = bool(on)
        self.stateChanged.emit()

    def set_muted(self, on: bool) -> None:
        self.player.muted = bool(on)
        self.stateChanged.emit()

    def set_volume(self, volume: float) -> None:
        self.player.volume = min(1.0, max(0.0, float(volume)))
        self.stateChanged.emit()

    def state_text(self) -> str:
        """For the transport label: ▶ / ◀ while playing, ⟲ when looping, the range being played (a screen reader
        hears the glyphs in words: look.GLYPH_WORDS)."""
        parts = []
        if self.playing:
            parts.append("▶" if self.direction > 0 else "◀")
        if self.loop:
            parts.append("⟲")
        if self.range is not None and self.playing:
            parts.append(f"[{self.range[0]}–{self.range[1]}]")
        if self.track is not None and self.player.muted:
            parts.append("muted")
        return "  ".join(parts)

    # ---------------------------------------------------------------- clock
    def _bounds(self) -> Range:
        return self.range if self.range is not None else (0, self.frame_count - 1)

    def _interval_ms(self) -> int:
        # about one tick per frame shown, 15-40 ms: the frame due is read from the clock, not counted
        return int(min(40, max(15, round(1000.0 / (self.fps * self.speed)))))

    def _frame_start(self, frame: int) -> float:
        """The clock position at which ``frame`` starts showing in the play direction (backwards a frame is
        entered at its end)."""
        return self.timebase.time_of(frame + (0.0 if self.direction > 0 else 1.0 - 1e-3))

    def _position(self) -> float:
        """Seconds of the video due now."""
        pos = self.player.position() if self.player.active else None
        now = self._clock()
        if pos is not None:
            self._anchor_pos, self._anchor_wall = pos, now  # continue on the wall clock if the audio ends
            return pos
        return self._anchor_pos + self.direction * self.speed * (now - self._anchor_wall)

    def _anchor(self, pos: float) -> None:
        """Restart the clock (and the sound) at ``pos`` seconds."""
        self._anchor_pos, self._anchor_wall = pos, self._clock()
        self.player.stop()
        self.audio_note = ""
        if self.track is None or not self.playing:
            return
        if self.direction < 0:
            self.audio_note = "audio muted in reverse play"
            return
        if self.speed < MIN_AUDIBLE_SPEED:
            self.audio_note = f"audio muted below {MIN_AUDIBLE_SPEED:g}×"
            return
        if self._no_output:
            self.audio_note = self.player.error
            return
        why = self.player.start(self.track, max(0.0, pos), self.speed)
        if why is not None:
            self.audio_note = why
            self._no_output = True
            if not self._said_no_output:  # once per session: the line says it all
                self._said_no_output = True
                self.message.emit(f"Playing without sound: {why}")

    def tick(self) -> None:
        if not self.playing:
            return
        cur = self._current()
        if self._last >= 0 and cur != self._last:  # sought elsewhere while playing: go on from there
            self._last = cur
            self._anchor(self._frame_start(cur))
            return
        lo, hi = self._bounds()
        frame = self.timebase.frame_at(self._position())
        if self.direction > 0 and frame > hi or self.direction < 0 and frame < lo:
            if self.loop:
                frame = lo if self.direction > 0 else hi
                self._emit(frame)
                self._anchor(self._frame_start(frame))
            else:
                self._emit(hi if self.direction > 0 else lo)
                self.pause()
            return
        self._emit(max(lo, min(hi, frame)) if self.range is not None else max(0, min(self.frame_count - 1, frame)))

    def _emit(self, frame: int) -> None:
        if frame != self._last:
            self._last = frame
            self.frameDue.emit(frame)


class AudioControls(QWidget):
    """Mute and volume beside the transport; shown only when the video has audio."""

    def __init__(self, playback: Playback, parent: Any = None) -> None:
        super().__init__(parent)
        self.playback = playback
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.mute_button = QToolButton(self)
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.setAutoRaise(True)
        self._mute_action: QAction | None = None
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(int(round(playback.player.volume * 100)))
        self.volume.setFixedWidth(70)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.setToolTip("volume (Ctrl+Up / Ctrl+Down)")
        self.volume.setAccessibleName("volume")
        self.volume.valueChanged.connect(lambda v: playback.set_volume(v / 100.0))
        row.addWidget(self.mute_button)
        row.addWidget(self.volume)
        playback.stateChanged.connect(self._sync)
        self._sync()

    def set_mute_action(self, action: QAction) -> None:
        """The window's checkable Mute action (Ctrl+M): the button triggers it, so both stay in step."""
        self._mute_action = action
        self.mute_button.clicked.connect(action.trigger)
        self._sync()

    def step_volume(self, delta: int) -> None:
        self.volume.setValue(self.volume.value() + delta)

    def _sync(self) -> None:
        p = self.playback
        self.setVisible(p.track is not None)
        muted = p.player.muted
        icon = QStyle.StandardPixmap.SP_MediaVolumeMuted if muted else QStyle.StandardPixmap.SP_MediaVolume
        self.mute_button.setIcon(self.style().standardIcon(icon))
        self.mute_button.setText("muted" if muted else "sound")  # shown where the style has no icon
        self.mute_button.setAccessibleName("unmute" if muted else "mute")  # what a press does, as the tooltip says
        self.mute_button.setToolTip(("unmute" if muted else "mute") + " (Ctrl+M)"
                                    + (f"; {p.audio_note}" if p.audio_note else ""))
