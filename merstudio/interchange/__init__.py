"""Annotation interchange (Qt-free): ELAN .eaf, BORIS-style tables (TSV/CSV/XLSX), our events CSV, OpenFace 2
per-frame CSVs and dataset annotation sheets.

    from merstudio.interchange import Media, commit_import, preview_import, read_events, write_events
    write_events(events, "coded.eaf", Media("clip.mp4", fps=30.0))       # or .tsv / .csv / .xlsx / .events.csv
    preview = read_events("coded.eaf", fps=30.0)                          # ImportPreview: events, skipped, notes
    print(preview.summary()); events = preview.accept(skip_bad=False)     # InputError if anything would be skipped
    with Project.open("study.merproj") as project:                        # merstudio.project.Project
        check = preview_import(project, "coded.eaf", video_id)            # checked against that project video
        print(check.summary()); added = commit_import(project, check)     # one transaction: the events added

Every reader returns an :class:`ImportPreview`; nothing reaches a project until ``accept`` (or
:func:`commit_import`) and then all of it in one transaction. See docs/interchange.md for the formats.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from dataclasses import replace as replace_field
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.interchange.boris import BORIS_COLUMNS, read_boris, write_boris
from merstudio.interchange.boris_project import is_boris_project, read_boris_project, write_boris_project
from merstudio.interchange.common import (
    FrameClock,
    ImportPreview,
    LinkedMedia,
    Media,
    Skip,
    fit_behaviours,
    fit_to_video,
    frame_to_ms,
    frames_to_ms,
    given_fps,
    ms_to_frame,
    ms_to_frames,
    name_key,
    name_list,
    quote,
    shorten,
)
from merstudio.interchange.eaf import EafDocument, EafPreview, parse_eaf, read_eaf, tier_name, write_eaf
from merstudio.interchange.events_csv import (
    EVENT_CSV_COLUMNS,
    events_csv_left_out,
    events_csv_videos,
    looks_events_table,
    read_events_csv,
    write_events_csv,
)
from merstudio.interchange.openface import OpenFaceTable, looks_openface, read_openface
from merstudio.interchange.pyfeat import PyFeatTable, looks_pyfeat, read_pyfeat
from merstudio.interchange.sheets import clip_frame_files, events_from_samples, preview_sheet
from merstudio.names import name_sort_key
from merstudio.project.behaviours import BEHAVIOUR_KINDS, Behaviour, BehaviourEvent
from merstudio.project.event_store import is_model_proposal
from merstudio.project.events import Event
from merstudio.project.review import decided_proposals
from merstudio.textfile import csv_rows, read_table_text, sniff_delimiter, table_notes

FORMATS = ("eaf", "boris-tsv", "boris-csv", "boris-xlsx", "boris-project", "events-csv")


def _au_table_refusal(p: Path, tool: str = "OpenFace") -> InputError:
    return InputError(f"{p}: a per-frame AU table ({tool} CSV), not coded events; import it as an overlay "
                      f"(File > Import OpenFace or py-feat CSV, or merstudio convert --project P --import {p.name}) "
                      f"or convert it (merstudio convert {p.name} frames.csv)")


def detect_format(path: str | os.PathLike[str], fmt: str | None = None, look_inside: bool = True) -> str:
    """eaf | boris-tsv | boris-csv | boris-xlsx | boris-project | events-csv, from ``fmt`` or the file name
    (``.boris`` / ``.boris.gz``: a BORIS project). A ``.csv`` is ours when named ``*.events.csv``; a ``.csv``,
    ``.tsv``, ``.txt`` or ``.xlsx`` that exists is ours when its header has ``onset`` (or ``onset_frame``: the
    report), whatever its delimiter (``,``, ``;``, tab) and encoding (UTF-16 from Excel too); otherwise BORIS.
    ``look_inside=False``: by the name only (a file about to be written). An OpenFace per-frame CSV is no events
    file: InputError saying where it goes."""
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
    if ext in (".tsv", ".txt", ".xlsx") and look_inside and p.is_file() and looks_events_table(p):
        return "events-csv"  # our events table saved by Excel as text or a workbook, or the report's XLSX
    if ext in (".tsv", ".txt"):
        return "boris-tsv"
    if ext == ".xlsx":
        return "boris-xlsx"
    if ext == ".csv":
        if p.name.lower().endswith(".events.csv"):
            return "events-csv"
        if p.is_file() and look_inside:
            if looks_events_table(p):
                return "events-csv"
            if looks_openface(p):
                if not looks_openface(p, aus=True):
                    read_openface(p)  # OpenFace run without -aus: its reader names the AU columns it lacks
                raise _au_table_refusal(p)
            if looks_pyfeat(p):
                raise _au_table_refusal(p, "py-feat")
            return "boris-csv"
        return "events-csv"
    raise InputError(f"{p}: unknown annotation format {ext or '(no extension)'} (use .eaf, .boris, .boris.gz, .tsv, "
                     ".txt, .csv or .xlsx)")


def _format(path: str | os.PathLike[str] | EafDocument, fmt: str | None) -> str:
    """:func:`detect_format`, for a path or an ELAN file already parsed."""
    if isinstance(path, EafDocument):
        return detect_format(path.path, fmt or "eaf")
    return detect_format(path, fmt)


def read_events(path: str | os.PathLike[str] | EafDocument, fps: float | None = None, video_id: int = 0,
                video_name: str | None = None, fps_override: bool = False, fmt: str | None = None,
                **kwargs: Any) -> ImportPreview:
    """Read any supported annotation file into an :class:`ImportPreview` (extra keyword arguments go to the
    format's reader: ``tier_coders`` for ELAN, ``emotions`` for BORIS, ``source`` and ``times`` (a variable-rate
    video's frame times) for all). ``path`` may be an ELAN file parsed already (:func:`parse_eaf`): it is not
    parsed again. ``fps``: the video's frame rate (None: the file's own); 0, a negative or NaN rate is refused. A
    text table read as Windows-1252 (not UTF-8: merstudio.textfile) says so in the first note."""
    with table_notes() as said:
        prev = _read_events(path, fps, video_id, video_name, fps_override, fmt, **kwargs)
    prev.notes[:0] = said
    return prev


def _read_events(path: str | os.PathLike[str] | EafDocument, fps: float | None, video_id: int,
                 video_name: str | None, fps_override: bool, fmt: str | None, **kwargs: Any) -> ImportPreview:
    fps = given_fps(fps, str(path.path if isinstance(path, EafDocument) else path))
    f = _format(path, fmt)
    if f == "eaf":
        # the video's name picks its media descriptor (and offset) where the file links several media
        return read_eaf(path, fps=fps, video_id=video_id, fps_override=fps_override, video_name=video_name, **kwargs)
    if isinstance(path, EafDocument):
        raise InputError(f"{path.path}: an ELAN file, not {f}")
    if f == "boris-project":
        return read_boris_project(path, fps=fps, video_id=video_id, video_name=video_name,
                                  fps_override=fps_override, **kwargs)
    if f.startswith("boris"):
        return read_boris(path, fps=fps, video_id=video_id, video_name=video_name, fps_override=fps_override,
                          **kwargs)
    return read_events_csv(path, fps=fps, video_id=video_id, video_name=video_name, fps_override=fps_override,
                           **kwargs)


def _write_format(path: str | os.PathLike[str], fmt: str | None) -> str:
    """The format :func:`write_events` writes ``path`` in: a ``.csv`` is our events CSV unless ``*.boris.csv``."""
    if fmt or Path(path).suffix.lower() != ".csv":
        return detect_format(path, fmt, look_inside=False)
    return "events-csv" if not Path(path).name.lower().endswith(".boris.csv") else "boris-csv"


def write_events(events: Iterable[Event], path: str | os.PathLike[str], media: Media | Mapping[int, Media],
                 fmt: str | None = None, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write events in the format the file name (or ``fmt``) says. ELAN takes one video's events. ``progress``: the
    tables' (BORIS, events CSV) step before their file is moved into place (what it raises leaves the old one)."""
    f = _write_format(path, fmt)
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
        return write_boris(evs, path, media, fmt=f.split("-")[1], progress=progress)
    return write_events_csv(evs, path, media, progress=progress)


