"""The play head: the one owner of the current frame, the video's length and rate, the frame loader and the play
state (:class:`~merstudio.gui.playback.Playback`).

Everything that moves the play head (keys, the slider, a click on the timeline, playback) calls :meth:`seek`;
views follow ``frameChanged`` (slider, timeline, labels) and ``frameReady`` (the picture) and never keep a frame
number of their own. The loader serves only the latest request, so scrubbing never queues stale decodes, and only
the current video's loader reaches the views (a decode finishing after a switch is dropped).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from merstudio.gui.playback import Playback, Range
from merstudio.gui.state import next_speed
from merstudio.gui.workers import FrameLoader

LOADING_AFTER_MS = 80  # a frame not shown this long after its seek is marked as loading (not while playing)


class Transport(QObject):
    frameChanged = Signal(int)  # the play head moved here
    frameReady = Signal(int, object)  # a decoded frame (index, RGB array): maybe not the current one any more
    frameFailed = Signal(int, str)
    loading = Signal(int)  # the current frame has not arrived LOADING_AFTER_MS after its seek (paused)
    stateChanged = Signal()  # playing, direction, speed, loop or mute changed

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.current_frame = 0
        self.frame_count = 1
        self.fps = 30.0
        self.speed = 1.0
        self.source: Any = None
        self.loader: FrameLoader | None = None
        self.playback = Playback(lambda: self.current_frame, self)
        self.playback.frameDue.connect(self.seek)
        self.playback.stateChanged.connect(self._state_changed)
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(LOADING_AFTER_MS)
        self._loading_timer.timeout.connect(self._loading_due)

    # ---------------------------------------------------------------- the video
    def set_source(self, source: Any) -> None:
        """Show ``source`` (a FrameSource; None: no video). The play head is put on frame 0 by the caller once
        every view has followed the switch (:meth:`start`)."""
        self.pause()
        self._stop_loader()
        self.source = source
        # until start(): views that follow the switch ask for the current frame of the new video (frame 100 of the
        # last one was "out of range (0..71)" in a 72-frame video)
        self.current_frame = 0
        if source is None:
            self.frame_count = 1
            self.playback.set_video(1, self.fps, None)  # no audio: the waveform lane and the sound go too
            return
        self.frame_count, self.fps = max(1, int(source.frame_count)), float(source.fps or 30.0)
        # a variable-rate video's frame times (its index is built when it opens): playback and the audio lane by them
        times = getattr(source, "variable_times", None)
        self.loader = FrameLoader(source, self)
        self.loader.frameReady.connect(self._frame_ready)
        self.loader.failed.connect(self._frame_failed)
        self.loader.start()
        self.playback.set_video(self.frame_count, self.fps, getattr(source, "path", None), times)  # audio

    def start(self) -> None:
        """Put the play head on the first frame of a video just set (the views are ready for it)."""
        self.current_frame = -1
        self.seek(0)

    def _frame_ready(self, i: int, rgb: Any) -> None:
        # the last video's loader, let go of at a switch, finishes its decode after it: its frame 20 would be drawn
        # under the new video's name (and its face overlay)
        if self.loader is not None and self.sender() is self.loader:
            if i == self.current_frame:  # in time: the next seek's picture has its own LOADING_AFTER_MS
                self._loading_timer.stop()
            self.frameReady.emit(i, rgb)

    def _frame_failed(self, i: int, why: str) -> None:
        if self.loader is not None and self.sender() is self.loader:
            self.frameFailed.emit(i, why)

    def _stop_loader(self, wait: bool = False) -> None:
        # a switch does not wait for a decode in progress (it cannot be interrupted: 1.7 s for a far seek in
        # long-GOP footage froze the window): the loader finishes it in the background, its frame dropped
        if self.loader is not None:
            self.loader.stop(wait=wait)
            if wait:
                self.loader.deleteLater()
            self.loader = None
        self.source = None

    def shutdown(self) -> None:
        self.pause()
        self._stop_loader(wait=True)
        FrameLoader.join_detached()  # the loaders let go of at switches end with the window
        self.playback.shutdown()

    # ---------------------------------------------------------------- moving the play head
    def seek(self, frame: int) -> None:
        frame = int(min(max(frame, 0), self.frame_count - 1))
        if frame == self.current_frame:
            return
        self.current_frame = frame
        if self.loader is not None:
            self.loader.request(frame)
            if not self._loading_timer.isActive():  # from the first seek away from the picture, not from each:
                self._loading_timer.start()  # a held arrow key (a seek every 30 ms) dims the old picture too
        self.frameChanged.emit(frame)

    def request_current(self) -> None:
        """Decode the current frame again (its face overlay exists now, or was switched on)."""
        if self.loader is not None:
            self.loader.request(self.current_frame)

    def step(self, n: int) -> None:
        self.pause()
        self.seek(self.current_frame + n)

    def go_to(self, frame: int) -> None:
        """Stop playback and put the play head on ``frame`` (clamped to the video)."""
        self.pause()
        self.seek(frame)

    def step_seconds(self, seconds: float) -> None:
        """Step the play head by ``seconds`` (rounded to whole frames, at least one)."""
        n = int(round(seconds * self.fps))
        self.step(n if n else (1 if seconds > 0 else -1))

    def _loading_due(self) -> None:
        # not while playing: the picture follows a moving play head as fast as frames decode, and marking it as
        # loading every tick would flicker
        if self.loader is not None and not self.playing:
            self.loading.emit(self.current_frame)

    # ---------------------------------------------------------------- playing
    @property
    def playing(self) -> bool:
        return self.playback.playing

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.source is not None:
            self.playback.play(+1)  # from the play head; at the last frame it starts over

    def play_range(self, rng: Range) -> None:
        if self.source is not None:
            self.playback.play(+1, rng)

    def pause(self) -> None:
        self.playback.pause()

    def faster(self) -> None:
        """L: faster while playing, else play."""
        if self.playing:
            self.set_speed(next_speed(self.speed, +1))
        else:
            self.play()

    def slower(self) -> None:
        self.set_speed(next_speed(self.speed, -1))

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self.playback.set_speed(speed)
        self.stateChanged.emit()

    def _state_changed(self) -> None:
        if not self.playing:
            self._loading_timer.start()  # paused on a frame still decoding: show it is loading
        self.stateChanged.emit()
