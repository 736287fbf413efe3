"""Reports from a project: per-frame CSV, events CSV/XLSX, per-video summary CSV + timeline PNG, and the corrected
events as a labelled set (generic table) for fine-tuning.

Proposals are not coding. The summary counts only coded (accepted) events as events and reports open and rejected
proposals on rows of their own (measure ``proposals``). In the events table, ``model_confidence`` is the model's
suggestion confidence (its mean class probability) of every event the model proposed (open, accepted or rejected),
and ``confidence`` the coder's own rating (Event.confidence and Event.model_confidence, schema 9), empty where none,
so a coder's mean confidence never mixes in the model's numbers; the events CSV writes and reads both columns alike
(until 2026-12-07 open and rejected proposals had the model's number in ``confidence`` too). ``model``
names the checkpoint that proposed the event ("starter.pt (26e4a6027a09)": its file name and the start of its
SHA-256), empty for events no checkpoint proposed (coded ones, proposals of the FACS rules, events stored before
schema 7).

Every file is written to a temporary name beside the target and moved into place, so a failed export never leaves a
half-written report under the real name. An unwritable path raises OutputError.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from merstudio.analysis.plot import au_intensity_columns, draw_au_bars, drawing, glyphs_line, missing_glyphs
from merstudio.atomic import atomic_path as _atomic
from merstudio.csv_write import frame_to_csv
from merstudio.errors import InputError, OutputError
from merstudio.features.aus import is_presence
from merstudio.features.neutral import apply_baselines, complete_baseline, load_baselines, mark_rows
from merstudio.io.timebase import Timebase
from merstudio.model.checkpoint_meta import png_metadata
from merstudio.model.columns import class_key
from merstudio.mpl_config import literal, thread_fonts_released
from merstudio.names import name_sort_key
from merstudio.palette import au_colour, au_linestyle, class_colour, class_linestyle, emotion_colour
from merstudio.project.analyses import model_text
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.events import Event, au_numbers
from merstudio.project.store import Project
from merstudio.project.subjects import subject_names
from merstudio.series import envelope, lone_finite

Progress = Callable[[int, int], None] | None
Times = np.ndarray | None  # a variable-rate video's frame times as its player knows them (Project.timebase)

EVENT_COLUMNS = ("event_id", "video", "video_path", "face_id", "onset_frame", "apex_frame", "offset_frame",
                 "onset_time", "apex_time", "offset_time", "duration_frames", "duration_s", "emotion", "aus",
                 "coder", "confidence", "note", "source", "status", "model_confidence", "model")
LABELLED_COLUMNS = ("subject", "sample", "label", "path", "onset", "apex", "offset", "aus", "face_box", "coder")
BASE_FRAME_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")




def export_frames_csv(project: Project, video_id: int, path: str | os.PathLike[str],
                      progress: Progress = None, chunk: int = 5000, relative: bool = False) -> Path:
    """OpenFace-style per-frame CSV (frame, face_id, timestamp, confidence, success, AUxx_r, AUxx_c, p_<class>,
    AUxx_p), written in chunks so long videos do not build one huge table in memory. ``relative``: each calibrated
    face's AU intensities relative to its neutral frames (merstudio.features.neutral; refused when the video has
    no neutral frames), the others as stored, and a last column ``neutral_frames`` that says which: "A-B" on the
    relative rows, empty on the absolute ones (features.neutral.mark_rows).

    Numbers keep their full precision: frame numbers as integers, timestamps as the shortest text that reads back
    to the same float64 (frame 24000 at 23.976 fps is 1001.001001, not "1001"), and the value columns, which
    the project stores as float32, as the shortest text that reads back to the same float32.

    ``video_id``: the project video (Project.videos()). ``progress(done, total)``: after each ``chunk`` of frames.
    Returns ``path`` as a Path; InputError for ``relative`` without neutral frames, OutputError where ``path``
    cannot be written."""
    video = project.video(video_id)
    a = project.analysis(video_id)
    n = video.frame_count if a else 0
    baselines = list(load_baselines(project, video_id).values()) if relative else []
    if relative and not baselines:
        raise InputError(f"{video.name}: no neutral frames set (Analysis > Neutral frames): nothing to be relative to")
    # the app's levels cover the curves' columns; the table also has the per-side ones: levels for those too
    baselines = [complete_baseline(b, project.load_frames(video_id, b.first, b.last + 1)) for b in baselines]
    state: dict[tuple[int, str], bool] = {}  # presence hysteresis carried from chunk to chunk
    with _atomic(path) as tmp:
        first = True
        for start in range(0, max(n, 1), chunk):
            df = project.load_frames(video_id, start, start + chunk)
            if baselines:
                df = mark_rows(apply_baselines(df, baselines, state), baselines)
            df = _stored_precision(df)
            if first or len(df):
                df.to_csv(tmp, mode="w" if first else "a", header=first, index=False)
                first = False
            if progress:
                progress(min(start + chunk, n), n)
    return Path(path)


def _stored_precision(df: pd.DataFrame) -> pd.DataFrame:
    """Value columns back to the float32 they are stored as (so 0.3 is written "0.3", not 0.30000001192092896);
    the base columns (frame, face_id, timestamp, confidence, success) stay as they are. Presences (AUxx_c) read
    back with unknowns (NaN) are nullable integers: written 0 / 1 / empty (unknown), not 0.0 / 1.0."""
    pres = [c for c in df.columns if is_presence(c) and df[c].dtype == np.float64]
    values = [c for c in df.columns if c not in BASE_FRAME_COLUMNS and df[c].dtype == np.float64 and c not in pres]
    types = {**dict.fromkeys(values, "float32"), **dict.fromkeys(pres, "Int8")}
    return df.astype(types) if types else df


def analysed_part(project: Project, video_id: int) -> int | None:
    """How many frames (0 .. k-1) the video's stored analysis holds when it stops short of the video's last frame
    (a run cancelled, interrupted, failed or still going; 0: no frame stored); None when it reaches the last frame
    or none is stored. What an export of its rows says (:func:`partial_line`) and the summary records."""
    if project.analysis(video_id) is None:
        return None
    n, last = project.video(video_id).frame_count, project.last_frame_stored(video_id)
    if last is not None and last >= n - 1:
        return None
    return 0 if last is None else last + 1  # a run stores frames from the first on (a prefix)


def partial_line(name: str, analysed: int | None, frame_count: int) -> str:
    """The one line an export of a part-analysed video says (a status line, the CLI's stderr): "video X: analysed
    frames a-b of N only"; "" for a whole analysis (``analysed`` None, :func:`analysed_part`)."""
    return f"video {name}: {_analysed_text(analysed, frame_count)}" if analysed is not None else ""


def _analysed_text(analysed: int, frame_count: int) -> str:
    return f"analysed frames 0-{analysed - 1} of {frame_count} only" if analysed else \
        f"no frame of {frame_count} analysed"


def video_place(project: Project, video_id: int) -> str:
    """A video's path as an export writes it: the file the project uses here (Project.locate_video: a moved or
    copied project's own copy, a folder the user pointed at this session), not the path stored where the project
    was made; the stored one only where the video is found nowhere (where it was, as `project show` says)."""
    where = project.locate_video(video_id)
    return str(where) if where is not None else project.video(video_id).path


def events_table(project: Project, video_id: int | None = None, times: Times = None) -> pd.DataFrame:
    """Events of one video (or all), one row each, with frame-index and timestamp columns. ``times``: the frame
    times of video ``video_id`` as its player knows them; without them, the stored or the file's own
    (Project.video_times). On a constant-rate video duration_s = (offset - onset + 1) / fps: the frames are
    inclusive, each shown for 1 / fps."""
    rows = []
    for video in project.videos():
        if video_id is not None and video.id != video_id:
            continue
        evs = project.events(video.id)
        if not evs:
            continue
        tb = project.timebase(video.id, times if video.id == video_id else None)
        place = video_place(project, video.id)
        for e in evs:
            rows.append({
                "event_id": e.id, "video": video.name, "video_path": place, "face_id": e.face_id,
                "onset_frame": e.onset, "apex_frame": e.apex, "offset_frame": e.offset,
                "onset_time": tb.time_of(e.onset), "apex_time": tb.time_of(e.apex),  # full precision (no rounding)
                "offset_time": tb.time_of(e.offset), "duration_frames": e.duration,
                "duration_s": tb.span(e.onset, e.offset), "emotion": e.emotion, "aus": e.aus,
                "coder": e.coder, "confidence": e.confidence, "note": e.note,  # the coder's own rating
                "source": e.source, "status": e.status,
                "model_confidence": e.model_confidence,  # the model's probability, set by the model alone
                "model": e.model,  # the checkpoint that proposed it (reviewed or not); empty for coded events
            })
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for c in ("confidence", "model_confidence"):  # numbers, NaN where none (all None made them objects)
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(np.float64)
    return df


BEHAVIOUR_COLUMNS = ("behaviour_event_id", "video", "video_path", "behaviour", "kind", "key", "face_id",
                     "onset_frame", "offset_frame", "onset_time", "offset_time", "duration_frames", "duration_s",
                     "coder", "note", "open")


def behaviours_table(project: Project, video_id: int | None = None, times: Times = None) -> pd.DataFrame:
    """The project's behaviour events (schema 5) of one video (or all), one row each, frame and time columns. A
    state still being coded has no offset (``open`` True, offset and duration empty); a point event has
    offset == onset. ``times``: as for :func:`events_table`."""
    named = {b.id: b for b in project.behaviours()}
    rows = []
    for video in project.videos():
        if video_id is not None and video.id != video_id:
            continue
        evs = project.behaviour_events(video.id)
        if not evs:
            continue
        tb = project.timebase(video.id, times if video.id == video_id else None)
        place = video_place(project, video.id)
        for e in evs:
            b = named.get(e.behaviour_id)
            rows.append(_behaviour_row(e, video.name, place, tb, b.name if b else "", b.kind if b else "",
                                       b.key if b else ""))
    return _behaviours_frame(rows)


def _behaviour_row(e: BehaviourEvent, video: str, place: str, tb: Timebase, name: str, kind: str,
                   key: str) -> dict[str, Any]:
    """One row of the behaviours table (BEHAVIOUR_COLUMNS)."""
    return {
        "behaviour_event_id": e.id, "video": video, "video_path": place, "behaviour": name, "kind": kind, "key": key,
        "face_id": e.face_id, "onset_frame": e.onset, "offset_frame": e.offset, "onset_time": tb.time_of(e.onset),
        "offset_time": None if e.offset is None else tb.time_of(e.offset),
        "duration_frames": None if e.offset is None else e.offset - e.onset + 1,
        "duration_s": None if e.offset is None else tb.span(e.onset, e.offset),
        "coder": e.coder, "note": e.note, "open": e.offset is None,
    }


def _behaviours_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(BEHAVIOUR_COLUMNS))
    for c in ("offset_frame", "duration_frames"):
        df[c] = df[c].astype("Int64")  # empty for an open state, never 12.0
    return df


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df``'s text columns with a coder's own apostrophe before text the spreadsheet guard guards doubled
    (interchange's plain_cell: ``'3/4`` as ``''3/4``), as every writer of our tables writes them: the readers take
    the guard's apostrophe off, and a note '3/4 came back as 3/4. ``df`` itself where no cell needs it."""
    from merstudio.interchange.events_csv import plain_cell  # here: interchange builds on project

    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])
            and df[c].map(lambda v: type(v) is str and v.startswith("'")).any()]
    if not text:
        return df
    out = df.copy()
    for c in text:
        out[c] = df[c].map(plain_cell)
    return out


def _write_csv(df: pd.DataFrame, path: str | os.PathLike[str], progress: Progress) -> Path:
    with _atomic(path) as tmp:
        frame_to_csv(_plain(df), tmp, index=False)  # a note's line break (\r or \n) quoted
    if progress:
        progress(1, 1)
    return Path(path)


def export_behaviours_csv(project: Project, path: str | os.PathLike[str], video_id: int | None = None,
                          progress: Progress = None, times: Times = None) -> Path:
    """:func:`behaviours_table` (the behaviour events of video ``video_id``, or of all videos for None) written to
    the CSV ``path``. ``times``: as for :func:`events_table`; ``progress(1, 1)`` once written. Returns ``path`` as
    a Path; OutputError where it cannot be written."""
    return _write_csv(behaviours_table(project, video_id, times), path, progress)


def export_named_behaviours_csv(events: Sequence[tuple[str, BehaviourEvent]], path: str | os.PathLike[str],
                                video: str, video_path: str, timebase: Timebase) -> Path:
    """Behaviour events read from a file, not a project's (an ELAN file's behaviour tiers, converted: (behaviour
    name, event)), written to ``path`` as :func:`export_behaviours_csv` writes a project's, which an import into a project takes
    back: ``video`` names the video, ``timebase`` gives the times. A behaviour is a state where one of its events
    spans frames, else a point (as an import into a project makes it); no key, no event ids. Returns the path
    written."""
    spans = {name for name, e in events if e.offset != e.onset}
    rows = [_behaviour_row(e, video, video_path, timebase, name, "state" if name in spans else "point", "")
            for name, e in events]
    return _write_csv(_behaviours_frame(rows), path, None)


def behaviours_csv_path(events_path: str | os.PathLike[str]) -> Path:
    """Where the behaviour events go beside an events file: ``<stem>_behaviours.csv``."""
    p = Path(events_path)
    stem = p.name[: -len(".boris.csv")] if p.name.lower().endswith(".boris.csv") else p.stem
    return p.with_name(f"{stem}_behaviours.csv")


# {tier id: (coder, [(onset, offset, value)])}: eaf_write.ExtraTiers as the exports build them
BehaviourTiers = dict[str, tuple[str, list[tuple[int, int, str]]]]


def behaviour_tiers(project: Project, video_id: int) -> BehaviourTiers:
    """The video's ended behaviour events as ELAN tiers (:func:`named_behaviour_tiers`), the behaviours in the
    project's order. States still being coded are left out (:func:`open_states_note` says so; the CSV has them)."""
    named = {b.id: b for b in project.behaviours()}
    rank = {bid: i for i, bid in enumerate(sorted(named, key=lambda bid: (named[bid].position, bid)))}
    evs = sorted((e for e in project.behaviour_events(video_id) if e.behaviour_id in named),
                 key=lambda e: rank[e.behaviour_id])
    return named_behaviour_tiers([(named[e.behaviour_id].name, e) for e in evs])


