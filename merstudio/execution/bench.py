"""`merstudio bench batch`: batch throughput by back-end, and what resuming a large archive costs.

Figures, not tests. `bench_batch_throughput` analyses N short copies of a clip with one process, with `--jobs 2`
and with an embedded Ray (when installed), each into a fresh folder through `merstudio.analysis.batch.run_batch`
(manifest included), and reports wall time, videos/s, frames/s, the speed-up against one process and the overhead
per video: worker-seconds not spent inside `analyze_file` (process or Ray start-up, dispatch, manifest writes, the
idle tail of the last video), per video. `bench_manifest` simulates a 1,000-video archive: it reads a manifest of
that size, plans a rerun (hashes every input, decides the skips) and a `--retry-failed` rerun, and times one
manifest write.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from merstudio.execution import Backend


def make_short_clip(video: Path, dst: Path, frames: int) -> int:
    """The first `frames` frames of `video` as an MJPG AVI (every frame a key frame). Returns the frames written."""
    import cv2

    from merstudio.io import open_source

    with open_source(video) as src:
        w, h = src.size
        writer = cv2.VideoWriter(str(dst), cv2.VideoWriter.fourcc(*"MJPG"), src.fps, (w, h))
        n = 0
        try:
            for _, rgb in src.iter_frames(stop=min(frames, src.frame_count)):
                writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
                n += 1
        finally:
            writer.release()
    return n


def _backends(jobs: int) -> list[tuple[str, Backend]]:
    out = [("1 process", Backend("inprocess")), (f"--jobs {jobs}", Backend("processes", jobs))]
    try:
        import ray  # noqa: F401
    except ImportError:
        return out
    return [*out, (f"embedded Ray ({jobs} CPUs)", Backend("ray", jobs))]


def bench_batch_throughput(video: Path, videos: int = 8, frames: int = 30, jobs: int = 2,
                           progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    from merstudio.analysis import batch as B
    from merstudio.analysis.pipeline import AnalysisSettings

    report: dict[str, Any] = {"videos": videos, "frames_per_video": frames, "backends": {}}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        arch = root / "archive"
        arch.mkdir()
        n = make_short_clip(video, arch / "v000.avi", frames)
        data = (arch / "v000.avi").read_bytes()
        for k in range(1, videos):
            (arch / f"v{k:03d}.avi").write_bytes(data)
        report["frames_per_video"] = n
        inputs = B.find_inputs([arch])
        base = None
        for label, backend in _backends(jobs):
            if progress is not None:
                progress(label)
            out = root / f"out-{backend.kind}"
            t0 = time.perf_counter()
            res = B.run_batch(B.plan_batch(inputs, out), AnalysisSettings(), backend)
            wall = time.perf_counter() - t0
            work = sum(o.seconds for o in res.outputs)
            workers = 1 if backend.kind == "inprocess" else jobs
            frames_done = sum(o.frames for o in res.outputs)
            r = {"seconds": round(wall, 2), "videos_per_s": round(len(res.outputs) / wall, 3),
                 "frames_per_s": round(frames_done / wall, 1), "failed": len(res.failures),
                 "analysis_s_per_video": round(work / max(1, len(res.outputs)), 3),
                 "overhead_s_per_video": round((wall * workers - work) / max(1, len(res.outputs)), 3)}
            if base is None:
                base = wall
            r["speedup_vs_1_process"] = round(base / wall, 2)
            report["backends"][label] = r
    return report


def bench_manifest(videos: int = 1000, failed: int = 30, file_kib: int = 64) -> dict[str, Any]:
    """A simulated archive of `videos` small files (file_kib each) with a manifest listing all but 2% done and
    `failed` failed; times reading the manifest, planning a rerun (hash every input, decide) and a
    --retry-failed rerun, and one manifest write. Also the hash of one 256 MiB file (2 MiB read: the per-video
    cost of a rerun on real videos)."""
    from merstudio.analysis import batch as B
    from merstudio.analysis.files import output_paths

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        arch, out = root / "archive", root / "out"
        arch.mkdir()
        out.mkdir()
        manifest = B.Manifest(out / B.MANIFEST)
        inputs = []
        for k in range(videos):
            p = arch / f"interview_{k:04d}.mp4"
            p.write_bytes(os.urandom(file_kib * 1024))
            inputs.append(p)
        missing = max(1, videos // 50)
        for k, p in enumerate(inputs[: videos - missing]):
            status = "failed" if k < failed else "done"
            name = p.stem
            manifest.rows[B.Manifest.key(p)] = B.ManifestRow(
                B.Manifest.key(p), B.content_hash(p), status, None if status == "failed" else 54000, 30.0,
                1800.0, "cpu", "x.mp4: not a readable video" if status == "failed" else "", name, 900.0)
            if status == "done":
                output_paths(out, name).meta.write_text("{}")
        t0 = time.perf_counter()
        manifest.write()
        write_s = time.perf_counter() - t0
        size = manifest.path.stat().st_size

        t0 = time.perf_counter()
        read = B.Manifest.read(out)
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = B.plan_batch(inputs, out, manifest=read)
        plan_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        retry = B.plan_batch(inputs, out, retry_failed=True)
        retry_s = time.perf_counter() - t0

        huge = B.Manifest(out / "manifest-10k.csv")
        row = next(iter(read.rows.values()))
        for k in range(10_000):
            huge.rows[f"/archive/v{k:05d}.mp4"] = B.ManifestRow(**{**vars(row), "video": f"/archive/v{k:05d}.mp4"})
        t0 = time.perf_counter()
        huge.write()
        write_10k_ms = (time.perf_counter() - t0) * 1000

        big = root / "big.mp4"
        with open(big, "wb") as fh:
            fh.truncate(256 << 20)
        t0 = time.perf_counter()
        for _ in range(20):
            B.content_hash(big)
        hash_big_ms = (time.perf_counter() - t0) / 20 * 1000
    return {"videos": videos, "manifest_kib": round(size / 1024, 1), "write_ms": round(write_s * 1000, 1),
            "write_ms_10k_rows": round(write_10k_ms, 1),
            "read_ms": round(read_s * 1000, 1), "plan_rerun_s": round(plan_s, 3),
            "rerun": {"skipped_done": len(plan.done), "skipped_failed": len(plan.failed), "to_run": len(plan.items)},
            "plan_retry_failed_s": round(retry_s, 3),
            "retry": {"skipped_done": len(retry.done), "to_run": len(retry.items)},
            "hash_ms_per_video_256MiB": round(hash_big_ms, 2),
            # hashing real files (warm cache) plus the planning measured here, for 1,000 inputs
            "rerun_plan_s_per_1000_videos": round((hash_big_ms / 1000 + plan_s / videos) * 1000, 2)}
