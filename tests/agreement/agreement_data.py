"""Events and per-frame rows shared by the agreement tests (a module of its own: `conftest` is ambiguous)."""

from __future__ import annotations

import numpy as np

from merstudio.project import Event

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
