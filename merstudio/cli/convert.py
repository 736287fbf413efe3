"""`merstudio convert`: annotation files between ELAN .eaf, BORIS tables and our events CSV; imports into and
exports from a project (with a preview, and --yes to import when some rows must be skipped). An OpenFace 2 or
py-feat CSV is converted to our per-frame CSV, or imported into a project as the video's ``OpenFace`` / ``py-feat``
overlay (as the app's File > Import OpenFace or py-feat CSV does); our per-frame CSV, or a project video's analysis
(``--project P --export OUT.csv``), is written for OpenFace 2 or py-feat scripts (``--to openface`` / ``--to
pyfeat``), one writer for both."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from merstudio.cli.bounds import frame_rate, output
from merstudio.cli.main import EpilogFormatter, check_output_file, warn_about
from merstudio.cli.project import video_id
from merstudio.errors import InputError

EVENT_FORMATS = ("eaf", "boris-tsv", "boris-csv", "boris-xlsx", "boris-project", "events-csv")
AU_TABLE_FORMATS = ("openface", "pyfeat")  # per-frame AU tables: read, and written back with --to
IN_FORMATS = (*EVENT_FORMATS, *AU_TABLE_FORMATS)
ALL_VIDEOS = "all"  # --video all: every video of the project, in one events CSV

EPILOG = """examples:
  merstudio convert coded.eaf coded.tsv --fps 30              ELAN -> BORIS-style TSV
  merstudio convert boris.xlsx events.csv --video clip.mp4    one media file's rows of a BORIS table
  merstudio convert study.boris coded.eaf --video clip.mp4    a BORIS project's observations of one video
  merstudio convert --project study.merproj --export coded.boris --video 1   for BORIS to open
  merstudio convert phone.eaf phone.tsv --media phone.mov     a variable-rate video: frames from its own times
  merstudio convert openface.csv frames.csv --fps 30          OpenFace 2 per-frame CSV -> ours (0-based frames)
  merstudio convert pyfeat.csv frames.csv --fps 30            py-feat CSV (AU01.., FaceScore) -> ours (AUxx_p)
  merstudio convert results/clip.csv of.csv --to openface     our per-frame CSV -> OpenFace 2's (frames from 1)
  merstudio convert results/clip.csv feat.csv --to pyfeat     -> py-feat's names (AU01..AU43 = AUxx_r / 5)
  merstudio convert --project study.merproj --export of.csv --to openface --video 1   its analysis, as OpenFace's
  merstudio convert --project study.merproj --import coded.eaf --video 1 [--yes]
  merstudio convert --project study.merproj --import openface.csv --video 1   as the video's 'OpenFace' overlay
  merstudio convert --project study.merproj --import pyfeat.csv --video 1     as its 'py-feat' overlay
  merstudio convert --project study.merproj --export coded.eaf --video 1
  merstudio convert --project study.merproj --export all.csv --video all   every video's events, one CSV
  merstudio convert --project study.merproj --import all.csv --video all   each row into the video it names
      (--all-videos instead of --video all where a video is named 'all')
  merstudio convert --project study.merproj --import CASME2-coding.xlsx --dataset casme2 --clip EP02_01f \\
      --subject 1 --clip-folder CASME2-RAW/sub01/EP02_01f --video 2

formats by extension: .eaf ELAN; .tsv/.xlsx BORIS-style aggregated events; .boris/.boris.gz a BORIS project
(BORIS opens it; --video chooses the media file when its observations play several); .csv our events CSV when named
*.events.csv, an OpenFace CSV by its header (frame, success, AUxx_r), a py-feat CSV by its (FaceScore, AU01..),
else BORIS; a .csv/.tsv/.txt/.xlsx whose header has 'onset' (or 'onset_frame': the report) is our events table
(on output: .csv is ours, *.boris.csv is BORIS); override with --from/--to. Text tables may be UTF-8 or UTF-16
(Excel's "Unicode text") or 8-bit, with ',', ';' (decimal commas then) or tabs between the columns."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert annotations (ELAN .eaf, BORIS tsv/csv/xlsx, events CSV, OpenFace, "
                                       "py-feat)",
                       description="Convert coded events between ELAN .eaf, BORIS-style tables (TSV/CSV/XLSX) and "
                                   "merstudio's events CSV, convert an OpenFace 2 or py-feat CSV to merstudio's "
                                   "per-frame CSV, or import/export a project's events. Imports show a preview first.",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    p.add_argument("input", nargs="?", type=Path, metavar="IN", help="annotation file to convert")
    p.add_argument("output", nargs="?", action=output(folder=False), metavar="OUT", help="file to write")
    p.add_argument("--fps", action=frame_rate(), help="the video's frame rate (default: the one the input file records)")
    p.add_argument("--video", "--video-id", dest="video", metavar="VIDEO",
                   help="with --project: the video (its id, file name, or a path or path end that is unique, "
                        "e.g. P1/interview.mp4), or 'all' (every video, in one events CSV: --export all.csv "
                        "writes each row's video, --import all.csv puts each row into its video; --all-videos "
                        "where a video is named 'all'); otherwise: the media file whose rows to convert when the "
                        "input holds several")
    p.add_argument("--all-videos", action="store_true",
                   help="with --project: every video, as --video all (the spelling when a video is named 'all')")
    p.add_argument("--media", type=Path, help="the video file the output should refer to (default: the input's); "
                                               "when it is here and has a variable frame rate, times are placed on "
                                               "its frames' own times")
    p.add_argument("--from", dest="from_fmt", choices=IN_FORMATS, help="input format (default: by extension)")
    p.add_argument("--to", dest="to_fmt", choices=(*EVENT_FORMATS, *AU_TABLE_FORMATS),
                   help="output format (default: by extension); openface / pyfeat: a per-frame AU table (merstudio's "
                        "per-frame CSV, OpenFace's, py-feat's; with --project --export, the video's analysis) "
                        "written for OpenFace 2 or py-feat scripts")
    p.add_argument("--force-fps", action="store_true",
                   help="accept a frame rate in the file that differs from the video's: convert its times at "
                        "the video's rate")
    n = p.add_mutually_exclusive_group()
    n.add_argument("--one-based", dest="one_based", action="store_const", const=True,
                   help="OpenFace input numbers frames from 1 (default: detected from a frame 0 and the timestamps)")
    n.add_argument("--zero-based", dest="one_based", action="store_const", const=False,
                   help="OpenFace-style input numbers frames from 0 (merstudio's own per-frame CSV)")
    p.add_argument("--tier", action="append", default=[], metavar="TIER=CODER[:KIND][:faceK]",
                   help="ELAN: read another tool's tier as the events of CODER (repeatable). KIND: what the tier "
                        "holds: aus (AU codes), emotion, event ('emotion | AUs', the default unless every value "
                        "is AU codes), or apex (the coder's apex: an annotation inside one of their events sets its "
                        "apex, a Phase tier's 'apex' part; the default for a tier of onset/apex/offset values); a "
                        "coder's AU annotations inside one of their emotion annotations become one event (e.g. "
                        "--tier AU=alice:aus --tier Emotion=alice:emotion --tier Apex=alice:apex). faceK: the face "
                        "the tier's events are on (default: its PARTICIPANT's, the file's participants numbered "
                        "0, 1, ... in tier order; else 0); one person's AUs join only that person's emotions (e.g. "
                        "--tier AU_Infant=zoe:aus:face1)")
    p.add_argument("--yes", action="store_true", help="go ahead when the preview lists items to skip")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help=f"no progress bars (an import of {BIG_IMPORT:,} rows or more draws them while it reads the "
                        "file and while it stores the events)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace OUT if it exists (with --project: the video's OpenFace or py-feat overlay)")
    p.add_argument("--spreadsheet-safe", action="store_true",
                   help="an events CSV or BORIS .csv/.tsv written for a spreadsheet: a cell it would run as a "
                        "formula (a note or label starting with = + - @, e.g. '-2+3' or '=HYPERLINK(...)') gets an "
                        "apostrophe before it, shown as written; numbers are left as they are. Off by default: "
                        "the CSV then stays exact for R and pandas (an .xlsx export keeps such cells as text anyway). "
                        "The file is UTF-8 with a byte-order mark, so Excel shows names such as Zoë as written, and "
                        "text a spreadsheet turns into a date (a frame range '1-16', '3/4') gets the apostrophe too")
    p.add_argument("--decimal-comma", action="store_true",
                   help="--spreadsheet-safe for a spreadsheet whose locale writes 0,5 (German, French, ...; implies "
                        "--spreadsheet-safe): ';' between the cells of a CSV (a TSV keeps its tabs) and a decimal "
                        "comma in the number columns; merstudio reads such a file back")
    g = p.add_argument_group("project")
    g.add_argument("--project", type=Path, metavar="P", help="a merstudio project file (.merproj)")
    g.add_argument("--import", dest="import_file", type=Path, metavar="FILE", help="import FILE into the project")
    g.add_argument("--replace", action="store_true",
                   help="--import: replace the events of the coders FILE holds on the video with FILE's (a corrected "
                        "file; one transaction; their events FILE holds unchanged are kept)")
    g.add_argument("--coder", metavar="NAME",
                   help="--import: the coder of FILE's events that name none (a BORIS file's, before its observation "
                        "id, which names the session, not the coder); a FILE without events records NAME as "
                        "having coded the video and found nothing (compared by `merstudio agreement`)")
    g.add_argument("--export", dest="export_file", action=output(folder=False), metavar="FILE",
                   help="export the video's events from the project to FILE (with --video all: every video's, "
                        "to one events CSV; with --to openface / --to pyfeat: its analysis, the per-frame AU table, "
                        "to a .csv)")
    g.add_argument("--status", action="append", choices=("proposal", "accepted", "rejected"),
                   help="only events with this status (repeatable; default all): what --export writes, what a "
                        "conversion IN OUT writes, what --import imports (not with --replace)")
    d = p.add_argument_group("dataset annotation sheet (with --import)")
    d.add_argument("--dataset", choices=("casme2", "samm", "casme", "casme3a"),
                   help="FILE is this dataset's annotation sheet")
    d.add_argument("--clip", help="the clip's Filename in the sheet (e.g. EP02_01f, 006_1_2)")
    d.add_argument("--subject", help="the clip's subject (a clip name can repeat across subjects)")
    d.add_argument("--clip-folder", type=Path, help="the clip's frame folder (frame numbers -> positions)")
    d.add_argument("--first-frame", type=int, help="without --clip-folder: the number of the clip's first frame")
    p.set_defaults(func=run)