# ------------------------------------------------------------------------------------------ projects
def project_media(project: Any, video_id: int, times: np.ndarray | None = None, locate: bool = True) -> Media:
    """A project video as :class:`Media`, with its frame times when they show a variable rate, by the rule every
    export and import uses (Project.video_times): ``times`` (the player's), else those the analysis stored for
    every frame, else the video file's own (a stopped run's completed from it); and the ELAN media offset
    and linked media an imported .eaf gave it (:func:`remember_elan_media`), so ELAN gets them back on export, and
    who each face is as imported files named them (:func:`known_face_names`: ELAN participants, BORIS subjects).
    ``locate``: its path is the file the project uses (:func:`media_place`), what ELAN's and BORIS's media links
    name; False where no path is written (an import, an events CSV: names only)."""
    video = project.video(video_id)
    media = Media.from_video(video, project.video_times(video_id, times))
    if locate:
        media = replace_field(media, path=media_place(project, video_id))
    if names := known_face_names(project, video_id):  # who each face is, as imported files named them
        media = replace_field(media, face_names=tuple(sorted(names.items())))
    get = getattr(project, "get_setting", None)
    rec = get(elan_media_key(video_id)) if get is not None else None
    if isinstance(rec, dict):
        try:
            media = replace_field(media, time_origin=int(rec.get("time_origin") or 0),
                                  linked=tuple(LinkedMedia.from_dict(d) for d in rec.get("linked") or ()
                                               if isinstance(d, dict)))
        except (TypeError, ValueError):  # a damaged record: the video's own times serve
            pass
    return media


def media_place(project: Any, video_id: int) -> str:
    """Where an export says a project video is: the file the project uses (Project.locate_video: a moved or copied
    project's own copy beside it, a folder the user pointed at this session), not the path stored where the project
    was made, which named another machine's folders and linked there. A video found nowhere: its file name alone
    (an ELAN file then looks beside itself; no link into a tree that is not here), said as a warning
    (:data:`NOT_FOUND_NOTE`)."""
    video = project.video(video_id)
    locate = getattr(project, "locate_video", None)
    if locate is None:  # a stand-in without files (tests, a dataset's clips): its path as given
        return str(video.path)
    where = locate(video_id)
    if where is not None:
        return str(where)
    warnings.warn(f"{video.name}: {NOT_FOUND_NOTE}", UserWarning, stacklevel=3)
    return video.name


# what an export says of a video the project cannot find (merstudio.project.videos.locate_video)
NOT_FOUND_NOTE = ("not found here (moved or deleted): the file links it by its file name alone, beside the exported "
                  "file; locate it first (the app asks where it is) for a link to where it is")


def elan_media_key(video_id: int) -> str:
    """The project setting that keeps an imported .eaf's media offset and linked media for a video."""
    return f"elan_media/{video_id}"


def face_names_key(video_id: int) -> str:
    """The project setting that keeps who each face of a video is, as imported files named them: [[face, name], ...]
    (:func:`remember_face_names`)."""
    return f"face_names/{video_id}"


def known_face_names(project: Any, video_id: int) -> dict[int, str]:
    """{face: name} that earlier imports into the video gave (a BORIS subject, an ELAN participant): a later file's
    name takes the same face, whatever its order there, so one person is one face across coders' files; an export
    writes the names back (:func:`project_media`). {} for a project (or a stand-in) without any."""
    get = getattr(project, "get_setting", None)
    rec = get(face_names_key(video_id)) if get is not None else None
    out: dict[int, str] = {}
    for pair in rec if isinstance(rec, list) else ():  # a damaged record: no names, never an error
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int) and not isinstance(pair[0], bool) \
                and pair[0] >= 0 and isinstance(pair[1], str) and pair[1].strip():
            out.setdefault(pair[0], name_key(pair[1].strip()))  # one recorded before h231: NFD
    return out


def remember_face_names(project: Any, video_id: int, preview: ImportPreview) -> bool:
    """After an import: keep the names the file gave faces (``preview.face_names``, which :func:`preview_import`
    merged with the names known before), for the video's next import and its exports. True when something was
    recorded."""
    names = getattr(preview, "face_names", None) or {}
    if not names:
        return False
    project.set_setting(face_names_key(video_id), [[f, name_key(n)] for f, n in sorted(names.items())])  # NFC
    return True


def remember_elan_media(project: Any, video_id: int, preview: ImportPreview) -> bool:
    """After an ELAN file's import (:func:`commit_import`): keep its media offset (TIME_ORIGIN) and the other
    media it links for the video, so an export to ELAN writes them back (the annotation times ELAN shows stay the
    file's). A file with neither leaves what an earlier one gave. True when something was recorded. Any file's
    names of faces (a BORIS subject, an ELAN participant) are kept too (:func:`remember_face_names`): the app and
    ``convert --project P --import`` call this after every import."""
    remember_face_names(project, video_id, preview)
    if not preview.time_origin and not preview.linked_media:
        return False
    project.set_setting(elan_media_key(video_id), {"time_origin": int(preview.time_origin),
                                                   "linked": [m.to_dict() for m in preview.linked_media]})
    return True


