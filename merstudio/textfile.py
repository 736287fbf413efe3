"""Text tables whatever their encoding: the one decoder of CSV/TSV files for every reader (annotation imports,
dataset sheets and sample tables, pandas reads).

Coders' tables come from Excel and other tools: UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text"),
8-bit Latin-1 ("Text" on Windows). The encoding is read from the BOM, UTF-16 without one is recognised by its NUL
bytes, and undecodable UTF-8 falls back to Latin-1; a binary file or bytes that break the announced encoding is one
InputError line. A csv error (a field over the module's limit, a quote left open) is one line naming the record.
The delimiter (",", ";" as Excel writes CSV in comma-decimal locales, or a tab) is told by the header line alone
(:func:`sniff_delimiter`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from merstudio.errors import InputError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # UTF-32 LE before UTF-16 LE


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """(encoding, length of the byte-order mark) of a text file from its first bytes: the BOM when there is one
    (UTF-8, UTF-16 LE/BE as Excel's "Unicode text" writes it, UTF-32), else UTF-16 without a BOM when every other
    byte is NUL, else ``utf-8`` (the caller falls back to Latin-1). A file with other NUL bytes is ``binary``."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc, len(bom)
    if b"\x00" not in head:
        return "utf-8", 0
    even, odd = head[0::2], head[1::2]
    # UTF-16 without a BOM: the high byte of ASCII (and most Latin) text is NUL, the low byte almost never
    if len(odd) >= 2 and odd.count(0) >= 0.5 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le", 0
    if len(even) >= 2 and even.count(0) >= 0.5 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be", 0
    return "binary", 0


def read_bytes(path: Path, what: str, limit: int | None = None) -> bytes:
    if not path.is_file():
        raise InputError(f"{path}: {what} not found")
    try:
        with path.open("rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def decode_table(path: Path, data: bytes) -> str:
    """A text table's bytes as text, see :func:`sniff_encoding`; InputError (one line) for a binary file or bytes
    that are not the encoding the BOM announces."""
    enc, skip = sniff_encoding(data[:4096])
    if enc == "binary":
        raise InputError(f"{path}: holds NUL bytes but is not UTF-16 text: a binary file, not a text table "
                         "(save it as UTF-8 or UTF-16 text, CSV or TSV)")
    if enc == "utf-8":
        try:
            return data[skip:].decode("utf-8")
        except UnicodeDecodeError:
            return data[skip:].decode("latin-1")  # an 8-bit export (Excel's "Text" on Windows)
    try:
        return data[skip:].decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {enc.upper()} text (byte {exc.start + skip:,}), although it "
                         "starts like it; save it again as UTF-8 or UTF-16 text") from None


def read_table_text(path: Path, what: str) -> str:
    """The whole text of a text table (CSV, TSV) whatever its encoding (:func:`decode_table`)."""
    return decode_table(path, read_bytes(path, what))


def read_head(path: Path, n: int = 65_536) -> str:
    """The first line of a text file (decoded as :func:`read_table_text` does, at most ``n`` bytes read); "" for a
    file that cannot be read: for guessing a format, never for reporting."""
    try:
        with path.open("rb") as fh:
            data = fh.read(n)
    except OSError:
        return ""
    enc, skip = sniff_encoding(data[:4096])
    if enc == "binary":
        return ""
    data = data[skip:]
    if enc.startswith("utf-16") and len(data) % 2:
        data = data[:-1]
    text = data.decode(enc, errors="replace")
    return text.splitlines()[0] if text else ""


DELIMITERS = (",", ";", "\t")  # CSV; Excel's CSV in comma-decimal locales; TSV / Excel's "Unicode text"


def sniff_delimiter(header: str, candidates: tuple[str, ...] = DELIMITERS) -> str:
    """The delimiter of a text table, told by its header line (one line: a tab or ";" in a note further down
    says nothing): the candidate that occurs most often in it, "," on a tie or when none does. Quoted names are
    skipped over, so a column called "a;b" does not count."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    best = max(candidates, key=lambda d: (unquoted.count(d), d == ","))
    return best if unquoted.count(best) else ","


def csv_rows(path: Path, text: str, delimiter: str = ",") -> list[list[str]]:
    """The records of a CSV/TSV text. A field over the csv module's limit (:data:`CSV_FIELD_LIMIT`) or another csv
    error is one InputError line naming the record ("row 3", the header being row 1)."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for r in reader:
            rows.append(r)
    except csv.Error as exc:
        msg = str(exc)
        if "field limit" in msg:
            msg = (f"a field is longer than {csv.field_size_limit():,} characters (not an annotation table, or a "
                   "quote left open)")
        raise InputError(f"{path}: row {len(rows) + 1}: {' '.join(msg.split())[:120]}") from None
    return rows


def pandas_encoding(p: Path) -> str:
    """The encoding pandas should read a text table with (from its byte-order mark; InputError for a binary file)."""
    try:
        with p.open("rb") as fh:
            enc, bom = sniff_encoding(fh.read(4096))
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if enc == "binary":
        raise InputError(f"{p}: holds NUL bytes but is not UTF-16 text: a binary file, not a CSV table")
    if enc == "utf-8":
        return "utf-8-sig"
    return enc.rsplit("-", 1)[0] if bom else enc  # "utf-16" / "utf-32": pandas drops the BOM
