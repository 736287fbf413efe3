"""`merstudio agreement`: agreement between coders (and the model) on a project's events and AU tables."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from merstudio.cli.bounds import COUNT_MAX, output, real, whole
from merstudio.cli.main import EpilogFormatter, warn_about
from merstudio.errors import InputError

if TYPE_CHECKING:
    import pandas as pd  # imported by the readers when the command runs, not to build the parser

EPILOG = """examples:
  merstudio agreement study.merproj                  # every video that two or more coders coded
  merstudio agreement study.merproj --coders ann,bob --video interview1.mp4 -o agreement
  merstudio agreement study.merproj --all-coded --tolerance 5 --au-sides
  merstudio agreement study.merproj --video interview1.mp4 --frames openface=of/interview1.csv --one-based"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement",
        help="agreement between coders: event matching, FACS agreement index, Cohen's and Fleiss' kappa, "
        "Krippendorff's alpha, ICC",
        description="Compares the coders of a project's events (the model counts as a coder): events are "
        "matched per video and face track when their IoU reaches --iou or all of onset, apex and offset lie "
        "within --tolerance frames; prints matched/unmatched counts and boundary differences, the FACS agreement index (pairs), "
        "Cohen's kappa with percent agreement (pairs) and Krippendorff's alpha (all coders; with three or more, "
        "Fleiss' kappa beside it) for emotion labels and AU presence, and ICCs of per-frame "
        "AU intensities when a second per-frame table is given (--frames). Rejected proposals are left out; open "
        "(unreviewed) proposals count as their coder's events (the model's, unless a coder was set).",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("project", type=Path, metavar="PROJECT", help="project file (.merproj)")
    p.add_argument("--video", action="append", metavar="VIDEO",
                   help="a video to compare: its id, file name, or a path or path end that is unique "
                        "(P1/interview.mp4) (repeatable; default: every video with two or more coders)")
    p.add_argument("--coders", metavar="A,B", help="comma-separated coders to compare (default: all)")
    # checked as the command line is read: -1 was refused only once the project was open, named by the project
    p.add_argument("--tolerance", action=whole(0, COUNT_MAX), default=3, metavar="FRAMES",
                   help="boundary tolerance in frames for matching events (default 3)")
    p.add_argument("--iou", action=real(0, 1, above=True), default=0.5, help="IoU that matches two events regardless "
                   "of the tolerance (default 0.5)")
    p.add_argument("--frames", action="append", metavar="NAME=CSV", default=[],
                   help="another coder's per-frame AU table (OpenFace 2 style CSV, or py-feat's) for the one "
                   "--video, compared with the project's own per-frame table by ICC and kappa on presence (py-feat's "
                   "AU probabilities: kappa alone) (repeatable)")
    n = p.add_mutually_exclusive_group()
    n.add_argument("--one-based", dest="one_based", action="store_const", const=True,
                   help="the --frames CSVs number frames from 1 (OpenFace FeatureExtraction; default: detected "
                        "from a frame 0 and the timestamps)")
    n.add_argument("--zero-based", dest="one_based", action="store_const", const=False,
                   help="the --frames CSVs number frames from 0 (merstudio's own per-frame CSV)")
    p.add_argument("--all-coded", action="store_true",
                   help="every compared coder coded every compared video (--video, default: every video with "
                   "events): a coder with no events on a video found none there, so the others' events there "
                   "count as misses (default: a coder without events on a video did not code it, unless a file "
                   "of theirs was imported for it: `convert --import FILE --coder NAME` records one without events)")
    p.add_argument("--au-sides", action="store_true",
                   help="compare AUs with their side (absent, L, R, both: L14 and R14 disagree); default: on presence, "
                   "sides ignored, as most FACS reliability reports do (a note counts the pairs that differ in side)")
    p.add_argument("--frames-coder", metavar="NAME",
                   help="also read the project's per-frame AU presence as a coder of events named NAME")
    p.add_argument("-o", "--out", action=output(), metavar="OUT_DIR", help="write the tables as CSV files here (default: "
                   "printed only)")
    p.add_argument("--overwrite", action="store_true", help="replace agreement tables already in OUT_DIR")
    p.add_argument("--spreadsheet-safe", action="store_true",
                   help="-o's tables for a spreadsheet (as `merstudio convert --spreadsheet-safe`): UTF-8 with a "
                        "byte-order mark, so Excel shows names such as Zoë as written, and a note or name it would "
                        "take for a formula or a date after an apostrophe; off by default: the tables then stay "
                        "exact for R and pandas")
    p.add_argument("--decimal-comma", action="store_true",
                   help="--spreadsheet-safe for a spreadsheet whose locale writes 0,5 (German, French, ...; implies "
                        "it): ';' between cells and a decimal comma in the numbers")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help="no progress bar (one is drawn on stderr when the report takes more than a moment)")
    p.set_defaults(func=run)


def _frames_spec(spec: str) -> tuple[str, Path]:
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise InputError(f"--frames {spec}: expected NAME=CSV")
    p = Path(path.strip())
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    return name.strip(), p


