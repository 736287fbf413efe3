"""Sound for the player: a video's audio played from a time at a speed, whose clock the video follows, and the
worker that computes the waveform lane's envelope.

Output goes through PortAudio (`sounddevice`, already installed with MediaPipe; its Windows and macOS wheels bundle
PortAudio, Linux needs the system's libportaudio2). PySide6-Essentials has no QtMultimedia, and PySide6-Addons
(160 MB) links libpulse, which a machine without PulseAudio lacks as well. Where no output can be opened (no
PortAudio, no device: offscreen CI), :meth:`AudioPlayer.start` returns the reason and the video plays silently.

Speed: 0.5x to 2x are played by linear resampling (the pitch goes down or up with the speed, as on a tape);
below 0.5x and in reverse the audio is muted (speech is unintelligible there) and the video runs on the wall clock.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QThread, Signal

from merstudio.io.audio import AudioTrack, Envelope, open_audio

log = logging.getLogger(__name__)

try:  # module level, at start-up: never an import in a worker thread (docs: DEVELOPERS.md)
    import sounddevice as _sd

    _SD_ERROR = ""
except (ImportError, OSError) as exc:  # OSError: "PortAudio library not found"
    _sd = None
    _SD_ERROR = str(exc) or type(exc).__name__

MIN_AUDIBLE_SPEED = 0.5  # slower than this (and in reverse) the audio is muted
BUFFER_SECONDS = 0.4  # decoded audio kept ahead of the output (bounded: never the whole track)

Callback = Callable[[np.ndarray, int], None]  # (outdata (frames, channels) float32 to fill, frames)


class OutputStream(Protocol):
    latency: float

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


class AudioUnavailable(Exception):
    """No sound output can be opened (the reason is the message)."""


def open_sounddevice(sample_rate: int, channels: int, callback: Callback) -> OutputStream:
    """A PortAudio output stream calling ``callback`` from its own thread."""
    if _sd is None:
        raise AudioUnavailable(f"no sound output ({_SD_ERROR}; on Linux install libportaudio2)")

    def cb(outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        callback(outdata, frames)

    try:
        stream = _sd.OutputStream(samplerate=sample_rate, channels=channels, dtype="float32", callback=cb,
                                  latency="low")
    except Exception as exc:  # PortAudioError: no device (offscreen CI), device busy, format refused
        raise AudioUnavailable(f"no sound output ({exc})") from exc
    return stream  # type: ignore[no-any-return]


class _Fifo:
    """Output-rate samples between the decoder thread and the output callback, each block with the number of source
    samples it covers (the clock)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.blocks: deque[tuple[np.ndarray, float]] = deque()
        self.buffered = 0  # output samples queued
        self.eof = False


