"""BORIS project files (``.boris``, ``.boris.gz``): coded events to and from the JSON project BORIS opens itself.

A BORIS project holds an ethogram (behaviours: state or point events, each with sets of modifiers), subjects and
observations (one or more media files per player, and a list of events ``[time, subject, code, modifier,
comment, frame index]``). A state event is two entries of the same subject, code and modifier: the first starts
it, the next stops it (BORIS's own pairing rule), so one event of ours is:

- a START at t(onset) and a STOP at t(offset + 1), the span [t(onset), t(offset + 1)) to the millisecond as in
  our BORIS tables, the behaviour being the emotion (``unlabelled`` for none) and the modifier the AUs (one
  multiple-selection set, ``AU4,AU7``); the START carries the note as its comment;
- a point event ``apex`` at the apex frame, whose comment names the emotion it belongs to;
- a behaviour whose every event is one frame (a BORIS point event read in) is a point event again: one entry at
  t(onset), no ``apex`` (the point is its own apex);
- the observation's time offset is ``Media.time_offset`` (an imported BORIS project's), every time shifted by it as
  BORIS stores them; the media length is the video's (its frame count), else the one the imported file stated
  (``Media.length``), else a guess;
- the coder is the observation's independent variable ``coder`` and the review status its ``review status``
  (one observation per video, coder and status, as ELAN export keeps rejected proposals on tiers of their own:
  ``clip - alice`` accepted, ``clip - alice (proposals)`` open model proposals, ``clip - alice (rejected)``
  rejected ones, so a BORIS user never takes a rejected or unreviewed proposal for a coder's event); the subject is
  the face's name as imported files gave it, else ``face 0`` (:func:`merstudio.interchange.boris.subject_labels`,
  which the tables write too).

Two events of one coder with the same face, emotion and AUs that overlap or touch cannot be told apart by that
pairing, so the later one goes to a second observation of the same video (``… (2)``). Confidence (the coder's and
the model's) and source are not kept (the import marks events ``imported``; :func:`export_losses` is the line that
says so where the events have them); the status comes back from the ``review status`` variable.

Reading takes any BORIS project (format 7, BORIS 7 to 9): media observations on the chosen video (by file name;
times are media time plus the observation's time offset, and a player's later files start where the earlier ones
end), states paired as BORIS pairs them, an ``apex`` point event inside a state as its apex, other point events as
one-frame events, and the observation id as the coder when no ``coder`` variable is set; an entry's frame index
(BORIS 8.11 and later) is its tables' ``Image index``. The rows then go through the BORIS table reader
(:func:`merstudio.interchange.boris.read_boris_rows`): the same frame rules, face names and checks. An
observation's ``review status`` variable (accepted, proposal, rejected) is its events' status.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
import math
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from merstudio import __version__
from merstudio.atomic import atomic_path
from merstudio.errors import InputError
from merstudio.facs import read_aus
from merstudio.interchange.boris import (
    BorisEntry,
    apex_comment,
    frame_index,
    offsets_note,
    pair_boris_events,
    read_boris_rows,
    subject_labels,
)
from merstudio.interchange.common import (
    ImportPreview,
    Media,
    Skip,
    aus_as_modifiers,
    face_label,
    file_name,
    name_list,
    quote,
    same_name,
)
from merstudio.names import name_sort_key
from merstudio.project.events import STATUSES, Event

_PINNED = re.compile(r"merstudio face (\d{1,9})")  # our exports' subject description: the face a name is
UNLABELLED = "unlabelled"  # the behaviour of an event with no emotion (BORIS needs a code)
APEX = "apex"
AU_SET = "AUs"
CODER_VARIABLE = "coder"
# not "status": BORIS before 8 so names the START/STOP column of its tabular export, which would then read as such
STATUS_VARIABLE = "review status"
# the observation of a coder's events of each review status: accepted ones under the coder's name alone
STATUS_LABELS = {"accepted": "", "proposal": "proposals", "rejected": "rejected"}
OURS = "exported by merstudio"  # the project description's start: its modifiers are our AUs
FORMAT_VERSION = "7.0"  # BORIS's project format (unchanged from BORIS 7 to 9)
PLAYERS = tuple(str(k) for k in range(1, 9))
LENGTH_MARGIN = 1.0  # seconds after the last event: a video's length where it is not known
# ms past the last frame's end in the length written: BORIS reads the length as Decimal(float), 2.4 as 2.3999...,
# and its tabular export of the full observation left out an event's STOP at the last frame's end (2.400): 46% of
# frame counts at 25, 30 and 29.97 fps, the coder's event then refused on import; and it floors the length to the ms
# when naming an entry's media file ("Not found" for ~1%). One ms keeps both inside (BORIS's own lengths, ffprobe's
# container duration, are often longer still)
END_MARGIN_MS = 1
_HEADER = ("Observation id", "Media file name", "FPS", "Media duration (s)", "Subject", "Behavior", "Modifiers", "Behavior type",
           "Start (s)", "Stop (s)", "Apex (s)", "Comment start", "Comment stop", "Image index start",
           "Image index stop", "Image index apex", "Coder", "Status", "Where")


def is_boris_project(path: str | os.PathLike[str]) -> bool:
    name = Path(path).name.lower()
    return name.endswith(".boris") or name.endswith(".boris.gz")


# ---------------------------------------------------------------------------------------------- export
def _modifier(aus: str) -> list[str]:
    """An AU string (``4+7+L12``) as modifier values (``AU4``, ``AU7``, ``L12``), as our BORIS tables write them."""
    return [v for v in aus_as_modifiers(aus).split(",") if v]


def _layers(events: list[Event], points: frozenset[str] = frozenset()) -> list[list[Event]]:
    """Events of one video and coder in observations BORIS can pair: within one, no two events of the same face,
    emotion and AUs overlap or touch (their STOP and START would share a time and pair the wrong way). Events of
    the ``points`` behaviours are single entries BORIS does not pair: any observation holds them."""
    layers: list[list[Event]] = []
    last: list[dict[tuple[int, str, str], int]] = []  # per layer: key -> the offset of its latest event
    for e in sorted(events, key=lambda e: (e.onset, e.offset, e.face_id)):
        if (e.emotion or UNLABELLED) in points:
            if not layers:
                layers.append([])
                last.append({})
            layers[0].append(e)
            continue
        key = (e.face_id, e.emotion or UNLABELLED, ",".join(_modifier(e.aus)))
        k = next((i for i, seen in enumerate(last) if key not in seen or e.onset > seen[key] + 1), len(layers))
        if k == len(layers):
            layers.append([])
            last.append({})
        layers[k].append(e)
        last[k][key] = e.offset
    return layers


def _length(m: Media, events: list[Event]) -> tuple[float, bool]:
    """(seconds, guessed) of a video in a project: its length when its frame count is known, plus
    :data:`END_MARGIN_MS`, else the length an imported file stated (``m.length``: BORIS's own, 179.96 s, kept as
    it was), else the last event's end plus :data:`LENGTH_MARGIN` (BORIS's analyses of a full observation leave
    out what lies past the length: at 0 every event)."""
    clock = m.clock("BORIS project export")
    if m.frame_count:
        return (clock.ms(m.frame_count) + END_MARGIN_MS) / 1000.0, False
    if m.length is not None and m.length > 0:
        return float(m.length), False
    if not events:
        return 0.0, False
    return round(max(clock.event_times(e)[2] for e in events) + LENGTH_MARGIN, 3), True


def _has_audio(path: str) -> bool:
    """Whether the media file, here, has a sound track BORIS can show (its waveform, spectrogram); False when it is
    not here."""
    if not path or not Path(path).is_file():
        return False
    from merstudio.io.audio import open_audio

    return open_audio(path) is not None


def boris_project(events: Iterable[Event], media: Media | Mapping[int, Media], name: str = "merstudio") -> dict:
    """The BORIS project (a JSON-ready dict) of these events. ``media``: the one video, or {video_id: Media}."""
    evs = [e.validated() for e in events]
    by_id = {media.video_id: media} if isinstance(media, Media) else dict(media)
    groups: dict[tuple[int, str, int], list[Event]] = defaultdict(list)
    order = list(STATUS_LABELS)
    for e in evs:
        if e.video_id not in by_id:
            if isinstance(media, Media):  # one video given: its events, whatever id they carry
                by_id[e.video_id] = media
            else:
                raise InputError(f"event {e.id}: no media given for video {e.video_id}")
        groups[(e.video_id, e.coder, order.index(e.status))].append(e)
    if not groups and isinstance(media, Media):
        groups[(media.video_id, "", 0)] = []  # an empty observation on the video: a start for coding in BORIS
    emotions = sorted({e.emotion or UNLABELLED for e in evs}, key=name_sort_key)  # the ethogram as people read it
    # a behaviour whose every event is one frame is a point event (one read from BORIS is): never a one-frame state
    # plus an apex point
    points = frozenset(c for c in emotions if all(e.onset == e.offset for e in evs if (e.emotion or UNLABELLED) == c))
    apex_code = APEX if APEX not in emotions else f"{APEX} (merstudio)"
    values = sorted({v for e in evs for v in _modifier(e.aus)}, key=lambda v: (len(v), v))
    subjects = subject_labels(evs, by_id)
    now = _dt.datetime.now().replace(microsecond=0).isoformat()
    observations: dict[str, Any] = {}
    lengths: dict[int, tuple[float, bool]] = {}
    sound: dict[str, bool] = {}
    for (vid, coder, st), group in sorted(groups.items()):
        m = by_id[vid]
        clock = m.clock("BORIS project export")
        path = str(m.path)
        if vid not in lengths:  # per video, not per observation: the same length and sound in all of them
            lengths[vid] = _length(m, [e for (v, _, _), g in groups.items() if v == vid for e in g])
        length, guessed = lengths[vid]
        if path not in sound:
            sound[path] = _has_audio(path)
        stem = Path(path).stem or "media"
        status = order[st]
        what = {"accepted": "events", "proposal": "open (unreviewed) model proposals",
                "rejected": "rejected model proposals (not events)"}[status]
        shift = float(m.time_offset or 0.0)  # BORIS stores media time plus the observation's time offset
        for k, layer in enumerate(_layers(group, points) or [[]]):
            tags = [t for t in (STATUS_LABELS[status], str(k + 1) if k else "") if t]
            obs_id = f"{stem} - {coder or 'no coder'}" + (f" ({', '.join(tags)})" if tags else "")
            rows: list[tuple[float, int, list[Any]]] = []  # (time, order: STOP before START at one time, entry)
            for e in layer:
                subject, code = subjects[(e.video_id, e.face_id)], e.emotion or UNLABELLED
                mod = ",".join(_modifier(e.aus))
                start, apex, stop = (round(t + shift, 3) if shift else t for t in clock.event_times(e))
                rows.append((start, 1, [start, subject, code, mod, e.note, e.onset]))
                if code in points:  # one entry: the point is its own apex
                    continue
                rows.append((apex, 2, [apex, subject, apex_code, "", apex_comment(code, mod), e.apex]))
                rows.append((stop, 0, [stop, subject, code, mod, "", e.offset + 1]))
            rows.sort(key=lambda r: (r[0], r[1]))
            observations[obs_id] = {
                "file": {p: ([path] if p == "1" else []) for p in PLAYERS},
                "type": "MEDIA",
                "date": now,
                "description": f"merstudio {what} of {coder or 'no coder'} on {Path(path).name}" + (
                    f"; the media's length was not known: {length:.3f} s, the last event's end plus "
                    f"{LENGTH_MARGIN:g} s" if guessed else ""),
                "time offset": shift,
                "events": [r[2] for r in rows],
                "observation time interval": [0, 0],
                "independent_variables": {CODER_VARIABLE: coder, STATUS_VARIABLE: status},
                "visualize_spectrogram": False,
                "visualize_waveform": False,
                "close_behaviors_between_videos": False,
                "media_info": {"length": {path: length}, "fps": {path: clock.fps}, "hasVideo": {path: True},
                               "hasAudio": {path: sound[path]}, "offset": {p: 0.0 for p in PLAYERS},
                               "display": {path: "Nothing"}},  # no spectrogram or waveform (BORIS 8+ adds it)
            }

    def behaviour(code: str, kind: str, mods: dict[str, Any], description: str) -> dict[str, Any]:
        return {"type": kind, "key": "", "code": code, "description": description, "category": "",
                "modifiers": mods, "excluded": "", "coding map": ""}

    au_set = {"0": {"name": AU_SET, "description": "FACS action units", "type": 1, "values": values}}
    ethogram = {str(i): behaviour(c, "Point event" if c in points else "State event", au_set,
                                  "micro-expression" if c != UNLABELLED else "an event with no emotion")
                for i, c in enumerate(emotions)}
    ethogram[str(len(ethogram))] = behaviour(apex_code, "Point event", {},
                                             "apex of the event (its emotion in the comment)")
    return {
        "time_format": "hh:mm:ss",
        "project_date": now,
        "project_name": name,
        "project_description": f"{OURS} {__version__}: one observation per video, coder and review status "
                               "(variable 'review status': accepted; proposal, the model's open proposals; rejected, "
                               "proposals rejected in review, no coder's events); behaviours are emotions with the "
                               "AUs as modifiers, 'apex' marks each event's apex",
        "project_format_version": FORMAT_VERSION,
        # a named face's description pins its face, so that merstudio reads the name back onto it
        "subjects_conf": {str(i): {"key": "", "name": name, "description": "" if name == face_label(f) else
                                   f"merstudio face {f}"}
                          for i, (f, name) in enumerate(sorted({(f, n) for (_, f), n in subjects.items()}))},
        "behaviors_conf": ethogram,
        "behavioral_categories": [],
        "behavioral_categories_config": {},  # BORIS 8+ adds it on opening, marking the project changed
        "independent_variables": {"0": {"label": CODER_VARIABLE, "description": "the merstudio coder",
                                        "type": "text", "default value": "", "possible values": ""},
                                  "1": {"label": STATUS_VARIABLE, "description": "the events' review status in "
                                        "merstudio (proposal: the model's, not reviewed; rejected: not events)",
                                        "type": "value from set", "default value": "accepted",
                                        "possible values": ",".join(STATUS_LABELS)}},
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
        "observations": observations,
    }


def export_losses(events: Iterable[Event]) -> str:
    """One line saying what a BORIS project cannot hold of these events, where they have it: a confidence, the
    coder's or the model's (BORIS has no field for either), a source other than ``imported`` (an import marks every
    event so) and the checkpoint that proposed a model's event (``model``); "" when nothing is lost. The export
    itself does not refuse: the line is for whoever exports."""
    evs = list(events)
    # the coder's rating or the model's probability (each its own field since schema 9): both lost alike
    scored = sum(1 for e in evs if e.confidence is not None or e.model_confidence is not None)
    sources = sorted({e.source for e in evs if e.source != "imported"})
    sourced = sum(1 for e in evs if e.source != "imported")
    modelled = sum(1 for e in evs if e.model)
    what = (["confidence"] if scored else []) + (["event source"] if sourced else []) + \
        (["model checkpoint"] if modelled else [])
    if not what:
        return ""
    lost = ([f"the confidence of {scored} event(s)"] if scored else []) + (
        [f"the source of {sourced} {'/'.join(sources)} event(s) (read back as imported)"] if sourced else []) + (
        [f"the model checkpoint that proposed {modelled} event(s)"] if modelled else [])
    return (f"a BORIS project holds no {' or '.join(what)}: {' and '.join(lost)} not written; a BORIS table "
            "(.tsv, .csv, .xlsx) or the events CSV keeps them")


def write_boris_project(events: Iterable[Event], path: str | os.PathLike[str],
                        media: Media | Mapping[int, Media]) -> Path:
    """Write events as a BORIS project (``.boris``: JSON; ``.boris.gz``: gzip-compressed JSON), atomically."""
    p = Path(path)
    stem = p.name[: -len(".gz")] if p.name.lower().endswith(".gz") else p.name
    # ASCII JSON (\u escapes), as BORIS writes it: BORIS reads a project in the system's encoding (cp1252 on
    # Windows), where raw UTF-8 turns "é" into "Ã©" (a media path not found) or is refused outright
    data = json.dumps(boris_project(events, media, name=Path(stem).stem), indent=1, ensure_ascii=True)
    raw = data.encode("ascii")
    with atomic_path(p) as tmp:
        tmp.write_bytes(gzip.compress(raw, mtime=0) if p.name.lower().endswith(".gz") else raw)
    return p


# ---------------------------------------------------------------------------------------------- import
def _load(p: Path) -> dict[str, Any]:
    if not p.is_file():
        raise InputError(f"{p}: BORIS project not found")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # BORIS writes ASCII JSON but reads with the system's encoding: a project edited and saved by hand on
            # Windows is Windows-1252, whose accented names are no UTF-8. Read as such (JSON's structure is ASCII)
            text = raw.decode("cp1252", errors="strict")
        pj = json.loads(text)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{p}: not a readable gzip file ({exc})") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{p}: not a BORIS project (not JSON text: {str(exc)[:80]})") from None
    if not isinstance(pj, dict) or not isinstance(pj.get("observations"), dict) \
            or not isinstance(pj.get("behaviors_conf"), dict):
        raise InputError(f"{p}: not a BORIS project (no observations and ethogram)")
    return pj


def _number(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _media_of(obs: dict[str, Any]) -> list[tuple[str, float | None, float | None]]:
    """Player 1's media files of an observation: (path, fps, length in s) in playing order."""
    files = (obs.get("file") or {}).get("1") or []
    info = obs.get("media_info") or {}
    out = []
    for f in files if isinstance(files, list) else []:
        out.append((str(f), _number((info.get("fps") or {}).get(f)), _number((info.get("length") or {}).get(f))))
    return out


