"""Curve buffers the timeline tests draw: every lane filled and changing (`lanes_buffer`), or flat curves of chosen
AUs and classes (`flat_buffer`), one face, 30 fps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from merstudio.gui.state import CurveBuffer

ALL_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)
REGIONS = ("brows", "eyes", "cheeks", "nose", "mouth", "chin")
CLASSES = ("negative", "positive", "surprise", "none")


def lanes_frame(n: int = 300) -> pd.DataFrame:
    """`n` frames of every lane: each AU rising (0.1 * its place + frame / n), motion per region, a 3-frame blink
    every 100, class probabilities; AU12 unknown (NaN) at frame 50."""
    i = np.arange(n)
    cols = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "success": 1}
    cols.update({f"AU{a:02d}_r": (0.1 * k + i / n).astype(np.float64) for k, a in enumerate(ALL_AUS)})
    cols.update({f"motion_{r}": 0.2 + 0.01 * k for k, r in enumerate(REGIONS)})
    cols["blink"] = (i % 100 < 3).astype(float)
    cols.update({f"p_{c}": 0.1 * (k + 1) for k, c in enumerate(CLASSES)})
    df = pd.DataFrame(cols)
    if n > 50:
        df.loc[50, "AU12_r"] = np.nan  # unknown: the readout says so
    return df


def lanes_buffer(n: int = 300) -> CurveBuffer:
    return CurveBuffer.from_frame(lanes_frame(n), n)


def flat_buffer(aus=ALL_AUS, classes=CLASSES, n: int = 60) -> CurveBuffer:
    """`n` frames of constant AU (0.5 + 0.1 * place) and class (0.1 * (place + 1)) curves, in the order given: no
    motion or blink columns."""
    i = np.arange(n)
    cols = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "success": 1}
    cols.update({f"AU{a:02d}_r": 0.5 + 0.1 * k for k, a in enumerate(aus)})
    cols.update({f"p_{c}": 0.1 * (k + 1) for k, c in enumerate(classes)})
    return CurveBuffer.from_frame(pd.DataFrame(cols), n)