class AudioPlayer:
    """Plays an :class:`AudioTrack` from a time at a speed. ``position()`` is the source time being heard (the
    video follows it); None when the player does not drive the clock (stopped, the track ended, no output)."""

    def __init__(self, open_output: Callable[[int, int, Callback], OutputStream] = open_sounddevice) -> None:
        self._open_output = open_output
        self.volume = 1.0
        self.muted = False
        self._stream: OutputStream | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._fifo = _Fifo()
        self._start = 0.0
        self._speed = 1.0
        self._rate = 1
        self._channels = 1
        self._consumed = 0.0  # source samples heard since start (the output callback advances it)
        self.error = ""

    @property
    def active(self) -> bool:
        return self._stream is not None

    def start(self, track: AudioTrack, start: float, speed: float) -> str | None:
        """Play ``track`` from ``start`` seconds at ``speed`` (0.5-2). Returns None, or why there is no sound
        (then nothing runs: the caller plays silently)."""
        self.stop()
        self._rate, self._channels = track.sample_rate, track.channels
        self._start, self._speed = float(start), float(speed)
        self._consumed = 0.0
        self._fifo = _Fifo()
        self._stop = threading.Event()
        try:
            stream = self._open_output(track.sample_rate, track.channels, self._callback)
        except AudioUnavailable as exc:
            self.error = str(exc)
            return self.error
        except Exception as exc:  # a backend failing in a way we did not foresee: still silent, never a crash
            log.warning("audio output failed: %s", exc)
            self.error = f"no sound output ({exc})"
            return self.error
        self._thread = threading.Thread(target=self._feed, args=(track, self._fifo, self._stop), daemon=True,
                                        name="audio-decoder")
        self._thread.start()
        self._stream = stream
        try:
            stream.start()
        except Exception as exc:
            self.stop()
            self.error = f"no sound output ({exc})"
            return self.error
        return None

    def stop(self) -> None:
        self._stop.set()
        with self._fifo.cond:
            self._fifo.cond.notify_all()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:  # a device gone away: nothing left to stop
                log.warning("audio output: %s", exc)
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def position(self) -> float | None:
        """The source time (seconds) of the sample being heard, or None when the audio does not drive the clock."""
        if self._stream is None:
            return None
        f = self._fifo
        with f.cond:
            ended = f.eof and f.buffered == 0  # played out (or nothing to play from here: past the track's end)
            consumed = self._consumed
        if ended:
            return None
        latency = float(getattr(self._stream, "latency", 0.0) or 0.0)
        heard = consumed / self._rate - latency * self._speed
        return self._start + max(0.0, heard)

    def wait_buffered(self, samples: int, timeout: float) -> bool:
        """Wait until ``samples`` output samples are queued or the track ended (tests and start-up)."""
        f = self._fifo
        with f.cond:
            return f.cond.wait_for(lambda: f.buffered >= samples or f.eof, timeout)

    # ---------------------------------------------------------------- threads
    def _callback(self, out: np.ndarray, frames: int) -> None:
        """Fill ``out`` (frames, channels) from the fifo; silence on an underrun (the clock then waits too)."""
        f = self._fifo
        got = 0
        covered = 0.0
        with f.cond:
            while got < frames and f.blocks:
                block, src = f.blocks[0]
                take = min(frames - got, block.shape[0])
                out[got:got + take] = block[:take]
                covered += src * take / block.shape[0]
                if take == block.shape[0]:
                    f.blocks.popleft()
                else:
                    f.blocks[0] = (block[take:], src * (block.shape[0] - take) / block.shape[0])
                got += take
            f.buffered -= got
            self._consumed += covered
            f.cond.notify_all()
        out[got:] = 0.0
        gain = 0.0 if self.muted else self.volume
        if gain != 1.0:
            out *= gain

    def _feed(self, track: AudioTrack, f: _Fifo, stop: threading.Event) -> None:
        limit = int(BUFFER_SECONDS * track.sample_rate)
        chunks = track.chunks(self._start, track.channels)
        try:
            for out, src in resample_stream(chunks, self._speed):
                with f.cond:
                    f.cond.wait_for(lambda: f.buffered < limit or stop.is_set())
                    if stop.is_set():
                        return
                    f.blocks.append((out, src))
                    f.buffered += out.shape[0]
                    f.cond.notify_all()
        except Exception as exc:  # a decode error mid-file: the rest plays silently, on the wall clock
            log.warning("%s: audio decoding stopped (%s)", track.path.name, exc)
        finally:
            chunks.close()  # type: ignore[attr-defined]
            with f.cond:
                f.eof = True
                f.cond.notify_all()


def resample_stream(chunks: Iterator[np.ndarray], speed: float) -> Iterator[tuple[np.ndarray, float]]:
    """Play-rate blocks of a stream of source chunks at ``speed`` (linear interpolation: output sample j is source
    sample j * speed), each with the number of source samples it covers. At 1x the samples pass unchanged."""
    if speed == 1.0:
        for c in chunks:
            yield c, float(c.shape[0])
        return
    buf: np.ndarray | None = None
    pos = 0.0  # source index (in buf) of the next output sample
    for c in chunks:
        buf = c if buf is None else np.concatenate([buf, c])
        last = buf.shape[0] - 1  # interpolation needs the sample after
        if last <= pos:
            continue
        n = int(np.floor((last - pos) / speed))
        if n <= 0:
            continue
        idx = pos + np.arange(n) * speed
        i0 = np.floor(idx).astype(np.int64)
        frac = (idx - i0).astype(np.float32)[:, None]
        out = buf[i0] * (1.0 - frac) + buf[i0 + 1] * frac
        pos += n * speed
        drop = int(np.floor(pos))
        buf, pos = buf[drop:], pos - drop
        yield out.astype(np.float32), n * speed


class EnvelopeWorker(QThread):
    """Opens a video's audio and computes its waveform envelope off the GUI thread (streamed, bounded memory)."""

    opened = Signal(object)  # AudioTrack or None (no audio: the lane stays hidden)
    envelopeReady = Signal(object)  # Envelope
    progress = Signal(int, int)

    def __init__(self, path: str | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.path = path
        self._cancel = threading.Event()
        self.track: AudioTrack | None = None
        self.envelope: Envelope | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        track = open_audio(self.path) if self.path else None
        self.track = track
        self.opened.emit(track)
        if track is None or self._cancel.is_set():
            return
        try:
            env = track.kept_envelope(progress=lambda d, t: self.progress.emit(d, t), cancel=self._cancel.is_set)
        except Exception as exc:  # a file that decodes at the start but not further: no lane, sound as far as it goes
            log.warning("%s: audio waveform failed (%s)", track.path.name, exc)
            return
        if env is not None and not self._cancel.is_set():
            self.envelope = env
            self.envelopeReady.emit(env)
