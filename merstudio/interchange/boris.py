"""BORIS-style tabular events (TSV, CSV, XLSX): the columns of BORIS's "aggregated events" export plus frame columns.

One row per event. ``Behavior`` is the emotion, ``Modifier #1`` the AUs (``AU4,AU7,L12``: one set of values, as
BORIS writes a multiple-choice set; merstudio's earlier exports wrote ``Modifiers`` with ``|``, BORIS's separator
between sets, and are read as before), ``FPS (frame/s)`` the rate (``FPS`` before), ``Subject`` the face as the
.boris export names it (the name imported files gave it, else ``face 0``: :func:`subject_labels`) and ``Face`` its
number, ``Behavior type`` ``STATE``. ``Start (s)``/``Stop (s)`` are the span [t(onset), t(offset + 1)) to the
millisecond plus the ``Time offset (s)`` (an imported BORIS observation's), as BORIS writes them; ``Start frame``/
``Apex frame``/``Stop frame`` are the 0-based onset, apex and offset frames (both ends included), which an import
prefers over the times. ``Coder``, ``Confidence`` (the coder's own rating), ``Model confidence`` (the model's
probability of an event it proposed), ``Status`` and ``Event source`` carry the rest of an event; a file without them
(a real BORIS export) imports with the ``Observation id`` as coder. A table of ours without ``Model confidence``
(before 2026-12-07) has the model's number in ``Confidence`` on a model's row: read as the model's.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from merstudio.datasets.parse import cell_text, norm_col, read_workbook_rows
from merstudio.errors import InputError
from merstudio.facs import read_aus
from merstudio.interchange.common import (
    AUReader,
    FrameClock,
    ImportPreview,
    Media,
    Skip,
    aus_as_modifiers,
    check_fps,
    exact_fps,
    face_label,
    file_name,
    fps_differs,
    fps_mismatch,
    imputed_apex,
    make_event,
    media_name,
    name_list,
    quote,
    same_name,
    variable_times,
    vfr_note,
    write_dict_table,
)
from merstudio.interchange.events_csv import unguarded_cell
from merstudio.pathnames import name_key
from merstudio.project.events import STATUSES, Event
from merstudio.textfile import csv_rows, read_table_text, sniff_delimiter
from merstudio.xlsx import write_xlsx

# BORIS 8 and later's names ("FPS (frame/s)", a "Modifier #k" per modifier set: ours is one, the AUs); our readers
# take these and the earlier "FPS" / "Modifiers" (merstudio's exports before them, BORIS 7's)
BORIS_COLUMNS = ("Observation id", "Observation date", "Description", "Observation type", "Source",
                 "Time offset (s)", "Media duration (s)", "FPS (frame/s)", "Subject", "Behavior", "Behavioral category", "Modifier #1",
                 "Behavior type", "Start (s)", "Stop (s)", "Duration (s)", "Media file name", "Comment start",
                 "Comment stop")
# "Face": the face a named Subject is (BORIS shows the name; a table of one face's events alone read it back as
# face 0 without it)
# "Model": the checkpoint that proposed a model's event (its provenance; empty for a coder's own)
# "Confidence": the coder's own rating; "Model confidence": the model's probability of an event it proposed (each in
# its own column since 2026-12-07: a table of before has the model's number in Confidence on a model's row)
EXTRA_COLUMNS = ("Start frame", "Apex frame", "Stop frame", "Apex (s)", "Coder", "Confidence", "Model confidence",
                 "Status", "Event source", "Face", "Model")
COLUMNS = BORIS_COLUMNS + EXTRA_COLUMNS
NUMBER_COLUMNS = ("Time offset (s)", "Media duration (s)", "FPS (frame/s)", "Start (s)", "Stop (s)", "Duration (s)",
                  "Apex (s)", "Confidence", "Model confidence")
FORMATS = ("tsv", "csv", "xlsx")


def boris_format(path: str | os.PathLike[str]) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    if ext == "txt":
        return "tsv"
    if ext not in FORMATS:
        raise InputError(f"{path}: not a BORIS table (expected .tsv, .csv or .xlsx)")
    return ext


def boris_rows(events: Iterable[Event], media: Media | Mapping[int, Media]) -> list[dict[str, Any]]:
    """One BORIS-style row per event. ``media``: the one video, or {video_id: Media} for several."""
    rows = []
    today = _dt.date.today().isoformat()
    evs = sorted((ev.validated() for ev in events), key=lambda e: (e.video_id, e.coder, e.onset, e.face_id))
    # the subjects a .boris export writes (the names imported files gave the faces), so that both read back alike
    subjects = subject_labels(evs, {e.video_id: media for e in evs} if isinstance(media, Media) else media)
    for e in evs:
        m = media if isinstance(media, Media) else media.get(e.video_id)
        if m is None:
            raise InputError(f"event {e.id}: no media given for video {e.video_id}")
        clock = m.clock("BORIS export")
        shift = float(m.time_offset or 0.0)  # BORIS's times are media time plus the observation's time offset
        start, apex, stop = (round(t + shift, 3) if shift else t for t in clock.event_times(e))
        rows.append({
            "Observation id": e.coder or Path(m.path).stem or "merstudio", "Observation date": today,
            "Description": "exported by merstudio", "Observation type": "Media file(s)",
            "Source": f"player #1: {m.path}", "Time offset (s)": f"{shift:.3f}",
            "Media duration (s)": _media_duration(m, clock),
            # ten digits: NTSC's 29.97002997, not the 29.97 a reader took for another rate
            "FPS (frame/s)": f"{clock.fps:.10g}", "Subject": subjects[(e.video_id, e.face_id)], "Behavior": e.emotion,
            "Behavioral category": "micro-expression", "Modifier #1": aus_as_modifiers(e.aus),
            "Behavior type": "STATE", "Start (s)": f"{start:.3f}", "Stop (s)": f"{stop:.3f}",
            "Duration (s)": f"{stop - start:.3f}", "Media file name": m.path, "Comment start": e.note,
            "Comment stop": "", "Start frame": e.onset, "Apex frame": e.apex, "Stop frame": e.offset,
            "Apex (s)": f"{apex:.3f}", "Coder": e.coder,
            "Confidence": _number_text(e.confidence), "Model confidence": _number_text(e.model_confidence),
            "Status": e.status, "Event source": e.source, "Face": e.face_id, "Model": e.model,
        })
    return rows


def _number_text(x: float | None) -> str:
    return "" if x is None else f"{float(x):.6g}"


def _media_duration(m: Media, clock: FrameClock) -> str:
    """A table's ``Media duration (s)``: the video's frames' length, else the length an imported file stated (a
    .boris's media length, a table's Media duration or Total length), as it was; "" where neither is known."""
    if m.frame_count:
        return f"{clock.ms(m.frame_count) / 1000.0:.3f}"
    return f"{float(m.length):.3f}" if m.length is not None and m.length > 0 else ""


def subject_labels(events: Iterable[Event], media: Mapping[int, Media]) -> dict[tuple[int, int], str]:
    """{(video id, face): its BORIS subject}, for the .boris and the table writers alike: the name imported files
    gave the face (``Media.face_names``: a BORIS subject, an ELAN participant), else ``face k``; a name that would
    read back as another face (``face 2``, ``subject1`` on face 3, ``No focal subject``) or names two faces is
    ``face k`` too (a subject is one name in BORIS, which reads it back)."""
    keys = sorted({(e.video_id, e.face_id) for e in events})
    named = {(v, f): n.strip() for v, m in media.items() for f, n in m.face_names if (v, f) in keys and n.strip()}
    faces_of: dict[str, set[int]] = defaultdict(set)
    for (_, f), n in named.items():
        faces_of[name_key(n, True)].add(f)
    base = subject_base(n for (_, f), n in named.items() if f == 0)  # subject0 on face 0: read back from 0

    def reads_back(n: str, f: int) -> bool:
        return is_subject_name(n) or (_SUBJECT_NUMBERED.fullmatch(n) is not None and _numbered(n, base) == f)

    return {(v, f): n if (n := named.get((v, f), "")) and len(faces_of[name_key(n, True)]) == 1 and reads_back(n, f)
            else face_label(f) for v, f in keys}


def _xlsx_number(text: str) -> float | None:
    """A number column's text (as the text tables write it: ``1.200``) as the number a workbook cell holds."""
    return float(text) if text != "" else None


