"""Per-person neutral baseline (participant calibration, as FaceReader calls it): AU intensities relative to a face's
own relaxed frames.

The AU estimator is absolute: one `floor` per AU for everyone (docs/aus.md), so a person whose relaxed brows sit
low reads AU4 at 1.5-2 all along, and narrow eyes read some AU6/AU7. A coder picks (or merstudio finds) a stretch
of neutral frames of a face; each intensity column's median over those frames is that person's neutral level, and
the relative value is ``clip(value - neutral, 0, 5)``: what the face does beyond its resting state. The automatic
search takes a frame as evidence of calm only where (nearly) all its AUs are known: a hand over the mouth hides
AUs, and hidden AUs would read as calm. Presences (``AUxx_c``) are recomputed from the relative intensities with
the estimator's hysteresis. Unknown values (NaN) stay unknown. The absolute values are never overwritten in a project: relative values are a view (the app) or a
new file (``merstudio neutral``, the app's relative export), whose ``neutral_frames`` column says on each row which
frames it is relative to ("A-B"), empty on the rows of faces without a baseline, left absolute.

The automatic search looks for a face that is still, not for the lowest AUs: a brow raise lowers the AU4 a
person's resting brows read, so the sum of the AUs drops during an expression. Frames where the face moves (the
micro-motion lane's ``motion``, else the AUs changing over 0.2 s) and spotted intervals are no evidence of calm;
among the still stretches, the least active one (a held smile is still too). Without the lane (an OpenFace file)
a weak movement stays within the summed AUs' noise: there, among still stretches about as low, the one whose AUs
and head pose change least (restlessness).

Qt-free: the app (Analysis > Neutral frames) and the CLI share these functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from merstudio.errors import InputError
from merstudio.features.aus import MAX_INTENSITY, POSE_COLUMNS, PRESENCE_OFF, PRESENCE_ON, presences_as_ints

NEUTRAL_SECONDS = 1.0  # the automatic search: the calmest stretch this long
MIN_FRAMES = 5  # a neutral level is the median of at least this many frames with the face
MIN_COVER = 0.8  # an automatic window needs the face (and its AUs) in this share of its frames
# A frame is evidence of calm only with at least this share of its AUs (AUxx_r, blinks left out) known: a hand over
# the mouth leaves the brows and eyes known and the mouth's 9 AUs unknown, and unknown AUs add nothing to the summed
# activity, so the hidden stretch would look the calmest. With 2-4 AUs every one must be known; with OpenFace's 16,
# two or three may be missing (merstudio leaves AU05/AU07 unknown under some glasses).
KNOWN_SHARE = 0.8
# A range whose summed AU activity varies by more than this (90th - 10th percentile; a smile rising is ~10, the
# frame-to-frame noise of a still face under 1) is not calm throughout: said beside its levels.
UNCALM_SPREAD = 3.0
HIGH_LEVEL = 3.0  # a neutral level this high is worth a word: a resting face that reads as an expression
# A frame moves when the micro-motion lane's `motion` (units of 0.04 IOD against the frame 0.2 s earlier; a still
# face reads 0.05-0.3, docs/aus.md) exceeds MOVING, or this many times the face's median where its noise is higher
# (a real clip's still face: median 0.2); without that column (OpenFace's files), when the AUs change by more than
# AU_MOVING over 0.2 s, summed (or MOVING_X_MEDIAN times the median: the demo's still face, whose AU4 jitters,
# sums 0.4, at most 1.5; its expressions 0.9-2.1). A margin of MARGIN_S each side: the lane lags the movement's first and last frames.
MOVING = 0.25
MOVING_X_MEDIAN = 2.5
AU_MOVING = 1.0
MOTION_LAG_S = 0.2
MARGIN_S = 0.1
# Without the lane (an OpenFace file) a weak movement stays under AU_MOVING (the demo's AU14 dimple: AU12 4.97 ->
# 4.85, its summed AUs within the still face's noise), and the lowest level alone lands on it. There the still
# windows whose summed AUs lie within LEVEL_TIE of the lowest are the same rest, and the one whose face changes
# least is taken (restlessness: each AU's and each head pose angle's change over MOTION_LAG_S in units of its own
# typical change, so an AU that jitters counts less than one that never moves). A held weak expression that raises
# the level by LEVEL_TIE or more loses on its level; a face that moves, on its change.
LEVEL_TIE = 0.5
AU_STEP = 0.02  # an AU's typical change over MOTION_LAG_S is at least this (OpenFace writes 2 decimals; an AU at 0: 0)
POSE_STEP = 0.002  # the same for a head pose angle, radians (OpenFace writes 3 decimals)
# with no still stretch of `seconds`, a shorter one down to this share of it (a clip that smiles from 0.6 s on)
SHORTEST_SHARE = 1 / 3
# a shorter still stretch is taken only when it is this much calmer (summed AUs) than the calmest full-length one
SHORTER_GAIN = 1.0
NEUTRAL_COLUMN = "neutral_frames"  # written beside the relative values: which frames each row is relative to
BLINK_COL = "AU45_r"  # a blink is not an expression: left out of the activity that finds the calm stretch
_INTENSITY = re.compile(r"^AU\d\d_(r|L|R)$")  # OpenFace 2's AUxx_r and merstudio's per-side AUxx_L / AUxx_R


class SettingsStore(Protocol):
    """What stores baselines: a project's settings (merstudio.project.Project)."""

    def get_setting(self, key: str, default: Any = None) -> Any: ...
    def set_setting(self, key: str, value: Any) -> None: ...


