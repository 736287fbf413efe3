"""Pre-filled labels for spotted intervals, so a coder reviews a suggestion instead of typing from scratch.

- AUs: those whose learned intensity (`AUxx_r`) rises by at least `RISE` within the interval, and those whose
  directed micro-motion (`AUxx_m`, merstudio.features.micromotion) dominates its apex; an AU held through the
  whole interval (a smile the person keeps) is not part of the event, and one hovering near the presence
  threshold is noise. Where the learned AUs see the event (one rises), a micro-motion AU is kept only when its
  learned AU agrees (rises, or is present at the apex): a broad smile lifts the nose wings and the upper lip, which
  the micro-motion lane read as AU9 and AU10 beside 6+12+25 while AU09_r stayed 0.00 (AU9 in 27 of 77 proposals
  on footage of a real smile). Where none rises, the movement is too small for the learned AUs and the micro-motion lane names it alone.
  Written as a FACS string (`1+2`). Blinks (AU45) are left out: coders do not code them as part of an expression.
- `release`: whether a spotted interval is the face going back to rest after an expression (no new one), and why.
- Emotion: with a learned model, the class with the highest mean probability over the interval's frames the model
  looked at (those under its motion gate are NaN, merstudio.model.inference; `none` excluded),
  its mean probability as the confidence, but only when that mean is at least `label_bar(N)` for the model's N
  classes (chance plus a tenth of the rest: 0.40 for 3, 0.33 for the starter's 4 with `none`, 0.28 for 5) and above
  the mean of the model's `none` class (when it has one). Otherwise the model is not sure enough to name a class: the
  emotion is empty, the confidence None, and `Suggestion.uncertain` says why (the best class, its mean and what it
  fell short of), so a view never presents a p = 0.06 class as a label. Without a model, the FACS objective class (Davison et al. 2018) whose AU
  combination is the largest one contained in the present AUs (AU12 -> happiness, 1+2 -> surprise, ...). With a
  model that was not asked about the interval (every frame under its gates), that class as one of the model's
  classes (`model_class`: anger is the starter's negative, happiness the composite's positive), or no emotion when
  none of its classes is it (a 5-class CASME II model has no anger): a coder who accepts the proposal gets a label
  the model, its lanes and fine-tuning know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from merstudio.facs import objective_emotion  # the rule, torch- and pandas-free (a project reads by it)
from merstudio.features.aus import AUS, PRESENCE_ON, au_r
from merstudio.model.columns import NONE_CLASS, class_key, class_name

# The lowest mean class probability over an interval that names a class as the suggested emotion (see above): chance
# among the model's N classes (1/N, `none` included: the probabilities are shared among all N) plus LABEL_MARGIN of the
# way from chance to 1, to two decimals as notes show it: 0.40 for 3 classes, 0.33 for the starter's 4, 0.28 for 5,
# 0.23 for 7. A fixed 0.40 was 1.6 x chance for the starter but left a 5-class model's proposals at 1.5 x chance (p
# 0.30) unnamed, and nearly all of a 7-class one's. A class also has to beat the `none` class's mean.
LABEL_MARGIN = 0.1


def label_bar(n: int) -> float:
    """The mean probability a model's best class needs over an interval to be the suggested emotion, for a model of
    `n` classes (its `none` included)."""
    chance = 1.0 / max(2, n)
    return round(chance + LABEL_MARGIN * (1.0 - chance), 2)


def bar_text(n: int) -> str:
    """What `label_bar(n)` is made of, for a proposal's note: '0.28 for 5 classes: chance 0.20 + a tenth of the rest'."""
    chance = 1.0 / max(2, n)
    return f"{label_bar(n):.2f} for {n} classes: chance {chance:.2f} + a tenth of the rest"


MIN_LABEL_P = label_bar(4)  # the starter model's (negative, positive, surprise, none): 0.33
RISE = 1.0  # intensity units from the interval's first frame to its peak
MICRO_MIN = 0.4  # directed micro-motion (units of 0.04 IOD, about 1 mm) that names an AU ...
MICRO_SHARE = 0.6  # ... when it is also at least this share of the apex's largest one


