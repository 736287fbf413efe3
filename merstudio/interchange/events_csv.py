"""Our own events CSV: one row per event, frame indices first, times beside them.

Columns: video, face_id, onset, apex, offset, onset_time, apex_time, offset_time, emotion, aus, coder, confidence,
source, status, model_confidence, model (the checkpoint that proposed the event; empty for coded events), note.
``confidence`` is the coder's own rating (empty where none), ``model_confidence`` the model's probability of an
event the model proposed (open, accepted or rejected; empty where none): an event holds both (Event.confidence,
Event.model_confidence), and each is read back into its own. A file without ``model_confidence`` (our events CSV
before 2026-12-07) has the model's number in ``confidence`` on a model's row: read as the model's. Frames are 0-based
and both ends are included; ``*_time`` is the start of that frame in seconds (frame / fps, or the video's own
timestamp when given). The reader also takes the project's report CSV
(``onset_frame``/``apex_frame``/``offset_frame``, see merstudio.project.export) and the same tables as Excel saves
them: ``;`` or tab between the columns (told by the header line), decimal commas where the delimiter is no comma,
UTF-16 or an 8-bit code page (merstudio.textfile), or the report's XLSX (File > Export, sheet ``events``).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.atomic import atomic_path
from merstudio.csv_write import row_writer
from merstudio.datasets.parse import cell_text
from merstudio.errors import FrameRateMismatch, InputError
from merstudio.interchange.common import (
    AUReader,
    FrameClock,
    ImportPreview,
    Media,
    Skip,
    exact_fps,
    file_name,
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
from merstudio.project.event_store import is_model_proposal
from merstudio.project.events import STATUSES, Event
from merstudio.textfile import csv_rows, read_head, read_table_text, sniff_delimiter

EVENT_CSV_COLUMNS = ("video", "face_id", "onset", "apex", "offset", "onset_time", "apex_time", "offset_time",
                     "emotion", "aus", "coder", "confidence", "source", "status", "model_confidence", "model", "note")
_ALIASES = {"onset_frame": "onset", "apex_frame": "apex", "offset_frame": "offset"}
# the report's columns a reader has no use for (derived from the others, or its ids): never said to be ignored
_REPORT_ONLY = frozenset(("event_id", "video_path", "duration_frames", "duration_s"))
# how coders head these columns in their own sheets (compared without case, spaces, '_' or '-'): read, and said.
# Not CASME II's OnsetFrame / ApexFrame: a dataset sheet numbers frames as its files do (--dataset reads it)
_SPELLINGS = {"aus": ("au", "actionunit", "actionunits", "aucodes", "facs"),
              "emotion": ("emotions", "estimatedemotion", "emotionlabel", "emotionlabels"),
              "note": ("notes", "comment", "comments", "remark", "remarks"),
              "coder": ("coders", "annotator", "rater", "codedby"),
              "face_id": ("face",)}  # not "subject": a sheet's Subject names the person ("sub01"), no face number
_SPELLED = {w: c for c, words in _SPELLINGS.items() for w in words} | {c.replace("_", ""): c for c in EVENT_CSV_COLUMNS}
NOT_CODED = "/"  # CASME's mark of an apex nobody coded
XLSX_FORMAT = "events XLSX"
_PROGRESS_ROWS = 2_000  # read_events_csv's progress is told every this many rows (~0.1 s)


def events_csv_rows(events: Iterable[Event], media: Media | Mapping[int, Media],
                    timestamps: Callable[[int, int], float] | None = None) -> list[dict[str, Any]]:
    """Rows for :func:`write_events_csv`. ``timestamps(video_id, frame)`` gives real frame times (VFR video)."""
    rows = []
    for e in sorted((ev.validated() for ev in events), key=lambda e: (e.video_id, e.onset, e.face_id, e.coder)):
        m = media if isinstance(media, Media) else media.get(e.video_id)
        if m is None:
            raise InputError(f"event {e.id}: no media given for video {e.video_id}")
        time_of = m.clock("events CSV").timebase.time_of  # f / fps, or a variable-rate video's frame times

        def t(f: int, _vid: int = e.video_id, _time_of: Callable[[float], float] = time_of) -> str:
            # full precision: the shortest text that reads back to the same float (no fixed decimals)
            return repr(float(timestamps(_vid, f) if timestamps else _time_of(f)))

        conf, model_conf = ("" if c is None else f"{float(c):.6g}" for c in (e.confidence, e.model_confidence))
        rows.append({"video": m.name, "face_id": e.face_id, "onset": e.onset, "apex": e.apex, "offset": e.offset,
                     "onset_time": t(e.onset), "apex_time": t(e.apex), "offset_time": t(e.offset),
                     "emotion": e.emotion, "aus": e.aus, "coder": e.coder, "confidence": conf,
                     "source": e.source, "status": e.status, "model_confidence": model_conf,
                     "model": e.model, "note": e.note})
    return rows


def write_events_csv(events: Iterable[Event], path: str | os.PathLike[str], media: Media | Mapping[int, Media],
                     timestamps: Callable[[int, int], float] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> Path:
    """``progress(1, 2)`` before the file is moved into place (what it raises leaves the old one), ``(2, 2)``
    after."""
    rows = events_csv_rows(events, media, timestamps)
    return write_dict_table(path, EVENT_CSV_COLUMNS, rows, progress=progress)


# what makes a spreadsheet (Excel, LibreOffice, Google Sheets) take a CSV cell for a formula: a note "-2+3" showed 1,
# "=HYPERLINK(...)" a live link. The CSV itself is left exact by default (R and pandas read it as written);
# make_spreadsheet_safe is the opt-in (`convert --spreadsheet-safe`); an .xlsx stores such cells as text anyway
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# text a spreadsheet turns into a date: a frame range "1-16" (neutral_frames) became 16-Jan, "3/4" 4-Mar, a note
# "2026-12-07" a date number; guarded as a formula is. A number ("1.16") is no such text: it stays a number.
DATE_LIKE = re.compile(r"\d{1,4} ?[-/.] ?\d{1,4}(?:[-/.]\d{1,4})?")
# digits with a leading zero (a coder "007", a note "0012"): a spreadsheet reads them as the number 7 / 12
LEADING_ZERO = re.compile(r"0\d+")
# columns of text in our tables, by their header (lower-cased): never made numbers by --decimal-comma, whatever
# their cells hold (a note column of "1.16" and "2.5" was written 1,16 / 2,5 and read back as that text)
TEXT_COLUMNS = frozenset(("video", "video_path", "coder", "coders", "emotion", "aus", "note", "notes", "comment",
                          "behaviour", "behavior", "subject", "label", "name", "path", "file"))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def guarded(text: str, decimal_comma: bool = False) -> bool:
    """Whether a spreadsheet-safe table writes ``text`` with an apostrophe before it: a spreadsheet would read it as
    a formula (OWASP's rule: ``= + - @``, a tab or a carriage return first), as a date (``1-16``, ``3/4``) or as
    a number without its leading zeros (``007``, ``0012``), or,
    with ``decimal_comma``, as a date too (a number with a point, ``1.16``, among text); any other number stays a
    number. Text that starts with an apostrophe before such text is guarded too (``'3/4`` as ``''3/4``), so that
    :func:`unguarded_cell` gives every cell back as it was, and a note ``'tis`` is left alone both ways; before a
    number with a point (``'1.5``) whatever ``decimal_comma``, since a reader takes the decimal-comma rule from the
    table's separator (every TSV has it), not from how the table was written."""
    if not text:
        return False
    if text.startswith("'"):
        # the widest rule: a plain --spreadsheet-safe TSV's note '1.5 came back as 1.5 (read by the ';'/tab rule)
        return guarded(text[1:], True)
    if LEADING_ZERO.fullmatch(text):
        return True
    if _is_number(text):
        return decimal_comma and "." in text
    return text.startswith(FORMULA_STARTS) or DATE_LIKE.fullmatch(text) is not None


def spreadsheet_cell(text: str, decimal_comma: bool = False) -> str:
    """``text`` as a spreadsheet keeps it as text: an apostrophe before it where :func:`guarded`."""
    return "'" + text if guarded(text, decimal_comma) else text


def plain_cell(value: Any) -> Any:
    """A cell of a plain (not spreadsheet-safe) table of ours as written: a coder's own apostrophe before text the
    guard guards doubled (``'3/4`` as ``''3/4``: :func:`spreadsheet_cell`'s escape, the same in every table), so
    that :func:`unguarded_cell`, which every reader of our tables applies, gives it back as typed (it came back as
    ``3/4``); any other value as it is, so a table without such a cell is written byte for byte as before. Every
    writer of our tables applies it (common.write_dict_table, project.export's CSVs)."""
    return "'" + value if type(value) is str and value.startswith("'") and guarded(value) else value


def unguarded_cell(cell: str, decimal_comma: bool = False) -> str:
    """The exact inverse of :func:`spreadsheet_cell` (``decimal_comma``: the table's cells are not comma-separated,
    as make_spreadsheet_safe's decimal-comma tables): a cell read from one of our tables made spreadsheet-safe
    without the apostrophe the guard put before it (a behaviour ``3/4`` came back as a new behaviour ``'3/4``).
    Only where the rest is what the guard guards: ``'tis`` stays. Every reader of our tables applies it to the
    cell as read (before stripping its spaces)."""
    return cell[1:] if cell.startswith("'") and guarded(cell[1:], decimal_comma) else cell


def make_spreadsheet_safe(path: str | os.PathLike[str], delimiter: str = ",", decimal_comma: bool = False) -> int:
    """Rewrite a CSV/TSV that merstudio wrote (UTF-8, csv's own quoting) for a spreadsheet that opens it by a
    double-click: UTF-8 with a byte-order mark (without one Excel reads the file in the system's code page, and
    "Zoë" shows as "ZoÃ«"; every merstudio reader takes the mark) and every formula- or date-like cell
    spreadsheet_cell'd. ``decimal_comma``: for a spreadsheet whose locale writes 0,5 (German, French, ...), which
    puts a comma-separated table in one column: ";" between the cells of a comma table (a TSV keeps its tabs), a
    decimal comma in the numbers of the columns that hold only numbers, and an apostrophe before a number with a
    point among text (a note "1.16" would be a date there). How many cells got an apostrophe. The line endings
    stay as written (a pandas table's LF, an events CSV's CRLF; they were all made CRLF), so the rest reads as
    before. A cell its writer escaped (:func:`plain_cell`: ``''3/4`` for a coder's ``'3/4``) is guarded as that
    coder's text, once (``''3/4``)."""
    p = Path(path)
    with p.open(newline="", encoding="utf-8-sig") as fh:  # -sig: a table made safe before keeps one mark
        text = fh.read()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    numeric: set[int] = set()
    if decimal_comma and rows:
        width = max(len(r) for r in rows)
        head = [h.strip().lower() for h in rows[0]]
        # by column: a column of text stays text (its header says so), and a number column holds no "007"
        numeric = {j for j in range(width)
                   if (j >= len(head) or head[j] not in TEXT_COLUMNS)
                   and all(_is_number(r[j]) and not LEADING_ZERO.fullmatch(r[j])
                           for r in rows[1:] if j < len(r) and r[j])}
    changed = 0
    safe = []
    for i, row in enumerate(rows):
        if i == 0:  # the header is ours
            safe.append(row)
            continue
        cells = []
        for j, c in enumerate(row):
            if j in numeric:
                cells.append(c.replace(".", ",") if c and "." in c and _is_number(c) else c)
                continue
            # plain_cell's escape off: it doubles a leading apostrophe, so only a cell starting with two carries it;
            # a table whose writer escapes nothing (the agreement report's notes) keeps a coder's '3/4 (as ''3/4)
            plain = unguarded_cell(c, delimiter != ",") if c.startswith("''") else c
            cell = spreadsheet_cell(plain, decimal_comma)
            changed += cell != c
            cells.append(cell)
        safe.append(cells)
    # the header (ours: no line break in a cell) ends as every row does
    end = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    buf = io.StringIO()
    row_writer(buf, end, delimiter=";" if decimal_comma and delimiter == "," else delimiter).writerows(safe)
    out = buf.getvalue()
    with atomic_path(p) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as fh:
        fh.write(out if text.endswith("\n") else out[:-len(end)])
    return changed


def _int(v: str) -> int | None:
    try:
        x = float(v)
    except ValueError:
        return None
    return int(x) if math.isfinite(x) and x == int(x) else None


def _float(v: str, decimal_comma: bool) -> float:
    """A number cell; ``0,25`` too where commas cannot be thousands separators (``decimal_comma``: a table whose
    delimiter is no comma, as Excel writes it in comma-decimal locales). ValueError when it is no number."""
    try:
        return float(v)
    except ValueError:
        if decimal_comma and v.count(",") == 1 and "." not in v:
            return float(v.replace(",", "."))
        raise


def _header_key(h: object) -> str:
    t = cell_text(h).lower()
    return _ALIASES.get(t, t)


def table_header(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a text table (its delimiter told by the header line) or of an .xlsx file's first sheet,
    lower-cased: for telling our events table from others' (merstudio.interchange.detect_format)."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        from merstudio.xlsx import first_row

        return [_header_key(h) for h in first_row(p)]
    head = read_head(p)
    return [_header_key(h.strip().strip('"')) for h in head.split(sniff_delimiter(head))]


def looks_events_table(path: str | os.PathLike[str]) -> bool:
    """Our events table (CSV, TSV, the report's CSV or XLSX): its header names ``onset`` or ``onset_frame``."""
    return "onset" in table_header(path)


def _rows(p: Path) -> tuple[list[list[Any]], str, bool]:
    """(records, format name, decimal commas allowed) of an events table: text in any delimiter Excel writes, or
    the report's XLSX (its cells as they are: numbers stay numbers)."""
    if p.suffix.lower() == ".xlsx":
        from merstudio.datasets.parse import read_workbook_rows

        return [list(r) for r in read_workbook_rows(p)[1]], XLSX_FORMAT, False
    text = read_table_text(p, "events CSV")  # UTF-8 (BOM or not), UTF-16 with a BOM (Excel), Latin-1
    lines = text[:65_536].splitlines()
    delim = sniff_delimiter(lines[0] if lines else "")
    name = {",": "events CSV", ";": "events CSV (';')", "\t": "events TSV"}[delim]
    return [list(r) for r in csv_rows(p, text, delim)], name, delim != ","


def events_csv_videos(path: str | os.PathLike[str]) -> list[str]:
    """The video names an events table's ``video`` column holds, sorted (none: no such column, or it is empty)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: events CSV not found")
    rows, _fmt, decimal = _rows(p)
    if not rows:
        raise InputError(f"{p}: empty file")
    header = [_header_key(h) for h in rows[0]]
    if "video" not in header:
        return []
    j = header.index("video")
    cells = _Cells({"video": j}, decimal, _fmt != XLSX_FORMAT)
    return sorted({cells.get(r, "video") for r in rows[1:]} - {""})


class VariableRateFile(FrameRateMismatch):
    """A file whose frames fit no constant rate (a variable-rate video's, frame / time ``spread``: (lowest, highest)
    fps) refused on a constant-rate video whose own frame times the caller did not read (its file not found): the
    file may be this very video's (its frames right: its file must be found) or the video was re-encoded to its
    constant rate since (its times right: fps_override). Its message says so for a project import; the app and
    `convert` say what fits them."""

    def __init__(self, message: str, file_fps: float, video_fps: float, spread: tuple[float, float]) -> None:
        super().__init__(message, file_fps, video_fps)
        self.spread = spread


@dataclass
class EventsCsvPreview(ImportPreview):
    """An events CSV's :class:`ImportPreview`. ``left_out``: its rows of other statuses than the reader's
    ``statuses=`` (convert --status), left out unread: no event, and no skip where the row is bad."""

    left_out: int = 0


def _status(r: Sequence[Any], cells: _Cells) -> str:
    """A row's status as its event has it: an empty cell is an accepted (coded) event's."""
    return cells.get(r, "status") or "accepted"


def _unwanted(statuses: Iterable[str] | None) -> set[str]:
    """The statuses whose rows ``statuses=`` leaves out unread (none without it): a status cell naming no status is
    read, and skipped as bad."""
    return set() if statuses is None else set(STATUSES) - set(statuses)


def events_csv_left_out(path: str | os.PathLike[str], statuses: Iterable[str] | None) -> int:
    """How many rows of an events table :func:`read_events_csv` with ``statuses=`` leaves out, whichever video each
    names, each counted once: the file's count (a one-video import's ``left_out``) where each video of an import of
    all videos counts its own rows and every row naming no video (h297: their sum said 'all 4 row(s) of the
    file' of a file of 3)."""
    unwanted = _unwanted(statuses)
    if not unwanted:
        return 0
    p = Path(path)
    rows, fmt, decimal_comma = _rows(p)
    cells = _Cells(_column_index(p, rows, []), decimal_comma, fmt != XLSX_FORMAT)
    return sum(1 for r in rows[1:] if any(cell_text(c) for c in r) and _status(r, cells) in unwanted)


def read_events_csv(path: str | os.PathLike[str], fps: float | None = None, video_id: int = 0,
                    video_name: str | None = None, fps_override: bool = False,
                    source: str | None = None, times: np.ndarray | None = None,
                    only_video: bool = False, progress: Callable[[int, int], None] | None = None,
                    rate_known: bool = False, statuses: Iterable[str] | None = None) -> EventsCsvPreview:
    """Read our events CSV (or the project's report CSV) into an :class:`ImportPreview`.

    The file's frame rate is estimated from frame / time (from ``video_name``'s rows where the file holds several
    videos: each may have its own rate); when ``fps`` is given and differs, InputError unless ``fps_override``
    (frames are then recomputed from the times at ``fps``). Rows of other videos (by the ``video`` column, when
    the file holds several) are skipped when ``video_name`` is given; with ``only_video`` those naming another
    video are left out, no skipped items (a file of several videos imported into each of them in turn, see
    :func:`events_csv_videos`). ``times``: a variable-rate video's frame times (seconds), against which the file's
    times are checked (frame / time varies along such a video) and from which frames are recomputed.
    ``progress(rows read, rows)``: called as the rows are read (200,000 rows take seconds), from (0, rows) on.
    ``rate_known``: the caller read the video's own frame times (``times``; None for a constant rate, as a project
    import does where the video's file is here): a file whose frames fit no constant rate is then not a constant-rate
    video's own, whatever video it names (its own name: re-encoded in place since), and its times place the events.
    ``statuses``: only the rows of these are read; a row whose status cell names another status is left out before
    it is read (``left_out`` counts them): one that could not be read (a frame ``x``) is then no skip to confirm. A
    bad status cell's row is read, and skipped as bad.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: events CSV not found")
    rows, fmt, decimal_comma = _rows(p)
    said: list[str] = []  # the columns read under other names / ignored: first among the notes
    cells = _Cells(_column_index(p, rows, said), decimal_comma, fmt != XLSX_FORMAT)
    body = [(k + 2, r) for k, r in enumerate(rows[1:]) if any(cell_text(c) for c in r)]
    if progress is not None:
        progress(0, len(body))
    videos = {cells.get(r, "video") for _, r in body} - {""}
    clock = FrameClock(float(fps), variable_times(times, float(fps))) if fps is not None else None
    # the rate from the chosen video's rows only: a project's videos can each have their own
    mine = [(k, r) for k, r in body if not cells.get(r, "video") or same_name(cells.get(r, "video"), video_name)] \
        if video_name and len(videos) > 1 else body
    file_fps, differs = _file_rate(mine, cells, fps, clock)
    notes: list[str] = said + (vfr_note(clock) if clock is not None else [])
    from_times = False
    place: FrameClock | _NearestFrame | None = clock
    spread = _no_one_rate(mine, cells)
    named = next(iter(videos)) if len(videos) == 1 else ""  # several: the rows read are video_name's own
    other = bool(named and video_name and not same_name(file_name(named), video_name))
    # a constant-rate video whose times the caller read: a file of its name fitting no rate was written before it
    # was re-encoded in place (a phone's clip made constant-rate under the same name), never from it
    renewed = rate_known and not other and clock is not None and not clock.variable
    if spread is not None and clock is not None and (other or renewed):
        # the file's frames are another, variable-rate video's (frame / time fits no one rate: a phone's clip) and
        # its times the seconds they showed: on this video (its constant-rate copy) the times place them. One rate
        # at another rate (below) stays refused: frames or times, either may be the wrong ones there
        from_times = True
        place = clock if clock.variable else _NearestFrame(clock.fps)
        rates = f"frame / time {spread[0]:g} to {spread[1]:g} fps"
        was = (f"those of {quote(file_name(named))}, a variable-rate video ({rates})" if other else
               f"a variable-rate video's ({rates}), not those of this constant-rate "
               f"{quote(video_name) if video_name else 'video'} (re-encoded since the file was written)")
        notes.append(f"{p.name}: its frames are {was}: events placed by their times on this video's frames")
    elif spread is not None and differs and not fps_override:
        assert fps is not None and file_fps is not None
        # the video's own times unknown here: the file may be this very video's (its frames right), or written
        # before it was re-encoded to a constant rate (its times right): the caller who knows says which
        this = quote(video_name) if video_name else "this video"
        raise VariableRateFile(
            f"{p}: its frames fit no constant rate (frame / time {spread[0]:g} to {spread[1]:g} fps: a variable-rate "
            f"video's), and {this} has a constant {float(fps):g} fps: if {this} was re-encoded to it since, "
            "--force-fps (fps_override=True) places each event by its times; if it is that variable-rate video, "
            "its frame times are needed (times=): make its file found (merstudio project relink) and import again",
            file_fps, float(fps), spread)
    if differs and not from_times:
        assert fps is not None and file_fps is not None
        if not fps_override:
            raise fps_mismatch(str(p), file_fps, float(fps))
        from_times = True
        notes.append(f"frame rate ~{file_fps:g} fps in the file overridden by the video's {float(fps):g} fps; "
                     "frames recomputed from the times")
    use_fps = fps if fps is not None else file_fps
    if not video_name and len(videos) > 1:
        raise InputError(f"{p}: the file holds events of {len(videos)} videos ({name_list(sorted(videos), 4)}); "
                         "choose one (video_name= / --video)")
    if video_name and len(videos) == 1 and not same_name(file_name(next(iter(videos))), video_name):
        notes.append(f"the file's video {quote(next(iter(videos)))} is not {quote(video_name)}; imported anyway")
    events: list[Event] = []
    skipped: list[Skip] = []
    au_reader = AUReader()
    imputed: list[str] = []  # "row 3 (6)": rows whose apex nobody coded
    unwanted = _unwanted(statuses)
    left_out = 0
    for i, (rowno, r) in enumerate(body):
        if progress is not None and i % _PROGRESS_ROWS == 0 and i:
            progress(i, len(body))
        where = f"{p.name}: row {rowno}"
        other = bool(video_name and len(videos) > 1 and not same_name(cells.get(r, "video"), video_name))
        if other and only_video and cells.get(r, "video"):
            continue  # the video it names is imported from it in turn (a row of no video is no other video's)
        if unwanted and _status(r, cells) in unwanted:
            # never to be imported: not read, so that a row of them no event can be made of is no skip to confirm
            left_out += 1
            continue
        if other:
            skipped.append(Skip(where, f"video {quote(cells.get(r, 'video'))} is not {quote(video_name)}"))
            continue
        ev = _row_event(r, where, cells, place if from_times else None, au_reader, video_id, source, skipped)
        if ev is not None:
            events.append(ev)
            if not _apex_given(r, cells):
                imputed.append(f"row {rowno} (middle frame {ev.apex})")
    if imputed:
        notes.append(f"{p.name}: {len(imputed)} row(s) with no apex ('{NOT_CODED}' or empty): "
                     f"{name_list(imputed, 4)}, tagged as imputed")
    if progress is not None:
        progress(len(body), len(body))
    notes += au_reader.notes()
    if proposals := coders_proposals_note(events):  # said by every import (CLI, one video, all videos), not the app alone
        notes.append(f"{p.name}: {proposals}")
    return EventsCsvPreview(path=p, format=fmt, events=events, skipped=skipped, notes=notes,
                            fps=float(use_fps) if use_fps else None,
                            media=media_name(next(iter(videos))) if len(videos) == 1 else "", left_out=left_out)


def coders_proposals_note(events: Iterable[Event]) -> str:
    """The note on events of a coder's (not the model's) whose status is "proposal" (an events CSV row so): how they
    are read ('' for none)."""
    n = sum(1 for e in events if e.status == "proposal" and not is_model_proposal(e))
    return (f"{n} event(s) of a coder (source manual or imported) have status proposal: imported as open proposals "
            "to review (N, Y, X); a re-run of the analysis keeps them (it replaces the model's proposals alone)") \
        if n else ""


def _column_index(p: Path, rows: Sequence[Sequence[Any]], notes: list[str]) -> dict[str, int]:
    """{column name: index} of an events table's header (the first of a repeated name, the report's
    ``onset_frame`` as ``onset``; a coder's ``Action Units``, ``Estimated Emotion``, ``Notes``, ``Face``... as ours
    where the table has no column of our name: :data:`_SPELLINGS`, one line in ``notes`` naming them and the
    columns left unread, a spelling that lost to our own column with the one read instead); InputError for an
    empty file or one without the frame columns."""
    if not rows:
        raise InputError(f"{p}: empty file")
    header = [_header_key(h) for h in rows[0]]
    missing = [c for c in ("onset", "apex", "offset") if c not in header]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)} (have: "
                         f"{name_list(cell_text(h) for h in rows[0]) or 'none'}; expected "
                         f"{', '.join(EVENT_CSV_COLUMNS)})")
    idx = {h: j for j, h in reversed(list(enumerate(header))) if h in EVENT_CSV_COLUMNS}
    renamed: list[str] = []
    ignored: list[str] = []
    for j, h in enumerate(header):
        if h in EVENT_CSV_COLUMNS or h in _REPORT_ONLY or not h:
            continue
        ours = _SPELLED.get("".join(ch for ch in h if ch not in " _-"))
        if ours is not None and ours not in idx:
            idx[ours] = j
            renamed.append(f"{quote(cell_text(rows[0][j]))} as {ours}")
        elif ours is not None:  # our own column (or an earlier spelling of it) wins: say which was read instead
            ignored.append(f"{quote(cell_text(rows[0][j]))} ({ours} read from {quote(cell_text(rows[0][idx[ours]]))})")
        else:
            ignored.append(quote(cell_text(rows[0][j])))
    if renamed or ignored:
        notes.append(f"{p.name}: " + "; ".join(
            ([f"columns read under another name: {', '.join(renamed)}"] if renamed else [])
            + ([f"ignored: {name_list(ignored, 6)}"] if ignored else [])))
    return idx


@dataclass(frozen=True)
class _Cells:
    """A row's cells by column name: as text, as written (a note's spaces are the coder's), or as seconds (decimal
    commas allowed where the table's delimiter is no comma). A text cell comes without the apostrophe a
    spreadsheet-safe export put before it (:func:`unguarded_cell`; its decimal-comma rule where the delimiter is no
    comma, as make_spreadsheet_safe writes it), or by plain_cell's escape; not in an XLSX (``unguard`` False), whose
    text cells are stored as typed: a note '3/4 there is the coder's."""

    idx: Mapping[str, int]
    decimal_comma: bool
    unguard: bool = True

    def get(self, r: Sequence[Any], c: str) -> str:
        j = self.idx.get(c)
        if j is None or j >= len(r):
            return ""
        v = r[j]
        if type(v) is not str:
            return cell_text(v)
        # a CSV's cells are text: cell_text's answer, sooner
        return (unguarded_cell(v, self.decimal_comma) if self.unguard else v).strip()

    def raw(self, r: Sequence[Any], c: str) -> str:
        j = self.idx.get(c)
        v = r[j] if j is not None and j < len(r) else None
        if not isinstance(v, str):
            return cell_text(v)
        return unguarded_cell(v, self.decimal_comma) if self.unguard else v

    def seconds(self, r: Sequence[Any], c: str) -> float:
        return _float(self.get(r, c), self.decimal_comma)


def _frame_times(rows: Sequence[tuple[int, Sequence[Any]]], cells: _Cells) -> list[tuple[int, float]]:
    """(frame, seconds) of every onset, apex and offset the file gives both of (frame > 0, a finite time > 0)."""
    pairs = []
    for _, r in rows:
        for c in ("onset", "apex", "offset"):
            f = _int(cells.get(r, c))
            try:
                tv = cells.seconds(r, f"{c}_time")
            except ValueError:
                continue
            if f and tv > 0 and math.isfinite(tv):
                pairs.append((f, tv))
    return pairs


def _file_rate(rows: Sequence[tuple[int, Sequence[Any]]], cells: _Cells, fps: float | None,
               clock: FrameClock | None) -> tuple[float | None, bool]:
    """The file's frame rate, estimated as the median frame / time of its rows, and whether it differs from the
    video's ``fps`` (by over 1 %: the times may be exact, rounded by another tool, or a VFR video's real times; for
    a VFR video, whether the file's times are not the video's own)."""
    pairs = _frame_times(rows, cells)
    ratios = [f / tv for f, tv in pairs]
    # 1 where the file's times are the video's
    scales = [clock.timebase.time_of(f) / tv for f, tv in pairs] if clock is not None else []
    # a rounded NTSC rate (29.97 from times at 3 decimals) as NTSC's exact one: 29.97 moved late events a frame
    file_fps = exact_fps(round(statistics.median(ratios), 3)) if ratios else None
    if clock is not None and clock.variable:
        differs = bool(scales) and abs(statistics.median(scales) - 1.0) > 0.01
    else:
        differs = fps is not None and file_fps is not None and abs(file_fps - float(fps)) > 0.01 * float(fps)
    return file_fps, differs


def _no_one_rate(rows: Sequence[tuple[int, Sequence[Any]]], cells: _Cells) -> tuple[float, float] | None:
    """(lowest, highest frame / time) where the file's frames and times fit no one constant rate (a variable-rate
    video's export: a phone's 30 fps then 10 fps), else None: every time within half a frame of frame / the median
    rate (times rounded to the millisecond by another tool still fit)."""
    pairs = _frame_times(rows, cells)
    if len(pairs) < 2:
        return None
    rate = statistics.median(f / t for f, t in pairs)
    if all(abs(f / rate - t) <= 0.5 / rate for f, t in pairs):
        return None
    ratios = [f / t for f, t in pairs]
    return round(min(ratios), 1), round(max(ratios), 1)


def _apex_given(r: Sequence[Any], cells: _Cells) -> bool:
    """Whether the row codes an apex: its frame or time cell holds anything but CASME's ``/`` (not coded)."""
    return any(cells.get(r, c) not in ("", NOT_CODED) for c in ("apex", "apex_time"))