@dataclass
class ProjectImport(ImportPreview):
    """An :class:`ImportPreview` for one video of a project (:func:`preview_import`, :func:`project_preview`):
    also the video, the coders the file holds (``file_coders``: with or without events in it: an empty ELAN tier,
    ``coder=``), who are recorded as having coded the video when it is imported (Project.coded_by), and, for an
    import that replaces (``replace=True``), the project's events of those coders on the video that it removes
    (``replaces``; their events that the file holds unchanged stay, listed in ``duplicates``). The video's open
    model proposals that the file's reviewed ones cover (:attr:`resolves`) go in the import's transaction too."""

    video_id: int = 0
    file_coders: list[str] = field(default_factory=list)
    coded_before: list[str] = field(default_factory=list)  # the coders recorded for the video before the import
    replace: bool = False
    replaces: list[Event] = field(default_factory=list)
    # a behaviour events CSV (`<stem>_behaviours.csv`, :func:`preview_behaviours`): its rows as (behaviour name,
    # kind, key, event with behaviour_id 0), and how many the video has already; no coded events
    behaviour_rows: list[tuple[str, str, str, BehaviourEvent]] = field(default_factory=list)
    behaviour_duplicates: int = 0
    # the video's open model proposals the import neither replaces nor holds: those its reviewed events cover go
    open_proposals: list[Event] = field(default_factory=list)
    # the file's open model proposals on the interval of a proposal reviewed here (the other way round of
    # :attr:`resolves`): not imported, the review stands
    reviewed_here: list[Event] = field(default_factory=list)
    # the file's events of other statuses than the import's ``statuses`` (convert --status): left out before
    # anything was counted, so the skipped, duplicates and reviewed_here above are only of the events it keeps
    left_out: int = 0
    # the note (among ``notes``) naming the events to import whose emotion is none of the classes of the model the
    # video's run used (:func:`class_note`): also the app's status line after the import
    class_note: str = ""

    @property
    def resolves(self) -> list[Event]:
        """The video's open model proposals on the interval of a reviewed proposal the file holds (accepted or
        rejected, source "model"; merstudio.project.review, the rule a re-run of the analysis drops its new proposals
        by): removed by the import, so the order of an analysis and an import of a colleague's review gives the same
        events. Read from the events to import now (--status may have left some out). A coder's own events are never
        among them."""
        return decided_proposals(self.open_proposals, [*self.events, *self.duplicates])

    @property
    def of_behaviours(self) -> bool:
        return self.format == BEHAVIOURS_FORMAT

    @property
    def only_reviewed_here(self) -> bool:
        """The file's events (of this video) were all open proposals reviewed here already (:attr:`reviewed_here`)
        and the import has nothing else to do: it would only record their coder as having coded the video."""
        return bool(self.reviewed_here) and not (self.events or self.duplicates or self.replaces or self.resolves
                                                 or self.behaviour_rows)

    def accept(self, skip_bad: bool = False) -> list[Event]:
        """As :meth:`ImportPreview.accept`; also InputError where :attr:`only_reviewed_here`."""
        events = super().accept(skip_bad=skip_bad)
        if self.only_reviewed_here:
            raise reviewed_only(self.path, len(self.reviewed_here))
        return events

    def nothing_new(self, name: str | None = None) -> str:
        """The one line for a file (an ELAN file of behaviour tiers alone) whose behaviour events are all in the
        project already and which brings nothing else (no events, new coder, replacement, review or skip), naming
        it as ``name`` (default its path); "" otherwise. Said, not refused, as a file whose events are all here
        already is: it was refused as holding "no events and no coder"."""
        if not self.behaviour_duplicates or self.of_behaviours or self.events or self.duplicates \
                or self.behaviour_rows or self.replaces or self.skipped or self.reviewed_here or self.resolves \
                or any(c not in self.coded_before for c in self.file_coders):
            return ""
        return behaviours_known_line(self.path if name is None else name, self.behaviour_duplicates)

    def summary(self, limit: int = 20) -> str:
        if self.of_behaviours:
            return self._behaviour_summary(limit)
        if line := self.nothing_new():  # its head says it; the rest (frame rate, notes) as any file's
            return "\n".join([line, *super().summary(limit).splitlines()[1:]])
        text = super().summary(limit)
        if self.replace:
            who = name_list(self.file_coders, 8) or "(no coder)"
            text += (f"\n  replaces {len(self.replaces)} event(s) of {who} on this video with the file's"
                     + (f" ({len(self.duplicates)} unchanged, kept)" if self.duplicates else ""))
        if self.behaviour_rows or self.behaviour_duplicates:  # an ELAN file's behaviour tiers (ours)
            names = sorted({r[0] for r in self.behaviour_rows})
            text += (f"\n  and {len(self.behaviour_rows)} behaviour event(s)"
                     + (f" ({name_list(names, 6)})" if names else "")
                     + (f", {self.behaviour_duplicates} already in the project (not imported again)"
                        if self.behaviour_duplicates else ""))
        if n := len(self.resolves):
            text += f"\n  {resolved_line(n)} (the same face and interval: the review stands)"
        if self.reviewed_here:
            text += f"\n  {reviewed_here_line(len(self.reviewed_here))} (the same face and interval)"
        new = [c for c in self.file_coders if c not in self.coded_before]
        if not self.events and new and not self.replaces:
            text += f"\n  records {name_list(new, 8)} as having coded this video"
        return text

    def _behaviour_summary(self, limit: int) -> str:
        names = sorted({r[0] for r in self.behaviour_rows})
        lines = [f"{self.path}: {self.format}, {len(self.behaviour_rows)} behaviour event(s) to import"
                 + (f" ({name_list(names, 6)})" if names else "")
                 + (f", {len(self.skipped)} item(s) to skip" if self.skipped else "")
                 + (f", {self.behaviour_duplicates} already in the project (not imported again)"
                    if self.behaviour_duplicates else "")]
        for name, _kind, _key, e in self.behaviour_rows[:limit]:
            lines.append(f"  + {shorten(e.coder or '(no coder)', 40)} face {e.face_id}: {shorten(name, 40)} frames "
                         f"{e.onset}-{'open' if e.offset is None else e.offset}")
        if len(self.behaviour_rows) > limit:
            lines.append(f"  + ... {len(self.behaviour_rows) - limit} more")
        lines += [f"  - skip {x}" for x in self.skipped[:limit]] + [f"  note: {shorten(n)}" for n in self.notes[:limit]]
        return "\n".join(lines)


def preview_import(project: Any, path: str | os.PathLike[str] | EafDocument, video_id: int,
                   fps_override: bool = False, fmt: str | None = None, times: np.ndarray | None = None,
                   coder: str | None = None, replace: bool = False, named_as: str | None = None,
                   statuses: Iterable[str] | None = None, **kwargs: Any) -> ProjectImport:
    """Read an annotation file for one video of a merstudio.project Project (its fps and name are used for the
    checks, a variable-rate video's frame times (:func:`project_media`) to place the file's times), then
    :func:`project_preview`: events past the video's last frame are moved to ``skipped``; events the video already
    has (the same coder, face, frames, emotion and AUs: the same file imported twice) to ``duplicates``, so a
    second import does not double a coder's events (and the agreement counted on them). ``coder``: the coder of
    the file's events that name none, and of a file without events (of a BORIS file's whose observations name no
    coder too: before their observation id). ``replace``: the file's coders' events on the
    video are to be replaced by the file's (see :class:`ProjectImport`). ``named_as``: the name an events CSV's
    ``video`` column gives the video, an earlier one (:func:`preview_all_events`); default its name. ``statuses``:
    only events of these (:attr:`ProjectImport.left_out` counts the others; not for behaviour events). An ELAN file
    is parsed once (``path`` may be its :class:`EafDocument` already). Nothing is written."""
    if not isinstance(path, EafDocument) and fmt in (None, "events-csv") and looks_behaviours_table(path):
        return preview_behaviours(project, path, video_id, only_video=bool(kwargs.get("only_video")), coder=coder,
                                  named_as=named_as)
    video = project.video(video_id)
    media = project_media(project, video_id, times, locate=False)  # its times: no path is written
    f = _format(path, fmt)
    doc = parse_eaf(path) if f == "eaf" else None  # parsed once: its events and its coders
    if f in ("boris-tsv", "boris-csv", "boris-xlsx") and hasattr(project, "videos"):
        # a BORIS 7 observation playing several files times the later ones from the first's start: its length here
        kwargs.setdefault("media_lengths", {v.name: v.frame_count / v.fps for v in project.videos()
                                            if v.fps > 0 and v.frame_count > 0})
    if f == "events-csv" and hasattr(project, "locate_video"):
        # where its file is here, video_times read its own times (None: a constant rate): a file of its name whose
        # frames fit no rate was written before it was re-encoded in place, and its times place the events
        kwargs.setdefault("rate_known", media.times is not None or project.locate_video(video_id) is not None)
    known = known_face_names(project, video_id)
    if f.startswith("boris") or f == "eaf":  # a subject or ELAN participant an earlier file named keeps its face
        kwargs.setdefault("face_names", known)  # (alice's Infant is bob's Infant)
    if f.startswith("boris") and coder and coder.strip():
        # BORIS's own files have no coder: the observation id, which they would take instead, names the session
        # (two coders' projects of one session share it) and merged two coders into one
        kwargs.setdefault("coder", coder.strip())
    if statuses is not None:
        statuses = list(statuses)  # read twice
        if f == "events-csv":  # its other statuses' rows left out unread: a bad one is no skip to confirm (h289)
            kwargs.setdefault("statuses", statuses)
    prev = read_events(doc or path, fps=video.fps, video_id=video_id, video_name=named_as or video.name,
                       fps_override=fps_override, fmt=fmt, times=media.times, **kwargs)
    named = doc.coders(kwargs.get("tier_coders"), kwargs.get("tier_roles")) if doc is not None else set()
    # the names known before stay known (to remember with the file's): a face the file names has the file's name
    given = {name_key(n, True) for n in prev.face_names.values()}  # NFC, casefolded: a Mac's "Zoë" is the typed one
    prev.face_names = {**{f: n for f, n in known.items() if f not in prev.face_names and name_key(n, True) not in given},
                       **prev.face_names}
    return project_preview(project, prev, video_id, replace=replace, coder=coder, file_coders=named,
                           statuses=statuses)