def read_boris_project(path: str | os.PathLike[str], fps: float | None = None, video_id: int = 0,
                       video_name: str | None = None, fps_override: bool = False,
                       emotions: Mapping[str, str] | None = None, default_coder: str = "boris",
                       source: str | None = None, times: np.ndarray | None = None,
                       coder: str | None = None, face_names: Mapping[int, str] | None = None) -> ImportPreview:
    """Read a BORIS project's events on one video into an :class:`ImportPreview` (arguments as
    :func:`merstudio.interchange.boris.read_boris`; ``video_name`` chooses the media file when the project's
    observations play several). An observation's coder is its independent variable ``coder`` (in any case, as BORIS
    users type it: ``Coder``), else ``coder`` (the user's, ``--coder``), else (BORIS's own projects) its id.
    Subjects: ``face_names`` (earlier imports' names) first, then the project's subjects in its order (two coders'
    projects of one study share them), see :class:`merstudio.interchange.boris.SubjectFaces`; our own exports'
    subjects carry their face (description ``merstudio face k``)."""
    p = Path(path)
    pj = _load(p)
    ethogram = {str(b.get("code", "")): str(b.get("type", "")) for b in pj["behaviors_conf"].values()
                if isinstance(b, dict)}
    ours = str(pj.get("project_description", "")).startswith(OURS)
    # a study's own modifier sets (an intensity 1-3, say) are no AUs: by the ethogram's names, not read as AU2
    sets = {str(b.get("code", "")): _modifier_sets(b) for b in pj["behaviors_conf"].values()
            if isinstance(b, dict)} if not ours else {}
    not_aus: dict[str, None] = {}  # the sets read as no AUs that events use

    def modifier(code: str, raw: str) -> str:
        return _labelled(raw, sets.get(code), not_aus)

    notes: list[str] = []
    skipped: list[Skip] = []
    observations = {str(k): o for k, o in pj["observations"].items() if isinstance(o, dict)}
    not_media = sorted(k for k, o in observations.items() if str(o.get("type", "MEDIA")).upper() != "MEDIA")
    if not_media:
        notes.append(f"{len(not_media)} observation(s) without media (live or images) left out: "
                     f"{name_list(not_media, 4)}")
    media_obs = {k: o for k, o in observations.items() if k not in not_media}
    names = sorted({file_name(f) for o in media_obs.values() for f, _, _ in _media_of(o)})
    if not names:
        raise InputError(f"{p}: no observation of a media file in the project ({len(observations)} observation(s) "
                         "in all, live or of images): nothing to import on a video")
    target = next((n for n in names if video_name and same_name(n, video_name)), None)
    if target is None and video_name:
        _refuse_other_player(p, media_obs, video_name)
    if target is None:
        if len(names) > 1:
            raise InputError(f"{p}: the project's observations play {len(names)} media files "
                             f"({name_list(names, 4)}); choose one" + (f" ({quote(video_name)} is not one of them)"
                                                                     if video_name else " (video_name= / --video)"))
        if video_name:
            notes.append(f"the project's media file {quote(names[0])} is not {quote(video_name)}; imported anyway")
        target = names[0]
    rows: list[list[Any]] = []
    other = 0
    told: set[str] = set()  # coders the observations name besides the one given
    offsets: dict[float, list[str]] = {}  # the time offsets of the observations read, for writing them again
    for obs_id, obs in sorted(media_obs.items()):
        files = _media_of(obs)
        at = next((i for i, (f, _, _) in enumerate(files) if file_name(f) == target), None)
        if at is None:
            other += 1
            continue
        file, file_fps, length = files[at]
        before = [earlier for _, _, earlier in files[:at]]  # the lengths of the files the player plays first
        if any(x is None for x in before):
            skipped.append(Skip(f"{p.name}: observation {quote(obs_id)}", f"{quote(file_name(file))} plays after "
                                "media files of unknown length: its times cannot be placed"))
            continue
        start_at = sum(x for x in before if x is not None)
        end_at = start_at + length if length is not None and at < len(files) - 1 else math.inf
        offset = _number(obs.get("time offset")) or 0.0
        offsets.setdefault(offset, []).append(obs_id)
        variables = obs.get("independent_variables") or {}
        if not isinstance(variables, dict):
            variables = {}
        named = _variable(variables, CODER_VARIABLE)
        who = named or ("" if ours else (coder or "").strip())
        if named and coder and coder.strip() and named != coder.strip():
            told.add(named)
        if not who and not ours:  # BORIS's own projects: one coder per observation, as its tables are read
            who = obs_id or default_coder
        status = _variable(variables, STATUS_VARIABLE).lower()
        rows += _observation_rows(p, obs_id, obs, ethogram, file, file_fps, length, start_at + offset,
                                  end_at + offset, who, skipped, notes, status if status in STATUSES else "",
                                  modifier)
    if told:  # the file's own coder names win: --coder is for what names no coder
        notes.append(f"the observations name their coder(s) {name_list(sorted(told), 4)} (variable "
                     f"{quote(CODER_VARIABLE)}): {quote(str(coder).strip())} given for events that name none")
    if other:
        notes.append(f"{other} observation(s) of other media files than {quote(target)} left out")
    if not_aus:
        notes.append(f"modifier set(s) {name_list([quote(n) for n in not_aus], 6)} of the ethogram read as no AUs (no "
                     "AU or action unit in the set's name, no AU codes such as AU12 in its values): their values "
                     "kept in the events' notes as set: value")
    emap = dict(emotions or {})
    if ours:
        emap.setdefault(UNLABELLED, "")
    order, pinned = _subjects(pj, ours)
    notes += offsets_note(offsets)  # a BORIS export of the events has one offset per observation it writes: none
    prev = read_boris_rows(p, [list(_HEADER), *rows], "BORIS project", fps=fps, video_id=video_id,
                           video_name=None, fps_override=fps_override, emotions=emap, default_coder=default_coder,
                           source=source, times=times, ours=ours, skipped=skipped, notes=notes, where_column=True,
                           modifier_sets_named=True, face_names={**pinned, **(face_names or {})}, subject_order=order)
    if len(offsets) == 1:  # the observation's offset (BORIS adds it to every time it stores): written back
        prev.time_offset = next(iter(offsets))
    return prev