def write_boris(events: Iterable[Event], path: str | os.PathLike[str], media: Media | Mapping[int, Media],
                fmt: str | None = None, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write events as a BORIS-style aggregated-events table; the format follows the extension unless given.
    ``progress(1, 2)`` before the file is moved into place (what it raises leaves the old one), ``(2, 2)`` after."""
    fmt = fmt or boris_format(path)
    rows = boris_rows(events, media)
    if fmt == "xlsx":  # numbers as numbers (BORIS's own workbooks do; a sum over text cells is 0 in Excel)
        return write_xlsx(path, "Aggregated events", COLUMNS,
                          ([_xlsx_number(r[c]) if c in NUMBER_COLUMNS else r[c] for c in COLUMNS] for r in rows),
                          progress)
    return write_dict_table(path, COLUMNS, rows, "\t" if fmt == "tsv" else ",", progress)


# ---------------------------------------------------------------------------------------------- import
def _table(p: Path) -> tuple[list[tuple[Any, ...]], list[str]]:
    """The rows of a BORIS table, and where each is in the file as its user finds it: ``line 20`` of a text table,
    ``row 20`` of a workbook's sheet. Text tables in any encoding Excel or BORIS writes (UTF-8 with or without BOM,
    UTF-16 "Unicode text", Latin-1); a field over the csv limit is one InputError line naming the row."""
    fmt = boris_format(p)
    if not p.is_file():
        raise InputError(f"{p}: BORIS table not found")
    if fmt == "xlsx":
        sheet = read_workbook_rows(p)[1]  # every row from the sheet's first, empty ones too
        return sheet, [f"row {k + 1}" for k in range(len(sheet))]
    text = read_table_text(p, "BORIS table")
    delim = "\t"
    if fmt == "csv":  # ";" from spreadsheets in comma-decimal locales: told by the header line, not by the notes
        lines = text[:65_536].splitlines()[:30]
        header = next((ln for ln in lines if re.search(r"behaviou?r", ln, re.IGNORECASE)), lines[0] if lines else "")
        delim = sniff_delimiter(header)
    rows: list[tuple[Any, ...]] = [tuple(r) for r in csv_rows(p, text, delim)]
    places = [f"line {n}" for n in _record_lines(text, delim, rows)]
    # a spreadsheet-safe export's apostrophe off (convert --spreadsheet-safe: a note 3/4 came back as '3/4), and
    # plain_cell's escape ('3/4 written ''3/4), only where the guard put it (the exact inverse), and only in a
    # table of ours: BORIS's own guard nothing, so a coder's '3/4 there is as typed (it read 3/4)
    at = _find_header(rows)
    if at is not None and _our_table(_columns(rows[at])):
        rows = [tuple(unguarded_cell(c, delim != ",") for c in r) for r in rows]
    return rows, places


def _record_lines(text: str, delim: str, rows: Sequence[Sequence[str]]) -> list[int]:
    """The file line each record of a text table starts on: its number, unless a quoted cell holds a line break
    (a comment of several lines), which puts the records after it further down."""
    if not any("\n" in c or "\r" in c for r in rows for c in r):
        return list(range(1, len(rows) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    lines, at = [], 1
    for _ in reader:  # read without error once already (csv_rows)
        lines.append(at)
        at = reader.line_num + 1
    return lines


def _number(v: Any) -> float | None:
    t = cell_text(v).replace(",", ".") if not isinstance(v, (int, float)) else v
    if t in ("", "NA", "nan", None):
        return None
    try:
        x = float(t)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


_NO_SUBJECT = ("", "no focal subject", "none")
_BARE_AU = re.compile(r"\d{1,2}[A-Ea-e]?")  # a modifier read as an AU with no AU written: 2, 12B
_NUMBERED = re.compile(r"(?:face|track)?\s*#?\s*(-?\d{1,9})", flags=re.IGNORECASE)  # ours: face 0 is face 0
# BORIS has no default subject names (a new subject is blank), but its users, and its own example projects
# (tests/files/test.boris: "subject1", "subject2", described "subject #1"), number them from 1: subject1 is the
# first face, face 0. Read as face 1, a one-subject file landed on a face the video may not have, face 0 unused
_SUBJECT_NUMBERED = re.compile(r"subject\s*[#_-]?\s*(\d{1,9})", flags=re.IGNORECASE)


def frame_index(v: Any) -> int | None:
    """A BORIS ``Image index`` cell as a frame: a whole number from 0 (BORIS writes NA, or nan for an event coded
    before BORIS noted frames; anything else is no frame either)."""
    x = _number(v)
    return int(x) if x is not None and x >= 0 and x == int(x) else None


def _numbered(subject: str, base: int = 1) -> int | None:
    """The face a numbered subject names: ``face 3`` / ``3`` face 3; ``subject3`` the third subject (face 2), or
    face 3 where the file numbers its subjects from ``base`` 0 (:func:`subject_base`); None for a name."""
    s = subject.strip()
    if m := _NUMBERED.fullmatch(s):
        return int(m.group(1))
    if m := _SUBJECT_NUMBERED.fullmatch(s):
        return int(m.group(1)) - base
    return None


def subject_base(subjects: Iterable[str]) -> int:
    """The number a file's ``subjectN`` subjects start from: 0 where one of them is ``subject0``, else 1 (BORIS's
    users count from 1)."""
    return 0 if any((m := _SUBJECT_NUMBERED.fullmatch(str(s).strip())) and int(m.group(1)) == 0
                    for s in subjects) else 1


@dataclass
class SubjectFaces:
    """Which face each BORIS subject is: ``face 3`` / ``3`` is face 3, ``subject3`` face 2 (BORIS's users number
    subjects from 1; face 3 where the file has a ``subject0``: ``base``); a named subject (and "No focal subject", face 0
    when it is the only one) the face ``known`` gives its name (the names earlier imports into the video gave faces:
    :func:`merstudio.interchange.known_face_names`; matched in any case), else the next free face in the order of
    ``order`` (a .boris project's subjects), else in order of appearance; free: no numbered subject of the file and
    no known name uses it. A name is one person across coders' files only so: by its order in each file alone,
    alice's Mother and Infant were faces 0 and 1 and bob's Infant (his only subject) face 0."""

    taken: set[int]  # faces numbered subjects and known names use: new names take others
    names: dict[str, int] = field(default_factory=dict)  # casefolded name ("" for no subject) -> face
    shown: dict[str, str] = field(default_factory=dict)  # casefolded name -> the name as written
    known: set[str] = field(default_factory=set)  # names whose face an earlier import gave
    used: dict[str, None] = field(default_factory=dict)  # the names the events use, in order
    base: int = 1  # the number the file's subjectN subjects start from (subject_base)
    numbered: dict[int, str] = field(default_factory=dict)  # face -> the subjectN the events use for it, as written

    @classmethod
    def start(cls, taken: Iterable[int], known: Mapping[int, str] | None = None,
              order: Sequence[str] = (), base: int = 1) -> SubjectFaces:
        faces = cls(set(taken), base=base)
        for face, name in sorted((known or {}).items()):
            key = _subject_key(str(name))
            if key and key not in faces.names and isinstance(face, int) and face >= 0:
                faces.names[key], faces.shown[key] = face, str(name).strip()
                faces.known.add(key)
                faces.taken.add(face)
        for name in order:
            if _numbered(name, base) is None and _subject_key(name):
                faces._assign(name)
        return faces

    def _assign(self, subject: str) -> str:
        key = _subject_key(subject)
        if key not in self.names:
            free = 0
            while free in self.taken:
                free += 1
            self.names[key], self.shown[key] = free, subject.strip() or "(none)"
            self.taken.add(free)
        return key

    def face(self, subject: str) -> int:
        k = _numbered(subject, self.base)
        if k is not None:
            if _SUBJECT_NUMBERED.fullmatch(subject.strip()):  # BORIS's name for it: said, and written back
                self.numbered.setdefault(k, subject.strip())
            return k
        key = self._assign(subject)
        self.used[key] = None
        return self.names[key]

    def note(self, where: str) -> str | None:
        """One line naming the face each subject the events use went to, and which of them earlier imports gave."""
        said = [k for k in self.used if k or self.names[k]]
        if not said and not self.numbered:
            return None
        kept = [quote(self.shown[k]) for k in said if k in self.known]
        return (f"{where}: " + ", ".join(
                    [f"subject {quote(n)} read as face {f}" for f, n in sorted(self.numbered.items())]
                    + [f"subject {quote(self.shown[k])} read as face {self.names[k]}" for k in said])
                + (f" ({name_list(kept, 6)} as earlier imports into this video named them; a new name takes the "
                   "next free face)" if kept else ""))

    def face_names(self) -> dict[int, str]:
        """{face: name as written} of the named subjects, known, in the file's order or used, and of the ``subjectN``
        subjects used where no name has their face (for the video's next import, and an export to write back)."""
        out: dict[int, str] = {}
        for k, f in self.names.items():
            if k:
                out.setdefault(f, self.shown[k])
        for f, n in self.numbered.items():
            out.setdefault(f, n)
        return out


def is_subject_name(subject: str) -> bool:
    """Whether a BORIS subject is a name of its own: not ``face 3`` / ``3`` (that face) nor "No focal subject"."""
    return _numbered(subject) is None and _subject_key(subject) != ""


def _subject_key(subject: str) -> str:
    s = subject.strip()
    return "" if s.lower() in _NO_SUBJECT else name_key(s, True)  # a Mac's NFD 'Zoë' is the NFC one


def _comment(v: Any) -> str:
    """A comment cell as written: its spaces are the coder's (cell_text would strip them)."""
    return v if isinstance(v, str) else cell_text(v)


class BorisEntry(NamedTuple):
    """One entry of a BORIS observation's event list: a state's start or stop, or a point event. ``kind``:
    ``state`` / ``point``, from the ethogram (a project) or the START/STOP/POINT column (a tabular export);
    ``frame``: the frame BORIS noted for it (its ``Image index``, see :func:`read_boris_rows`), None when none;
    ``line``: where a tabular export writes it (``line 20``, ``row 20`` of a sheet), "" for a project's;
    ``written``: its time as that file writes it (the offset and the player's earlier files in it), where that is
    not ``time``."""

    time: float
    subject: str
    code: str
    modifier: str
    comment: str
    kind: str
    frame: int | None = None
    line: str = ""
    written: float | None = None


def _lines(e: BorisEntry, stop: BorisEntry | None = None) -> str:
    """The line(s) of an entry's (a START's and its STOP's) row(s) in its file, "" where it has none."""
    if stop is not None and e.line and stop.line:
        return f"START {e.line}, STOP {stop.line}"
    return e.line


def _at(e: BorisEntry, stop: BorisEntry | None = None) -> str:
    """An entry's time as its user finds it in its file, and the line(s) of its (START's and STOP's) row(s)."""
    t = f"{e.time if e.written is None else e.written:.3f} s"
    return f"{t} ({_lines(e, stop)})" if e.line else t


def _event_place(file: str, observation: str, code: str, subject: str, time: float | None, lines: str) -> str:
    """How notes and skips name an event of a BORIS table, tabular or aggregated, as its user finds it in the file:
    ``t.tsv: observation 'obs 1', 's' of 'subject1' at 3.300 s (START line 20, STOP line 21)``; the time as written,
    ``lines`` the file lines (a workbook's sheet rows) of its row(s); what the file does not give is left out. A row
    number counted from the top was one short of an editor's line after a quoted comment of several lines."""
    where = f"{file}: observation {quote(observation)}, " if observation else f"{file}: "
    where += f"{quote(code)} of {quote(subject or 'no focal subject')}" + ("" if time is None else f" at {time:.3f} s")
    return f"{where} ({lines})" if lines else where


def _is_apex(code: str) -> bool:
    c = code.strip().lower()
    return c == "apex" or c.startswith("apex (")  # ours is "apex (merstudio)" when an emotion is named apex


# an apex's comment as merstudio writes it: the behaviour and, in brackets, its state's modifiers
_APEX_NAMES = re.compile(r"(.+) \(([^()]*)\)")


def apex_comment(behaviour: str, modifiers: str) -> str:
    """The comment of an apex point merstudio writes: its state's behaviour and modifiers (``happiness (AU6,AU12)``;
    ``happiness ()``: none, not a comment naming the behaviour alone, which any state of it matches), which
    :func:`_place_apexes` reads back to pair the apex with that state."""
    return f"{behaviour} ({modifiers})"


def _modifier_key(modifiers: str) -> str:
    """Modifiers as one comparable text, however a BORIS file lists them (``AU6,AU12``, ``AU6|AU12``)."""
    return ",".join(sorted(m.strip() for m in re.split(r"[,|]", modifiers or "") if m.strip()))


def _place_apexes(states: list[list[Any]], apexes: Sequence[BorisEntry], where: str, notes: list[str]) -> None:
    """Each apex (in time order) becomes the apex of the state of its subject that holds it and has none yet: the
    earliest-started one whose behaviour its comment names, else the earliest-started one (equal starts: the one
    paired first). The states of each subject, and of each subject and behaviour, are walked in that order once:
    as apex times only grow, a state that stopped before one apex or took one fits no later apex and is passed
    for good, so the first left that has started is the one (n log n in all, for the sort; scanning every state
    for each apex took 36 s for a 20,000-event project)."""
    walks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(states):
        if s[3] == "STATE":
            walks[(s[0],)].append(i)
            walks[(s[0], s[1])].append(i)
            walks[(s[0], s[1], _modifier_key(s[2]))].append(i)
    for order in walks.values():
        order.sort(key=lambda i: (states[i][4], i))
    passed = dict.fromkeys(walks, 0)

    def first(key: tuple[str, ...], t: float) -> list[Any] | None:
        order = walks.get(key)
        if order is None:
            return None
        k = passed[key]
        while k < len(order) and (states[order[k]][5] < t or states[order[k]][6] is not None):
            k += 1
        passed[key] = k
        return states[order[k]] if k < len(order) and states[order[k]][4] <= t else None

    for a in apexes:
        # merstudio's own export names the state's behaviour and modifiers ("happiness (AU6,AU12)"): within one
        # observation no two states of one subject, behaviour and modifiers overlap, so that is the state itself
        # (two overlapping events of one emotion and other AUs swapped apexes: a120 finding 2)
        named = _APEX_NAMES.fullmatch(a.comment or "")
        keys: list[tuple[str, ...]] = [(a.subject, named[1], _modifier_key(named[2]))] if named else []
        keys += [(a.subject, a.comment), (a.subject,)]
        state = next((st for k in keys if (st := first(k, a.time)) is not None), None)
        if state is None:
            notes.append(f"{where}: an apex at {_at(a)} of {quote(a.subject or 'no focal subject')} outside "
                         "its events (or a second one) left out")
            continue
        state[6], state[11] = a.time, a.frame


def pair_boris_events(entries: Sequence[BorisEntry], where: str, skipped: list[Skip],
                      notes: list[str], indices: bool = False, end: float | None = None,
                      places: tuple[str, str] | None = None) -> list[list[Any]]:
    """Aggregated rows (Subject, Behavior, Modifiers, Behavior type, Start (s), Stop (s), Apex (s), Comment start,
    Comment stop, and with ``indices`` Image index start, stop and apex) from BORIS event entries: a state's entries
    paired as BORIS pairs them (alternately, per subject, code and modifier, in time order); an ``apex`` point event
    inside a state of its subject is that state's apex (the one whose behaviour its comment names first); other
    point events are one-frame events. A state never stopped is skipped, named; with ``end`` (a tabular export's
    media length: BORIS leaves out an entry past the length it reads, a STOP at the media's last instant among
    them, see :func:`_cut_at_end`) one started before it is closed there, said in ``notes``. With ``places`` (a
    tabular export's file name and observation) each row ends with the text naming it where its file does
    (:func:`_event_place`): its observation, behaviour, subject, time as written and its START's and STOP's lines."""
    states: list[list[Any]] = []
    apexes: list[BorisEntry] = []
    open_: dict[tuple[str, str, str], BorisEntry] = {}
    for e in sorted(entries, key=lambda e: e.time):  # stable: BORIS's own order at equal times
        if e.kind != "state":
            if _is_apex(e.code):
                apexes.append(e)
            else:
                states.append([e.subject, e.code, e.modifier, "POINT", e.time, e.time, None, e.comment, "",
                               e.frame, e.frame, None, e, None])
            continue
        key = (e.subject, e.code, e.modifier)
        start = open_.pop(key, None)
        if start is None:
            open_[key] = e
        else:
            states.append([e.subject, e.code, e.modifier, "STATE", start.time, e.time, None, start.comment,
                           e.comment, start.frame, e.frame, None, start, e])
    for e in sorted(open_.values(), key=lambda e: e.time):
        if end is not None and e.time < end:  # the coder's event, not lost for the STOP BORIS's export left out
            states.append([e.subject, e.code, e.modifier, "STATE", e.time, end, None, e.comment, "", e.frame, None,
                           None, e, None])
            notes.append(f"{where}: {quote(e.code)} of {quote(e.subject or 'no focal subject')} starts at "
                         f"{_at(e)} and has no STOP in the table: closed at the media's end ({end:.3f} s; "
                         "BORIS's tabular export leaves out a STOP at the media's last instant)")
            continue
        skipped.append(Skip(where, f"{quote(e.code)} of {quote(e.subject or 'no focal subject')} starts at "
                                   f"{_at(e)} and is never stopped"))
    _place_apexes(states, apexes, where, notes)
    return [[subj, code, mod.replace(",", "|"), btype, t0, t1, "" if apex is None else apex, c0, c1,
             *(["" if i is None else i for i in (i0, i1, ia)] if indices else []),
             *([_event_place(*places, code, subj, first.time if first.written is None else first.written,
                             _lines(first, last))] if places else [])]
            for subj, code, mod, btype, t0, t1, apex, c0, c1, i0, i1, ia, first, last in states]


def _cell(row: Sequence[Any], col: Mapping[str, int], key: str) -> str:
    j = col.get(key)
    return cell_text(row[j]) if j is not None and j < len(row) else ""


NOT_FOUND = "Not found"  # BORIS's media file name for an entry it places in none of the player's files


def _player_files(row: Sequence[Any], col: Mapping[str, int]) -> list[str]:
    """Player 1's media files of a BORIS export's row in playing order (``Source`` "player #1:a.mp4;b.mp4")."""
    source = _cell(row, col, "source")
    return source.split("|")[0].split(":", 1)[-1].split(";") if source.lower().startswith("player #1:") else []


def _row_media(row: Sequence[Any], col: Mapping[str, int]) -> str:
    """A tabular export's row's media file: its ``Media file name``, but for BORIS's "Not found" the player's file
    where it plays one. BORIS names an entry's file from the length cut to the ms: a STOP at the end of 61 frames
    at 30 fps (2.034 s) is past 2.033 ("Not found"), and paired apart from its START it lost the event."""
    media = _cell(row, col, "mediafilename")
    files = _player_files(row, col)
    return files[0] if media == NOT_FOUND and len(files) == 1 else media


def _file_end(row: Sequence[Any], col: Mapping[str, int], media: str) -> float | None:
    """Seconds of the row's media file as its ``Media duration (s)`` gives them ("10.0;20.0": a player's files in
    turn, as ``Source`` lists them); None where it does not say."""
    lengths = _cell(row, col, "mediadurations").split("|")[0].split(";")
    names = [file_name(f) for f in _player_files(row, col)]
    x = _number(lengths[0]) if len(lengths) == 1 and len(names) <= 1 else \
        _number(lengths[names.index(file_name(media))]) if len(lengths) == len(names) and \
        file_name(media) in names else None
    return x if x is not None and x > 0 else None


def _cut_at_end(length: float | None) -> float | None:
    """``length`` where BORIS's tabular export of the full observation leaves out an entry at the media's end, else
    None: it keeps entries up to Decimal(length), the float as read (2.4 is 2.3999...), and an entry's time is to
    the ms (2.400). merstudio's .boris wrote such lengths until 2026-12-06 (the last frame's end), and a STOP there
    went missing."""
    return length if length is not None and Decimal(length) < Decimal(f"{length:.3f}") else None


def _time_shift(row: Sequence[Any], col: Mapping[str, int], media: str | None = None) -> float:
    """Seconds to take from a BORIS export's times to get the media file's own: the observation's time offset
    (BORIS adds it to every time it stores) and, when player 1 plays several files one after another, the lengths
    of those before the row's file (``media``, default its Media file name; ``Source`` "player #1:a.mp4;b.mp4",
    ``Media duration (s)`` "10.0;20.0")."""
    shift = _number(_cell(row, col, "timeoffsets")) or 0.0
    lengths = _cell(row, col, "mediadurations")
    mine = file_name(_cell(row, col, "mediafilename") if media is None else media)
    names = [file_name(f) for f in _player_files(row, col)]
    if len(names) > 1 and mine in names[1:]:
        before = [_number(x) for x in lengths.split("|")[0].split(";")][: names.index(mine)]
        if len(before) == names.index(mine) and all(x is not None for x in before):
            shift += sum(x for x in before if x is not None)
    return shift


def _media_length(path: Path) -> float | None:
    """Seconds of a video that is here (frames / rate), None when it is not or cannot be read."""
    if not path.is_file():
        return None
    from merstudio.io.frames import open_source

    try:
        with open_source(path) as src:
            return src.frame_count / src.fps if src.fps > 0 else None
    except (InputError, OSError, ValueError):
        return None


def _played_in_turn(p: Path, body: Iterable[Sequence[Any]], col: Mapping[str, int], observation: str,
                    lengths: Mapping[str, float] | None, notes: list[str],
                    played: Sequence[str] = ()) -> dict[tuple[str, str], float | str]:
    """BORIS 7's layout (a ``Media file`` per row and the observation's ``Total length``, no ``Source``): a player
    playing several files one after another times all of them from the start of the first. {(observation, file
    name): seconds to take from its rows' times}, for the files after an observation's first, from the lengths of
    those before it: ``lengths`` (by file name: a project's videos), else the videos beside the table; one unknown
    length is the Total length less the others' (said in ``notes``). The playing order is ``played`` (the paths
    of the tabular export's "Player #1" block, every file of ``observation`` with events or not) where given, else
    the order of the files' first rows, which cannot show a file without events. Where a shift cannot be told, the
    value is why (a line naming what is needed). An observation whose rows name one file shorter than its Total
    length plays others too: a note in ``notes`` (whether they play before it the table cannot say)."""
    if "source" in col or "totallength" not in col:
        return {}
    order: dict[str, list[str]] = {}
    total: dict[str, float | None] = {}
    full: dict[str, str] = {}
    for path in played:
        name = file_name(path)
        if name and name not in order.setdefault(observation, []):
            order[observation].append(name)
            full.setdefault(name, path)
    for r in body:
        obs = _cell(r, col, "observationid") or observation
        path = _cell(r, col, "mediafilename")
        name = file_name(path)
        if name and name not in order.setdefault(obs, []):
            order[obs].append(name)
            full.setdefault(name, path)
        if total.get(obs) is None:
            total[obs] = _number(_cell(r, col, "totallength"))
    out: dict[tuple[str, str], float | str] = {}
    for obs, names in order.items():
        tot = total.get(obs)
        if len(names) == 1:  # the only file the rows name, shorter than the observation: others play too
            x = (lengths or {}).get(names[0])
            if x is not None and tot is not None and tot - x > 0.2:
                notes.append(f"observation {quote(obs)}: its Total length {tot:.3f} s is longer than "
                             f"{quote(names[0])} ({x:.3f} s): it plays media the table does not name, and if they "
                             f"play before {quote(names[0])} its times here are late by their length (import the "
                             "BORIS project (.boris) itself)")
            continue
        known: dict[str, float] = {}
        for n in names[:-1]:  # the last file's length moves no other's times, but checks the Total length
            x = (lengths or {}).get(n)
            if x is None:
                x = next((y for c in (p.parent / n, p.parent / full[n]) if (y := _media_length(c)) is not None), None)
            if x is not None:
                known[n] = x
        x = (lengths or {}).get(names[-1])
        if x is not None:
            known[names[-1]] = x
        unknown = [n for n in names if n not in known]
        if len(unknown) == 1 and tot is not None and tot - sum(known.values()) > 0:
            known[unknown[0]] = tot - sum(known.values())
            # nothing checks it then; from the rows alone, a file without events would be in it, unseen
            notes.append(f"observation {quote(obs)}: the length of {quote(unknown[0])} taken as its Total length "
                         f"less the other files' ({known[unknown[0]]:.3f} s)" + (
                             "" if played and obs == observation else
                             "; if the observation also plays a file without events here, its files' times are "
                             "off by that file's length (import the BORIS project (.boris) itself)"))
        elif not unknown and tot is not None and abs(tot - sum(known.values())) > 0.1 * len(names):
            why = (f"observation {quote(obs)}: Total length {tot:.3f} s is not the sum of its files' lengths "
                   f"({', '.join(f'{known[n]:.3f}' for n in names)} s): its later files' times cannot be placed "
                   "(import the .boris project)")
            out.update({(obs, n): why for n in names[1:]})
            continue
        for i, n in enumerate(names[1:], 1):
            missing = [m for m in names[:i] if m not in known]
            out[(obs, n)] = sum(known[m] for m in names[:i]) if not missing else (
                f"observation {quote(obs)} plays {len(names)} files in turn, timed from the start of the first: "
                f"{quote(n)} needs the length of {name_list(missing, 3)} (import into a project that holds it, put "
                "it beside the table, or import the .boris project)")
    return out


def _pair_tabular(p: Path, rows: Sequence[Sequence[Any]], header_at: int, col: dict[str, int], skipped: list[Skip],
                  notes: list[str], video_name: str | None = None, lengths: Mapping[str, float] | None = None,
                  places: Sequence[str] | None = None) -> list[list[Any]]:
    """A BORIS tabular events export (one START, STOP or POINT row each, in ``Behavior type`` since BORIS 8 or
    ``Status`` before) as aggregated rows, paired per observation and media file as BORIS pairs them. Each ends
    with a ``Where`` naming its event as the user finds it in the file (observation, behaviour, subject, the time
    as written, and its START's and STOP's lines: ``places``, else "row k"), not the row of the paired table."""
    flag_col = "status" if "status" in col else "behaviortype"
    if flag_col not in col:
        raise InputError(f"{p}: a Time column but no Start (s) / Stop (s) and no START/STOP column: neither "
                         "BORIS's aggregated nor its tabular events export")
    observation = _block_value(rows, header_at, "observationid")  # BORIS 7 writes it in a block above the header
    # and the time offset there too, not in a column; its rows' times are as BORIS stores them, offset included
    block_shift = 0.0 if "timeoffsets" in col else _block_offset(rows, header_at)
    # and the observation's independent variables ("variable" / "value" rows): a "coder" (in any case) is its coder
    block_coder = _block_value(rows, header_at, "coder")
    with_coder = "coder" in col or bool(block_coder)
    modifier_cols = [k for k in sorted(col, key=lambda k: col[k]) if re.fullmatch(r"modifiers|modifier\d+", k)]
    groups: dict[tuple[str, str, str, str, str], list[BorisEntry]] = {}
    ends: dict[tuple[str, str, str, str, str], float | None] = {}  # the media file's length each group's rows give
    not_media = 0
    # BORIS 7 lists every file the player plays in turn above the header ("Player #1" / path), with events or not
    played = [cell_text(r[1]) for r in rows[:header_at] if len(r) > 1 and norm_col(r[0]) == "player1"]
    in_turn = _played_in_turn(p, rows[header_at + 1:], col, observation, lengths, notes, played)
    for k, r in enumerate(rows[header_at + 1:], header_at + 1):
        if not any(cell_text(c) for c in r):
            continue
        line = places[k] if places is not None and k < len(places) else f"row {k + 1}"
        kind = _cell(r, col, "observationtype").lower()
        if kind and "media" not in kind:  # a live observation or one of images: no video to place it on
            not_media += 1
            continue
        flag = _cell(r, col, flag_col).upper()
        t = _number(_cell(r, col, "time"))
        if flag not in ("START", "STOP", "POINT") or t is None:
            skipped.append(Skip(f"{p.name}: {line}", f"no START/STOP/POINT and time "
                                f"({quote(flag or 'empty')}, {quote(_cell(r, col, 'time') or 'empty')})"))
            continue
        mod = "|".join(m for m in (_cell(r, col, c) for c in modifier_cols))
        index = frame_index(_cell(r, col, "imageindex"))  # BORIS 8.11+: the frame the player showed; NA before
        # independent variables "coder" and "review status" (our .boris projects set them)
        media = _row_media(r, col)
        key = (_cell(r, col, "observationid") or observation, media, _cell(r, col, "fps"),
               _cell(r, col, "coder") or block_coder, _cell(r, col, "reviewstatus"))
        later = in_turn.get((key[0], file_name(key[1])), 0.0)
        if isinstance(later, str):
            if video_name and same_name(video_name, file_name(key[1])):  # the chosen file's rows: refused
                raise InputError(f"{p}: {later}")
            later = 0.0  # another file's rows, left out below
        ends.setdefault(key, _cut_at_end(_file_end(r, col, media)))
        groups.setdefault(key, []).append(BorisEntry(t - block_shift - _time_shift(r, col, media) - later,
                                                     _cell(r, col, "subject"),
                                                     _cell(r, col, "behavior"), mod, _cell(r, col, "comment"),
                                                     "point" if flag == "POINT" else "state",
                                                     index, line, t))
    out: list[list[Any]] = [["Observation id", "Media file name", "FPS", "Subject", "Behavior", "Modifiers",
                             "Behavior type", "Start (s)", "Stop (s)", "Apex (s)", "Comment start", "Comment stop",
                             "Image index start", "Image index stop", "Image index apex", "Where"]
                            + (["Coder"] if with_coder else [])
                            + (["Review status"] if "reviewstatus" in col else [])]
    for (obs, media, fps, coder, review), entries in groups.items():
        where = f"{p.name}: observation {quote(obs)}" if obs else p.name
        # the "coder" variable as set: empty is no coder (the observation id is none), as an aggregated export reads
        out += [[obs, media, fps, *row, *([coder] if with_coder else []),
                 *([review] if "reviewstatus" in col else [])]
                for row in pair_boris_events(entries, where, skipped, notes, indices=True,
                                             end=ends[(obs, media, fps, coder, review)], places=(p.name, obs))]
    if not_media:
        notes.append(f"{not_media} row(s) of live or image observations left out (no video to place them on)")
    return out


def _block_value(rows: Sequence[Sequence[Any]], header_at: int, key: str) -> str:
    """The value BORIS 7's tabular export writes beside ``key`` (a normalised name) in its block above the header
    ("Observation id", "Time offset (s)", an independent variable), "" where it writes none."""
    return next((cell_text(r[1]) for r in rows[:header_at] if len(r) > 1 and norm_col(r[0]) == key), "")


def _block_offset(rows: Sequence[Sequence[Any]], header_at: int) -> float:
    """The observation's time offset (s) in BORIS 7's tabular export (and 8's until 8.6.8's one-table layout):
    ``Time offset (s)`` in the block above the header, as the project stores it; 0 where it writes none. BORIS adds
    the offset to every time it stores, and that export writes those times: a row's time is its media time plus
    it (export_events takes it off only to tell which file plays at that time)."""
    return _number(_block_value(rows, header_at, "timeoffsets")) or 0.0


def _status(*cells: Any) -> str:
    """An event's review status: our tables' Status column, or the "review status" variable of our .boris projects
    as BORIS's exports write it (a column of its own); accepted when neither holds one (BORIS's own Status column
    of START / STOP is no review status)."""
    values = [cell_text(c).lower() for c in cells]
    for v in values:
        if v in STATUSES:
            return v
    # anything else in a Status column is said to be bad where the event is made (a row of its own, skipped)
    return next((v for v in values if v and v.upper() not in ("START", "STOP", "POINT")), "accepted")


def read_boris(path: str | os.PathLike[str], fps: float | None = None, video_id: int = 0,
               video_name: str | None = None, fps_override: bool = False,
               emotions: Mapping[str, str] | None = None, default_coder: str = "boris",
               source: str | None = None, times: np.ndarray | None = None,
               media_lengths: Mapping[str, float] | None = None, coder: str | None = None,
               face_names: Mapping[int, str] | None = None) -> ImportPreview:
    """Read a BORIS-style events table (.tsv/.csv/.xlsx) into an :class:`ImportPreview`.

    fps: the video's frame rate (default: the file's FPS column). A different FPS in the file raises InputError
    unless ``fps_override``, which converts the file's times at ``fps`` and ignores its frame columns.
    video_name: the video's file name; rows of other media files (when the table names several) are skipped.
    emotions: behaviour -> emotion map (case-insensitive); default: the behaviour as written.
    times: a variable-rate video's frame times (seconds): times in the file are placed on them (FrameClock).
    BORIS's ``Image index`` columns (8.11 and later) place an entry where they lie within a frame of its time.
    media_lengths: {file name: seconds} of media files (a project's videos) for a BORIS 7 table whose observation
    plays several files one after another (see :func:`_played_in_turn`; files beside the table are measured).
    coder: the user's coder (``--coder``) for rows whose table names none: BORIS's own tables have only the
    observation id, the coder then only where no coder is given.
    face_names: {face: name} that earlier imports into the video gave (:class:`SubjectFaces`); the preview's
    ``face_names`` is the same with the subjects this file names.
    """
    p = Path(path)
    rows, places = _table(p)
    return read_boris_rows(p, rows, f"BORIS {boris_format(p)}", fps=fps, video_id=video_id,
                           video_name=video_name, fps_override=fps_override, emotions=emotions,
                           default_coder=default_coder, source=source, times=times, media_lengths=media_lengths,
                           coder=coder, face_names=face_names, places=places)


def read_boris_rows(p: Path, rows: Sequence[Sequence[Any]], fmt: str, fps: float | None = None, video_id: int = 0,
                    video_name: str | None = None, fps_override: bool = False,
                    emotions: Mapping[str, str] | None = None, default_coder: str = "boris",
                    source: str | None = None, times: np.ndarray | None = None,
                    ours: bool | None = None, skipped: list[Skip] | None = None,
                    notes: list[str] | None = None,
                    media_lengths: Mapping[str, float] | None = None, coder: str | None = None,
                    where_column: bool = False, modifier_sets_named: bool = False,
                    face_names: Mapping[int, str] | None = None, subject_order: Sequence[str] = (),
                    places: Sequence[str] | None = None,
                    stated_lengths: Mapping[str, tuple[float, str]] | None = None) -> ImportPreview:
    """:func:`read_boris` on the rows of an aggregated-events table however they were read (a file, or a BORIS
    project's paired events: :mod:`merstudio.interchange.boris_project`), ``fmt`` naming the source in the
    preview. ``ours``: the modifiers are merstudio's AUs (default: the table has our Coder / Event source
    columns); ``skipped`` / ``notes``: what the caller found before the rows (unpaired BORIS states, say);
    ``media_lengths``, ``coder``, ``face_names``: see :func:`read_boris`; ``where_column``: the rows' ``Where``
    column names each in notes and skipped items (a project's observation and time), not its row number;
    ``modifier_sets_named``: the modifiers that are no AUs are marked already (a project's ethogram names each set),
    no note on bare numbers read as AUs; ``subject_order``: a .boris project's subjects, in its order
    (:class:`SubjectFaces`); ``places``: where each of ``rows`` is in its file (:func:`_table`), for the notes
    (:func:`_event_place`); ``stated_lengths``: the media lengths the source states (a tabular export's, read
    before pairing: :func:`_stated_lengths`) in place of the rows'."""
    skipped, notes = list(skipped or []), list(notes or [])
    header_at = _header_row(p, rows)
    col = _columns(rows[header_at])
    if "time" in col and "starts" not in col and "startframe" not in col:
        # BORIS's tabular events export: one row per START, STOP or POINT, paired here into events
        paired = _pair_tabular(p, rows, header_at, col, skipped, notes, video_name, media_lengths, places)
        # BORIS 7 lists the files its players play above the header: several, and the Total length is not one's
        played = sum(1 for r in rows[:header_at] if len(r) > 1 and re.fullmatch(r"player\d+", norm_col(r[0])))
        # its notes name the file's lines (its Where column), not the rows of the table paired here; the lengths
        # its rows state (BORIS 7's Total length too) give the notes on events past the end and a BORIS export's
        prev = read_boris_rows(p, paired, f"{fmt} (tabular events)", fps=fps, video_id=video_id,
                               video_name=video_name, fps_override=fps_override, emotions=emotions,
                               default_coder=default_coder, source=source, times=times, ours=False,
                               skipped=skipped, notes=notes, coder=coder, face_names=face_names, where_column=True,
                               stated_lengths=_stated_lengths(rows[header_at + 1:], col, played))
        # the pairing took them from the times: written back as the rows (BORIS 8's column) or BORIS 7's block say
        shifts: dict[float, list[str]] = {}
        block = _block_offset(rows, header_at) if "timeoffsets" not in col else None
        observation = _block_value(rows, header_at, "observationid")
        for r in rows[header_at + 1:]:
            if any(cell_text(c) for c in r):
                shift = (_number(_cell(r, col, "timeoffsets")) or 0.0) if block is None else block
                ids = shifts.setdefault(shift, [])
                oid = _cell(r, col, "observationid") or observation
                ids += [] if oid in ids else [oid]
        prev.notes += offsets_note(shifts)
        prev.time_offset = next(iter(shifts)) if len(shifts) == 1 else 0.0
        return prev
    missing = [name for name, keys in (("Start (s)", ("starts", "startframe")), ("Stop (s)", ("stops", "stopframe")))
               if not any(k in col for k in keys)]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)} (have: "
                         f"{name_list(t for t in (cell_text(c) for c in rows[header_at]) if t)})")
    body = [(header_at + 2 + k, r) for k, r in enumerate(rows[header_at + 1:])
            if any(cell_text(c) for c in r)]

    def line(rowno: int) -> str:
        """Where row ``rowno`` (from 1) is in its file as an editor counts (a quoted comment of several lines too)."""
        return places[rowno - 1] if places is not None and rowno <= len(places) else f"row {rowno}"

    body, col = _apex_rows(p, body, col, notes, line)
    use_fps, use_frames = _table_rate(p, body, col, fps, fps_override, notes)
    clock = FrameClock(use_fps, variable_times(times, use_fps))
    notes += vfr_note(clock)
    frames = _RowFrames(col, clock, use_frames, notes)
    media_names, in_turn = _rows_media(p, body, col, video_name, media_lengths, notes)
    # Our own tables' modifiers are AUs (anything else there is damage: the row is skipped); a study's BORIS
    # ethogram may define other modifiers, which are kept in the event's note instead of losing the event.
    if ours is None:
        ours = _our_table(col)
    subjects = [cell_text(_value(r, col, "subject")) for _, r in body]
    base = subject_base([*subject_order, *subjects])
    taken = {k for s in subjects if (k := _numbered(s, base)) is not None}
    # our tables' Face column pins each named subject to its face, as a .boris's subject descriptions do
    pinned = _pinned_faces(body, col) if ours else {}
    faces = SubjectFaces.start(taken, {**pinned, **(face_names or {})}, subject_order, base)
    rows_read = _BorisRows(col, _modifier_cols(col), ours, {k.strip().lower(): v for k, v in (emotions or {}).items()},
                           default_coder, faces, (coder or "").strip(), sets_named=modifier_sets_named)
    au_reader = AUReader()
    events: list[Event] = []
    other_media = 0
    durations = dict(stated_lengths) if stated_lengths is not None else _stated_lengths((r for _, r in body), col)
    late: dict[str, list[str]] = {}
    offsets: dict[float, list[str]] = {}  # the observations' time offsets (our tables': the video's), by observation
    for rowno, r in body:
        # a .boris project's rows are no rows its user can find: its own names the observation and the time
        where = (cell_text(_value(r, col, "where")) if where_column else "") or _event_place(
            p.name, cell_text(_value(r, col, "observationid")), cell_text(_value(r, col, "behavior")),
            cell_text(_value(r, col, "subject")), _number(_value(r, col, "starts")), line(rowno))
        mname = file_name(cell_text(_value(r, col, "mediafilename")))
        if video_name and len(media_names) > 1 and not same_name(mname, video_name):
            other_media += 1  # the user chose the video: the other files' rows are not errors
            continue
        later = in_turn.get((cell_text(_value(r, col, "observationid")), mname), 0.0)
        if isinstance(later, str):  # the rows of a file timed from an earlier one's start, whose length is unknown
            raise InputError(f"{p}: {later}")
        if "timeoffsets" in col:
            obs = offsets.setdefault(_number(_value(r, col, "timeoffsets")) or 0.0, [])
            if (oid := cell_text(_value(r, col, "observationid"))) not in obs:
                obs.append(oid)
        ev = rows_read.event(r, where, frames, later, au_reader, video_id, source, notes, skipped)
        if ev is not None:
            events.append(ev)
            if mname in durations and ev.onset >= clock.seconds_frame(durations[mname][0], "end"):
                late.setdefault(mname, []).append(where.split(": ", 1)[-1])
    for name, wheres in late.items():  # an import into the video skips them; a conversion says so too
        length, said = durations[name]
        notes.append(f"{len(wheres)} event(s) start past the end of {quote(name)} (its {said} {length:.3f} s): "
                     f"{name_list(wheres, 6, 120)}")
    notes += [n for n in (faces.note(p.name),) if n] + au_reader.notes() + frames.index_unused
    if rows_read.not_aus:
        notes.append(f"modifiers that are not AUs kept in the events' notes: {name_list(rows_read.not_aus, 6)}")
    if rows_read.bare:  # a table does not name the set: "intensity" 2 and AU2 look the same there
        notes.append(f"modifier value(s) {name_list([quote(t) for t in rows_read.bare], 6)} read as AU codes: a BORIS "
                     "table does not name its modifier sets; if one holds no AUs (an intensity, say), import the "
                     ".boris project, whose ethogram names them")
    if other_media:
        notes.append(f"{other_media} row(s) of other media files than {quote(video_name or '')} left out")
    if rows_read.from_observation:  # two coders' exports of one session would read as one coder (a120 finding 7)
        notes.append(f"coder taken from the observation id ({name_list([quote(c) for c in rows_read.from_observation], 4)}"
                     "): BORIS's table names no coder; give --coder NAME (the import dialog's coder) if it is "
                     "someone's coding of a session another coder coded too")
    notes += offsets_note(offsets)
    media, media_path = _table_media(body, col, media_names)
    return ImportPreview(path=p, format=fmt, events=events, skipped=skipped, notes=notes,
                         fps=use_fps, media=media, media_path=media_path, face_names=faces.face_names(),
                         media_length=durations[media][0] if media in durations else None,  # for a BORIS export
                         time_offset=next(iter(offsets)) if len(offsets) == 1 else 0.0)  # written back so