def project_preview(project: Any, preview: ImportPreview, video_id: int, replace: bool = False,
                    coder: str | None = None, file_coders: Iterable[str] = (),
                    statuses: Iterable[str] | None = None) -> ProjectImport:
    """A preview read from any file (an annotation file, a dataset sheet) checked against the project's video
    ``video_id``; see :func:`preview_import`. ``file_coders``: coders the file holds beyond its events'.
    ``statuses``: only events of these, the others left out first (:attr:`ProjectImport.left_out`)."""
    video = project.video(video_id)
    prev = ProjectImport(**{f.name: getattr(preview, f.name) for f in fields(ImportPreview)}, video_id=video_id,
                         replace=replace)
    if statuses is not None:  # before every check: a row never to be imported is no skip, duplicate or coder
        wanted = set(statuses)
        # with the rows an events CSV's reader left out unread (EventsCsvPreview.left_out)
        prev.left_out = getattr(preview, "left_out", 0) + sum(1 for e in prev.events if e.status not in wanted)
        prev.events = [e for e in prev.events if e.status in wanted]
    name = (coder or "").strip()
    # ``coder`` names only what the file leaves unnamed: its events without a coder, or a file naming no coder at
    # all (recorded as having coded the video). Where every event names its coder, recording it too made a coder
    # who coded nothing, counted by the agreement as having found nothing (and one whose events --replace took).
    unnamed = any(not e.coder for e in prev.events)
    file_coders = [c for c in file_coders if c]  # read more than once below
    named_any = any(e.coder for e in preview.events) or bool(file_coders)
    if name and (unnamed or not named_any):
        prev.events = [e if e.coder else replace_field(e, coder=name) for e in prev.events]
    else:
        if name and prev.events:
            prev.notes.append(f"coder {shorten(name, 40)} not recorded: every event of the file names its coder")
        name = ""
    prev.file_coders = sorted({e.coder for e in prev.events if e.coder} | {c for c in file_coders if c}
                              | ({name} if name else set()), key=name_sort_key)  # as the preview lists them
    prev.coded_before = list(project.coded_by(video_id)) if hasattr(project, "coded_by") else []
    if isinstance(preview, EafPreview) and preview.behaviours and hasattr(project, "behaviour_events"):
        _eaf_behaviours(project, prev, preview)
    existing = project.events(video_id)
    have = {_identity(e) for e in existing}
    fit_to_video(prev, video.frame_count, video.name)  # past the end: cut (ELAN's end a few ms after it) or skipped
    keep = []
    for e in prev.events:
        if _identity(e) in have:
            prev.duplicates.append(e)
        else:
            keep.append(e)
    prev.events = keep
    if replace:
        # the coders' events there go, but those the file holds exactly as they are stay (ids, history, checkpoints).
        # Their rejected (or still open) model proposals are reviews, not coding: a file of coded events (a CSV, an
        # ELAN file without a rejected tier) does not replace them; a file that holds such statuses (our exports)
        # does.
        statuses = {e.status for e in [*prev.duplicates, *prev.events]}
        coders = [x for x in existing if x.coder in prev.file_coders]
        mine = [x for x in coders if x.status == "accepted" or x.status in statuses]
        reviews = len(coders) - len(mine)
        if reviews:
            prev.notes.append(f"{reviews} reviewed model proposal(s) of {name_list(prev.file_coders, 4)} on this "
                              "video kept: the file holds no events of their status (rejected or open)")
        same: dict[Event, list[Event]] = {}
        for x in mine:
            same.setdefault(replace_field(x, id=None), []).append(x)
        kept, add = [], []
        for e in [*prev.duplicates, *prev.events]:
            match = same.get(replace_field(e, id=None))
            if match:
                kept.append(match.pop())
            else:
                add.append(e)
        kept_ids = {x.id for x in kept}
        prev.replaces = [x for x in mine if x.id not in kept_ids]
        prev.duplicates, prev.events = kept, add
    else:
        close = _overlapping(existing, prev.events)
        if close:
            new, old = close[0]
            # the advice first, the example after it: the preview bounds a line (for quoted file text), and a
            # long coder name then cuts only the example
            prev.notes.append(
                f"{len(close)} event(s) overlap an event of the same coder, face and emotion in the project: a "
                "corrected file? Replace (--replace, replace=True) puts its events in place of its coders' on this "
                f"video, not beside them ({shorten(new.coder or '(no coder)', 40)} face {new.face_id}: frames "
                f"{new.onset}-{new.offset} here, {old.onset}-{old.offset} there)")
    # the file's own open proposals on the interval of a proposal reviewed here, which this import keeps: the review
    # stands (merstudio.project.review, the rule of ProjectImport.resolves the other way round)
    going = {x.id for x in prev.replaces}
    decided = {id(e) for e in decided_proposals([e for e in prev.events if is_model_proposal(e)],
                                                [x for x in existing if x.id not in going])}
    if decided:
        prev.reviewed_here = [e for e in prev.events if id(e) in decided]
        prev.events = [e for e in prev.events if id(e) not in decided]
        if not replace:  # a coder named by them alone (the model) is not recorded as having coded the video
            named = {c for c in [*file_coders, name, *(e.coder for e in [*prev.events, *prev.duplicates])] if c}
            prev.file_coders = [c for c in prev.file_coders
                                if c in named or all(e.coder != c for e in prev.reviewed_here)]
    # the open proposals the file's reviewed events may cover (ProjectImport.resolves): not those it replaces or
    # keeps, nor one it holds as it is (still open there)
    taken = {x.id for x in [*prev.replaces, *prev.duplicates] if x.id is not None}
    held = {_identity(e) for e in [*prev.events, *prev.duplicates]}
    prev.open_proposals = [x for x in existing if is_model_proposal(x) and x.id not in taken
                           and _identity(x) not in held]
    prev.class_note = class_note(project, video_id, prev.events)
    if prev.class_note:
        prev.notes.append(prev.class_note)
    return prev