def _subjects(pj: Mapping[str, Any], ours: bool) -> tuple[list[str], dict[int, str]]:
    """The project's subjects (``subjects_conf``) in its order, and {face: name} of those our exports pinned to a
    face (description ``merstudio face k``)."""
    conf = pj.get("subjects_conf")
    items = sorted(conf.items(), key=lambda kv: (not str(kv[0]).isdigit(), int(kv[0]) if str(kv[0]).isdigit() else 0,
                                                 str(kv[0]))) if isinstance(conf, dict) else []
    order: list[str] = []
    pinned: dict[int, str] = {}
    for _, subj in items:
        if not isinstance(subj, dict) or not str(subj.get("name") or "").strip():
            continue
        name = str(subj["name"]).strip()
        order.append(name)
        m = _PINNED.fullmatch(str(subj.get("description") or "").strip())
        if ours and m:
            pinned.setdefault(int(m.group(1)), name)
    return order, pinned


def _variable(variables: Mapping[str, Any], name: str) -> str:
    """An observation's independent variable ``name`` as set, its label in any case and spacing (BORIS users type
    ``Coder``); "" when not set."""
    want = name.casefold()
    for label, value in variables.items():
        if str(label).strip().casefold() == want and value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _refuse_other_player(p: Path, observations: Mapping[str, dict[str, Any]], video_name: str) -> None:
    """InputError where ``video_name`` is a media file BORIS plays in another player than the first (player 2 of a
    two-camera observation): an observation's times are player 1's clock, so its events are read on player 1's
    file; "not one of them" said the project did not play it at all."""
    for obs_id, obs in sorted(observations.items()):
        players = obs.get("file")
        for player, files in sorted(players.items() if isinstance(players, dict) else ()):
            if str(player) == "1" or not isinstance(files, list):
                continue
            if any(same_name(file_name(str(f)), video_name) for f in files):
                first = [file_name(f) for f, _, _ in _media_of(obs)]
                raise InputError(f"{p}: {quote(video_name)} plays in player {player} of observation {quote(obs_id)}, "
                                 "whose events merstudio reads on player 1's media only (" + (
                                     f"{name_list(first, 3)}: import them into that video, --video {first[0]})"
                                     if first else "it has none)"))