def offsets_note(offsets: Mapping[float, Sequence[str]]) -> list[str]:
    """The note where the observations read have different time offsets ({offset: observation ids}): a BORIS file
    written from the events then has one, 0."""
    if len(offsets) < 2:
        return []
    said = name_list(f"{quote(ids[0]) if ids and ids[0] else 'a row'} {x:g} s" for x, ids in sorted(offsets.items()))
    return [f"the observations' time offsets differ ({said}): a BORIS project written from these events has media "
            "times (offset 0)"]


def _pinned_faces(body: Sequence[tuple[int, Sequence[Any]]], col: Mapping[str, int]) -> dict[int, str]:
    """{face: subject} of our tables' named subjects, by their ``Face`` column: a name on one face, the only one
    there (as our writers write them)."""
    if "face" not in col:
        return {}
    faces: dict[str, set[int]] = defaultdict(set)
    shown: dict[str, str] = {}
    for _, r in body:
        subject, face = cell_text(_value(r, col, "subject")), frame_index(_value(r, col, "face"))
        if face is not None and is_subject_name(subject):
            faces[name_key(subject, True)].add(face)
            shown.setdefault(name_key(subject, True), subject)
    one = {k: next(iter(fs)) for k, fs in faces.items() if len(fs) == 1}
    names_of = defaultdict(list)
    for k, f in one.items():
        names_of[f].append(k)
    return {f: shown[ks[0]] for f, ks in names_of.items() if len(ks) == 1}


