"""`merstudio analyze`: videos or frame folders -> OpenFace-style per-frame CSV + spotting file."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from merstudio.atomic import check_not_input
from merstudio.cli.bounds import FACES_MAX, JOBS_MAX, MINUTES_MAX, frame_rate, output, real, whole
from merstudio.cli.fps_unused import FPS_REACHES, fps_unused_text, same_rate
from merstudio.cli.main import EpilogFormatter
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.names import ANALYSIS_FLOW_METHODS, FACE_LIMIT_AUTO, VIDEO_EXTENSIONS
from merstudio.resources import CLUSTER_INSTALL_HINT
from merstudio.textfile import shown_name

# The analysis (pandas, cv2, numpy: half a second) is imported where a command runs, not to build the parser
# (`merstudio --help`, every command's argument check); tqdm where a bar is drawn.
if TYPE_CHECKING:
    from merstudio.analysis.files import AnalysisOutput, SpotRow
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.cli.bars import Bar

# analyze's and spotting's --flow (one analysis, one list: merstudio.features.flow says why dis_fast is not in it)
FLOW_HELP = (f"optical flow of the micro-motion lane: {', '.join(ANALYSIS_FLOW_METHODS)} (default dis; tvl1 an "
             "analysis about 25 times slower; not dis_fast: it reads a micro-expression's small movements "
             "several-fold too small)")

EPILOG = """examples:
  merstudio analyze interview.mp4 -o results            # results/interview.csv, .spots.csv, .meta.json
  merstudio analyze /data/CASME2/CASME2-RAW -o casme2 -j 2   # a folder tree: a batch; rerun it to resume
  merstudio analyze --list videos.txt -o results --retry-failed   # the videos a file names; failed ones again
  merstudio analyze interview.mp4 -o results --checkpoint model.pt --plot   # + the model's classes, a chart"""


def ray_address_form(text: str) -> bool:
    """Whether `text` reads as a Ray address: "auto", "local" (or empty), HOST:PORT, or a URL (ray://HOST:PORT)."""
    text = text.strip()
    if text.lower() in ("", "auto", "local") or "://" in text:
        return True
    host, _, port = text.rpartition(":")
    return bool(host) and port.isdigit() and not any(c in host for c in "/\\")


