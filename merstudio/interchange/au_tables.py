"""Other tools' per-frame AU tables (OpenFace 2, py-feat) read one way: the kind from the file's header, the table
in our per-frame convention, and the overlay name and notes the app and the CLI store and print alike; and written
back (``write_au_table``) for the scripts people already have for those tools."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from merstudio.errors import InputError
from merstudio.face.boxes import Box
from merstudio.interchange.openface import looks_openface, read_openface, write_openface
from merstudio.interchange.pyfeat import looks_pyfeat, match_faces, read_pyfeat, write_pyfeat

KINDS = ("openface", "pyfeat")
OVERLAY_NAMES = {"openface": "OpenFace", "pyfeat": "py-feat"}  # the overlay each is stored as


@dataclass
class AUTable:
    kind: str
    path: Path
    frames: pd.DataFrame
    frame_count: int
    mismatches: list[str] = field(default_factory=list)
    note: str = ""  # how the file was read, for the user (frame numbering, face numbering)
    meta: dict[str, Any] = field(default_factory=dict)  # stored with the overlay

    @property
    def name(self) -> str:
        return OVERLAY_NAMES[self.kind]

    @property
    def au_columns(self) -> list[str]:
        return [c for c in self.frames.columns if c.startswith("AU") and c[-2:] in ("_r", "_p")]


def au_table_kind(path: str | os.PathLike[str], fmt: str | None = None) -> str | None:
    """"openface" or "pyfeat" when ``fmt`` says so or the file's header is one of theirs; else None."""
    if fmt is not None:
        return fmt if fmt in KINDS else None
    if looks_openface(path):
        return "openface"
    return "pyfeat" if looks_pyfeat(path) else None


def read_au_table(path: str | os.PathLike[str], kind: str, fps: float | None = None,
                  frame_count: int | None = None, one_based: bool | None = None,
                  our_faces: Iterable[tuple[int, int, Box]] | None = None, keep_other: bool = False,
                  video_name: str | None = None) -> AUTable:
    """``our_faces``: (frame, face, box) of the video's analysis (``Project.face_boxes``), to give a py-feat
    table's faces our track ids (it numbers them from the left in each frame); OpenFace's ids are its own tracks.
    ``keep_other``: an OpenFace-style table keeps its other columns too (pose, to write back). ``video_name``: the
    video it is imported into, checked against a py-feat file's ``input`` (an OpenFace CSV names no video)."""
    if kind == "openface":
        of = read_openface(path, fps=fps, frame_count=frame_count, one_based=one_based, keep_other=keep_other)
        return AUTable(kind, of.path, of.frames, of.frame_count, of.mismatches, of.numbering_note,
                       {"path": str(of.path), "fps": of.fps, "mismatches": of.mismatches, "one_based": of.one_based})
    pf = read_pyfeat(path, fps=fps, frame_count=frame_count, video_name=video_name)
    frames, notes = pf.frames, list(pf.notes)
    if our_faces is not None:
        frames, matched = match_faces(frames, our_faces)
        notes = [n for n in notes if "numbered from the left" not in n] + [matched]
    note = "; ".join(["AU probabilities (0-1) drawn x5 on the 0-5 AU scale", *notes])
    return AUTable(kind, pf.path, frames, pf.frame_count, pf.mismatches, note,
                   {"path": str(pf.path), "mismatches": pf.mismatches, "notes": notes})


def write_au_table(table: AUTable, path: str | os.PathLike[str], kind: str) -> str:
    """Write a table read by :func:`read_au_table` (an OpenFace or py-feat CSV, or merstudio's own per-frame CSV)
    as ``kind`` ("openface" or "pyfeat") writes it; returns a note on what the file lacks (and, for py-feat, the
    scale). py-feat's AU probabilities are no OpenFace intensities: such a table is not written as OpenFace."""
    if kind == "openface":
        if table.kind == "pyfeat":
            raise InputError(f"{table.path}: py-feat's AU probabilities (0-1) are not OpenFace's intensities (0-5); "
                             "write it as py-feat (kind='pyfeat' / --to pyfeat), or convert an OpenFace or "
                             "merstudio per-frame CSV to OpenFace (kind='openface' / --to openface)")
        return write_openface(table.frames, path)
    if kind == "pyfeat":
        return write_pyfeat(table.frames, path)
    raise ValueError(f"unknown AU table kind {kind!r}")
