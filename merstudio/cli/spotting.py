"""`merstudio spotting`: evaluate spotting on long videos (MEGC style): TP/FP/FN, precision, recall, F1."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path
from typing import Any

from merstudio.cli.analyze import FLOW_HELP, add_execution_options
from merstudio.cli.bounds import frame_rate, output, real
from merstudio.cli.main import EpilogFormatter
from merstudio.names import ANALYSIS_FLOW_METHODS

EPILOG = """examples:
  merstudio spotting --data casme_sq:/data/CASME_sq -o runs/spotting          # CAS(ME)^2 as distributed
  merstudio spotting --data table:truth.csv -o runs/mine -j 2                 # your videos and intervals
  merstudio spotting --data casme_sq:/data/CASME_sq -o runs/spotting --expression micro   # scored again, no analysis
  merstudio spotting --data casme_sq:/data/CASME_sq -o runs/s15 --video s15/15_0101disgustingteeth"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "spotting",
        help="evaluate spotting on long videos (CAS(ME)^2 or your own table): TP/FP/FN, precision, recall, F1",
        description="Analyse each long video of the ground truth as `merstudio analyze` does (same machinery and "
        "defaults, and the same back-ends: -j N local processes, --ray, --segment-minutes; a batch with "
        "OUT/manifest.csv, so a rerun skips the videos analysed before, and so does a run on a folder that "
        "`merstudio analyze` filled with the same settings: analyze the videos there with --ray, then score them "
        "with spotting -o on that folder), match each "
        "video's spotted intervals one to one to its ground-truth intervals (a true positive at IoU >= --iou, "
        "frames counted with both ends), and pool TP/FP/FN over the videos: precision, recall and F1 per "
        "expression type (micro / macro) and overall. Writes OUT/spotting.csv (one row per ground-truth interval "
        "and per spot: its partner, IoU and TP/FP/FN) and OUT/spotting.md (the table, the counts, the settings) "
        "and prints the table. --data casme_sq:ROOT reads CAS(ME)^2 (rawpic/sNN/<video>/img<k>.jpg and "
        "CAS(ME)^2code_final.xlsx; image numbers are turned into the analysis' frame positions); --data "
        "table:FILE.csv reads columns video (a video file or frame folder, relative to the CSV), onset, offset "
        "and optionally type (micro / macro), frame indices as merstudio numbers them (from 0). Ground truth "
        "that is not coded (offset 0, or empty) is left out and counted. A spot takes the type of the interval "
        "it matches; an unmatched one is micro when it lasts at most 0.5 s. The spotter looks for "
        "micro-expressions only (up to 0.5 s and a frame): the macro row counts macro-expressions as missed.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("--data", required=True, metavar="KIND:PATH",
                   help="casme_sq:ROOT (CAS(ME)^2 as distributed) or table:FILE.csv (video,onset,offset[,type])")
    p.add_argument("-o", "--out", action=output(), required=True, help="output folder (analyses, manifest, report)")
    p.add_argument("--expression", choices=("micro", "macro", "all"), default="all",
                   help="the expression type(s) reported (default all: micro, macro and overall); matching always "
                   "uses every coded interval of a video")
    # bounded as the line is read, as agreement --iou is (the range and a decimal comma said in one line)
    p.add_argument("--iou", action=real(0, 1, above=True), default=0.5, help="IoU a spot needs with a ground-truth "
                   "interval to be a true positive (default 0.5)")
    p.add_argument("--video", nargs="+", default=[], metavar="NAME",
                   help="evaluate only these long videos (the report's name, e.g. s15/15_0101disgustingteeth, "
                   "the folder or file name, or its stem; default: every video of the ground truth)")
    p.add_argument("--sheet", default=None, metavar="FILE|NAME", help="casme_sq: the code sheet (default: found "
                   "beside the frames)")
    add_execution_options(p, "videos")  # merstudio analyze's, passed to the same batch (run_batch)
    p.add_argument("--flow", choices=ANALYSIS_FLOW_METHODS, default="dis", help=f"{FLOW_HELP}, as merstudio analyze")
    p.add_argument("--overwrite", action="store_true", help="analyse every video again (default: a rerun "
                   "skips the videos the manifest lists as done with the same content and settings); the "
                   "report files of an earlier spotting run are rewritten on every run, a spotting.md or "
                   "spotting.csv no spotting run wrote only with --overwrite")
    p.add_argument("--retry-failed", action="store_true", help="analyse the videos that failed before again "
                   "(default: skipped, named in the report and left out of the scores)")
    p.add_argument("--allow-missing", action="store_true", help="leave out ground-truth rows that name missing "
                   "frames or videos, or are malformed, and count them (default: a one-line error)")
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="learned model the analysis uses, as `merstudio analyze --checkpoint`: adds p_<class> and "
                   "AUxx_p columns and names each spot's emotion; spotting.md records it (path, SHA-256, classes). "
                   "The spotted intervals, and so the scores, are the micro-motion spotter's either way (default: "
                   "none)")
    p.add_argument("--fps", action=frame_rate(), default=None, metavar="FPS",
                   help="the recording rate of frame folders (default: CAS(ME)^2's 30 for casme_sq; for a table's "
                        "frame folders the known dataset named in their path, else 30); videos keep their own")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help="no progress bar and no line per video (a failed video's error is still one line), as "
                   "merstudio analyze -q")
    p.set_defaults(func=run)


