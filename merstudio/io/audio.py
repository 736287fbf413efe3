"""A video's audio track, decoded with PyAV (FFmpeg): a min/max envelope for the waveform lane and PCM chunks for
playback. Qt-free.

``open_audio(path)`` returns an :class:`AudioTrack`, or None when there is nothing to play: a folder of frames, an
image, a file without an audio stream, or one whose audio cannot be decoded (then one warning line is logged).
Nothing here holds a whole track's PCM: both :meth:`AudioTrack.envelope` and :meth:`AudioTrack.chunks` stream the
file a block at a time (an hour at 48 kHz is 173 M samples; its envelope is 240 k bins, 1.9 MB)
and open their own decoder, so a worker thread and the player can read the same file at once.

Times are seconds from the video's frame 0 (:func:`time_origin`), where the frame sources put time 0, and each
decoded frame is at its own time (a hole in the stream is silence, not sound pulled early); samples are float32 in
[-1, 1].
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

try:  # imported with the module, never first inside a worker thread (an import there holds the GIL)
    import av
    from av.audio.frame import AudioFrame
    from av.audio.stream import AudioStream
    from av.container import InputContainer

    _AV_ERROR = ""
except ImportError as _exc:  # a broken install: every video plays silently, and the log says why
    av = None  # type: ignore[assignment]
    _AV_ERROR = str(_exc)

log = logging.getLogger(__name__)

ENVELOPE_BINS_PER_SECOND = 200.0  # 5 ms bins: syllables are visible when zoomed in to a second
ENVELOPE_MAX_BINS = 240_000  # 20 minutes at 200 bins/s; longer tracks get wider bins (an hour: 15 ms)


def envelope_rate(duration: float) -> float:
    """Bins per second for a track of ``duration`` seconds: 200, fewer past 20 minutes so that the waveform lane
    draws at most ENVELOPE_MAX_BINS bins (an hour: 67 bins/s, still finer than a syllable)."""
    if duration <= 0:
        return ENVELOPE_BINS_PER_SECOND
    return min(ENVELOPE_BINS_PER_SECOND, ENVELOPE_MAX_BINS / duration)
# Envelopes computed before, by file version (path, size, mtime), time origin and bin rate: a switch back to a
# video drew its waveform again from the whole track (2.4 s of a core for 20 minutes of AAC, the lane empty
# meanwhile). At most ENVELOPE_MAX_BINS bins each: 1.9 MB, so a project's worth is kept.
_ENVELOPES: OrderedDict[tuple[object, ...], Envelope] = OrderedDict()
_ENVELOPES_KEPT = 8
_ENVELOPES_LOCK = threading.Lock()  # filled by the app's envelope workers
_BLOCK_SAMPLES = 1 << 16  # samples gathered before binning (fewer numpy calls per second of audio)
CLOCK_SLACK = 0.002  # s a frame of sound may lie off its time and go as it is (Matroska keeps ms times)
_ORIGIN_PACKETS = 300  # video packets read for the first frame before time_origin falls back on the stream's start


def time_origin(path: str | Path) -> Fraction:
    """Where time 0 of the media file at ``path`` lies on its clock, in seconds: the presentation time of the first
    video frame that decodes, the frame sources' frame 0 (they count frame times from it); the video stream's start
    where that frame has no time or cannot be decoded here, the container's start in a file without a picture.
    Every reader of a video's sound counts from here (the audio lane, playback, a re-encoded copy), so a sound at
    frame i's time plays with frame i also where the picture starts after the sound (an MPEG-TS mux delay,
    B-frames in an MP4 without an edit list, a video stream that starts late). Raises av.FFmpegError when the file
    cannot be opened."""
    with av.open(str(path)) as container:
        origin = Fraction(container.start_time or 0, 1_000_000)  # AV_TIME_BASE
        pictures = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if not pictures:
            return origin  # sound only (a cover image is no picture)
        stream = pictures[0]
        if stream.start_time is not None and stream.time_base is not None:
            origin = Fraction(stream.start_time) * stream.time_base
        try:
            for n, packet in enumerate(container.demux(stream)):  # the last, empty packet flushes the decoder
                for frame in packet.decode():
                    if frame.pts is not None and frame.time_base is not None:
                        return Fraction(frame.pts) * frame.time_base
                    return origin
                if n >= _ORIGIN_PACKETS:
                    break
        except av.FFmpegError:  # a codec FFmpeg lacks here, a damaged start
            pass
        return origin


@dataclass(frozen=True)
class Envelope:
    """The min and max sample (over all channels) of each bin of ``1 / rate`` seconds; bin k starts at
    ``start + k / rate`` seconds."""

    rate: float
    lo: np.ndarray  # float32 (n,)
    hi: np.ndarray  # float32 (n,)
    start: float = 0.0

    def __len__(self) -> int:
        return len(self.lo)

    @property
    def times(self) -> np.ndarray:
        """Each bin's start time in seconds."""
        return self.start + np.arange(len(self.lo), dtype=np.float64) / self.rate

    @property
    def duration(self) -> float:
        return len(self.lo) / self.rate


