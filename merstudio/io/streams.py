"""What a video file says about its pictures that OpenCV's capture does not pass on, read with PyAV's demuxer (and,
for the display matrix, one decoded frame): the file's other video streams (OpenCV decodes the first: a dual-camera
or picture-in-picture file whose players show another one is analysed on that first one), the full display matrix
(OpenCV reads only its angle: a mirrored phone video reads as turned 180°), and the rate and length FFmpeg guesses
where the container's time base is no frame rate (raw DV: OpenCV reports 60000 fps).

Kept per version of a file (path, size, modification time) in the process: every open of a video asks."""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

_DECODE_PACKETS = 300  # packets read for the first frame (its side data holds the display matrix)


@dataclass(frozen=True)
class Picture:
    """One video stream of a file (a cover image is none)."""

    index: int  # among all the file's streams: ffmpeg's 0:N
    number: int  # among its video streams: ffmpeg's 0:v:N
    width: int
    height: int
    default: bool  # the "default" disposition: what players and ffmpeg pick

    def describe(self) -> str:
        return f"#{self.index} ({self.width}x{self.height}{', default' if self.default else ''})"


@dataclass(frozen=True)
class Orientation:
    """How a mirroring display matrix turns the decoded picture into what players show: transpose first (a quarter
    turn), then flip left-right and/or top-bottom."""

    transpose: bool
    hflip: bool
    vflip: bool

    def apply(self, img: np.ndarray) -> np.ndarray:
        if self.transpose:
            img = img.transpose(1, 0, *range(2, img.ndim))
        if self.hflip:
            img = img[:, ::-1]
        if self.vflip:
            img = img[::-1]
        return np.ascontiguousarray(img)


@dataclass(frozen=True)
class StreamFacts:
    pictures: tuple[Picture, ...] = ()  # the file's video streams, in file order; OpenCV decodes the first
    mirror: Orientation | None = None  # the first stream's display matrix where it mirrors the picture
    guessed_rate: float | None = None  # FFmpeg's guess at the first stream's frame rate (r_frame_rate)
    duration_s: float | None = None  # the first stream's duration, where the stream states one
    counted_start_s: float = 0.0  # a start offset the container's duration counts (Matroska: the segment's clock)

    def other_streams_note(self, path: Path) -> str:
        """One line where the file holds more than one video stream: which is analysed, which the others are, and
        how to analyse another; "" for one stream."""
        if len(self.pictures) < 2:
            return ""
        # its first clause is what a status bar keeps (gui.reencode.short_note cuts at the first " (")
        return (f"{path}: only the first of its {len(self.pictures)} video streams is analysed "
                f"({self._streams_text()}; merstudio analyses {self.pictures[0].describe()}); to analyse another, "
                f"such as {self._extract_hint(path)}")

    def copy_refusal(self, path: Path) -> str:
        """One line refusing to re-encode a file of several video streams (a copy holds one picture: the others
        would be lost, unsaid); "" for one stream."""
        if len(self.pictures) < 2:
            return ""
        return (f"{path}: {self._streams_text()}; a re-encoded copy holds only the first, "
                f"{self.pictures[0].describe()}, and would lose the others: to copy another, such as "
                f"{self._extract_hint(path)}, and re-encode that")

    def _streams_text(self) -> str:
        return f"the file holds {len(self.pictures)} video streams: {', '.join(p.describe() for p in self.pictures)}"

    def _extract_hint(self, path: Path) -> str:
        """The stream players show (default disposition, else the largest) among the others, and the ffmpeg
        command that extracts it with the sound, without re-encoding."""
        first, others = self.pictures[0], self.pictures[1:]
        pick = next((p for p in others if p.default and not first.default), None)
        other = pick or max(others, key=lambda p: p.width * p.height)
        why = " (the one players and ffmpeg show)" if pick is not None else ""
        return (f"{other.describe()}{why}, extract it first: ffmpeg -i {path.name} -map 0:v:{other.number} "
                f"-map 0:a? -c copy {path.stem}.v{other.number}{path.suffix}")


def mirror_of(matrix: np.ndarray) -> Orientation | None:
    """The flips and quarter turn of an FFmpeg display matrix (9 int32: a b u / c d v / x y w, a-d in 16.16 fixed
    point) that mirrors the picture (negative determinant); None for none, a pure rotation (OpenCV turns those) or
    an angle that is no quarter turn. Checked against the ffmpeg command line's own turning of every case."""
    a, b, c, d = (float(matrix[k]) / 65536.0 for k in (0, 1, 3, 4))
    if a * d - b * c >= 0:
        return None
    if abs(b) < 1e-3 and abs(c) < 1e-3:
        return Orientation(False, a < 0, d < 0)
    if abs(a) < 1e-3 and abs(d) < 1e-3:
        return Orientation(True, c < 0, b < 0)
    return None


def stream_facts(path: str | os.PathLike[str]) -> StreamFacts:
    """The facts of `path` (empty where PyAV cannot read it: the frames OpenCV decodes then stand alone)."""
    try:
        st = os.stat(path)
    except OSError:
        return StreamFacts()
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device: reading it here would take what the decoder needs
        return StreamFacts()
    return _facts(os.path.abspath(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _facts(path: str, size: int, mtime_ns: int) -> StreamFacts:
    try:
        import av
    except ImportError:
        return StreamFacts()
    try:
        with av.open(path) as container:
            attached = av.stream.Disposition.attached_pic
            streams = [s for s in container.streams.video if not s.disposition & attached]
            if not streams:
                return StreamFacts()
            default = av.stream.Disposition.default
            pictures = tuple(Picture(s.index, n, int(s.codec_context.width), int(s.codec_context.height),
                                     bool(s.disposition & default)) for n, s in enumerate(container.streams.video)
                             if not s.disposition & attached)
            first = streams[0]
            rate = first.guessed_rate
            duration = (float(Fraction(first.duration) * first.time_base)
                        if first.duration and first.time_base is not None else None)
            start = (container.start_time or 0) / 1e6 if container.format.name.startswith("matroska") else 0.0
            mirror = _mirror(container, first)
    except (av.FFmpegError, OSError, ValueError, IndexError):
        return StreamFacts()
    return StreamFacts(pictures, mirror, float(rate) if rate else None, duration, max(0.0, start))


def _mirror(container: object, stream: object) -> Orientation | None:
    """The mirroring of the first frame's display matrix (the decoder puts the stream's on each frame)."""
    import av

    try:
        for n, packet in enumerate(container.demux(stream)):  # type: ignore[attr-defined]
            for frame in packet.decode():
                # Looked up by name: iterating the container gives the data up to PyAV 18.1.0, its types after
                data = frame.side_data.get("DISPLAYMATRIX")
                if data is not None and data.buffer_size >= 36:
                    return mirror_of(np.frombuffer(bytes(data), dtype="<i4", count=9))
                return None
            if n >= _DECODE_PACKETS:
                break
    except av.FFmpegError:
        pass
    return None