def named_behaviour_tiers(events: Iterable[tuple[str, BehaviourEvent]]) -> BehaviourTiers:
    """Ended behaviour events given as (behaviour name, event) as ELAN tiers, one per behaviour, coder and face
    (eaf_write.behaviour_tier_name: ``behaviour: <name> (<coder>)``, ``/face<k>`` for face k != 0, overlapping
    events on extra lanes ``… #2``), the behaviours in the order they first come, then by coder and face: {tier id:
    (coder, [(onset, offset, value)])}. The value is the note, else the behaviour's name. An open state (no offset)
    is left out."""
    from merstudio.interchange.eaf_write import behaviour_tier_name

    first: dict[str, int] = {}
    groups: dict[tuple[str, str, int], list[tuple[int, int, str]]] = {}
    for name, e in events:
        if e.offset is None:
            continue
        first.setdefault(name, len(first))
        groups.setdefault((name, e.coder, e.face_id), []).append((e.onset, e.offset, e.note or name))
    out: BehaviourTiers = {}
    for (name, coder, face), spans in sorted(groups.items(), key=lambda kv: (first[kv[0][0]], kv[0][1:])):
        lanes: list[list[tuple[int, int, str]]] = []
        for span in sorted(spans):
            lane = next((ln for ln in lanes if ln[-1][1] < span[0]), None)
            if lane is None:
                lanes.append([span])
            else:
                lane.append(span)
        for i, lane in enumerate(lanes):
            out[behaviour_tier_name(name, coder, face, i + 1)] = (coder, lane)
    return out