def intensity_columns(columns: Sequence[str]) -> list[str]:
    """The AU intensity columns a baseline applies to: ``AUxx_r`` and the per-side ``AUxx_L`` / ``AUxx_R``."""
    return [c for c in columns if _INTENSITY.match(c)]


@dataclass(frozen=True)
class NeutralBaseline:
    """One face's neutral levels: frames first..last (inclusive), each intensity column's median over them."""

    face_id: int
    first: int
    last: int
    values: dict[str, float] = field(default_factory=dict)
    frames: int = 0  # frames of the range that had the face
    auto: bool = False  # found by find_neutral_window, not chosen by a coder
    # the summed AU activity's spread over the range (90th - 10th percentile): a range that is not calm
    # throughout (a smile in half of it) has a median that may be the expression
    spread: float = 0.0
    # the intensity columns that got no level (fewer than MIN_FRAMES known values in the range): apply_baselines
    # leaves them absolute beside the relative ones, so they are named
    absolute: tuple[str, ...] = ()
    # the AUxx_r columns unknown on more than 1 - MIN_COVER of the range's frames with the face (a hand, the
    # frame's edge): their levels, where they have one, come from the few frames where they show
    hidden: tuple[str, ...] = ()
    # found automatically, but no window had (nearly) every AU known on MIN_COVER of its frames: the calmest of the
    # known AUs, which may be calm only because the others are hidden
    fallback: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"face_id": self.face_id, "first": self.first, "last": self.last, "values": dict(self.values),
                "frames": self.frames, "auto": self.auto, "spread": self.spread, "absolute": list(self.absolute),
                "hidden": list(self.hidden), "fallback": self.fallback}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NeutralBaseline:
        return cls(int(d["face_id"]), int(d["first"]), int(d["last"]),
                   {str(k): float(v) for k, v in dict(d.get("values", {})).items()}, int(d.get("frames", 0)),
                   bool(d.get("auto", False)), float(d.get("spread", 0.0)),
                   tuple(str(c) for c in d.get("absolute", ()) or ()), tuple(str(c) for c in d.get("hidden", ()) or ()),
                   bool(d.get("fallback", False)))

    def describe(self, most: int = 6) -> str:
        """One line: which frames, and the largest neutral levels (the ones the relative view takes off)."""
        how = "found automatically" if self.auto else "chosen"
        top = sorted(((v, c) for c, v in self.values.items() if c.endswith("_r") and v >= 0.05), reverse=True)
        levels = ", ".join(f"{c[:-2]} {v:.2f}" for v, c in top[:most]) or "every AU below 0.05"
        line = f"face {self.face_id}: neutral frames {self.first}-{self.last} ({how}, {self.frames} with the face): {levels}"
        if self.spread > UNCALM_SPREAD:
            line += (f"; not calm throughout (the summed AUs vary by {self.spread:.1f} there): the levels may be an "
                     "expression's, choose the neutral frames yourself")
        elif top and top[0][0] >= HIGH_LEVEL:
            line += (f"; {top[0][1][:-2]} reads {top[0][0]:.1f} even here: this person's resting face, or no relaxed "
                     "stretch in the clip")
        hidden = ", ".join(c[:-2] for c in self.hidden)
        if self.fallback:
            line += (f"; no stretch has (nearly) every AU known: the calmest of the known AUs, with {hidden or 'some'} "
                     "unknown on most of its frames (hidden?): choose the neutral frames yourself")
        elif hidden:
            line += f"; {hidden} unknown on most of these frames"
        if self.absolute:
            line += f"; left absolute (too few known values here for a level): {column_names(self.absolute)}"
        return line