def _apex_rows(p: Path, body: Sequence[tuple[int, Sequence[Any]]], col: dict[str, int], notes: list[str],
               line: Callable[[int], str] = lambda rowno: f"row {rowno}",
               ) -> tuple[list[tuple[int, Sequence[Any]]], dict[str, int]]:
    """BORIS's aggregated export writes each ``apex`` point event as a row of its own (POINT, start = stop, the
    emotion in Comment start: its load_aggregated_events_in_db): each is the apex of the state row of its
    observation and subject that holds it, by the rule of BORIS's entries (:func:`_place_apexes`), in columns
    ``Apex (s)`` / ``Image index apex`` added to the rows (an apex a row has already is kept); the apex rows
    themselves are no events. Read as events of their own, each became a one-frame event "apex" and its event
    lost its apex. (rows, columns) as given where no row is an apex point; ``line(row number)`` names an apex's row
    in a note on it."""
    def is_apex(r: Sequence[Any]) -> bool:
        return cell_text(_value(r, col, "behaviortype")).upper() == "POINT" and \
            _is_apex(cell_text(_value(r, col, "behavior"))) and _number(_value(r, col, "starts")) is not None

    if not any(is_apex(r) for _, r in body):
        return list(body), col
    width = max([len(r) for _, r in body] + [j + 1 for j in col.values()])
    out_col = {**col, "apexs": width, "imageindexapex": width + 1}
    mod_cols = _modifier_cols(col)  # an apex naming its state's modifiers goes to that state (_place_apexes)
    groups: dict[tuple[str, ...], tuple[list[list[Any]], list[BorisEntry]]] = {}
    out: list[tuple[int, Sequence[Any]]] = []
    for rowno, r in body:
        key = tuple(_cell(r, col, k) for k in ("observationid", "mediafilename", "coder", "reviewstatus"))
        states, apexes = groups.setdefault(key, ([], []))
        subject, behavior = _cell(r, col, "subject"), _cell(r, col, "behavior")
        start = _number(_value(r, col, "starts"))
        if is_apex(r):
            assert start is not None
            apexes.append(BorisEntry(start, subject, behavior, "", _comment(_value(r, col, "commentstart")),
                                     "point", frame_index(_value(r, col, "imageindexstart")), line(rowno)))
            continue
        row = [*r, *[""] * (width - len(r)), _value(r, col, "apexs") or "", _value(r, col, "imageindexapex") or ""]
        stop = _number(_value(r, col, "stops"))
        kind = cell_text(_value(r, col, "behaviortype")).upper()
        # as pair_boris_events's rows: [subject, code, modifier, type, start, stop, apex, .., apex frame]; a row
        # without times holds no apex (it is skipped, said, where it is read)
        mods = ",".join(m for j in mod_cols if j < len(r) and (m := cell_text(r[j]).strip()))  # as the .boris's
        states.append([subject, behavior, mods, "STATE" if kind.startswith("STATE") else kind,
                       math.inf if start is None else start, -math.inf if stop is None else stop,
                       _number(_value(r, col, "apexs")), "", "", None, None, None, row])
        out.append((rowno, row))
    for (obs, *_), (states, apexes) in groups.items():
        _place_apexes(states, apexes, f"{p.name}: observation {quote(obs)}" if obs else p.name, notes)
        for s in states:
            row = s[12]
            if s[6] is not None and row[width] in ("", None):
                row[width], row[width + 1] = f"{s[6]:.3f}", "" if s[11] is None else s[11]
    return out, out_col


