"""Pre-filled labels for spotted intervals, so a coder reviews a suggestion instead of typing from scratch.

- AUs: those present (`AUxx_c` = 1) on at least `min_frames` frames of the interval, written as a FACS string (`1+2`).
- Emotion: with a learned model, the class with the highest mean probability over the interval (`none` excluded),
  its mean probability as the confidence; without one, the FACS objective class (Davison et al. 2018) whose AU
  combination is the largest one contained in the present AUs (AU12 -> happiness, 1+2 -> surprise, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from merstudio.facs import FACS_OBJECTIVE_CLASSES
from merstudio.features.aus import AUS, au_c

NONE_CLASS = "none"


@dataclass(frozen=True)
class Suggestion:
    emotion: str
    aus: str
    confidence: float | None


def objective_emotion(aus: Iterable[int]) -> str:
    """The FACS objective-class emotion for a set of AUs ('' when no combination fits)."""
    present = set(aus)
    best, best_len = "", 0
    for emotion, combos in FACS_OBJECTIVE_CLASSES.values():
        for combo in combos:
            if set(combo) <= present and len(combo) > best_len:
                best, best_len = emotion, len(combo)
    return best


def describe_interval(frames: pd.DataFrame, min_frames: int = 2) -> Suggestion:
    """A suggestion from the per-frame rows of one face over one interval (onset..offset)."""
    rows = frames[frames["success"] == 1] if "success" in frames else frames
    present = [a for a in AUS if au_c(a) in rows and int((rows[au_c(a)] == 1).sum()) >= min_frames]
    aus = "+".join(str(a) for a in present)
    classes = [c for c in rows.columns if c.startswith("p_") and c[2:] != NONE_CLASS]
    if classes and len(rows):
        means = rows[classes].mean()
        if means.notna().any() and float(means.max()) > 0:
            top = str(means.idxmax())
            return Suggestion(top[2:], aus, round(float(means[top]), 3))
    return Suggestion(objective_emotion(present), aus, None)
