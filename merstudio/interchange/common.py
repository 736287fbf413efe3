"""What every interchange format shares: the media an annotation file refers to, frame <-> time conversion that
round-trips, the import preview (what would be imported, what would be skipped), and atomic writes.

Frames are intervals: frame i covers [i/fps, (i+1)/fps). An event on frames onset..offset (both included) is the
time span [t(onset), t(offset + 1)); its apex is the start of the apex frame. Files store times rounded to the
millisecond (ELAN always, BORIS by convention), so a boundary is ``ms(i) = floor(i * 1000 / fps + 1/2)``; reading
back takes the frame whose rounded boundary equals the stored value, which is exact for every fps <= 1000 because
two boundaries are then at least 1 ms apart. Times that are not one of our boundaries (drawn by hand in ELAN) go to
the frame that contains them (start) or the last frame before them (end).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.project.events import Event

MAX_MS_FPS = 1000.0  # above this two frame boundaries can share a millisecond
FPS_TOLERANCE = 0.001  # relative difference at which two frame rates count as different


# --------------------------------------------------------------------------------------------- media
@dataclass(frozen=True)
class Media:
    """The video an annotation file refers to. ``path`` may be a frame folder; ``fps`` must be > 0."""

    path: str = ""
    fps: float = 0.0
    frame_count: int | None = None
    video_id: int = 0

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else ""

    @classmethod
    def from_video(cls, video: Any) -> Media:
        """From a merstudio.project Video record."""
        return cls(path=str(video.path), fps=float(video.fps), frame_count=int(video.frame_count),
                   video_id=int(video.id))


def check_fps(fps: float | None, where: str) -> float:
    if fps is None or not math.isfinite(float(fps)) or float(fps) <= 0:
        raise InputError(f"{where}: the frame rate is unknown; give it (e.g. --fps 30)")
    return float(fps)


def fps_differs(a: float, b: float) -> bool:
    return abs(a - b) > FPS_TOLERANCE * max(a, b)


def fps_mismatch_message(where: str, file_fps: float, video_fps: float) -> str:
    return (f"{where}: frame rate {file_fps:g} fps in the file differs from the video's {video_fps:g} fps "
            "(times would land on the wrong frames); pass fps_override / --force-fps to convert the file's "
            "times at the video's rate")


# ------------------------------------------------------------------------------------ frame <-> time
def frame_to_ms(frame: int, fps: float) -> int:
    """Start of frame ``frame`` in whole milliseconds (half up)."""
    return int(math.floor(frame * 1000.0 / fps + 0.5))


def frames_to_ms(frames: np.ndarray, fps: float) -> np.ndarray:
    """Vectorised :func:`frame_to_ms` (int64)."""
    return np.floor(np.asarray(frames, dtype=np.float64) * (1000.0 / fps) + 0.5).astype(np.int64)


def ms_to_frame(ms: float, fps: float, side: str = "start") -> int:
    """The frame boundary for a time in ms: exact for values :func:`frame_to_ms` produced; otherwise the frame
    containing the time (``side="start"``) or the first boundary at or after it (``side="end"``)."""
    x = float(ms) * fps / 1000.0
    k = int(math.floor(x + 0.5))
    if frame_to_ms(k, fps) == round(float(ms)) and float(ms) == round(float(ms)):
        return k
    return int(math.floor(x + 1e-9)) if side == "start" else int(math.ceil(x - 1e-9))


def ms_to_frames(ms: np.ndarray, fps: float, side: str = "start") -> np.ndarray:
    """Vectorised :func:`ms_to_frame` for integer ms values."""
    ms = np.asarray(ms, dtype=np.float64)
    x = ms * fps / 1000.0
    k = np.floor(x + 0.5)
    exact = frames_to_ms(k, fps) == ms
    other = np.floor(x + 1e-9) if side == "start" else np.ceil(x - 1e-9)
    return np.where(exact, k, other).astype(np.int64)


def seconds_to_frame(seconds: float, fps: float, side: str = "start") -> int:
    """Seconds (as BORIS writes them, to the ms or finer) -> frame boundary, see :func:`ms_to_frame`."""
    ms = float(seconds) * 1000.0
    if abs(ms - round(ms)) < 1e-6:  # written to the millisecond: use the exact rule
        return ms_to_frame(round(ms), fps, side)
    x = float(seconds) * fps
    near = round(x)
    if abs(x - near) < 1e-3:  # a boundary written in full (our CSV) or to the microsecond
        return int(near)
    return int(math.floor(x)) if side == "start" else int(math.ceil(x))


def event_times(ev: Event, fps: float) -> tuple[float, float, float]:
    """(start, apex, stop) in seconds, rounded to the ms: the span [t(onset), t(offset + 1)) and the apex start."""
    return (frame_to_ms(ev.onset, fps) / 1000.0, frame_to_ms(ev.apex, fps) / 1000.0,
            frame_to_ms(ev.offset + 1, fps) / 1000.0)


# ------------------------------------------------------------------------------------------ preview
@dataclass(frozen=True)
class Skip:
    """One item of an input file that cannot be imported, and why."""

    where: str  # "file.eaf: tier alice/event, annotation a3" / "file.tsv: row 7"
    reason: str

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

    @property
    def coders(self) -> list[str]:
        return sorted({e.coder for e in self.events})

    @property
    def ok(self) -> bool:
        return not self.skipped

    def accept(self, skip_bad: bool = False) -> list[Event]:
        """The events to import. Raises InputError (one line: the first problem and how many there are) when
        anything would be skipped and ``skip_bad`` is False, so nothing is imported partially by accident."""
        if self.skipped and not skip_bad:
            more = f" (and {len(self.skipped) - 1} more problem(s))" if len(self.skipped) > 1 else ""
            raise InputError(f"{self.skipped[0]}{more}; nothing imported: fix the file, or confirm skipping "
                             f"{len(self.skipped)} item(s) (skip_bad=True / --yes)")
        return list(self.events)

    def summary(self, limit: int = 20) -> str:
        lines = [f"{self.path}: {self.format}, {len(self.events)} event(s) to import"
                 + (f" from coder(s) {', '.join(self.coders)}" if self.events else "")
                 + (f", {len(self.skipped)} item(s) to skip" if self.skipped else "")]
        if self.fps:
            lines.append(f"  frame rate used: {self.fps:g} fps")
        for e in self.events[:limit]:
            lines.append(f"  + {e.coder or '(no coder)'} face {e.face_id}: frames {e.onset}-{e.apex}-{e.offset} "
                         f"{e.emotion or '-'} {e.aus or '-'}")
        if len(self.events) > limit:
            lines.append(f"  + ... {len(self.events) - limit} more")
        for s in self.skipped[:limit]:
            lines.append(f"  - skip {s}")
        if len(self.skipped) > limit:
            lines.append(f"  - ... {len(self.skipped) - limit} more to skip")
        for n in self.notes[:limit]:
            lines.append(f"  note: {n}")
        return "\n".join(lines)


def make_event(where: str, skipped: list[Skip], **fields: Any) -> Event | None:
    """Build and validate an Event; on a bad field record a Skip and return None."""
    try:
        return Event(**fields).validated()
    except InputError as exc:
        skipped.append(Skip(where, str(exc).removeprefix("event: ")))
        return None
    except (TypeError, ValueError) as exc:
        skipped.append(Skip(where, str(exc)))
        return None


# ---------------------------------------------------------------------------------------- helpers


def split_aus(text: str) -> str:
    """Modifier / AU text as tools write it (``AU4|AU7``, ``AU04, AU07``, ``4+7``, ``L12``) -> our AU string
    (not yet validated). ``None``/empty -> ""."""
    import re

    t = (text or "").strip()
    if t.lower() in ("", "none", "null", "nan", "-"):
        return ""
    parts = [p.strip() for p in re.split(r"[|,;+\s]+", t) if p.strip()]
    out = []
    for p in parts:
        q = re.sub(r"^AU\s*", "", p, flags=re.IGNORECASE)
        m = re.fullmatch(r"0*(\d{1,2})([A-Ea-e]?)([LRlr]?)", q)  # "12L" / "04" as some tools write them
        if m and m.group(3):
            q = f"{m.group(3)}{m.group(1)}{m.group(2)}"
        elif m:
            q = f"{m.group(1)}{m.group(2)}"
        out.append(q.upper())
    return "+".join(out)


def aus_as_modifiers(aus: str) -> str:
    """Our AU string -> BORIS-style modifiers: ``4+L12`` -> ``AU4|L12`` (sided terms keep their FACS spelling)."""
    from merstudio.project.events import parse_aus

    return "|".join(f"{s}{n}{i}" if s else f"AU{n}{i}" for s, n, i in parse_aus(aus))


def face_label(face_id: int) -> str:
    return f"face {face_id}"


def read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise InputError(f"{path}: {what} not found")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def sort_events(events: Sequence[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.video_id, e.coder, e.face_id, e.onset, e.offset, e.apex))