def _our_table(col: Mapping[str, int]) -> bool:
    """Whether an aggregated table (its :func:`_columns`) is one merstudio wrote: our Coder or Event source
    column, which BORIS's own tables lack."""
    return "coder" in col or "eventsource" in col


def _find_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """The index of an aggregated table's header row: the first of the first 30 with a Behavior column (BORIS 7
    writes a block about the observation above it); None for a table without one."""
    return next((i for i, row in enumerate(rows[:30]) if {"behavior", "behaviour"} & {norm_col(c) for c in row}),
                None)


def _header_row(p: Path, rows: Sequence[Sequence[Any]]) -> int:
    """:func:`_find_header`; InputError for a table without one."""
    if (at := _find_header(rows)) is not None:
        return at
    first = name_list(t for t in (cell_text(c) for c in (rows[0] if rows else ())) if t) or "empty"
    # not BORIS's either (an iMotions export, say): what merstudio reads, not one format's missing column
    raise InputError(f"{p}: not a table merstudio reads (first row: {first}): no header row with a Behavior "
                     "column (a BORIS export) or an onset column (merstudio's events CSV), and not an OpenFace "
                     "or py-feat per-frame AU table")


def _columns(header_row: Sequence[Any]) -> dict[str, int]:
    """{normalised column name: index} of a header row (the first of a repeated name), with other BORIS versions'
    spellings under ours: "Behaviour", "Media file", and since BORIS 8 "FPS (frame/s)"."""
    header = [norm_col(c) for c in header_row]
    col = {h: j for j, h in reversed(list(enumerate(header))) if h}
    for alias, key in (("behaviour", "behavior"), ("mediafile", "mediafilename"), ("mediafilepath", "mediafilename"),
                       ("fpsframes", "fps")):
        if alias in col and key not in col:
            col[key] = col[alias]
    return col