def _micro_aus(rows: pd.DataFrame, apex: int | None) -> set[int]:
    """AUs whose directed micro-motion (`AUxx_m`) dominates the interval at its apex: what moved, when the
    movement is too small for the learned AUs. Read at the apex (+-1 frame) because `AUxx_m` compares a frame
    with the one 0.2 s before: after the apex the face moves back, which reads as the opposite action."""
    if "frame" in rows and len(rows):
        if apex is None:  # no apex given: the middle of the interval
            f = rows["frame"]
            apex = int(f.iloc[0] + (f.iloc[-1] - f.iloc[0]) // 2)
        near = rows[(rows["frame"] >= apex - 1) & (rows["frame"] <= apex + 1)]
        rows = near if len(near) else rows
    peaks = {}
    for c in rows.columns:
        if c.startswith("AU") and c.endswith("_m"):
            v = pd.to_numeric(rows[c], errors="coerce")
            if v.notna().any():
                peaks[int(c[2:4])] = float(v.max())
    if not peaks:
        return set()
    top = max(peaks.values())
    return {a for a, p in peaks.items() if p >= MICRO_MIN and p >= MICRO_SHARE * top}


def _near(rows: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return rows[(rows["frame"] >= first) & (rows["frame"] <= last)] if "frame" in rows else rows.iloc[0:0]


def _values(rows: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(rows[col], errors="coerce").to_numpy(dtype=float) if col in rows else np.array([])


def _present_at(rows: pd.DataFrame, au: int, apex: int | None) -> bool:
    """The learned intensity is at or above the presence threshold at the apex (+-1 frame)."""
    if apex is None:
        return False
    v = _values(_near(rows, apex - 1, apex + 1), au_r(au))
    return bool(np.isfinite(v).any() and np.nanmax(v) >= PRESENCE_ON)


# the movement that undoes each directed micro-motion AU (merstudio.features.micromotion.direction_rules): the lip
# corners coming down after a smile read AU15 (and AU14: in), the brows coming down after a raise AU4
UNDOES = {15: (12,), 14: (12,), 12: (14, 15), 4: (1, 2), 1: (4,), 2: (4,)}


def release(rows: pd.DataFrame, onset: int, apex: int, lag: int) -> str:
    """Why a spotted interval onset..apex.. is the face going back to rest from an expression, not a new one ('' when
    it is not). `rows`: the face's frames from 2 x `lag` before the onset to the interval's end (AUxx_r, AUxx_m).
    - Learned AUs: at the apex (+-1 frame) one has fallen by RISE from its highest in the `lag` frames before the
      onset up to the apex, none has risen by RISE, and none is present: the face is back at rest (a smile that
      drops for a moment within a held expression keeps its other AUs: a movement of its own).
    - When no learned AU moves: each AU the micro-motion lane names at the apex undoes one it named in the
      2 x `lag` frames before (`UNDOES`): the lane compares a frame with the one `lag` before, so the return of a
      subtle smile reads AU15, and was proposed as sadness between two smiles."""
    before = _near(rows, onset - lag, apex - 2)
    at = _near(rows, apex - 1, apex + 1)
    fell: list[tuple[float, int, float, float]] = []
    moved = False
    for au in AUS:
        if au == 45:
            continue
        vb, va = _values(before, au_r(au)), _values(at, au_r(au))
        if not (np.isfinite(vb).any() and np.isfinite(va).any()):
            continue
        high_b, low_b, high_a = float(np.nanmax(vb)), float(np.nanmin(vb)), float(np.nanmax(va))
        if high_a - low_b >= RISE or high_a >= PRESENCE_ON:
            return ""  # an AU rises, or one is held: not the face at rest
        if high_b - high_a >= RISE:
            fell.append((high_b - high_a, au, high_b, high_a))
            moved = True
    if moved:
        _, au, b, a = max(fell)
        return f"AU{au} falls {b:.1f} -> {a:.1f}: the face going back to rest"
    now = _micro_aus(rows, apex)
    earlier = _near(rows, apex - 2 * lag, apex - 2)
    named = set()
    for c in earlier.columns:
        if c.startswith("AU") and c.endswith("_m"):
            v = _values(earlier, c)
            if np.isfinite(v).any() and np.nanmax(v) >= MICRO_MIN:
                named.add(int(c[2:4]))
    undone = {a: sorted(set(UNDOES.get(a, ())) & named) for a in now}
    if now and all(undone.values()):
        a = min(now)
        return f"AU{a} after AU{undone[a][0]}: the face going back to rest"
    return ""


def _rises(rows: pd.DataFrame, au: int) -> bool:
    """The learned intensity rises by RISE within the interval, on at least two frames (one frame is jitter)."""
    col = au_r(au)
    if col not in rows or len(rows) < 3:
        return False
    v = pd.to_numeric(rows[col], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(v[0]) or np.isfinite(v).sum() < 3:
        return False
    second = float(np.sort(v[np.isfinite(v)])[-2])
    return second - v[0] >= RISE


def _learned(rows: pd.DataFrame, au: int) -> bool:
    """The learned model reads this AU on some frame of the rows (it has the AU, and the face part was in view)."""
    return bool(np.isfinite(_values(rows, au_r(au))).any())


@dataclass(frozen=True)
class Suggestion:
    emotion: str
    aus: str
    confidence: float | None
    # when a model's best class was not presented as a label: why ("negative p=0.06 < none p=0.90"), else ""
    uncertain: str = ""


def describe_interval(frames: pd.DataFrame, min_frames: int = 2, apex: int | None = None,
                      class_names: Sequence[str] = ()) -> Suggestion:
    """A suggestion from the per-frame rows of one face over one interval (onset..offset; `apex` its frame).
    `class_names`: the model's classes, so that the emotion is the class's own name ("happily surprised"), not
    an older table's column ("p_happily_surprised": model.columns.class_name); a column no name matches gives its
    own tail."""
    rows = frames[frames["success"] == 1] if "success" in frames else frames
    micro = _micro_aus(rows, apex)
    rising = {a for a in AUS if a != 45 and _rises(rows, a)}
    if rising:  # the learned AUs see the event: the micro-motion lane's AUs need their agreement (module docstring)
        micro = {a for a in micro if a in rising or _present_at(rows, a, apex) or not _learned(rows, a)}
    present = [a for a in AUS if a != 45 and (a in micro or a in rising)]
    aus = "+".join(str(a) for a in present)
    classes = [c for c in rows.columns if c.startswith("p_") and c[2:] != NONE_CLASS]
    if classes and len(rows):
        means = rows[classes].apply(pd.to_numeric, errors="coerce").mean()
        if means.notna().any() and float(means.max()) > 0:
            top = str(means.idxmax())
            name = class_name(top, class_names)
            p = round(float(means[top]), 3)
            none_col = "p_" + NONE_CLASS
            p_none = pd.to_numeric(rows[none_col], errors="coerce").mean() if none_col in rows else float("nan")
            if np.isfinite(p_none) and p <= float(p_none):
                return Suggestion("", aus, None, f"{name} p={p:.2f} <= {NONE_CLASS} p={float(p_none):.2f}")
            n = len(classes) + (none_col in rows)
            if round(p, 2) < label_bar(n):  # as the note shows it: never "p=0.33 < 0.33"
                return Suggestion("", aus, None, f"{name} p={p:.2f} < {bar_text(n)}")
            return Suggestion(name, aus, p)
        if means.isna().all():  # every frame stayed under the motion gate: the AUs' FACS class, as the model's
            return _not_asked(present, aus, [class_name(c, class_names) for c in classes])
    named = [str(n) for n in class_names if str(n) != NONE_CLASS]
    if named:  # a model's classes, but no probabilities of it here: still only its classes are named
        return _not_asked(present, aus, named)
    return Suggestion(objective_emotion(present), aus, None)


NOT_ASKED = ("it was not asked (too little motion, a blink or a hand alone: its motion gate; a turning head; or the "
             "face going back to rest: its release gate)")


def _not_asked(present: Sequence[int], aus: str, classes: Sequence[str]) -> Suggestion:
    """The suggestion for an interval the model was not asked about: the AUs' FACS objective class as one of the
    model's `classes` (model_class), or no emotion. The note of an empty one must not say "FACS class": a project
    reads such a proposal by the FACS rule (merstudio.project.event_store._FACS_NOTE), which would bring anger back."""
    facs = objective_emotion(present)
    if not facs:
        return Suggestion("", aus, None, NOT_ASKED)
    mapped = model_class(facs, classes)
    if not mapped:
        return Suggestion("", aus, None, f"{NOT_ASKED}; no emotion suggested: the AUs' FACS emotion, {facs}, is "
                                         "none of the model's classes")
    if class_key(mapped) == class_key(facs):
        return Suggestion(mapped, aus, None, f"{NOT_ASKED}; the emotion is the AUs' FACS class")
    return Suggestion(mapped, aus, None, f"{NOT_ASKED}; the emotion is the AUs' FACS class, {facs}, as the "
                                         f"model's class {mapped}")


def model_class(facs: str, classes: Sequence[str]) -> str:
    """The one of a model's `classes` that the FACS objective class `facs` (merstudio.facs) is: the class of that
    name (any case); one named as its objective class ('Class I' for happiness, as a lab that trains on the
    objective classes names them); else what the first preset class map (merstudio.datasets.classes, in name order)
    whose classes are all the model's maps it to, in any of its datasets' scopes (megc2019: anger, disgust, sadness
    and fear are negative, happiness positive; casme2-5-merge: sadness and fear are others). '' when none does
    (a CASME II 5-class model has no anger)."""
    from merstudio.facs import FACS_OBJECTIVE_CLASSES

    by_key = {class_key(c): str(c) for c in classes if str(c) != NONE_CLASS}
    if class_key(facs) in by_key:
        return by_key[class_key(facs)]
    for roman, (emotion, _) in FACS_OBJECTIVE_CLASSES.items():
        if emotion == facs:
            for name in (f"class {roman}", roman):
                if class_key(name) in by_key:
                    return by_key[class_key(name)]
    from merstudio.datasets.classes import class_map, class_map_names  # here: the datasets package loads cv2

    for map_name in class_map_names():
        cmap = class_map(map_name)
        if cmap.identity or not all(class_key(c) in by_key for c in cmap.classes):
            continue
        for scope in cmap.mapping:
            hit = cmap.lookup(scope, facs)
            if isinstance(hit, str) and class_key(hit) in by_key:
                return by_key[class_key(hit)]
    return ""