def open_states_note(project: Project, video_id: int) -> str:
    """The line an ELAN export of video ``video_id`` says of its behaviour states still open (started, never
    stopped: no end to write), which its tiers leave out; "" where there are none, or where no tier is written (the
    export then writes every behaviour event to ``<stem>_behaviours.csv`` beside it)."""
    named = {b.id: b.name for b in project.behaviours()}
    evs = [e for e in project.behaviour_events(video_id) if e.behaviour_id in named]
    still = [e for e in evs if e.offset is None]
    if not still or len(still) == len(evs):
        return ""
    which = sorted({named[e.behaviour_id] for e in still}, key=str.casefold)
    return (f"{len(still)} behaviour state(s) still open ({', '.join(which[:4])}"
            + (f" and {len(which) - 4} more" if len(which) > 4 else "")
            + ") left out of the ELAN file: it holds no state without an end; stop them, or export a CSV, which "
            "keeps them")


def export_events_csv(project: Project, path: str | os.PathLike[str], video_id: int | None = None,
                      progress: Progress = None, times: Times = None) -> Path:
    """:func:`events_table` (the coded events of video ``video_id``, or of all videos for None: EVENT_COLUMNS,
    one row per event) written to the CSV ``path``. ``times``: a variable-rate video's frame times as its player
    knows them (see :func:`events_table`); ``progress(1, 1)`` once written. Returns ``path`` as a Path;
    OutputError where it cannot be written."""
    return _write_csv(events_table(project, video_id, times), path, progress)


def export_events_xlsx(project: Project, path: str | os.PathLike[str], video_id: int | None = None,
                       progress: Progress = None, times: Times = None) -> Path:
    """:func:`export_events_csv`'s table as an Excel workbook ``path`` (one sheet, "events"). ``progress``: see
    merstudio.xlsx.write_xlsx. Returns ``path`` as a Path; OutputError where it cannot be written."""
    from merstudio.xlsx import write_xlsx

    df = events_table(project, video_id, times)
    # its step comes once the workbook is built, before the file is replaced: the app's Cancel export stops it there
    write_xlsx(path, "events", [str(c) for c in df.columns], df.itertuples(index=False, name=None), progress)
    return Path(path)


