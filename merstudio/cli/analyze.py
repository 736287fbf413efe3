"""`merstudio analyze`: videos or frame folders -> OpenFace-style per-frame CSV + spotting file."""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from merstudio.analysis.files import (
    AnalysisOutput,
    analyze_file,
    output_names,
    output_paths,
    prepare_output_dir,
)
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.remote import ParentLink
from merstudio.errors import InputError, MerstudioError
from merstudio.io import SourceWarning, photo_set

FLOW_METHODS = ("dis", "farneback", "tvl1")


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
        "analysed on its own with its own output. Every frame that decodes is analysed, whatever frame count "
        "the video file claims; a difference is printed as a warning and recorded in the meta file.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="VIDEO_OR_FOLDER",
                   help="video files (mp4, avi, mov, mkv), images, folders of frame images (one clip), or folders "
                   "of photos of different sizes (one result per photo)")
    p.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    p.add_argument("--overwrite", action="store_true", help="replace existing results in the output folder (an "
                   "existing result stays until the new one is complete)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="inputs analysed in parallel processes (default 1)")
    p.add_argument("--flow", choices=FLOW_METHODS, default="dis",
                   help="optical flow: dis (fast, default), farneback, tvl1 (slow, most accurate)")
    p.add_argument("--max-faces", type=int, default=4, help="faces tracked per frame (default 4)")
    p.add_argument("--landmarks", action="store_true", help="also write the 468 landmarks (x_k, y_k)")
    p.add_argument("--fps", type=float, default=None, help="frame rate of frame folders (default: the dataset's rate when the folder "
                   "names match a known dataset, e.g. CASME II 200, else 30)")
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="learned model: adds p_<class> and AUxx_p columns (default: none, AU activations only)")
    p.add_argument("--device", choices=("cpu", "cuda"), default=None,
                   help="device for the learned model (default: CUDA when available)")
    p.add_argument("--plot", action="store_true", help="also write <name>.png: AU curves with spotted intervals (a bar chart of the AU "
                   "intensities for a one-frame input such as a photo)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> AnalysisSettings:
    if args.checkpoint is not None and not args.checkpoint.is_file():
        what = "is a folder, not a checkpoint file" if args.checkpoint.is_dir() else "checkpoint not found"
        raise InputError(f"{args.checkpoint}: {what}")
    return AnalysisSettings(flow=args.flow, max_faces=args.max_faces, landmarks=args.landmarks,
                            checkpoint=args.checkpoint, device=args.device)


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1 (got {args.jobs})")
    for p in args.inputs:
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
    settings = _settings(args)
    args.inputs = expand_photo_sets(args.inputs, quiet=args.quiet)
    names = output_names(args.inputs, args.out)
    prepare_output_dir(args.out, [output_paths(args.out, n) for n in names], args.overwrite)

    results: list[AnalysisOutput] = []
    failures: list[str] = []
    jobs = min(args.jobs, len(args.inputs))
    if jobs == 1:
        for path, name in zip(args.inputs, names, strict=True):
            try:
                results.append(_run_one(path, args.out, name, settings, args.fps, not args.quiet, 0,
                                        overwrite=args.overwrite))
            except MerstudioError as exc:
                failures.append(str(exc))
                print(f"merstudio: error: {exc}", file=sys.stderr)
            except KeyboardInterrupt:
                print(f"merstudio: interrupted; rows so far are in {output_paths(args.out, name).partial}",
                      file=sys.stderr)
                return 130
    else:
        results, failures = _run_parallel(args, names, settings, jobs)

    for r in results:
        if args.plot:
            write_plot(r)
        _print_summary(r)
    if failures:
        if len(args.inputs) > 1:
            print(f"merstudio: {len(failures)} of {len(args.inputs)} inputs failed", file=sys.stderr)
        return 2
    return 0


def expand_photo_sets(inputs: list[Path], quiet: bool = False) -> list[Path]:
    """Folders of photos of different sizes become their photos (each analysed on its own); other inputs stay."""
    out: list[Path] = []
    for p in inputs:
        photos = photo_set(p)
        if photos is None:
            out.append(p)
            continue
        if not quiet:
            print(f"{p}: {len(photos)} images of different sizes: analysing each photo on its own")
        out.extend(photos)
    return out


def _run_one(path: Path, out: Path, name: str, settings: AnalysisSettings, fps: float | None,
             bar: bool, position: int, queue=None, overwrite: bool = True) -> AnalysisOutput:
    """Analyse one input, drawing a tqdm bar here (bar=True) or reporting progress through a queue. The input's
    warnings are printed in the summary (one line each), not as Python warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        return _run_one_quietly(path, out, name, settings, fps, bar, position, queue, overwrite)


def _notice(line: str) -> None:
    print(f"merstudio: {line}", file=sys.stderr, flush=True)


def _run_one_quietly(path: Path, out: Path, name: str, settings: AnalysisSettings, fps: float | None,
                     bar: bool, position: int, queue=None, overwrite: bool = True) -> AnalysisOutput:
    if queue is not None:
        def send(done: int, total: int) -> None:
            if done % 15 == 0 or done == total:
                queue.put((name, done, total))
        return analyze_file(path, out, name, settings, progress=send, fps=fps, overwrite=overwrite,
                            notice=_notice)
    if not bar:
        return analyze_file(path, out, name, settings, fps=fps, overwrite=overwrite, notice=_notice)
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: it would outlive the run (and tests check for leaks)
    bars: list[tqdm] = []  # created on the first frame, so a bad input prints its error line only

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(desc=name, total=total, unit="frame", position=position, dynamic_ncols=True))
        bars[0].update(done - bars[0].n)

    try:
        return analyze_file(path, out, name, settings, progress=progress, fps=fps, overwrite=overwrite,
                            notice=_notice)
    finally:
        if bars:
            bars[0].close()


_progress_queue: Any = None  # a pool worker's queue to the parent's progress bars (set by _init_worker)


def _init_worker(parent_pid: int | None = None, link: Any = None, progress: Any = None) -> None:
    from merstudio.analysis.remote import die_with_parent
    from merstudio.cli.main import warning_line

    global _progress_queue
    if parent_pid is not None:
        die_with_parent(parent_pid, link)  # a killed `merstudio analyze` leaves no worker writing on
    if progress is not None:
        progress.cancel_join_thread()  # exiting never waits for progress lines nobody may read
        _progress_queue = progress
    warnings.showwarning = warning_line  # as in the main process: one line, no source
    # Parallel jobs each get one thread: the jobs are the parallelism.
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        import cv2

        cv2.setNumThreads(1)
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def _run_in_worker(path: Path, out: Path, name: str, settings: AnalysisSettings, fps: float | None,
                   overwrite: bool) -> AnalysisOutput:
    return _run_one(path, out, name, settings, fps, False, 0, _progress_queue, overwrite)


def _run_parallel(args: argparse.Namespace, names: list[str], settings: AnalysisSettings,
                  jobs: int) -> tuple[list[AnalysisOutput], list[str]]:
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    ctx = mp.get_context("spawn")  # no fork: mediapipe/torch threads do not survive it
    # Inherited by the workers (no Manager: its server process would outlive a killed parent); the link ends the
    # workers when this process dies, however it dies.
    queue = ctx.Queue()
    link = ParentLink(ctx)
    bars: dict[str, tqdm] = {}
    stop = threading.Event()

    def pump() -> None:
        while not stop.is_set():
            try:
                name, done, total = queue.get(timeout=0.2)
            except Exception:
                continue
            if args.quiet:
                continue
            bar = bars.get(name)
            if bar is None:
                bar = bars[name] = tqdm(desc=name, total=total, unit="frame", position=len(bars),
                                        dynamic_ncols=True)
            bar.update(done - bar.n)

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    results: list[AnalysisOutput] = []
    failures: list[str] = []
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(*link.child_args, queue)) as pool:
            futures = {pool.submit(_run_in_worker, p, args.out, n, settings, args.fps, args.overwrite): p
                       for p, n in zip(args.inputs, names, strict=True)}
            for fut in as_completed(futures):
                try:
                    results.append(fut.result())
                except MerstudioError as exc:
                    failures.append(str(exc))
                    print(f"merstudio: error: {exc}", file=sys.stderr)
    finally:
        stop.set()
        pumper.join(timeout=2)
        for b in bars.values():
            b.close()
        link.close()
        queue.close()
        queue.join_thread()
    order = {p: k for k, p in enumerate(args.inputs)}
    results.sort(key=lambda r: order.get(r.input, 0))
    return results, failures


def write_plot(r: AnalysisOutput, truth: list[tuple[int, int, str]] | None = None) -> None:
    """AU curves of each face track to <name>.png (<name>_face<k>.png when there are several)."""
    import pandas as pd

    from merstudio.analysis.plot import plot_au_curves

    frames = pd.read_csv(r.csv)
    for fid in r.face_ids:
        png = r.paths.csv.with_suffix(".png") if len(r.face_ids) == 1 else \
            r.paths.csv.with_name(f"{r.paths.csv.stem}_face{fid}.png")
        spots = [(s.onset, s.offset) for s in r.spots if s.face_id == fid]
        plot_au_curves(frames, png, fid, spots, truth or (), title=f"{r.input.name}: AU intensity, face {fid}")
        r.plots.append(png)


def _print_summary(r: AnalysisOutput) -> None:
    status = "complete" if r.complete else f"PARTIAL (stopped after {r.frames} of {r.frame_count} frames)"
    if r.unreadable:
        n = len(r.unreadable)
        names = ", ".join(name for _, name in r.unreadable[:3]) + (", ..." if n > 3 else "")
        status += f"; {n} unreadable frame{'s' if n > 1 else ''} ({names}: damaged, decoded in part)"
    print(f"{r.input}: {status}")
    for w in r.warnings:
        print(f"  warning       : {w}")
    print(f"  per-frame CSV : {r.csv}  ({r.rows} rows, {len(r.face_ids)} face track(s): "
          f"{', '.join(map(str, r.face_ids)) or 'none'})")
    print(f"  spotting      : {r.paths.spots if r.complete else r.paths.spots.with_suffix('.partial.csv')}"
          f"  ({len(r.spots)} candidate interval(s))")
    for s, lab in list(zip(r.spots, r.labels, strict=True))[:8]:
        what = ""
        if lab is not None and (lab.aus or lab.emotion):
            p = f" p={lab.confidence:.2f}" if lab.confidence is not None else ""
            what = f"  AU {lab.aus or '-'}, {lab.emotion or '?'}{p}"
        print(f"    face {s.face_id}: frames {s.onset}-{s.offset} (apex {s.apex}, "
              f"{s.onset_time:.2f}-{s.offset_time:.2f} s, score {s.score:.2f}){what}")
    if len(r.spots) > 8:
        print(f"    ... {len(r.spots) - 8} more")
    for png in r.plots:
        print(f"  AU curves     : {png}")
    print(f"  speed         : {r.frames_per_second:.1f} frames/s over {r.seconds:.1f} s ({r.device})")