def _tier_map(items: list[str]) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """``--tier TIER=CODER[:KIND][:faceK]`` -> ({tier: coder}, {tier: kind}, {tier: face}) for read_eaf's
    tier_coders / tier_roles / tier_faces."""
    from merstudio.interchange.eaf import TIER_ROLES, split_tier_face, split_tier_target

    coders, roles, faces = {}, {}, {}
    for it in items:
        tier, sep, target = it.partition("=")
        if not sep or not tier or not target.strip():
            raise InputError(f"--tier {it}: expected TIER=CODER or TIER=CODER:KIND (KIND: {', '.join(TIER_ROLES)}), "
                             "optionally :faceK last")
        target, face = split_tier_face(target)
        if face is not None:
            faces[tier] = face
        try:
            coder, role = split_tier_target(target)
        except InputError:
            raise InputError(f"--tier {it}: unknown kind after ':' (expected {', '.join(TIER_ROLES)}; a coder name "
                             f"with ':' is written with its kind, {tier}={target}:event)") from None
        if not coder:
            raise InputError(f"--tier {it}: no coder before ':'")
        coders[tier] = coder
        if role:
            roles[tier] = role
    return coders, roles, faces


def _kwargs(args: argparse.Namespace, fmt: str) -> dict:
    tiers, roles, faces = _tier_map(args.tier)
    if tiers and fmt != "eaf":
        raise InputError("--tier applies to ELAN (.eaf) input only")
    return ({"tier_coders": tiers} if tiers else {}) | ({"tier_roles": roles} if roles else {}) | \
        ({"tier_faces": faces} if faces else {})


def _keep_status(preview: Any, statuses: list[str] | None) -> None:
    """--status of a conversion IN OUT: leave the preview's other events out, before it is fitted to the video (its
    skips past the end are then of the kept ones), counted in ``left_out`` and said by an import's note
    (_left_out): h297, it said "N event(s) not accepted left out (--status)", last."""
    if not statuses:
        return
    unread = int(getattr(preview, "left_out", 0) or 0)  # an events CSV's, left out by its reader
    preview.left_out = unread + sum(1 for e in preview.events if e.status not in statuses)
    preview.events = [e for e in preview.events if e.status in statuses]
    _left_out(preview, statuses)


def _left_out(preview: Any, statuses: list[str] | None) -> None:
    """--status of an import or a conversion: one note, first, on how many of the file's events the preview left
    out before it counted anything (ProjectImport.left_out: its skips, duplicates and proposals reviewed here are
    of the others)."""
    if statuses and preview.left_out:
        preview.notes.insert(0, _left_out_text(statuses, preview.left_out, _rows(preview)))


def _left_out_text(statuses: list[str], n: int, rows: str) -> str:
    """What --status left out, in the words of every preview's note and --video all's done line."""
    return f"--status {' or '.join(statuses)}: {n} {rows} of other statuses left out"


def _rows(preview: Any) -> str:
    return "annotation(s)" if preview.format.startswith("ELAN") else "row(s)"


def _nothing_kept(preview: Any) -> bool:
    """--status left out every event of the file, and it brings nothing else: nothing to import (its coders are
    not recorded as having coded the video on the strength of events of another status)."""
    return bool(preview.left_out) and not (preview.events or preview.duplicates or preview.skipped
                                           or preview.reviewed_here or preview.behaviour_rows
                                           or preview.behaviour_duplicates)