def column_names(columns: Sequence[str]) -> str:
    """Intensity columns, one AU's together: ``AU12_r/L/R, AU25_r``."""
    sides: dict[str, list[str]] = {}
    for c in columns:
        sides.setdefault(c[:-2], []).append(c[-1])
    return ", ".join(f"{au}_{'/'.join(s)}" for au, s in sides.items())


def setting_key(video_id: int) -> str:
    """The project setting that holds a video's baselines (a list of NeutralBaseline.to_dict())."""
    return f"neutral.video.{video_id}"


def load_baselines(project: SettingsStore | None, video_id: int | None) -> dict[int, NeutralBaseline]:
    """A video's neutral baselines by face id (none stored: empty; a damaged entry is skipped, not fatal: the
    absolute values are still there)."""
    if project is None or video_id is None:
        return {}
    out = {}
    for d in project.get_setting(setting_key(video_id), []) or []:
        try:
            b = NeutralBaseline.from_dict(d)
        except (KeyError, TypeError, ValueError):
            continue
        out[b.face_id] = b
    return out


def store_baselines(project: SettingsStore, video_id: int, baselines: Mapping[int, NeutralBaseline]) -> None:
    project.set_setting(setting_key(video_id), [baselines[f].to_dict() for f in sorted(baselines)])


def _activity_stack(cols: Mapping[str, np.ndarray]) -> np.ndarray:
    """The AU intensities the activity sums (``AUxx_r``, blinks left out), one row per column."""
    arrs = [np.asarray(a, dtype=np.float64) for c, a in cols.items() if c.endswith("_r") and
            _INTENSITY.match(c) and c != BLINK_COL]
    if not arrs:
        raise InputError("no AU intensity columns (AUxx_r): nothing to calibrate")
    return np.vstack(arrs)


def activity(cols: Mapping[str, np.ndarray]) -> np.ndarray:
    """Sum of the AU intensities (``AUxx_r``, blinks left out) per frame; NaN where every one is unknown. The sum
    of the known ones: a frame with AUs hidden reads lower than it is (known_share says how much is known)."""
    stack = _activity_stack(cols)
    known = np.isfinite(stack).any(0)
    return np.where(known, np.nansum(stack, 0), np.nan)


def known_share(cols: Mapping[str, np.ndarray]) -> np.ndarray:
    """Per frame, the share of the AUs summed by activity() that are known (0-1)."""
    return np.isfinite(_activity_stack(cols)).mean(0)


def find_neutral_window(frames: np.ndarray, act: np.ndarray, fps: float, seconds: float = NEUTRAL_SECONDS,
                        known: np.ndarray | None = None) -> tuple[int, int]:
    """The calmest stretch of `seconds`: the window of consecutive frame numbers whose mean activity is lowest,
    among windows where the face's AUs are known in at least MIN_COVER of the frames (ties: the earliest).
    `frames` are the frame numbers of `act`'s values (one face, any order, gaps allowed). `known`: each frame's
    known_share(); given, windows with (nearly) every AU known are preferred (see calm_window)."""
    first, last, _ = calm_window(frames, act, fps, seconds, known)
    return first, last