# a modifier set of AUs by its name: AU, AUs, AU codes, action units, FACS (not "audio", "fauna")
_AU_SET_NAME = re.compile(r"(?<![a-z])(?:AUs?|FACS)(?![a-z])|action[\s_-]*units?", re.IGNORECASE)
_AU_VALUE = re.compile(r"[LRTBU]?AU\s*\d", re.IGNORECASE)  # a FACS code written as one (AU12, LAU4), not a bare 2


def _modifier_sets(behaviour: Mapping[str, Any]) -> list[tuple[str, bool]] | None:
    """A behaviour's modifier sets in BORIS's order (the order of an entry's ``|``-separated modifiers): (name,
    whether its values are AUs: :func:`_au_set`); None where the ethogram does not say (no sets, an old layout)."""
    mods = behaviour.get("modifiers")
    if not isinstance(mods, dict) or not mods or not all(isinstance(m, dict) for m in mods.values()):
        return None
    keys = sorted(mods, key=lambda k: (not str(k).isdigit(), int(k) if str(k).isdigit() else 0, str(k)))
    return [(str(mods[k].get("name") or "").strip(), _au_set(mods[k])) for k in keys]


def _au_set(mod: Mapping[str, Any]) -> bool:
    """Whether a modifier set holds AUs: its name says so (``AU``, ``action units``, ``FACS``), or every value of it
    reads as AUs with some written as a FACS code (``AU12``). An ``intensity`` of 1, 2, 3 holds none: read as AUs
    its 2 was AU2 (outer brow raiser), silently."""
    if _AU_SET_NAME.search(str(mod.get("name") or "")):
        return True
    raw = mod.get("values")
    values = [str(v).strip() for v in raw if str(v).strip()] if isinstance(raw, list) else []
    return bool(values) and all(read_aus(v).only_aus for v in values) and any(_AU_VALUE.match(v) for v in values)