def _all_left_out(path: Path, statuses: list[str], n: int, rows: str) -> InputError:
    return InputError(f"{path}: --status {' or '.join(statuses)}: all {n} {rows} of the file are of other "
                      "statuses: nothing to import (leave --status out to import them)")


def _named_media(path: Path, preview: Any) -> Path | None:
    """The video an annotation file names, when it is here: beside the file, or where the file says it lies."""
    for c in (path.parent / preview.media if preview.media else None,
              Path(preview.media_path) if preview.media_path else None):
        if c is not None and c.is_file():
            return c
    return None


def _show(preview: Any) -> None:
    print(preview.summary(), file=sys.stderr)


# rows (events) from which an import draws progress bars: 10,000 take ~0.5 s of CPU to read; 200,000 ~8 s and ~5 s
# more to store, which were silent
BIG_IMPORT = 10_000


class _Reading:
    """The progress(done, total) of an events CSV's reader: a bar once the file has :data:`BIG_IMPORT` rows or
    more (none with -q), closed before the preview is shown."""

    def __init__(self, path: Path, quiet: bool) -> None:
        self.path, self.quiet = path, quiet
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if self.quiet or total < BIG_IMPORT:
                return
            from merstudio.cli.bars import Bar

            self.bar = Bar(total=total, desc=f"reading {self.path.name}", unit="row")
        self.bar.update(done - self.bar.n)

    def __enter__(self) -> _Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _commit(project: Any, preview: Any, args: argparse.Namespace) -> list:
    """ix.commit_import, said while it runs when it stores :data:`BIG_IMPORT` events or more (one transaction: the
    bar is at its end when they are all stored)."""
    from merstudio import interchange as ix

    n = len(preview.events)
    if args.quiet or n < BIG_IMPORT:
        return ix.commit_import(project, preview, skip_bad=args.yes)
    from merstudio.cli.bars import Bar

    with Bar(total=n, desc=f"storing in {Path(args.project).name}", unit="event") as bar:
        added = ix.commit_import(project, preview, skip_bad=args.yes)
        bar.update(n)
    return added


def _accept(preview: Any, yes: bool) -> list:
    """``preview.accept``; its refusal of an ELAN file's unknown tiers ends with the option that maps one (the
    app's import asks in its Map ELAN tiers dialog instead, in its own words)."""
    if getattr(preview, "behaviour_rows", None) and not preview.events:
        return []  # behaviour events alone: commit_import refuses skips without --yes (accept() found nothing)
    try:
        return list(preview.accept(skip_bad=yes))
    except InputError as exc:
        tier = next((s.where for s in preview.skipped if str(s.reason).startswith("unknown tier")), None)
        if tier is None:
            raise
        from merstudio.interchange.common import shorten
        from merstudio.messages import MESSAGE_CHARS

        hint = f"; map a tier to a coder with --tier {_tier_option(tier)}"
        raise InputError(shorten(str(exc), MESSAGE_CHARS - len(hint) - 24) + hint) from None  # the hint shown whole


def _sheet_hinted(path: Path, read: Callable[[], Any]) -> Any:
    """``read()``; its refusal of a dataset's annotation sheet (CASME II's OnsetFrame, ApexFrame...: no events
    table) says what the file is and how such a sheet is read (--dataset) instead."""
    try:
        return read()
    except InputError:
        from merstudio.interchange.sheets import sheet_hint

        hint = sheet_hint(path)
        if not hint:
            raise
        raise InputError(hint) from None


def _tier_option(where: str) -> str:
    """``--tier``'s value for the tier a skipped item names (``x.eaf: tier 'CHI'``), quoted for the shell:
    ``'CHI=CODER[:aus|emotion|event]'`` (TIER where the name is cut short in the message)."""
    import ast
    import shlex

    from merstudio.interchange.eaf import TIER_ROLES

    try:
        name = ast.literal_eval(where.rpartition(": tier ")[2])
    except (ValueError, SyntaxError):
        name = None
    tier = name if isinstance(name, str) and name else "TIER"
    kinds = [r for r in TIER_ROLES if r != "apex"]  # the kinds that make events (an apex tier places them)
    return shlex.quote(f"{tier}=CODER[:{'|'.join(kinds)}]")


def _check_out(path: Path, overwrite: bool, project: Any = None) -> None:
    """Refuse an output that is a folder or exists without --overwrite; with ``project``, one that is the project
    itself (or its SQLite -wal/-shm/-journal) or one of its videos, or inside one of its frame folders, whatever
    --overwrite says: an export must never replace what it is exported from."""
    if project is not None:
        from merstudio.errors import OutputError

        out = _resolved(path)
        base = _resolved(Path(project.path))
        if any(_same(out, base.with_name(base.name + x)) for x in ("", "-wal", "-shm", "-journal")):
            raise OutputError(f"{path}: is the project {project.path} (or its database's side file); "
                              "write the export to another file")
        from merstudio.project.videos import on_disk

        for v in project.videos():  # (stored paths named as this locale names them: under LANG=C 'Gespräch' raised)
            places = [_resolved(Path(on_disk(v.path)))] + (
                [_resolved(project.path.parent / on_disk(v.relpath))] if v.relpath else [])
            for where in places:
                if _same(out, where) or (v.size == 0 and where in out.parents):
                    what = "is" if _same(out, where) else "is inside the frame folder of"
                    raise OutputError(f"{path}: {what} video {v.id} of the project ({v.path}); write the export "
                                      "to another file")
    check_output_file(path, overwrite, "events.eaf")


def _check_beside(beside: Path | None, out: Path, overwrite: bool) -> None:
    """Refuse, as the output itself is refused, a ``<stem>_behaviours.csv`` the export would write beside ``out``
    that exists without --overwrite: checked before anything is written (it was replaced without a word)."""
    if beside is not None and beside.exists() and not overwrite:
        from merstudio.errors import OutputError

        raise OutputError(f"{beside}: already exists beside {out.name} (the behaviour events go there; use "
                          "--overwrite, or give another name)")


def _text_table(path: Path, fmt: str | None) -> str | None:
    """The delimiter of the CSV/TSV events table ``path`` is written as; None for another format."""
    return {"events-csv": ",", "boris-csv": ",", "boris-tsv": "\t"}.get(_events_format(path, fmt))


def _safe_check(args: argparse.Namespace, path: Path) -> None:
    """--spreadsheet-safe asked for an output it does not apply to: said before anything is read or written."""
    if getattr(args, "decimal_comma", False):
        args.spreadsheet_safe = True
    if getattr(args, "spreadsheet_safe", False) and _text_table(path, args.to_fmt) is None:
        flag = "--decimal-comma" if getattr(args, "decimal_comma", False) else "--spreadsheet-safe"
        raise InputError(f"{path}: {flag} applies to CSV and TSV tables (an events CSV, a BORIS .csv or "
                         ".tsv); an .xlsx keeps such cells as text already")


