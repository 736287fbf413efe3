"""`merstudio bench`: the speed and memory figures quoted in the README."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from merstudio import __version__, interrupts
from merstudio.atomic import check_not_input
from merstudio.cli.bounds import JOBS_MAX, output, real, whole
from merstudio.cli.main import EpilogFormatter
from merstudio.errors import InputError
from merstudio.training.cpu import cpu_model

ALL = ("decode", "landmarks", "pipeline", "stages", "model", "gui", "memory", "seek", "loso", "batch")
DEFAULT = ("decode", "landmarks", "pipeline", "stages", "model", "gui")

EPILOG = """examples:
  merstudio bench                                       # the README's figures, on the bundled demo and 2 cores
  merstudio bench decode pipeline --video interview.mp4 --cores 4   # your own video, on 4 cores
  merstudio bench memory seek --minutes 60 -q --json long.json      # one hour: memory; seeks, mp4v and H.264
  merstudio bench loso --json loso.json                            # synthetic LOSO training (14-30 minutes)

--json records the figures with the CPU's model name, the cores used and the machine's, whether the CPU
computes bfloat16 in hardware and its flags that decide training's arithmetic (amx_bf16, avx512_bf16: bfloat16
only with AMX), which the README's figures depend on."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="measure speed and memory (decode, end-to-end analysis, model, app, long-clip memory, LOSO)",
        description="Benchmarks. By default: decode-only fps (the ceiling), decode + face landmarks fps, "
        "end-to-end analysis fps (faces, hands, learned AUs, micro-motion, spotting, CSV; start-up included), per-stage "
        "ms/frame, analysis fps with the starter model and the app's figures (gui), on the bundled demo "
        "(640x480, 30 fps). "
        "'memory' builds a long clip (--minutes, default 20) and reports peak RSS against the RSS after its "
        "first minute, plus open time and random-seek latency in the app's frame loader on that long clip; "
        "'gui' measures seeks, the longest event-loop gap while the analysis streams beside a process keeping "
        "one core busy, and timeline panning on a 100k-frame, 17-AU buffer (the app's first open is done once before "
        "timing, so lazy imports are not counted); 'seek' makes an H.264 clip of --minutes with ffmpeg, a keyframe "
        "every 250 frames, and times opening it and random frame(i) reads (wall and CPU); 'loso' runs the 442-sample / 68-subject synthetic LOSO benchmark; 'batch' "
        "analyses --videos short copies of the video with 1 process, --jobs 2 and an embedded Ray (speed-up, "
        "overhead per video) and simulates a 1,000-video manifest (resume and retry planning cost).",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("what", nargs="*", default=None, metavar="WHAT",
                   help=f"any of {', '.join(ALL)} (default: {' '.join(DEFAULT)})")
    p.add_argument("--video", type=Path, default=None, help="video to use (default: the bundled demo)")
    p.add_argument("--cores", action=whole(1, JOBS_MAX), default=2, help="pin to this many CPU cores (default 2)")
    p.add_argument("--minutes", action=real(0, 24 * 60, above=True), default=20.0, help="length of the clip for 'memory' and 'seek' (default 20)")
    p.add_argument("--checkpoint", type=Path, default=None, help="model for 'model' (default: starter)")
    p.add_argument("--videos", action=whole(1, 1000), default=8, help="videos in the 'batch' benchmark (default 8)")
    p.add_argument("--frames", action=whole(1, 100_000), default=30, help="frames per video in the 'batch' benchmark (default 30)")
    p.add_argument("--json", action=output(folder=False), default=None,
                   help="also write the figures to this JSON file (default: printed only); checked before the "
                   "benchmarks run")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --json file")
    p.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                   help="no progress bars or progress lines (a log gets the figures alone)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from merstudio.analysis import bench
    from merstudio.resources import demo_video

    what = tuple(args.what) if args.what else DEFAULT
    unknown = [w for w in what if w not in ALL]
    if unknown:
        raise InputError(f"unknown benchmark {unknown[0]!r} (choose from {', '.join(ALL)})")
    video = args.video or demo_video()
    if args.json:
        from merstudio.cli.main import check_output_file, check_writable_file

        # --overwrite or not, as reencode and neutral refuse it
        check_not_input(args.json, video, " (the video measured); write the figures to another file")
        check_output_file(args.json, args.overwrite, "bench.json")  # an earlier run's figures are kept unasked
        check_writable_file(args.json)  # fail now, not after minutes (loso: 14-30) of benchmarks
    bench.check_needs(what)  # seek's ffmpeg, the app's Qt: now, not after the benchmarks before them
    before = os.sched_getaffinity(0)
    try:
        return _run(args, what, video, bench.limit_cores(args.cores))
    finally:
        os.sched_setaffinity(0, before)  # matters when called in-process (tests, GUI)


def _say_batch(label: str) -> None:
    print(f"  batch: {label} ...", flush=True)


