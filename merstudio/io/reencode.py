"""Re-encode a video for fast, exact seeking: frequent keyframes and a constant frame rate, streamed frame by frame
through cv2.VideoWriter (never the whole video in memory). The source's sound comes along: PyAV muxes its first
audio stream with the new picture, copied where the container takes its codec, else converted (AUDIO), on the
source's clock (a sound at t s stays at t s, also when a variable-rate picture is resampled).

The frames go to a hidden temporary beside the output (`.<name>.<token>.part<suffix>`: FFmpeg picks the container by
the suffix), joined with the sound into a second one, renamed over the output once complete: a cancel, an error or
Ctrl-C removes them and leaves an existing output as it was (also after a Ctrl-C whose exception C code dropped or
code swallowed: `merstudio.interrupts`). A kill (SIGTERM, SIGHUP, SIGKILL) leaves them; they are locked while
written (`merstudio.atomic.temp_beside`), so the next write of the same output removes them. Sound that cannot be
written makes a copy without sound and one line
(`ReencodeResult.audio_warning`), never a failure. A full disk, a quota or a file size limit (`ulimit -f`) is an
OutputError naming the output, with the output left as it was: cv2.VideoWriter ignores failed writes, so each
temporary is read back (`_check_written`: its frames counted) before it replaces anything."""

from __future__ import annotations

import errno
import heapq
import itertools
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from merstudio.atomic import check_not_input, check_not_special, temp_beside, write_target
from merstudio.errors import InputError, OutputError, no_room
from merstudio.interrupts import stop_if_interrupted
from merstudio.io.audio import CLOCK_SLACK, time_origin
from merstudio.io.frames import IMAGE_EXTENSIONS, open_source
from merstudio.io.streams import stream_facts

# Container suffix -> fourcc. MJPG is all-intra (every frame a keyframe); mp4v gets a keyframe every `keyint`
# frames where the OpenCV build honours VIDEOWRITER_PROP_KEY_INTERVAL and every 12 (OpenCV's fixed GOP) otherwise.
CODECS = {".avi": "MJPG", ".mp4": "mp4v", ".mov": "mp4v", ".m4v": "mp4v", ".mkv": "mp4v"}
# Container suffix -> (audio codecs copied as they are, the codec other audio is converted to): what players take in
# each (FFmpeg would also put AAC or FLAC in an AVI, which few players read). AVI gets 16-bit PCM: lossless, and
# small beside MJPG pictures.
_MPEG4_AUDIO = frozenset({"aac", "mp3", "alac", "ac3", "eac3"})
AUDIO = {".avi": (frozenset({"pcm_s16le", "pcm_u8", "mp3", "mp2", "ac3"}), "pcm_s16le"),
         ".mp4": (_MPEG4_AUDIO, "aac"), ".m4v": (_MPEG4_AUDIO - {"mp3"}, "aac"),  # Apple's M4V takes no MP3
         ".mov": (_MPEG4_AUDIO | {"pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_f32le"}, "aac"),
         ".mkv": (_MPEG4_AUDIO | {"opus", "vorbis", "flac", "mp2", "pcm_s16le", "pcm_f32le"}, "aac")}
# Where a copied sound's first packet may lie, s from frame 0: AVI keeps no start offset, Matroska none before
# the start (an AAC or MP3 encoder's priming, which MP4 trims with an edit list, would play and delay the sound).
# Sound outside is converted (to PCM or AAC, which starts at 0: silence fills the time before the sound).
_COPY_LEAD = {".avi": (0.0, 0.0), ".mkv": (0.0, math.inf)}
AUDIO_BITRATE = 96_000  # per channel, for AAC: transparent for speech
_AAC_PRIMING = 1024  # samples FFmpeg's AAC encoder puts before the sound (its initial padding)
WRITER_KEYINT_LIMIT = 2**31 - 1  # cv2.VideoWriter takes its parameters as C ints
WRITER_FPS_LIMIT = 65_535.0  # MPEG-4 part 2 keeps its clock in 16 bits: FFmpeg opens no writer for a faster rate
# OpenCV's FFmpeg AVI writer keeps a faster clip's clock at 600 fps and drops frames (1200 fps: 302 of 750 read
# back), with no error: such a rate is refused before any frame is written (`rate_refusal`); MPEG-4 takes it
FPS_LIMITS = {".avi": 1000.0}
STRETCH = 9  # frame intervals: the shortest run of frames whose rate counts (a lone short frame does not)
ROOM_SLACK = 1 << 20  # bytes: a write FFmpeg lost leaves less than this free (its buffers are 32 kB), or under the limit
STANDARD_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0, 90.0, 100.0, 119.88, 120.0, 240.0)