def class_note(project: Any, video_id: int, events: Iterable[Event]) -> str:
    """One line naming the ``events``' emotions that are none of the classes of the model the video's analysis ran
    with (a typo, another vocabulary: 'Happy' for 'happiness'), compared as fine-tuning compares them
    (model.columns.class_key), while they can still be fixed: fine-tuning leaves such events out; '' where all are
    its classes or no model's classes are known for the video (the CLI's import and the app's alike)."""
    from merstudio.model.columns import NONE_CLASS, class_key
    from merstudio.project.analyses import model_identity, run_classes

    run = project.analysis(video_id) if hasattr(project, "analysis") else None
    classes = [c for c in run_classes(run) if class_key(c) != NONE_CLASS]
    keys = {class_key(c) for c in classes}
    evs = [e for e in events if e.emotion.strip() and class_key(e.emotion) not in keys]
    if not keys or not evs:
        return ""
    model = model_identity(run).get("name") or "its model"
    named = ", ".join(sorted({e.emotion for e in evs}, key=name_sort_key))
    return (f"{len(evs)} event(s) name no class of the model {model} ({named}; "
            f"its classes: {', '.join(classes)}): imported as they are, fine-tuning leaves them out")


def resolved_line(n: int) -> str:
    """What an import says of the open proposals its reviewed events replaced (:attr:`ProjectImport.resolves`)."""
    return f"{n} open proposal{'s' * (n != 1)} replaced by the imported reviewed events"


def reviewed_here_line(n: int) -> str:
    """What an import says of the file's open proposals it skipped (:attr:`ProjectImport.reviewed_here`)."""
    return f"{n} open proposal{'s' * (n != 1)} in the file skipped: reviewed here already"


def reviewed_only(path: str | os.PathLike[str], n: int) -> InputError:
    """The refusal of a file whose events were all ``n`` open proposals reviewed here already
    (:attr:`ProjectImport.only_reviewed_here`; of an events CSV of several videos, every video's)."""
    return InputError(f"{path}: nothing to import: {reviewed_here_line(n)} (the same face and interval; the review "
                      "stands)")


def behaviours_known_line(name: str | os.PathLike[str], n: int) -> str:
    """What an import says of a file whose ``n`` behaviour events are all in the project already and which brings
    nothing else (:meth:`ProjectImport.nothing_new`; the app's of a <stem>_behaviours.csv, summed over its videos)."""
    return f"{name}: its {n} behaviour event(s) are already in the project: nothing new to import"


def _eaf_behaviours(project: Any, prev: ProjectImport, preview: EafPreview) -> None:
    """An ELAN file's behaviour tiers (ours: :func:`merstudio.interchange.eaf.read_eaf`) as the preview's
    ``behaviour_rows``, checked against video ``prev.video_id`` as a behaviour events CSV's are
    (:func:`preview_behaviours`): those it has already are duplicates, one starting past its end skipped, one ending
    past it (ELAN's end a few ms after it) cut, each said as an event is (:func:`fit_to_video`'s rule, as `convert
    --media`). A behaviour the project lacks is made: a point where each of its events is one frame."""
    if preview.behaviour_note in prev.notes:  # the import says what it adds: the conversion's note is not its
        prev.notes.remove(preview.behaviour_note)
    video = project.video(prev.video_id)
    # cut there without a word before (an event got a note)
    behaviours = fit_behaviours(prev, preview.behaviours, video.frame_count, video.name) if video.frame_count \
        else preview.behaviours
    named = {b.id: b for b in project.behaviours()}
    kinds = {name_key(b.name, True): b.kind for b in named.values()}
    spans = {name_key(name, True) for name, e in preview.behaviours if e.offset != e.onset}
    have = {(name_key(named[e.behaviour_id].name, True) if e.behaviour_id in named else "", name_key(e.coder), e.face_id, e.onset,
             e.offset) for e in project.behaviour_events(prev.video_id)}
    for name, e in behaviours:
        e = replace_field(e, video_id=prev.video_id)
        key = (name_key(name, True), name_key(e.coder), e.face_id, e.onset, e.offset)
        if key in have:
            prev.behaviour_duplicates += 1
            continue
        have.add(key)
        kind = kinds.get(name_key(name, True)) or ("state" if name_key(name, True) in spans else "point")
        prev.behaviour_rows.append((name, kind, "", e))


def _identity(e: Event) -> tuple[object, ...]:
    """What makes two events the same coding (not notes, confidence or review status)."""
    return e.coder, e.face_id, e.onset, e.apex, e.offset, e.emotion.strip().lower(), e.aus


def _overlapping(existing: Iterable[Event], events: Iterable[Event]) -> list[tuple[Event, Event]]:
    """(imported event, an event the project has) for each imported event that overlaps one of the same coder,
    face and emotion: the same coding, corrected."""
    by_key: dict[tuple[str, int, str], list[Event]] = {}
    for x in existing:
        by_key.setdefault((x.coder, x.face_id, x.emotion.strip().lower()), []).append(x)
    out = []
    for e in events:
        hit = next((x for x in by_key.get((e.coder, e.face_id, e.emotion.strip().lower()), ())
                    if x.onset <= e.offset and e.onset <= x.offset), None)
        if hit is not None:
            out.append((e, hit))
    return out


def commit_import(project: Any, preview: ImportPreview, skip_bad: bool = False) -> list[Event]:
    """Add a preview's events to the project in one transaction (all or nothing), registering their coders and
    recording the file's coders as having coded the video (Project.coded_by; a file without events too: a coder
    who found nothing). A :class:`ProjectImport` made with ``replace=True`` removes its ``replaces`` in the same
    transaction. Raises InputError, importing nothing, while anything would be skipped and ``skip_bad`` is False,
    when everything would be skipped, or when there is nothing to import and no coder to record. A failed write
    (full disk, locked project) registers no coder and removes nothing."""
    if isinstance(preview, ProjectImport) and preview.of_behaviours:
        commit_behaviours(project, preview, skip_bad=skip_bad)
        return []  # no coded events: the behaviour events went into their own table
    rows = preview.behaviour_rows if isinstance(preview, ProjectImport) else []
    if rows and isinstance(preview, ProjectImport) and not preview.events:  # an ELAN file of behaviour tiers alone: accept() would find nothing to import
        _refuse_skips(preview, skip_bad)
        # the open proposals its reviewed events (duplicates here) cover go too, as with events to import
        gone = [e.id for e in preview.resolves if e.id is not None]
        try:
            with project.transaction():
                _add_behaviours(project, rows)
                if preview.file_coders or gone:
                    project.replace_events(gone, [], coders=preview.file_coders,
                                           coded={preview.video_id: list(preview.file_coders)})
        except KeyError as exc:  # a proposal to remove went meanwhile: the preview is stale
            raise _stale(preview, exc) from None
        return []
    events = preview.accept(skip_bad=skip_bad)
    if isinstance(preview, ProjectImport):
        coded = {preview.video_id: list(preview.file_coders)}
        remove = [e.id for e in [*preview.replaces, *preview.resolves] if e.id is not None]
    else:
        coded = {}
        for e in [*events, *preview.duplicates]:
            coded.setdefault(e.video_id, []).append(e.coder)
        remove = []
    if not events and not remove and not any(coded.values()) and not preview.duplicates:
        if isinstance(preview, ProjectImport) and preview.nothing_new():
            return []  # its summary said so; nothing written, as for a file whose events are all here already
        raise InputError(f"{preview.path}: no events and no coder in the file: nothing to import (to record a coder "
                         "who found nothing on this video, name them: coder= / --coder NAME)")
    known = set(project.coders())
    new = sorted(({e.coder for e in events if e.coder} | {c for cs in coded.values() for c in cs if c}) - known,
                 key=name_sort_key)
    # the old events go (a replace) and the new come in one transaction, their coders and coded records with them:
    # a bad event raises before anything is written
    try:
        if not rows:
            return project.replace_events(remove, events, coders=new, coded=coded)[1]
        with project.transaction():  # an ELAN file's behaviour tiers with its events: all or nothing
            added = project.replace_events(remove, events, coders=new, coded=coded)[1]
            _add_behaviours(project, rows)
        return added
    except KeyError as exc:  # an event to replace went meanwhile: the preview is stale
        raise _stale(preview, exc) from None