def _say(line: str) -> None:
    print(f"merstudio: {line}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from merstudio.analysis import spotting_eval as E
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.cli.main import check_output_folder
    from merstudio.execution import backend_from_args

    kind, path = E.parse_data(args.data)
    backend = backend_from_args(args.jobs, args.ray)
    check_output_folder(args.out)  # a file named as -o: one line, as analyze says it (not a manifest error)
    # loaded whole now: a missing or bad checkpoint is one line before any video, not a failure of each
    model = E.checkpoint_record(args.checkpoint) if args.checkpoint is not None else None
    truth = E.load_truth(kind, path, sheet=args.sheet, allow_missing=args.allow_missing)
    from merstudio.training.run_folders import check_results_kept

    E.refuse_truth_as_report(truth, args.out)  # the ground truth named spotting.csv: said as that, first
    # a spotting.md or spotting.csv no spotting run wrote (the user's notes) is not rewritten without --overwrite
    check_results_kept(args.out, E.foreign_reports(args.out), args.overwrite, flag="-o")
    if args.fps is not None:
        truth.fps = args.fps
    E.select_videos(truth, args.video)
    for line in truth.skipped[:5]:
        _say(f"left out: {line}")
    if not args.quiet:
        print(f"{truth.kind}: {len(truth.videos)} long video(s), {truth.intervals} coded interval(s)"
              f" ({truth.uncoded} not coded, left out); analysed on {backend.describe()}")
    if model is not None and not args.quiet:
        print(f"learned model: {model['path']} ({', '.join(model['classes'])})")
    settings = AnalysisSettings(flow=args.flow, checkpoint=None if model is None else Path(model["path"]))

    from merstudio.cli.analyze import BatchDisplay

    # analyze's display: one bar for the batch (videos, the running ones' frames, frames/s, ETA), an "indexing" bar
    # for a variable-rate video's pass; in a log a line as each starts and ends; errors in one line, -q or not
    display = BatchDisplay(True, args.quiet, 0)
    shown = contextlib.ExitStack()

    def on_plan(plan: Any) -> None:
        if not args.quiet:
            print(f"{len(plan.items)} to analyse, {len(plan.done)} finished before (skipped), {len(plan.failed)} "
                  f"failed before (skipped{': --retry-failed runs them again' if plan.failed else ''})", flush=True)
        display.total = len(plan.items)  # the bar's size, known once the plan is
        shown.enter_context(display)

    def on_result(item: Any, outcome: Any) -> None:
        if isinstance(outcome, BaseException):
            display.result(item, outcome)  # its error in one line, the path once
            return
        if args.quiet:
            return
        from merstudio.cli.bars import write

        if not getattr(outcome, "complete", True):  # stopped (Ctrl-C): its rows are kept, not its spots
            write(f"{item.input}: stopped at frame {outcome.frames} of {outcome.frame_count} (its rows are kept; "
                  "rerun the command to finish it)")
        else:
            write(f"{item.input}: analysed, {len(outcome.spots)} spot(s)")

    made = not args.out.exists()
    from merstudio.execution.local import resource_tracker_running, stop_resource_tracker

    tracker_before = resource_tracker_running()
    try:
        with shown:
            result = E.run_spotting(truth, args.out, settings, backend, iou=args.iou, expression=args.expression,
                                    overwrite=args.overwrite, retry_failed=args.retry_failed, notice=display.notice,
                                    on_result=on_result, on_plan=on_plan, on_progress=display.progress,
                                    model=model,
                                    segment_s=None if args.segment_minutes is None else args.segment_minutes * 60)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                args.out.rmdir()
        raise
    finally:
        if not tracker_before and threading.current_thread() is threading.main_thread():
            stop_resource_tracker()
    if result.interrupted:
        print("merstudio: interrupted; rerun the command to go on (finished videos are kept)", file=sys.stderr)
        return 130
    scored = sum(1 for r in result.results if r.scored)
    print(f"spotting: {len(result.results)} video(s) ({result.analysed} analysed now, {result.skipped_done} "
          f"finished before), {scored} scored; IoU >= {args.iou:g}")
    print("\n".join(E.score_table(result.scores())))
    if E.macro_note(result.scores()):
        print(E.macro_note(result.scores()))
    for note in E.video_notes(result):
        print(f"note: {note}")
    print(f"wrote {args.out / 'spotting.csv'} and {args.out / 'spotting.md'}")
    failed = len(result.results) - scored
    if failed:  # as merstudio analyze: scores without a video are not the whole evaluation
        print(f"merstudio: {failed} video(s) failed and are left out of the scores (exit status 2)", file=sys.stderr)
        return 2
    return 0
