"""Plain-Python state behind the views (no Qt here, so it is tested without a QApplication)."""

from __future__ import annotations

import math
import numbers
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, SupportsInt

import numpy as np
import pandas as pd

from merstudio.io.timebase import Timebase
from merstudio.project.events import Event

SPEEDS = (0.1, 0.25, 0.5, 1.0, 1.5, 2.0)

# A sparse set of face-mesh points stored per frame for the overlay (face oval, brows, eyes, nose, lips):
# about 110 of the 468 points, so an hour of video costs tens of MB in the project rather than hundreds.
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148,
             176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
BROWS = (107, 66, 105, 63, 70, 336, 296, 334, 293, 300)
EYES = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
        362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
NOSE = (168, 6, 197, 195, 5, 4, 1, 129, 358)
LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
OVERLAY_LANDMARKS = FACE_OVAL + BROWS + EYES + NOSE + LIPS

# Per-frame columns (docs/aus.md). What the timeline draws, and where:
#   AUxx_r  intensity 0..5 (NaN: unreliable, e.g. a hand over that region)  -> AU curves and heat map
#   AUxx_c  presence 0/1/NaN, AUxx_p model AU probability, p_<class>        -> kept (class track, events)
#   motion_<region>, motion, blink, AUxx_m  the micro-motion lane (flow units of 0.04 inter-ocular distance)
#   AUxx_L / AUxx_R (per side)  -> kept for the face note (an AU read on its side in view alone, the other beyond
#                                  the frame's edge: "AU R12", features.aus.face_note) and the neutral view's sides
#   pose_R*                                                                   -> not kept (no view shows them)
AU_COL = re.compile(r"AU\d{2}_(r|c|p|m|L|R)")
MOTION_REGIONS = ("brows", "eyes", "cheeks", "nose", "mouth", "chin")  # the order of the CSV's motion_<region>
BLINK_AU = "AU45_r"  # a blink, not an expression: left out of the activity an apex defaults to


_STOPPED = {"interrupted": "was interrupted", "cancelled": "was cancelled", "failed": "failed",
            "running": "is still running"}


def short_run_note(project: Any, video: Any) -> str:
    """"" when the video's stored analysis reaches its last frame (or none is stored); else how far it got, e.g.
    "only frames 0-266 of 600 are analysed (the run was interrupted)": said where a coder would otherwise take what
    is stored for the whole video (an export, a project reopened after a kill)."""
    run = project.analysis(video.id)
    if run is None:
        return ""
    n, last = video.frame_count, project.last_frame_stored(video.id)
    if last is not None and last >= n - 1:
        return ""
    why = f" (the run {_STOPPED.get(run.status, run.status)})" if run.status != "complete" else ""
    return f"no frame is analysed{why}" if last is None else f"only frames 0-{last} of {n} are analysed{why}"


def event_line(ev: Event) -> str:
    """How the status bar names an event, the same words wherever it is made, edited or reached."""
    return f"Event {ev.id}: frames {ev.onset}-{ev.offset}, apex {ev.apex}"


def au_column(col: str, suffix: str = "_r") -> bool:
    """``AU<two digits><suffix>`` exactly: ``AU12_r`` for "_r"; never ``AU12_R`` (the subject's right side),
    ``AU12_L`` or ``AU12_m`` (directed micro-motion, not an intensity)."""
    return len(col) == 4 + len(suffix) and col.startswith("AU") and col[2:4].isdigit() and col.endswith(suffix)


def motion_region_column(col: str) -> bool:
    return col.startswith("motion_") and len(col) > len("motion_")


def timecode(frame: int, fps: float, timebase: Timebase | None = None) -> str:
    """HH:MM:SS.mmm of a frame index (at a variable-rate video's own frame times with its `timebase`)."""
    return clock_text(timebase.time_of(frame) if timebase is not None else frame / fps if fps > 0 else 0.0)