def _stale(preview: ImportPreview, exc: KeyError) -> InputError:
    return InputError(f"{preview.path}: {exc.args[0] if exc.args else exc} of the events to replace is gone since "
                      "the preview; nothing imported (preview again)")


def export_project_events(project: Any, video_id: int, path: str | os.PathLike[str], fmt: str | None = None,
                          statuses: Iterable[str] | None = None, times: np.ndarray | None = None,
                          progress: Callable[[int, int], None] | None = None, behaviours: bool = True) -> list[Path]:
    """Write one video's events from a project as .eaf / BORIS table / events CSV (a variable-rate video's times
    from its frames', see :func:`project_media`), with the video's behaviour events (``behaviours``): an ELAN file's
    tiers of their own (``behaviour: <name> (<coder>)``, which :func:`preview_import` reads back), beside any other
    file as ``<stem>_behaviours.csv``. Returns the files written, the events file first. ``progress``: as
    :func:`write_events`; one step (0, 1) before an ELAN file or BORIS project is written (nothing written yet)."""
    evs = project.events(video_id)
    if statuses is not None:
        keep = set(statuses)
        evs = [e for e in evs if e.status in keep]
    kind = _write_format(path, fmt)
    # an events CSV names its video by its file name: no file to look for (nor to say is missing)
    media = project_media(project, video_id, times, locate=kind != "events-csv")
    # the one place every export of one video (the CLI's, the app's Export events) gets its behaviour events: the
    # CLI's left them out without a word
    ours = behaviours and bool(getattr(project, "behaviour_events", lambda _v: [])(video_id))
    if ours:
        from merstudio.project import export as px  # pandas and matplotlib: only where there are some
    if kind in ("eaf", "boris-project") and progress:
        progress(0, 1)
    tiers = px.behaviour_tiers(project, video_id) if ours and kind == "eaf" else None
    if tiers:
        return [write_eaf(evs, path, media, extra_tiers=tiers)]
    out = [write_events(evs, path, media, fmt=fmt, progress=None if kind in ("eaf", "boris-project") else progress)]
    if ours:  # a table of their own (no apex; an open state), or the ELAN file's states all still open
        out.append(px.export_behaviours_csv(project, px.behaviours_csv_path(path), video_id=video_id, times=times))
    return out


def behaviours_beside(project: Any, video_id: int | None, path: str | os.PathLike[str],
                      fmt: str | None = None) -> Path | None:
    """The ``<stem>_behaviours.csv`` an export to ``path`` would write beside it (None: none): of one video's events
    (:func:`export_project_events`), or with ``video_id`` None every video's (:func:`export_all_events`). Asked
    before the export, so an existing file there is refused or asked about before anything is written."""
    if not hasattr(project, "behaviour_events") or not project.behaviour_events(video_id):
        return None
    from merstudio.project import export as px  # pandas and matplotlib: only where there are some

    if video_id is not None and _write_format(path, fmt) == "eaf" and px.behaviour_tiers(project, video_id):
        return None  # an ELAN file's tiers of their own
    return px.behaviours_csv_path(path)


def shared_video_names(project: Any) -> str:
    """Why the project's events cannot go through one events CSV and back, or "": videos sharing a file name,
    whose rows its ``video`` column cannot tell apart."""
    videos = project.videos()
    keys = [name_key(v.name) for v in videos]  # "Gespräch" composed or decomposed: one name to its user
    twice = sorted({v.name for v in videos if keys.count(name_key(v.name)) > 1})
    return f"videos {', '.join(twice[:4])} share a file name, which the events CSV's video column cannot tell " \
        "apart" if twice else ""


BEHAVIOURS_FORMAT = "behaviour events CSV"


def looks_behaviours_table(path: str | os.PathLike[str]) -> bool:
    """A behaviour events CSV (project.export.behaviours_table: what every events export writes beside itself as
    ``<stem>_behaviours.csv``): a ``behaviour`` column, and no ``apex`` (an events table has one)."""
    from merstudio.interchange.events_csv import table_header

    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".txt") or not p.is_file():
        return False
    try:
        head = table_header(p)
    except (InputError, OSError, UnicodeError):
        return False
    return "behaviour" in head and "apex" not in head


def _cell_int(row: Mapping[str, str], key: str) -> int | None:
    text = (row.get(key) or "").strip()
    if not text:
        return None
    value = float(text)  # "12" and Excel's "12.0"
    if not value.is_integer():
        raise ValueError(f"{key} {text!r} is not a whole frame")
    return int(value)


def preview_behaviours(project: Any, path: str | os.PathLike[str], video_id: int, only_video: bool = False,
                       coder: str | None = None, named_as: str | None = None) -> ProjectImport:
    """A behaviour events CSV (``<stem>_behaviours.csv``, written by every events export) read for project video
    ``video_id``: its rows as behaviour events (behaviours matched by name, made when missing), those the video has
    already (same behaviour, coder, face and frames) counted as duplicates; rows naming another video (its ``video``
    column) are skipped, or left out with ``only_video`` (the all-videos import gives each video its rows); rows past
    the video's end or without a whole onset frame are skipped. ``coder``: of rows that name none. ``named_as``:
    the name the file's rows give the video (an earlier name of it); default its name. Nothing is written
    (:func:`commit_import` stores it, in one transaction)."""
    from merstudio.interchange.events_csv import unguarded_cell

    p = Path(path)
    video = project.video(video_id)
    with table_notes() as said:  # read as Windows-1252: the first note
        text = read_table_text(p, BEHAVIOURS_FORMAT)
    first = text.splitlines()[0] if text else ""
    delimiter = sniff_delimiter(first)
    rows = csv_rows(p, text, delimiter)
    prev = ProjectImport(path=p, format=BEHAVIOURS_FORMAT, video_id=video_id, notes=said)
    if not rows:
        raise InputError(f"{p}: empty {BEHAVIOURS_FORMAT}")
    head = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ("behaviour", "onset_frame") if c not in head]
    if missing:
        raise InputError(f"{p}: not a {BEHAVIOURS_FORMAT}: missing column(s) {', '.join(missing)}")
    mine = name_key(named_as or video.name)
    n = video.frame_count
    named = {b.id: b.name for b in project.behaviours()}
    have = {(name_key(named.get(e.behaviour_id, ""), True), name_key(e.coder), e.face_id, e.onset, e.offset)
            for e in project.behaviour_events(video_id)}
    for i, cells in enumerate(rows[1:], start=2):
        # a spreadsheet-safe export's apostrophe off: a behaviour '3/4 was made beside 3/4
        row = dict(zip(head, (unguarded_cell(c, delimiter != ",").strip() for c in cells), strict=False))
        where = f"{p.name}: row {i}"
        if row.get("video") and name_key(row["video"]) != mine:
            if not only_video:
                prev.skipped.append(Skip(where, f"of video {row['video']}, not {video.name} (import the file with "
                                                "--video all, or into that video)"))
            continue
        name = " ".join((row.get("behaviour") or "").split())
        kind = (row.get("kind") or "state").strip().lower()
        try:
            onset = _cell_int(row, "onset_frame")
            offset = _cell_int(row, "offset_frame")
            face = _cell_int(row, "face_id") or 0
        except ValueError as exc:
            prev.skipped.append(Skip(where, str(exc)))
            continue
        if not name or onset is None:
            prev.skipped.append(Skip(where, "no behaviour name" if not name else "no onset frame"))
            continue
        if kind not in BEHAVIOUR_KINDS:
            prev.skipped.append(Skip(where, f"kind {kind!r} is neither point nor state"))
            continue
        if offset is not None and offset < onset or onset < 0:
            prev.skipped.append(Skip(where, f"frames {onset}-{offset}: need 0 <= onset <= offset"))
            continue
        if 0 < n <= max(onset, offset or 0):
            prev.skipped.append(Skip(where, f"frames {onset}-{offset}: past the end of {video.name} ({n} frames)"))
            continue
        who = name_key(row.get("coder") or (coder or "").strip())  # NFC: as stored, a duplicate is found
        ev = BehaviourEvent(video_id, 0, onset, offset, coder=who, note=row.get("note") or "", face_id=face)
        if (name_key(name, True), who, face, onset, offset) in have:
            prev.behaviour_duplicates += 1
            continue
        have.add((name_key(name, True), who, face, onset, offset))
        prev.behaviour_rows.append((name, kind, (row.get("key") or "").strip(), ev))
    prev.file_coders = sorted({e.coder for *_, e in prev.behaviour_rows if e.coder}, key=name_sort_key)
    return prev