def _drive(bar: Any) -> Callable[[int, int], None]:
    """A progress(done, total) callback that moves the progress bar `bar` to `done` of `total`."""

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return progress


def _cpu_bfloat16() -> dict[str, Any]:
    """The CPU's bfloat16 hardware (doctor's line): whether it has any, the flags that decide training's
    arithmetic (amx_bf16, avx512_bf16; bfloat16 with AMX, or AVX512-BF16 on AMD) and that arithmetic, so that a figure can be
    matched to a machine of the same kind. None where unknown."""
    try:
        from merstudio.training.cpu import cpu_bfloat16_path, cpu_computes_bfloat16, has_flag

        path = cpu_bfloat16_path()
        return {"cpu_bfloat16": path != "none",
                "cpu_flags": {"amx_bf16": path == "AMX", "avx512_bf16": has_flag("avx512_bf16")},
                "training_arithmetic": "bfloat16" if cpu_computes_bfloat16() else "float32"}
    except (ImportError, OSError, RuntimeError):  # no usable torch: the figures are still worth writing
        return {"cpu_bfloat16": None, "cpu_flags": None, "training_arithmetic": None}


def _run(args: argparse.Namespace, what: tuple[str, ...], video: Path, cores: list[int]) -> int:
    cpu = cpu_model()
    report: dict = {"merstudio": __version__, "cpu": cpu, "machine": platform.machine(),
                    "cores": len(cores), "cpu_cores": os.cpu_count(), **_cpu_bfloat16(), "video": str(video)}
    print(f"merstudio bench on {len(cores)} of {os.cpu_count()} core(s) of {cpu}, video {video}")
    if len(cores) < args.cores:  # the figures are of fewer cores than asked: said, not only in the JSON
        print(f"merstudio: --cores {args.cores} asked, but this process may use {len(cores)}: the figures are "
              f"{len(cores)} cores'", file=sys.stderr)

    try:
        _measure(args, what, video, cores, report)
    except BaseException as exc:  # a later benchmark failed, or Ctrl-C: the figures measured before it are kept
        # after a Ctrl-C (or SIGTERM) only into a new file: an earlier run's figures are never replaced then
        stopped = not isinstance(exc, Exception)
        if args.json and not (stopped and args.json.exists()):
            report["incomplete"] = f"stopped: {exc.__class__.__name__}: {exc}" if str(exc) else "stopped"
            with interrupts.keeping() if stopped else contextlib.nullcontext():
                _write(args.json, report)
            print(f"merstudio: the figures of the benchmarks that ran are written to {args.json}", file=sys.stderr)
        raise
    if args.json:
        _write(args.json, report)
        print(f"figures written to {args.json}")
    return 0


def _write(path: Path, report: dict) -> None:
    from merstudio.atomic import atomic_path

    with atomic_path(path) as part:
        part.write_text(json.dumps(report, indent=2), encoding="utf-8")