def calm_window(frames: np.ndarray, act: np.ndarray, fps: float, seconds: float = NEUTRAL_SECONDS,
                known: np.ndarray | None = None, moving: np.ndarray | None = None,
                restless: np.ndarray | None = None) -> tuple[int, int, bool]:
    """find_neutral_window's window and whether it is a fallback. With `known` (known_share per frame of `act`),
    only frames with at least KNOWN_SHARE of their AUs known are evidence of calm: the window is the one whose
    evidence frames have the lowest mean activity among windows with evidence in MIN_COVER of their frames (ties:
    the most evidence, then the earliest). Only where no window has that, the rule without `known` (every frame
    with an AU known counts), and the third value is True: the window may be calm only because AUs are hidden.
    `moving` (per frame of `act`, moving_frames()): windows are taken only where no frame moves, the lowest
    activity among those; without such a window of `seconds`, a shorter one (down to SHORTEST_SHARE of it; a face
    seen over less than `seconds` is refused as without `moving`), and
    a shorter one also where it is SHORTER_GAIN calmer (a clip that smiles from 0.6 s on holds the smile still for
    longer than it rested); no still window at all: the rule without `moving`. `restless` (per frame of `act`,
    restlessness(); with `moving`): of the still windows of a length within LEVEL_TIE of the lowest activity, the
    one whose mean restlessness is lowest. The activity stays the sum (UNCALM_SPREAD and HIGH_LEVEL are on its
    scale)."""
    if fps <= 0 or seconds <= 0:
        raise InputError(f"neutral window: fps {fps} and seconds {seconds} must be > 0")
    frames = np.asarray(frames, dtype=np.int64)
    act = np.asarray(act, dtype=np.float64)
    ok = np.isfinite(act)
    if not ok.any():
        raise InputError("no frame with the face's AUs known: nothing to calibrate on")
    lo, hi = int(frames[ok].min()), int(frames[ok].max())
    w = max(MIN_FRAMES, round(seconds * fps))
    series = np.full(hi - lo + 1, np.nan)
    series[frames[ok] - lo] = act[ok]
    shortest = w if moving is None else max(MIN_FRAMES, min(w, round(w * SHORTEST_SHARE)))
    if len(series) < MIN_FRAMES:  # a photo: its one frame would be its own neutral, every AU 0
        raise InputError(f"the face is seen over only {len(series)} frame(s); a neutral level is the median of at "
                         f"least {MIN_FRAMES} frames of the face, so it cannot be calibrated on itself: compare "
                         "it with a neutral photo of the same person")
    if len(series) < w:
        raise InputError(f"the face is seen over only {len(series)} frames; a {seconds:g}-s neutral window needs "
                         f"{w}: choose the neutral frames yourself (at least {MIN_FRAMES} with the face)")
    evidence = series
    if known is not None:
        evidence = np.full(len(series), np.nan)
        sure = ok & (np.asarray(known, dtype=np.float64) >= KNOWN_SHARE)
        evidence[frames[sure] - lo] = act[sure]
    if moving is not None:
        bad = np.zeros(len(series), bool)
        # only the face's frames: a frame that moves outside them (an event's interval running past where a split
        # ends the face) would index past the series, or wrap round from before its first frame
        mv = np.asarray(moving, bool) & (frames >= lo) & (frames <= hi)
        bad[frames[mv] - lo] = True
        rest = None
        if restless is not None:
            rest = np.full(len(series), np.nan)
            rest[frames[ok] - lo] = np.asarray(restless, dtype=np.float64)[ok]
        found, fallback = _still_window(evidence, bad, w, shortest, rest), False
        if known is not None and (found is None or found[1] < w):
            # no still second with (nearly) every AU known: one with some hidden, if it is longer and calmer
            alt = _still_window(series, bad, w, shortest, rest)
            if alt is not None and (found is None or (alt[1] > found[1] and alt[2] <= found[2] - SHORTER_GAIN)):
                found, fallback = alt, True
        if found is not None:
            return found[0] + lo, found[0] + lo + found[1] - 1, fallback
    win = np.lib.stride_tricks.sliding_window_view(series, w)
    if known is not None:
        fwin = np.lib.stride_tricks.sliding_window_view(evidence, w)
        share = np.isfinite(fwin).mean(1)
        good = np.flatnonzero(share >= MIN_COVER)
        if len(good):
            mean = np.nanmean(fwin[good], axis=1)
            # ties: the window with the most evidence (not one with hidden frames at an edge), then the earliest
            tied = good[mean <= mean.min() + 1e-9]
            start = int(tied[int(np.argmax(share[tied]))]) + lo
            return start, start + w - 1, False
    cover = np.isfinite(win).mean(1)
    good = np.flatnonzero(cover >= MIN_COVER)
    if not len(good):
        raise InputError(f"no {seconds:g}-s stretch with the face in at least {MIN_COVER:.0%} of its frames: "
                         "choose the neutral frames yourself")
    mean = np.nanmean(win[good], axis=1)  # the mean, not the median: calm throughout, not for half the window
    start = int(good[int(np.argmin(mean))]) + lo
    return start, start + w - 1, known is not None