def commit_behaviours(project: Any, preview: ProjectImport, skip_bad: bool = False) -> list[BehaviourEvent]:
    """Store a behaviour events CSV's preview (:func:`preview_behaviours`) in one transaction: the behaviours it
    names that the project lacks are made (a key that codes another behaviour left off), then its events. InputError,
    nothing written, while rows would be skipped and ``skip_bad`` is False, or when there is nothing to import."""
    _refuse_skips(preview, skip_bad)
    if not preview.behaviour_rows and not preview.behaviour_duplicates:
        raise InputError(f"{preview.path}: no behaviour events for {project.video(preview.video_id).name} in the "
                         "file: nothing to import")
    return _add_behaviours(project, preview.behaviour_rows)


def _refuse_skips(preview: ImportPreview, skip_bad: bool) -> None:
    """InputError, nothing imported, while rows of a behaviour import would be skipped and ``skip_bad`` is False."""
    if preview.skipped and not skip_bad:
        more = f" (and {len(preview.skipped) - 1} more)" if len(preview.skipped) > 1 else ""
        raise InputError(f"{preview.skipped[0]}{more}; nothing imported: fix the file, or confirm skipping "
                         "(--yes / the preview's Import)")


def _add_behaviours(project: Any, rows: Iterable[tuple[str, str, str, BehaviourEvent]]) -> list[BehaviourEvent]:
    """Behaviour events by their behaviour's name into the project in one transaction, the behaviours it lacks made
    (a key that codes another behaviour left off)."""
    out = []
    with project.transaction():
        known = {name_key(b.name, True): b for b in project.behaviours()}  # as add_behaviour compares (NFC)
        keys = {b.key.casefold() for b in known.values() if b.key}
        for name, kind, key, ev in rows:
            b = known.get(name_key(name, True))
            if b is None:
                free = key if key and key.casefold() not in keys else ""
                b = project.add_behaviour(Behaviour(name, key=free, kind=kind, position=len(known)))
                known[name_key(name, True)] = b
                keys.add(free.casefold())
            assert b.id is not None
            out.append(project.add_behaviour_event(replace_field(ev, behaviour_id=b.id)))
    return out


@dataclass
class AllEventsExport:
    """What :func:`export_all_events` wrote: the file, how many events, of how many of the project's videos,
    and what to tell its user."""

    path: Path
    events: int
    videos_with_events: int
    videos: int
    notes: list[str] = field(default_factory=list)
    behaviours: Path | None = None  # the behaviour events, in a file of their own beside it (none: no such file)
    behaviour_events: int = 0

    @property
    def paths(self) -> list[Path]:
        return [self.path] + ([self.behaviours] if self.behaviours is not None else [])

    def summary(self) -> str:
        return (f"wrote {self.events} event(s) of {self.videos_with_events} of the {self.videos} videos to "
                f"{self.path}" + (f", and {self.behaviour_events} behaviour event(s) to {self.behaviours.name} "
                                  "beside it" if self.behaviours is not None else ""))


def export_all_events(project: Any, path: str | os.PathLike[str], statuses: Iterable[str] | None = None,
                      times: Mapping[int, np.ndarray | None] | None = None,
                      progress: Callable[[int, int], None] | None = None, behaviours: bool = True) -> AllEventsExport:
    """Every video's events of a project in one events CSV, each row naming its video: what ``merstudio convert
    --project P --import FILE --video all`` puts back into the videos. ``statuses``: only events of these.
    Frame times: ``times`` by video id where given (a player's), else :func:`project_media`'s: a video analysed to
    its end is not opened, another's file is (its header; a variable-rate one indexed, once per process). Videos
    sharing a file name are written, with a note (their rows cannot be told apart on the way back). ``progress``:
    a step after each video's times (a video file may be opened for them), one before the file is moved into
    place (what a step raises leaves the old file) and one once it is there. ``behaviours`` False: the behaviour
    events' CSV beside it is not written (the app's user kept the one there)."""
    videos = project.videos()
    keep = None if statuses is None else set(statuses)
    evs = [e for v in videos for e in project.events(v.id) if keep is None or e.status in keep]
    n = len(videos)
    media = {}
    for i, v in enumerate(videos):  # an events CSV names each video by its file name: no file to look for
        media[v.id] = project_media(project, v.id, (times or {}).get(v.id), locate=False)
        if progress:
            progress(i + 1, n + 2)
    written = None if progress is None else (lambda done, total: progress(n + done, n + total))
    out = write_events(evs, path, media, fmt="events-csv", progress=written)
    shared = shared_video_names(project)
    done = AllEventsExport(out, len(evs), len({e.video_id for e in evs}), len(videos),
                           [f"{shared}: their rows cannot be imported back from this file"] if shared else [])
    # the behaviour events (their own columns: no apex, an open state) in a file of their own beside it, which
    # `--import … --video all` takes back; they were left out without a word, and could reach no other copy
    n = len(project.behaviour_events()) if behaviours and hasattr(project, "behaviour_events") else 0
    if n:
        from merstudio.project import export as px  # pandas and matplotlib: only where there are some

        done.behaviours = px.export_behaviours_csv(project, px.behaviours_csv_path(out))  # frames: what comes back
        done.behaviour_events = n
        done.notes.append(f"{n} behaviour event(s) written to {done.behaviours.name} beside it (`merstudio "
                          "convert --project P --import FILE --video all` or the app's Import events takes it back)")
    return done


