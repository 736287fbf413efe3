"""Parsing helpers shared by the loaders: AU cells, subject spellings, frame numbers, sheets, frame folders."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from merstudio.datasets.sample import note
from merstudio.errors import InputError
from merstudio.io import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, natural_sort_key
from merstudio.io.listing import frame_files
from merstudio.textfile import DELIMITERS, csv_rows, read_table_text, sniff_delimiter

# One home for these (merstudio.io); the dataset code keeps its short names.
IMAGE_EXTS = IMAGE_EXTENSIONS
VIDEO_EXTS = VIDEO_EXTENSIONS
natural_key = natural_sort_key
_EMPTY = {"", "null", "none", "nan", "n/a", "na", "/", "-", "?"}
# A sheet saved as text: Excel's CSV (",", or ";" in comma-decimal locales), "Unicode text" (.txt, UTF-16, tabs)
TEXT_SHEET_SUFFIXES = (".csv", ".txt", ".tsv")
MAX_DIGITS = 18  # longest number a sheet cell may hold (frames, subjects, AUs): int64; longer is refused in one line


class NumberTooLong(InputError, ValueError):
    """A cell's number too long to be a frame or subject: a one-line InputError, and a ValueError for callers that
    read such a cell as "not a number" (merstudio.interchange.sheets)."""


def _quote(value: object) -> str:
    """Input quoted for a message: at most ~80 characters of it (merstudio.interchange.common.quote)."""
    from merstudio.interchange.common import quote  # not at import: interchange imports this module

    return quote(value)


def _shorten(text: object) -> str:
    from merstudio.interchange.common import shorten

    return shorten(text, 200)


def _names(names: Sequence[object]) -> str:
    from merstudio.interchange.common import name_list

    return name_list(names)


def _number(digits: str, what: str, where: str = "") -> int:
    """``int`` of a run of digits, or a one-line InputError for one too long to be a frame, subject or AU number
    (Python refuses over 4,300 digits with a ValueError; a float of 400 digits is inf)."""
    if len(digits.lstrip("0")) > MAX_DIGITS:
        msg = f"{what} {_quote(digits)} is not a number this program can use ({len(digits):,} digits)"
        raise NumberTooLong(f"{where}: {msg}" if where else msg)
    return int(digits)


def cell_text(value: Any) -> str:
    """A sheet cell as text: None/NaN -> "", integral floats without ".0" (Excel stores 12 as 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def is_empty_cell(value: Any) -> bool:
    """A cell that holds nothing: blank, or a spelling of "not coded" (NULL, /, -, n/a, ?)."""
    return cell_text(value).lower() in _EMPTY


def parse_aus(value: Any) -> tuple[frozenset[int], str]:
    """AU numbers in a FACS cell and the raw text.

    Handles `4+7`, `L12`/`R6` (sides), `A/L12`, `10A/B` (intensity letters), `(R6 or R12)+R15`,
    `ref(7B)+43`, `4,24`, `NULL`, and numbers Excel stored as floats (`12.0`)."""
    raw = cell_text(value)
    if raw.lower() in _EMPTY:
        return frozenset(), raw
    # "12.0" and "4.0+7.0": drop a float's zero fraction before reading integers.
    text = re.sub(r"(\d)\.0+\b", r"\1", raw)
    # 0 and 100+ are no AU numbers and are dropped; a number too long for int() is a one-line NumberTooLong
    aus = {_number(n, "AU number", f"AU cell {_quote(raw)}") for n in re.findall(r"\d+", text)}
    return frozenset(a for a in aus if 0 < a < 100), raw


# A subject as the datasets spell it (datasets.md): a number (6, 006, 6.0 as Excel stores it) or one after sub,
# subject, s or spNO. (sub01, sub-01, s1, S01, spNO.1). The digits of any other text are no subject: a footnote's
# "Davison et al. 2018" was read as subject 2018.
_SUBJECT = re.compile(r"(?:(?:sub(?:j(?:ect)?)?|s|sp(?:no)?)[\s._-]*)?(\d+)(?:\.0+)?", re.IGNORECASE)


def subject_number(value: Any, where: str = "") -> int:
    """The subject number in any of `sub01`, `01`, `1`, `1.0`, `s1`, `s01`, `006`, `6`, `spNO.1`; any other cell
    is a one-line InputError (``where``: the row, first)."""
    text = cell_text(value)
    m = _SUBJECT.fullmatch(text)
    if m is None:
        msg = f"subject {_quote(text)} has no number as subjects are written (6, 006, sub06, s6, spNO.6)"
        raise InputError(f"{where}: {msg}" if where else msg)
    return _number(m.group(1), "subject", where)


def person_key(name: str) -> object:
    """What makes two subject names one person (a sample table's cells, a project's subjects): the number in 7, 007,
    sub07, s7 (subject_number, the sheet loaders' rule), else the name without case (P01 = p01)."""
    try:
        return subject_number(name)
    except InputError:
        return name.casefold()


def frame_number(value: Any) -> int | None:
    """An onset/apex/offset cell as an int; None for `/`, blank, NULL, 0 or negative (= not coded). A number too
    long to be a frame (over :data:`MAX_DIGITS` digits, 1e300) is a one-line InputError."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            return None  # inf is not an integer either
        if isinstance(value, float) and abs(value) >= 10.0 ** MAX_DIGITS:
            raise NumberTooLong(f"frame number {value:g} is too large to be a frame")
        if isinstance(value, int) and value.bit_length() > 64:
            raise NumberTooLong(f"frame number of {value.bit_length():,} bits is too large to be a frame")
        n = int(value)
        return n if n > 0 else None
    text = str(value).strip()
    m = re.fullmatch(r"(\d+)(\.0+)?", text)
    if m:
        n = _number(m.group(1), "frame number")
        return n if n > 0 else None
    return None


def file_frame_number(path: Path) -> int | None:
    """The frame number a file name carries: the last integer of its stem (img46, 006_05562, reg_EP01-012)."""
    nums = re.findall(r"\d+", path.stem)
    return int(nums[-1]) if nums and len(nums[-1]) <= 4000 else None  # a name is at most 255 bytes anyway


def list_images(folder: Path) -> list[Path]:
    """Image files of a folder in natural order."""
    try:
        return frame_files(folder)  # the files the player plays: a Mac's ._img1.jpg or a Thumbs.db is no frame
    except OSError:
        return []


def numbered_frames(folder: Path) -> dict[int, Path]:
    """frame number -> file, from the numbers in the file names of a frame folder."""
    out: dict[int, Path] = {}
    for p in list_images(folder):
        n = file_frame_number(p)
        if n is not None and n not in out:
            out[n] = p
    return out


def numbered_dirs(parent: Path) -> dict[int, Path]:
    """Subfolders by the number in their name (sub01 -> 1, 006 -> 6, s15 -> 15, spNO.1 -> 1)."""
    out: dict[int, Path] = {}
    try:
        children = sorted((p for p in parent.iterdir() if p.is_dir()), key=lambda p: natural_key(p.name))
    except OSError:
        return out
    for p in children:
        nums = re.findall(r"\d+", p.name)
        if nums:
            out.setdefault(int(nums[-1]), p)
    return out


def f_twin(name: str) -> str:
    """The CASME II name differing by one trailing f: ep15_01f <-> ep15_01 (sheets and trees disagree on it)."""
    return name[:-1] if name.endswith("f") else name + "f"


def find_child(parent: Path, name: str, others: Iterable[str] = ()) -> Path | None:
    """A subfolder named `name`, matched exactly, then case-insensitively, then ignoring a trailing `f` (CASME II
    sheets and trees disagree on e.g. EP15_01f vs EP15_01). `others`: the sheet's other clip names in this folder;
    one of those is never taken for `name` (EP05_03 and EP05_03f are two clips). The caller says when the folder
    found is not `name` itself."""
    exact = parent / name
    if exact.is_dir():
        return exact
    want = name.strip().lower()
    try:
        dirs = [p for p in parent.iterdir() if p.is_dir()]
    except OSError:
        return None
    for p in dirs:
        if p.name.lower() == want:
            return p
    listed = {o.strip().lower() for o in others} - {want}
    for p in dirs:
        if p.name.lower() == f_twin(want) and p.name.lower() not in listed:
            return p
    return None


@dataclass
class SheetRow:
    row: int  # 1-based row number as Excel shows it
    values: dict[str, Any]  # normalised column name -> cell value
    cells: tuple[Any, ...]  # the row as read


def norm_col(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", cell_text(name).lower())


def sheet_delimiter(text: str, scan: int = 30) -> str:
    """The delimiter of a sheet saved as text: sniff_delimiter on the widest of its first `scan` lines. A sheet's
    header may follow a preamble (SAMM's 13 rows), which Excel writes with its row's empty cells but a hand-made file
    may write as a bare title with no delimiter at all."""
    lines = text.splitlines()[:scan]
    return sniff_delimiter(max(lines, key=lambda ln: max(map(re.sub(r'"[^"]*"', "", ln).count, DELIMITERS)),
                               default=""))


def _open_workbook(path: Path, read_only: bool = True) -> Any:
    """An .xlsx workbook opened for its cell values; a file openpyxl cannot read is one InputError line."""
    try:
        import openpyxl

        return openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputError(f"{path}: cannot read the workbook ({type(exc).__name__}: {_shorten(exc)})") from None


def _sheet_named(path: Path, names: Sequence[str], sheet: str | int) -> str:
    """The workbook's sheet that `sheet` names (by index, or by name in any case and spacing)."""
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(f"{path}: no sheet number {sheet} (it has {len(names)})")
        return names[sheet]
    match = [n for n in names if n.strip().lower() == str(sheet).strip().lower()]
    if not match:
        raise InputError(f"{path}: no sheet {_quote(sheet)} (sheets: {_names(names)})")
    return match[0]


def _worksheet_rows(path: Path, ws: Any) -> list[tuple[Any, ...]]:
    try:
        return [tuple(r) for r in ws.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl reads a sheet lazily: a broken or hostile sheet XML raises here
        raise InputError(f"{path}: cannot read the workbook ({type(exc).__name__}: {_shorten(exc)})") from None


def read_workbook_rows(path: Path, sheet: str | int | None = None) -> tuple[str, list[tuple[Any, ...]]]:
    """All rows of one sheet (by name, index, or the first) of an .xlsx file, or of a sheet saved as text
    (TEXT_SHEET_SUFFIXES: ",", ";" or tab as its widest line says)."""
    if not path.is_file():
        raise InputError(f"{path}: annotation file not found")
    if path.suffix.lower() in TEXT_SHEET_SUFFIXES:
        # UTF-8 (with or without a BOM), UTF-16 LE/BE (Excel's "Unicode text"), Latin-1; a field over the csv
        # module's limit is one line naming the row
        text = read_table_text(path, "annotation file")
        return path.name, [tuple(r) for r in csv_rows(path, text, sheet_delimiter(text))]
    wb = _open_workbook(path)
    try:
        name = wb.sheetnames[0] if sheet is None else _sheet_named(path, wb.sheetnames, sheet)
        rows = _worksheet_rows(path, wb[name])
    finally:
        wb.close()
    return name, rows


def sheet_names(path: Path) -> list[str]:
    wb = _open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# A workbook up to this size is loaded whole, which is what tells its merged cells (a streamed one does not know
# them); whole, openpyxl takes ~100 times the file's size in memory. Annotation sheets are tens of KB.
FULL_READ_MAX_BYTES = 4_000_000


def _header_at(rows: Sequence[tuple[Any, ...]], want: Sequence[str], scan: int) -> int | None:
    """The index of the first of the first `scan` rows holding every column of `want` (norm_col names)."""
    for i, row in enumerate(rows[:scan]):
        cols = [norm_col(c) for c in row]
        if all(w in cols for w in want):
            return i
    return None


def _first_row(rows: Sequence[tuple[Any, ...]]) -> str:
    found = [cell_text(c) for c in (rows[0] if rows else ()) if cell_text(c)]
    return _quote(", ".join(found)) if found else "empty"


def _fill_merged(path: Path, name: str, ws: Any, rows: list[tuple[Any, ...]], header_at: int,
                 notes: list[str] | None) -> list[tuple[Any, ...]]:
    """`rows` with each merged range of the table (below its header) that spans several rows read as its value on
    every row it covers, down its first column, as Excel shows it: lab sheets merge a subject's Subject cells into
    one. A merge within one row (a title across columns) is left as read: its value stays in its first cell. Said
    in one note."""
    ranges = sorted((r.min_row, r.max_row, r.min_col) for r in ws.merged_cells.ranges)
    header = rows[header_at]
    filled: dict[int, list[str]] = {}
    out = list(rows)
    for top, bottom, col in ranges:
        if top <= header_at + 1 or bottom == top or top > len(out):  # 1-based rows: the header is header_at + 1
            continue
        value = out[top - 1][col - 1] if col <= len(out[top - 1]) else None
        if cell_text(value) == "":
            continue
        for r in range(top, min(bottom, len(out))):  # 0-based indices of the rows under the top one
            cells = list(out[r]) + [None] * (col - len(out[r]))
            cells[col - 1] = value
            out[r] = tuple(cells)
        filled.setdefault(col, []).append(f"{top}-{bottom}")
    if filled and notes is not None:
        from openpyxl.utils import get_column_letter

        def column(col: int) -> str:
            text = cell_text(header[col - 1]) if col <= len(header) else ""
            return _shorten(text) if text else f"column {get_column_letter(col)}"

        spans = "; ".join(f"{column(c)} rows {_names(filled[c])}" for c in sorted(filled))
        note(notes, f"{path}: sheet {_quote(name)}: merged cells read as their value on every row they cover "
                    f"(as Excel shows them): {spans}")
    return out


def _table_sheet(path: Path, required: Sequence[str], sheet: str | int | None, scan: int,
                 notes: list[str] | None) -> tuple[str, list[tuple[Any, ...]], int]:
    """(sheet name, rows, index of the header row) of the sheet with the `required` columns: the one asked for;
    else the first sheet, or when it has none of them (a ReadMe sheet first) the one other sheet that has them
    (said), or one line listing the sheets."""
    want = [norm_col(c) for c in required]
    cols = ", ".join(required)
    if path.suffix.lower() in TEXT_SHEET_SUFFIXES:
        name, rows = read_workbook_rows(path, sheet)
        at = _header_at(rows, want, scan)
        if at is None:
            raise InputError(f"{path}: sheet {_quote(name)} has no header row with columns {cols} "
                             f"(first row: {_first_row(rows)})")
        return name, rows, at
    if not path.is_file():
        raise InputError(f"{path}: annotation file not found")
    whole = path.stat().st_size <= FULL_READ_MAX_BYTES
    wb = _open_workbook(path, read_only=not whole)
    try:
        names = list(wb.sheetnames)
        first = names[0] if sheet is None else _sheet_named(path, names, sheet)
        rows = _worksheet_rows(path, wb[first])
        at = _header_at(rows, want, scan)
        if at is not None:
            return first, (_fill_merged(path, first, wb[first], rows, at, notes) if whole else rows), at
        if sheet is not None or len(names) == 1:
            more = f"; sheets: {_names(names)}" if len(names) > 1 else ""
            raise InputError(f"{path}: sheet {_quote(first)} has no header row with columns {cols} "
                             f"(first row: {_first_row(rows)}{more})")
        found = []
        for other in names[1:]:
            other_rows = _worksheet_rows(path, wb[other])
            other_at = _header_at(other_rows, want, scan)
            if other_at is not None:
                found.append((other, other_rows, other_at))
        if not found:
            raise InputError(f"{path}: no sheet has a header row with columns {cols} (sheets: {_names(names)}; "
                             f"first row of {_quote(first)}: {_first_row(rows)})")
        if len(found) > 1:
            raise InputError(f"{path}: sheets {_names([_quote(n) for n, _, _ in found])} all have the columns "
                             f"{cols}, and the first sheet, {_quote(first)}, lacks them: name the one to read with "
                             "--sheet NAME (sheet= in Python)")
        name, rows, at = found[0]
        if notes is not None:
            note(notes, f"{path}: read sheet {_quote(name)}, the one with this dataset's columns (the first sheet, "
                        f"{_quote(first)}, has no such header row; --sheet NAME, sheet= in Python, reads another)")
        return name, (_fill_merged(path, name, wb[name], rows, at, notes) if whole else rows), at
    finally:
        wb.close()


def read_table(path: Path, required: Sequence[str], sheet: str | int | None = None,
               optional: Iterable[str] = (), scan: int = 30, *, sample_cols: Sequence[str] = (),
               notes: list[str] | None = None) -> list[SheetRow]:
    """Rows of a sheet with a header row, found by scanning the first `scan` rows for one holding all
    `required` columns (SAMM has 13 preamble rows; CASME II has its header on row 1). Column names compare
    case-, space- and punctuation-insensitively. Blank rows are skipped.

    Without `sheet`, a workbook whose first sheet lacks the columns (a ReadMe first) is read from the one other
    sheet that has them. Merged cells of the table are read on every row they cover (:func:`_fill_merged`).
    `sample_cols`: the columns that make a row a sample (its clip name and frames): a row with none of them filled
    is a note or a footnote under the table ("* classes as in Davison et al. 2018"), left out. What was so read is
    said in `notes` (merstudio.datasets.sample.note)."""
    name, rows, header_at = _table_sheet(path, required, sheet, scan, notes)
    want = [norm_col(c) for c in required]
    header = [norm_col(c) for c in rows[header_at]]
    keep = set(want) | {norm_col(c) for c in optional}
    needed = [norm_col(c) for c in sample_cols]
    out: list[SheetRow] = []
    no_sample: list[tuple[int, str]] = []
    for j, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(cell_text(c) == "" for c in row):
            continue
        cells: dict[str, Any] = {}
        for col, cell in zip(header, row, strict=False):
            cells.setdefault(col, cell)  # a column named twice: its first
        if needed and all(is_empty_cell(cells.get(c)) for c in needed):
            no_sample.append((j, next(cell_text(c) for c in row if cell_text(c))))
            continue
        out.append(SheetRow(j, {c: v for c, v in cells.items() if c in keep}, row))
    if no_sample and notes is not None:
        nums = [str(j) for j, _ in no_sample]
        where = (f"row {nums[0]}" if len(nums) == 1 else f"rows {nums[0]} and {nums[1]}" if len(nums) == 2
                 else f"rows {_names(nums)}")
        cols = " or ".join(filter(None, (", ".join(sample_cols[:-1]), sample_cols[-1])))
        note(notes, f"{path}: {where}: nothing in {cols} (a note or footnote under the table: "
                    f"{_quote(no_sample[0][1])}): not {'a sample' if len(nums) == 1 else 'samples'}, left out")
    return out


def read_table_rows(path: Path, what: str, required: Sequence[str],
                    optional: Sequence[str] = (), unguard: bool = False) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV/TSV table with a header row, each as (row number, {column: stripped cell}) with a cell
    for every `required` and `optional` column the header has ("" beyond a short row); blank rows are left out.
    Any encoding (merstudio.textfile), "," ";" or tab as the header line says; column names compare case-, space-
    and punctuation-insensitively and are keyed as norm_col spells them (face_box -> facebox). An empty table, a
    missing required column or a broken record is one InputError line naming `path` (`what`: "sample table").
    ``unguard``: a table merstudio writes (the labelled set): each cell without the apostrophe a spreadsheet-safe
    export put before it (merstudio.interchange.events_csv.unguarded_cell, its exact inverse)."""
    text = read_table_text(path, what)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    records = csv_rows(path, text, delimiter)
    if unguard:
        # not at import: interchange imports this module. A safe labelled set's subject '2026-03 or label '3/4
        # was a person or a class of its own
        from merstudio.interchange.events_csv import unguarded_cell

        records = [[unguarded_cell(c, delimiter != ",") for c in r] for r in records]
    if not records:
        raise InputError(f"{path}: empty {what}")
    header = records[0]
    cols = [norm_col(h) for h in header]
    missing = [c for c in required if norm_col(c) not in cols]
    if missing:
        found = ",".join(h[:40] for h in header[:10]) + (",..." if len(header) > 10 else "")
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (need {','.join(required)}"
                         + (f"; optional {','.join(optional)}" if optional else "") + f"; found {found})")
    idx = {k: cols.index(k) for k in map(norm_col, (*required, *optional)) if k in cols}
    rows = []
    for rowno, row in enumerate(records[1:], start=2):
        if any(c.strip() for c in row):
            rows.append((rowno, {k: (row[i].strip() if i < len(row) else "") for k, i in idx.items()}))
    return rows


def find_file(roots: Iterable[Path], patterns: Sequence[str]) -> Path | None:
    """The first file matching a glob pattern (case-insensitive) directly in one of `roots`; latest name wins."""
    found = find_files(roots, patterns)
    return found[0] if found else None


def find_files(roots: Iterable[Path], patterns: Sequence[str]) -> list[Path]:
    """What find_file reads first, then the other files of its folder that match any of the patterns (two coding
    versions of one sheet, an .xlsx and its .csv export): [] when none matches."""
    for root in roots:
        if not root.is_dir():
            continue
        files = sorted((p for p in root.iterdir() if p.is_file() and not p.name.startswith("~$")),
                       key=lambda p: natural_key(p.name))
        rxs = [re.compile(glob_to_re(pat), re.IGNORECASE) for pat in patterns]
        for rx in rxs:
            hits = [p for p in files if rx.fullmatch(p.name)]
            if hits:
                return [hits[-1], *(p for p in files if p != hits[-1] and any(r.fullmatch(p.name) for r in rxs))]
    return []


def find_dir(root: Path, patterns: Sequence[str]) -> Path | None:
    """The first subfolder of `root` whose name matches one of the glob patterns, in pattern order."""
    try:
        dirs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: natural_key(p.name))
    except OSError:
        return None
    for pat in patterns:
        rx = re.compile(glob_to_re(pat), re.IGNORECASE)
        for p in dirs:
            if rx.fullmatch(p.name):
                return p
    return None


def glob_to_re(pat: str) -> str:
    """A name pattern (``*`` any text, ``?`` one character; every other character itself, as the parentheses of
    ``cas(me)*``) as a regular expression for ``re.fullmatch``: how find_file, find_dir and the loaders match names."""
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pat)