@dataclass(frozen=True)
class SummaryData:
    """What the summary report of a video is made of, read from the project at one moment (:func:`summary_data`);
    :func:`write_summary` writes the report from it. The app does both in a worker, reading through a read-only
    connection of the export's own whose snapshot was pinned when the export was asked for (``gui/exports.py``),
    so that the report is the project as it was then, whatever the coder does meanwhile."""

    video: str  # the video's name
    frame_count: int
    frames: pd.DataFrame  # Project.load_frames: every face, every stored column
    events: tuple[Event, ...]
    timebase: Timebase
    # frames 0 .. analysed-1 are all the stored analysis holds (a run cancelled, interrupted or still going:
    # :func:`analysed_part`); None: it covers the video. The report records it (its CSV rows, the PNG's title)
    analysed: int | None = None
    # the checkpoint behind the class curves and the model's proposals (project.analyses.model_text, short: name and
    # SHA-256's start; "" where none): the PNG's Description names it
    model: str = ""
    # who each face is, as imported files named them (interchange.known_face_names): the PNG's panels say so
    face_names: dict[int, str] = field(default_factory=dict)

    @property
    def partial(self) -> str:
        """:func:`partial_line` of this video ("" when its analysis is whole)."""
        return partial_line(self.video, self.analysed, self.frame_count)


def summary_data(project: Project, video_id: int, times: Times = None) -> SummaryData:
    """The summary's data (see :class:`SummaryData`). ``times``: as for :func:`events_table` (copied)."""
    # the one reader of the names imports gave faces (their setting); here, not at the top: interchange builds on project
    from merstudio.interchange import known_face_names

    video = project.video(video_id)
    times = None if times is None else np.array(times, dtype=np.float64)  # the player's array is not shared
    return SummaryData(video.name, video.frame_count, project.load_frames(video_id),
                       tuple(project.events(video_id)), project.timebase(video_id, times),
                       analysed_part(project, video_id), model_text(project.analysis(video_id), short=True),
                       known_face_names(project, video_id))


def summary_table(project: Project, video_id: int, times: Times = None) -> pd.DataFrame:
    """Tidy per-video summary: (measure, category, value, coder, face) rows. ``face``: the face id for a face's
    rows, ``all`` for a coder's event counts pooled over the faces (:data:`ALL_FACES`), empty for the video's rows.
    Per coder (``coder``: their name, ``(no coder)`` for accepted events without one) and face
    (:func:`summary_faces`): their coded (accepted) events per class, mean and total durations and the number of
    their events coding each AU (``au_events``); every class (any coder's, and the model's ``p_`` classes) and every
    AU any coder coded has a row for every coder and face, 0 where they coded none (a mean of none is empty); two
    coders coding one expression are two coders' events, never one pooled count of two. Pooled over the faces
    (face ``all``): each coder's event counts (``events``), never durations (two people's sum is no time of the
    video). Per face (``coder`` empty): ``face_frames/analysed`` and the AU frequencies (fraction of the face's
    analysed frames with AUxx_c = 1, of those where it is known). Of the video (face and coder empty): its frames,
    the proposals not coded (``proposals/open``, ``proposals/rejected``), ``coders/count``, how many coders the rows
    cover, and ``face_frames/analysed`` where no face was found. Of a video analysed part-way (a run cancelled,
    interrupted or still going), ``frames/analysed_first`` and ``frames/analysed_last`` after ``frames/total``
    (both empty when no frame is): the frames every measure of the analysis is of (no row of theirs when the
    analysis covers the video). Counts are integers. Of a photo (one frame), each face's ``au_intensity`` and
    ``au_present`` too, category ``face<id>/AUxx``, and ``face_frames`` and ``au_frequency`` pooled over its faces
    (face ``all``: the share of its people showing the AU). Until 2026-12-07 every row pooled the faces (a dyad's
    ``face_frames`` twice the video's frames) and a class a coder did not code had no row."""
    return summary_of(summary_data(project, video_id, times))


NO_CODER = "(no coder)"  # the summary's coder of accepted events that name none


def summary_coders(data: SummaryData) -> list[str]:
    """The coders whose accepted events the summary counts, sorted (:data:`NO_CODER` for events naming none)."""
    return sorted({e.coder or NO_CODER for e in data.events if e.status == "accepted"}, key=name_sort_key)


ALL_FACES = "all"  # the summary's face of a row pooled over the faces (a coder's event counts), labelled so


def summary_faces(data: SummaryData) -> list[int]:
    """Every face the summary has rows of, in face order: those with analysed frames or events (but rejected ones),
    the faces the timeline PNG draws a panel of (:func:`timeline_faces`, which draws a few of a crowd)."""
    df = data.frames
    seen = set(df.loc[(df["face_id"] >= 0) & (df["success"] == 1), "face_id"].astype(int)) if len(df) else set()
    return sorted(seen | {e.face_id for e in data.events if e.status != "rejected"})


