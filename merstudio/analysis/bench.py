"""Benchmarks behind `merstudio bench`: decode ceiling, end-to-end pipeline speed, memory on a long clip.

Figures, not tests: nothing here asserts a time. Each function returns a dict of measurements.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from merstudio.analysis.files import analyze_file, output_paths, prepare_output_dir
from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.io import open_source
from merstudio.threads import single_threaded_numerics


def rss_mb() -> float:
    """Current resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def limit_cores(n: int) -> list[int]:
    """Pin this process (and its threads) to n cores, like the 2-core machines the figures are quoted for."""
    cores = sorted(os.sched_getaffinity(0))[:n]
    os.sched_setaffinity(0, cores)
    try:
        import cv2

        cv2.setNumThreads(n)
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass
    return cores


def bench_decode(video: Path) -> dict:
    with open_source(video) as src:
        t0 = time.perf_counter()
        n = sum(1 for _ in src.iter_frames())
        dt = time.perf_counter() - t0
        w, h = src.size
    return {"frames": n, "seconds": round(dt, 3), "fps": round(n / dt, 1), "size": f"{w}x{h}"}


def bench_pipeline(video: Path, settings: AnalysisSettings | None = None) -> dict:
    """End to end: decode -> faces -> alignment -> flow -> AUs -> CSV, on one file. `fps` counts the start-up
    (imports, face models); `steady_fps` the frames after the first one done, as a long video runs."""
    marks: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        marks.append((done, time.perf_counter()))

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        prepare_output_dir(out, [output_paths(out, "bench")], overwrite=True)
        r = analyze_file(video, out, "bench", settings or AnalysisSettings(), progress=progress)
    steady = (marks[-1][0] - marks[0][0]) / max(marks[-1][1] - marks[0][1], 1e-9) if len(marks) > 1 else float("nan")
    return {"frames": r.frames, "seconds": round(r.seconds, 3), "fps": round(r.frames_per_second, 1),
            "steady_fps": round(steady, 1), "device": r.device}


def bench_landmarks(video: Path) -> dict:
    """Decode + face landmarks (MediaPipe Face Mesh through the tracker) alone: the ceiling for any
    landmark-based AU method, start-up included."""
    from merstudio.face.tracker import FaceTracker

    t0 = time.perf_counter()
    n = 0
    with open_source(video) as src:
        tracker = FaceTracker(max_faces=4)
        for i, rgb in src.iter_frames():
            tracker.update(i, rgb)
            n += 1
    dt = time.perf_counter() - t0
    return {"frames": n, "seconds": round(dt, 3), "fps": round(n / max(dt, 1e-9), 1)}


