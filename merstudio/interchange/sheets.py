"""Dataset annotation sheets (CASME II, SAMM, CASME, CAS(ME)^3 style rows) as events of one clip.

Sheets number frames as the dataset does (the number in the frame file name: ``img46.jpg``, ``006_05562.jpg``),
while a project addresses a clip by its 0-based position in the clip's frame sequence — the image files of its
folder in natural order, as merstudio.io opens it. So a sheet frame number becomes the position of the file
carrying that number; without the folder, ``first_frame`` (the number of the clip's first file) gives the offset.
The AU cell and frame cells are parsed by merstudio.datasets.parse, exactly as the loaders read them. A CSV sheet is
read in its own encoding (UTF-16 from Excel too); a cell over the limits of merstudio.interchange.common skips its
row (or, over the csv module's limit, refuses the file naming the row).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from merstudio.datasets.loaders import canonical_kind
from merstudio.datasets.parse import (
    SheetRow,
    cell_text,
    f_twin,
    file_frame_number,
    frame_number,
    norm_col,
    parse_aus,
    read_table,
    sheet_names,
    subject_number,
)
from merstudio.datasets.sample import Sample
from merstudio.errors import InputError
from merstudio.interchange.common import (
    AS_CODED,
    MAX_FIELD_CHARS,
    ImportPreview,
    Skip,
    imputed_apex,
    make_event,
    quote,
    shorten,
)
from merstudio.pathnames import name_key
from merstudio.project.events import Event, normalize_aus

# kind -> (subject, filename, onset, apex, offset, AUs, emotion) as written in the sheet
SHEET_COLUMNS = {
    "casme2": ("Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Action Units", "Estimated Emotion"),
    "samm": ("Subject", "Filename", "Onset Frame", "Apex Frame", "Offset Frame", "Action Units", "Estimated Emotion"),
    "casme": ("Subject", "Filename", "OnsetF", "ApexF1", "OffsetF", "AU", "Emotion"),
    "casme3a": ("Subject", "Filename", "Onset", "Apex", "Offset", "AU", "emotion"),
}


SHEET_NAMES = {"casme2": "CASME II", "samm": "SAMM", "casme": "CASME", "casme3a": "CAS(ME)^3"}


def sheet_kind(path: str | os.PathLike[str]) -> str | None:
    """The dataset whose annotation sheet layout a table's header row is (every column of :data:`SHEET_COLUMNS`'
    layout, named in any case and spacing), else None: such a sheet numbers frames as the dataset's files do and
    is read with ``--dataset`` (:func:`preview_sheet`), not as an events table. The header may follow a preamble
    (SAMM's sheet has 13 rows before it): the first 30 rows are looked at, as the dataset loaders do. Never raises:
    a file that cannot be read is no sheet."""
    from merstudio.datasets.parse import read_workbook_rows
    from merstudio.interchange.events_csv import table_header

    def kind_of(header: Iterable[Any]) -> str | None:
        have = {norm_col(cell_text(h)) for h in header}
        kinds = [k for k, cols in SHEET_COLUMNS.items() if {norm_col(c) for c in cols} <= have]
        # CASME II's and SAMM's columns differ only in spacing ("OnsetFrame", "Onset Frame"): SAMM's own columns
        # tell them apart
        if "samm" in kinds and have & {"inducementcode", "objectiveclasses"}:
            return "samm"
        return kinds[0] if kinds else None

    try:
        if (kind := kind_of(table_header(path))) is not None:
            return kind
        return next((k for row in read_workbook_rows(Path(path))[1][:30] if (k := kind_of(row)) is not None), None)
    except (InputError, OSError, ValueError):
        return None


def sheet_hint(path: str | os.PathLike[str]) -> str:
    """'' unless ``path`` is a dataset sheet (:func:`sheet_kind`); then what it is and how to import it, for a
    refusal to say in place of "not a table merstudio reads"."""
    kind = sheet_kind(path)
    if kind is None:
        return ""
    return (f"{Path(path).name} is a {SHEET_NAMES[kind]} annotation sheet (its header is that layout's), not an "
            "events table: its frame numbers are the dataset's own; import it into a project with merstudio "
            f"convert --project P --import {Path(path).name} --dataset {kind} --clip NAME and --clip-folder FOLDER "
            "or --first-frame N")


def clip_frame_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The frame files of a clip folder in the order merstudio.io plays them (position = frame index)."""
    from merstudio.io.listing import frame_files

    d = Path(folder)
    if not d.is_dir():
        raise InputError(f"{d}: clip folder not found")
    files = frame_files(d)
    if not files:
        raise InputError(f"{d}: no frame images in the clip folder")
    return files


def _au_fields(aus: frozenset[int], raw: str) -> tuple[str, str]:
    """(AU string for the event, note). A cell our AU grammar cannot hold (``(R6 or R12)+R15``, ``A/L12``) keeps
    its AU numbers and puts the cell as coded into the note."""
    try:
        return normalize_aus(raw), ""
    except ValueError:
        return "+".join(str(a) for a in sorted(aus)), f"{AS_CODED}{raw}"


def _emotion(raw: str) -> str:
    return raw.strip().lower()


def events_from_samples(samples: Iterable[Sample], video_id: int, clip: str | os.PathLike[str] | None = None,
                        coder: str | None = None, label: str = "raw") -> list[Event]:
    """Events (source ``imported``, coder = the dataset name) for the samples of one clip, with onset/apex/offset
    as 0-based positions in the clip's frame sequence.

    clip: the clip folder or video (a path), or its name (``EP02_01f``); None when all samples share one clip.
    label: ``raw`` for the emotion as the sheet writes it (lower-cased), ``class`` for the class-map label.
    """
    samples = list(samples)
    if clip is not None:
        want = Path(clip)
        by_path = [s for s in samples if want.exists() and s.path.resolve() == want.resolve()]
        picked = by_path or [s for s in samples if str(clip) in (s.path.name, s.sample, s.meta.get("clip"))]
    else:
        picked = samples
    if not picked:
        raise InputError(f"{clip}: no sample of this clip in the loaded samples")
    paths = {s.path for s in picked}
    if len(paths) > 1:
        raise InputError(f"{len(paths)} clips among the samples ({', '.join(sorted(p.name for p in paths)[:4])}); "
                         "name one with clip=")
    listing: dict[Path, int] | None = None
    out: list[Event] = []
    for s in picked:
        if s.kind == "image":
            raise InputError(f"{s.source}: a precomputed image, not a clip; it has no frames to place events on")
        if s.kind == "video":
            if s.onset is None or s.offset is None:
                raise InputError(f"{s.source}: no onset/offset")
            onset, offset = s.onset, s.offset
            imputed = s.apex is None or bool(s.meta.get("apex_is_middle"))
            apex = s.apex if s.apex is not None else onset  # imputed: the middle frame, below
        else:
            if not s.frames:
                raise InputError(f"{s.source}: the sample lists no frames")
            if listing is None:
                listing = {p.resolve(): i for i, p in enumerate(clip_frame_files(s.path))}
            imputed = s.apex_pos is None or bool(s.meta.get("apex_is_middle"))  # SMIC: no apex in the dataset
            apex_file = s.frames[s.apex_pos if s.apex_pos is not None else 0]  # imputed: the middle frame, below
            try:
                onset, apex, offset = (listing[f.resolve()] for f in (s.frames[0], apex_file, s.frames[-1]))
            except KeyError as exc:
                raise InputError(f"{s.source}: frame {exc.args[0]} is not in the clip's frame sequence") from None
        aus, note = _au_fields(s.aus, s.aus_raw)
        if imputed:  # the sheet has no apex: the middle frame (the loader's may be the later of two), tagged
            apex, note = imputed_apex(onset, offset, note)
        emotion = s.label if label == "class" else _emotion(s.raw_label)
        ev = Event(video_id=video_id, onset=onset, apex=apex, offset=offset, emotion=emotion, aus=aus,
                   coder=coder or s.dataset, note=note, source="imported", status="accepted")
        out.append(ev.validated())
    return out


def _frame(value: object) -> int | None:
    """A frame cell as merstudio.datasets.parse reads it; None also for numbers no clip has (1e400, 5000 digits)."""
    try:
        return frame_number(value)
    except (ValueError, OverflowError):
        return None


# The subject folder above a clip's frame folder, as each dataset is distributed (docs: datasets): CASME II and CASME
# ``subNN/<Filename>/``, SAMM ``<subject>/<Filename>/`` (006/006_1_2), CAS(ME)^3 ``spNO.<n>/<task>/color/``.
_SUBJECT_FOLDERS = {"casme2": (re.compile(r"sub0*(\d+)", re.I), 1), "casme": (re.compile(r"sub0*(\d+)", re.I), 1),
                    "samm": (re.compile(r"0*(\d{1,4})"), 1), "casme3a": (re.compile(r"spno\.?0*(\d+)", re.I), 3)}


def folder_subject(kind: str, clip_folder: str | os.PathLike[str]) -> tuple[int, str] | None:
    """(subject number, the folder that names it) for a clip folder laid out as the dataset is distributed
    (``CASME2-RAW/sub01/EP02_01f`` -> 1, ``SAMM/006/006_1_2`` -> 6, ``part_A/spNO.1/a/color`` -> 1), else None."""
    rule = _SUBJECT_FOLDERS.get(canonical_kind(kind))
    if rule is None:
        return None
    rx, depth = rule
    for parent in Path(os.path.abspath(clip_folder)).parents[:depth]:
        m = rx.fullmatch(parent.name)
        if m:
            return int(m.group(1)), parent.name
    return None


def _row_subject(v: dict[str, Any], cols: _Cols) -> int | str:
    """A row's subject number, or its cell as written when it holds none."""
    try:
        return subject_number(v.get(cols.subject))
    except (InputError, ValueError):  # ValueError: a number of thousands of digits
        return cell_text(v.get(cols.subject))


def _clip_key(name: str) -> str:
    """A clip's name as a sheet's Filename and a --clip compare: case ignored, in Unicode NFC (a clip folder copied
    from a Mac names "Müller" decomposed, the sheet typed it as one ü: pathnames.name_key)."""
    return name_key(name.strip(), fold=True)


def _clip_name(rows: list[SheetRow], cols: _Cols, clip: str, subject: int | None) -> str:
    """The Filename (its _clip_key) whose rows are the clip's: ``clip`` itself when a row (of ``subject``, if known)
    names it, else its CASME II twin differing by one trailing f (sheets and trees disagree on EP15_01f vs
    EP15_01). Never both: sub17's EP05_03 and EP05_03f are two clips, as the loaders' find_child keeps them."""
    want = _clip_key(clip)
    for r in rows:
        if _clip_key(cell_text(r.values.get(cols.name))) == want and (subject is None
                                                                   or _row_subject(r.values, cols) == subject):
            return want
    return f_twin(want)


class _Cols(NamedTuple):
    """A layout's columns as read_table keys a row's values (norm_col of SHEET_COLUMNS)."""

    subject: str
    name: str
    onset: str
    apex: str
    offset: str
    aus: str
    emotion: str


def preview_sheet(sheet: str | os.PathLike[str], kind: str, clip: str, video_id: int,
                  clip_folder: str | os.PathLike[str] | None = None, first_frame: int | None = None,
                  subject: str | int | None = None, sheet_name: str | None = None,
                  coder: str | None = None) -> ImportPreview:
    """The rows of a dataset annotation sheet for one clip (``Filename`` = ``clip``; CAS(ME)^3: the task letter),
    as an :class:`ImportPreview` of events on the clip's 0-based frame positions.

    kind: casme2 | samm | casme | casme3a. clip_folder: the clip's frame folder (positions come from its files);
    else first_frame: the frame number of the clip's first frame (1 for a whole CASME II clip, the onset for a
    ``*_selected`` clip). subject: keep only that subject's rows (a clip name can repeat across subjects; CASME II
    repeats EP02_01f in several subjects). Without it the subject comes from the clip folder when its path names one
    as the dataset is laid out (:func:`folder_subject`); else rows of more than one subject for the clip are refused
    (InputError listing them): one clip's events never mix in another person's.
    """
    k, path = _sheet_layout(sheet, kind, clip_folder, first_frame)
    notes: list[str] = []  # read_table says which sheet it read (a ReadMe first) and merged cells filled down
    rows = read_table(path, list(SHEET_COLUMNS[k]), _sheet_to_read(k, path, sheet_name), ["ApexF2"], notes=notes)
    cols = _Cols(*(norm_col(c) for c in SHEET_COLUMNS[k]))
    positions = _folder_positions(clip_folder) if clip_folder is not None else None
    given = None if subject is None else subject_number(subject)
    want_subj = _clip_subject(k, path, clip, rows, cols, clip_folder, subject, given, notes)
    name = _clip_name(rows, cols, clip, want_subj)
    clip_rows = _ClipRows(path, k, cols, positions, first_frame, video_id, coder, notes)
    if name != _clip_key(clip):
        notes.append(f"no row names clip {quote(clip)}; the rows of {quote(name)} are read (the names differ by a "
                     "trailing f, as CASME II's sheet and folders may)")
    matched = 0
    for r in rows:
        if _clip_key(cell_text(r.values.get(cols.name))) != name:
            continue
        where = f"{path.name}: row {r.row}"
        if want_subj is not None and not clip_rows.of_subject(r.values, want_subj, where):
            continue
        matched += 1
        clip_rows.add(r.values, where)
    if matched == 0:
        raise InputError(f"{path}: no row for clip {clip!r}" + (f" of subject {subject}" if subject is not None
                                                                  else ""))
    return ImportPreview(path=path, format=f"{k} sheet", events=clip_rows.events, skipped=clip_rows.skipped,
                         notes=notes)


def _sheet_layout(sheet: str | os.PathLike[str], kind: str, clip_folder: str | os.PathLike[str] | None,
                  first_frame: int | None) -> tuple[str, Path]:
    """(the dataset's canonical kind, the sheet's path) once the kind has a sheet layout, the sheet exists and the
    clip's frames can be placed (a folder or a first frame number); else InputError saying which."""
    k = canonical_kind(kind)
    if k not in SHEET_COLUMNS:
        raise InputError(f"{kind}: no annotation sheet layout for this dataset (choose from "
                         f"{', '.join(SHEET_COLUMNS)}; for others load the dataset and use events_from_samples)")
    path = Path(sheet)
    if not path.is_file():
        raise InputError(f"{path}: annotation sheet not found")
    if clip_folder is None and first_frame is None:
        raise InputError(f"{path}: give the clip folder or the number of its first frame to place the sheet's "
                         "frame numbers in the clip")
    return k, path


def _sheet_to_read(k: str, path: Path, sheet_name: str | None) -> str | None:
    """The workbook sheet to read: the one asked for; else, in a CAS(ME)^3 workbook, its ``label`` sheet when it
    has one (None: the first sheet)."""
    if k == "casme3a" and sheet_name is None and path.suffix.lower() == ".xlsx":
        try:
            names = sheet_names(path)
        except InputError as exc:
            raise InputError(shorten(exc, 500)) from None
        if "label" in [n.lower() for n in names]:
            sheet_name = "label"
    return sheet_name


def _folder_positions(clip_folder: str | os.PathLike[str]) -> dict[int, int]:
    """Frame number (in a file's name) -> the file's position in the clip folder; the first file of a number."""
    positions: dict[int, int] = {}
    for i, f in enumerate(clip_frame_files(clip_folder)):
        n = file_frame_number(f)
        if n is not None:
            positions.setdefault(n, i)
    return positions


def _clip_subject(k: str, path: Path, clip: str, rows: list[SheetRow], cols: _Cols,
                  clip_folder: str | os.PathLike[str] | None, subject: str | int | None, want_subj: int | None,
                  notes: list[str]) -> int | None:
    """The subject whose rows are kept: the one given (``want_subj``, checked against the clip folder's), else
    the clip folder's (said in ``notes``), else None when the clip's rows are all one subject's; InputError when
    the given subject is not the folder's or the clip's rows name several subjects."""
    from_folder = folder_subject(k, clip_folder) if clip_folder is not None else None
    if from_folder is not None:
        if want_subj is None:
            want_subj = from_folder[0]
            notes.append(f"subject {from_folder[0]}: from the clip folder ({quote(from_folder[1])})")
        elif want_subj != from_folder[0]:
            raise InputError(f"{path}: subject {subject} given, but the clip folder {clip_folder} is subject "
                             f"{from_folder[0]}'s ({quote(from_folder[1])}); give the clip folder of that subject")
    if want_subj is None:
        name = _clip_name(rows, cols, clip, None)
        found = {_row_subject(r.values, cols) for r in rows if _clip_key(cell_text(r.values.get(cols.name))) == name}
        if len(found) > 1:
            listed = ", ".join(str(x) for x in sorted(found, key=str)[:8]) + (", …" if len(found) > 8 else "")
            raise InputError(f"{path}: clip {clip!r} has rows of {len(found)} subjects ({listed}); name the subject "
                             "(subject= / --subject), or give the clip folder as the dataset lays it out "
                             "(e.g. sub01/EP02_01f)")
    return want_subj


@dataclass
class _ClipRows:
    """One clip's sheet rows made events: frame numbers placed on the clip's positions (its folder's files, else
    ``first_frame`` is position 0); a row that cannot be placed or read becomes a Skip, an unusable apex the
    middle frame with a note."""

    path: Path
    kind: str
    cols: _Cols
    positions: dict[int, int] | None
    first_frame: int | None
    video_id: int
    coder: str | None
    notes: list[str]
    events: list[Event] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def of_subject(self, v: dict[str, Any], want_subj: int, where: str) -> bool:
        """Whether the row is ``want_subj``'s; a subject cell without a number skips the row."""
        try:
            return subject_number(v.get(self.cols.subject), where) == want_subj
        except (InputError, ValueError):  # ValueError: a number of thousands of digits
            self.skipped.append(Skip(where, f"subject {quote(cell_text(v.get(self.cols.subject)))} has no subject "
                                            "number"))
            return False

    def add(self, v: dict[str, Any], where: str) -> None:
        """The row's event, if its onset and offset are given and every frame it gives is in the clip."""
        c = self.cols
        nums = {"onset": _frame(v.get(c.onset)), "apex": _frame(v.get(c.apex)), "offset": _frame(v.get(c.offset))}
        if nums["apex"] is None and self.kind == "casme":
            nums["apex"] = _frame(v.get("apexf2"))
        if nums["onset"] is None or nums["offset"] is None:
            bad = "onset" if nums["onset"] is None else "offset"
            raw = cell_text(v.get(c.onset if bad == "onset" else c.offset))
            self.skipped.append(Skip(where, f"no {bad} frame ({quote(raw) if raw else 'blank'})"))
            return
        pos = self._place(nums, where)
        if pos is not None:
            self._add_event(v, where, pos)

    def _place(self, nums: dict[str, int | None], where: str) -> dict[str, int] | None:
        """The given frame numbers as positions in the clip; None (and a Skip) when one is not in it."""
        pos: dict[str, int] = {}
        for what, n in nums.items():
            if n is None:
                continue
            if self.positions is not None:
                if n not in self.positions:
                    lo, hi = min(self.positions, default=0), max(self.positions, default=0)
                    self.skipped.append(Skip(where, f"{what} frame {n} is not in the clip folder (frames {lo}..{hi})"))
                    return None
                pos[what] = self.positions[n]
            else:
                first_frame = self.first_frame
                assert first_frame is not None  # without a clip folder it is given (checked above)
                if n < first_frame:
                    self.skipped.append(Skip(where, f"{what} frame {n} is before the clip's first frame "
                                                    f"{first_frame}"))
                    return None
                pos[what] = n - first_frame
        return pos

    def _add_event(self, v: dict[str, Any], where: str, pos: dict[str, int]) -> None:
        """The event of a placed row: its apex imputed when missing or outside onset..offset, its AU cell read."""
        c = self.cols
        imputed = "apex" not in pos or not pos["onset"] <= pos["apex"] <= pos["offset"]
        if imputed:
            mid = imputed_apex(pos["onset"], pos["offset"])[0]
            raw = cell_text(v.get(c.apex))
            self.notes.append(f"{where}: apex {quote(raw) if raw else 'blank'} unusable; using the middle "
                              f"frame (position {mid})")
            pos["apex"] = mid
        au_raw = cell_text(v.get(c.aus))
        try:
            if len(au_raw) > MAX_FIELD_CHARS:
                raise ValueError
            aus, note = _au_fields(*parse_aus(v.get(c.aus)))
        except ValueError:  # too long, or an AU number of thousands of digits
            self.skipped.append(Skip(where, f"bad AU cell {quote(au_raw)}"))
            return
        if imputed:  # no usable apex in the sheet: the middle frame, tagged so agreement leaves it out
            note = imputed_apex(pos["onset"], pos["offset"], note)[1]
        ev = make_event(where, self.skipped, video_id=self.video_id, onset=pos["onset"], apex=pos["apex"],
                        offset=pos["offset"], emotion=_emotion(cell_text(v.get(c.emotion))), aus=aus,
                        coder=self.coder or self.kind, note=note, source="imported", status="accepted")
        if ev is not None:
            self.events.append(ev)
