"""The real clips the tracker tests build scenes from: the coder-annotated real face (../shared, absent from a fresh
clone: those tests skip) and the bundled demo (a committed resource)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import av
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real-faces" / "smile_man.mp4"  # 640x360
DEMO = ROOT / "resources" / "demo" / "interview.mp4"  # 640x480
NEEDS_REAL = pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")


@lru_cache(maxsize=4)
def _decoded(path: Path, n: int) -> tuple[np.ndarray, ...]:
    with av.open(str(path)) as c:
        out = []
        for f in c.decode(video=0):
            a = f.to_ndarray(format="rgb24")
            a.setflags(write=False)  # shared by every caller: a test that draws on one copies it first
            out.append(a)
            if len(out) == n:
                break
    return tuple(out)


def first_frames(path: Path, n: int) -> list[np.ndarray]:
    """The first n frames of a clip as RGB arrays (decoded once per session; the list is the caller's)."""
    return list(_decoded(path, n))