def _measure(args: argparse.Namespace, what: tuple[str, ...], video: Path, cores: list[int], report: dict) -> None:
    """Each benchmark chosen, in turn; its figures printed and put in `report` as they come."""
    from merstudio.analysis import bench
    from merstudio.resources import starter_checkpoint

    quiet = bool(args.quiet)
    if "decode" in what:
        report["decode"] = r = bench.bench_decode(video)
        print(f"decode only (OpenCV)          : {r['fps']:8.1f} frames/s  ({r['frames']} frames {r['size']})")
    if "landmarks" in what:
        report["landmarks"] = r = bench.bench_landmarks(video)
        print(f"decode + face landmarks       : {r['fps']:8.1f} frames/s  ({r['frames']} frames)")
    if "pipeline" in what:
        report["pipeline"] = r = bench.bench_pipeline(video)
        print(f"end to end (faces..AUs..CSV)  : {r['fps']:8.1f} frames/s  ({r['frames']} frames, start-up included; "
              f"{r['steady_fps']:.1f} after it)")
    if "stages" in what:
        report["stages_ms_per_frame"] = r = bench.bench_stages(video)
        print("per stage, ms/frame           : " + ", ".join(f"{k} {v:.2f}" for k, v in r.items()))
    if "model" in what:
        ckpt = args.checkpoint or starter_checkpoint()
        if ckpt is None:
            print("with learned model            : skipped (no checkpoint; pass --checkpoint)")
        else:
            report["model"] = r = bench.model_throughput(video, ckpt)
            print(f"end to end + learned model    : {r['fps']:8.1f} frames/s  ({r['device']}, {ckpt.name})")
    if "gui" in what:
        from merstudio.gui import bench as gb

        report["gui_seek"] = r = gb.bench_open_and_seek(video, warm_up=True)
        print(f"app (after one untimed open): open {r['open_s']} s, seek via frame loader p50 {r['seek_ms_p50']} ms, "
              f"p95 {r['seek_ms_p95']} ms, max {r['seek_ms_max']} ms")
        report["gui_event_loop"] = r = gb.bench_event_loop_during_analysis(video)
        print("app: event loop during analysis: " + ", ".join(f"{k} {v}" for k, v in r.items()))
        report["gui_timeline_pan"] = r = gb.bench_timeline_pan()
        print("app: timeline pan (100k frames, 17 AUs): " + ", ".join(f"{k} {v}" for k, v in r.items()))
    if "memory" in what:
        from merstudio.cli.bars import Bar

        with tempfile.TemporaryDirectory() as tmp:
            long_clip = Path(tmp) / "long.mp4"
            with Bar(desc=f"making a {args.minutes:g}-minute clip", unit="frame", disable=quiet) as t:
                bench.make_long_clip(video, long_clip, args.minutes, progress=_drive(t))
            with Bar(desc="analysing it", unit="frame", disable=quiet) as t:
                r = bench.bench_memory(long_clip, progress=_drive(t))
            # a clip under a minute has no first minute to compare with: not a figure (null in --json, not NaN)
            report["memory"] = r = {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
            from merstudio.gui import bench as gb

            report["long_clip_open_seek"] = lo = gb.bench_open_and_seek(long_clip, seeks=30)
        if r["rss_after_first_minute_mb"] is None:
            figures = (f"peak {r['peak_rss_during_mb']} MB; RSS after 1st minute and growth: none, the clip is under "
                       "a minute (--minutes 1 or more)")
        else:
            figures = (f"RSS after 1st minute {r['rss_after_first_minute_mb']} MB, peak {r['peak_rss_during_mb']} MB, "
                       f"growth {r['growth_after_first_minute_mb']} MB")
        print(f"memory on a {args.minutes:g}-minute clip  : {figures} ({r['fps']} frames/s)")
        print(f"open the {args.minutes:g}-minute clip in the app: {lo['open_s']} s; random seek p50 "
              f"{lo['seek_ms_p50']} ms, p95 {lo['seek_ms_p95']} ms, max {lo['seek_ms_max']} ms")
    if "seek" in what:
        from merstudio.io import open_source

        open_source(video).close()  # untimed: a process's first open pays lazy imports (PyAV's), not the clip's
        with tempfile.TemporaryDirectory() as tmp:
            if not quiet:
                print(f"  seek: making a {args.minutes:g}-minute H.264 clip (GOP 250) with ffmpeg ...", flush=True)
            clip = bench.make_h264_clip(video, Path(tmp) / "gop250.mp4", args.minutes)
            report["h264_seek"] = r = bench.bench_random_frames(clip)
        print(f"{args.minutes:g}-minute H.264, keyframe every 250 (after one untimed open): open {r['open_s']} s; "
              f"random frame(i) of "
              f"{r['reads']}: p50 {r['seek_ms_p50']} ms, p95 {r['seek_ms_p95']} ms, max {r['seek_ms_max']} ms "
              f"(CPU p50 {r['seek_cpu_ms_p50']} ms, max {r['seek_cpu_ms_max']} ms)")
    if "loso" in what:
        from merstudio.cli.bars import Bar
        from merstudio.training.bench import bench_loso

        fold_bar = None if quiet else Bar(total=68, desc="LOSO folds", unit="fold")

        def fold_done(done: int, total: int) -> None:
            if fold_bar is not None:
                fold_bar.total = total
                fold_bar.update(done - fold_bar.n)

        try:
            report["loso"] = r = bench_loso(fold_done=fold_done)
        finally:
            if fold_bar is not None:
                fold_bar.close()
        print(f"LOSO synthetic 442/68/3       : {r}")
    if "batch" in what:
        from merstudio.execution.bench import bench_batch_throughput, bench_manifest

        report["batch"] = r = bench_batch_throughput(video, videos=args.videos, frames=args.frames,
                                                     jobs=min(2, len(cores)),
                                                     progress=None if quiet else _say_batch)
        for label, b in r["backends"].items():
            print(f"batch of {r['videos']} x {r['frames_per_video']} frames, {label:24s}: {b['seconds']:6.1f} s, "
                  f"{b['videos_per_s']:.2f} videos/s, {b['frames_per_s']:.1f} frames/s, x{b['speedup_vs_1_process']}"
                  f" vs 1 process, overhead {b['overhead_s_per_video']:.2f} s/video")
        report["batch_manifest"] = m = bench_manifest()
        print(f"1,000-video manifest ({m['manifest_kib']} KiB): read {m['read_ms']} ms, write {m['write_ms']} ms "
              f"(10,000 rows: {m['write_ms_10k_rows']} ms); "
              f"plan a rerun {m['plan_rerun_s']} s ({m['rerun']}), with --retry-failed {m['plan_retry_failed_s']} s; "
              f"hash of a 256 MiB video {m['hash_ms_per_video_256MiB']} ms")
