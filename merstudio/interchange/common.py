"""What every interchange format shares: the media an annotation file refers to, frame <-> time conversion that
round-trips, the import preview (what would be imported, what would be skipped), and atomic writes.

Frames are intervals: frame i covers [i/fps, (i+1)/fps). An event on frames onset..offset (both included) is the
time span [t(onset), t(offset + 1)); its apex is the start of the apex frame. Files store times to the millisecond
(ELAN always, BORIS by convention), so a boundary is ``ms(i) = ceil(i * 1000 / fps)``, ELAN's own rule (see "frame
<-> time" below); reading back takes the frame whose boundary equals the stored value, which is exact for every
fps <= 1000 because two boundaries are then at least 1 ms apart. Times that are not one of our boundaries (drawn by
hand in ELAN) go to the frame that contains them (start) or the first boundary at or after them (end). BORIS itself
stores a frame's start as ``round(t, 3)`` seconds, up to half a millisecond before it: a BORIS time within half a
millisecond of a frame's start is that frame (:meth:`FrameClock.seconds_frame`). An ``.eaf``
merstudio wrote before 2026-12-05 used half-up ms, ``floor(i * 1000 / fps + 1/2)`` (rule ROUND), and is read back
with it.

A variable-frame-rate video (a phone's) has no single fps: its frames start at their own presentation times, and a
boundary is then ``ms(i) = ceil(t_i * 1000)`` (:class:`FrameClock` with ``Media.times``): rounded up, as at a constant
rate, so each time lies inside its frame and ELAN's and BORIS's players show an event where merstudio shows it; the
same exact-match rule reads it back. merstudio wrote half-up ms before 2026-12-07 (333 for a frame at 333.33 ms,
which ELAN shows as the frame before); a whole-ms time that is such a boundary and no rounded-up one is read as
that frame. A constant-rate video keeps the arithmetic above to the millisecond, whatever its container stored.

Input files may be hostile or simply odd (a megabyte in one cell, a header of 5 MB, UTF-16 from Excel): every
message that quotes a file goes through :func:`quote` / :func:`shorten` / :func:`name_list` (bounded, one line),
a field longer than :data:`MAX_FIELD_CHARS` makes its row or annotation a skipped item, and text tables are read by
:mod:`merstudio.textfile` (encoding from the byte-order mark, csv field-limit errors as one line).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from merstudio.atomic import atomic_path
from merstudio.csv_write import dict_row_writer
from merstudio.errors import FrameRateMismatch, InputError
from merstudio.facs import parse_aus, read_aus
from merstudio.io.timebase import Timebase, detect_vfr
from merstudio.names import name_sort_key
from merstudio.pathnames import file_name as file_name
from merstudio.pathnames import foreign_path as foreign_path
from merstudio.pathnames import name_key as name_key
from merstudio.pathnames import same_name as same_name
from merstudio.project.apex import apex_imputed, middle_frame, note_apex_imputed, with_span
from merstudio.project.events import Event

if TYPE_CHECKING:
    from merstudio.project.behaviours import BehaviourEvent

# file_name, foreign_path, name_key, same_name: re-exported for the readers; their home is merstudio.pathnames, which
# the project store (below interchange) uses too

MAX_MS_FPS = 1000.0  # above this two frame boundaries can share a millisecond
FPS_TOLERANCE = 0.001  # relative difference at which a rate estimated from a file's ms timestamps differs
# Relative difference at which two declared frame rates count as different (fps_differs). The pairs coders meet are
# a broadcast rate and its NTSC neighbour (30 and 29.97, 24 and 23.976, 60 and 59.94: 1e-3 apart, an event an hour in
# read 108 frames off), while the same rate written two ways differs by its rounding (29.97 for 30000/1001: 1e-6; six
# significant digits: at most 5e-6). It was 0.001 until 2026-12-08: 30 against 29.97003 (0.0999 %) passed as the same
# rate, moving an event at 11 minutes by 20 frames without a word (a120).
FPS_SAME = 1e-4
MAX_FIELD_CHARS = 10_000  # longest text field of an event (emotion, AUs, coder, note...) an import accepts
CSV_FIELD_LIMIT = 131_072  # the csv module's default field limit (process-wide: left as it is); longer: refused
QUOTE_CHARS = 80  # input quoted in a message is cut to this many characters
LINE_CHARS = 300  # one skipped item, note or summary line at most (where and reason each)
NAMES_SHOWN = 8  # items of a list (columns, tiers, media files) a message names


# ------------------------------------------------------------------------------------ bounded messages
def _printable(s: str) -> str:
    """Control characters (newlines, ESC, NUL...) written as escapes: a message stays one line, no terminal codes."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """Text from an input file quoted for a message, as ``repr`` does, but at most ``limit`` characters of it:
    ``'abc'``, or ``'abcd…' (1,048,576 characters)`` for longer text. Always one line."""
    s = value if isinstance(value, str) else str(value)
    if len(s) <= limit:
        return repr(s)
    return repr(s[:limit] + "…") + f" ({len(s):,} characters)"


def shorten(text: object, limit: int = LINE_CHARS) -> str:
    """Unquoted text (an exception's message, a place) bounded to ``limit`` characters, one line."""
    s = text if isinstance(text, str) else str(text)
    if len(s) > limit:
        s = s[:limit] + f"… ({len(s):,} characters)"
    return _printable(s)


def name_list(names: Iterable[object], limit: int = NAMES_SHOWN, each: int = 40) -> str:
    """``a, b, c, … (2,000 in all)``: the first ``limit`` names, each cut to ``each`` characters."""
    items = [n if isinstance(n, str) else str(n) for n in names]
    shown = [shorten(n, each) for n in items[:limit]]
    if len(items) > limit:
        return ", ".join(shown) + f", … ({len(items):,} in all)"
    return ", ".join(shown)


def too_long(fields: dict[str, Any], limit: int = MAX_FIELD_CHARS) -> str | None:
    """The reason to skip an item whose text field is longer than ``limit``, or None."""
    for name, v in fields.items():
        if isinstance(v, str) and len(v) > limit:
            return f"the {_FIELD_LABELS.get(name, name)} is {len(v):,} characters long (limit {limit:,})"
    return None


_FIELD_LABELS = {"aus": "AU text", "emotion": "emotion", "coder": "coder name", "note": "note"}


def media_name(name: str) -> str:
    """A media file name a file records, or "" when it cannot be one (longer than any file system allows)."""
    return name if len(name) <= 255 else ""


# --------------------------------------------------------------------------------------------- media
@dataclass(frozen=True)
class LinkedMedia:
    """A media file an ELAN file links beside its video (an audio track ELAN extracted from it, a second camera),
    kept when the events are written to ELAN again: its MEDIA_DESCRIPTOR's attributes as written, and where it lies
    (``location``, as ELAN looks for it; "" when not a path here) to write a relative URL from the new file."""

    url: str
    mime: str = ""
    relative: str = ""
    location: str = ""
    time_origin: str = ""  # as written (this media's own offset; the events are placed on the video's)
    extracted_from: str = ""

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinkedMedia:
        return cls(**{k: str(d.get(k) or "") for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Media:
    """The video an annotation file refers to. ``path`` may be a frame folder; ``fps`` must be > 0 (a
    variable-rate video's nominal rate). ``times``: a variable-rate video's frame times (seconds from the first
    frame), which then place every boundary (:class:`FrameClock`); None for a constant rate."""

    path: str = ""
    fps: float = 0.0
    frame_count: int | None = None
    video_id: int = 0
    times: np.ndarray | None = field(default=None, compare=False, repr=False)
    # ELAN's media offset (its MEDIA_DESCRIPTOR's TIME_ORIGIN): the video's time in ms at the annotations' time 0,
    # so annotation time t is video time t + time_origin; 0 when the annotations' times are the video's
    time_origin: int = 0
    linked: tuple[LinkedMedia, ...] = ()  # the other media files an ELAN file links (an extracted .wav): kept
    # the RELATIVE_MEDIA_URL an imported .eaf gave the video: written back where the video is not here (no relative
    # URL from this machine reaches it)
    relative: str = ""
    # the MIME_TYPE an imported .eaf gave it (an audio file's audio/x-wav, or "unknown"): written back as it was;
    # "" derives one from the file's extension
    mime: str = ""
    # the MEDIA_URL an imported .eaf gave ``path``, written back verbatim (its own spelling: percent-encoded or
    # not, a Windows path) where the media is not here; "" (or media that is here) derives one from ``path``. Set
    # only where ``path`` is the place that URL names
    url: str = ""
    # who each face is, as an imported file named them ({face: ELAN PARTICIPANT}, as pairs): an ELAN export writes
    # the name on that face's tiers again
    face_names: tuple[tuple[int, str], ...] = ()
    # the media's length in seconds as an imported file states it (BORIS's media length, a table's Media duration
    # or Total length), for a writer where the frame count is not known (a BORIS project's media length); None: not
    # stated
    length: float | None = None
    # BORIS's observation time offset (s) an imported file's times were shifted by (BORIS stores media time plus
    # it): a BORIS project export writes it, and its times with it, again
    time_offset: float = 0.0

    @property
    def name(self) -> str:
        return file_name(self.path) if self.path else ""

    @classmethod
    def from_video(cls, video: Any, times: np.ndarray | None = None) -> Media:
        """From a merstudio.project Video record (and its frame times, see :func:`variable_times`)."""
        return cls(path=str(video.path), fps=float(video.fps), frame_count=int(video.frame_count),
                   video_id=int(video.id), times=variable_times(times, float(video.fps)))

    def clock(self, where: str) -> FrameClock:
        """The frame <-> ms rule for this video (InputError naming ``where`` when the rate is unknown); ``times``
        count only where they are off the nominal grid (:func:`variable_times`)."""
        fps = check_fps(self.fps, self.name or where)
        return FrameClock(fps, variable_times(self.times, fps))


def variable_times(times: np.ndarray | None, fps: float) -> np.ndarray | None:
    """``times`` when they are a variable-rate video's (off the nominal grid, see merstudio.io.detect_vfr), else None:
    a constant-rate video keeps the ``i * 1000 / fps`` boundaries whatever its container rounded its times to."""
    if times is None or not fps > 0:
        return None
    t = np.asarray(times, dtype=np.float64)
    return t if len(t) >= 2 and detect_vfr(t, fps) else None


# NTSC's rates are N * 1000/1001 frames a second (29.97003 for 30), written rounded by people and tools: 29.97,
# 23.976 or 23.98, 59.94. A rate that close to one (within NTSC_ROUNDING, a rounding to two decimals) means it: read
# at 29.97 exactly, an event at 11 minutes lands a frame early (91 of 109 onsets of an hour's ELAN file, a120). No
# other rate a camera records lies within 0.02 of these (30 is 0.03 from 29.97003).
NTSC_BASES = (15, 24, 30, 48, 60, 120)
NTSC_ROUNDING = 0.005


def ntsc_base(fps: float) -> int | None:
    """N where ``fps`` is NTSC's N * 1000/1001, as written (exactly or rounded: :data:`NTSC_ROUNDING`); else None."""
    return next((n for n in NTSC_BASES if abs(fps - n * 1000 / 1001) < NTSC_ROUNDING), None)


def exact_fps(fps: float) -> float:
    """The rate ``fps`` stands for: NTSC's N * 1000/1001 for its rounded spellings (29.97, 23.976, 59.94), any
    other rate as it is."""
    n = ntsc_base(fps)
    return n * 1000 / 1001 if n is not None else float(fps)


def fps_text(fps: float) -> str:
    """A rate as a reader checks it: ``29.97003 (30000/1001)`` for NTSC's, else ``30`` or ``12.5`` (seven digits):
    ``29.97`` alone hid which of the two rates was used."""
    n = ntsc_base(fps)
    if n is not None and fps == n * 1000 / 1001:
        return f"{fps:.7g} ({n}000/1001)"
    return f"{fps:.7g}"


def check_fps(fps: float | None, where: str) -> float:
    """The rate used (:func:`exact_fps`: a rounded NTSC rate as NTSC's); InputError where it is unknown."""
    # worded for the library and the CLI alike: the argument's name, then the flag (as "(video_name= / --video)")
    if fps is None or not math.isfinite(float(fps)) or float(fps) <= 0:
        raise InputError(f"{where}: the frame rate is unknown; give it (e.g. fps=30 / --fps 30)")
    return exact_fps(float(fps))


def given_fps(fps: Any, where: str) -> float | None:
    """The video's frame rate as a caller gave it (``fps=``): None (unknown) or a positive number; 0, a negative
    or NaN rate is refused as such (InputError), not read as a rate the file's own differs from; a rate that is
    no number, TypeError (as merstudio.io.open_source)."""
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real):
        raise TypeError(f"{where}: fps must be a number of frames per second or None, got {type(fps).__name__} "
                        f"{fps!r}")
    rate = float(fps)
    if not (math.isfinite(rate) and rate > 0):
        raise InputError(f"{where}: fps must be a positive number, got {rate:g}")
    return exact_fps(rate)  # fps=29.97 is NTSC's 30000/1001


def fps_differs(a: float, b: float, span_s: float | None = None) -> bool:
    """Whether two declared frame rates are different rates, not one rate written two ways (FPS_SAME), or, given
    ``span_s`` (the file's last time, seconds), rates that move an event there by half a frame or more: 25 and
    25.002 are 8e-5 apart, and 14 frames apart two hours in."""
    diff = abs(a - b)
    return diff > FPS_SAME * max(a, b) or (span_s is not None and diff * span_s >= 0.5)


def fps_mismatch(where: str, file_fps: float, video_fps: float, span_s: float | None = None) -> FrameRateMismatch:
    if not fps_differs(file_fps, video_fps, span_s):  # the same rate: a variable-rate video's times, not the file's
        return FrameRateMismatch(
            f"{where}: its times are not the frame times of this variable-rate video (they run at a constant "
            f"{file_fps:g} fps, as an export of a video not analysed to its end wrote them before 2026-12-06); "
            "export the file again from its project, or fps_override=True / --force-fps places each event by its "
            "times", file_fps,
            video_fps)
    # seven digits: 29.97003 (30000/1001) is not the 29.97 a file may declare
    return FrameRateMismatch(f"{where}: frame rate {fps_text(file_fps)} fps in the file differs from the video's "
                             f"{fps_text(video_fps)} fps (times would land on the wrong frames); fps_override=True / "
                             "--force-fps converts the file's times at the video's rate", file_fps, video_fps)


# ------------------------------------------------------------------------------------ frame <-> time
# Frame k of a constant-rate video starts at ceil(k * 1000 / fps) whole ms, and a time t ms lies in frame
# floor(t * fps / 1000): ELAN's own rule (its players step to Math.ceil(frame * msPerFrame) and read the frame of a
# time as (long)(time / msPerFrame)), so an exported boundary is on its frame in ELAN and ELAN's frame-stepped
# annotations read back onto the frames the coder saw. merstudio wrote half-up ms before 2026-12-05 (33 for frame 1
# at 30 fps: frame 0 in ELAN); such a file (it names the rate in a merstudio:fps property but no
# merstudio:frame_rule) is read with that rule, ROUND.
CEIL, ROUND = "ceil", "round"
FRAME_RULES = (CEIL, ROUND)
_EPS = 1e-9  # k * 1000 / fps is not exact in floats: 3 * 1000 / 30 may come out a hair above 100
_MS_EPS = 1e-6  # a frame time (seconds) times 1000 may come out a hair above its whole ms: 0.1 * 1000
HALF_MS = 0.0005  # BORIS rounds times to the ms: a frame's start is written up to this far before or after it


def frame_to_ms(frame: int, fps: float, rule: str = CEIL) -> int:
    """Start of frame ``frame`` in whole milliseconds (see the rule above)."""
    x = frame * 1000.0 / fps
    return int(math.ceil(x - _EPS)) if rule == CEIL else int(math.floor(x + 0.5))


def frames_to_ms(frames: np.ndarray, fps: float, rule: str = CEIL) -> np.ndarray:
    """Vectorised :func:`frame_to_ms` (int64)."""
    x = np.asarray(frames, dtype=np.float64) * (1000.0 / fps)
    return (np.ceil(x - _EPS) if rule == CEIL else np.floor(x + 0.5)).astype(np.int64)


def ms_to_frame(ms: float, fps: float, side: str = "start", rule: str = CEIL) -> int:
    """The frame boundary for a time in ms: exact for values :func:`frame_to_ms` produced; otherwise the frame
    containing the time (``side="start"``) or the first boundary at or after it (``side="end"``)."""
    x = float(ms) * fps / 1000.0
    k = int(math.floor(x + _EPS)) if rule == CEIL else int(math.floor(x + 0.5))
    if float(ms) == round(float(ms)) and frame_to_ms(k, fps, rule) == round(float(ms)):
        return k
    return _side_of(x, side)


def _side_of(x: float, side: str) -> int:
    """The frame containing fractional position `x` (start) or the first boundary at or after it (end)."""
    return int(math.floor(x + 1e-9)) if side == "start" else int(math.ceil(x - 1e-9))


def ms_to_frames(ms: np.ndarray, fps: float, side: str = "start", rule: str = CEIL) -> np.ndarray:
    """Vectorised :func:`ms_to_frame` for integer ms values."""
    ms = np.asarray(ms, dtype=np.float64)
    x = ms * fps / 1000.0
    k = np.floor(x + _EPS) if rule == CEIL else np.floor(x + 0.5)
    exact = frames_to_ms(k, fps, rule) == ms
    other = np.floor(x + 1e-9) if side == "start" else np.ceil(x - 1e-9)
    return np.where(exact, k, other).astype(np.int64)


def seconds_to_frame(seconds: float, fps: float, side: str = "start") -> int:
    """Seconds (as BORIS writes them, to the ms or finer) -> frame boundary, see :meth:`FrameClock.seconds_frame`."""
    return FrameClock(fps).seconds_frame(seconds, side)


class FrameClock:
    """Frame boundaries in whole milliseconds for one video, and back: at a constant rate the functions above; for
    a variable-rate video (``times``, seconds from the first frame) frame i starts at ``ceil(t_i * 1000)`` and the
    frame after the last at the last time plus one nominal frame (so does merstudio.io.timebase.Timebase, which
    also carries on at the nominal rate outside the video). Reading back is exact for the values ``ms`` gives when
    the frames are at least 1 ms apart; other times go to the frame containing them (start) or the first boundary
    at or after them (end), as at a constant rate."""

    def __init__(self, fps: float, times: np.ndarray | None = None, rule: str = CEIL) -> None:
        if rule not in FRAME_RULES:
            raise ValueError(f"frame rule must be one of {FRAME_RULES}, not {rule!r}")
        self.fps = float(fps)
        self.rule = rule
        self.timebase = Timebase(self.fps, times)
        self._bounds: np.ndarray | None = None
        self._half_up: np.ndarray | None = None  # the boundaries merstudio wrote before 2026-12-07: read back too
        if self.timebase.times is not None:
            n = len(self.timebase.times)
            ms = np.append(self.timebase.times, self.timebase.time_of(n)) * 1000.0
            # rounded up, as at a constant rate: half-up put 100 of 450 boundaries of a 30/20 fps clip in the frame
            # before (333 ms for a frame at 333.33), where ELAN shows that frame
            self._bounds = np.ceil(ms - _MS_EPS).astype(np.int64)
            self._half_up = np.floor(ms + 0.5).astype(np.int64)

    @property
    def variable(self) -> bool:
        return self._bounds is not None

    def ms(self, frame: int) -> int:
        """Start of frame ``frame`` in whole milliseconds."""
        b = self._bounds
        if b is None:
            return frame_to_ms(frame, self.fps, self.rule)
        if 0 <= frame < len(b):
            return int(b[frame])
        return int(math.ceil(self.timebase.time_of(frame) * 1000.0 - _MS_EPS))

    def frame(self, ms: float, side: str = "start") -> int:
        """The frame boundary for a time in ms (see the class docstring)."""
        b = self._bounds
        if b is None:
            return ms_to_frame(ms, self.fps, side, self.rule)
        if float(ms) == round(float(ms)):
            for bounds in (b, self._half_up):  # ours, then an older file's half-up ms
                if bounds is None:
                    continue
                k = int(np.searchsorted(bounds, round(float(ms)), side="left"))
                if k < len(bounds) and bounds[k] == round(float(ms)):
                    return k
        return _side_of(float(self.timebase.position(np.asarray(float(ms) / 1000.0))), side)

    def seconds_frame(self, seconds: float, side: str = "start") -> int:
        """Seconds (as BORIS writes them, to the ms or finer) -> frame boundary. Written to the millisecond: the
        frame whose boundary it is by the exact rule of :meth:`frame` (merstudio's own exports), else the frame
        that starts within half a millisecond of it: BORIS stores ``round(t, 3)``, 0.133 s for frame 4 at 30 fps,
        which starts at 133.3 ms (134 by the ceil rule, and 133 ms lies in frame 3 there). A boundary written in
        full (our events CSV) or to the microsecond: that frame. Otherwise (a time pressed during playback) the
        frame on screen then (start), or the next boundary (end)."""
        s = float(seconds)
        ms = s * 1000.0
        x = float(self.timebase.position(np.asarray(s)))
        near = round(x)
        if abs(ms - round(ms)) < 1e-6:
            k = self.frame(round(ms), side)
            if self.ms(k) == round(ms) or abs(s - self.timebase.time_of(near)) > HALF_MS + 1e-9:
                return k
            return int(near)
        if abs(x - near) < 1e-3:
            return int(near)
        return _side_of(x, side)  # x is >= 1e-3 off a boundary here, so _side_of's tolerance never applies

    def event_times(self, ev: Event) -> tuple[float, float, float]:
        """(start, apex, stop) in seconds, rounded to the ms: the span [t(onset), t(offset + 1)) and the apex
        start."""
        return self.ms(ev.onset) / 1000.0, self.ms(ev.apex) / 1000.0, self.ms(ev.offset + 1) / 1000.0


def vfr_note(clock: FrameClock) -> list[str]:
    """The import preview's note when times are placed on a variable-rate video's own frame times."""
    if not clock.variable:
        return []
    return [f"variable frame rate: times placed on the video's own frame times (nominal {clock.fps:g} fps)"]


# ------------------------------------------------------------------------------------------ preview
@dataclass(frozen=True)
class Skip:
    """One item of an input file that cannot be imported, and why."""

    where: str  # "file.eaf: tier alice/event, annotation a3" / "file.tsv: row 7"
    reason: str

    def __post_init__(self) -> None:  # bounded whatever a reader passes: a message never carries a whole field
        object.__setattr__(self, "where", shorten(self.where))
        object.__setattr__(self, "reason", shorten(self.reason))

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class ImportPreview:
    """What reading an annotation file found: the events it would import, the items it would skip, and
    irregularities it recovered from. Nothing is imported until :meth:`accept` is called, and ``accept`` refuses
    while something would be skipped unless the caller passes ``skip_bad=True`` after showing :meth:`summary`."""

    path: Path
    format: str
    events: list[Event] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fps: float | None = None
    media: str = ""  # the media file name the annotation file names, when it names one
    # where the annotation file places its media (absolute, or resolved against the file's folder), when it says
    media_path: str = ""
    duplicates: list[Event] = field(default_factory=list)  # already in the project: not imported again
    time_origin: int = 0  # ELAN's media offset (ms) the file's times were shifted by: see Media.time_origin
    linked_media: tuple[LinkedMedia, ...] = ()  # the other media an ELAN file links beside the video
    media_relative: str = ""  # the RELATIVE_MEDIA_URL an ELAN file gives the video: see Media.relative
    media_mime: str = ""  # the MIME_TYPE an ELAN file gives it: see Media.mime
    media_url: str = ""  # the MEDIA_URL an ELAN file gives it, as written: see Media.url
    # who each face is, as the file names them (ELAN's PARTICIPANT of a face's tiers): see Media.face_names
    face_names: dict[int, str] = field(default_factory=dict)
    media_length: float | None = None  # the media's length (s) the file states: see Media.length
    time_offset: float = 0.0  # BORIS's observation time offset (s) the file's times were shifted by: Media.time_offset

    @property
    def coders(self) -> list[str]:
        return sorted({e.coder for e in self.events}, key=name_sort_key)  # as the summary says them

    @property
    def ok(self) -> bool:
        return not self.skipped

    def accept(self, skip_bad: bool = False) -> list[Event]:
        """The events to import. Raises InputError (one line: the first problem and how many there are) when
        anything would be skipped and ``skip_bad`` is False, so nothing is imported partially by accident, and
        when every item would be skipped (nothing to import, even with ``skip_bad``)."""
        if self.skipped and not self.events:
            more = f" (and {len(self.skipped) - 1} more problem(s))" if len(self.skipped) > 1 else ""
            raise InputError(f"{self.skipped[0]}{more}; nothing to import: all {len(self.skipped)} item(s) would "
                             "be skipped")
        if self.skipped and not skip_bad:
            more = f" (and {len(self.skipped) - 1} more problem(s))" if len(self.skipped) > 1 else ""
            raise InputError(f"{self.skipped[0]}{more}; nothing imported: fix the file, or confirm skipping "
                             f"{len(self.skipped)} item(s) (skip_bad=True / --yes)")
        return list(self.events)

    def _by_whom(self) -> str:
        """" from coder(s) a, b", saying so when events name no coder (a file without a coder column)."""
        if not self.events:
            return ""
        named = [c for c in self.coders if c]
        blank = sum(1 for e in self.events if not e.coder)
        if not blank:
            return f" from coder(s) {name_list(named, 20)}"
        if named:
            return f" from coder(s) {name_list(named, 20)} and {blank} naming no coder"
        return " naming no coder (the file has no coder column)"

    def summary(self, limit: int = 20) -> str:
        lines = [f"{self.path}: {self.format}, {len(self.events)} event(s) to import" + self._by_whom()
                 + (f", {len(self.skipped)} item(s) to skip" if self.skipped else "")
                 + (f", {len(self.duplicates)} already in the project (not imported again)" if self.duplicates
                    else "")]
        if self.fps:
            lines.append(f"  frame rate used: {fps_text(self.fps)} fps")
        for e in self.events[:limit]:
            lines.append(f"  + {shorten(e.coder or '(no coder)', 40)} face {e.face_id}: frames "
                         f"{e.onset}-{e.apex}-{e.offset} {shorten(e.emotion or '-', 60)} {shorten(e.aus or '-', 60)}")
        if len(self.events) > limit:
            lines.append(f"  + ... {len(self.events) - limit} more")
        for s in self.skipped[:limit]:
            lines.append(f"  - skip {s}")
        if len(self.skipped) > limit:
            lines.append(f"  - ... {len(self.skipped) - limit} more to skip")
        for n in self.notes[:limit]:
            lines.append(f"  note: {shorten(n)}")
        if len(self.notes) > limit:
            lines.append(f"  note: ... {len(self.notes) - limit} more")
        return "\n".join(lines)


def imputed_apex(onset: int, offset: int, note: str = "") -> tuple[int, str]:
    """The apex of an event whose file gives none, and its note: the middle frame ``(onset + offset) // 2`` (of
    two middles the earlier), the note tagged as imputed so that the agreement leaves the apex out
    (merstudio.project.apex). A one-frame event's apex is no choice: its note stays as it is. The one rule of
    every reader (ELAN, BORIS, dataset sheets)."""
    return middle_frame(onset, offset), (note_apex_imputed(note) if offset > onset else note)


def fit_to_video(preview: ImportPreview, frame_count: int | None, video_name: str) -> None:
    """The preview's events checked against a video of ``frame_count`` frames, the one rule of an import into a
    project and of a file-to-file conversion whose video is here: an event that starts in the video and ends past its
    last frame (ELAN's end a few ms after it) is cut at the last frame, a note naming it (a coded apex past the end
    moves with it; an imputed apex is imputed again on the cut span, merstudio.project.apex.with_span, so the
    agreement still leaves it out); one that starts past the end goes to ``skipped``. The behaviour events a preview
    holds (an ELAN file's behaviour tiers, ``behaviours``: written beside a conversion's output) the same way, said
    the same way (a conversion with --media wrote them past the clip's end). ``frame_count`` unknown (None or 0):
    nothing is checked."""
    if not frame_count:
        return
    last = frame_count - 1
    keep = []
    for e in preview.events:
        if e.offset > last:
            where = f"{preview.path.name}: {e.coder or 'event'} frames {e.onset}-{e.offset}"
            if e.onset > last:  # nothing of it is in the video
                preview.skipped.append(Skip(where, f"starts past the end of {video_name} ({frame_count} frames)"))
                continue
            cut = with_span(e, e.onset, last)
            if apex_imputed(e):
                apex = f", its imputed apex {e.apex} to {cut.apex}, the middle frame" if cut.apex != e.apex else ""
            else:
                apex = f", apex {e.apex} too" if e.apex > last else ""
            preview.notes.append(f"{where}: ends past the end of {video_name} ({frame_count} frames); offset moved "
                                 f"to its last frame {last}{apex}")
            e = cut
        keep.append(e)
    preview.events = keep
    from merstudio.interchange.eaf import EafPreview  # here: eaf imports this module

    if isinstance(preview, EafPreview) and preview.behaviours:
        preview.behaviours = fit_behaviours(preview, preview.behaviours, frame_count, video_name)


def fit_behaviours(preview: ImportPreview, behaviours: list[tuple[str, BehaviourEvent]], frame_count: int,
                    video_name: str) -> list[tuple[str, BehaviourEvent]]:
    """:func:`fit_to_video`'s rule for (behaviour name, BehaviourEvent) pairs: the events kept, cut at the last
    frame where they end past it (a state still open, no offset, is kept where it starts in the video)."""
    last = frame_count - 1
    keep = []
    for name, e in behaviours:
        if e.onset > last or (e.offset is not None and e.offset > last):
            span = f"{e.onset}-{e.offset}" if e.offset is not None else f"{e.onset}-"
            where = f"{preview.path.name}: behaviour {quote(name)}{f' of {e.coder}' if e.coder else ''} frames {span}"
            if e.onset > last:
                preview.skipped.append(Skip(where, f"starts past the end of {video_name} ({frame_count} frames)"))
                continue
            preview.notes.append(f"{where}: ends past the end of {video_name} ({frame_count} frames); offset moved "
                                 f"to its last frame {last}")
            e = replace(e, offset=last)
        keep.append((name, e))
    return keep


def make_event(where: str, skipped: list[Skip], au_reader: AUReader | None = None, **fields: Any) -> Event | None:
    """Build and validate an Event; on a bad field (or a text field over :data:`MAX_FIELD_CHARS`) record a Skip
    and return None. The reason is bounded: Event's own messages quote the whole field. With ``au_reader`` the AU
    text is read as coders and tools write it (:class:`AUReader`); without it, it must be our AU string."""
    long = too_long({k: v for k, v in fields.items()
                     if k in ("emotion", "aus", "coder", "note", "source", "status", "model")})
    if long:
        skipped.append(Skip(where, long))
        return None
    unreadable: tuple[str, ...] = ()
    if au_reader is not None:
        fields["aus"], fields["note"], unreadable = au_reader.fields(fields.get("aus") or "", fields.get("note") or "")
        long = too_long({"note": fields["note"]})
        if long:
            skipped.append(Skip(where, long))
            return None
    try:
        ev = Event(**fields).validated()
        if au_reader is not None:
            au_reader.record(unreadable)
        return ev
    except InputError as exc:
        skipped.append(Skip(where, shorten(str(exc).removeprefix("event: "))))
        return None
    except (TypeError, ValueError) as exc:
        skipped.append(Skip(where, shorten(str(exc))))
        return None


# ---------------------------------------------------------------------------------------- helpers
AS_CODED = "AUs as coded: "  # the note an event's unreadable AU text goes to, as the dataset sheets write it


@dataclass
class AUReader:
    """Reads events' AU text for one file with :func:`merstudio.facs.read_aus`, the one reader of AU text for every
    format (``AU6+AU12``, ``AU04, AU07``, ``12L``, ``6 12``, ``0``). An AU cell with tokens it cannot read (``AD19``,
    ``T14``) keeps its event: the AUs it could read, and the cell as coded in the event's note
    (``AUs as coded: 12+AD19``); :meth:`notes` is the preview's note about them."""

    events: int = 0
    tokens: list[str] = field(default_factory=list)

    def fields(self, raw: str, note: str) -> tuple[str, str, tuple[str, ...]]:
        """(AU string, note, unreadable tokens) for one event."""
        aus, bad = _read_aus(raw)
        if bad:
            note = " / ".join(x for x in (note, AS_CODED + raw.strip()) if x)
        return aus, note, bad

    def record(self, bad: tuple[str, ...]) -> None:
        """Count an event imported with unreadable tokens ``bad`` (none: nothing to count)."""
        if bad:
            self.events += 1
            self.tokens += [t for t in bad if t not in self.tokens][: max(0, NAMES_SHOWN - len(self.tokens))]

    def notes(self) -> list[str]:
        if not self.events:
            return []
        return [f"{self.events} event(s) with AU text merstudio cannot read ({name_list(self.tokens, 6)}): kept with "
                "the AUs that could be read; the AU text as coded is in each event's note"]


# a file repeats a few AU cells over thousands of rows: each spelling is read once (an AUReading is immutable)
_read_aus = lru_cache(maxsize=4096)(read_aus)


def aus_as_modifiers(aus: str) -> str:
    """Our AU string -> BORIS modifiers: ``4+L12`` -> ``AU4,L12`` (sided terms keep their FACS spelling): the
    values of one multiple-choice set, which BORIS joins with "," ("|" separates sets; merstudio's earlier tables
    wrote it, and the readers still take it)."""
    return ",".join(f"{s}{n}{i}" if s else f"AU{n}{i}" for s, n, i in parse_aus(aus))


def face_label(face_id: int) -> str:
    return f"face {face_id}"


def write_dict_table(path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
                     delimiter: str = ",", progress: Callable[[int, int], None] | None = None) -> Path:
    """Rows (dicts by column) as a CSV/TSV table with a header, written atomically. ``progress(1, 2)`` before the
    file is moved into place (what it raises leaves the old one: the app's Cancel export), ``(2, 2)`` after. A
    coder's own apostrophe before text the spreadsheet guard guards is doubled (events_csv.plain_cell), so every
    reader, which takes the guard's off, gives the cell back as typed."""
    from merstudio.interchange.events_csv import plain_cell  # here: events_csv builds on this module

    with atomic_path(path) as tmp:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = dict_row_writer(fh, list(columns), end="\r\n", delimiter=delimiter)  # CRLF rows, as ever
            w.writeheader()
            w.writerows({k: plain_cell(v) for k, v in r.items()} for r in rows)
        if progress:
            progress(1, 2)
    if progress:
        progress(2, 2)
    return Path(path)
