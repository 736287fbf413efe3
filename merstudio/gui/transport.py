"""The play head: the one owner of the current frame, the video's length and rate, the frame loader and the play
state (:class:`~merstudio.gui.playback.Playback`).

Everything that moves the play head (keys, the slider, a click on the timeline) calls :meth:`seek`; views follow
``frameChanged`` (slider, timeline, labels) and ``frameReady`` (the picture) and never keep a frame number of their
own. While playing, the clock's frame is only asked of the loader: the play head follows the pictures as they
arrive, so the counter, the timeline and the readout name the picture on screen (the clock runs 1-2 frames ahead of
it, a decode's length on long-GOP footage), and a pause stops on that picture, not on a later frame. The loader
serves only the latest request, so scrubbing never queues stale decodes, and only the current video's loader reaches
the views (a decode finishing after a switch is dropped).
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
        self.current_frame = 0  # the play head: paused, the frame sought; playing, the last picture delivered
        self._due = 0  # the frame last asked of the loader (playing: the clock's frame); the clock runs from it
        # a pause (or a seek while playing) drops the pictures asked for before it until one asked since arrives:
        # the clock's frames still decoding would show a later picture than the one paused on
        self._wanted: set[int] | None = None
        self.frame_count = 1
        self.fps = 30.0
        self.speed = 1.0
        self.source: Any = None
        self.loader: FrameLoader | None = None
        self.playback = Playback(lambda: self._due, self)
        self.playback.frameDue.connect(self._play_due)
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
        self.current_frame = self._due = 0
        self._wanted = None
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
        self.current_frame = self._due = -1
        self.seek(0)

    def _frame_ready(self, i: int, rgb: Any) -> None:
        # the last video's loader, let go of at a switch, finishes its decode after it: its frame 20 would be drawn
        # under the new video's name (and its face overlay)
        if self.loader is not None and self.sender() is self.loader and self._settled(i):
            if i == self.current_frame:  # in time: the next seek's picture has its own LOADING_AFTER_MS
                self._loading_timer.stop()
            self.frameReady.emit(i, rgb)
            if self.playing and i != self.current_frame:  # the play head follows the picture (module docstring)
                self.current_frame = i
                self.frameChanged.emit(i)

    def _frame_failed(self, i: int, why: str) -> None:
        if self.loader is not None and self.sender() is self.loader and self._settled(i):
            self.frameFailed.emit(i, why)

    def _settled(self, i: int) -> bool:
        """False for a frame asked for before a pause (or a seek while playing) while none asked since has come."""
        if self._wanted is None:
            return True
        if i in self._wanted:
            self._wanted = None  # the loader serves in order: every frame from now on was asked for since
            return True
        return False

    def _ask(self, frame: int) -> None:
        self._due = frame
        if self.loader is not None:
            if self._wanted is not None:
                self._wanted.add(frame)
            self.loader.request(frame)

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
        if frame == self.current_frame and frame == self._due:
            return
        if self.playing:  # the clock goes on from here (Playback.tick); the pictures due before it are dropped
            self._wanted = set()
        self._ask(frame)
        if self.loader is not None and not self._loading_timer.isActive():  # from the first seek away from the
            self._loading_timer.start()  # picture, not each: a held arrow key (a seek every 30 ms) dims it too
        if frame != self.current_frame:
            self.current_frame = frame
            self.frameChanged.emit(frame)

    def _play_due(self, frame: int) -> None:
        """The clock's frame: asked of the loader; the play head moves when its picture arrives (_frame_ready)."""
        frame = int(min(max(frame, 0), self.frame_count - 1))
        if frame != self._due:
            self._ask(frame)

    def request_current(self) -> None:
        """Decode the current frame again (its face overlay exists now, or was switched on)."""
        if self.loader is not None:
            self._ask(self._due)  # playing: the clock's frame (the play head's would set the clock back to it)

    def step(self, n: int) -> None:
        self.pause()
        self.seek(self.current_frame + n)

    def go_to(self, frame: int) -> None:
        """Stop playback and put the play head on ``frame`` (clamped to the video)."""
        self.pause()
        self.seek(frame)

    def step_seconds(self, seconds: float) -> None:
        """Step the play head by ``seconds`` of the video's time: to the frame at or nearest that time, at least one
        frame. By the frames' own times (a variable-rate video's timestamps), not a mean-rate count of frames: a
        clip at 30 fps then 3 fps stepped 0.57 s from its start and 5.67 s in its slow part."""
        self.pause()
        tb = self.playback.timebase
        t = tb.time_of(self.current_frame) + seconds
        to = min((tb.frame_at(t), tb.frame_at(t) + 1), key=lambda f: abs(tb.time_of(f) - t))  # nearest to t
        if to == self.current_frame:
            to += 1 if seconds > 0 else -1
        self.seek(to)

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
        if not self.playing and self._due != self.current_frame:
            self._stopped()
        if not self.playing:
            self._loading_timer.start()  # paused on a frame still decoding: show it is loading
        self.stateChanged.emit()

    def _stopped(self) -> None:
        """Playing stopped with the clock ahead of the picture. Paused (Space, K, a step): the play head stays on the
        picture shown, and the clock's frames still decoding are dropped (the picture jumped up to 5 frames on and
        the next I / O marked that frame). At the end of the video or range: on its last frame, still coming."""
        rng = self.playback.range or (0, self.frame_count - 1)
        end = rng[1] if self.playback.direction > 0 else rng[0]
        if self._due == end and not self.playback.loop:
            self._wanted = {end}
            self.current_frame = end
            self.frameChanged.emit(end)
        else:
            self._wanted = {self.current_frame}  # shown already: nothing to decode
            self._due = self.current_frame