def _value(row: Sequence[Any], col: Mapping[str, int], key: str) -> Any:
    """A row's cell in column ``key`` as read (None where the table or the row has no such column)."""
    j = col.get(key)
    return row[j] if j is not None and j < len(row) else None


def _file_fps(p: Path, body: Sequence[tuple[int, Sequence[Any]]], col: Mapping[str, int]) -> float | None:
    """The table's frame rate: its FPS column (BORIS writes one per row; "25.0;30.0" for several players); None
    without one, InputError where rows differ."""
    values = set()
    for _, r in body:
        x = _number(cell_text(_value(r, col, "fps")).split(";")[0])
        if x and x > 0:
            values.add(exact_fps(round(x, 6)))  # 29.97: NTSC's 30000/1001
    if len(values) > 1:
        raise InputError(f"{p}: rows have different frame rates "
                         f"({name_list(f'{v:g}' for v in sorted(values))}); import one media file at a time")
    return min(values) if values else None


def _table_rate(p: Path, body: Sequence[tuple[int, Sequence[Any]]], col: Mapping[str, int], fps: float | None,
                fps_override: bool, notes: list[str]) -> tuple[float, bool]:
    """The frame rate used (the video's ``fps``, else the table's) and whether the table's frame columns count
    frames of it: InputError where the table's rate differs from the video's, unless ``fps_override`` (then frames
    are recomputed from the times, said in ``notes``)."""
    file_fps = _file_fps(p, body, col)
    fps = exact_fps(float(fps)) if fps is not None else None  # read_boris(fps=29.97) too
    use_frames = True
    # the table's last time: a rate off by a hair differs where it moves an event there by half a frame
    span_s = max((t for _, r in body for k in ("starts", "stops") if (t := _number(_value(r, col, k))) is not None),
                 default=0.0)
    if fps is not None and file_fps is not None and fps_differs(file_fps, float(fps), span_s):
        if not fps_override:
            raise fps_mismatch(str(p), file_fps, float(fps), span_s)
        use_frames = False
        notes.append(f"frame rate {file_fps:g} fps in the file overridden by the video's {float(fps):g} fps; "
                     "frames recomputed from the times")
    return check_fps(fps if fps is not None else file_fps, str(p)), use_frames


