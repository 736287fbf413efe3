"""`merstudio neutral`: a per-frame AU table relative to each person's neutral frames (participant calibration)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from merstudio.atomic import check_not_input
from merstudio.cli.bounds import frame_rate, output, real
from merstudio.cli.main import EpilogFormatter, check_output_file
from merstudio.errors import InputError

EPILOG = """\
Each face's AU intensities (AUxx_r, and the per-side AUxx_L / AUxx_R) become clip(value - neutral, 0, 5), where
neutral is the column's median over the face's neutral frames; presences (AUxx_c) follow the new intensities.
Every other column, the frame numbering and the column order stay as they are, so scripts that read the input
read the output; one column is added at the end, neutral_frames: "A-B" on the rows made relative to frames A-B,
empty on the rows of faces left absolute (a face --face left out), and those faces are named on stderr. Unknown
values stay empty; a column with too few known values on the neutral frames gets no level, stays absolute, and is
named. The automatic stretch is where the face is still (the table's motion column, else the AUs' change over
0.2 s), away from the spotted intervals of IN's <stem>.spots.csv beside it (merstudio analyze writes it), the least
active such stretch (shorter than --seconds, down to a third, where the face holds still only briefly at rest),
among frames with (nearly) every AU known (a hand over the mouth is not calm, it is hidden); without a motion
column (an OpenFace file), of the still stretches about as low, the one whose AUs and head pose (pose_Rx/Ry/Rz)
change least, each against its own typical change: a weak movement hides in the level's noise. The frame rate is
read from the timestamps of the face's own frames. --frames must lie within the table's frames.