def _read_frames(path: Path, video: Any, one_based: bool | None, project: Any) -> pd.DataFrame:
    """A per-frame table in OpenFace 2's format (or py-feat's, by its header, its faces matched to ours), checked
    against the video (a one-line warning per mismatch)."""
    from merstudio.interchange.au_tables import au_table_kind, read_au_table

    kind = au_table_kind(path) or "openface"  # not either: OpenFace's reader names what is missing
    table = read_au_table(path, kind, fps=video.fps, frame_count=video.frame_count, one_based=one_based,
                          our_faces=project.face_boxes(video.id))
    print(f"{path}: {table.note}")  # a misread would shift every frame: say how it was read
    warn_about(path, table.mismatches)
    return table.frames


# A report that takes longer than this gets a bar (from then on): a small one stays as quiet as ever.
BAR_AFTER_S = 1.0


class _Progress:
    """The report's progress callback: a bar on stderr once the report has run BAR_AFTER_S (its steps: a coder pair
    on a video, then each video's alpha units); remembers how far it got, for the line a Ctrl-C prints."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.start = quiet, time.monotonic()
        self.done, self.total = 0, 0
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self.bar is None:
            if self.quiet or time.monotonic() - self.start < BAR_AFTER_S or done >= total:
                return
            from merstudio.cli.bars import Bar

            self.bar = Bar(desc="agreement", total=total, initial=done, unit="step",
                           start=f"agreement: {total:,} steps (each coder pair on each video, then each video's "
                                 "units for alpha)")
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def stopped(self) -> str:
        if not self.total:
            return "before the report's first step (reading the project)"
        return f"after {self.done:,} of {self.total:,} steps of the report"


def run(args: argparse.Namespace) -> int:
    from merstudio.agreement import agreement_report
    from merstudio.cli.project import open_project

    coders = list(dict.fromkeys(c.strip() for c in args.coders.split(",") if c.strip())) if args.coders else None
    if coders is not None and len(coders) < 2:
        raise InputError(f"--coders {args.coders}: name at least two different coders")
    args.spreadsheet_safe = args.spreadsheet_safe or args.decimal_comma
    if args.spreadsheet_safe and args.out is None:
        flag = "--decimal-comma" if args.decimal_comma else "--spreadsheet-safe"
        raise InputError(f"{flag} applies to the tables -o writes; add -o OUT_DIR (the report printed is plain text)")
    if args.out is not None:  # before the report: an earlier report's tables are not replaced without a word
        from merstudio.errors import OutputError

        if args.out.exists() and not args.out.is_dir():
            raise OutputError(f"-o {args.out}: is a file; give a folder for the tables")
        from merstudio.agreement.report import REPORT_FILES
        from merstudio.atomic import check_not_special

        for name in REPORT_FILES:  # a FIFO or device there is refused now, not after the report
            check_not_special(args.out / name)
        held = sorted(args.out.glob("agreement_*")) if args.out.is_dir() else []
        if held and not args.overwrite:
            raise OutputError(f"-o {args.out}: holds agreement tables already ({held[0].name}, ...); choose another "
                              "folder or use --overwrite")
    specs = dict(_frames_spec(s) for s in args.frames)
    if len(specs) != len(args.frames):
        raise InputError("--frames: each table needs its own NAME")
    if specs and (not args.video or len(args.video) != 1):
        raise InputError("--frames needs exactly one --video (the video the tables belong to)")
    with open_project(args.project) as project:  # as every command opens one (relative paths refreshed)
        from merstudio.cli.project import video_id

        vids = [video_id(project, ref) for ref in args.video] if args.video else None
        frame_tables = None
        if specs:
            assert vids is not None
            video = project.video(vids[0])
            frame_tables = {video.id: {name: _read_frames(p, video, args.one_based, project)
                                       for name, p in specs.items()}}
        progress = _Progress(args.quiet)
        try:
            report = agreement_report(project, video_ids=vids, coders=coders, tolerance=args.tolerance,
                                      iou=args.iou, frame_tables=frame_tables, frames_coder=args.frames_coder,
                                      all_coded=args.all_coded, au_sides=args.au_sides, progress=progress)
        except KeyboardInterrupt:
            progress.close()
            where = f" to {args.out}" if args.out is not None else ""
            print(f"merstudio: interrupted {progress.stopped()}: nothing was written{where} (the project is "
                  "unchanged)", file=sys.stderr)
            return 130
        finally:
            progress.close()
    print(report.summary(), end="")
    if args.out is not None:
        cells: list[int] = []
        paths = report.write_csv(args.out, spreadsheet_safe=args.spreadsheet_safe, decimal_comma=args.decimal_comma,
                                 cells=cells)
        print(f"wrote {len(paths)} files to {args.out}")
        if sum(cells):  # as convert says it
            print(f"note: {sum(cells)} cell(s) that a spreadsheet would take for a formula or a date start with an "
                  "apostrophe (--spreadsheet-safe)", file=sys.stderr)
    return 0