def clock_text(t: float) -> str:
    """HH:MM:SS.mmm of a time in seconds, as :func:`timecode` shows a frame's."""
    # Round to whole milliseconds first: rounding only the seconds left after the minutes are split off turns
    # 299.9997 s (29.97 fps, frame 8991) into "00:04:60.000".
    ms = round(abs(t) * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{'-' if t < 0 and (h or m or s or ms) else ''}{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def next_speed(speed: float, step: int) -> float:
    """The neighbouring playback speed in SPEEDS (J slower, L faster), clamped to 0.1x..2x."""
    i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - speed))
    return SPEEDS[max(0, min(len(SPEEDS) - 1, i + step))]


@dataclass
class Marks:
    """Onset/apex/offset marks set with the I/A/O keys; an event is made once onset and offset are set."""

    onset: int | None = None
    apex: int | None = None
    offset: int | None = None

    def set(self, which: str, frame: int) -> None:
        setattr(self, which, int(frame))

    def clear(self) -> None:
        self.onset = self.apex = self.offset = None

    def ready(self) -> bool:
        return self.onset is not None and self.offset is not None

    def interval(self, signal: np.ndarray | None = None) -> tuple[int, int, int]:
        """(onset, apex, offset), ordered; apex defaults to the signal's peak inside the interval (or the middle)."""
        assert self.onset is not None and self.offset is not None
        on, off = sorted((self.onset, self.offset))
        apex = self.apex if self.apex is not None and on <= self.apex <= off else peak(signal, on, off)
        return on, apex, off


def peak(signal: np.ndarray | None, onset: int, offset: int) -> int:
    """Frame of the largest finite value of ``signal`` within [onset, offset]; the middle when there is none."""
    if signal is not None and len(signal) > onset:
        seg = np.asarray(signal[onset: offset + 1], dtype=float)
        if np.isfinite(seg).any():
            return onset + int(np.nanargmax(np.where(np.isfinite(seg), seg, -np.inf)))
    return (onset + offset) // 2


def _as_int(v: object) -> int:
    """A row's integer cell (frame, face_id): a Python or numpy number, as the analysis writes it."""
    if not isinstance(v, (SupportsInt, str)):
        raise TypeError(f"expected a number, got {type(v).__name__}")
    return int(v)


def as_written(v: float) -> float:
    """A value of the views' float32 arrays (CurveBuffer) as the CSVs write it: the shortest text that reads back to
    that float32 (project.export), which is the analysis' own rounded number (0.215, not 0.21500000357627869). Its
    two decimals are then the CSV's: the float32 itself rounds 0.215 up to "0.22"."""
    return float(str(np.float32(v))) if math.isfinite(v) else v