def _make_safe(args: argparse.Namespace, out: Path, *beside: Path) -> None:
    """--spreadsheet-safe: formula-like cells of the table just written made text (events_csv.spreadsheet_cell),
    and of the behaviour events' CSV written ``beside`` it: the same byte-order mark, guard and (--decimal-comma)
    separator as the events file (a spreadsheet opened the one safe, the other not)."""
    if getattr(args, "spreadsheet_safe", False):
        from merstudio.interchange.events_csv import make_spreadsheet_safe

        comma = getattr(args, "decimal_comma", False)
        n = make_spreadsheet_safe(out, _text_table(out, args.to_fmt) or ",", comma)
        n += sum(make_spreadsheet_safe(p, ",", comma) for p in beside)  # a CSV of its own, whatever the events file
        if n:
            print(f"note: {n} cell(s) that a spreadsheet would take for a formula or a date start with an apostrophe "
                  "(--spreadsheet-safe)", file=sys.stderr)


def _out_folder(path: Path) -> None:
    """Create the output's folder where it is missing (as users expect), saying so in one line: a typo in the
    folder's name then shows, not a file written where nobody looks."""
    folder = path.parent
    if folder.exists():
        return
    from merstudio.atomic import ensure_parent

    ensure_parent(path)  # one-line OutputError where it cannot be made
    print(f"note: created the folder {folder} for {path.name}", file=sys.stderr)


def _video_name(args: argparse.Namespace, fmt: str) -> str | None:
    """The video whose rows, or whose media descriptor (an ELAN file linking several cameras), the conversion is
    for: --video, else for an ELAN file the --media file's name (a BORIS file's rows keep their own media names:
    --media only re-points the output)."""
    if args.video is not None:
        return str(args.video)
    return args.media.name if args.media is not None and fmt == "eaf" else None


def _variable_rate_refusal(args: argparse.Namespace, exc: Any) -> InputError:
    """The refusal of a file of a variable-rate video's frames at a constant rate (--fps, or a --media that is no
    readable video; ``exc``: interchange.events_csv.VariableRateFile) in convert's words, not a project's
    (relink): --force-fps for a video re-encoded since, --media for that very video."""
    from merstudio.errors import FrameRateMismatch

    low, high = exc.spread
    rate = f"--fps {exc.video_fps:g}" if args.fps is not None else f"the video's {exc.video_fps:g} fps"
    return FrameRateMismatch(
        f"{args.input}: its frames fit no constant rate (frame / time {low:g} to {high:g} fps: a variable-rate "
        f"video's), but {rate} is a constant rate: if the video was re-encoded to it since the file was written, "
        "--force-fps places each event by its times; if it is still that variable-rate video, give its file with "
        "--media VIDEO (its own frame times place them)", exc.file_fps, exc.video_fps)


def _same(a: Path, b: Path) -> bool:
    """The same path, or the same file under another name (a hard link)."""
    try:
        return a == b or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def run(args: argparse.Namespace) -> int:
    if args.all_videos and (args.project is None or args.video is not None):
        raise InputError("--all-videos goes with --project, instead of --video")
    if args.project is not None:
        if args.fps is not None:  # the project knows its video's rate; a file at another rate needs --force-fps
            raise InputError("--fps is for converting files; with --project the video's own rate is used "
                             "(--force-fps imports a file coded at another rate at the video's)")
        return _run_project(args)
    if args.input is None or args.output is None:
        raise InputError("convert: give IN and OUT, or --project with --import/--export (see --help)")
    if args.replace or args.coder:
        raise InputError("--replace and --coder go with --project and --import (an import into a project)")
    from merstudio import interchange as ix

    if not args.input.exists():
        raise InputError(f"{args.input}: not found")
    if args.input.is_dir():
        raise InputError(f"{args.input}: is a folder, not an annotation file or a per-frame CSV")
    _check_out(args.output, args.overwrite)
    if (kind := _au_table_kind(args.input, args.from_fmt)) is not None:
        return _convert_au_table(args, kind)
    if args.to_fmt in AU_TABLE_FORMATS:
        raise InputError(f"{args.input}: not a per-frame AU table; --to {args.to_fmt} converts merstudio's per-frame "
                         "CSV (merstudio analyze), an OpenFace or a py-feat CSV")
    if args.to_fmt is None and args.output.suffix.lower() != ".csv":
        ix.detect_format(args.output)  # an unknown output type fails before the input is read and previewed
    _safe_check(args, args.output)
    fmt = ix.detect_format(args.input, args.from_fmt)
    media_fps, times = _media_times(args.media)
    read = times is not None  # --media's own frame times were read
    if media_fps is None and args.media is not None:
        rate = _media_rate(args.media)[0]  # a constant-rate video given right there
        read = rate is not None
        if args.fps is None:
            media_fps = rate  # its rate times the file
    if media_fps is None and args.media is None and args.fps is None and fmt == "eaf":
        media_fps, times = _eaf_video_rate(args.input)
    # an events CSV whose frames fit no rate is then no frames of --media's (a constant rate has one): the video
    # was re-encoded (in place, say) since the file was written from its variable-rate original, and its times
    # place the events, with a note, as a project import does where the video's file is found
    known = {"rate_known": True} if read and fmt == "events-csv" else {}
    # an events CSV's rows of other statuses are left out unread: a bad one is then no skip to confirm (h289)
    only: dict[str, Any] = {"statuses": list(args.status)} if args.status and fmt == "events-csv" else {}
    from merstudio.interchange.events_csv import VariableRateFile

    try:
        preview = _sheet_hinted(args.input, lambda: ix.read_events(
            args.input, fps=args.fps or media_fps, video_name=_video_name(args, fmt), fps_override=args.force_fps,
            fmt=fmt, times=times, **known, **only, **_kwargs(args, fmt)))
    except VariableRateFile as exc:  # the reader's advice is a project's (relink): convert's own options instead
        raise _variable_rate_refusal(args, exc) from None
    named = _named_media(args.input, preview) if args.media is None else None
    if named is not None and times is None and (found := _media_times(named, quiet=True))[1] is not None:
        # the video the file names is here and variable-rate: its own frame times place the file's times, as
        # --media would (read again: the first reading used a constant rate)
        media_fps, times = found
        print(f"note: {named} (the video the file names) has a variable frame rate: times placed on its own "
              "frame times", file=sys.stderr)
        preview = ix.read_events(args.input, fps=args.fps or media_fps, video_name=_video_name(args, fmt),
                                 fps_override=args.force_fps, fmt=fmt, times=times, **only, **_kwargs(args, fmt))
    from merstudio.interchange.common import exact_fps, foreign_path, fps_differs

    _keep_status(preview, args.status)
    fps = args.fps or media_fps or preview.fps
    fps = exact_fps(fps) if fps else fps  # --fps 29.97 is NTSC's 30000/1001
    video = args.media if args.media is not None else named
    video_fps, frames = _media_rate(video) if video is not None else (None, None)
    if not fps or (video_fps and not fps_differs(fps, video_fps)):
        # the file states no rate, or one that agrees with the video's (rounded: 29.97 written for 29.97003), and
        # the video is here: the video's exact rate times the frames (the file's rounded one went into the .eaf)
        fps = video_fps
    if not fps and args.media is not None and not args.media.exists():
        # said before the preview: the writer's "the frame rate is unknown" came after it, and named no --media
        if foreign_path(str(args.media)):
            raise InputError(f"--media {args.media}: another system's path, so its frame rate is unknown here; give "
                             "it with --fps")
        raise InputError(f"--media {args.media}: not found; give the video's path (its rate times the events), or "
                         "the rate with --fps")
    if video is not None and frames and fps and video_fps and not fps_differs(fps, video_fps):
        # the video is here: events past its last frame are cut there (or skipped), as an import into a project
        # does; BORIS drops what lies past the media length, ELAN shows frames the video lacks. An ELAN file's
        # behaviour events too, each said as an event is (they went past the end into the _behaviours.csv unsaid)
        ix.fit_to_video(preview, frames, video.name)
    behaviours = list(getattr(preview, "behaviours", []))  # an ELAN file's behaviour tiers: written below
    if behaviours and preview.behaviour_note in preview.notes:  # the reader's "left out": not so any more
        preview.notes.remove(preview.behaviour_note)
    _show(preview)
    events = _accept(preview, args.yes)
    # --media is a path on this command line: from the current folder, not from OUT's (the writers take a relative
    # path as beside the file they write); another system's path is kept as written
    media_path = (str(args.media) if foreign_path(str(args.media)) else str(args.media.expanduser().resolve())) \
        if args.media else (preview.media or args.video or "")
    if media_path and not args.media and not Path(media_path).is_absolute():
        beside = args.input.parent / media_path  # a file that names only the media: look beside it
        if beside.exists():
            media_path = str(beside.resolve())
        elif preview.media_path and not args.video:
            media_path = preview.media_path  # where the file says it is (another machine's folder, say): kept
    # the video's length where it is here (a .boris needs it: BORIS's analyses drop events past a length of 0)
    media = ix.Media(path=media_path, fps=fps or 0.0, frame_count=frames, times=times,
                     time_origin=preview.time_origin,
                     mime="" if args.media else preview.media_mime,  # the file's own media: its type as written
                     linked=preview.linked_media,  # ELAN's media offset and other linked media: written back
                     # the file's own MEDIA_URL, verbatim, where the media is still the place it names
                     url=preview.media_url if not args.media and media_path == preview.media_path else "",
                     face_names=tuple(sorted(preview.face_names.items())),  # ELAN participants: written back
                     # what a BORIS file states of its media's length and its observation's time offset: written
                     # back (a length from the video itself, when here, wins: frames)
                     length=None if args.media else preview.media_length, time_offset=preview.time_offset,
                     # the file's own relative URL, kept where the media is not here (another machine's folder) and
                     # it still means what it did: the new file lies beside the old one, or it names the media
                     # beside the .eaf (./clip.wav); ../x relative to another folder would lead nowhere
                     relative=preview.media_relative if not (args.media or args.video) and (
                         args.output.expanduser().resolve().parent == args.input.expanduser().resolve().parent
                         or _beside_url(preview.media_relative)) else "")
    _out_folder(args.output)
    out, beside, said = _write_converted(args, events, media, behaviours)
    _make_safe(args, out, *beside)
    if not frames and not media.length and events and \
            ix.detect_format(out, args.to_fmt, look_inside=False) == "boris-project":
        print("note: the video's length is not known: the BORIS project gives it the last event's end plus 1 s "
              "(--media VIDEO, a video merstudio reads, for its real length)", file=sys.stderr)
    _boris_losses(out, args.to_fmt, events)
    # --yes: what it skipped, as an import's done line says it
    print(f"wrote {len(events)} event(s) to {out}{said}" + (f"; skipped {len(preview.skipped)}" if preview.skipped
                                                             else ""))
    return 0