def _still_window(series: np.ndarray, bad: np.ndarray, w: int, shortest: int,
                  rest: np.ndarray | None = None) -> tuple[int, int, float] | None:
    """(start index, length, lowest mean activity of that length) of calm_window's still window over `series`
    (activity by frame, NaN: no evidence), `bad` the frames that move, `rest` the restlessness by frame (None:
    the lowest activity decides); None where no window of `shortest` frames or more is still."""
    best: dict[int, tuple[float, int]] = {}
    for n in range(min(w, len(series)), shortest - 1, -1):
        win = np.lib.stride_tricks.sliding_window_view(series, n)
        share = np.isfinite(win).mean(1)
        good = np.flatnonzero((share >= MIN_COVER) & ~np.lib.stride_tricks.sliding_window_view(bad, n).any(1))
        if len(good):
            mean = np.nanmean(win[good], axis=1)
            tied = good[mean <= mean.min() + (1e-9 if rest is None else LEVEL_TIE)]
            if rest is not None:  # the same rest (level within LEVEL_TIE): the stillest; unknown restlessness last
                r = np.lib.stride_tricks.sliding_window_view(rest, n)[tied]
                seen = np.isfinite(r).any(1)
                score = np.full(len(tied), np.inf)
                score[seen] = np.nanmean(r[seen], axis=1)
                tied = tied[score <= score.min() + 1e-9]
            best[n] = (float(mean.min()), int(tied[int(np.argmax(share[tied]))]))  # ties: the most evidence
    if not best:
        return None
    lowest = min(m for m, _ in best.values())
    n = max(k for k, (m, _) in best.items() if m <= lowest + SHORTER_GAIN)  # the longest nearly as calm
    return best[n][1], n, best[n][0]


def moving_frames(frames: np.ndarray, cols: Mapping[str, np.ndarray], fps: float, motion: np.ndarray | None = None,
                  avoid: Sequence[tuple[int, int]] = ()) -> np.ndarray:
    """Per frame (of `frames`, `cols` aligned with it), whether the face moves there: `motion` (the micro-motion
    lane's, aligned too) above MOVING (or MOVING_X_MEDIAN times its median), else an AU changing by AU_MOVING over
    MOTION_LAG_S; or the frame lies in an interval of `avoid` (spotted or coded: an expression). MARGIN_S each
    side of both. Unknown motion is not movement (a track's first 0.2 s; the AUs' evidence decides there)."""
    frames = np.asarray(frames, dtype=np.int64)
    if not len(frames):
        return np.zeros(0, bool)
    lo, hi = int(frames.min()), int(frames.max())
    grid = np.zeros(hi - lo + 1, bool)
    m = None if motion is None else np.asarray(motion, dtype=np.float64)
    if m is not None and np.isfinite(m).any():
        limit = max(MOVING, MOVING_X_MEDIAN * float(np.nanmedian(m)))
        grid[frames[np.nan_to_num(m, nan=0.0) > limit] - lo] = True
    else:
        lag = max(1, round(MOTION_LAG_S * fps))
        au = _activity_stack(cols)
        stack = np.full((len(au), hi - lo + 1), np.nan)
        stack[:, frames - lo] = au
        if stack.shape[1] > lag:
            change = np.nansum(np.abs(stack[:, lag:] - stack[:, :-lag]), 0)  # all NaN: 0, not movement
            grid[lag:] = change > max(AU_MOVING, MOVING_X_MEDIAN * float(np.median(change)))
    margin = round(MARGIN_S * fps)
    out = grid.copy()
    for i in np.flatnonzero(grid):
        out[max(0, i - margin):i + margin + 1] = True
    for first, last in avoid:
        a, b = max(lo, int(first) - margin), min(hi, int(last) + margin)
        if a <= b:
            out[a - lo:b - lo + 1] = True
    return out[frames - lo]