@dataclass
class CurveBuffer:
    """Per-face, per-column arrays indexed by frame, filled as analysis rows stream in (NaN = not yet known).

    The timeline redraws from these on a timer, so a batch of rows costs an array write, not a redraw.
    """

    frame_count: int
    columns: list[str] = field(default_factory=list)
    faces: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    frames_done: int = 0
    version: int = 0  # bumped on every change; views redraw when it moved
    hide_model: bool = False  # blind coding: the model's class columns are not offered to the views
    # frames whose picture is stale (damaged video data up to the next keyframe, merstudio.io.FrameSource.stale):
    # the analysis writes them a face_id -1 row with every AU unknown, where a frame without a face has AUs 0
    stale: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.stale = np.zeros(self.frame_count, dtype=bool)
        # frames_seen by face, at the version it was counted: the face list and the main face each ask for every
        # face on a switch, a scan of every column (~70 arrays of an hour's frames: 0.17 s a switch)
        self._seen: dict[int, tuple[int, int]] = {}

    def _array(self, face: int, col: str) -> np.ndarray:
        cols = self.faces.setdefault(face, {})
        if col not in cols:
            cols[col] = np.full(self.frame_count, np.nan, dtype=np.float32)
            if col not in self.columns:
                self.columns.append(col)
        return cols[col]

    def add_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for r in rows:
            face = _as_int(r.get("face_id", 0))
            i = _as_int(r["frame"])
            if not 0 <= i < self.frame_count:
                continue
            self.frames_done = max(self.frames_done, i + 1)
            if face < 0:
                self.stale[i] = _unknown_aus(r)
                continue
            for k, v in r.items():
                if _is_curve(k) and isinstance(v, numbers.Real) and not isinstance(v, bool):
                    self._array(face, k)[i] = v
                elif _is_curve(k) and (v is None or (isinstance(v, str) and v == "")):  # unknown AUxx_c: NaN
                    self._array(face, k)[i] = np.nan
        self.version += 1

    @classmethod
    def from_frame(cls, df: pd.DataFrame, frame_count: int) -> CurveBuffer:
        buf = cls(frame_count)
        if not len(df):
            return buf
        buf.frames_done = int(df["frame"].max()) + 1
        idx = df["frame"].to_numpy()
        ok = (idx >= 0) & (idx < frame_count)
        faceless = ok & (df["face_id"].to_numpy() < 0)
        aus = [c for c in df.columns if au_column(c)]
        if aus and faceless.any():
            unknown = df.loc[faceless, aus].isna().all(axis=1).to_numpy()
            buf.stale[idx[faceless][unknown]] = True
        for face, sub in df[ok & ~faceless].groupby("face_id"):
            fi = sub["frame"].to_numpy()
            for c in sub.columns:
                if _is_curve(c):
                    buf._array(int(face), c)[fi] = sub[c].to_numpy(dtype=np.float32)
        buf.version += 1
        return buf

    def face_ids(self) -> list[int]:
        return sorted(self.faces)

    def frames_seen(self, face: int) -> int:
        """On how many frames the face has values (counted once a version)."""
        kept = self._seen.get(face)
        if kept is None or kept[0] != self.version:
            kept = self._seen[face] = (self.version, self.seen_between(face, 0, self.frame_count - 1))
        return kept[1]

    def seen_between(self, face: int, first: int, last: int) -> int:
        """On how many of frames first..last the face has values (any column's count: a covered region's AUs are
        unknown, the face is still there)."""
        cols = self.faces.get(face, {}).values()
        return int(max((np.isfinite(a[first:last + 1]).sum() for a in cols), default=0))

    def main_face(self) -> int | None:
        """The face seen in most frames: the default track to show."""
        if not self.faces:
            return None
        return max(self.faces, key=self.frames_seen)

    def get(self, face: int, col: str) -> np.ndarray | None:
        return self.faces.get(face, {}).get(col)

    def au_columns(self, suffix: str = "_r") -> list[str]:
        """The AU columns with this suffix, by AU number: "_r" intensities 0..5 (never _L/_R/_m), "_m" motion."""
        return sorted(c for c in self.columns if au_column(c, suffix))

    def motion_columns(self) -> list[str]:
        """The micro-motion lane's per-region columns (motion_brows ..), in face order, unknown regions last."""
        cols = [c for c in self.columns if motion_region_column(c)]
        order = {f"motion_{r}": k for k, r in enumerate(MOTION_REGIONS)}
        return sorted(cols, key=lambda c: (order.get(c, len(order)), c))

    def blinks(self, face: int) -> tuple[np.ndarray, np.ndarray]:
        """(first frame, frame count) of each run of blink == 1 frames of a face (empty arrays without a blink
        column)."""
        b = self.get(face, "blink")
        if b is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return runs(np.nan_to_num(b) > 0.5)

    def is_stale(self, frame: int) -> bool:
        """Whether the frame's picture is stale (damaged video data before it): its values are unknown, whatever
        face is shown."""
        return 0 <= frame < len(self.stale) and bool(self.stale[frame])

    def stale_runs(self) -> tuple[np.ndarray, np.ndarray]:
        """(first frame, frame count) of each run of stale frames."""
        return runs(self.stale)

    def class_columns(self) -> list[str]:
        """The model's class columns (``p_<class>``); none while blind coding hides the model (``hide_model``)."""
        if self.hide_model:
            return []
        return [c for c in self.columns if c.startswith("p_")]

    def activity(self, face: int) -> np.ndarray | None:
        """Sum of AU intensities per frame (NaN ones count 0, blinks (AU45) are left out): the signal an apex
        defaults to when coding by hand."""
        arrs = [self.faces[face][c] for c in self.au_columns() if c in self.faces.get(face, {}) and c != BLINK_AU]
        if not arrs:
            return None
        return np.nansum(np.vstack(arrs), axis=0)


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index, length) of each run of True in a bool array."""
    d = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    starts, stops = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return starts, stops - starts


def _unknown_aus(row: Mapping[str, object]) -> bool:
    """A face_id -1 row whose AU intensities are all unknown (NaN): a stale frame's (analysis._unknown_row); a
    frame seen without a face has AUs 0."""
    vals = [v for k, v in row.items() if au_column(k)]
    return bool(vals) and all(v is None or v == "" or (isinstance(v, numbers.Real) and math.isnan(float(v)))
                              for v in vals)


def _is_curve(col: str) -> bool:
    """A column the buffer keeps (see AU_COL's table above): AU _r/_c/_p/_m/_L/_R, p_<class> and the micro-motion
    lane."""
    head = col[:2]  # cheap first: called for every value of every streamed row
    if head == "AU":
        return AU_COL.fullmatch(col) is not None
    return head == "p_" or (head in ("mo", "bl") and (col in ("motion", "blink") or motion_region_column(col)))


def event_order(e: Event) -> tuple[int, int]:
    """Where an event stands when stepping through events (``.`` / ``,``, N, and Y / X's proposal under the play
    head): by onset, then by id, the video's order, whatever the events table's sort (a column the coder clicked).
    Events sharing an onset (a coder agreeing with a proposal, two faces) each have their place."""
    return e.onset, e.id or 0


def next_proposal(events: Sequence[Event], frame: int, current: Event | None = None) -> Event | None:
    """The next open proposal (wrapping to the first one): the first after ``current`` in :func:`event_order`
    when given (the selected event, proposal or not: every proposal sharing its onset is reached), else the first
    starting after ``frame``."""
    props = sorted((e for e in events if e.status == "proposal"), key=event_order)
    for e in props:
        if (event_order(e) > event_order(current)) if current is not None else e.onset > frame:
            return e
    return props[0] if props else None


def clamp(v: float, lo: float, hi: float) -> float:
    return lo if v < lo else hi if v > hi else v


_TIME_RE = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d*)?|\.\d+)$")


# timecode() shows a time rounded to the millisecond: typed back, it may be up to half of one before its frame's time
# (frame 196 at 30 fps, 6.5333 s, is shown 00:00:06.533)
SHOWN_TIME_SLACK = 0.0005


def parse_goto(text: str, fps: float, frame_count: int, timebase: Timebase | None = None) -> int:
    """The frame a Go To entry names, clamped to the video (:func:`goto_frame`)."""
    return goto_frame(text, fps, frame_count, timebase)[0]


def goto_frame(text: str, fps: float, frame_count: int, timebase: Timebase | None = None) -> tuple[int, str]:
    """The frame a Go To entry names: a frame number (``45``) or a time ``hh:mm:ss.mmm`` / ``mm:ss.mmm`` /
    ``ss.mmm`` (a time has a ``:`` or a ``.``, or ends in ``s``): the frame shown at that time, a time shown by
    :func:`timecode` (rounded to the millisecond) being its frame's. Clamped to the video, with a status line
    saying so ('' when not clamped). ValueError with a one-line message for anything else."""
    t = text.strip().lower()
    if not t:
        raise ValueError("go to: type a frame number or a time hh:mm:ss.mmm")
    if t.isdigit():
        frame = int(t)
    else:
        if t.endswith("s"):
            t = t[:-1].strip()
        m = _TIME_RE.match(t)
        if m is None:
            raise ValueError(f"go to: {text.strip()!r} is neither a frame number nor a time hh:mm:ss.mmm")
        h, mins, secs = int(m.group(1) or 0), int(m.group(2) or 0), float(m.group(3))
        if m.group(2) is not None and secs >= 60 or m.group(1) is not None and mins >= 60:
            raise ValueError(f"go to: {text.strip()!r}: minutes and seconds go up to 59")
        seconds = h * 3600 + mins * 60 + secs
        # floor, not round: a time between two frames' is the earlier one's, shown until the next one's time
        # comes; the slack takes a time as shown (rounded) back to its frame (and 1e-6: 1.5 s at 30 fps is 45)
        frame = (timebase.frame_at(seconds, SHOWN_TIME_SLACK) if timebase is not None
                 else int(math.floor((seconds + SHOWN_TIME_SLACK) * fps + 1e-6)))
    last = max(frame_count - 1, 0)
    if frame <= last:
        return max(frame, 0), ""
    # said, not silent: '45.0' (a frame number as a table wrote it) is a time, 45 s, past a 20 s video's end
    entry = text.strip() if t.isdigit() else f"{text.strip()} (a time, {clock_text(seconds)})"
    return last, f"Go to {entry}: past the end, frame {last} is the last"


def neighbour_event_frame(events: Iterable[Event], frame: int, direction: int,
                          current: Event | None = None) -> Event | None:
    """The next (direction > 0) or previous (< 0) event of any kind: next to ``current`` in :func:`event_order`
    when given (so events sharing an onset are each reached, both ways), else the one whose onset is the nearest
    after ``frame`` or before it."""
    evs = sorted(events, key=event_order)
    if current is not None:
        at = event_order(current)
        if direction > 0:
            return next((e for e in evs if event_order(e) > at), None)
        return next((e for e in reversed(evs) if event_order(e) < at), None)
    if direction > 0:
        return next((e for e in evs if e.onset > frame), None)
    return next((e for e in reversed(evs) if e.onset < frame), None)


def data_version(project: Any) -> int | None:
    """SQLite's PRAGMA data_version of the project's own connection: it changes when another connection (another
    window or program, the writer of a project open read-only here) commits, never for this connection's own
    writes. None where it cannot be read (the project closed)."""
    try:
        with project._lock:
            return int(project._con.execute("PRAGMA data_version").fetchone()[0])
    except (AttributeError, sqlite3.Error):
        return None


@dataclass
class StoreWatch:
    """What another program changed in the open project since the last look: a read-only window polls it (it showed
    what was there at opening while its writer coded on, and exported what it did not show)."""

    _seen: tuple[int, int | None, int] | None = None  # (id of the project, the video shown, data_version) last look
    _results: Any = None  # what the video's stored results were then (_stored)

    def look(self, project: Any, video: Any) -> tuple[bool, bool]:
        """(whether another connection committed since the last look, whether the stored results of ``video``
        changed with it). The first look at a project or a video: (False, False), the state it starts from."""
        version = data_version(project)
        if version is None:
            return False, False
        key = (id(project), video.id if video is not None else None)
        seen, self._seen = self._seen, (*key, version)
        if seen is None or seen[:2] != key:
            self._results = _stored(project, video)
            return False, False
        if seen[2] == version:
            return False, False
        before, self._results = self._results, _stored(project, video)
        return True, before != self._results

    def forget(self) -> None:
        """Everything was read again (View > Refresh): the next look starts from there."""
        self._seen, self._results = None, None


def _stored(project: Any, video: Any) -> Any:
    """What a video's stored results are, to compare: its active run (another one, or its status) and, once it is
    not running, how far it reaches. The rows a run stores meanwhile wait for its end (else an hour's curves were
    read again every few seconds while another program analyses)."""
    if video is None:
        return None
    run = project.analysis(video.id)
    return run, project.last_frame_stored(video.id) if run is not None and run.status != "running" else None
