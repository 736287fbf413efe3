"""The one XLSX writer: a sheet of rows, written atomically, every text cell stored as text; and a look at a
workbook's first row (what a reader needs to tell our tables apart; the rows themselves are read by
merstudio.datasets.parse.read_workbook_rows).

openpyxl stores a string that starts with "=" as a formula: a coder's note "=AU12 stronger" would come back empty
(a formula without a cached value) and a crafted note would run as a formula when the sheet is opened in Excel
(formula injection). Cells here are text whatever they start with, so the sheet reads back exactly as written.

An XLSX file is XML, and XML 1.0 forbids most control characters (a note pasted from Word holds \x0b, its
shift-enter line break): openpyxl refuses such a cell (IllegalCharacterError) and an .eaf holding one is no XML
that ELAN (or our reader) opens. :func:`xml_text` is the one rule every XML writer applies to its text.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from merstudio.atomic import atomic_path

# what XML 1.0 forbids (its Char production): C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})  # vertical tab (Word's shift-enter), form feed


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 can hold it: a vertical tab or form feed is the line break it stands for, any other
    character XML forbids becomes U+FFFD (visibly something that was not text, not silently dropped)."""
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub("\ufffd", text.translate(_LINE_BREAKS))


def keep_carriage_returns(xml: bytes) -> bytes:
    """Serialised XML with each raw carriage return as ``&#13;``: a parser normalises a raw CR (and CRLF) to LF, so a
    note's CRLF came back LF through .eaf and .xlsx (a120 finding 8). The writers here emit no CR of their own: any
    raw CR is text or an attribute value, where a character reference is kept as written."""
    return xml.replace(b"\r", b"&#13;")


def _keep_crs_in_zip(data: bytes) -> bytes:
    """An .xlsx (a zip) with :func:`keep_carriage_returns` applied to its XML parts."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            dst.writestr(info, keep_carriage_returns(part) if info.filename.endswith(".xml") else part)
    return out.getvalue()


def _plain(value: Any) -> Any:
    """A value openpyxl writes as itself: numpy scalars as Python numbers, NaN/None as an empty cell."""
    if value is None:
        return None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and not isinstance(value, str | bytes):
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_xlsx(path: str | os.PathLike[str], sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
               progress: Callable[[int, int], None] | None = None) -> Path:
    """Write one sheet (``header`` then ``rows``) to ``path`` atomically. ``progress(1, 2)`` once the workbook is
    built, before anything is written (what it raises, the app's Cancel export, leaves the old file as it was);
    ``progress(2, 2)`` once it is in place."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)

    crs = False

    def cell(value: Any) -> Any:
        nonlocal crs
        value = _plain(value)
        crs = crs or (isinstance(value, str) and "\r" in value)
        c = WriteOnlyCell(ws, value=xml_text(value) if isinstance(value, str) else value)
        if isinstance(c.value, str):
            c.data_type = "s"  # text, even when it starts with "=" (openpyxl would make it a formula)
        return c

    ws.freeze_panes = "A2"  # the header stays in view as the rows scroll
    ws.append([cell(h) for h in header])
    for r in rows:
        ws.append([cell(v) for v in r])
    # Built in memory, then written in one go: openpyxl writing straight to a file on a full disk leaves its zip
    # open, and the zip's clean-up raises again later ("Exception ignored in ZipFile.__del__") on stderr.
    buf = io.BytesIO()
    wb.save(buf)
    data = _keep_crs_in_zip(buf.getvalue()) if crs else buf.getvalue()
    if progress:
        progress(1, 2)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    if progress:
        progress(2, 2)
    return Path(path)


def first_row(path: str | os.PathLike[str]) -> list[Any]:
    """The first row of an .xlsx file's first sheet (cells as openpyxl reads them); [] when it has none or is no
    workbook openpyxl can open: for telling a table's kind, never for reporting (the reader says what is wrong)."""
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types for a bad file; the reader reports it
        return []
    try:
        for row in wb[wb.sheetnames[0]].iter_rows(max_row=1, values_only=True):
            return list(row)
        return []
    except Exception:  # a sheet is read lazily: broken XML raises here
        return []
    finally:
        wb.close()