@dataclass(frozen=True)
class AudioTrack:
    """The first audio stream of a media file. Cheap to keep: every read opens its own decoder."""

    path: Path
    sample_rate: int
    channels: int  # 1 or 2: more are downmixed to stereo for playback; the envelope reads all of them
    duration: float  # seconds, from the container (0.0 when it does not say)
    codec: str
    stream_index: int
    origin: float  # time_origin in seconds: times here are relative to it

    def _open(self) -> tuple[InputContainer, AudioStream]:
        container = av.open(str(self.path))
        return container, container.streams.audio[0]

    def envelope(self, bins_per_second: float | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> Envelope | None:
        """Min/max of every ``1 / bins_per_second`` seconds (default: :func:`envelope_rate` of the duration) over
        the whole track, streamed (bounded memory). ``progress(done_ms, total_ms)``; None when cancelled."""
        if bins_per_second is None:
            bins_per_second = envelope_rate(self.duration)
        total_ms = max(1, int(self.duration * 1000))
        binner = _Binner(self.sample_rate, float(bins_per_second))
        start: int | None = None  # the first sample's index on the clock
        container, stream = self._open()
        resampler = av.AudioResampler(format="fltp", layout=None, rate=self.sample_rate)
        pending: list[np.ndarray] = []
        pending_n = 0
        try:
            for at, arr in _on_clock(container.decode(stream), resampler, self.origin, self.sample_rate):
                if cancel is not None and cancel():
                    return None
                if at < 0:  # the sound before time 0 (before the first frame) is not drawn
                    arr, at = arr[:, -at:], 0
                if start is None and arr.shape[1]:
                    start = at
                pending.append(arr)
                pending_n += arr.shape[1]
                if pending_n >= _BLOCK_SAMPLES:
                    self._bin(binner, pending, progress, total_ms)
                    pending, pending_n = [], 0
            if pending_n:
                self._bin(binner, pending, progress, total_ms)
        finally:
            container.close()
        lo, hi = binner.finish()
        if progress is not None:
            progress(total_ms, total_ms)
        return Envelope(float(bins_per_second), lo, hi, (start or 0) / self.sample_rate)

    def kept_envelope(self, progress: Callable[[int, int], None] | None = None,
                      cancel: Callable[[], bool] | None = None) -> Envelope | None:
        """:meth:`envelope` at the default rate, or the one computed before for this version of the file (a
        changed file, by size or time, is read again); None when cancelled."""
        try:
            st = self.path.stat()
        except OSError:
            return self.envelope(progress=progress, cancel=cancel)
        key = (str(self.path.resolve()), st.st_size, st.st_mtime_ns, self.origin, envelope_rate(self.duration))
        with _ENVELOPES_LOCK:
            env = _ENVELOPES.get(key)
            if env is not None:
                _ENVELOPES.move_to_end(key)
        if env is None:
            env = self.envelope(progress=progress, cancel=cancel)
            if env is None:
                return None
            with _ENVELOPES_LOCK:
                _ENVELOPES[key] = env
                while len(_ENVELOPES) > _ENVELOPES_KEPT:
                    _ENVELOPES.popitem(last=False)
        elif progress is not None:
            total_ms = max(1, int(self.duration * 1000))
            progress(total_ms, total_ms)
        return env

    def _bin(self, binner: _Binner, pending: list[np.ndarray], progress: Callable[[int, int], None] | None,
             total_ms: int) -> None:
        block = np.concatenate(pending, axis=1) if len(pending) > 1 else pending[0]
        binner.push(block.min(axis=0), block.max(axis=0))  # over channels, per sample
        if progress is not None:
            progress(min(total_ms, int(binner.samples * 1000 / self.sample_rate)), total_ms)

    def chunks(self, start: float = 0.0, channels: int | None = None) -> Iterator[np.ndarray]:
        """PCM from ``start`` seconds on, as float32 arrays (n, channels) at ``sample_rate``: the first sample of
        the first chunk is the one at ``start`` (silence is prepended when the track begins later). ``channels``:
        1 (mono mix) or 2 (stereo); default: the track's (2 when it has more). Close the iterator to free the
        decoder."""
        ch = channels or self.channels
        layout = "mono" if ch == 1 else "stereo"
        container, stream = self._open()
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=self.sample_rate)
        try:
            if start > 0:
                target = start + self.origin
                container.seek(int(max(0.0, target - 0.5) / float(stream.time_base or 1)), stream=stream,
                               backward=True)
            want = int(round(start * self.sample_rate))  # the clock's index of the next sample to give
            for at, arr in _on_clock(container.decode(stream), resampler, self.origin, self.sample_rate):
                if at > want:  # the audio starts after `start`: silence first
                    yield np.zeros((at - want, ch), np.float32)
                    want = at
                part = arr[:, want - at:]  # the samples before `start` dropped
                want = max(want, at + arr.shape[1])
                if part.shape[1]:
                    yield np.ascontiguousarray(part.T, dtype=np.float32)
        finally:
            container.close()

    def read(self, start: float, seconds: float, channels: int | None = None) -> np.ndarray:
        """``seconds`` of PCM from ``start`` (shorter at the end of the track): (n, channels) float32."""
        want = int(round(seconds * self.sample_rate))
        parts: list[np.ndarray] = []
        got = 0
        it = self.chunks(start, channels)
        try:
            for c in it:
                parts.append(c[: want - got])
                got += parts[-1].shape[0]
                if got >= want:
                    break
        finally:
            it.close()  # type: ignore[attr-defined]
        ch = channels or self.channels
        return np.concatenate(parts) if parts else np.zeros((0, ch), np.float32)