def _write_converted(args: argparse.Namespace, events: list, media: Any, behaviours: list) -> tuple[Path, list[Path],
                                                                                                     str]:
    """Write a conversion's events, and the behaviour events an ELAN file's behaviour tiers held, as every export
    writes them (they were noted, then lost): an ELAN file's tiers of their own, else ``<stem>_behaviours.csv``
    beside the file. (the events file, [the behaviours' CSV], what the last line adds)."""
    from merstudio import interchange as ix

    if not behaviours:
        return ix.write_events(events, args.output, media, fmt=args.to_fmt), [], ""
    from merstudio.io.timebase import Timebase
    from merstudio.project import export as px

    if ix.detect_format(args.output, args.to_fmt, look_inside=False) == "eaf":
        out = ix.write_eaf(events, args.output, media, extra_tiers=px.named_behaviour_tiers(behaviours))
        return out, [], f", and {len(behaviours)} behaviour event(s) as its 'behaviour: <name> (<coder>)' tiers"
    _check_beside(px.behaviours_csv_path(args.output), args.output, args.overwrite)  # before the events file
    out = ix.write_events(events, args.output, media, fmt=args.to_fmt)
    csv = px.export_named_behaviours_csv(behaviours, px.behaviours_csv_path(out), media.name, media.path,
                                         Timebase(media.fps, media.times))
    return out, [csv], f", and {len(behaviours)} behaviour event(s) to {csv.name} beside it"


def _beside_url(relative: str) -> bool:
    """Whether an ELAN RELATIVE_MEDIA_URL names a file beside the .eaf (``./clip.wav``, ``file://./clip.wav``,
    ``clip.wav``): it means the same wherever the .eaf is written."""
    path = relative.removeprefix("file:").removeprefix("//").removeprefix("./")
    return bool(path) and "/" not in path and "\\" not in path and path not in (".", "..")


def _boris_losses(out: Path, fmt: str | None, events: list) -> None:
    """The note on what a BORIS project cannot hold of the events written (confidence, source), where they have it."""
    from merstudio import interchange as ix
    from merstudio.interchange.boris_project import export_losses

    if ix.detect_format(out, fmt, look_inside=False) == "boris-project" and (lost := export_losses(events)):
        print(f"note: {lost}", file=sys.stderr)


def _behaviours_written(project: Any, vid: int, beside: list[Path]) -> str:
    """What the one-video export wrote of the video's behaviour events: the CSV beside the file, or an ELAN file's
    ``behaviour:`` tiers (a state still open has no end there: a note says how many, of which behaviours)."""
    evs = project.behaviour_events(vid)
    if beside:
        return f", and {len(evs)} behaviour event(s) to {beside[0].name} beside it"
    ended = sum(1 for e in evs if e.offset is not None)
    if not ended:
        return ""
    from merstudio.project.export import open_states_note

    if note := open_states_note(project, vid):
        print(f"note: {note}", file=sys.stderr)
    return f", and {ended} behaviour event(s) as its 'behaviour: <name> (<coder>)' tiers"