def summary_of(data: SummaryData) -> pd.DataFrame:
    """:func:`summary_table` of data read before (no project needed)."""
    every = data.events
    evs = [e for e in every if e.status == "accepted"]
    coders = summary_coders(data)
    faces = summary_faces(data)
    # (measure, category, value, coder, face); value None: empty; face "" of the video, ALL_FACES pooled
    Row = tuple[str, str, int | float | np.float32 | None, str, int | str]
    rows: list[Row] = [
        ("frames", "total", int(data.frame_count), "", ""),
        ("proposals", "open", sum(e.status == "proposal" for e in every), "", ""),
        ("proposals", "rejected", sum(e.status == "rejected" for e in every), "", ""),
        ("coders", "count", len(coders), "", "")]
    if data.analysed is not None:  # a part-analysed video: its frames and AU frequencies are of these frames only
        first, last = (0, data.analysed - 1) if data.analysed else (None, None)  # None: empty (no frame)
        rows[1:1] = [("frames", "analysed_first", first, "", ""), ("frames", "analysed_last", last, "", "")]
    if not coders:
        rows.append(("events", "all", 0, "", ALL_FACES))
    tb = data.timebase
    # Every class of the video's coding (any coder's) and of the model, for every coder and face, zero where they
    # coded none: a pivot of the tidy table (a coder per column) reads 0, not a missing value that a mean skips.
    df = data.frames
    # one row per class whatever its spelling (an event's 'Happiness' is the model's p_happiness: class_key), named
    # as the model's column spells it, else as first coded; an event with no emotion is "(none)", never the model's
    # 'none' class
    shown: dict[str, str] = {}
    for name in [*(c[2:] for c in df.columns if c.startswith("p_")), *(e.emotion for e in evs if e.emotion)]:
        shown.setdefault(class_key(name), name)

    def label(e: Event) -> str:
        return shown[class_key(e.emotion)] if e.emotion else "(none)"

    classes = sorted(set(shown.values()) | {"(none)" for e in evs if not e.emotion}, key=name_sort_key)
    aus = sorted({n for e in evs for n in set(au_numbers(e.aus))})
    for coder in coders:
        mine = [e for e in evs if (e.coder or NO_CODER) == coder]
        # pooled over the faces: counts only (a sum of durations over two people is no time of the video)
        rows.append(("events", "all", len(mine), coder, ALL_FACES))
        rows += [("events", cls, sum(label(e) == cls for e in mine), coder, ALL_FACES)
                 for cls in classes]
        for face in faces:
            theirs = [e for e in mine if e.face_id == face]
            rows.append(("events", "all", len(theirs), coder, face))
            for cls in classes:
                durs = np.array([tb.span(e.onset, e.offset) for e in theirs if label(e) == cls])
                rows += [("events", cls, len(durs), coder, face),
                         ("mean_duration_s", cls, float(durs.mean()) if len(durs) else None, coder, face),
                         ("total_duration_s", cls, float(durs.sum()), coder, face)]
            rows += [("au_events", f"AU{n:02d}", sum(n in au_numbers(e.aus) for e in theirs), coder, face)
                     for n in aus]
    ok = df[df["success"] == 1] if len(df) else df
    presence = [c for c in df.columns if is_presence(c)]
    if not faces:  # analysed, no face found (or not analysed): 0 of the video; a face's are on its own rows
        rows.append(("face_frames", "analysed", len(ok), "", ""))
    elif data.frame_count == 1:  # a photo: the share of its people showing each AU (a video's would mix them)
        rows.append(("face_frames", "analysed", len(ok), "", ALL_FACES))
        rows += [("au_frequency", c[:-2], float(ok[c].astype("float64").mean()), "", ALL_FACES) for c in presence]
    for face in faces:
        own = ok[ok["face_id"] == face] if len(ok) else ok
        rows.append(("face_frames", "analysed", len(own), "", face))
        for c in presence:  # of the frames where it is known
            # through float64: an Int8 column unknown on every analysed frame has the mean <NA>, which float() refuses
            rows.append(("au_frequency", c[:-2], float(own[c].astype("float64").mean()) if len(own) else None, "",
                         face))
    if data.frame_count == 1:  # a photo: what each face holds, not only a frequency pooled over the people in it
        for fid, one in _photo_faces(data):
            for c in au_intensity_columns(list(df.columns)):  # float32 as stored: 2.673, not 2.6730000972747803
                rows.append(("au_intensity", f"face{fid}/{c[:-2]}", np.float32(one[c].iloc[0]), "", fid))  # NaN: empty
                if c[:-2] + "_c" in one:  # 1, 0, or empty where the estimator could not tell
                    v = one[c[:-2] + "_c"].iloc[0]
                    rows.append(("au_present", f"face{fid}/{c[:-2]}", None if pd.isna(v) else int(v), "", fid))
    # object, not float: a count is written 72, not 72.0; coder and face come last, after the columns of old
    out = pd.DataFrame(rows, columns=["measure", "category", "value", "coder", "face"], dtype=object)
    out.insert(0, "video", data.video)
    return out


def export_summary(project: Project, video_id: int, csv_path: str | os.PathLike[str],
                   png_path: str | os.PathLike[str] | None = None, progress: Progress = None,
                   times: Times = None) -> list[Path]:
    """Video ``video_id``'s summary CSV at ``csv_path`` (one row per measure and category: frames, events and
    their durations, AU events and frequencies, proposals, coders, ...), plus a timeline PNG (AU curves, class
    confidence, events) at ``png_path`` when given. ``times``: as for :func:`events_table`; ``progress``: as for
    :func:`write_summary`. Returns the paths written (the CSV, then the PNG); OutputError where either cannot be
    written (neither is then replaced)."""
    return write_summary(summary_data(project, video_id, times), csv_path, png_path, progress)


def check_summary_paths(*paths: str | os.PathLike[str] | None) -> None:
    """Refuse (OutputError, one line) a summary whose CSV or PNG path is a folder, before either is written: the
    PNG was moved into place before the CSV's folder refused it. The app calls it before starting the worker."""
    for p in paths:
        if p is not None and Path(p).is_dir():
            raise OutputError(f"{p}: cannot write (it is a folder; give the file to write)")