def _labelled(raw: str, sets: list[tuple[str, bool]] | None, used: dict[str, None]) -> str:
    """An entry's modifiers (``|`` between sets, ``,`` within one) with the values of sets that hold no AUs written
    as ``set: value``, which the table reader keeps in the note (it reads AU text, and ``intensity: 2`` is none);
    as given where the ethogram does not say. ``used``: the names of such sets met."""
    if not sets:
        return raw
    out = []
    for i, part in enumerate(raw.split("|")):
        if i >= len(sets) or sets[i][1]:
            out.append(part)
            continue
        values = [v.strip() for v in part.split(",") if v.strip() and v.strip().lower() not in ("none", "na")]
        name = sets[i][0] or f"modifier #{i + 1}"
        out += [f"{name}: {v}" for v in values]
        if values:
            used[name] = None
    return "|".join(out)


def _observation_rows(p: Path, obs_id: str, obs: dict[str, Any], ethogram: dict[str, str], file: str,
                      file_fps: float | None, length: float | None, start_at: float, end_at: float, coder: str,
                      skipped: list[Skip], notes: list[str], status: str = "",
                      modifier: Callable[[str, str], str] | None = None) -> list[list[Any]]:
    """Aggregated-table rows (:data:`_HEADER`) of one observation's events on one media file (times from
    ``start_at``, the file's start on the observation's clock, up to ``end_at``; ``length`` the file's seconds as
    the project gives it, so that an event past its end is noted as in a table; ``status`` their review status,
    "" for accepted; ``modifier(code, modifiers)``: an entry's modifiers as the table reader is to read them)."""
    where = f"{p.name}: observation {quote(obs_id)}"
    raw = obs.get("events") or []
    entries: list[BorisEntry] = []
    undefined: set[str] = set()
    left = 0
    for k, ev in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(ev, list) or len(ev) < 5 or _number(ev[0]) is None:
            skipped.append(Skip(f"{where}, event {k + 1}", "not [time, subject, code, modifier, comment, ...]"))
            continue
        t, code = float(ev[0]), str(ev[2] or "")
        if not start_at <= t < end_at:
            left += 1
            continue
        kind = ethogram.get(code)
        if kind is None:
            undefined.add(code)
            continue
        mod = str(ev[3] or "")
        entries.append(BorisEntry(t - start_at, str(ev[1] or ""), code, modifier(code, mod) if modifier else mod,
                                  str(ev[4] or ""),
                                  "state" if "state" in kind.lower() else "point",
                                  frame_index(ev[5]) if len(ev) > 5 else None))  # noted since BORIS 8.11
    if undefined:
        skipped.append(Skip(where, f"behaviour(s) not in the ethogram: {name_list(sorted(undefined))}"))
    if left:
        notes.append(f"{where}: {left} event(s) on other media files of its player left out")
    # each event named as its user finds it in BORIS: the observation and the start's time on its clock
    return [[obs_id, file, "" if file_fps is None else file_fps, "" if length is None else length, *row, coder,
             status, f"{where}, event at {row[4] + start_at:.3f} s"]
            for row in pair_boris_events(entries, where, skipped, notes, indices=True)]