def _media_times(media: Path | None, quiet: bool = False) -> tuple[float | None, Any]:
    """(nominal fps, frame times in seconds) of a variable-rate video when `media` names one that is here, else
    (None, None): times are then converted at a constant rate (the file's, --fps's or the project's video's).
    A file that is no readable video gets a note unless `quiet` (a project's video: its stored times serve)."""
    if media is None or not media.is_file():
        return None, None
    fps, _, times, refused = _opened(media)
    if refused is not None:  # not a video merstudio can read: the output still names it
        if not quiet:
            print(f"note: {refused}; times converted at the nominal frame rate", file=sys.stderr)
        return None, None
    return (fps, times) if times is not None else (None, None)


# what _opened found, by file (path, modification time, size): a conversion asks for a video's rate, length and
# frame times at three moments, and each open said the video's warnings again (a PNG given as --media: twice)
_OPENED: dict[tuple[str, int, int], tuple[float | None, int | None, Any, InputError | None]] = {}


def _opened(media: Path) -> tuple[float | None, int | None, Any, InputError | None]:
    """(frame rate, frame count, variable-rate frame times or None, None) of a video file that is here, opened
    once whatever asks; (None, None, None, the refusal) where merstudio cannot read it."""
    try:
        st = media.stat()
        key: tuple[str, int, int] | None = (str(media.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _OPENED:
        return _OPENED[key]
    from merstudio.io import open_source

    try:
        with open_source(media) as src:
            found: tuple[float | None, int | None, Any, InputError | None] = (
                float(src.fps) or None, int(src.frame_count) or None, src.variable_times, None)
    except InputError as exc:
        found = (None, None, None, exc)
    if key is not None:
        _OPENED[key] = found
    return found


def _eaf_video_rate(eaf: Path) -> tuple[float | None, Any]:
    """(fps, variable frame times or None) of the video an ELAN file names, where it is here: ELAN's milliseconds
    need a rate, and the video beside the file has it (no --fps needed). (None, None) when it is not here."""
    from merstudio.interchange.eaf import eaf_media_file

    video = eaf_media_file(eaf)
    if video is None:
        return None, None
    fps, times = _media_times(video, quiet=True)
    if fps is None:
        fps = _media_rate(video)[0]
    if times is not None:
        print(f"note: {video} (the video the file names) has a variable frame rate: times placed on its own "
              "frame times", file=sys.stderr)
    elif fps is not None:
        print(f"note: frame rate {fps:g} fps from {video} (the video the file names)", file=sys.stderr)
    return fps, times


def _media_rate(media: Path) -> tuple[float | None, int | None]:
    """(frame rate, frame count) of `media` where it is a video merstudio reads, else (None, None) (the writer
    then asks for --fps)."""
    if not media.is_file():
        return None, None
    return _opened(media)[:2]


def _au_table_kind(path: Path, fmt: str | None) -> str | None:
    from merstudio.interchange.au_tables import au_table_kind

    return au_table_kind(path, fmt)  # None for an events format or an events file


def _convert_au_table(args: argparse.Namespace, kind: str) -> int:
    """A per-frame AU table to our per-frame CSV, or with ``--to openface`` / ``--to pyfeat`` back to those tools'
    layouts (from merstudio's own per-frame CSV, say)."""
    from merstudio.atomic import atomic_path
    from merstudio.features.aus import presences_as_ints
    from merstudio.interchange.au_tables import read_au_table

    to = args.to_fmt
    if (to is not None and to not in AU_TABLE_FORMATS) or args.output.suffix.lower() != ".csv":
        raise InputError(f"{args.input}: a per-frame AU table ({kind}) converts to our per-frame CSV only, or to "
                         "OpenFace's or py-feat's with --to openface / --to pyfeat; give an OUT ending in .csv "
                         "(events formats hold events, not per-frame AUs)")
    table = read_au_table(args.input, kind, fps=args.fps, one_based=args.one_based, keep_other=to == "openface")
    warn_about(args.input, table.mismatches)
    _out_folder(args.output)
    if to is not None:
        return _write_au_table(table, args.output, to)
    with atomic_path(args.output) as tmp:
        presences_as_ints(table.frames).to_csv(tmp, index=False)  # full precision: frame times need every digit
    print(f"wrote {len(table.frames)} row(s), frames 0..{table.frame_count - 1}, to {args.output}; {table.note}")
    return 0


def _write_au_table(table: Any, out: Path, to: str, what: str = "") -> int:
    """Write ``table`` (an AUTable) for OpenFace 2 or py-feat scripts (``to``) and say so; ``what``: whose rows."""
    from merstudio.interchange.au_tables import OVERLAY_NAMES, write_au_table

    note = write_au_table(table, out, to)
    first = "frames from 1, OpenFace's numbering: frame 0 here is its 1" if to == "openface" else \
        "frames from 0, as py-feat numbers them"
    print(f"wrote {len(table.frames)} row(s){what} as {OVERLAY_NAMES[to]} writes them ({first}) to {out}")
    print(f"note: {note}", file=sys.stderr)
    return 0


def _export_au_table(project: Any, vid: int, args: argparse.Namespace) -> int:
    """The video's analysis for OpenFace 2 or py-feat scripts: its per-frame CSV (what File > Export > Per-frame CSV
    and `merstudio analyze` write: values at the float32 precision they are stored with, 0.3 and not
    0.30000001192092896) converted as ``convert RESULT.csv OUT.csv --to ...`` converts it, by the same reader and
    writer: the same bytes."""
    from merstudio.atomic import temp_beside
    from merstudio.errors import OutputError
    from merstudio.interchange.au_tables import OVERLAY_NAMES, read_au_table
    from merstudio.locks import os_lock
    from merstudio.project.analyses import older_rules_note
    from merstudio.project.export import export_frames_csv

    to, out = args.to_fmt, args.export_file
    video = project.video(vid)
    run = project.analysis(vid)
    if run is None:
        # `merstudio analyze` writes a results folder, never into a project: its result converts on its own
        raise InputError(f"{args.project}: video {vid} ({video.name}) has no analysis to write as "
                         f"{OVERLAY_NAMES[to]}'s: analyse it in the app (open the project, Analysis > Run analysis), "
                         f"or convert a `merstudio analyze` result instead: merstudio convert RESULT.csv {out} "
                         f"--to {to}")
    _check_out(out, args.overwrite, project)
    if run.status != "complete":  # what is stored is written: said, so nobody takes it for the whole video
        print(f"note: the analysis of video {vid} is {run.status}: only the frames it stored are written",
              file=sys.stderr)
    if older := older_rules_note(video.name, run):  # still written: the old numbers may be what the user wants
        print(f"note: {older} (in the app: merstudio gui {args.project}); written as stored", file=sys.stderr)
    _out_folder(out)
    # staged beside OUT, not in TMPDIR: the per-frame table is 1.6x the output, and a full disk is then OUT's,
    # named as OUT (a TMPDIR the user never named was full while OUT's disk had room)
    with temp_beside(out) as staged:
        try:
            export_frames_csv(project, vid, staged)
            with open(staged, "rb") as held:  # export_frames_csv renamed a new file over the locked one
                os_lock(held.fileno())  # locked again: remove_dead_temps leaves it alone while it is read
                table = read_au_table(staged, "openface", one_based=False, keep_other=to == "openface")
        except OutputError as exc:
            raise OutputError(str(exc).replace(str(staged), str(out))) from None
    return _write_au_table(table, out, to, f" of video {vid}")


def _import_au_table(project: Any, vid: int, args: argparse.Namespace, kind: str) -> int:
    """An OpenFace or py-feat CSV into the project as the video's overlay (drawn dashed beside ours in the app)."""
    from merstudio.errors import OutputError
    from merstudio.interchange.au_tables import OVERLAY_NAMES, read_au_table

    video = project.video(vid)
    name = OVERLAY_NAMES[kind]
    if any(o.name == name for o in project.overlays(vid)) and not args.overwrite:
        raise OutputError(f"{args.project}: video {vid} already has an overlay {name!r} "
                          "(use --overwrite to replace it)")
    table = read_au_table(args.import_file, kind, fps=video.fps, frame_count=video.frame_count,
                          one_based=args.one_based, our_faces=project.face_boxes(vid), video_name=Path(video.path).name)
    warn_about(args.import_file, table.mismatches)
    project.save_overlay(vid, name, table.frames, kind=kind, meta=table.meta)
    print(f"imported {len(table.frames)} row(s), {len(table.au_columns)} AU column(s), of {args.import_file} as "
          f"overlay {name!r} of video {vid} in {args.project}; {table.note}")
    return 0


def _events_format(path: Path, fmt: str | None) -> str:
    """The events format ``path`` is written in (as ``interchange.write_events`` chooses it)."""
    from merstudio import interchange as ix

    if fmt is None and path.suffix.lower() == ".csv":
        return "boris-csv" if path.name.lower().endswith(".boris.csv") else "events-csv"
    return ix.detect_format(path, fmt, look_inside=False)


def _refuse_named_all(project: Any, ref: str) -> None:
    """``--video all`` where a video is named so (its file or frame folder, in any case): which one is meant is
    not guessed; one line says how to name that video (its id) or every video (--all-videos)."""
    want = ref.strip().lower()
    named = [v for v in project.videos() if want in (v.name.lower(), Path(v.path).name.lower())]
    if named:
        ids = ", ".join(str(v.id) for v in named[:4])
        raise InputError(f"--video {ref}: ambiguous: video{'s' * (len(named) > 1)} {ids} of {project.path} "
                         f"{'are' if len(named) > 1 else 'is'} named {named[0].name!r}; give that video by its id "
                         f"(--video {named[0].id}), or every video with --all-videos")


def _all_videos(project: Any, args: argparse.Namespace) -> int:
    """``--video all``: every video's events in (--export) or from (--import) one events CSV, whose ``video``
    column names each row's video. ELAN and BORIS files hold one video's events each: refused, in one line."""
    from merstudio import interchange as ix

    path = args.export_file if args.export_file is not None else args.import_file
    if args.to_fmt in AU_TABLE_FORMATS or args.dataset:
        raise InputError("--video all goes with an events CSV (--export/--import FILE.csv); a per-frame AU table or "
                         "a dataset sheet is one video's: choose it with --video ID")
    fmt = _events_format(path, args.to_fmt) if args.export_file is not None else \
        ix.detect_format(path, args.from_fmt)
    if fmt != "events-csv":
        raise InputError(f"{path}: --video all reads and writes merstudio's events CSV (a .csv with a video column); "
                         f"{fmt} holds one video's events: give each video with --video ID")
    # the video column names files: rows of two videos of one name cannot be told apart
    shared = ix.shared_video_names(project)
    if shared and args.import_file is not None:
        raise InputError(f"{args.project}: {shared}; import into each video with --video ID")
    if args.export_file is not None:
        _check_out(path, args.overwrite, project)
        _check_beside(ix.behaviours_beside(project, None, path), path, args.overwrite)
        _safe_check(args, path)
        _out_folder(path)
        done = ix.export_all_events(project, path, statuses=args.status)
        _make_safe(args, path, *done.paths[1:])
        for note in done.notes:
            print(f"note: {note}", file=sys.stderr)
        print(done.summary())
        return 0
    return _import_all(project, args)


def _import_all(project: Any, args: argparse.Namespace) -> int:
    """Each row of an events CSV into the project video its ``video`` column names (interchange.preview_all_events,
    as the app's Import events does it): every video's preview is made and checked before anything is written (a
    video named that is not in the project refuses the file)."""
    from merstudio import interchange as ix
    from merstudio.interchange.common import name_list

    path = args.import_file
    found = ix.preview_all_events(project, path, times=lambda vid: _media_times(Path(project.video(vid).path),
                                                                                  quiet=True)[1],
                                  fps_override=args.force_fps, coder=args.coder, replace=args.replace,
                                  statuses=args.status)
    if found.unknown:
        raise InputError(f"{path}: names video(s) not in {args.project}: {name_list(found.unknown, 4)}; nothing "
                         f"imported (the project's: {name_list([v.name for v in project.videos()], 4)})")
    for v, prev in found.parts:
        _left_out(prev, args.status)
        print(f"{v.name}: {prev.summary()}", file=sys.stderr)
    # every video checked before any is written; one whose rows were all open proposals reviewed here already
    # brings nothing, said below (it refused the whole file)
    found.accept(skip_bad=args.yes)
    if all(_nothing_kept(prev) for _v, prev in found.parts):
        # the file's count (a row naming no video is in every video's left_out): a one-video import's (h297)
        raise _all_left_out(path, args.status, found.left_out, "row(s)")
    lines = []
    for v, prev in found.parts:
        if prev.only_reviewed_here:
            lines.append(f"nothing new into video {v.id} ({v.name}), {ix.reviewed_here_line(len(prev.reviewed_here))}")
            continue
        if _nothing_kept(prev):  # --status left out all its rows: nothing written, its coders not recorded either
            lines.append(f"nothing into video {v.id} ({v.name}: its {prev.left_out} row(s) all of other statuses)")
            continue
        added = _commit(project, prev, args)
        lines.append(f"{len(added)} into video {v.id} ({v.name})"
                     + (f", replacing {len(prev.replaces)}" if args.replace else "")
                     + (f", skipped {len(prev.skipped)}" if prev.skipped else "")  # --yes: as one video's line
                     + (f", {ix.resolved_line(len(prev.resolves))}" if prev.resolves else "")
                     + (f", {len(prev.duplicates)} already there" if prev.duplicates else "")
                     + (f", {ix.reviewed_here_line(len(prev.reviewed_here))}" if prev.reviewed_here else ""))
    # what --status left out of the file, as a one-video import's note counts it (each video's note counts its own)
    print(f"imported {'; '.join(lines)} of {args.project}"
          + (f"; {_left_out_text(args.status, found.left_out, 'row(s)')}" if args.status and found.left_out else ""))
    return 0


def _run_project(args: argparse.Namespace) -> int:
    from merstudio import interchange as ix
    from merstudio.cli.project import open_project

    if (args.import_file is None) == (args.export_file is None):
        raise InputError("convert: with --project give one of --import FILE or --export FILE")
    if args.input is not None:
        raise InputError("convert: with --project, give the file with --import/--export, not as IN")
    if args.import_file is None and (args.replace or args.coder):
        raise InputError("--replace and --coder go with --import (an import into the project)")
    if args.status and args.replace:
        raise InputError("--status with --replace would replace the coders' events with part of the file; "
                         "import the whole file, or filter it first (merstudio convert IN OUT --status ...)")
    if args.to_fmt in AU_TABLE_FORMATS and args.export_file is None:
        raise InputError(f"--to {args.to_fmt} with --project goes with --export FILE.csv (the video's analysis "
                         "written as that tool's per-frame table); an OpenFace or py-feat file is imported by its "
                         "header (or --from)")
    if args.to_fmt in AU_TABLE_FORMATS and args.status:
        raise InputError(f"--status chooses events; --to {args.to_fmt} writes the video's per-frame AU table")
    if args.to_fmt in AU_TABLE_FORMATS and args.export_file.suffix.lower() != ".csv":
        raise InputError(f"{args.export_file}: --to {args.to_fmt} writes a per-frame AU table; give a FILE ending "
                         "in .csv")
    # its videos' relative paths refreshed (moved in its tree); an import edits it: an older project that cannot be
    # upgraded where it is is refused at once, with the remedy, not after its preview (an export reads it)
    with open_project(args.project, writing=args.import_file is not None) as project:
        if args.all_videos or (args.video is not None and args.video.strip().lower() == ALL_VIDEOS):
            if not args.all_videos:
                _refuse_named_all(project, args.video)
            return _all_videos(project, args)
        try:
            vid = video_id(project, args.video)
        except InputError as exc:
            if args.video is None and args.to_fmt not in AU_TABLE_FORMATS:
                raise InputError(f"{exc}; or --video all for every video's events in one events CSV") from None
            raise
        if args.to_fmt in AU_TABLE_FORMATS:
            return _export_au_table(project, vid, args)

        def times() -> Any:  # the video's frame times as the app's player knows them, analysed or not
            return _media_times(Path(project.video(vid).path), quiet=True)[1]

        if args.export_file is not None:
            _check_out(args.export_file, args.overwrite, project)
            _check_beside(ix.behaviours_beside(project, vid, args.export_file, args.to_fmt), args.export_file,
                          args.overwrite)
            _safe_check(args, args.export_file)
            _out_folder(args.export_file)
            out, *beside = ix.export_project_events(project, vid, args.export_file, fmt=args.to_fmt,
                                                    statuses=args.status, times=times())
            _make_safe(args, out, *beside)
            written = [e for e in project.events(vid) if args.status is None or e.status in args.status]
            _boris_losses(out, args.to_fmt, written)
            print(f"wrote {len(written)} event(s) of video {vid} to {out}" + _behaviours_written(project, vid, beside))
            return 0
        if not args.dataset and (args.clip or args.clip_folder):
            raise InputError("--clip and --clip-folder go with --dataset (a dataset's annotation sheet)")
        if args.dataset:
            if not args.clip:
                raise InputError("--dataset needs --clip (the clip's Filename in the sheet)")
            sheet = ix.preview_sheet(args.import_file, args.dataset, args.clip, vid, clip_folder=args.clip_folder,
                                     first_frame=args.first_frame, subject=args.subject, coder=args.coder)
            preview = ix.project_preview(project, sheet, vid, replace=args.replace,  # past the end, duplicates
                                         statuses=args.status)
        elif (kind := _au_table_kind(args.import_file, args.from_fmt)) is not None:
            return _import_au_table(project, vid, args, kind)
        else:
            fmt = ix.detect_format(args.import_file, args.from_fmt)
            with _Reading(args.import_file, args.quiet) as reading:
                more: dict[str, Any] = {"progress": reading} if fmt == "events-csv" else {}
                preview = _sheet_hinted(args.import_file, lambda: ix.preview_import(
                    project, args.import_file, vid, fps_override=args.force_fps, fmt=fmt, times=times(),
                    coder=args.coder, replace=args.replace, statuses=args.status, **_kwargs(args, fmt), **more))
        _left_out(preview, args.status)  # left out before the preview counted its skips and duplicates
        _show(preview)
        if _nothing_kept(preview):
            raise _all_left_out(args.import_file, args.status, preview.left_out, _rows(preview))
        _accept(preview, args.yes)  # refused here, in the CLI's words, before anything is written
        added = _commit(project, preview, args)
        if ix.remember_elan_media(project, vid, preview):  # its media offset / linked media: ELAN gets them back
            kept = [f"media offset {preview.time_origin:+,} ms (TIME_ORIGIN)"] if preview.time_origin else []
            kept += [f"{len(preview.linked_media)} other linked media file(s)"] if preview.linked_media else []
            print(f"note: the ELAN file's {' and '.join(kept)} kept for exports of video {vid} to ELAN",
                  file=sys.stderr)
        who = ", ".join(preview.file_coders)
        new = [c for c in preview.file_coders if c not in preview.coded_before]  # a coder who found nothing
        # behaviour events: a _behaviours.csv's, an ELAN file's behaviour tiers (the line said 0 events of them)
        rows, dup = len(preview.behaviour_rows), preview.behaviour_duplicates
        behaviours = (f"{rows} behaviour event(s)" + (f" ({dup} already there)" if dup else "")) if rows or dup \
            else ""
        if preview.of_behaviours:
            print(f"imported {behaviours} into video {vid} of {args.project}"
                  + (f"; skipped {len(preview.skipped)}" if preview.skipped else ""))
            return 0
        print(f"imported {len(added)} event(s)" + (f" and {behaviours}" if behaviours else "")
              + f" into video {vid} of {args.project}"
              + (f"; replaced {len(preview.replaces)} event(s) of {who or '(no coder)'}" if args.replace else "")
              + (f"; skipped {len(preview.skipped)}" if preview.skipped else "")
              + (f"; {ix.resolved_line(len(preview.resolves))}" if preview.resolves else "")
              # the file's open proposals not imported: said as the preview said it (not in the count above)
              + (f"; {ix.reviewed_here_line(len(preview.reviewed_here))}" if preview.reviewed_here else "")
              + (f"; {len(preview.duplicates)} {'unchanged' if args.replace else 'already there'}"
                 if preview.duplicates else "")
              + (f"; {', '.join(new)} recorded as having coded it" if not added and not preview.replaces and new
                 and not rows else ""))
    return 0
