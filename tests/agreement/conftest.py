"""A small project with three coders (ann, bob, the model) on one video and one coder on another."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from merstudio.project import Event, Project

N_FRAMES = 120


def frame_rows(n: int = N_FRAMES, noise: float = 0.0, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n):
        r = {"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.97, "success": 1}
        for a in (4, 12):
            v = float(np.clip(2.5 + 2 * np.sin(f / 8 + a) + (rng.normal(0, noise) if noise else 0.0), 0, 5))
            r[f"AU{a:02d}_r"] = v
            r[f"AU{a:02d}_c"] = int(v > 3.5)
        rows.append(r)
    return rows


def ann_bob_events(video_id: int) -> list[Event]:
    """ann vs bob: 4 matched pairs (emotion table [[1, 1], [0, 2]] -> kappa .5), one event each unmatched."""
    ann = [(10, 12, 15, "happiness", "6+12"), (40, 42, 45, "happiness", "12"), (70, 72, 75, "disgust", "4"),
           (100, 102, 105, "disgust", "4+7"), (110, 111, 112, "disgust", "4")]
    bob = [(11, 12, 16, "happiness", "12"), (40, 43, 45, "disgust", "12"), (69, 72, 75, "disgust", "4"),
           (100, 101, 104, "disgust", "4+7"), (25, 27, 30, "happiness", "")]
    out = [Event(video_id, *t[:3], emotion=t[3], aus=t[4], coder="ann") for t in ann]
    out += [Event(video_id, *t[:3], emotion=t[3], aus=t[4], coder="bob") for t in bob]
    return out


@pytest.fixture
def project(tmp_path: Path):
    vids = []
    for name in ("a.avi", "b.avi"):
        p = tmp_path / name
        p.write_bytes(np.random.default_rng(len(vids)).integers(0, 256, 4096, dtype=np.uint8).tobytes())
        vids.append(p)
    with Project.create(tmp_path / "study.merproj") as proj:
        v1 = proj.add_video(vids[0], fps=30.0, frame_count=N_FRAMES, width=64, height=48)
        v2 = proj.add_video(vids[1], fps=30.0, frame_count=N_FRAMES, width=64, height=48)
        aid = proj.begin_analysis(v1.id)
        proj.append_frames(aid, frame_rows())
        proj.finish_analysis(aid)
        proj.add_events(ann_bob_events(v1.id))
        proj.add_events([
            Event(v1.id, 10, 12, 14, emotion="Happiness", aus="12", source="model", status="proposal"),
            Event(v1.id, 70, 72, 74, emotion="disgust", aus="4", source="model", status="accepted"),
            Event(v1.id, 90, 91, 92, emotion="surprise", source="model", status="rejected"),
            Event(v2.id, 5, 6, 9, emotion="surprise", coder="ann"),
        ])
        yield proj


@pytest.fixture
def openface_csv(tmp_path: Path) -> Path:
    """The stored per-frame table with noise, written as OpenFace 2 does (1-based frames, ', ' separators)."""
    df = pd.DataFrame(frame_rows(noise=0.3, seed=5))
    df["frame"] += 1
    path = tmp_path / "openface.csv"
    df.to_csv(path, index=False, sep=",")
    text = path.read_text().replace(",", ", ")
    path.write_text(text)
    return path