examples:
  merstudio neutral results/interview.csv results/interview_neutral.csv             # the calmest second per face
  merstudio neutral openface/P01.csv P01_neutral.csv --frames 120-180 --face 0       # frames you chose
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("neutral", help="AU intensities relative to each person's neutral frames (calibration)",
                       description="Write a per-frame AU table (merstudio's or OpenFace 2's CSV) with each face's "
                                   "AU intensities relative to its own neutral frames: a coder's chosen frames or "
                                   "the face's calmest stretch.",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    p.add_argument("input", type=Path, metavar="IN", help="per-frame CSV (merstudio analyze output or OpenFace 2)")
    p.add_argument("output", action=output(folder=False), metavar="OUT", help="CSV to write")
    p.add_argument("--frames", metavar="A-B", help="the neutral frames, inclusive, in the file's own frame numbers "
                                                   "(default: each face's calmest stretch of --seconds)")
    p.add_argument("--face", type=int, action="append", metavar="N",
                   help="only this face_id (repeatable; default: every face in the file)")
    p.add_argument("--seconds", action=real(0, 3600, above=True), default=1.0,
                   help="length of the automatic neutral stretch (default: 1.0)")
    p.add_argument("--fps", action=frame_rate(), help="frame rate (default: from the timestamps of the face's frames)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    p.add_argument("--spreadsheet-safe", action="store_true",
                   help="OUT for a spreadsheet (as `merstudio convert --spreadsheet-safe`): UTF-8 with a byte-order "
                        "mark, and neutral_frames ('1-16', which Excel turns into a date) as text after an "
                        "apostrophe; off by default: the table then stays exact for R and pandas")
    p.add_argument("--decimal-comma", action="store_true",
                   help="--spreadsheet-safe for a spreadsheet whose locale writes 0,5 (implies it): ';' between "
                        "cells and a decimal comma in the numbers")
    p.set_defaults(func=run)


def parse_frames(text: str) -> tuple[int, int]:
    """'A-B' (or one frame 'A') -> (A, B), A <= B, both >= 0."""
    parts = text.replace("–", "-").split("-")
    try:
        a, b = (int(parts[0]), int(parts[-1])) if 1 <= len(parts) <= 2 else (-1, -1)
    except ValueError:
        a = b = -1
    if a < 0 or b < 0:
        raise InputError(f"--frames {text}: expected A-B, two frame numbers (e.g. 120-180)")
    return min(a, b), max(a, b)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from merstudio.atomic import atomic_path
    from merstudio.csv_write import frame_to_csv
    from merstudio.features.neutral import (
        absolute_note,
        apply_baselines,
        column_names,
        mark_rows,
        table_baseline,
    )

    frames = parse_frames(args.frames) if args.frames else None
    src, out = Path(args.input), Path(args.output)
    if not src.is_file():
        raise InputError(f"{src}: {'is a folder, not a per-frame CSV' if src.is_dir() else 'not found'}")
    check_output_file(out, args.overwrite, "neutral.csv")
    check_not_input(out, src, "; write the relative values to another file")
    try:
        df = pd.read_csv(src, skipinitialspace=True, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as exc:
        raise InputError(f"{src}: not a readable CSV ({str(exc).splitlines()[0] if str(exc) else exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    if "frame" not in df.columns or not any(c.startswith("AU") and c.endswith("_r") for c in df.columns):
        raise InputError(f"{src}: not a per-frame AU table (needs frame and AUxx_r columns)")
    faces = sorted(int(f) for f in df["face_id"].dropna().unique() if f >= 0) if "face_id" in df.columns else [0]
    if not faces:
        raise InputError(f"{src}: no face in the table (every row is face_id -1): nothing to calibrate")
    if args.face:
        missing = sorted(set(args.face) - set(faces))
        if missing:
            raise InputError(f"{src}: no face {', '.join(map(str, missing))} (faces: {', '.join(map(str, faces))})")
        faces = sorted(set(args.face))
    if frames is not None:
        have = pd.to_numeric(df["frame"], errors="coerce").dropna()
        if have.empty:
            raise InputError(f"{src}: no frame numbers in its frame column: nothing to calibrate")
        first, last = int(have.min()), int(have.max())
        if frames[0] < first or frames[1] > last:
            raise InputError(f"{src}: --frames {frames[0]}-{frames[1]} runs past the table's frames {first}-{last}")
    spots = _spots(src)
    baselines = []
    for face in faces:
        try:
            b = table_baseline(df, face, frames, fps=args.fps, seconds=args.seconds, avoid=spots.get(face, []))
        except InputError as exc:
            raise InputError(f"{src}: {exc}") from None
        baselines.append(b)
        print(b.describe())
    rel = mark_rows(apply_baselines(df, baselines), baselines)
    rel.columns = _input_spelling(src, [str(c) for c in rel.columns])
    with atomic_path(out) as tmp:
        # the input's text columns as they were, a line break in one included
        frame_to_csv(rel, tmp, index=False, na_rep="", float_format=None)
        if args.spreadsheet_safe or args.decimal_comma:
            from merstudio.interchange.events_csv import make_spreadsheet_safe

            make_spreadsheet_safe(tmp, ",", args.decimal_comma)
    parts = []
    for b in baselines:  # per face: each has its own columns and frames
        part = f"face {b.face_id}: {len(b.values)} intensity column(s) relative to neutral frames {b.first}-{b.last}"
        if b.absolute:  # no level (unknown on the neutral frames): absolute values beside relative ones, so named
            part += (f", {len(b.absolute)} left absolute (no level, unknown on the neutral frames): "
                     f"{column_names(b.absolute)}")
        parts.append(part)
    line = f"wrote {out}: {len(rel)} rows; {'; '.join(parts)}"
    print(line)
    note = absolute_note(sorted(int(f) for f in df["face_id"].dropna().unique()) if "face_id" in df.columns else [],
                         baselines)
    if note:  # rows of other people, absolute beside relative ones: said where a script's log catches it
        print(f"{out}: {note}", file=sys.stderr)
    return 0


def _input_spelling(src: Path, names: list[str]) -> list[str]:
    """``names`` (stripped) as ``src``'s header spells them: OpenFace writes ", " between its columns, and a script
    that reads its file with ``df[' AU12_r']`` must read ours the same way. A column the input lacks (the added
    neutral_frames) gets the space before it where every column after the first has one."""
    import csv

    try:
        with src.open(newline="", encoding="utf-8-sig") as fh:
            tokens = next(csv.reader(fh), [])
    except (OSError, UnicodeError, csv.Error):
        return names
    spelled: dict[str, str] = {}
    for t in tokens:
        spelled.setdefault(t.strip(), t)
    spaced = len(tokens) > 1 and all(t.startswith(" ") for t in tokens[1:])
    return [spelled.get(n, " " + n if spaced else n) for n in names]


def _spots(src: Path) -> dict[int, list[tuple[int, int]]]:
    """The spotted intervals by face of `merstudio analyze`'s <stem>.spots.csv beside `src` (none there, or not
    readable: none; the search then goes by the motion alone)."""
    from merstudio.analysis.files import read_spot_rows

    try:
        rows = read_spot_rows(src.with_name(src.stem + ".spots.csv"))
    except (OSError, KeyError, ValueError):
        return {}
    out: dict[int, list[tuple[int, int]]] = {}
    for s in rows:
        out.setdefault(s.face_id, []).append((s.onset, s.offset))
    return out