class _NearestFrame:
    """Seconds -> frame of a constant-rate copy of a variable-rate video: the copy shows each source frame from its
    frame nearest that frame's start (merstudio's reencode, as ffmpeg's fps filter), so a source frame starting
    late in a frame of the copy is first shown by the next one."""

    def __init__(self, fps: float) -> None:
        self.fps = fps

    def seconds_frame(self, seconds: float) -> int:
        return math.floor(float(seconds) * self.fps + 0.5)  # ValueError for nan, OverflowError for inf


def _row_frames(r: Sequence[Any], cells: _Cells, clock: FrameClock | _NearestFrame | None) -> dict[str, int] | str:
    """A row's onset, apex and offset frames: its frame columns, or with ``clock`` (the file's rate overridden by
    the video's) its times on that clock; the middle frame for an apex nobody coded (:func:`_apex_given`: the
    event's note tags it imputed); else what is bad or missing."""
    frames: dict[str, int] = {}
    for c in ("onset", "apex", "offset"):
        if clock is not None:
            try:
                frames[c] = clock.seconds_frame(cells.seconds(r, f"{c}_time"))
            except (ValueError, OverflowError):  # not a number, nan, inf
                continue
        else:
            f = _int(cells.get(r, c))
            if f is not None:
                frames[c] = f
    if len(frames) == 3 or ("apex" not in frames and len(frames) == 2 and not _apex_given(r, cells)):
        return frames  # without an apex: imputed by _row_event
    from_times = clock is not None
    bad = [f"{c}_time" if from_times else c for c in ("onset", "apex", "offset") if c not in frames]
    what = ", ".join(f"{c} {quote(cells.get(r, c))}" if cells.get(r, c) else f"{c} (empty)" for c in bad)
    return f"bad or missing {'time' if from_times else 'frame'} in {what}"