def restlessness(frames: np.ndarray, cols: Mapping[str, np.ndarray], fps: float,
                 pose: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """Per frame (of `frames`, `cols` and `pose` aligned with it), how much the face changes over MOTION_LAG_S:
    each AU's (``AUxx_r``, blinks left out) and each head pose angle's (`pose`: OpenFace's pose_Rx/Ry/Rz)
    absolute change in units of its own median change (at least AU_STEP / POSE_STEP), summed. NaN where nothing
    is known on both frames (a track's first MOTION_LAG_S)."""
    frames = np.asarray(frames, dtype=np.int64)
    lag = max(1, round(MOTION_LAG_S * fps))
    if not len(frames) or frames.max() - frames.min() < lag:
        return np.full(len(frames), np.nan)
    lo, hi = int(frames.min()), int(frames.max())
    parts = [(_activity_stack(cols), AU_STEP)]
    if pose:
        parts.append((np.vstack([np.asarray(v, dtype=np.float64) for v in pose.values()]), POSE_STEP))
    changes = []
    for stack, floor in parts:
        grid = np.full((len(stack), hi - lo + 1), np.nan)
        grid[:, frames - lo] = stack
        step = np.abs(grid[:, lag:] - grid[:, :-lag])
        typical = np.array([max(floor, float(np.median(s[np.isfinite(s)]))) if np.isfinite(s).any() else floor
                            for s in step])
        changes.append(np.nansum(step / typical[:, None], 0))
        changes[-1][~np.isfinite(step).any(0)] = np.nan
    total = np.full(hi - lo + 1, np.nan)
    both = np.vstack(changes)
    total[lag:] = np.where(np.isfinite(both).any(0), np.nansum(both, 0), np.nan)
    return total[frames - lo]


def auto_baseline(frames: np.ndarray, cols: Mapping[str, np.ndarray], face_id: int, fps: float,
                  seconds: float = NEUTRAL_SECONDS, motion: np.ndarray | None = None,
                  avoid: Sequence[tuple[int, int]] = (), pose: Mapping[str, np.ndarray] | None = None
                  ) -> NeutralBaseline:
    """A face's levels over its calmest still stretch (calm_window, preferring frames with every AU known, away
    from the frames that move and the intervals of `avoid`: moving_frames), the fallback said in the baseline
    (`fallback`, in describe()). Without `motion` (an OpenFace file), among still stretches about as low, the
    one whose AUs and head `pose` (pose_Rx/Ry/Rz, aligned with `frames`) change least (restlessness)."""
    moving = moving_frames(frames, cols, fps, motion, avoid)
    lane = motion is not None and bool(np.isfinite(np.asarray(motion, dtype=np.float64)).any())
    restless = None if lane else restlessness(frames, cols, fps, pose)
    first, last, fallback = calm_window(frames, activity(cols), fps, seconds, known_share(cols), moving, restless)
    return replace(neutral_levels(frames, cols, face_id, first, last, auto=True), fallback=fallback)


def neutral_levels(frames: np.ndarray, cols: Mapping[str, np.ndarray], face_id: int, first: int, last: int, *,
                   auto: bool = False) -> NeutralBaseline:
    """Each intensity column's median over frames first..last of one face (`cols` aligned with `frames`).
    Refuses a range with fewer than MIN_FRAMES frames where the face's AUs are known; a column with fewer known
    values there gets no level (it is left as it is)."""
    if first > last:
        first, last = last, first
    frames = np.asarray(frames, dtype=np.int64)
    inside = (frames >= first) & (frames <= last)
    act = activity(cols)
    seen = int((inside & np.isfinite(act)).sum())
    if seen < MIN_FRAMES:
        raise InputError(f"face {face_id}, frames {first}-{last}: {seen} frame(s) with the face's AUs known; a "
                         f"neutral level needs at least {MIN_FRAMES}")
    a = act[inside]
    a = a[np.isfinite(a)]
    spread = float(np.percentile(a, 90) - np.percentile(a, 10))
    values = {}
    absolute, hidden = [], []
    with_face = inside & np.isfinite(act)
    for c in intensity_columns(list(cols)):
        v = np.asarray(cols[c], dtype=np.float64)
        level = _level(v[inside])
        if level is not None:
            values[c] = level
        else:
            absolute.append(c)
        if c.endswith("_r") and np.isfinite(v[with_face]).mean() < MIN_COVER:
            hidden.append(c)
    return NeutralBaseline(int(face_id), int(first), int(last), values, seen, auto, round(spread, 3),
                           tuple(absolute), tuple(hidden))


def _level(values: np.ndarray) -> float | None:
    """A column's neutral level: the median of its known values, or None with fewer than MIN_FRAMES of them."""
    v = values[np.isfinite(values)]
    return float(np.median(v)) if len(v) >= MIN_FRAMES else None


def relative(values: np.ndarray, level: float) -> np.ndarray:
    """Intensities relative to a neutral level: clip(values - level, 0, 5); NaN stays NaN."""
    return np.clip(np.asarray(values, dtype=np.float64) - level, 0.0, MAX_INTENSITY)


def presence(intensity: np.ndarray, on: bool = False) -> np.ndarray:
    """``AUxx_c`` from intensities in frame order (float: 0, 1, NaN where the intensity is unknown), with the
    estimator's hysteresis (on at PRESENCE_ON, off below PRESENCE_OFF); as there, an unknown frame turns it off,
    so a presence after an unknown run starts at PRESENCE_ON again. `on`: the state before the first value (a
    table read in chunks carries it over)."""
    values = np.asarray(intensity, dtype=np.float64)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        on = bool(np.isfinite(v) and (v >= PRESENCE_ON or (on and v >= PRESENCE_OFF)))
        if np.isfinite(v):
            out[i] = on
    return out


# ------------------------------------------------------------------------------------------- per-frame tables


def _face_rows(df: pd.DataFrame, face_id: int) -> pd.DataFrame:
    rows = df[df["face_id"] == face_id] if "face_id" in df.columns else df
    if "success" in rows.columns:
        rows = rows[pd.to_numeric(rows["success"], errors="coerce") == 1]
    return rows.sort_values("frame")


def table_fps(df: pd.DataFrame, face_id: int | None = None) -> float:
    """Frames per second of a per-frame table, from its timestamps (median step between consecutive frames).
    `face_id`: over the frames where that face is seen (success = 1), the ones its neutral window lies in; a
    variable-frame-rate clip can run at 24 fps where nobody is seen and at 30 where the face is. Too few of
    them: the whole table's."""
    if "timestamp" not in df.columns:
        raise InputError("no timestamp column: give the frame rate (fps= / --fps)")
    if face_id is not None and "frame" in df.columns:
        try:
            return table_fps(_face_rows(df, face_id))
        except InputError:
            pass
    t = df.drop_duplicates("frame").sort_values("frame")
    steps = np.diff(t["frame"].to_numpy(dtype=np.float64))
    dt = np.diff(pd.to_numeric(t["timestamp"], errors="coerce").to_numpy(dtype=np.float64))
    ok = (steps > 0) & np.isfinite(dt) & (dt > 0)
    if not ok.any():
        raise InputError("cannot tell the frame rate from the timestamps: give it (fps= / --fps)")
    return float(1.0 / np.median(dt[ok] / steps[ok]))


def table_baseline(df: pd.DataFrame, face_id: int, frames: tuple[int, int] | None = None, *,
                   fps: float | None = None, seconds: float = NEUTRAL_SECONDS,
                   avoid: Sequence[tuple[int, int]] = ()) -> NeutralBaseline:
    """A face's baseline from a per-frame table (OpenFace 2 style columns): over `frames` (inclusive, in the
    table's own frame numbers), or over the calmest still `seconds` (auto_baseline: the table's `motion` column
    where it has one; away from the face's intervals in `avoid`, its spots)."""
    if "frame" not in df.columns:
        raise InputError("no frame column: not a per-frame table")
    rows = _face_rows(df, face_id)
    if rows.empty:
        raise InputError(f"no rows of face {face_id} with a face found (success = 1)")
    cols = {c: pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=np.float64)
            for c in intensity_columns(list(rows.columns))}
    fr = rows["frame"].to_numpy(dtype=np.int64)
    if frames is None:
        rate = fps or table_fps(df, face_id)
        try:
            motion = pd.to_numeric(rows["motion"], errors="coerce").to_numpy(dtype=np.float64) \
                if "motion" in rows.columns else None
            pose = {c: pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=np.float64)
                    for c in POSE_COLUMNS if c in rows.columns}
            return auto_baseline(fr, cols, face_id, rate, seconds, motion, avoid, pose)
        except InputError as exc:
            if fps:
                raise
            # the rate came from the timestamps (OpenFace's own rounding can make that 1000): say so
            raise InputError(f"{exc} (at {rate:g} fps, read from its timestamps: give the rate, fps= / --fps, if "
                             "that is wrong)") from None
    return neutral_levels(fr, cols, face_id, *frames)


