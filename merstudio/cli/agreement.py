"""`merstudio agreement`: agreement between coders (and the model) on a project's events and AU tables."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from merstudio.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement",
        help="agreement between coders: event matching, Cohen's kappa, Krippendorff's alpha, ICC",
        description="Compares the coders of a project's events (the model counts as a coder): events are "
        "matched per video and face track when their IoU reaches --iou or all of onset, apex and offset lie "
        "within --tolerance frames; prints matched/unmatched counts and boundary differences, Cohen's kappa "
        "(pairs) and Krippendorff's alpha (all coders) for emotion labels and AU presence, and ICCs of per-frame "
        "AU intensities when a second per-frame table is given (--frames). Rejected proposals are left out.",
    )
    p.add_argument("project", type=Path, metavar="PROJECT", help="project file (.merproj)")
    p.add_argument("--video", type=int, action="append", metavar="ID",
                   help="video id to compare (repeatable; default: every video with two or more coders)")
    p.add_argument("--coders", metavar="A,B", help="comma-separated coders to compare (default: all)")
    p.add_argument("--tolerance", type=int, default=3, metavar="FRAMES",
                   help="boundary tolerance in frames for matching events (default 3)")
    p.add_argument("--iou", type=float, default=0.5, help="IoU that matches two events regardless of "
                   "the tolerance (default 0.5)")
    p.add_argument("--frames", action="append", metavar="NAME=CSV", default=[],
                   help="another coder's per-frame AU table (OpenFace 2 style CSV) for the one --video, compared "
                   "with the project's own per-frame table by ICC (repeatable)")
    p.add_argument("--one-based", action="store_true",
                   help="the --frames CSVs number frames from 1 (OpenFace FeatureExtraction) instead of 0")
    p.add_argument("--frames-coder", metavar="NAME",
                   help="also read the project's per-frame AU presence as a coder of events named NAME")
    p.add_argument("-o", "--out", type=Path, metavar="OUT_DIR", help="write the tables as CSV files here")
    p.set_defaults(func=run)


def _read_frames(spec: str, one_based: bool) -> tuple[str, pd.DataFrame]:
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise InputError(f"--frames {spec}: expected NAME=CSV")
    p = Path(path.strip())
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        df = pd.read_csv(p, skipinitialspace=True)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{p}: not a readable CSV ({str(exc).splitlines()[0] if str(exc) else exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    if "frame" not in df.columns:
        raise InputError(f"{p}: no 'frame' column (need an OpenFace 2 style per-frame table)")
    if not any(c.startswith("AU") and c.endswith("_r") for c in df.columns):
        raise InputError(f"{p}: no AU intensity columns (AU01_r, AU02_r, ...)")
    if one_based:
        df["frame"] = df["frame"] - 1
    if (df["frame"] < 0).any():
        raise InputError(f"{p}: negative frame numbers" + ("" if one_based else " (did you mean --one-based?)"))
    return name.strip(), df


def run(args: argparse.Namespace) -> int:
    from merstudio.agreement import agreement_report
    from merstudio.project import Project

    coders = [c for c in args.coders.split(",") if c.strip()] if args.coders else None
    if coders is not None and len(coders) < 2:
        raise InputError(f"--coders {args.coders}: name at least two coders")
    tables = dict(_read_frames(s, args.one_based) for s in args.frames)
    if len(tables) != len(args.frames):
        raise InputError("--frames: each table needs its own NAME")
    with Project.open(args.project) as project:
        frame_tables = None
        if tables:
            if not args.video or len(args.video) != 1:
                raise InputError("--frames needs exactly one --video (the video the tables belong to)")
            frame_tables = {args.video[0]: tables}
        report = agreement_report(project, video_ids=args.video, coders=coders, tolerance=args.tolerance,
                                  iou=args.iou, frame_tables=frame_tables, frames_coder=args.frames_coder)
    print(report.summary(), end="")
    if args.out is not None:
        paths = report.write_csv(args.out)
        print(f"wrote {len(paths)} files to {args.out}")
    return 0