@dataclass
class AllEventsImport:
    """What :func:`preview_all_events` found in an events CSV of several videos: a preview per project video the
    file names (``parts``: (video, its :class:`ProjectImport`), in the file's name order) and the names it holds
    that match no video of the project (``unknown``: their rows are in no preview); ``old_names``: {video id: the
    earlier name of it the file uses} (a file written before the video was renamed); ``left_out``: the file's rows
    of other statuses than ``statuses=``, each once (:func:`events_csv_left_out`: each part's ``left_out`` also
    counts the rows naming no video)."""

    path: Path
    parts: list[tuple[Any, ProjectImport]]
    unknown: list[str] = field(default_factory=list)
    old_names: dict[int, str] = field(default_factory=dict)
    left_out: int = 0

    def lines(self) -> list[str]:
        """One line per video the file names: how many of its events are new, already there, to skip; then one
        for the names matching no video."""
        out = []
        for v, p in self.parts:
            was = f" ({self.old_names[v.id]} in the file)" if v.id in self.old_names else ""
            out.append(f"{v.name}{was}: {len(p.events)} new" + (f", {len(p.duplicates)} already there" if p.duplicates
                                                            else "")
                       + (f", {len(p.skipped)} to skip" if p.skipped else "")
                       + (f", replacing {len(p.replaces)}" if p.replaces else "")
                       # left out, as the one-video preview says (the review here stands)
                       + (f", {reviewed_here_line(len(p.reviewed_here))}" if p.reviewed_here else ""))
        if self.unknown:
            out.append(f"matching no video in the project (their rows left out): {name_list(self.unknown, 6)}")
        return out

    def accept(self, skip_bad: bool = False) -> list[list[Event]]:
        """Each video's events to import (:meth:`ProjectImport.accept`, in ``parts``' order), every video checked
        before anything is written; InputError names the video. A video whose rows were all open proposals reviewed
        here already (:attr:`ProjectImport.only_reviewed_here`) brings nothing ([]: its line says why): the file is
        refused for them only where no other video brings anything (one such video refused the whole file)."""
        idle = [p for _, p in self.parts if p.only_reviewed_here or not (
            p.events or p.duplicates or p.skipped or p.replaces or p.resolves or p.behaviour_rows)]
        here = sum(len(p.reviewed_here) for p in idle)
        if here and len(idle) == len(self.parts):
            raise reviewed_only(self.path, here)
        out = []
        for v, p in self.parts:
            try:
                out.append([] if p.only_reviewed_here else p.accept(skip_bad=skip_bad))
            except InputError as exc:
                raise InputError(f"{v.name}: {exc}") from None
        return out


def preview_all_events(project: Any, path: str | os.PathLike[str],
                       times: Callable[[int], np.ndarray | None] | None = None, fps_override: bool = False,
                       coder: str | None = None, replace: bool = False,
                       statuses: Iterable[str] | None = None) -> AllEventsImport:
    """An events CSV holding several videos' events (:func:`export_all_events` writes one) previewed for each
    project video its ``video`` column names (:func:`preview_import` with ``only_video``: the other videos' rows
    are theirs, not skipped items); what ``merstudio convert --project P --import FILE --video all`` and the app's
    Import events (given such a file) import. ``times(video_id)``: a video's frame times where known (a mapping's
    ``get``; default: :func:`project_media`'s). A name that is no video's but an earlier name of one
    (``Project.old_names``: a file written before the video was found renamed or relinked) is that video's, said
    in a note. InputError: no video column, videos of the project sharing a file name (their rows cannot be told
    apart), or one video named by its name and by an old one. Nothing is written."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: not found")
    statuses = None if statuses is None else list(statuses)  # read for each video, and for the file's count
    named = events_csv_videos(p)
    if not named:
        raise InputError(f"{p}: no video column (or it is empty): import it into one video")
    shared = shared_video_names(project)
    if shared:
        raise InputError(f"{p}: {shared}; import the file into one video at a time")
    by_name = {name_key(v.name): v for v in project.videos()}  # a Mac's decomposed "Gespräch" names "Gespräch"
    # each video once, however many spellings of its name the file holds (a Mac's coder and a Linux one's)
    # a name no video has now may be one a video had (the file was written before it was renamed)
    was = _old_names_in(project, [n for n in named if name_key(n) not in by_name])
    chosen: dict[int, Any] = {}
    spelled: dict[int, dict[str, str]] = {}  # {video id: {name key: a name the file gives it}}
    for n in named:  # the file's name order
        v = by_name.get(name_key(n)) or was.get(n)
        if v is not None:
            chosen.setdefault(v.id, v)
            spelled.setdefault(v.id, {}).setdefault(name_key(n), n)
    for vid, names in spelled.items():
        if len(names) > 1:  # its rows under its name and an old one: read as one name's, the other's left out unsaid
            raise InputError(f"{p}: names video {vid} by {len(names)} names, {name_list(list(names.values()), 4)} "
                             f"(renamed meanwhile); give its rows one name ({quote(chosen[vid].name)}) and import "
                             "it again")
    parts = []
    for v in chosen.values():
        old = next((n for n, w in was.items() if w is v), None)
        prev = preview_import(project, p, v.id, fps_override=fps_override, fmt="events-csv",
                              times=times(v.id) if times is not None else None, coder=coder, replace=replace,
                              only_video=True, named_as=old, statuses=statuses)
        if old is not None:
            prev.notes.insert(0, f"{p.name}: its rows of {quote(old)} are video {v.id}'s, {v.name} now (found "
                                 "renamed or relinked since)")
        parts.append((v, prev))
    return AllEventsImport(p, parts, [n for n in named if name_key(n) not in by_name and n not in was],
                           {v.id: n for n, v in was.items()}, events_csv_left_out(p, statuses))


def _old_names_in(project: Any, names: Iterable[str]) -> dict[str, Any]:
    """{name: video} for each of ``names`` that is an earlier name of exactly one video of the project (Project.
    old_names: it was found renamed, or relinked to another file); a name two videos had stays unknown."""
    old_names = getattr(project, "old_names", None)  # a stand-in project (tests) has none
    if old_names is None:
        return {}
    had: dict[str, list[Any]] = {}
    for v in project.videos():
        for n in old_names(v.id):
            had.setdefault(name_key(n), []).append(v)
    return {n: had[name_key(n)][0] for n in names if len(had.get(name_key(n), [])) == 1}


__all__ = [
    "AllEventsExport", "AllEventsImport", "BEHAVIOURS_FORMAT", "BORIS_COLUMNS", "behaviours_known_line",
    "commit_behaviours",
    "looks_behaviours_table", "preview_behaviours", "EVENT_CSV_COLUMNS", "EafDocument", "FORMATS",
    "FrameClock", "ImportPreview", "LinkedMedia", "Media", "OpenFaceTable", "elan_media_key", "remember_elan_media",
    "ProjectImport", "PyFeatTable", "face_names_key", "known_face_names", "remember_face_names", "Skip", "clip_frame_files", "commit_import", "detect_format",
    "events_csv_videos", "events_from_samples", "export_all_events", "fit_to_video", "export_project_events", "frame_to_ms",
    "media_place", "NOT_FOUND_NOTE",
    "frames_to_ms", "is_boris_project", "looks_openface", "looks_pyfeat", "ms_to_frame", "ms_to_frames",
    "parse_eaf", "preview_all_events", "preview_import", "preview_sheet", "project_media", "project_preview",
    "read_boris", "read_boris_project", "read_eaf", "read_events", "read_events_csv", "read_openface", "read_pyfeat",
    "shared_video_names", "tier_name", "write_boris", "write_boris_project", "write_eaf", "write_events",
    "write_events_csv",
]