def bench_stages(video: Path, frames: int = 300) -> dict:
    """Milliseconds per frame for each stage, to see where the time goes (the pipeline's work, stage by stage:
    the blendshape network runs on batches of 8 faces, as the AU estimator does; one BLAS and OpenCV thread, as in
    the pipeline, whose own threads are its parallelism)."""
    import numpy as np

    from merstudio.face.align import FaceAligner
    from merstudio.face.occlusion import EyesVisibility, HandOcclusion, MouthVisibility
    from merstudio.face.pose import head_pose
    from merstudio.face.tracker import FaceTracker
    from merstudio.features.aus import AUEstimator
    from merstudio.features.blendshape_aus import aus_from_blendshapes

    tracker = FaceTracker(max_faces=4)
    acc = dict.fromkeys(("decode", "faces", "hands", "lips", "eyes", "align", "micro_motion", "blendshapes+aus"), 0.0)
    n = 0
    meshes: list[np.ndarray] = []
    with open_source(video) as src, single_threaded_numerics():
        est = AUEstimator(fps=src.fps)
        aligner = FaceAligner(fps=src.fps)  # as the pipeline's
        hands = HandOcclusion(every=max(1, int(round(src.fps / 5))))
        mouths, eyes = MouthVisibility(), EyesVisibility()
        it = src.iter_frames(0, min(frames, src.frame_count))
        while True:
            t0 = time.perf_counter()
            try:
                i, rgb = next(it)
            except StopIteration:
                break
            t1 = time.perf_counter()
            faces = tracker.update(i, rgb)
            t2 = time.perf_counter()
            if faces:
                hands.update(i, rgb, [f.obs.bbox for f in faces])
            t2b = time.perf_counter()
            for f in faces:
                mouths.update(f.track_id, rgb, f.obs.landmarks)
            t2c = time.perf_counter()
            for f in faces:
                eyes.update(f.track_id, rgb, f.obs.landmarks)
            t_i = src.timestamp(i)  # as the pipeline: the filter runs on the frames' time (a variable-rate file)
            t3 = time.perf_counter()
            aligned = [(f, aligner.align(f.track_id, f.obs.landmarks, rgb, frame_index=i, time_s=t_i)) for f in faces]
            t4 = time.perf_counter()
            for f, af in aligned:
                est.micro.update(f.track_id, i, af.image, af.landmarks, 0.0, head_pose(f.obs.landmarks, f.obs.z))
                meshes.append(np.asarray(f.obs.refined, dtype=np.float64))
            t5 = time.perf_counter()
            if len(meshes) >= 8:
                for mesh, scores in zip(meshes, est.model(np.stack(meshes)), strict=True):
                    aus_from_blendshapes(scores, mesh)
                meshes.clear()
            t6 = time.perf_counter()
            acc["decode"] += t1 - t0
            acc["faces"] += t2 - t1
            acc["hands"] += t2b - t2
            acc["lips"] += t2c - t2b
            acc["eyes"] += t3 - t2c
            acc["align"] += t4 - t3
            acc["micro_motion"] += t5 - t4
            acc["blendshapes+aus"] += t6 - t5
            n += 1
        hands.close()
    return {k: round(v / max(n, 1) * 1000, 3) for k, v in acc.items()}