def write_summary(data: SummaryData, csv_path: str | os.PathLike[str],
                  png_path: str | os.PathLike[str] | None = None, progress: Progress = None,
                  notes: list[str] | None = None) -> list[Path]:
    """:func:`export_summary` of data read before: touches no project (the app runs it in a worker). The CSV and
    the PNG are a pair: a path that is a folder is refused before anything is written (:func:`check_summary_paths`);
    both are written to temporaries first, and neither replaces its file unless both were written (the PNG is moved
    into place first, then the CSV: a PNG that cannot be written or moved leaves the old CSV as it was).
    ``progress(1, 2)`` comes once both are written to their temporaries, before either is moved into place (what it
    raises, the app's export stopped as its window closes, leaves both old files as they were and no temporary);
    ``progress(2, 2)`` once both are in place. Characters of the PNG's text no font has (a CJK file name without a
    CJK font: drawn as boxes) are said in one line (:func:`draw_timeline_png`'s), appended to ``notes`` (the app's
    status bar), or without it warned as `analyze --plot` warns it."""
    check_summary_paths(csv_path, png_path)
    missing = ""
    with _atomic(csv_path) as csv_tmp:
        frame_to_csv(_plain(summary_of(data)), csv_tmp, index=False)
        if png_path is None:
            if progress:
                progress(1, 2)
        else:
            with _atomic(png_path) as png_tmp:
                missing = draw_timeline_png(data, png_tmp) or ""
                if progress:
                    progress(1, 2)
    if progress:
        progress(2, 2)
    if missing and notes is not None:  # the app's status line names the file it has just said exported
        notes.append(glyphs_line(Path(png_path or "").name, missing))
    elif missing:  # a warning, the whole path, as --plot's
        warnings.warn(glyphs_line(png_path or "", missing), UserWarning, stacklevel=2)
    return [Path(csv_path)] + ([Path(png_path)] if png_path is not None else [])


