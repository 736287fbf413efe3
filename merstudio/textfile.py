"""Text tables whatever their encoding: the one decoder of CSV/TSV files for every reader (annotation imports,
dataset sheets and sample tables, pandas reads).

Coders' tables come from Excel and other tools: UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text"),
Windows-1252 (Excel's "CSV" on a Western Windows). The encoding is read from the BOM, UTF-16 without one is recognised
by its NUL bytes; a file that is not UTF-8 is read as Windows-1252 only where that reads as Latin text, and says so
(:func:`table_notes`); any other (GBK, Shift-JIS, a UTF-8 file with a stray byte), a binary file or bytes that break
the announced encoding is one InputError line: nothing is read as mojibake. A csv error (a field over the module's
limit, a quote left open) is one line naming the record.
The delimiter (",", ";" as Excel writes CSV in comma-decimal locales, or a tab) is told by the header line alone
(:func:`sniff_delimiter`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from merstudio.errors import InputError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # UTF-32 LE before UTF-16 LE


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """(encoding, length of the byte-order mark) of a text file from its first bytes: the BOM when there is one
    (UTF-8, UTF-16 LE/BE as Excel's "Unicode text" writes it, UTF-32), else UTF-16 without a BOM when every other
    byte is NUL, else ``utf-8`` (:func:`decode_table` tells Windows-1252 from it). A file with other NUL bytes is
    ``binary``."""
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
        except UnicodeDecodeError as exc:
            return _not_utf8(path, data[skip:], exc, bom=skip > 0)
    try:
        return data[skip:].decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {enc.upper()} text (byte {exc.start + skip:,}), although it "
                         "starts like it; save it again as UTF-8 or UTF-16 text") from None


CP1252_NOTE = 'not UTF-8: read as Windows-1252 (Excel\'s "CSV", Notepad\'s "ANSI" on Windows)'
UTF8_HOW = 'save it as "CSV UTF-8" in Excel, or re-encode it as UTF-8'

# the 8-bit text of a non-UTF-8 file: quotes, dashes, "…" may stand beside a word's letters or each other
_CLINGING = set("\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2013\u2014\u2026\u2022\u00a0")
_JOINING = set("\u2019\u2018\u00b7\u2013\u2014\u00ad")  # between two letters: l’été, col·lecció, a–b
# Turkish Windows-1254's ş ğ ı İ Ş Ğ read as Windows-1252: þ ð ý Ý Þ Ð (Ayşe as "Ayþe"): not taken for Latin
_TURKISH_TELLS = set("\u00fe\u00f0\u00fd\u00dd\u00de\u00d0")
_notes: ContextVar[list[str] | None] = ContextVar("merstudio_textfile_notes", default=None)


@contextmanager
def table_notes() -> Iterator[list[str]]:
    """The notes of the tables read within (a file that is not UTF-8 read as Windows-1252), collected for the
    caller to show (an import preview's notes) rather than warned: outside, each is a UserWarning, which the CLI
    prints as a warning line and the app's commands show in the status bar."""
    said: list[str] = []
    token = _notes.set(said)
    try:
        yield said
    finally:
        _notes.reset(token)


def _say(note: str) -> None:
    sink = _notes.get()
    if sink is None:
        warnings.warn(note, UserWarning, stacklevel=4)
    elif note not in sink:  # a file read twice (its videos, then its rows) is said once
        sink.append(note)


def _latin(text: str) -> bool:
    """Whether Windows-1252 text reads as Latin text: its non-ASCII characters are a word's accented letters (2 or 3
    together only touching an ASCII letter: Müßig, ação), quotes, dashes and "…" beside them ("„Über“", "café…"), or
    a symbol standing alone (5 €, 20°C). GBK or Shift-JIS read so is runs of symbols and letters with no ASCII word
    about them (王芳 as "Íõ·¼", 中 as "’†"); Windows-1250 Polish has symbols inside words ("by³a")."""
    if _TURKISH_TELLS.intersection(text):
        return False
    text = text.replace("\u00a0", " ")  # a no-break space is a space: French and German Excel write "5 €", "20 °C"
    clinging = "".join(_CLINGING)
    for m in re.finditer(r"[^\x00-\x7f]+", text):
        run = m.group()
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        lead = len(run) - len(run.lstrip(clinging))
        core = run[lead:].rstrip(clinging)
        trail = len(run) - lead - len(core)
        if lead > 2 or trail > 2:
            return False
        if len(core) == 1 and not core.isalpha():
            if lead or trail or (before.isalpha() and after.isalpha() and core not in _JOINING):
                return False  # a symbol in quotes, or inside a word
        elif len(core) > 1:
            letters = len(core) <= 3 and all(c.isalpha() and c not in "ªºµ" for c in core)
            in_word = (not lead and before.isascii() and before.isalpha()) or (
                not trail and after.isascii() and after.isalpha())
            if not (letters and in_word):
                return False
    return True


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError, bom: bool) -> str:
    """The text of a table that is not UTF-8 (``exc``: its first bad byte): Windows-1252 where that reads as Latin
    text (said: :func:`table_notes`); InputError naming the line and the byte where the rest is UTF-8 (one stray
    byte made every accent of the file mojibake), where the file announces UTF-8 by its BOM, or where Windows-1252
    reads as no Latin text (GBK, Shift-JIS, another code page)."""
    line = data.count(b"\n", 0, exc.start) + 1
    where = f"{path}: line {line}: byte 0x{data[exc.start]:02X} is not UTF-8"
    loose = data.decode("utf-8", errors="surrogateescape")
    bad = len(re.findall("[\udc80-\udcff]", loose))
    good = len(re.findall("[^\x00-\x7f\udc80-\udcff]", loose))  # whole UTF-8 sequences of 2 to 4 bytes
    if bom or good >= bad:
        raise InputError(f"{where}, though the file is UTF-8 elsewhere: fix that character, or {UTF8_HOW}; "
                         "nothing read") from None
    try:
        text = data.decode("cp1252")  # strict: its 5 unassigned bytes (0x81 0x8D 0x8F 0x90 0x9D) are not text
    except UnicodeDecodeError:
        text = ""
    if not text or not _latin(text):
        raise InputError(f"{where}, nor Latin text in Windows-1252 (saved in another code page: Cyrillic, Greek, "
                         f"Central European, Turkish, Chinese, Japanese?): {UTF8_HOW}; nothing read") from None
    _say(f"{path.name}: {CP1252_NOTE}")
    return text


def shown_name(text: str) -> str:
    """A path or file name as text any file or terminal takes: the bytes of a name that are no UTF-8 (the surrogate
    escapes os.listdir gives them: an old Windows zip's b'Gespr\\xe4ch.mp4') written ``\\xe4`` as ``ls -b`` does;
    other text as it is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate no file name gave
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


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