class RayOption(argparse.Action):
    """--ray [ADDRESS]. Its optional value would swallow the input after it (`--ray DIR -o out`: "no inputs";
    `--ray a.mp4 b.mp4`: "Invalid address format: a.mp4"), so in a command with inputs (analyze) a value that
    names an existing file or folder, or is no address form at all, is an input (kept in `ray_inputs`, put before
    the others by the command) and --ray the embedded Ray. A command without inputs (spotting) refuses a value
    that is no address form in one line."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        value = self.const if values is None else str(values)
        takes_inputs = any(a.dest == "inputs" and not a.option_strings for a in parser._actions)
        if values is not None and not ray_address_form(value) and not takes_inputs:
            parser.error(f"argument --ray: {value}: not a Ray address (HOST:PORT, ray://HOST:PORT, auto or local)")
        if values is not None and takes_inputs and (Path(value).exists() or not ray_address_form(value)):
            if ray_address_form(value):  # "auto", "local" or host:port, and a file or folder of that name here
                print(f"merstudio: --ray {value}: read as the input {value} (a file or folder of that name is here) "
                      "and --ray as the embedded Ray; for a cluster, give its address as HOST:PORT", file=sys.stderr)
            namespace.ray_inputs = [*getattr(namespace, "ray_inputs", []), Path(value)]
            value = self.const
        setattr(namespace, self.dest, value)


def add_execution_options(p: argparse.ArgumentParser, units: str) -> None:
    """-j, --ray and --segment-minutes: where `analyze` and `spotting` (the same batch, run_batch) run `units`."""
    p.add_argument("-j", "--jobs", action=whole(1, JOBS_MAX), default=1, help=f"{units} (or segments) analysed in "
                   "parallel local processes (default 1); with --ray and no ADDRESS, the CPUs of the embedded Ray")
    inputs = any(a.dest == "inputs" and not a.option_strings for a in p._actions)
    p.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS", action=RayOption,
                   help="run on Ray: without ADDRESS an embedded Ray on this machine (-j N CPUs, default all), "
                   "with one an existing cluster (HOST:PORT, ray://HOST:PORT or auto"
                   + ("; a file or folder right after --ray is an input, not an ADDRESS: --ray DIR analyses DIR on "
                      "the embedded Ray, --ray HOST:PORT DIR on a cluster" if inputs else "")
                   + "); outputs and inputs must be on storage every node sees. Needs " + CLUSTER_INSTALL_HINT)
    p.set_defaults(ray_inputs=[])
    p.add_argument("--segment-minutes", action=real(0, MINUTES_MAX, above=True, below_text="positive"), default=None,
                   metavar="M",
                   help="split videos longer than M minutes into segments analysed as separate tasks (in parallel "
                   "with -j or --ray) and merged into the rows (and spots) of an unsplit run (segments are whole "
                   "minutes: the pipeline's restart grid; default: none split)")


def out_location(text: str) -> str | Path:
    """-o as merstudio.analysis.outputs reads it (a URL kept as text), that module imported only when an -o is
    read. The same name: argparse's message for a value it refuses names the type's."""
    from merstudio.analysis import outputs

    return outputs.out_location(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="per-frame AU activations and spotting for videos or frame folders",
        description="Find and track faces, align them, and write per-frame AU activations (OpenFace 2 style "
        "CSV: frame, face_id, timestamp, confidence, success, AUxx_r, AUxx_c) plus spotted micro-expression "
        "candidates (<name>.spots.csv) for each input. Output names: <name>.csv, .spots.csv, .meta.json, where "
        "<name> is the input's name without extension (clip.mp4 -> clip) unless another input of the run, or an "
        "earlier result of another input in the output folder, has the same one; then the whole file name "
        "(x.mp4 and x.jpg -> x.mp4.csv and x.jpg.csv), then <folder>_<file name>. A folder of images of one "
        "size is one clip (its frames); a folder of images of different sizes is a set of photos, each "
        "analysed on its own with its own output; videos beside a folder's images are inputs of their own (a "
        "batch). Every frame that decodes is analysed, whatever frame count "
        "the video file claims; a difference is printed as a warning and recorded in the meta file. "
        "Batch analysis of an archive: a folder that holds no images itself is searched recursively for videos "
        "and frame folders, --list FILE names inputs one per line; a batch writes <out>/manifest.csv (one row "
        "per input: hash, status, frames, fps, duration, device, error, output) after each input, and a rerun "
        "skips the inputs it lists as done with the same content and the same settings (resumable; a finished "
        "input whose result was made with other options, e.g. --landmarks, --format, --fps, or by an "
        "older analysis revision, is analysed again, and the run says which changed; --plot draws the plots of an "
        "up-to-date result from its files, in a batch or a plain run, without analysing it again); folders that "
        "hold results "
        "(a manifest.csv or *.meta.json) are never inputs. A batch into a folder holding results of single runs "
        "takes over (adopts as done) those of the same input, content and settings (wherever the input was "
        "then: a folder copied with its videos), and analyses again those of an older analysis revision. An input "
        "named twice is "
        "analysed once; a rerun keeps the name of the input's earlier result in the folder. -j N runs N local "
        "processes, "
        "--ray an embedded Ray on this machine, --ray ADDRESS an existing Ray cluster ("
        f"{CLUSTER_INSTALL_HINT}). Ctrl-C stops every back-end within a second or two and names the partial files.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("inputs", nargs="*", type=Path, metavar="VIDEO_OR_FOLDER",
                   help=f"video files ({', '.join(sorted(e[1:] for e in VIDEO_EXTENSIONS))}; named one by one, "
                   "also other files FFmpeg reads, e.g. raw .h264 or .mjpeg streams), images, folders of frame "
                   "images (one clip), folders of photos of different sizes (one result per photo), or folder "
                   "trees (searched for videos and frame folders: a batch); a folder of images with videos beside "
                   "them is a batch of its clip (or photos) and each video")
    p.add_argument("--list", type=Path, default=None, metavar="FILE",
                   help="a text file naming inputs, one path per line (# after a space or at a line's start: a comment; relative to the file): a batch")
    p.add_argument("--batch", action="store_true",
                   help="treat the inputs as a batch (manifest, skip finished inputs on a rerun) even when they "
                   "are named one by one; implied by a folder tree, --list, --ray, --retry-failed, or an output "
                   "folder that holds a manifest")
    p.add_argument("--retry-failed", action="store_true",
                   help="a batch rerun analyses the inputs the manifest lists as failed again (default: skipped "
                   "and reported)")
    add_execution_options(p, "inputs")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="per-frame table format (default csv; parquet needs pyarrow)")
    p.add_argument("-o", "--out", action=output(convert=out_location), required=True,
                   help="output folder, or a URL (s3://bucket/out, local:///abs/out, memory://...)")
    p.add_argument("--overwrite", action="store_true", help="replace existing results in the output folder (an "
                   "existing result stays until the new one is complete; then its table in the other --format goes too). A "
                   "commit a killed run left is finished before a run looks for existing results")
    p.add_argument("--flow", choices=ANALYSIS_FLOW_METHODS, default="dis", help=FLOW_HELP)
    p.add_argument("--max-faces", action=whole(1, FACES_MAX), default=None,
                   help=f"faces analysed per frame (default {FACE_LIMIT_AUTO})")
    p.add_argument("--landmarks", action="store_true", help="also write the 468 mesh points in frame pixels, columns "
                   "mp_x_0..mp_x_467, mp_y_0..mp_y_467 (MediaPipe's mesh, not OpenFace's 68 x_K, y_K)")
    p.add_argument("--rotate", choices=["auto", "0", "90", "180", "270"], default="auto",
                   help="degrees clockwise to turn the frames before finding faces: for a camera mounted upside down "
                   "or a phone video without a rotation flag (landmarks stay in the file's coordinates; default "
                   "auto: chosen from the faces of a few frames)")
    p.add_argument("--no-cover-checks", dest="covers", action="store_false",
                   help="do not judge covers (a hand over the face, a mask over the mouth, dark glasses, the "
                   "frame's edge cutting the face): every region's AUs read as the face mesh fits them (by default "
                   "a covered region reads NaN)")
    p.add_argument("--fps", action=frame_rate(), default=None, help="frame rate of frame folders and images (default: the dataset's rate "
                   "when the folder names match a known dataset, e.g. CASME II 200, else 30) and of videos without "
                   "frame timestamps, such as raw .h264/.mjpeg streams (default: the rate the stream states, else 25); a video with "
                   "timestamps keeps its own timing, and the run says so (one line; its meta's warnings too) with "
                   "the ffmpeg command that retimes a high-speed recording")
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="learned model: adds p_<class> and AUxx_p columns (default: none, AU activations only)")
    p.add_argument("--device", default=None,
                   help="device for the learned model: cpu, cuda, cuda:N or auto (default: CUDA when available)")
    p.add_argument("--no-model-gate", dest="model_gate", action="store_false",
                   help="the learned model judges every face frame; by default only frames whose movement stands "
                   "out from the face's own noise floor (its motion gate; during a blink or with a part of the face "
                   "covered, the rest's movement, the eyes or the covered part hidden from the model), whose head "
                   "does not turn, and which does not undo the face's last movement "
                   "(its release gate: the face going back to rest), the rest read NaN: not asked "
                   "(docs/model.md, Per-frame inference)")
    p.add_argument("--plot", action="store_true", help="also write <name>.png: AU curves with spotted intervals, and the class "
                   "probabilities with --checkpoint (a bar chart of the AU intensities for a one-frame input such "
                   "as a photo)")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help="no progress bars (what the run does and why, e.g. a batch's line of what it analyses again, "
                   "warnings and the summary are still printed)")
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> AnalysisSettings:
    # checked before the output folder is touched: a bad value must not set aside an interrupted run's rows (the
    # numbers are checked as the command line is read: merstudio.cli.bounds)
    if args.checkpoint is not None and not args.checkpoint.is_file():
        what = "is a folder, not a checkpoint file" if args.checkpoint.is_dir() else "checkpoint not found"
        raise InputError(f"{args.checkpoint}: {what}")
    if args.device is not None:
        from merstudio.model.device import pick_device

        pick_device(args.device)  # a bad or absent device is one line now, not one per video later
    from merstudio.analysis.pipeline import AnalysisSettings

    return AnalysisSettings(flow=args.flow, max_faces=args.max_faces, landmarks=args.landmarks,
                            checkpoint=args.checkpoint, device=args.device,
                            turn=None if args.rotate == "auto" else int(args.rotate), occlusion=args.covers,
                            model_gate=args.model_gate)


def run(args: argparse.Namespace) -> int:
    url = out_url(args.out)
    made = isinstance(args.out, Path) and not args.out.exists()
    try:
        with _second_stop_waits():  # a late second Ctrl-C waits for the line that names the partial files
            return _run(args)
    finally:
        if made and isinstance(args.out, Path):  # a run that wrote nothing (a bad input) leaves no empty folder
            with contextlib.suppress(OSError):
                args.out.rmdir()  # only an empty folder goes
        if url is not None:  # publishing emptied it; a partial result (named in the summary) keeps it
            from merstudio.analysis.outputs import staging_dir

            with contextlib.suppress(OSError):
                staging_dir(url).rmdir()


def out_url(out: Path | str) -> str | None:
    """The URL `-o` names (`out_location` kept it as text), None for a local folder (file:// included)."""
    from merstudio.analysis.outputs import is_url, localize

    where = localize(out)
    return str(where) if is_url(where) else None


def _run(args: argparse.Namespace) -> int:
    from merstudio.analysis import batch as B
    from merstudio.analysis.files import AnalysisOutput
    from merstudio.analysis.outputs import staging_dir
    from merstudio.execution import backend_from_args

    backend = backend_from_args(args.jobs, args.ray)
    args.inputs = [*args.ray_inputs, *args.inputs]  # a path after --ray is an input (RayOption)
    for p in args.inputs:
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
    if not args.inputs and args.list is None:
        raise InputError("no inputs: name videos or folders, or give --list FILE")
    settings = _settings(args)
    url = out_url(args.out)
    folder = Path(args.out) if url is None else staging_dir(url)  # a URL's: its partial files (never memory:/...)
    _remove_stale_staging(None if url is None else folder)
    batch = (args.batch or args.list is not None or args.ray is not None or args.retry_failed
             or any(B.is_tree(p) or B.is_mixed(p) for p in args.inputs) or _exists(_where(folder, url, B.MANIFEST)))
    if batch:
        inputs = B.find_inputs(args.inputs, args.list, skip=[folder], on_duplicate=lambda p, first: print(
            f"merstudio: {p}: the same file as {first}: analysed once", file=sys.stderr),
            on_results=lambda folders: print(
                f"merstudio: skipped {len(folders)} folder(s) of merstudio results (a manifest.csv or *.meta.json): "
                f"{', '.join(str(f) for f in folders[:5])}{', ...' if len(folders) > 5 else ''}", file=sys.stderr),
            on_mixed=lambda folder, images, videos: _say(_mixed_text(folder, images, videos)))
        if not inputs:
            where = args.list if args.list is not None else args.inputs[0]
            raise InputError(f"{where}: no videos or frame folders found")
        plan = B.plan_batch(inputs, args.out, retry_failed=args.retry_failed, overwrite=args.overwrite,
                            fmt=args.format, settings=settings, fps=args.fps, plot=args.plot, notice=_say)
    else:
        inputs = expand_photo_sets(args.inputs)
        if url is not None and args.plot and not args.overwrite:
            inputs = replot_published(inputs, url, settings, args.format, args.fps)
            if not inputs:
                return 0
        plan = B.plain_plan(inputs, args.out, args.overwrite,
                            fmt=args.format, notice=_say, settings=settings, fps=args.fps, plot=args.plot)
    if args.plot and url is None:
        sources = {it.input.resolve() for it in plan.items + plan.replot}
        for it in plan.items + plan.replot:  # a photo analysed into its own folder: <name>.png is the photo itself
            png = folder / f"{it.name}.png"
            if png.resolve() in sources:
                raise OutputError(f"{png}: is an input; its AU plot would replace it: write to another folder (-o)")
    if args.plot and not args.overwrite:
        taken = [p for it in plan.items if not it.overwrite and _exists(p := _where(folder, url, f"{it.name}.png"))]
        if taken:
            raise OutputError(f"{taken[0]}: already exists (use --overwrite to replace it)")
    for line in _moved_lines(plan) if batch else ():
        print(f"merstudio: {line}", file=sys.stderr)
    if batch and plan.adopted:
        print(f"merstudio: adopted {len(plan.adopted)} earlier result(s) in {url or folder} (the same input, content and "
              "settings) into the manifest as done", file=sys.stderr)
    unused = _fps_unused(plan, args.fps, each=not batch)  # said before a long run, not after it
    if unused and batch:
        _say(_fps_unused_line(unused, args.fps))
    for path, own in unused.items() if not batch else ():  # inputs named one by one: a line each
        _say(fps_unused_text(path, args.fps, own))
    if batch:  # -q hides progress bars only: this line says what the run does and why (settings changed)
        again = f" ({plan.changed_text()})" if plan.changed else ""
        print(f"batch of {plan.total} input(s) on {backend.describe()}: {len(plan.items)} to analyse{again}, "
              f"{len(plan.done)} finished before (skipped), {len(plan.failed)} failed before (skipped"
              f"{'' if not plan.failed else ': --retry-failed runs them again'})")
    from merstudio.execution.local import resource_tracker_running, stop_resource_tracker

    tracker_before = resource_tracker_running()
    shown: set[str] = set()  # inputs whose summary was printed as they finished
    # inputs named one by one: their summaries in input order, each as soon as it and those before it are settled
    # (-j N finishes them in any order); a batch's in the order they finish
    order = {id(it): k for k, it in enumerate(plan.items)}
    settled: dict[int, Any] = {}
    turn = [0]  # the next input whose summary is due
    held = [False]  # a plot that failed to draw: the rest wait for the run's end, in order, as before

    def say_now(outcome: Any, display: BatchDisplay) -> bool:
        """Print (and draw) a complete result's summary now: a run stopped by `timeout` or a SLURM time limit
        printed nothing of the inputs it had finished, and a log showed only the run's first line."""
        if not isinstance(outcome, AnalysisOutput) or not outcome.complete:
            return True  # a failure's line went by already; a partial one is named by the interrupt line
        if outcome.remote is not None and args.plot and outcome.face_ids and not outcome.plots:
            return False  # published without its plots: the run's end says why (plots_missing)
        if args.plot and outcome.remote is None:
            try:
                write_plot(outcome)
            except (MerstudioError, OSError):
                return False  # drawn again after the run, where its error ends the command as before
        display.summary(outcome, plot=args.plot, url=url)
        shown.add(str(outcome.input))
        return True

    try:
        with BatchDisplay(batch, args.quiet, len(plan.items)) as display:
            def on_result(item: Any, outcome: Any) -> None:
                display.result(item, outcome)
                if isinstance(outcome, AnalysisOutput) and outcome.complete and item.input in unused:
                    _note_in_meta(outcome, fps_unused_text(item.input, args.fps, outcome.fps), url)
                if batch:
                    if len(plan.items) <= SUMMARIES:
                        say_now(outcome, display)
                    return
                if id(item) in order:
                    settled[order[id(item)]] = outcome
                while not held[0] and turn[0] in settled:
                    held[0] = not say_now(settled.pop(turn[0]), display)
                    turn[0] += 1

            result = B.run_batch(plan, settings, backend, fps=args.fps, fmt=args.format,
                                 on_progress=display.progress, on_result=on_result, on_notice=display.notice,
                                 segment_s=None if args.segment_minutes is None else args.segment_minutes * 60,
                                 # drawn under the batch's claim on the folder (manifest.lock)
                                 while_claimed=(lambda: _plot_stored(plan.replot, folder, url, args.format))
                                 if args.plot and plan.replot else None,
                                 # to a URL: drawn from each complete result and published with it, before its meta
                                 before_publish=write_plot if args.plot else None)
    finally:
        if not tracker_before and threading.current_thread() is threading.main_thread():
            stop_resource_tracker()  # the workers are gone: without this the exit waits for it (fd 2)

    if result.interrupted:
        for r in result.outputs if not batch else ():  # finished behind one that was stopped (-j N): said too
            if r.complete and str(r.input) not in shown:
                _print_summary(r, url=url)
        sys.stdout.flush()
        print(f"merstudio: {_interrupt_line(result, plan.manifest, url)}", file=sys.stderr)
        return 130
    for r in result.outputs:
        if str(r.input) in shown:
            continue
        if args.plot and r.remote is None:
            write_plot(r)
        if not batch or len(result.outputs) <= SUMMARIES:
            _print_summary(r, plot=args.plot, url=url, missing=result.plots_missing.get(r.paths.name))
    failed = len(result.failures) + len(result.skipped_failed)
    if batch:
        counts = plan.manifest.counts() if plan.manifest is not None else {}
        print(f"batch: {sum(1 for r in result.outputs if r.complete)} analysed, {len(result.failures)} failed, "
              f"{len(plan.done)} skipped (finished before), {len(plan.failed)} skipped (failed before); manifest "
              f"{plan.manifest.where if plan.manifest else '-'}: {counts.get('done', 0)} done, "
              f"{counts.get('failed', 0)} failed, {counts.get('partial', 0)} partial")
        for row in result.skipped_failed:
            print(f"merstudio: failed before (skipped; --retry-failed runs it again): {row.error or row.video}",
                  file=sys.stderr)
    if result.plots_missing:
        print(f"merstudio: {_plots_missing_text(result.plots_missing, url)}", file=sys.stderr)
    if failed:
        if plan.total > 1:  # the errors went by among the bars: the last line names whose they were
            names = [shown_name(str(p)) for p, _ in result.failures] + [row.video for row in result.skipped_failed]
            print(f"merstudio: {failed} of {plan.total} inputs failed: {_named(names)}", file=sys.stderr)
        return 2
    if result.plots_missing:
        return 3  # an output not written (README: exit statuses)
    return 0


@contextlib.contextmanager
def _second_stop_waits() -> Iterator[None]:
    """A stop signal (Ctrl-C, SIGTERM, SIGHUP) after the one a batch took waits for the interrupted line, which
    names the partial files: the batch takes only a first one itself, while its tasks stop; one that came after
    that (with an embedded Ray, about 2 s after the first) cut the line short to a bare "interrupted". A signal
    before the batch took one, and a third, act as the handler this one stands in for does. Main thread only."""
    import signal

    from merstudio import interrupts

    if threading.current_thread() is not threading.main_thread() or interrupts.stopped_by() is not None:
        yield  # elsewhere, or an earlier command's signal still recorded: no way to tell a second one
        return
    olds = {s: signal.getsignal(s) for s in interrupts.STOP_SIGNALS}
    held = [0]

    def handler(signum: int, frame: Any) -> None:
        old = olds[signum]
        if interrupts.stopped_by() is not None and not held[0]:
            held[0] += 1  # the batch is stopping already: its line comes next, then exit 130
        elif callable(old):
            old(signum, frame)  # the first (as before), or a third: the run's tail hangs, stop it anyway

    with interrupts.handling(handler, [s for s, old in olds.items() if callable(old)]):
        yield


def _remove_stale_staging(keep: Path | None) -> None:
    """Staging folders that earlier runs to output URLs left (stopped or killed) and nobody has used for a day:
    removed, in one line (they held partial rows the user was told of, and can be large)."""
    from merstudio.analysis.outputs import remove_stale_staging

    gone = remove_stale_staging(keep)
    if gone:
        size = sum(n for _, n in gone)
        print(f"merstudio: removed {len(gone)} staging folder(s) that stopped runs to output URLs left unused for "
              f"a day ({size / 1e6:.1f} MB of partial rows, never published) in {gone[0][0].parent}",
              file=sys.stderr)


def _interrupt_line(result: Any, manifest: Any, url: str | None = None) -> str:
    """The batch's one line after Ctrl-C, with the inputs it stopped part-way and the frames each kept ("0
    input(s) finished, 0 not started" alone said nothing of the video that was running); to an output URL, that
    the partial files are in its local staging folder, not published, and how long they stay there."""
    from merstudio.analysis.batch import interrupt_message
    from merstudio.analysis.segments import kept_spans

    line = _staged(interrupt_message(result, manifest), result, url)
    stopped = [o for o in result.outputs if not o.complete]
    split = result.split_stopped
    if not stopped and not split:
        return line
    head, sep, files = line.partition("; partial files: ")
    where = f" (see {manifest.where})" if manifest is not None else ""
    if where and head.endswith(where):
        head = head[:-len(where)]
    kept = [f"{o.input.name} (" + (f"frames 0-{o.frames - 1} kept in {o.paths.partial}" if o.frames
                                   else "no frame analysed") + ")" for o in stopped]
    for source, work in split:  # its segments' rows, each from its segment's start: spans, not one 0-N
        spans = ", ".join(f"{a}-{b}" for a, b in kept_spans(work))
        kept.append(f"{Path(source).name} (" + (f"frames {spans} kept in {work}/" if spans
                                                else "no frame analysed") + ")")
    return f"{head}, {len(kept)} stopped part-way: {', '.join(kept)}{where}{sep}{files}"


def _staged(line: str, result: Any, url: str | None) -> str:
    """`line` with, for a run to an output URL that left partial files, where they are and how long they stay."""
    if url is None or not result.partial_files:
        return line
    from merstudio.analysis.outputs import staging_dir

    return (f"{line} (not published: in {url}'s local staging folder {staging_dir(url)}, kept until a run to "
            "that URL completes, or a day unused)")


def _fps_unused(plan: Any, fps: float | None, each: bool = False) -> dict[Path, float | None]:
    """The inputs of `plan` (to analyse, or finished before) that a given --fps does not reach: videos whose frames
    carry times keep their own timing (`batch.frames_fps`, the CLI's rule; the Python API's open_source(fps=)
    does retime them). Each with its own rate where it is one input or `each` asks (opened to read it; a file that
    does not open as a video is left to its own error), else None: a batch's are counted, not opened again."""
    if fps is None:
        return {}
    from merstudio.analysis.batch import frames_fps
    from merstudio.io import IMAGE_EXTENSIONS, SourceWarning

    paths = [it.input for it in plan.items + plan.replot if it.error is None] + [Path(r.video) for r in plan.done]
    timed = [p for p in dict.fromkeys(paths)
             if p.is_file() and p.suffix.lower() not in IMAGE_EXTENSIONS and frames_fps(p, fps) is None]
    if len(timed) != 1 and not each:
        return dict.fromkeys(timed)
    from merstudio.io import open_source

    rates: dict[Path, float | None] = {}
    for p in timed:
        with warnings.catch_warnings(), contextlib.suppress(MerstudioError):  # not a video that opens: its run says
            warnings.simplefilter("ignore", SourceWarning)  # the run's summary and meta carry its warnings
            with open_source(p) as src:
                if not same_rate(fps, src.fps):  # its own rate is the one asked for: nothing to say
                    rates[p] = src.fps
    return rates


def _fps_unused_line(unused: dict[Path, float | None], fps: float) -> str:
    """One line for all the inputs --fps does not reach: the input itself, or how many (the first few named)."""
    if len(unused) == 1:
        path, own = next(iter(unused.items()))
        return fps_unused_text(path, fps, own)
    names = _named([p.name for p in unused])
    return (f"--fps {fps:g} not used for {len(unused)} videos ({names}): they carry frame times, which they keep "
            f"({FPS_REACHES}); to retime high-speed recordings, "
            f"rewrite an MP4/MOV/MKV's frame times (ffmpeg -itsscale <its rate / {fps:g}> -i IN -c copy -an OUT) or "
            f"analyse a video's frames as a folder with --fps {fps:g} (docs/io.md)")


def _note_in_meta(r: AnalysisOutput, line: str, url: str | None) -> None:
    """`line` added to the warnings of the complete result `r`'s meta (published at `url`, when given), while the
    meta there is still this run's (its run_id): a reader of the result learns what its analysis did not use.
    Best effort: the run has said it already."""
    import json
    import tempfile

    from merstudio.analysis.outputs import download, join_url, upload_atomic
    from merstudio.atomic import write_text_atomic

    def noted(text: str) -> str | None:
        info = json.loads(text)
        if info.get("run_id") != r.run_id or line in (info.get("warnings") or []):
            return None
        info["warnings"] = [*(info.get("warnings") or []), line]
        return json.dumps(info, indent=2)

    with contextlib.suppress(OSError, ValueError):
        if url is None or r.remote is None:
            new = noted(r.paths.meta.read_text(encoding="utf-8"))
            if new is not None:
                write_text_atomic(r.paths.meta, new)
            return
        where = join_url(url, r.paths.meta.name)
        with tempfile.TemporaryDirectory(prefix="merstudio-meta-") as tmp:
            got = Path(tmp) / r.paths.meta.name
            if download(where, got) and (new := noted(got.read_text(encoding="utf-8"))) is not None:
                upload_atomic(new.encode("utf-8"), where)


def _plots_missing_text(missing: dict[str, str], url: str | None) -> str:
    """The one line for results published at `url` without their plots (the drawing failed: batch.PlotsOrWhy)."""
    from merstudio.analysis.batch import PLOT_MISSING

    names = list(missing)
    if len(names) == 1:
        return (f"{_where(Path(), url, names[0] + '.meta.json')}: the result is published without its plot "
                f"({missing[names[0]]}), as this meta says ({PLOT_MISSING})")
    return (f"{len(names)} results at {url} are published without their plots ({_named(names)}; the first's: "
            f"{missing[names[0]]}), as their metas say ({PLOT_MISSING})")


FAILED_NAMED = 3  # failed inputs named in a run's last line; the rest counted


def _moved_lines(plan: Any) -> list[str]:
    """The inputs found at a new path with the content of a row whose path is gone (the archive moved or was
    remounted), by what their rows hold: a finished result is kept, one not up to date (stopped, other settings, its
    files gone) analysed again, and those that failed before named (two of three that failed were counted among
    "their results are kept")."""
    from merstudio.analysis import batch as B

    rows = plan.manifest.rows if plan.manifest is not None else {}
    running = {B.Manifest.key(it.input) for it in plan.items}
    kept: list[tuple[str, str]] = []
    again: list[tuple[str, str]] = []
    failed: list[str] = []
    for old, new in plan.moved:
        row = rows.get(new)
        if row is not None and row.status == "failed":
            failed.append(new)
        else:
            (again if new in running else kept).append((old, new))
    lines = [f"{len(group)} input(s) found at a new path with the content of {what} whose path is gone (moved or "
             f"remounted; e.g. {group[0][0]} -> {group[0][1]}): {fate}"
             for group, what, fate in ((kept, "a finished one", "their results are kept"),
                                       (again, "one not finished or made with other settings", "analysed again"))
             if group]
    if failed:
        lines.append(f"{len(failed)} input(s) that failed before found at a new path (moved or remounted): "
                     f"{_named(failed)}")
    return lines


def _named(names: list[str]) -> str:
    """`a.jpg, b.jpg, c.jpg, +2 more`: the first FAILED_NAMED names, the rest counted."""
    more = len(names) - FAILED_NAMED
    return ", ".join(names[:FAILED_NAMED]) + (f", +{more} more" if more > 0 else "")


def _where(out: Path, url: str | None, name: str) -> Path | str:
    if url is None:
        return out / name
    from merstudio.analysis.outputs import join_url

    return join_url(url, name)


def _exists(where: Path | str) -> bool:
    if isinstance(where, str):
        from merstudio.analysis.outputs import remote_exists

        return remote_exists(where)
    return where.exists()


def _say(line: str) -> None:
    print(f"merstudio: {line}", file=sys.stderr, flush=True)


def _mixed_text(folder: Path, images: list[Path], videos: list[Path]) -> str:
    """What a batch takes from a folder named directly that holds images and videos (`batch.is_mixed`): its frames
    as one clip (or its photos) and each video, as a tree search would; said, never chosen silently."""
    if images == [folder]:
        from merstudio.io import IMAGE_EXTENSIONS

        n = sum(1 for q in folder.iterdir() if q.suffix.lower() in IMAGE_EXTENSIONS and not q.name.startswith("."))
        what = "its image as a clip of one frame" if n == 1 else f"its {n} images as one clip (its frames)"
    else:
        what = f"its {len(images)} photos of different sizes (each on its own)"
    names = ", ".join(v.name for v in videos[:3]) + (", ..." if len(videos) > 3 else "")
    return (f"{folder}: holds images and {len(videos)} video(s) ({names}): analysing {what} and each video, a "
            "batch (name a video to analyse only it)")


SUMMARIES = 20  # a batch prints the full summary of each result up to this many results (one line each beyond)


# the batch bar: videos (fractional while videos run: the share of their frames done), elapsed < ETA, rate
BATCH_BAR = "{l_bar}{bar}| {n:.2f}/{total_fmt} videos [{elapsed}<{remaining}{postfix}]"
RUNNING_NAMED = 3  # running videos named in the batch bar with their frames


def _running_text(p: Any) -> str:
    """`: long 1200/3750 frames (32%), b 10/40 frames (25%)` for the running videos (the first RUNNING_NAMED)."""
    parts = []
    for i, (done, total) in sorted(p.running.items())[:RUNNING_NAMED]:
        pct = f" ({100 * done / total:.0f}%)" if total else ""
        parts.append(f"{p.labels.get(i, str(i))} {done}/{total or '?'} frames{pct}")
    more = len(p.running) - len(parts)
    return (": " + ", ".join(parts) + (f", +{more}" if more > 0 else "")) if parts else ""


class BatchDisplay:
    """Progress in the terminal: a frame bar per running input (a plain run), or one bar for the whole batch
    (videos, videos/s and frames/s, ETA); an "indexing <file>" bar while a video's index pass runs, in a batch and
    with -j N too (`BatchProgress.indexing`); errors and (in a large batch) one line per finished input."""

    def __init__(self, batch: bool, quiet: bool, total: int) -> None:
        self.batch, self.quiet, self.total = batch, quiet, total
        self.bars: dict[int, Bar] = {}
        self.overall: Bar | None = None
        self.index_bars: dict[int, Bar] = {}  # BatchProgress.indexing's keys
        self.index_at: dict[int, float] = {}  # when each index bar last moved

    def __enter__(self) -> BatchDisplay:
        if not self.quiet and self.batch and self.total:  # nothing to analyse: no empty bar (the batch's lines
            from merstudio.cli.bars import Bar  # say why)

            self.overall = Bar(desc="batch", total=self.total, unit="video", bar_format=BATCH_BAR)
        return self

    def __exit__(self, *exc: object) -> None:
        for key in list(self.index_bars):
            self._index_done(key)
        for b in self.bars.values():
            b.close()
        if self.overall is not None:
            self.overall.close()

    def notice(self, line: str) -> None:
        """A run's notice (the rows of an interrupted run kept): above the progress bars, never over them."""
        if self.quiet or (self.overall is None and not self.bars and not self.index_bars):
            print(f"merstudio: {line}", file=sys.stderr, flush=True)
        else:
            from merstudio.cli.bars import write

            write(f"merstudio: {line}", err=True)

    def _indexing(self, passes: dict[int, tuple[str, int, int]]) -> None:
        """The index passes under way (a task's, or this process's counting a video to split it), each an
        "indexing <file>" bar above its frame bar, or under the batch bar; a pass's bar ends when its entry goes
        (its input's frames came, or its outcome)."""
        from merstudio.cli.bars import index_bar

        for key in [k for k in self.index_bars if k not in passes]:
            self._index_done(key)
        for key, (name, done, total) in passes.items():
            bar = self.index_bars.get(key)
            if bar is None:
                row = (1 if self.overall is not None else len(self.bars)) + len(self.index_bars)
                bar = self.index_bars[key] = index_bar(name, done, total, position=row)
            elif (done, total) == (bar.n, bar.total):
                continue  # another task's report: this pass has not moved
            if total != bar.total:  # the count known so far: a file may hold more frames than it says
                bar.total = total
            bar.update(done - bar.n)
            self.index_at[key] = bar._time()  # its last report so far: the end of the pass, once it ends

    def _index_done(self, key: int) -> None:
        """An index bar ends where its input's frames come (or its outcome; a file without a stated count gives no
        other sign of the pass's end): it shows its last count and the pass's time, not the wait for the first
        frame after it; at the top (a plain run) kept on the screen, cleared for the frame bar that takes its place
        further down; under the batch bar cleared."""
        bar = self.index_bars.pop(key)
        at = self.index_at.pop(key, bar._time())
        bar._time = lambda: at  # tqdm's clock, stopped where the pass ended
        bar.close()

    def progress(self, p: Any) -> None:
        if self.quiet:
            return
        self._indexing(p.indexing)
        if self.overall is not None:
            # the bar counts videos, the running ones by the share of their frames done (so the ETA moves while
            # a long video runs); the running ones' frames are named after it
            self.overall.n = round(p.videos(), 2)
            vps, fps = p.rates()
            self.overall.set_postfix_str(f"{fps:.1f} frames/s, {len(p.running)} running{_running_text(p)}",
                                         refresh=False)
            self.overall.refresh()
            return
        from merstudio.cli.bars import Bar

        for i, (done, total) in p.running.items():
            bar = self.bars.get(i)
            if bar is None:
                # under the bars still running; where none is (one input after another), on the line under the
                # last one's end, not a row further down for each input before it
                row = len(self.bars) if any(not b.disable for b in self.bars.values()) else 0
                bar = self.bars[i] = Bar(desc=p.labels.get(i, str(i)), total=total, unit="frame", position=row)
            bar.update(done - bar.n)

    def summary(self, r: AnalysisOutput, plot: bool, url: str | None = None) -> None:
        """A finished input's summary (stdout), above the progress bars, flushed: a log cut short keeps it."""
        from merstudio.cli.bars import write

        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            _print_summary(r, plot=plot, url=url)
        if self.quiet or (self.overall is None and not self.bars and not self.index_bars):
            sys.stdout.write(text.getvalue())
        else:
            write(text.getvalue().rstrip("\n"))
        sys.stdout.flush()

    def result(self, item: Any, outcome: Any) -> None:
        from merstudio.cli.bars import write
        from merstudio.execution import Cancelled

        for bar in self.bars.values():  # its input's (or its segments'): a plain run's bars stay until the run ends
            if bar.desc == item.name or bar.desc.startswith(f"{item.name} ["):
                bar.close()  # so its time is its input's, and a log gets its end line now, not at the run's end
        if isinstance(outcome, Cancelled):
            return  # named in the interrupt message
        if isinstance(outcome, BaseException):
            if isinstance(outcome, MerstudioError):
                text = str(outcome)
            else:
                text = f"{item.input}: {type(outcome).__name__}: {outcome}"
            if self.quiet or self.overall is None:
                print(f"merstudio: error: {text}", file=sys.stderr)
            else:
                write(f"merstudio: error: {text}", err=True)
        elif self.batch and not self.quiet and self.total > SUMMARIES:
            status = "complete" if outcome.complete else "PARTIAL"
            n = len(outcome.warnings)  # the full summary lists them; this line must not lose them
            said = f"; {n} warning{'s' if n > 1 else ''} (first: {outcome.warnings[0]}; all in {outcome.paths.meta.name})" if n else ""
            write(f"{outcome.input}: {status}, {outcome.rows} rows -> {outcome.remote or outcome.csv}{said}")


def expand_photo_sets(inputs: list[Path]) -> list[Path]:
    """Folders of photos of different sizes become their photos (each analysed on its own); other inputs stay. Said
    with -q too (it hides progress bars only): it is why one folder gives several results."""
    from merstudio.io import photo_set

    out: list[Path] = []
    for p in inputs:
        photos = photo_set(p)
        if photos is None:
            out.append(p)
            continue
        print(f"{p}: {len(photos)} images of different sizes: analysing each photo on its own")
        out.extend(photos)
    return out


def _run_one(path: Path, out: Path, name: str, settings: AnalysisSettings, fps: float | None,
             bar: bool, position: int, overwrite: bool = True) -> AnalysisOutput:
    """Analyse one input in this process, drawing a progress bar (bar=True). The input's warnings are printed in the
    summary (one line each), not as Python warnings. (`merstudio demo` uses it.)"""
    from merstudio.io import SourceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        return _run_one_quietly(path, out, name, settings, fps, bar, position, overwrite)


def _notice(line: str) -> None:
    from merstudio.cli.bars import write

    write(f"merstudio: {line}", err=True)  # above a frame bar, never over it


def _run_one_quietly(path: Path, out: Path, name: str, settings: AnalysisSettings, fps: float | None,
                     bar: bool, position: int, overwrite: bool = True) -> AnalysisOutput:
    from merstudio.analysis.files import analyze_file

    if not bar:
        return analyze_file(path, out, name, settings, fps=fps, overwrite=overwrite, notice=_notice)
    from merstudio.cli.bars import Bar

    bars: list[Bar] = []  # created on the first frame, so a bad input prints its error line only

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(Bar(desc=name, total=total, unit="frame", position=position))
        bars[0].update(done - bars[0].n)

    try:
        return analyze_file(path, out, name, settings, progress=progress, fps=fps, overwrite=overwrite,
                            notice=_notice)
    finally:
        if bars:
            bars[0].close()


def write_plot(r: AnalysisOutput, truth: list[tuple[int, int, str]] | None = None) -> None:
    """AU curves of each face track to <name>.png (<name>_face<k>.png when there are several)."""
    from merstudio.analysis.outputs import read_table
    from merstudio.analysis.plot import plot_au_curves

    frames = read_table(r.csv)  # CSV or Parquet (--format)
    model = _plot_model(r)
    if r.boxes and len(r.face_ids) > 1:  # a photo of several people: which face is which
        _face_map(r, frames)
    elif r.portraits and len(r.face_ids) > 1:  # a video of several people (or one, lost and found): who is who
        _face_sheet(r, frames)
    for fid in r.face_ids:
        png = r.paths.csv.with_suffix(".png") if len(r.face_ids) == 1 else \
            r.paths.csv.with_name(f"{r.paths.csv.stem}_face{fid}.png")
        # never the input itself, whatever --overwrite says
        check_not_input(png, r.input, "; its AU plot would replace it: write to another folder (-o)")
        spots = [(s.onset, s.offset) for s in r.spots if s.face_id == fid]
        plot_au_curves(frames, png, fid, spots, truth or (), title=f"{r.input.name}: AU intensity (0-5), face {fid}",
                       model=model)
        r.plots.append(png)


def _plot_model(r: AnalysisOutput) -> str:
    """The checkpoint behind a result's class curves, for its plot's Description ("starter.pt (26e4a6027a09)"):
    its name from the meta's settings, its digest as loaded; "" without one."""
    import json

    from merstudio.model.checkpoint_meta import identity_text

    if not r.checkpoint_sha256:
        return ""
    try:
        path = json.loads(r.paths.meta.read_text(encoding="utf-8"))["settings"]["checkpoint"] or ""
    except (OSError, ValueError, KeyError, TypeError):
        path = ""
    return identity_text({"name": Path(str(path)).name or "checkpoint", "sha256": r.checkpoint_sha256}, short=True)


def _plot_fetched(url: str, name: str, fmt: str, check: Any = None) -> AnalysisOutput | None:
    """The plots of the result `name` published at the output URL `url`: its files fetched into a temporary
    folder, drawn there as `write_plot` draws them beside a local result and uploaded beside it (`plots`: their
    names). None (nothing drawn) when it is not there or `check(folder)` says no. A meta that said its plots were
    missing (the drawing failed when it was published: batch.PlotsOrWhy) no longer says so."""
    import shutil
    import tempfile

    from merstudio.analysis.files import output_paths, stored_result
    from merstudio.analysis.outputs import download, join_url, upload

    tmp = Path(tempfile.mkdtemp(prefix="merstudio-replot-"))
    try:
        paths = output_paths(tmp, name, fmt)
        if not all(download(join_url(url, q.name), q) for q in (paths.meta, paths.csv, paths.spots)):
            return None
        if check is not None and not check(tmp):
            return None
        r = stored_result(tmp, name)
        write_plot(r)
        for png in r.plots:
            upload(png, join_url(url, png.name))
        _plots_found(url, paths.meta)
        return r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _plots_found(url: str, meta: Path) -> None:
    """The published meta `meta` (fetched from `url`) without its PLOT_MISSING, now that its plots are uploaded:
    rewritten whole, and only while the result at the URL is still that one (the same run_id)."""
    import json

    from merstudio.analysis.batch import PLOT_MISSING
    from merstudio.analysis.outputs import download, join_url, upload_atomic

    info = json.loads(meta.read_text(encoding="utf-8"))
    if info.pop(PLOT_MISSING, None) is None:
        return
    now = meta.with_suffix(".now")
    if download(join_url(url, meta.name), now) and json.loads(now.read_text(encoding="utf-8")).get("run_id") == \
            info.get("run_id"):
        upload_atomic(json.dumps(info, indent=2).encode("utf-8"), join_url(url, meta.name))


def replot_published(inputs: list[Path], url: str, settings: AnalysisSettings, fmt: str,
                     fps: float | None) -> list[Path]:
    """--plot without --overwrite into an output URL: an input whose published result is up to date (the same
    input, content and settings: `batch.adoptable`) gets its plots drawn from that result (fetched) and uploaded
    beside it, not analysed again, as `_plot_stored` does in a local folder. Returns the inputs left to analyse."""
    from merstudio.analysis import batch as B
    from merstudio.analysis.files import content_hash, output_names
    from merstudio.analysis.outputs import join_url

    left: list[Path] = []
    drawn: list[str] = []
    for p, name in zip(inputs, output_names(inputs), strict=True):
        try:
            digest = content_hash(p)
        except OSError:
            digest = ""

        def current(tmp: Path, p: Path = p, name: str = name, digest: str = digest) -> bool:
            return B.adoptable(tmp, name, p, digest, settings, fmt=fmt, fps=fps) is not None

        r = _plot_fetched(url, name, fmt, current) if digest else None
        if r is None:
            left.append(p)  # analysed (or refused as existing) as before
            continue
        drawn.extend(join_url(url, png.name) for png in r.plots)
    done = [p for p in inputs if p not in left]
    if done:
        what = (f"{done[0]}: its result at {url} is" if len(done) == 1
                else f"{len(done)} inputs: their results at {url} are")
        shown = ", ".join(drawn[:3]) + (", ..." if len(drawn) > 3 else "")
        print(f"merstudio: {what} up to date (the same content and settings): plot drawn from "
              f"{'it' if len(done) == 1 else 'them'}, not analysed again ({shown or 'no face to plot'})",
              file=sys.stderr)
    return left


def _plot_stored(items: list[Any], out: Path, url: str | None = None, fmt: str = "csv") -> None:
    """--plot for inputs whose result in `out` (or published at the output URL `url`) is up to date (the same
    input, content and settings): drawn from the result's table and meta (`stored_result`), not analysed again;
    one line says so."""
    from merstudio.analysis.files import stored_result
    from merstudio.analysis.outputs import join_url

    drawn: list[Path | str] = []
    sheets: list[Path] = []  # <name>_faces.png of results with several faces: not drawn (no face boxes stored)
    for it in items:
        if url is not None:
            fetched = _plot_fetched(url, it.name, fmt)
            if fetched is not None:
                drawn.extend(join_url(url, png.name) for png in fetched.plots)
            continue
        r = stored_result(out, it.name)
        write_plot(r)
        drawn.extend(r.plots)
        if len(r.face_ids) > 1 and not r.boxes and not r.portraits:
            sheets.append(r.paths.csv.with_name(f"{r.paths.csv.stem}_faces.png"))
    what = (f"{items[0].input}: its result in {url or out} is" if len(items) == 1
            else f"{len(items)} inputs: their results in {url or out} are")
    shown = ", ".join(str(p) for p in drawn[:3]) + (", ..." if len(drawn) > 3 else "")
    print(f"merstudio: {what} up to date (the same content and settings): plot drawn from "
          f"{'it' if len(items) == 1 else 'them'}, not analysed again ({shown or 'no face to plot'})",
          file=sys.stderr)
    if sheets:
        kept = sum(1 for p in sheets if p.is_file())
        state = (f"kept as the analysis drew {'it' if kept == 1 else 'them'}" if kept == len(sheets) else
                 "--overwrite analyses again to draw it" if not kept else
                 f"{kept} kept as the analysis drew them; --overwrite analyses the others again to draw them")
        print(f"merstudio: the face sheet (or a photo's face map) of several faces ({', '.join(p.name for p in sheets[:3])}"
              f"{', ...' if len(sheets) > 3 else ''}) is not drawn again: a result written before merstudio stored the face "
              f"boxes in its meta lacks them ({state})", file=sys.stderr)


def _face_sheet(r: AnalysisOutput, frames: Any) -> None:  # frames: pandas.DataFrame (imported lazily)
    """<name>_faces.png for a video with several face tracks: each track's face where it was largest."""
    from merstudio.analysis.pipeline import portrait_image
    from merstudio.analysis.plot import plot_face_sheet
    from merstudio.io import open_source

    seen = frames[frames["face_id"] >= 0].groupby("face_id")["frame"].agg(["min", "max", "count"])
    faces = []
    with open_source(r.input) as src:
        for fid in r.face_ids:
            if fid not in r.portraits or fid not in seen.index:
                continue
            i, box = r.portraits[fid]
            first, last, n = (int(v) for v in seen.loc[fid])
            faces.append((fid, portrait_image(src.frame(i), box, r.turned),
                          f"frames {first}-{last} ({n} with the face)\nshown: frame {i}"))
    png = r.paths.csv.with_name(f"{r.paths.csv.stem}_faces.png")
    plot_face_sheet(faces, png, title=f"{r.input.name}: the face tracks (their AU charts: "
                                      f"{r.paths.csv.stem}_face<id>.png)")
    r.plots.append(png)


def _face_map(r: AnalysisOutput, frames: Any) -> None:  # frames: pandas.DataFrame (imported lazily)
    from merstudio.analysis.plot import plot_face_map
    from merstudio.features.aus import face_note
    from merstudio.io import open_source

    with open_source(r.input) as src:
        rgb = next(iter(src.iter_frames(0, 1)))[1]
    notes = {}
    for fid in r.face_ids:
        row = frames[frames["face_id"] == fid]
        notes[fid] = face_note(lambda c: float(row[c].iloc[0]) if len(row) and c in row else None,  # noqa: B023
                               still=True)
    png = r.paths.csv.with_name(f"{r.paths.csv.stem}_faces.png")
    plot_face_map(rgb, [(fid, box, notes.get(fid, "")) for fid, box in r.boxes], png,
                  title=f"{r.input.name}: faces (their AU charts: {r.paths.csv.stem}_face<id>.png)")
    r.plots.append(png)


def _span_end(s: SpotRow, fps: float) -> float:
    """When a spot's offset frame ends: its span is [t(onset), t(offset + 1)), as docs/interchange.md spans an event
    (the spots file's offset_time is the start of that frame: "1.57-1.80 s" for frames 47-54 at 30 fps left the
    last frame out). The frame's duration: the mean of the spot's other frames (a variable-rate video's local
    rate), else 1 / fps."""
    if s.offset > s.onset and s.offset_time > s.onset_time:
        return s.offset_time + (s.offset_time - s.onset_time) / (s.offset - s.onset)
    return s.offset_time + (1.0 / fps if fps > 0 else 0.0)


def _print_summary(r: AnalysisOutput, plot: bool = False, url: str | None = None, missing: str | None = None) -> None:
    """`url`: the output URL; a result published there is named there (its staging copies are gone). `missing`: why
    its plots could not be drawn (published without them)."""
    def shown(path: Path) -> Path | str:
        return _where(path.parent, url if r.remote is not None else None, path.name)

    status = "complete" if r.complete else f"PARTIAL (stopped after {r.frames} of {r.frame_count} frames)"
    if r.unreadable:
        n = len(r.unreadable)
        names = ", ".join(name for _, name in r.unreadable[:3]) + (", ..." if n > 3 else "")
        status += f"; {n} damaged frame image{'s' if n > 1 else ''} ({names}; see the warning)"
    print(f"{r.input}: {status}")
    for w in r.warnings:
        print(f"  warning       : {w}")
    several = len(r.face_ids) > 1 and r.frame_count > 1  # a video of several tracks: how much of it each is on
    tracks = ", ".join(f"{fid} ({r.face_frames[fid]} frames)" if several and fid in r.face_frames else str(fid)
                       for fid in r.face_ids)
    table = "per-frame " + ("Parquet" if r.csv.suffix == ".parquet" else "CSV")  # --format's (a partial: CSV)
    print(f"  {table:<14}: {shown(r.csv)}  ({r.rows} rows, {len(r.face_ids)} face track(s): {tracks or 'none'})")
    if not r.face_ids and r.frames:
        from merstudio.features.aus import NO_FACE_REASON

        print(f"  no face found : {NO_FACE_REASON} (docs/face.md, Limits)")
    if r.frame_count == 1:  # a photo: the (empty) spots file is still written, for scripts that expect it
        print("  spotting      : none in a photo (movement needs more than one frame)")
    else:
        print(f"  spotting      : {shown(r.paths.spots) if r.complete else r.paths.spots.with_suffix('.partial.csv')}"
              f"  ({len(r.spots)} candidate interval(s))")
    for s, lab in list(zip(r.spots, r.labels, strict=True))[:8]:
        what = ""
        if lab is not None and (lab.aus or lab.emotion or lab.uncertain):
            p = f" p={lab.confidence:.2f}" if lab.confidence is not None else ""
            why = f" (model uncertain: {lab.uncertain})" if lab.uncertain else ""
            what = f"  AU {lab.aus or '-'}, {lab.emotion or '?'}{p}{why}"
        print(f"    face {s.face_id}: frames {s.onset}-{s.offset} (apex {s.apex}, "
              f"{s.onset_time:.2f}-{_span_end(s, r.fps):.2f} s, score {s.score:.2f}){what}")
    if len(r.spots) > 8:
        print(f"    ... {len(r.spots) - 8} more")
    if r.model_frames and r.model_frames[1]:
        judged, given, released, blinks, covered, turned, no_onset = r.model_frames
        # no_onset: with --no-model-gate too (the model compares a frame with the face a span before it), so the
        # motion gate is named only for the frames none of the other reasons account for
        gated = given - judged - released - blinks - covered - turned - no_onset
        span = f"{r.model_span_s:g} s" if r.model_span_s is not None else "0.2 s by default"  # the model's own
        reasons = [f"{no_onset} had no frame a span back to compare with ({span}): a face's first span, "
                   "or back from a gap"] if no_onset else []
        reasons += [f"{turned} were over a turning head"] if turned else []
        reasons += [f"{released} went back to rest after a movement, its release gate"] if released else []
        reasons += [f"{blinks} were blinks with too little else moving"] if blinks else []
        reasons += ([f"{covered} had a part of the face covered (a hand, a mask) and too little moving in the rest"]
                    if covered else [])
        if gated > 0:
            reasons.append(f"{'the rest' if reasons else 'they'} moved too little for it to be asked, its motion "
                           "gate: docs/model.md; --no-model-gate asks it on every frame")
        rest = "; ".join(reasons) if judged < given else "every one: no motion gate"
        print(f"  model         : judged {judged} of {given} face frames ({rest})")
    for png in r.plots:
        print(f"  {'face map' if png.stem.endswith('_faces') else 'AU curves':<14}: {shown(png)}")
    if plot and not r.plots:  # asked for, and nothing to draw: say so rather than leave the user looking
        print(f"  {'AU curves':<14}: none ({f'drawing it failed: {missing}' if missing else 'no face to plot'})")
    cpu = (f"; the segments took {r.cpu_seconds:.1f} s of worker time" if r.cpu_seconds is not None
           and abs(r.cpu_seconds - r.seconds) > 0.05 else "")
    print(f"  speed         : {r.frames_per_second:.1f} frames/s over {r.seconds:.1f} s wall-clock on "
          f"{r.device.upper() if r.device == 'cpu' else r.device}{cpu}")