def _rows_media(p: Path, body: Sequence[tuple[int, Sequence[Any]]], col: Mapping[str, int], video_name: str | None,
                media_lengths: Mapping[str, float] | None,
                notes: list[str]) -> tuple[set[str], dict[tuple[str, str], float | str]]:
    """The media file names the rows give, and the seconds to take from the times of files a BORIS 7 observation
    plays after its first (:func:`_played_in_turn`). InputError where the rows name several files and no
    ``video_name`` chooses one; a note where their only one is not ``video_name``."""
    media_names = {file_name(cell_text(_value(r, col, "mediafilename"))) for _, r in body} - {""}
    in_turn = _played_in_turn(p, (r for _, r in body), col, "", media_lengths, notes)
    if not video_name and len(media_names) > 1:
        raise InputError(f"{p}: the table holds events of {len(media_names)} media files "
                         f"({name_list(sorted(media_names), 4)}); choose one (video_name= / --video)")
    if video_name and len(media_names) == 1 and not same_name(next(iter(media_names)), video_name):
        notes.append(f"the table's media file {quote(next(iter(media_names)))} is not {quote(video_name)}; "
                     "imported anyway")
    return media_names, in_turn


def _stated_lengths(body: Iterable[Sequence[Any]], col: Mapping[str, int],
                    played: int | None = None) -> dict[str, tuple[float, str]]:
    """{media file name: (seconds, what states them)} a BORIS table states: a row's ``Media duration (s)`` for its
    file (BORIS 8's, ours), else a tabular export's ``Total length`` (BORIS 7's and 8's; ``played``: how many files
    the block above its header lists, every player's) where the observation plays that file alone. BORIS writes
    there, in every row, the observation's length: the longest of its players' files together, or its last entry's
    time where that is later (export_events: observation_total_length), -1 where a length is unknown; not one
    file's where the block or the rows name several. An aggregated table's (``played`` None) is not used: its rows
    cannot show a file played without events (BORIS's own test_full_1: 539.92 s, a 180-s and a 360-s file played
    in turn, rows of the 360-s one only)."""
    body = list(body)
    files: dict[str, set[str]] = {}  # observation -> the media files its rows name
    out: dict[str, tuple[float, str]] = {}
    for r in body:
        if any(cell_text(c) for c in r):
            files.setdefault(_cell(r, col, "observationid"), set()).add(file_name(_row_media(r, col)))
    for r in body:
        media = _row_media(r, col)
        alone = played is not None and played <= 1 and len(_player_files(r, col)) <= 1 and \
            len(files.get(_cell(r, col, "observationid"), ())) == 1
        x, said = _file_end(r, col, media), "Media duration"
        if x is None and alone:
            x, said = _number(_cell(r, col, "totallength")), "observation's Total length"
        if x is not None and x > 0 and media:
            out.setdefault(file_name(media), (x, said))
    return out


def _table_media(body: Sequence[tuple[int, Sequence[Any]]], col: Mapping[str, int],
                 media_names: set[str]) -> tuple[str, str]:
    """The media file the table's rows name (its name, and its path where they all give the same absolute one);
    blanks where they name several or none."""
    media = media_name(next(iter(media_names))) if len(media_names) == 1 else ""
    full = {cell_text(_value(r, col, "mediafilename")) for _, r in body} - {""}
    media_path = next(iter(full)) if media and len(full) == 1 and Path(next(iter(full))).is_absolute() else ""
    return media, media_path