def complete_baseline(b: NeutralBaseline, df: pd.DataFrame) -> NeutralBaseline:
    """`b` with a level for every intensity column of the per-frame table `df` that it lacks (the app's baselines
    come from its curves, which hold AUxx_r but not the per-side AUxx_L / AUxx_R): each the median over b's
    frames, as neutral_levels takes them, so an export has no column left absolute beside relative ones."""
    rows = _face_rows(df, b.face_id)
    rows = rows[(rows["frame"] >= b.first) & (rows["frame"] <= b.last)]
    values = dict(b.values)
    columns = intensity_columns(list(df.columns))
    for c in columns:
        level = None if c in values else _level(pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=np.float64))
        if level is not None:
            values[c] = level
    return replace(b, values=values, absolute=tuple(c for c in columns if c not in values))


def apply_baselines(df: pd.DataFrame, baselines: Sequence[NeutralBaseline],
                    state: dict[tuple[int, str], bool] | None = None) -> pd.DataFrame:
    """A copy of a per-frame table with each baselined face's intensities relative to its neutral levels and its
    presences (``AUxx_c``, nullable integers: unknown where the intensity is) recomputed from them; other faces and
    columns unchanged (mark_rows says which rows are relative). `state`: for a table written in consecutive chunks,
    one dict passed with every chunk carries each presence's hysteresis across them."""
    state = {} if state is None else state
    out = df.copy()
    for b in baselines:
        mask = (out["face_id"] == b.face_id).to_numpy() if "face_id" in out.columns else np.ones(len(out), bool)
        idx = out.index[mask]
        order = out.loc[idx, "frame"].to_numpy().argsort(kind="stable")
        idx = idx[order]
        for c, level in b.values.items():
            if c not in out.columns:
                continue
            out[c] = out[c].astype(np.float64)
            rel = relative(pd.to_numeric(out.loc[idx, c], errors="coerce").to_numpy(dtype=np.float64), level)
            out.loc[idx, c] = rel
            pc = c[:-2] + "_c"
            if c.endswith("_r") and pc in out.columns:
                p = presence(rel, state.get((b.face_id, pc), False))
                if out[pc].dtype != "Int8":  # 0 / 1 / unknown (written empty), whatever the table held
                    out[pc] = pd.to_numeric(out[pc], errors="coerce").astype("Int8")
                out.loc[idx, pc] = pd.array(p, dtype="Int8")
                if len(p):
                    state[(b.face_id, pc)] = bool(p[-1] == 1)  # off after an unknown frame (NaN)
    # every presence alike, those left absolute too: a CSV read back has them as floats (1.0, NaN)
    return presences_as_ints(out) if baselines else out