@dataclass(frozen=True)
class ReencodeResult:
    path: Path
    frames: int  # frames written
    fps: float
    fourcc: str
    max_keyframe_gap: int  # largest distance between keyframes measured in the output's first 100 frames
    complete: bool  # False when cancelled (the partial file is removed)
    audio: str = ""  # the copy's sound: "aac, copied", "pcm_s16le, from aac"; "" none
    audio_warning: str = ""  # one line: the source has sound and the copy has none (why)
    source_frames: int = 0  # input frames read
    resampled: bool = False  # True: the copy's frame numbers are not the input's (frame k is at k / fps s)
    left_out: int = 0  # input frames no frame of the copy shows (each shorter than a frame of the copy)
    frames_warning: str = ""  # one line when left_out: how many, and the rate that keeps every one


def describe(res: ReencodeResult, measured: bool = False) -> str:
    """What a copy is, for the CLI's line and the app's: frames, rate (and that its frame numbers are not the
    input's where it was resampled), codec, keyframe spacing (`measured`: where), sound."""
    gap = "every frame a keyframe" if res.max_keyframe_gap == 1 else \
        f"a keyframe every {res.max_keyframe_gap} frames at most"
    resampled = f" (resampled from {res.source_frames} input frames: its frame numbers are not the input's)" \
        if res.resampled else ""
    where = " (measured in its first 100 frames)" if measured else ""
    sound = f", sound: {res.audio}" if res.audio else ""
    return f"{res.frames} frames at {res.fps:g} fps{resampled}, {res.fourcc}, {gap}{where}{sound}"