class _Binner:
    """Min/max per bin of a stream of samples pushed in blocks; bin k holds samples [edge(k), edge(k + 1))."""

    def __init__(self, sample_rate: int, rate: float) -> None:
        self.sr, self.rate = sample_rate, rate
        self.k = 0  # the next bin to finish
        self.samples = 0  # samples pushed
        self.tail_lo = self.tail_hi = np.zeros(0, np.float32)  # samples of bin k seen so far
        self.los: list[np.ndarray] = []
        self.his: list[np.ndarray] = []

    def edge(self, k: int) -> int:
        return int(math.ceil(k * self.sr / self.rate - 1e-9))

    def push(self, lo: np.ndarray, hi: np.ndarray) -> None:
        self.samples += len(lo)
        lo = np.concatenate([self.tail_lo, lo])
        hi = np.concatenate([self.tail_hi, hi])
        base = self.edge(self.k)
        end = base + len(lo)
        last = int(math.floor(end * self.rate / self.sr))  # bins k..last-1 are complete
        while self.edge(last + 1) <= end:
            last += 1
        while last > self.k and self.edge(last) > end:
            last -= 1
        if last > self.k:
            cut = self.edge(last) - base
            ks = np.arange(self.k, last, dtype=np.float64)
            starts = np.ceil(ks * self.sr / self.rate - 1e-9).astype(np.int64) - base
            self.los.append(np.minimum.reduceat(lo[:cut], starts).astype(np.float32))
            self.his.append(np.maximum.reduceat(hi[:cut], starts).astype(np.float32))
            lo, hi = lo[cut:], hi[cut:]
            self.k = last
        self.tail_lo, self.tail_hi = lo, hi

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self.tail_lo):  # the last, shorter bin
            self.los.append(np.array([self.tail_lo.min()], np.float32))
            self.his.append(np.array([self.tail_hi.max()], np.float32))
            self.tail_lo = self.tail_hi = np.zeros(0, np.float32)
            self.k += 1
        lo = np.concatenate(self.los) if self.los else np.zeros(0, np.float32)
        hi = np.concatenate(self.his) if self.his else np.zeros(0, np.float32)
        return lo, hi