def _row_event(r: Sequence[Any], where: str, cells: _Cells, clock: FrameClock | _NearestFrame | None, au_reader: AUReader,
               video_id: int, source: str | None, skipped: list[Skip]) -> Event | None:
    """A row's event (frames by :func:`_row_frames`), or None with the reason in ``skipped``."""
    frames = _row_frames(r, cells, clock)
    if isinstance(frames, str):
        skipped.append(Skip(where, frames))
        return None
    found: dict[str, float | None] = {}
    for col in ("confidence", "model_confidence"):
        raw = cells.get(r, col)
        found[col] = None
        if raw:
            try:
                found[col] = _float(raw, True)  # 0..1: "0,9" is never a thousands separator
            except ValueError:
                skipped.append(Skip(where, f"bad {col} {quote(raw)}"))
                return None
    conf, model_conf = found["confidence"], found["model_confidence"]
    if (cells.get(r, "source") or source) == "model":
        if "model_confidence" not in cells.idx:  # our events CSV before 2026-12-07: the model's number was there
            conf, model_conf = None, conf
        elif conf is not None and conf == model_conf:  # a report before 2026-12-07 repeated it there (a proposal)
            conf = None
    face = _int(cells.get(r, "face_id") or "0")
    if face is None:
        skipped.append(Skip(where, f"bad face_id {quote(cells.get(r, 'face_id'))}"))
        return None
    note = cells.raw(r, "note")
    if "apex" in frames:
        apex = frames["apex"]
    else:  # no apex coded: the middle frame, tagged so that the agreement leaves it out
        apex, note = imputed_apex(frames["onset"], frames["offset"], note)
    return make_event(where, skipped, au_reader=au_reader, video_id=video_id, onset=frames["onset"],
                      apex=apex, offset=frames["offset"], face_id=face, emotion=cells.get(r, "emotion"),
                      aus=cells.get(r, "aus"), coder=cells.get(r, "coder"), confidence=conf,
                      model_confidence=model_conf,
                      note=note, source=source or cells.get(r, "source") or "imported",
                      status=_status(r, cells), model=cells.get(r, "model"))