def _draw_event_track(ax: Any, events: list[Event], tb: Timebase,
                      bands: list[tuple[float, float]] | None = None) -> None:
    """The events track: each event a span from onset to the end of its offset frame (a proposal fainter) and a line
    at its apex, in its class's colour, as the app's events track draws it, over the height ``bands[i]`` of the axes
    (fractions (bottom, top): its lane; the whole height without). Two artists in all, not two per event (axvspan +
    axvline each: 3,000 events took 60 s to draw, and closing the window waited for it); drawn in the order and with
    the look of those (edge and face in the colour, the spans under the lines)."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import to_rgb

    if not events:
        return
    lo, hi = np.array(bands if bands is not None else [(0.0, 1.0)] * len(events), dtype=float).T
    frames = np.array([(e.onset, e.offset + 1, e.apex) for e in events], dtype=np.int64)
    x0, x1, apex = (np.asarray(tb.times_of(frames[:, i]), dtype=float) for i in range(3))
    rgb = np.array([to_rgb(emotion_colour(e.emotion)) for e in events], dtype=float)
    alpha = np.array([0.25 if e.status == "proposal" else 0.6 for e in events])
    span_rgba = np.column_stack([rgb, alpha])
    boxes = np.stack([np.column_stack([x0, x1, x1, x0]), np.column_stack([lo, lo, hi, hi])],
                     axis=-1)  # x in data, y in axes fractions (the x axis' transform): the lane's height
    trans = ax.get_xaxis_transform(which="grid")
    ax.add_collection(PolyCollection(list(boxes), closed=True, joinstyle="miter", facecolors=span_rgba, edgecolors=span_rgba,
                                     linewidths=1.0, transform=trans, zorder=1), autolim=False)
    ys = np.column_stack([lo, hi])
    ax.add_collection(LineCollection(list(np.stack([np.column_stack([apex, apex]), ys], axis=-1)), colors=rgb,
                                     linewidths=1.0, transform=trans, zorder=2), autolim=False)


def _photo_faces(data: SummaryData) -> list[tuple[int, pd.DataFrame]]:
    """The analysed faces of a one-frame input (a photo), by id, each with its row."""
    df = data.frames
    if not len(df):
        return []
    ok = df[(df["success"] == 1) & (df["face_id"] >= 0)]
    return [(int(fid), rows) for fid, rows in ok.groupby("face_id", sort=True)]


@thread_fonts_released()  # the app draws it on a worker thread of its own each time
def draw_photo_png(data: SummaryData, path: str | os.PathLike[str], dpi: int = 100) -> str:
    """The summary PNG of a one-frame input (a photo): a bar chart of each face's AU intensities, one above another,
    drawn as `merstudio analyze --plot` draws a photo's (analysis.plot.draw_au_bars); a timeline of one frame is
    empty axes (a line through one point draws nothing). Returns what :func:`draw_timeline_png` returns."""
    with drawing():  # the plots' one style: CJK fonts as fallbacks where installed
        return _draw_photo_png(data, path, dpi)


def _draw_photo_png(data: SummaryData, path: str | os.PathLike[str], dpi: int) -> str:
    from matplotlib.figure import Figure  # no pyplot: no global backend state, renders with Agg

    faces = _photo_faces(data)
    cols = au_intensity_columns(list(data.frames.columns))
    fig = Figure(figsize=(max(6.0, 0.5 * len(cols) + 2.0), 3.2 * max(1, len(faces)) + 0.6), dpi=dpi)
    axes = fig.subplots(max(1, len(faces)), 1, squeeze=False)[:, 0]
    for i, (fid, rows) in enumerate(faces):
        draw_au_bars(axes[i], rows, cols, f"face {fid}", key=i == 0)  # one key, above the first face's bars
    if faces:
        fig.suptitle(literal(f"{data.video}: AU intensity (0-5) of {len(faces)} face{'' if len(faces) == 1 else 's'} "
                             "(one frame)"))
    elif len(data.frames):  # analysed, no face: says so, not a chart of zeros
        draw_au_bars(axes[0], data.frames.iloc[:0], cols, "")
        fig.suptitle(literal(f"{data.video} (one frame)"))
    else:
        axes[0].set_axis_off()
        fig.suptitle(literal(f"{data.video}: not analysed"))
    fig.tight_layout()
    missing = missing_glyphs(fig)
    fig.savefig(path, format="png", metadata=png_metadata(data.model))
    return missing


# A timeline of many faces draws this many panels at most (a crowd's every face was a PNG metres tall): the faces
# with events first, then those seen on most frames; the title counts the faces left out.
MAX_FACE_PANELS = 8
PROPOSALS_LANE = "open proposals"  # the events track's lane of the model's proposals nobody reviewed yet


def timeline_faces(data: SummaryData) -> tuple[list[int], int]:
    """The faces the timeline PNG draws a panel for, in face order: every face with analysed rows or events (but
    rejected ones), :data:`MAX_FACE_PANELS` at most (those with events first, then those seen on most frames), and
    how many faces were left out."""
    df = data.frames
    seen = df.loc[df["face_id"] >= 0, "face_id"].value_counts() if len(df) else pd.Series(dtype=np.int64)
    frames = {int(f): int(n) for f, n in seen.items()}
    with_events = {e.face_id for e in data.events if e.status != "rejected"}
    faces = sorted(set(frames) | with_events, key=lambda f: (f not in with_events, -frames.get(f, 0), f))
    return sorted(faces[:MAX_FACE_PANELS]), max(0, len(faces) - MAX_FACE_PANELS)


def _face_title(data: SummaryData, face: int, rows: int) -> str:
    name = data.face_names.get(face)
    return literal(f"face {face}" + (f" ({name})" if name else "") + ("" if rows else ": no analysed frames"))


def _event_lanes(data: SummaryData) -> list[str]:
    """The events track's lanes, the same for every face: each coder's accepted events (:func:`summary_coders`), then
    the open proposals (the model's, not coding) where the video has any; rejected ones are not drawn."""
    return summary_coders(data) + ([PROPOSALS_LANE] if any(e.status == "proposal" for e in data.events) else [])


def _lane_of(e: Event) -> str:
    return PROPOSALS_LANE if e.status == "proposal" else e.coder or NO_CODER


@thread_fonts_released()  # the app draws it on a worker thread of its own each time
def draw_timeline_png(data: SummaryData, path: str | os.PathLike[str], dpi: int = 100) -> str:
    """The timeline PNG of data read before: a panel per face (:func:`timeline_faces`, named as imports named it),
    its AU curves, class confidence and events, the events on a lane per coder and one for the open proposals
    (:func:`_event_lanes`); a one-frame input's is :func:`draw_photo_png`'s bars. Until 2026-12-07 it drew the
    curves of the face seen most under every face's events, proposals among the coder's. Drawn in the plots' one
    style (analysis.plot.drawing: CJK fonts as fallbacks where installed); returns the characters of its text no
    font has ("": none; analysis.plot.missing_glyphs), which write_summary says."""
    with drawing():
        return _draw_timeline_png(data, path, dpi)


def _draw_timeline_png(data: SummaryData, path: str | os.PathLike[str], dpi: int) -> str:
    from matplotlib.figure import Figure  # no pyplot: no global backend state, renders with Agg

    if data.frame_count == 1:
        return _draw_photo_png(data, path, dpi)
    df = data.frames
    tb = data.timebase
    faces, left_out = timeline_faces(data)
    by_face = dict(iter(df[df["face_id"] >= 0].groupby("face_id", sort=True))) if len(df) else {}
    # no face at all (nothing found, not analysed, no event): one panel of the rows as they are
    panels: list[tuple[int | None, pd.DataFrame]] = [(f, by_face.get(f, df.iloc[:0])) for f in faces] or [(None, df)]
    au_cols = [c for c in df.columns if c.startswith("AU") and c.endswith("_r")]
    p_cols = [c for c in df.columns if c.startswith("p_")]
    lanes = _event_lanes(data)
    lane_ratio = 1.0 if len(lanes) <= 2 else 0.4 * len(lanes)  # a lane stays ~1/3 in tall
    # a face's three axes, then a gap (an empty row) before the next face's, so that the faces stand apart
    ratios = ([3, 2, lane_ratio, 0.45] * len(panels))[:-1]
    fig = Figure(figsize=(12, 6 + (len(panels) - 1) * (6 + lane_ratio - 1)), dpi=dpi)
    axes = fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    for gap in axes[3::4]:
        gap.set_axis_off()
    for k, (face, rows) in enumerate(panels):
        au_ax, p_ax, ev_ax = axes[4 * k: 4 * k + 3]
        t = tb.times_of(rows["frame"].to_numpy()) if len(rows) else np.zeros(0)
        for c in au_cols:  # a long video thinned to what 1200 px can show, its peaks kept (a 20-min video took 8 s)
            # each AU's dash pattern too (the app's AU lane's): by colour only, AU06 and AU12 were one grey in print
            au_ax.plot(*envelope(t, rows[c].to_numpy()), lw=0.8, label=c[:-2], color=au_colour(c),
                       linestyle=au_linestyle(c))
        au_ax.set_ylabel("AU intensity (0-5)")
        if face is not None:  # whose curves and events these are
            au_ax.set_title(_face_title(data, face, len(rows)), loc="left", fontsize=10)
        # The keys stand right of the axes, never on them: inside, at the top right, the AU key covered AU12 and
        # AU25 at 5 (a smile's usual top) and the class key a class p near 1. One key each, beside the first face.
        if au_cols and k == 0:
            au_ax.legend(ncol=(len(au_cols) + 8) // 9, fontsize=7, loc="upper left", bbox_to_anchor=(1.005, 1.0),
                         borderaxespad=0.0)
        for c in p_cols:  # NaN where the model did not judge (its motion gate); a judged frame alone is a dot
            tx, y = envelope(t, rows[c].to_numpy(dtype=float))
            p_ax.plot(tx, y, lw=0.8, label=c[2:], color=class_colour(c), marker="o", markersize=2,
                      markevery=list(lone_finite(y)), linestyle=class_linestyle(c))  # told apart without colour too
        p_ax.set_ylabel("class p")
        if p_cols and k == 0:
            p_ax.legend(ncol=(len(p_cols) + 6) // 7, fontsize=7, loc="upper left", bbox_to_anchor=(1.005, 1.0),
                        borderaxespad=0.0)
        # this face's events only (every face's before, under the curves of one); a lane each (top down): a coder's
        # events, then the model's open proposals, which are not coding
        mine = [e for e in data.events if e.status != "rejected" and (face is None or e.face_id == face)]
        n, top = max(1, len(lanes)), {lane: len(lanes) - i for i, lane in enumerate(lanes)}
        _draw_event_track(ev_ax, mine, tb, [((top[_lane_of(e)] - 1) / n, top[_lane_of(e)] / n) for e in mine])
        if len(lanes) > 1 or lanes == [PROPOSALS_LANE]:  # one coder's lane alone: the title names them
            ev_ax.set_ylim(0, 1)
            ev_ax.set_yticks([(n - 0.5 - i) / n for i in range(n)],
                             [literal(_short(lane)) for lane in lanes], fontsize=7)
            ev_ax.set_yticks([i / n for i in range(1, n)], minor=True)  # a thin line between lanes
            ev_ax.tick_params(axis="y", which="both", length=0)
            ev_ax.grid(axis="y", which="minor", color="0.8", lw=0.5)
        else:
            ev_ax.set_yticks([])
        ev_ax.set_ylabel("events")
        ev_ax.tick_params(labelbottom=True)  # each face's own time axis, under its events
    axes[-1].set_xlabel("time (s)")
    axes[-1].set_xlim(0, max(tb.time_of(data.frame_count), 1e-3))
    coders = summary_coders(data)  # whose events: a lane each
    title = f"{data.video}: events of {', '.join(coders)}" if coders else data.video
    if left_out:
        title += f"; {left_out} more face{'s' * (left_out != 1)} without events not drawn"
    part = data.partial  # the curves stop where the analysis did: said, so nobody reads the rest as no movement
    fig.suptitle(literal(title + (f" ({_analysed_text(data.analysed, data.frame_count)})" if data.analysed is not None
                                  else "")))
    fig.tight_layout()
    missing = missing_glyphs(fig)
    fig.savefig(path, format="png", metadata=png_metadata(data.model, part))  # what made it: merstudio, the model
    return missing


def _short(text: str, most: int = 16) -> str:
    """A lane's label cut to fit the space left of the track."""
    return text if len(text) <= most else text[: most - 1] + "…"


def labelled_set_rows(project: Project, statuses: tuple[str, ...] = ("accepted",)) -> tuple[pd.DataFrame, str]:
    """:func:`labelled_set_table` and what the export says of it, in one line: how the subjects were named
    (:func:`~merstudio.project.subjects.subject_names`), the expressions coded more than once merged, and those left
    out because their codings disagree."""
    # the one rule of "one expression coded twice" (fine-tuning's: the agreement report's match, chained)
    from merstudio.agreement.matching import pair_costs
    from merstudio.agreement.report import coder_of
    from merstudio.training.finetune_split import _same_expression, label_key

    subjects, named = subject_names(project)
    rows = []
    merged = conflicts = 0
    for video in project.videos():
        stem = Path(video.name).stem
        place: str | None = None
        by_face: dict[int, list[Event]] = {}
        for e in project.events(video.id):
            if e.status in statuses and e.emotion:
                by_face.setdefault(e.face_id, []).append(e)
        units = [u for evs in by_face.values() for u in _same_expression(evs, pair_costs)[0]]
        for same in sorted(units, key=lambda u: (u[0].onset, u[0].id or 0)):
            if len({label_key(x.emotion) for x in same}) > 1:
                conflicts += 1  # the same frames as two classes: settled in the project, not guessed here
                continue
            merged += len(same) > 1
            e = same[0]
            place = place or video_place(project, video.id)  # training reads the file: where it is now
            box = project.face_box(video.id, e.onset, e.face_id)
            aus = next((x.aus for x in same if x.aus), "")
            rows.append({"subject": subjects[video.id], "sample": f"{stem}_{e.id}", "label": e.emotion,
                         "path": place, "onset": e.onset, "apex": e.apex, "offset": e.offset, "aus": aus,
                         "face_box": " ".join(f"{v:.1f}" for v in box) if box else "",
                         "coder": ", ".join(dict.fromkeys(coder_of(x) for x in same))})
    notes = [named] if named else []
    if merged:
        notes.append(f"{merged} expression{'s' * (merged != 1)} coded more than once "
                     f"{'count' if merged != 1 else 'counts'} as one sample each")
    if conflicts:
        notes.append(f"{conflicts} expression{'s' * (conflicts != 1)} left out, {'their' if conflicts != 1 else 'its'} "
                     "codings disagree on the label (settle it in the project to use it)")
    return pd.DataFrame(rows, columns=list(LABELLED_COLUMNS)), "; ".join(notes)


def labelled_set_table(project: Project, statuses: tuple[str, ...] = ("accepted",)) -> pd.DataFrame:
    """Corrected events as a generic labelled table (subject, sample, label, path, onset, apex, offset, aus,
    face_box: the event's face on its onset frame, from the stored landmarks, so that training takes that person;
    coder: who coded it). One expression coded more than once (two coders, or a coder and an accepted proposal: the
    rule fine-tuning merges by, training.finetune_split) is one sample, the earliest event's frames, its coders
    named together ("alice, bob"); one whose codings disagree on the label is left out. The subject is the
    video's subject setting, else a name of its own per video, as fine-tuning's hold-out by subject names it
    (:func:`~merstudio.project.subjects.subject_names`)."""
    return labelled_set_rows(project, statuses)[0]


def export_labelled_set(project: Project, path: str | os.PathLike[str], progress: Progress = None,
                        statuses: tuple[str, ...] = ("accepted",), notes: list[str] | None = None) -> Path:
    """:func:`labelled_set_table` (the events of the given ``statuses``, one sample per expression: LABELLED_COLUMNS)
    written to the CSV ``path``, a sample table `merstudio train --data table:PATH` and load_arrays read.
    ``notes``: given, what the export line says is appended to it (how subjects were named, the expressions merged
    or left out: :func:`labelled_set_rows`). ``progress(1, 1)`` once written. Returns ``path`` as a Path;
    OutputError where it cannot be written."""
    df, note = labelled_set_rows(project, statuses)
    if notes is not None and note:
        notes.append(note)
    with _atomic(path) as tmp:
        frame_to_csv(_plain(df), tmp, index=False)
    if progress:
        progress(1, 1)
    return Path(path)