def make_long_clip(src_video: Path, dst: Path, minutes: float, progress: Callable[[int, int], None] | None = None
                   ) -> Path:
    """A long clip made by looping (forwards, then backwards, so there is no jump) a short one; streamed."""
    import cv2

    with open_source(src_video) as src:
        w, h = src.size
        fps = src.fps
        total = int(round(minutes * 60 * fps))
        writer = cv2.VideoWriter(str(dst), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
        if not writer.isOpened():
            raise RuntimeError(f"{dst}: cannot write an mp4v video here")
        order = list(range(src.frame_count)) + list(range(src.frame_count - 2, 0, -1))
        written = 0
        try:
            while written < total:
                for i in order:
                    if written >= total:
                        break
                    writer.write(cv2.cvtColor(src.frame(i), cv2.COLOR_RGB2BGR))
                    written += 1
                    if progress is not None and written % 300 == 0:
                        progress(written, total)
        finally:
            writer.release()
    return dst


def bench_memory(video: Path, first_minute_frames: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict:
    """Peak RSS over a whole analysis vs. RSS once its first minute is done (streaming => small growth)."""
    samples: dict[str, float] = {}
    with open_source(video) as src:
        mark = first_minute_frames or int(round(60 * src.fps))
        total = src.frame_count
    peak_during = 0.0

    def on_progress(done: int, tot: int) -> None:
        nonlocal peak_during
        if done % 30 == 0 or done == tot:
            cur = rss_mb()
            peak_during = max(peak_during, cur)
            if done >= mark and "after_first_minute" not in samples:
                samples["after_first_minute"] = cur
        if progress is not None:
            progress(done, tot)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        r = analyze_file(video, out, "mem", AnalysisSettings(), progress=on_progress)
    first = samples.get("after_first_minute", float("nan"))
    return {
        "frames": r.frames, "frame_count": total, "fps": round(r.frames_per_second, 1),
        "rss_after_first_minute_mb": round(first, 1),
        "peak_rss_during_mb": round(peak_during, 1),
        "growth_after_first_minute_mb": round(peak_during - first, 1),
        "ru_maxrss_mb": round(peak_rss_mb(), 1),
    }


def model_throughput(video: Path, checkpoint: Path, frames: int = 300) -> dict:
    """Analysis speed with a learned model loaded (p_<class>, AUxx_p columns)."""
    with open_source(video) as src:
        a = Analysis(src, AnalysisSettings(checkpoint=checkpoint))
        t0 = time.perf_counter()
        n = 0
        for row in a.rows():
            n += 1
            if row["frame"] >= frames:
                break
        dt = time.perf_counter() - t0
    return {"frames": min(frames, a.frames_done), "seconds": round(dt, 3),
            "fps": round(min(frames, a.frames_done) / dt, 1), "device": a.device}


def ffmpeg_binary() -> str:
    """An ffmpeg executable: the one on PATH, else imageio-ffmpeg's (the `test` extra); InputError if neither."""
    import shutil

    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as e:
        from merstudio.errors import InputError

        raise InputError("the H.264 seek benchmark needs an ffmpeg binary: install ffmpeg or imageio-ffmpeg "
                         "(pip install imageio-ffmpeg), or leave 'seek' out") from e


def check_needs(what: Iterable[str]) -> None:
    """InputError (one line) now for a chosen benchmark that cannot run here, not when its turn comes after the
    others took minutes: 'seek' needs an ffmpeg binary, 'gui' and 'memory' (its long clip opened in the app's
    frame loader) need PySide6."""
    chosen = set(what)
    if "seek" in chosen:
        ffmpeg_binary()
    qt = [w for w in ("gui", "memory") if w in chosen]
    if qt and importlib.util.find_spec("PySide6") is None:
        from merstudio.errors import InputError

        raise InputError(f"the {qt[0]!r} benchmark needs PySide6 (the desktop app's Qt): pip install "
                         f"PySide6-Essentials, or leave {' and '.join(repr(w) for w in qt)} out")


def make_h264_clip(src_video: Path, dst: Path, minutes: float, gop: int = 250) -> Path:
    """An H.264 clip of `minutes`, the video looped, with a keyframe every `gop` frames exactly (no scene-cut
    keyframes): the case where reaching a frame costs decoding up to gop - 1 frames after a keyframe."""
    import subprocess

    cmd = [ffmpeg_binary(), "-v", "error", "-y", "-stream_loop", "-1", "-i", str(src_video),
           "-t", f"{minutes * 60:g}", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", str(dst)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make the H.264 clip: {res.stderr.strip()[-500:]}")
    return dst


def bench_random_frames(video: Path, reads: int = 40, seed: int = 0) -> dict:
    """Open time and random access through FrameSource.frame(i) (no cache hits: distinct random frames), wall and
    process CPU milliseconds; the CPU figure does not move with other jobs' load as the wall one does."""
    import numpy as np

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    t0 = time.perf_counter()
    src = open_source(video)
    opened = time.perf_counter() - t0
    wall: list[float] = []
    cpu_ms: list[float] = []
    try:
        rng = np.random.default_rng(seed)
        for i in rng.choice(src.frame_count, size=min(reads, src.frame_count), replace=False):
            c0, t = cpu(), time.perf_counter()
            src.frame(int(i))
            wall.append((time.perf_counter() - t) * 1000)
            cpu_ms.append((cpu() - c0) * 1000)
        frames = src.frame_count
    finally:
        src.close()
    w, c = np.asarray(wall), np.asarray(cpu_ms)
    return {"frames": frames, "open_s": round(opened, 3), "reads": len(w),
            "seek_ms_p50": round(float(np.median(w)), 1), "seek_ms_p95": round(float(np.percentile(w, 95)), 1),
            "seek_ms_max": round(float(w.max()), 1), "seek_cpu_ms_p50": round(float(np.median(c)), 1),
            "seek_cpu_ms_max": round(float(c.max()), 1)}
