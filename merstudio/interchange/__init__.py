"""Annotation interchange (Qt-free): ELAN .eaf, BORIS-style tables (TSV/CSV/XLSX), our events CSV, OpenFace 2
per-frame CSVs and dataset annotation sheets.

    from merstudio.interchange import Media, read_events, write_events, import_into_project
    write_events(events, "coded.eaf", Media("clip.mp4", fps=30.0))       # or .tsv / .csv / .xlsx / .events.csv
    preview = read_events("coded.eaf", fps=30.0)                          # ImportPreview: events, skipped, notes
    print(preview.summary()); events = preview.accept(skip_bad=False)     # InputError if anything would be skipped

Every reader returns an :class:`ImportPreview`; nothing reaches a project until ``accept`` (or
:func:`commit_import`) and then all of it in one transaction. See docs/interchange.md for the formats.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.interchange.boris import BORIS_COLUMNS, read_boris, write_boris
from merstudio.interchange.boris_project import is_boris_project, read_boris_project, write_boris_project
from merstudio.interchange.common import (
    FrameClock,
    ImportPreview,
    Media,
    Skip,
    frame_to_ms,
    frames_to_ms,
    ms_to_frame,
    ms_to_frames,
    quote,
)
from merstudio.interchange.eaf import read_eaf, tier_name, write_eaf
from merstudio.interchange.events_csv import EVENT_CSV_COLUMNS, read_events_csv, write_events_csv
from merstudio.interchange.openface import OpenFaceTable, looks_openface, read_openface
from merstudio.interchange.pyfeat import PyFeatTable, looks_pyfeat, read_pyfeat
from merstudio.interchange.sheets import clip_frame_files, events_from_samples, preview_sheet
from merstudio.project.events import Event
from merstudio.textfile import read_head

FORMATS = ("eaf", "boris-tsv", "boris-csv", "boris-xlsx", "boris-project", "events-csv")


def _au_table_refusal(p: Path, tool: str = "OpenFace") -> InputError:
    return InputError(f"{p}: a per-frame AU table ({tool} CSV), not coded events; import it as an overlay "
                      f"(File > Import OpenFace or py-feat CSV, or merstudio convert --project P --import {p.name}) "
                      f"or convert it (merstudio convert {p.name} frames.csv)")


def detect_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """eaf | boris-tsv | boris-csv | boris-xlsx | boris-project | events-csv, from ``fmt`` or the file name
    (``.boris`` / ``.boris.gz``: a BORIS project). A ``.csv`` is ours
    when named ``*.events.csv`` or when its header has ``onset``; otherwise BORIS (checked when it exists). The
    header is read in the file's encoding (UTF-16 from Excel too). An OpenFace per-frame CSV is no events file:
    InputError saying where it goes."""
    if fmt:
        if fmt in ("openface", "pyfeat"):
            raise _au_table_refusal(Path(path), "OpenFace" if fmt == "openface" else "py-feat")
        if fmt not in FORMATS:
            raise InputError(f"{quote(fmt)}: unknown format (choose from {', '.join(FORMATS)})")
        return fmt
    p = Path(path)
    ext = p.suffix.lower()
    if is_boris_project(p):
        return "boris-project"
    if ext == ".eaf":
        return "eaf"
    if ext in (".tsv", ".txt"):
        return "boris-tsv"
    if ext == ".xlsx":
        return "boris-xlsx"
    if ext == ".csv":
        if p.name.lower().endswith(".events.csv"):
            return "events-csv"
        if p.is_file():
            head = [h.strip().strip('"').lower() for h in read_head(p).split(",")]
            if "onset" in head or "onset_frame" in head:
                return "events-csv"
            if looks_openface(p):
                raise _au_table_refusal(p)
            if looks_pyfeat(p):
                raise _au_table_refusal(p, "py-feat")
            return "boris-csv"
        return "events-csv"
    raise InputError(f"{p}: unknown annotation format {ext or '(no extension)'} (use .eaf, .tsv, .csv or .xlsx)")


def read_events(path: str | os.PathLike[str], fps: float | None = None, video_id: int = 0,
                video_name: str | None = None, fps_override: bool = False, fmt: str | None = None,
                **kwargs: Any) -> ImportPreview:
    """Read any supported annotation file into an :class:`ImportPreview` (extra keyword arguments go to the
    format's reader: ``tier_coders`` for ELAN, ``emotions`` for BORIS, ``source`` and ``times`` (a variable-rate
    video's frame times) for all)."""
    f = detect_format(path, fmt)
    if f == "eaf":
        prev = read_eaf(path, fps=fps, video_id=video_id, fps_override=fps_override, **kwargs)
        if video_name and prev.media and prev.media != video_name:
            prev.notes.append(f"the ELAN file's media is {quote(prev.media)}, not {quote(video_name)}; imported anyway")
        return prev
    if f == "boris-project":
        return read_boris_project(path, fps=fps, video_id=video_id, video_name=video_name,
                                  fps_override=fps_override, **kwargs)
    if f.startswith("boris"):
        return read_boris(path, fps=fps, video_id=video_id, video_name=video_name, fps_override=fps_override,
                          **kwargs)
    return read_events_csv(path, fps=fps, video_id=video_id, video_name=video_name, fps_override=fps_override,
                           **kwargs)


def write_events(events: Iterable[Event], path: str | os.PathLike[str], media: Media | Mapping[int, Media],
                 fmt: str | None = None) -> Path:
    """Write events in the format the file name (or ``fmt``) says. ELAN takes one video's events."""
    f = detect_format(path, fmt) if fmt or Path(path).suffix.lower() != ".csv" else \
        ("events-csv" if not Path(path).name.lower().endswith(".boris.csv") else "boris-csv")
    evs = list(events)
    if f == "eaf":
        if not isinstance(media, Media):
            vids = {e.video_id for e in evs}
            if len(vids) > 1:
                raise InputError(f"{path}: an ELAN file holds one video's events; these span {len(vids)} videos")
            media = media[next(iter(vids))] if vids else next(iter(media.values()))
        return write_eaf(evs, path, media)
    if f == "boris-project":
        return write_boris_project(evs, path, media)
    if f.startswith("boris"):
        return write_boris(evs, path, media, fmt=f.split("-")[1])
    return write_events_csv(evs, path, media)


# ------------------------------------------------------------------------------------------ projects
def project_media(project: Any, video_id: int, times: np.ndarray | None = None) -> Media:
    """A project video as :class:`Media`, with its frame times when they show a variable rate: ``times`` (the
    player's, which knows them before any analysis) or else those the analysis stored."""
    video = project.video(video_id)
    return Media.from_video(video, project.frame_times(video_id) if times is None else times)


def preview_import(project: Any, path: str | os.PathLike[str], video_id: int, fps_override: bool = False,
                   fmt: str | None = None, times: np.ndarray | None = None, **kwargs: Any) -> ImportPreview:
    """Read an annotation file for one video of a merstudio.project Project (its fps and name are used for the
    checks, a variable-rate video's frame times (:func:`project_media`) to place the file's times). Events past
    the video's last frame are moved to ``skipped``; events the video already has (the same coder, face, frames,
    emotion and AUs: the same file imported twice) to ``duplicates``, so a second import does not double a coder's
    events (and the agreement counted on them). Nothing is written."""
    video = project.video(video_id)
    media = project_media(project, video_id, times)
    prev = read_events(path, fps=video.fps, video_id=video_id, video_name=video.name, fps_override=fps_override,
                       fmt=fmt, times=media.times, **kwargs)
    have = {_identity(e) for e in project.events(video_id)}
    keep = []
    for e in prev.events:
        if _identity(e) in have:
            prev.duplicates.append(e)
        elif video.frame_count and e.offset >= video.frame_count:
            prev.skipped.append(Skip(f"{prev.path.name}: {e.coder or 'event'} frames {e.onset}-{e.offset}",
                                     f"past the end of {video.name} ({video.frame_count} frames)"))
        else:
            keep.append(e)
    prev.events = keep
    return prev


def _identity(e: Event) -> tuple[object, ...]:
    """What makes two events the same coding (not notes, confidence or review status)."""
    return e.coder, e.face_id, e.onset, e.apex, e.offset, e.emotion.strip().lower(), e.aus


def commit_import(project: Any, preview: ImportPreview, skip_bad: bool = False) -> list[Event]:
    """Add a preview's events to the project in one transaction (all or nothing), then register their coders.
    Raises InputError, importing nothing, while anything would be skipped and ``skip_bad`` is False, or when
    everything would be skipped. A failed write (full disk, locked project) registers no coder."""
    events = preview.accept(skip_bad=skip_bad)
    added = project.add_events(events)  # raises before any coder is registered
    known = set(project.coders())
    for c in sorted({e.coder for e in events if e.coder} - known):
        project.add_coder(c)
    return added


def export_project_events(project: Any, video_id: int, path: str | os.PathLike[str], fmt: str | None = None,
                          statuses: Iterable[str] | None = None, times: np.ndarray | None = None) -> Path:
    """Write one video's events from a project as .eaf / BORIS table / events CSV (a variable-rate video's times
    from its frames', see :func:`project_media`)."""
    evs = project.events(video_id)
    if statuses is not None:
        keep = set(statuses)
        evs = [e for e in evs if e.status in keep]
    return write_events(evs, path, project_media(project, video_id, times), fmt=fmt)


__all__ = [
    "BORIS_COLUMNS", "EVENT_CSV_COLUMNS", "FORMATS", "FrameClock", "ImportPreview", "Media", "OpenFaceTable",
    "PyFeatTable", "Skip", "clip_frame_files", "commit_import", "detect_format", "events_from_samples",
    "export_project_events", "frame_to_ms", "frames_to_ms", "is_boris_project", "looks_openface", "looks_pyfeat",
    "ms_to_frame", "ms_to_frames", "preview_import", "preview_sheet", "project_media", "read_boris",
    "read_boris_project", "read_eaf", "read_events", "read_events_csv", "read_openface", "read_pyfeat", "tier_name",
    "write_boris", "write_boris_project", "write_eaf", "write_events", "write_events_csv",
]