def reencode(src: str | os.PathLike[str], dst: str | os.PathLike[str], keyint: int = 12, fps: float | None = None,
             overwrite: bool = False, progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> ReencodeResult:
    """Write `src` (a video or frame folder) to `dst` (.avi: MJPG, .mp4/.mov/.m4v/.mkv: MPEG-4 part 2).

    A variable-frame-rate source is resampled to a constant `fps` (default: the rate of its fastest stretch,
    `fastest_rate`, so that a clip that slows down keeps every frame): each output frame shows the source frame
    nearest its time, never one that starts half a frame or more after it (`_showings`), so the output's frame
    indices are those of a constant-rate clock and a hole becomes repeated frames. A source frame shorter than a
    frame of the copy may be shown by none: `left_out` counts them and `frames_warning` says so in one line. A
    constant-rate source keeps every frame and its indices. The source's first audio stream keeps its times in the
    copy (`_add_audio`).
    """
    dst = Path(dst).expanduser()
    if fps is not None and not 0 < fps <= WRITER_FPS_LIMIT:  # NaN too
        raise InputError(f"{dst}: fps must be a positive number up to {WRITER_FPS_LIMIT:g}, got {fps:g}")
    check_not_special(dst)  # a FIFO or device at dst: refused before minutes of encoding
    fourcc = check_output(src, dst, keyint, overwrite)
    if fps is not None and (refusal := rate_refusal(dst, fps)):
        raise InputError(refusal)
    if refusal := stream_facts(Path(src).expanduser()).copy_refusal(Path(src)):
        raise InputError(refusal)  # the copy would drop a recording without a word (a dual-camera file)
    kept_as_it_was = dst.exists()
    target = write_target(dst)  # a symlink output: the file it points to gets the copy, the link stays
    with temp_beside(target, keep_suffix=True) as tmp, temp_beside(target, keep_suffix=True) as muxed:
        # cancelled, failed or interrupted: both go at the exit; killed: the next write of dst removes them
        try:
            written, rate, cancelled, kept = _write(src, tmp, dst, fourcc, keyint, fps, progress, cancel)
            audio: str | None = ""
            note = ""
            if not cancelled:
                _check_written(tmp, dst, written, kept_as_it_was)
                try:
                    audio = _add_audio(Path(src).expanduser(), tmp, muxed, Fraction(written) / Fraction(rate),
                                       cancel)
                except (av.FFmpegError, ValueError) as exc:  # a codec or layout PyAV or the container cannot take
                    room = _no_room(muxed, exc)
                    if room:  # the disk, not the sound: no copy at all rather than one without sound
                        raise OutputError(_cannot_write(dst, room, kept_as_it_was)) from None
                    note = f"{dst}: the sound of {Path(src).name} cannot be put in a {dst.suffix} file ({exc}); " \
                           f"the copy has the picture only"
            if cancelled or audio is None:  # None: cancelled while the sound was added
                return ReencodeResult(dst, written, rate, fourcc, 0, complete=False)
            if audio:
                _check_written(muxed, dst, written, kept_as_it_was)
            stop_if_interrupted()  # after a Ctrl-C (its exception maybe dropped in C) the old output stays
            os.replace(muxed if audio else tmp, target)
        except OSError as exc:  # a write the file system refused (the rename: its own reason)
            why = _no_room(tmp, exc) or (exc.strerror or str(exc) if exc.filename is not None and
                                         Path(exc.filename) in (tmp, muxed, dst) else "")
            if not why:
                raise  # not the output's (the input's, say open_source's)
            raise OutputError(_cannot_write(dst, why, kept_as_it_was)) from None
    return ReencodeResult(dst, written, rate, fourcc, _max_keyframe_gap(dst), complete=True, audio=audio,
                          audio_warning=note, source_frames=kept.read, resampled=kept.resampled(written),
                          left_out=kept.left_out, frames_warning=kept.warning(dst, rate))


def check_output(src: str | os.PathLike[str], dst: str | os.PathLike[str], keyint: int = 12,
                 overwrite: bool = False) -> str:
    """Refuse, in one line, an output `reencode` cannot write (before any frame is decoded); returns its fourcc."""
    dst = Path(dst).expanduser()
    fourcc = CODECS.get(dst.suffix.lower())
    if fourcc is None:
        raise OutputError(f"{dst}: unsupported output type (use {', '.join(sorted(CODECS))})")
    if not 1 <= keyint <= WRITER_KEYINT_LIMIT:
        raise OutputError(f"{dst}: keyint must be from 1 to {WRITER_KEYINT_LIMIT}, got {keyint}")
    check_not_input(dst, src, "; write the re-encoded copy to another file")
    if dst.is_dir():
        raise OutputError(f"{dst}: is a folder; give the file to write")
    if dst.exists() and not overwrite:
        raise OutputError(f"{dst}: already exists (pass overwrite=True to replace it)")
    if not dst.parent.is_dir():
        raise OutputError(f"{dst}: folder {dst.parent} does not exist")
    return fourcc


def fastest_rate(times: np.ndarray) -> float:
    """The rate of the fastest stretch of a variable-rate video's frame times `times` (s), the default rate of its
    copy: 30 fps for a phone's clip that drops from 30 fps to 15 in low light (1 / the median interval, 15, left out
    every other frame of the 30-fps part). A stretch is STRETCH intervals (their median: a lone short frame is no
    stretch); its rate is the mean of all intervals within 10 % of that median (a millisecond clock times 30 fps
    33, 33 and 34 ms apart), taken as the standard rate within 0.2 % of it, if any."""
    d = np.diff(np.asarray(times, np.float64))
    d = d[d > 0]
    if not len(d):
        return STANDARD_RATES[4]
    runs = np.lib.stride_tricks.sliding_window_view(d, min(STRETCH, len(d)))
    fast = min(float(np.median(runs[k:k + 65_536], axis=1).min()) for k in range(0, len(runs), 65_536))
    rate = 1.0 / float(d[(d >= 0.9 * fast) & (d <= 1.1 * fast)].mean())
    standard = min(STANDARD_RATES, key=lambda r: abs(r - rate))
    return standard if abs(standard - rate) <= 0.002 * rate else min(round(rate, 3), WRITER_FPS_LIMIT)


def _showings(times: np.ndarray, end: float, rate: float) -> np.ndarray:
    """How many frames of the copy at `rate` show each input frame (`times`: their start, s, from 0; the last ends
    at `end`). Output frame k (at k / rate s) shows the input frame nearest its time among the latest at or before
    it and the next, if that starts less than half an output frame after it (of two as near, the earlier): a frame
    that starts a little after an output frame's time still gets it (a millisecond clock times 30 fps 33, 67,
    100 ms: showing the latest frame at or before each lost 11 of 36), a hole is filled by the frame before it,
    never by a later one, and a frame shorter than an output frame may be shown by none."""
    t = np.asarray(times, np.float64) * rate  # in output frames
    # as many output frames as the input's length makes, to the nearest (a millisecond clock's 67 ms for a frame
    # of 66.7 made one more)
    k = np.arange(max(1, math.ceil(end * rate - 0.5)), dtype=np.float64)
    at = np.maximum(np.searchsorted(t, k + 1e-6, side="right") - 1, 0)
    nxt = np.minimum(at + 1, len(t) - 1)
    later = (nxt > at) & (t[nxt] < k + 0.5 - 1e-6) & (t[nxt] - k < k - t[at] - 1e-6)
    return np.bincount(np.where(later, nxt, at), minlength=len(t))


def rate_refusal(dst: str | os.PathLike[str], rate: float, given: bool = True) -> str:
    """Why a copy at `rate` fps cannot be written to `dst`'s container type (`FPS_LIMITS`), in one line; '' when it
    can. `given`: the rate is --fps's, else the input's own."""
    dst = Path(dst)
    limit = FPS_LIMITS.get(dst.suffix.lower(), WRITER_FPS_LIMIT)
    if rate <= limit:
        return ""
    what = f"--fps {rate:g}" if given else f"the input's rate is {rate:g} fps"
    return (f"{dst}: {dst.suffix} ({CODECS[dst.suffix.lower()]}) holds at most {limit:g} fps ({what}); use .mp4 "
            f"(or .mov, .mkv), or --fps {limit:g} or less")


@dataclass
class _Kept:
    """What a resampling kept of the input (`_write`)."""

    read: int = 0  # input frames read
    left_out: int = 0  # of them, shown by no output frame
    first_left: tuple[int, float] | None = None  # the first left out: its index and time (s)
    shortest: float = math.inf  # the shortest input frame (s): 1 / it is a rate that keeps every one
    exact: bool = True  # every input frame is one output frame: the frame numbers are the input's

    def resampled(self, written: int) -> bool:
        return not (self.exact and written == self.read)

    def warning(self, dst: Path, rate: float) -> str:
        if not self.left_out or self.first_left is None:
            return ""
        i, t = self.first_left
        keep = math.ceil(1.0 / self.shortest - 1e-9) if self.shortest > 0 else math.inf
        how = f"; a rate of {keep:g} fps (--fps {keep:g}) keeps every one" if not rate_refusal(dst, keep) else ""
        return (f"{dst}: {self.left_out} of {self.read} input frames are left out of the copy (each lasts less than "
                f"a frame of it, {1000 / rate:.1f} ms at {rate:g} fps; the first: input frame {i}, at {t:.3f} s)"
                f"{how}")


def _write(src: str | os.PathLike[str], tmp: Path, dst: Path, fourcc: str, keyint: int, fps: float | None,
           progress: Callable[[int, int], None] | None,
           cancel: Callable[[], bool] | None) -> tuple[int, float, bool, _Kept]:
    """Stream `src` into `tmp` (`dst`'s temporary); returns (frames written, rate, cancelled, what it kept)."""
    kept = _Kept()
    with open_source(src) as source:
        rate = float(fps or source.fps)
        if source.is_vfr and fps is None and source.frame_count > 1:
            rate = fastest_rate(source.timestamps)  # the header's rate of a VFR file is a mean
        if refusal := rate_refusal(dst, rate, fps is not None):  # the input's own rate: before any frame
            raise InputError(refusal)
        w, h = source.size
        writer = cv2.VideoWriter(str(tmp), cv2.CAP_FFMPEG, cv2.VideoWriter.fourcc(*fourcc), rate, (w, h),
                                 [cv2.VIDEOWRITER_PROP_KEY_INTERVAL, int(keyint)])
        if not writer.isOpened():
            raise OutputError(f"{dst}: cannot write a {fourcc} video there")
        resample = source.is_vfr or fps is not None
        times = source.timestamps if resample else None  # VFR: one decode-only pass builds the index
        if times is None:
            total = source.frame_count
        else:  # up to the end of the last frame, which lasts a frame at the input's rate (VFR: as the one before)
            last = float(times[-1] - times[-2]) if source.is_vfr and len(times) > 1 else 1.0 / source.fps
            shows = _showings(times, float(times[-1]) + last, rate)
            total = int(shows.sum())
            lasting = np.diff(np.append(np.asarray(times, np.float64), float(times[-1]) + last))
            kept.shortest = float(lasting[lasting > 0].min()) if (lasting > 0).any() else 0.0
        written = 0
        cancelled = False
        try:
            for i, rgb in source.iter_frames():
                if cancel is not None and cancel():
                    cancelled = True
                    break
                bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
                # Constant rate: one output frame per source frame. Resampling: as many as show it (`_showings`;
                # a frame the first complete pass finds past the index's: none)
                end = written + (1 if times is None else int(shows[i]) if i < len(shows) else 0)
                kept.read = i + 1
                if end <= written:
                    kept.left_out += 1
                    if kept.first_left is None:
                        kept.first_left = (i, float(times[i]) if times is not None and i < len(times) else 0.0)
                kept.exact = kept.exact and end - written == 1
                while written < end:
                    writer.write(bgr)
                    written += 1
                if progress is not None:
                    progress(written, total)
        finally:
            writer.release()
    return written, rate, cancelled, kept


def _add_audio(src: Path, picture: Path, out: Path, end: Fraction, cancel: Callable[[], bool] | None) -> str | None:
    """Write `picture` (the new video, stream copied) and the first audio stream of `src` into `out`, interleaved
    by time. The sound keeps the source's clock: its times are counted from the source's frame 0 (`time_origin`,
    the audio lane's origin too), which is the copy's frame 0, at 0; it ends where the picture ends, at `end` s (a
    sound that runs on past the last frame makes Matroska, which keeps no frame count, claim frames that are not
    there). Copied where the container takes the codec and the start, else converted, also when writing the copy
    fails (MP3 at 11.025 kHz in MP4). Returns what the copy's sound is, "" when `src` has none (a frame folder, a
    silent video; `out` is not written), None when cancelled."""
    if not src.is_file() or src.suffix.lower() in IMAGE_EXTENSIONS:
        return ""
    with av.open(str(src)) as source:
        if not source.streams.audio:
            return ""
        ain = source.streams.audio[0]
        name = ain.codec_context.codec.canonical_name
        head = next(_packets(source.demux(ain)), None)
        if head is None:
            return ""  # an audio stream without a packet: nothing to hear
        first = _time(head)
    origin = time_origin(src)
    suffix = out.suffix.lower()
    keep, convert_to = AUDIO[suffix]
    lead = first - origin  # where its first packet lies (< 0: before frame 0, or an encoder's priming MP4 trims)
    earliest, latest = _COPY_LEAD.get(suffix, (-math.inf, math.inf))
    if name in keep and earliest - 0.001 <= lead <= latest + 0.001:
        try:
            return f"{name}, copied" if _mux(src, picture, out, origin, end, None, cancel) else None
        except (av.FFmpegError, ValueError):  # a rate or codec the muxer refuses after all (MP3 at 11.025 kHz)
            pass
    return f"{convert_to}, from {name}" if _mux(src, picture, out, origin, end, convert_to, cancel) else None


def _mux(src: Path, picture: Path, out: Path, origin: Fraction, end: Fraction, convert_to: str | None,
         cancel: Callable[[], bool] | None) -> bool:
    """Write `out` (`_add_audio`) with the sound copied (`convert_to` None) or converted to `convert_to`; False
    when cancelled."""
    with av.open(str(src)) as source, av.open(str(picture)) as video, av.open(str(out), "w") as output:
        ain = source.streams.audio[0]
        vin = video.streams.video[0]
        vout = output.add_stream_from_template(vin)
        packets = _packets(source.demux(ain))
        if convert_to is None:
            aout = output.add_stream_from_template(ain)
            sound = _copied(packets, origin)
        else:
            aout = _audio_encoder(output, convert_to, ain.codec_context)
            if convert_to == "aac" and out.suffix.lower() == ".mkv":
                # Matroska counts the encoder's priming (its CodecDelay) into the duration it states, so that much
                # less sound keeps the stated duration at the picture's
                end -= Fraction(_AAC_PRIMING, aout.codec_context.sample_rate)
            frames = (f for packet in itertools.chain(packets, [None]) for f in ain.decode(packet))
            sound = _converted(frames, aout, origin, end)
        for _, packet in heapq.merge(_timed(_packets(video.demux(vin)), vout), _timed(_until(sound, end), aout),
                                     key=lambda p: p[0]):
            if cancel is not None and cancel():
                return False
            output.mux(packet)
    return True


def _time(packet: av.Packet) -> Fraction:
    t = packet.dts if packet.dts is not None else packet.pts
    return Fraction(t or 0) * (packet.time_base or 0)


def _packets(packets: Iterator[av.Packet]) -> Iterator[av.Packet]:
    return (p for p in packets if p.dts is not None or p.pts is not None)  # not the demuxer's empty flush packet


def _timed(packets: Iterator[av.Packet], stream: av.stream.Stream) -> Iterator[tuple[float, av.Packet]]:
    """(seconds, packet) in decode order, for the muxer's interleaving; the packets go to `stream`."""
    for p in packets:
        p.stream = stream
        yield float(_time(p)), p


def _copied(packets: Iterator[av.Packet], origin: Fraction) -> Iterator[av.Packet]:
    """The source's audio packets with their times counted from `origin`."""
    for p in packets:
        shift = round(origin / p.time_base) if p.time_base else 0
        if p.pts is not None:
            p.pts -= shift
        if p.dts is not None:
            p.dts -= shift
        yield p


def _until(packets: Iterator[av.Packet], end: Fraction) -> Iterator[av.Packet]:
    """The sound's packets up to `end` s: those from there on are left out, and the one across it ends there (the
    container's duration is the picture's)."""
    for p in packets:
        if p.time_base and p.pts is not None:
            if p.pts * p.time_base >= end:
                break
            if p.duration and (p.pts + p.duration) * p.time_base > end:
                p.duration = math.ceil(end / p.time_base) - p.pts
        yield p


def _audio_encoder(output: av.container.OutputContainer, codec: str,
                   ctx: av.audio.codeccontext.AudioCodecContext) -> av.audio.stream.AudioStream:
    """An audio stream of `codec` for the sound `ctx` decodes: its rate where the encoder takes it, else 48 kHz."""
    rates = av.Codec(codec, "w").audio_rates
    rate = ctx.sample_rate if not rates or ctx.sample_rate in rates else 48_000
    layout = ctx.layout.name
    if any(ch.name == "NONE" for ch in ctx.layout.channels):  # unnamed channels (AVI's PCM: "1 channels")
        layout = {1: "mono", 2: "stereo"}.get(ctx.channels, layout)
    stream = output.add_stream(codec, rate=rate, layout=layout)
    assert isinstance(stream, av.audio.stream.AudioStream)
    if codec == "aac":
        stream.codec_context.bit_rate = AUDIO_BITRATE * ctx.channels
    return stream


def _converted(frames: Iterator[av.AudioFrame], stream: av.audio.stream.AudioStream, origin: Fraction,
               end: Fraction) -> Iterator[av.Packet]:
    """The decoded sound encoded for `stream`, on a clock of samples that counts from `origin` and starts at 0 (AVI
    keeps no start offsets): every frame at its own time, so silence fills the time before the sound and any hole
    in it (a Matroska stream with gaps), samples before 0 or on time already filled are dropped, and so is the sound
    from `end` on. A frame within CLOCK_SLACK of its time goes as it is (as in the app's audio lane)."""
    ctx = stream.codec_context
    rate = ctx.sample_rate
    to = av.AudioResampler(format=ctx.format, layout=ctx.layout, rate=rate)
    stop, slack = round(end * rate), round(CLOCK_SLACK * rate)
    done = 0  # samples given to the encoder
    for frame in itertools.chain(frames, [None]):  # None: the resampler's flush
        for out in to.resample(frame):
            at = done if out.pts is None or out.time_base is None else round((out.pts * out.time_base - origin) * rate)
            while done < min(at, stop) and at - done > slack:  # silence up to its time, a second at a time
                n = min(rate, at - done, stop - done)
                yield from stream.encode(_silence(out, n, done))
                done += n
            skip = done - at if done - at > slack else 0  # its head is on time already filled (or before 0)
            n = min(out.samples - skip, stop - done)
            if n <= 0:
                continue
            if skip or n < out.samples:
                out = _part(out, skip, skip + n)
            out.pts, out.time_base = done, Fraction(1, rate)
            done += n
            yield from stream.encode(out)
        if done >= stop:
            break
    yield from stream.encode(None)


def _part(frame: av.AudioFrame, start: int, stop: int) -> av.AudioFrame:
    """Samples `start` to `stop` of `frame`."""
    per = 1 if frame.format.is_planar else len(frame.layout.channels)  # packed: the channels interleaved in one row
    part = av.AudioFrame.from_ndarray(frame.to_ndarray()[:, start * per:stop * per].copy(), format=frame.format.name,
                                      layout=frame.layout.name)
    part.sample_rate = frame.sample_rate
    return part


def _silence(like: av.AudioFrame, samples: int, pts: int) -> av.AudioFrame:
    """`samples` of silence in the sample format and layout of `like`."""
    channels = len(like.layout.channels)
    shape = (channels, samples) if like.format.is_planar else (1, samples * channels)
    frame = av.AudioFrame.from_ndarray(np.zeros(shape, like.to_ndarray().dtype), format=like.format.name,
                                       layout=like.layout.name)
    frame.sample_rate, frame.pts, frame.time_base = like.sample_rate, pts, Fraction(1, like.sample_rate)
    return frame


def _frames_in(path: Path) -> int:
    """The video packets (frames) in `path`, demuxed, not decoded (0 where it does not open: an MP4 whose index
    was never written). A packet past the end of a cut file is not counted."""
    try:
        with av.open(str(path)) as video:
            return sum(1 for p in _packets(video.demux(video.streams.video[0])) if p.size)
    except (av.FFmpegError, IndexError, OSError):  # IndexError: no video stream
        return 0


def _check_written(path: Path, dst: Path, written: int, kept_as_it_was: bool) -> None:
    """Refuse (OutputError naming `dst`) a temporary that does not hold the `written` frames: a write FFmpeg lost
    (cv2.VideoWriter says nothing), said as the reason where it is one (`_no_room`)."""
    found = _frames_in(path)
    if found != written:
        why = _no_room(path) or f"the copy reads back with {found} of its {written} frames"
        raise OutputError(_cannot_write(dst, why, kept_as_it_was))


def _no_room(path: Path, exc: BaseException | None = None) -> str:
    """Why the file system took no more of `path`, in words ("" where it did not say so): the error `exc`'s errno
    where it is one of no room (`merstudio.errors.no_room`), else (a writer that ignores its errors) `path`'s size
    at the file size limit, or less than ROOM_SLACK free on its disk."""
    code = getattr(exc, "errno", None)
    if exc is not None and not no_room(exc):
        return ""
    limit = _size_limit()
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if code == errno.EFBIG or (code is None and limit is not None and size >= limit - ROOM_SLACK):
        where = f"the file size limit (ulimit -f) is {limit} bytes" if limit is not None else \
            "larger than this file system allows"
        return f"file too large: {where}"
    if code == getattr(errno, "EDQUOT", None):
        return "over the disk quota"
    try:
        st = os.statvfs(path.parent)
        free: int | None = st.f_bavail * st.f_frsize
    except (OSError, AttributeError):  # no statvfs on Windows
        free = None
    if code == errno.ENOSPC or (free is not None and free < ROOM_SLACK):
        return "no space left on the device" + (f", {free // 1024} kB free" if free is not None else "")
    return ""


def _size_limit() -> int | None:
    """This process's file size limit in bytes (`ulimit -f`), None where there is none."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _cannot_write(dst: Path, why: str, kept_as_it_was: bool) -> str:
    left = f"{dst.name} is left as it was" if kept_as_it_was else "nothing was written"
    return f"{dst}: cannot write the copy ({why}); {left}"


def _max_keyframe_gap(path: Path, frames: int = 100) -> int:
    """Largest keyframe distance in the first frames (CAP_PROP_FRAME_TYPE gives 'I' for intra pictures)."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    gap, since = 0, 0
    try:
        for _ in range(frames):
            if not cap.grab():
                break
            since = 0 if chr(int(cap.get(cv2.CAP_PROP_FRAME_TYPE))) == "I" else since + 1
            gap = max(gap, since + 1)
    finally:
        cap.release()
    return gap