def _on_clock(frames: Iterator[AudioFrame], resampler: av.AudioResampler, origin: float,
              rate: int) -> Iterator[tuple[int, np.ndarray]]:
    """The decoded `frames` through `resampler` (to `rate`) as (index, samples (channels, n)): index on a clock of
    `rate` samples a second from `origin`, so that each frame is at its own time and the pieces after the first are
    contiguous: silence (a second a piece) fills a hole, where a recorder dropped sound, and samples on time already
    given are dropped. A frame within CLOCK_SLACK of the clock goes as it is (times rounded to the millisecond)."""
    done: int | None = None  # the clock's index of the next sample
    slack = round(CLOCK_SLACK * rate)
    for frame in itertools.chain(frames, [None]):  # None: the resampler's flush
        for out in resampler.resample(frame):
            arr = out.to_ndarray()
            at = done if out.pts is None or out.time_base is None else round(
                (float(out.pts * out.time_base) - origin) * rate)
            if done is None:
                done = at or 0
            elif at is not None and at - done > slack:
                while done < at:
                    n = min(rate, at - done)
                    yield done, np.zeros((arr.shape[0], n), arr.dtype)
                    done += n
            elif at is not None and done - at > slack:
                arr = arr[:, done - at:]
            yield done, arr
            done += arr.shape[1]


def open_audio(path: str | Path) -> AudioTrack | None:
    """The first audio stream of a media file, or None: a folder or an image, no audio stream, or audio that
    cannot be decoded (one warning line in the log; the caller plays the video silently)."""
    p = Path(path)
    if not p.is_file():
        return None
    if av is None:
        log.warning("%s: audio not available (PyAV: %s)", p.name, _AV_ERROR)
        return None
    try:
        with av.open(str(p)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            ctx = stream.codec_context
            rate = int(ctx.sample_rate or stream.rate or 0)
            if rate <= 0:
                log.warning("%s: audio stream without a sample rate; playing without sound", p.name)
                return None
            duration = 0.0
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            origin = time_origin(p)
            # one packet must decode: a stream whose codec FFmpeg lacks fails here, not in the player
            decoded = False
            for frame in container.decode(stream):
                decoded = frame.samples > 0
                break
            if not decoded:
                log.warning("%s: the audio stream decodes to nothing; playing without sound", p.name)
                return None
            channels = 1 if (ctx.channels or 1) == 1 else 2
            return AudioTrack(p, rate, channels, duration, str(ctx.name), int(stream.index), float(origin))
    except Exception as exc:  # av.FFmpegError and friends: a damaged or unsupported file
        log.warning("%s: audio cannot be decoded (%s); playing without sound", p.name, exc)
        return None