def _modifier_cols(col: Mapping[str, int]) -> list[int]:
    """The modifier columns, in table order: BORIS 8+ writes each modifier set in a column of its own ("Modifier
    #1", "Modifier #2", ...), earlier versions and merstudio's earlier exports one "Modifiers" (first)."""
    cols = [j for h, j in sorted(col.items(), key=lambda kv: kv[1]) if re.fullmatch(r"modifier\d+", h)]
    if "modifiers" in col:
        cols.insert(0, col["modifiers"])
    return cols


# BORIS (8.11 and later) writes the frame its player showed at each entry's time, 0-based, as "Image index"
# (tabular export) or "Image index start" / "Image index stop" (aggregated); the player counts it from the
# time at the media's rate, so a STOP's is the first frame after the state, as its time is the state's end
_INDEX_COLS = {"start": "imageindexstart", "stop": "imageindexstop", "apex": "imageindexapex"}
_TIME_COLUMNS = {"starts": "Start (s)", "stops": "Stop (s)", "apexs": "Apex (s)"}  # as the tables name them


@dataclass
class _RowFrames:
    """An aggregated row's frames: from its frame columns (while the table's rate is the video's), else from its
    times on ``clock`` (less the observation's time shift), checked against BORIS's image indices."""

    col: Mapping[str, int]
    clock: FrameClock
    use_frames: bool  # False: the table's frame rate was overridden, its frame columns are not the video's
    notes: list[str]
    index_unused: list[str] = field(default_factory=list)  # why BORIS's frames were not used, said once

    def boundary(self, row: Sequence[Any], side: str, b: int, where: str) -> int:
        """The frame boundary of an entry whose time gives ``b``: BORIS's index where it lies within a frame of
        ``b`` (the frame the player showed, free of the time's rounding to the millisecond); further off it was
        counted at another rate than the file's (or edited), and the time, which BORIS's own analyses use, wins."""
        k = frame_index(_value(row, self.col, _INDEX_COLS[side]))
        if k is None or k == b:
            return b
        if not self.use_frames or self.clock.variable:
            if not self.index_unused:
                self.index_unused.append("BORIS's image indices not used: " + (
                    "counted at the file's frame rate, not the video's" if not self.use_frames else
                    "a variable-frame-rate video's frames are placed by their times"))
            return b
        if abs(k - b) <= 1:
            return k
        self.notes.append(f"{where}: BORIS's image index {k} of the {side} is {abs(k - b)} frames from its time's "
                          f"frame {b} (counted at another frame rate?); the time used")
        return b

    def frame(self, r: Sequence[Any], fcol: str, tcol: str, side: str, where: str, later: float) -> int | None | str:
        """The row's ``side`` (start, stop, apex) frame: the frame column ``fcol``, else the time column ``tcol``
        less the time shift and ``later`` (the files played before the row's); None for no apex, else a reason
        where it has none."""
        col = self.col
        if self.use_frames and fcol in col:
            v = _number(_value(r, col, fcol))
            if v is None and cell_text(_value(r, col, fcol)) not in ("", "NA"):
                return f"bad {fcol.replace('frame', ' frame')} {quote(cell_text(_value(r, col, fcol)))}"
            if v is not None:
                if v != int(v) or v < 0:
                    return f"bad {fcol.replace('frame', ' frame')} {quote(cell_text(_value(r, col, fcol)))}"
                return int(v)
        if tcol in col:
            t = _number(_value(r, col, tcol))
            if t is None:
                raw = cell_text(_value(r, col, tcol))
                return (f"no time in column {_TIME_COLUMNS[tcol]} ({quote(raw) if raw else 'empty'})"
                        if side != "apex" else None)
            t -= _time_shift(r, col) + later
            if t < 0:
                return f"negative media time {t:g} s"
            b = self.boundary(r, side, self.clock.seconds_frame(t, "end" if side == "stop" else "start"), where)
            return b - 1 if side == "stop" else b
        return None if side == "apex" else f"no {side} frame or time"


@dataclass
class _BorisRows:
    """How an aggregated table's rows become events: its columns, whether its modifiers are merstudio's AUs
    (``ours``), the behaviour -> emotion map, and the faces its subjects are read as."""

    col: Mapping[str, int]
    modifier_cols: list[int]
    ours: bool
    emap: dict[str, str]
    default_coder: str
    subjects: SubjectFaces
    coder: str = ""  # the user's coder (--coder, an import's): before the observation id, never a file's coder
    not_aus: list[str] = field(default_factory=list)  # modifiers that are not AUs, kept in notes
    sets_named: bool = False  # the modifiers' sets were judged by their names (a .boris's ethogram): no word below
    bare: list[str] = field(default_factory=list)  # modifiers read as AUs with no AU written: said once
    from_observation: list[str] = field(default_factory=list)  # observation ids taken as the coder: said once

    def event(self, r: Sequence[Any], where: str, frames: _RowFrames, later: float, au_reader: AUReader,
              video_id: int, source: str | None, notes: list[str], skipped: list[Skip]) -> Event | None:
        """The row's event, or None with the reason in ``skipped``: a point event is one frame, a row without an
        apex takes the middle frame (tagged by :func:`imputed_apex` so that the agreement leaves it out)."""
        col = self.col
        btype = cell_text(_value(r, col, "behaviortype")).upper()
        onset = frames.frame(r, "startframe", "starts", "start", where, later)
        offset = frames.frame(r, "stopframe", "stops", "stop", where, later)
        apex = frames.frame(r, "apexframe", "apexs", "apex", where, later)
        bad = next((x for x in (onset, offset, apex) if isinstance(x, str)), None)
        if bad:
            skipped.append(Skip(where, bad))
            return None
        assert isinstance(onset, int) and isinstance(offset, int)
        if btype == "POINT":
            offset = onset
        offset = max(onset, offset)  # a stop at the start instant: a one-frame event
        imputed = apex is None
        if imputed:
            apex = imputed_apex(onset, offset)[0]
            if offset > onset:  # a one-frame event (a POINT) has no other frame to be its apex: nothing to say
                notes.append(f"{where}: no apex; using the middle frame {apex}")
        behavior = cell_text(_value(r, col, "behavior"))
        emotion = self.emap.get(behavior.lower(), behavior)
        # our own tables carry the coder (possibly empty); BORIS's own have only the observation id, which names the
        # session, not who coded it (two coders' projects of one session share it): the user's coder comes first
        coder = cell_text(_value(r, col, "coder")) if "coder" in col else \
            (self.coder or cell_text(_value(r, col, "observationid")) or self.default_coder)
        if "coder" not in col and not self.coder and coder and coder not in self.from_observation \
                and coder == cell_text(_value(r, col, "observationid")):
            self.from_observation.append(coder)
        found: dict[str, float | None] = {}
        for key, what in (("confidence", "confidence"), ("modelconfidence", "model confidence")):
            raw = cell_text(_value(r, col, key))
            found[key] = _number(raw)
            if raw and found[key] is None:
                skipped.append(Skip(where, f"bad {what} {quote(raw)}"))
                return None
        conf, model_conf = found["confidence"], found["modelconfidence"]
        # a table of ours before 2026-12-07 had the model's number in Confidence on a model's row (as the events CSV)
        model_row = (cell_text(_value(r, col, "eventsource")) or source) == "model"
        if self.ours and model_row and "modelconfidence" not in col:
            conf, model_conf = None, conf
        note = " / ".join(t for t in (_comment(_value(r, col, "commentstart")),
                                      _comment(_value(r, col, "commentstop"))) if t.strip())
        aus, note = self.aus(r, note)
        if imputed:
            note = imputed_apex(onset, offset, note)[1]
        return make_event(where, skipped, au_reader=au_reader, video_id=video_id, onset=onset, apex=apex,
                          offset=offset, face_id=self.subjects.face(cell_text(_value(r, col, "subject"))),
                          emotion=emotion, aus=aus, coder=coder, confidence=conf, model_confidence=model_conf,
                          note=note, source=source or cell_text(_value(r, col, "eventsource")) or "imported",
                          status=_status(_value(r, col, "reviewstatus"), _value(r, col, "status")),
                          model=cell_text(_value(r, col, "model")) if self.ours else "")

    def aus(self, r: Sequence[Any], note: str) -> tuple[str, str]:
        """The row's AUs and note: our tables' modifiers are AUs, read as every format reads AU text (unreadable
        ones kept in the note by make_event); a BORIS ethogram's modifiers that are no AU codes go to the note."""
        mods = [t for t in (cell_text(r[j]) if j < len(r) else "" for j in self.modifier_cols)
                if t.lower() not in ("", "na", "none")]  # BORIS writes None where none was chosen
        if self.ours:
            return "|".join(mods), note
        au_terms, other = [], []
        for t in (t.strip() for m in mods for t in re.split(r"[|,;]", m)):
            if not t or t.lower() in ("none", "na"):  # a set with nothing chosen (BORIS writes None)
                continue
            reading = read_aus(t)
            if reading.only_aus:
                au_terms.append(reading.aus)
                if not self.sets_named and _BARE_AU.fullmatch(t) and t not in self.bare:
                    self.bare.append(t)
            else:
                other.append(t)
        if other:
            note = " / ".join(x for x in (note, "modifiers: " + ", ".join(other)) if x)
            self.not_aus += [t for t in other if t not in self.not_aus]
        return "+".join(au_terms), note
