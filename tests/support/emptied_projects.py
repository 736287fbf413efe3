"""A project over half empty: close() compacts it (Project.compacts_on_close). Made by analysing a second video
(landmarks: 936 values a frame) and removing it, as a coder's removed video leaves its pages free."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from merstudio.project import Project


def emptied_project(path: Path, frames: int = 100) -> Path:
    """A project at `path` holding one small video, with a removed video's `frames` landmark rows free in it."""
    rng = np.random.default_rng(0)
    with Project.create(path) as proj:
        for name, n in (("kept.avi", 5), ("removed.avi", frames)):
            video = path.with_name(name)
            video.write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
            v = proj.add_video(video, fps=30.0, frame_count=n, width=64, height=48)
            run = proj.begin_analysis(v.id)
            rows = []
            for i in range(n):
                row = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 0.9, "success": 1}
                row.update({f"{c}_{k}": float(x) for c in "xy" for k, x in enumerate(rng.random(468))})
                rows.append(row)
            proj.append_frames(run, rows)
            proj.finish_analysis(run)
        proj.remove_video(v.id)
        proj.close(compact=False)
    return path
