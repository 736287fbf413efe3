"""File names and paths as another system wrote them (Qt-free, no merstudio imports): a Windows path seen here, a
macOS name in decomposed Unicode. One home for both ends of the stack: the project store finds its videos by a
relative path written on Windows (``videos\\interview.mp4``) or a Mac, and every interchange reader matches the
media names other tools write."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path


@functools.lru_cache(maxsize=256)  # a BORIS table names the same few files on every row: 20,000 rows, 1 s of pathlib
def file_name(path: str) -> str:
    """The file name of a path as another tool wrote it, on Windows or elsewhere (``C:\\v\\a.mp4`` -> ``a.mp4``)."""
    return Path(path.replace("\\", "/")).name


_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")  # a drive (C:\\, C:/) or a share (\\\\server\\share)


def foreign_path(path: str) -> bool:
    """A Windows path (``C:\\Users\\...``, ``C:/Users/...``, ``\\\\server\\share``) seen on another system: absolute
    where it was written, no path here (POSIX would take ``C:/Users`` for a folder named ``C:``)."""
    return os.name != "nt" and bool(_WINDOWS_PATH.match(path))


def name_key(name: str, fold: bool = False) -> str:
    """A file name as names are compared: Unicode NFC (a Mac writes "Gespräch" decomposed, ``a`` + U+0308, where
    Windows and Linux write one ``ä``: the same name to its user), casefolded with ``fold`` (where letter case is
    ignored too): how a user's or a file's video name is matched to a project's videos."""
    n = unicodedata.normalize("NFC", name)
    return n.casefold() if fold else n


def same_name(a: str, b: str, fold: bool = False) -> bool:
    """Whether two file names are one to their user (:func:`name_key`)."""
    return name_key(a, fold) == name_key(b, fold)


def relative_parts(rel: str) -> tuple[str, ...]:
    """The parts of a relative path as a project made on any system stored it: Windows writes ``videos\\a.mp4``
    (a backslash in a POSIX name is legal, but no project's video path holds one), POSIX ``videos/a.mp4``."""
    return tuple(p for p in rel.replace("\\", "/").split("/") if p not in ("", "."))


def find_relative(base: Path, rel: str) -> Path | None:
    """The file or folder at ``rel`` under ``base``, its parts matched by :func:`name_key` where the exact name is
    not there (a Mac's decomposed "Gespräch" copied onto Linux as one ``ä``, or the other way round): None when
    nothing is. ``rel`` may be written on Windows (:func:`relative_parts`)."""
    here = base
    for part in relative_parts(rel):
        nxt = here / part
        if part != ".." and not os.path.lexists(nxt):
            key = name_key(part)
            try:
                nxt = next((c for c in here.iterdir() if name_key(c.name) == key), nxt)
            except OSError:  # not a folder (any more), or not readable: nothing under it
                return None
        here = nxt
    return here if here.exists() else None