def mark_rows(df: pd.DataFrame, baselines: Sequence[NeutralBaseline]) -> pd.DataFrame:
    """`df` with NEUTRAL_COLUMN last: "A-B", the neutral frames its values are relative to, on each baselined
    face's rows; empty on the others (left absolute). Every other column as it was."""
    out = df.drop(columns=[NEUTRAL_COLUMN]) if NEUTRAL_COLUMN in df.columns else df.copy()
    mark = pd.Series("", index=out.index, dtype=object)
    for b in baselines:
        rows = (out["face_id"] == b.face_id) if "face_id" in out.columns else pd.Series(True, index=out.index)
        mark[rows.to_numpy()] = f"{b.first}-{b.last}"
    out[NEUTRAL_COLUMN] = mark
    return out


def absolute_note(faces: Sequence[int], baselines: Sequence[NeutralBaseline]) -> str:
    """One line naming the faces of `faces` (ids >= 0) without a baseline, whose values stay absolute; "" when
    every face has one."""
    left = sorted({int(f) for f in faces if f >= 0} - {b.face_id for b in baselines})
    if not left:
        return ""
    which = ", ".join(map(str, left))
    return (f"face{'s' if len(left) > 1 else ''} {which}: no neutral frames, left absolute ({NEUTRAL_COLUMN} "
            "empty on their rows)")
