"""A small project with three coders (ann, bob, the model) on one video and one coder on another."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agreement_data import N_FRAMES, ann_bob_events, frame_rows

from merstudio.project import Event, Project


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
