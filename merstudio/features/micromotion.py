"""The micro-motion lane: subtle, short facial movements by optical flow against a short local baseline.

Blendshapes (merstudio.features.blendshape_aus) read expressions well but are smoothed and coarse; a micro-
expression moves skin by a millimetre or two for a fraction of a second. For each aligned face (frame t) we
compute dense flow from a BASELINE, the track's aligned frame t - k (k = `lag_s` x fps, default 0.2 s, about
half a micro-expression's onset-to-offset), to the frame. On a variable-rate video (frame times given) it is
the frame nearest `lag_s` before instead: k from the mean rate made the lag, and with it the motion's scale,
follow the momentary rate (a clip at 30 fps, then 10 fps, read 24 % low, then 11 % high; docs/aus.md). The
baseline is local (never older than 0.2 s, so held expressions, head turns and lighting drifts leave it at once
and large deformations are never compared across seconds); spotting makes it robust by reading it two-sided
(below), so a one-frame flicker or glitch at either end cannot make an interval. There is no long-lived
reference, so nothing to refresh.

Per FACS region (brows, eyes, cheeks, nose, mouth, chin) the flow is averaged in small patches around named
mesh points, the rigid residual that the alignment left is fitted robustly at stable points and subtracted, and
the region reads the mean magnitude of its per-side displacement, in units of 0.04 inter-ocular distance
(about 2.5 mm on an adult face). The same displacements, read along each AU's FACS direction
(`direction_rules`), say WHICH action moved (`AUxx_m` columns): the suggestion for a spotted interval whose
movement is too small for the learned AUs. `motion` is the largest region other than the eyes; it is NaN (excluded from spotting) while the head turns (more than `turn_deg` degrees between
baseline and frame) and, during a blink (the blendshape blink score of the frame or the baseline frame above
`blink_on`), reads only the nose, mouth and chin (a blink moves the lids, brows and cheeks).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.face import landmarks as L
from merstudio.features.flow import FlowComputer

UNIT_IOD = 0.04  # one motion unit, fraction of the inter-ocular distance
PATCH_IOD = 0.06  # half-size of the averaging patch around each point, fraction of IOD

# FACS sub-regions: (subject's right-side points, left-side mirror partners, midline points).
PARTS: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
    "brow_inner": ((107, 66, 55, 65), (336, 296, 285, 295), ()),
    "brow_outer": ((70, 63, 46, 53), (300, 293, 276, 283), ()),
    "upper_lid": ((159, 158, 160), (386, 385, 387), ()),
    "lower_lid": ((145, 144, 153), (374, 373, 380), ()),
    "cheek": ((117, 118, 119, 100, 101), (346, 347, 348, 329, 330), ()),
    "nose_wing": ((129, 64, 48, 102), (358, 294, 278, 331), ()),
    "upper_lip": ((37,), (267,), (0,)),
    "mouth_corner": ((61, 57, 43), (291, 287, 273), ()),
    "chin": ((208,), (428,), (199, 200, 175)),
}
# The lane's regions, each a set of sub-regions.
REGIONS: dict[str, tuple[str, ...]] = {
    "brows": ("brow_inner", "brow_outer"),
    "eyes": ("upper_lid", "lower_lid"),
    "cheeks": ("cheek",),
    "nose": ("nose_wing",),
    "mouth": ("upper_lip", "mouth_corner"),
    "chin": ("chin",),
}
# AUs whose direction the lane reads (eyelid AUs 5 and 7 are left out: blinks dominate the lids).
MICRO_AUS = (1, 2, 4, 6, 9, 10, 12, 14, 15, 17)
MOTION_REGIONS = tuple(REGIONS)
PAUSE_S = 1.0  # frames this far apart on a variable-rate video are a pause in the recording: no baseline across it
REPEATED_TIME_S = 1e-3  # a frame whose time repeats the last one's is taken as this much after it
TIME_EPS_S = 1e-6  # a frame this close to the baseline's moment is at it (times in ms on a grid, sums in floats)
TURN_DEG = 4.0  # a head turning (yaw or pitch) by more than this between two frames: their flow is no expression
SPOT_REGIONS = ("brows", "cheeks", "nose", "mouth", "chin")  # eyelids: blinks dominate them
BLINK_REGIONS = ("nose", "mouth", "chin")  # what a blink leaves alone
# Points that facial action barely moves (nose dorsum, inner eye corners, upper forehead, temples, zygomatic
# arch, upper jaw angle): the flow there is the rigid residual left by the alignment.
STABLE_FLOW_POINTS = (168, 6, 197, 195, 5, 133, 362, 10, 109, 338, 67, 297, 34, 264, 227, 447, 132, 361)


@dataclass(frozen=True)
class MicroMotion:
    regions: dict[str, float]  # region -> motion units (NaN without a baseline)
    motion: float  # the largest non-eye region (NaN: no baseline, or the head turns)
    blink: bool
    head_turn: bool
    aus: dict[int, float] = field(default_factory=dict)  # MICRO_AU -> directed movement, motion units (>= 0)
    base: int | None = None  # the baseline frame's index (None: no baseline)


def _nan_motion(blink: bool = False, turn: bool = False) -> MicroMotion:
    nan = float("nan")
    return MicroMotion({r: nan for r in REGIONS}, nan, blink, turn, {a: nan for a in MICRO_AUS})


def normalise_illumination(grey: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    """Local contrast normalisation, so a global or smooth lighting change does not look like motion. uint8."""
    g = grey.astype(np.float32)
    mean = cv2.GaussianBlur(g, (0, 0), sigma)
    hp = g - mean
    std = np.sqrt(cv2.GaussianBlur(hp * hp, (0, 0), sigma))
    out = hp / np.maximum(std, 6.0)  # the floor keeps flat skin flat instead of amplifying sensor noise
    return np.clip(out * 48.0 + 128.0, 0, 255).astype(np.uint8)


def fit_similarity(p: np.ndarray, v: np.ndarray, tol: float) -> np.ndarray:
    """Robust least-squares similarity (a, b, tx, ty) with p + v ~= [[a, -b], [b, a]] p + t; two re-weighting
    rounds drop points whose residual exceeds max(2.5 x median residual, tol)."""
    n = len(p)
    if n < 3:
        return np.array([1.0, 0.0, *(np.median(v, axis=0) if n else (0.0, 0.0))])
    q = p + v
    a_mat = np.zeros((2 * n, 4))
    a_mat[0::2] = np.column_stack([p[:, 0], -p[:, 1], np.ones(n), np.zeros(n)])
    a_mat[1::2] = np.column_stack([p[:, 1], p[:, 0], np.zeros(n), np.ones(n)])
    rhs = q.reshape(-1)
    keep = np.ones(n, dtype=bool)
    params = np.array([1.0, 0.0, 0.0, 0.0])
    for _ in range(3):
        rows = np.repeat(keep, 2)
        params = np.linalg.lstsq(a_mat[rows], rhs[rows], rcond=None)[0]
        res = np.hypot(*(a_mat @ params - rhs).reshape(-1, 2).T)
        new_keep = res <= max(2.5 * float(np.median(res)), tol)
        if new_keep.sum() < 3 or np.array_equal(new_keep, keep):
            break
        keep = new_keep
    return params


def rigid_flow(params: np.ndarray, p: np.ndarray) -> np.ndarray:
    a, b, tx, ty = params
    return np.column_stack([(a - 1) * p[:, 0] - b * p[:, 1] + tx, b * p[:, 0] + (a - 1) * p[:, 1] + ty])


_S2 = 1.0 / np.sqrt(2.0)


def _unmix(a: float, b: float, spill: float) -> tuple[float, float]:
    """Solve [a, b] = [[1, spill], [spill, 1]] @ [x, y]: two AUs that each move the other's region a little."""
    det = 1.0 - spill * spill
    return (a - spill * b) / det, (b - spill * a) / det


def direction_rules(f: dict[str, np.ndarray]) -> dict[int, float]:
    """Signed movement (IOD units) along each MICRO_AU's FACS direction, from the sub-regions' mean (out, up)
    displacement ("out" = away from the facial midline, "up" = towards the forehead). FACS describes each AU's
    appearance change this way: AU1/AU2 lift the inner/outer brow, AU4 pulls the brows down and together, AU6
    lifts the cheek, AU9 the nose wings, AU10 the upper lip, AU12 pulls the lip corners up and out, AU14 in,
    AU15 down, AU17 pushes the chin boss up."""
    bi_out, bi_up = f["brow_inner"]
    au1, au2 = _unmix(bi_up, f["brow_outer"][1], 0.3)
    au4 = (-bi_out - bi_up) * _S2
    au9, au10 = _unmix(f["nose_wing"][1], f["upper_lip"][1], 0.35)
    mc_out, mc_up = f["mouth_corner"]
    return {1: au1, 2: au2, 4: au4, 6: f["cheek"][1], 9: au9, 10: au10, 12: 0.8 * mc_out + 0.6 * mc_up,
            14: -mc_out - 0.5 * abs(mc_up), 15: 0.26 * mc_out - 0.97 * mc_up, 17: f["chin"][1]}


_IDX: list[int] = []
_SIDE: list[float] = []  # -1 subject's right, +1 left, 0 midline
_GROUPS: list[tuple[str, np.ndarray]] = []  # (region, indices into _IDX) per side of each region
_PART_IX: dict[str, np.ndarray] = {}
_PART_REGION = {part: region for region, parts in REGIONS.items() for part in parts}
for _part, _sides in PARTS.items():
    _start = len(_IDX)
    for _pts, _sgn in zip(_sides, (-1.0, 1.0, 0.0), strict=True):
        if _pts:
            _GROUPS.append((_PART_REGION[_part], np.arange(len(_IDX), len(_IDX) + len(_pts))))
            _IDX += list(_pts)
            _SIDE += [_sgn] * len(_pts)
    _PART_IX[_part] = np.arange(_start, len(_IDX))
_SIDE_ARR = np.array(_SIDE)
_GROUP_AVG = np.zeros((len(_GROUPS), len(_IDX)))
for _k, (_, _ix) in enumerate(_GROUPS):
    _GROUP_AVG[_k, _ix] = 1.0 / len(_ix)
_REGION_OF_GROUP = [name for name, _ in _GROUPS]


def region_motion(flow: np.ndarray, lm: np.ndarray) -> tuple[dict[str, float], dict[int, float]]:
    """Per-region non-rigid motion and per-AU directed movement (both in units of UNIT_IOD, AUs clipped at 0)
    from a flow field defined on the baseline's grid, read at the baseline's aligned landmarks `lm` (468, 2)."""
    h, w = flow.shape[:2]
    r_eye = lm[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(axis=0)
    l_eye = lm[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(axis=0)
    iod = float(np.hypot(*(l_eye - r_eye)))
    if not iod >= 8.0:
        raise InputError(f"aligned face: inter-ocular distance {iod:.1f} px is too small (need >= 8 px)")
    r = max(1, int(round(PATCH_IOD * iod)))
    fb = cv2.blur(flow, (2 * r + 1, 2 * r + 1))
    st = lm[list(STABLE_FLOW_POINTS)].astype(np.float64)
    st = st[(st[:, 0] >= r) & (st[:, 0] < w - r) & (st[:, 1] >= r) & (st[:, 1] < h - r)]
    v_st = fb[np.round(st[:, 1]).astype(np.intp), np.round(st[:, 0]).astype(np.intp)].astype(np.float64)
    params = fit_similarity(st, v_st, tol=0.01 * iod)
    pts = lm[_IDX].astype(np.float64)
    xi = np.clip(np.round(pts[:, 0]), 0, w - 1).astype(np.intp)
    yi = np.clip(np.round(pts[:, 1]), 0, h - 1).astype(np.intp)
    v = fb[yi, xi].astype(np.float64) - rigid_flow(params, pts)
    mags = np.hypot(*(_GROUP_AVG @ v).T) / iod / UNIT_IOD
    out: dict[str, list[float]] = {}
    for name, m in zip(_REGION_OF_GROUP, mags, strict=True):
        out.setdefault(name, []).append(float(m))
    right = (l_eye - r_eye) / iod
    up = np.array([right[1], -right[0]])
    comp = np.column_stack([(v @ right) * _SIDE_ARR, v @ up]) / iod  # (out, up) per point, IOD units
    feats = {part: comp[ix].mean(axis=0) for part, ix in _PART_IX.items()}
    aus = {a: max(0.0, float(x) / UNIT_IOD) for a, x in direction_rules(feats).items()}
    return {name: float(np.mean(vals)) for name, vals in out.items()}, aus


def head_turned(a: Sequence[float], b: Sequence[float], limit: float) -> bool:
    """Whether the head's pitch or yaw (the first two of poses a and b, radians; NaN unknown) differs by more than
    `limit` radians between two frames: a turn out of the image plane, whose flow is no expression."""
    d = np.abs(np.subtract(a[:2], b[:2]))
    return bool(np.isfinite(d).any() and np.nanmax(d) > limit)


def ahead_frames(times: np.ndarray, lag_s: float) -> np.ndarray:
    """Per frame t of a variable-rate video (`times`: each frame's time in seconds, increasing), the frame whose
    motion starts at t: the frame nearest `lag_s` after it (at least one frame on), whose baseline the estimator
    takes at t (`baseline_by_time`); -1 where there is none: the lag reaches past the last frame, or a pause
    (PAUSE_S) lies between. On a constant rate that frame is t + k."""
    t = np.asarray(times, dtype=np.float64)
    n = len(t)
    out = np.full(n, -1, dtype=np.intp)
    if n < 2:
        return out
    target = t + lag_s
    after = np.clip(np.searchsorted(t, target - TIME_EPS_S), 1, n - 1)  # the first frame at or after the moment
    before = after - 1
    pick = np.where(t[after] - target <= target - t[before] + TIME_EPS_S, after, before)
    pick = np.minimum(np.maximum(pick, np.arange(n) + 1), n - 1)
    ok = (target <= t[-1] + TIME_EPS_S) & (pick > np.arange(n))
    ok &= t[pick] - t <= max(PAUSE_S, 2 * lag_s) + TIME_EPS_S
    out[ok] = pick[ok]
    return out


def _ahead(n: int, k: int, times: np.ndarray | None, lag_s: float | None) -> np.ndarray:
    """ahead_frames for a variable rate (`times` given), else t + k (-1 past the end)."""
    if times is None:
        idx = np.arange(n) + k
        return np.where(idx < n, idx, -1)
    if lag_s is None:
        raise InputError("micro-motion frame times given without the lag in seconds")
    if len(times) != n:
        raise InputError(f"micro-motion: {len(times)} frame times for {n} frames")
    return ahead_frames(times, lag_s)


def transient_signal(regions: np.ndarray, blink: np.ndarray, turn: np.ndarray, k: int,
                     names: tuple[str, ...] = MOTION_REGIONS, two_sided: bool = True,
                     times: np.ndarray | None = None, lag_s: float | None = None) -> np.ndarray:
    """Per-frame spotting signal from the per-frame region motions (n, R) (columns in `names` order), the blink
    and head-turn flags (n,), and the baseline lag k in frames (see the module docstring). NaN where unknown.
    `two_sided=False` gives the one-sided signal (motion since t - k) with the same exclusions. On a variable-rate
    video (`times`, seconds per frame, with the lag `lag_s` the estimator used) the motion after t is the frame
    nearest `lag_s` later's, not frame t + k's: k frames of the mean rate were 0.13 s at 30 fps where the rate
    averaged 22.5, and the demo's apexes moved by up to 2 frames."""
    n = len(regions)
    nxt = _ahead(n, k, times, lag_s)
    has = nxt >= 0
    ahead = np.full_like(regions, np.nan)
    ahead[has] = regions[nxt[has]]
    if two_sided:
        both = np.fmin(regions, ahead)
        both[np.isnan(regions) | np.isnan(ahead)] = np.nan
    else:
        both = regions
    blink_any = blink.astype(bool).copy()
    turn_any = turn.astype(bool).copy()
    blink_any[has] |= blink.astype(bool)[nxt[has]]
    turn_any[has] |= turn.astype(bool)[nxt[has]]
    col = {name: j for j, name in enumerate(names)}
    spot = both[:, [col[r] for r in SPOT_REGIONS]]
    lower = both[:, [col[r] for r in BLINK_REGIONS]]
    out = np.full(n, np.nan)
    with np.errstate(all="ignore"):
        sig = np.where(blink_any, np.nan_to_num(lower, nan=-np.inf).max(axis=1),
                       np.nan_to_num(spot, nan=-np.inf).max(axis=1))
    ok = np.isfinite(sig) & ~turn_any
    out[ok] = sig[ok]
    return out


def extend_interval(onset: int, apex: int, offset: int, past: np.ndarray, k: int, low: float,
                    times: np.ndarray | None = None, lag_s: float | None = None) -> tuple[int, int]:
    """Widen a spotted core [onset, offset] to where the movement starts and ends: the two-sided signal is high
    only in the middle of an event (about k frames are lost at each end), while the one-sided `past` signal
    (motion since t - k) rises as soon as the face starts to move, and `past[t + k]` (motion from t to t + k)
    stays high until it has settled. Extends by at most k frames each way, while the signal stays above `low`.
    On a variable-rate video (`times`, `lag_s`: see transient_signal) by at most `lag_s` each way, reading the
    motion from t at the frame nearest `lag_s` after it."""
    n = len(past)
    nxt = _ahead(n, k, times, lag_s)
    if times is None:
        first, last = max(0, onset - k), min(n - 1, offset + k)
    else:
        assert lag_s is not None  # _ahead checked
        first = int(np.searchsorted(times, times[onset] - lag_s - TIME_EPS_S))
        last = int(np.searchsorted(times, times[offset] + lag_s + TIME_EPS_S, side="right")) - 1
    on = onset
    while on - 1 >= first and np.isfinite(past[on - 1]) and past[on - 1] > low:
        on -= 1
    off = offset
    while off + 1 <= last and nxt[off + 1] >= 0 and np.isfinite(past[nxt[off + 1]]) and past[nxt[off + 1]] > low:
        off += 1
    return min(on, apex), max(off, apex)


def spotting_signal(regions: dict[str, float], blink: bool) -> float:
    """The largest region (micro-expressions are local: one region moving is the event)."""
    names = BLINK_REGIONS if blink else SPOT_REGIONS
    return float(max(regions[n] for n in names))


@dataclass
class _Frame:
    index: int
    image: np.ndarray  # illumination-normalised grey
    landmarks: np.ndarray
    blink: float
    pose: tuple[float, float, float]
    time: float | None  # seconds (a variable-rate source's frame time), None: the baseline is k frames back


class MicroMotionEstimator:
    """Per-track micro-motion against a short local baseline (see the module docstring)."""

    def __init__(self, fps: float = 30.0, flow: str = "dis", lag_s: float = 0.2, turn_deg: float = TURN_DEG,
                 blink_on: float = 0.45) -> None:
        if not (np.isfinite(fps) and fps > 0):
            raise InputError(f"fps: must be a positive number, got {fps}")
        self.flow = FlowComputer(flow)
        self.k = max(1, int(round(lag_s * fps)))
        self.lag_s = float(lag_s)
        self.turn = np.radians(turn_deg)
        self.blink_on = float(blink_on)
        self._hist: dict[int, deque[_Frame]] = {}

    def reset(self) -> None:
        self._hist.clear()

    def update(self, track_id: int, frame_index: int, image: np.ndarray, landmarks: np.ndarray,
               blink: float | None = 0.0, pose: tuple[float, float, float] = (0.0, 0.0, 0.0),
               time: float | None = None) -> MicroMotion:
        """Micro-motion of one aligned face (grey uint8 (S, S), aligned landmarks (468, 2)).

        `blink`: the frame's blink score (0..1); None when it is not known yet (the caller applies
        `mask_blink` later, with the blink scores of this frame and of its baseline frame).
        `time`: the frame's time in seconds on a variable-rate source (the baseline is then the frame nearest
        `lag_s` before it, `baseline_by_time`); None on a constant rate (the baseline is k frames back)."""
        img = normalise_illumination(np.asarray(image))
        hist = self._hist.setdefault(track_id, deque())
        if hist and (frame_index <= hist[-1].index or hist[-1].image.shape != img.shape
                     or (time is None) != (hist[-1].time is None)):
            # a seek, a new face size, or times that start or stop (a video found variable mid-pass): the history
            # no longer leads up to this frame
            hist.clear()
        if hist and time is not None and hist[-1].time is not None and time <= hist[-1].time:
            # a time repeated or going back between frames in order (a container's duplicate time, B-frame AVIs
            # that end on 0): just after the last one, not a restart that left the next frames without a baseline
            time = hist[-1].time + REPEATED_TIME_S
        cur = _Frame(frame_index, img, np.asarray(landmarks, dtype=np.float64), float(blink or 0.0), pose, time)
        if time is None:
            while hist and hist[0].index < frame_index - self.k:
                hist.popleft()
            base = next((f for f in hist if f.index == frame_index - self.k), None)
        else:
            while len(hist) > 1 and hist[1].time is not None and hist[1].time <= time - self.lag_s + TIME_EPS_S:
                hist.popleft()  # the last frame at or before the lag is kept: it may be the nearest one
            base = baseline_by_time(hist, cur, self.lag_s)
        hist.append(cur)
        if base is None:
            return _nan_motion()
        turning = head_turned(cur.pose, base.pose, self.turn)
        regions, aus = region_motion(self.flow(base.image, img), base.landmarks)
        if turning:
            aus = {a: float("nan") for a in aus}
        m = MicroMotion(regions, float("nan") if turning else spotting_signal(regions, False), False, turning, aus,
                        base.index)
        if blink is not None:
            m = mask_blink(m, max(cur.blink, base.blink) > self.blink_on)
        return m


def baseline_by_time(hist: Sequence[_Frame], cur: _Frame, lag_s: float) -> _Frame | None:
    """The frame of `hist` (the track's earlier frames, in order, timed) nearest `lag_s` before `cur`, at least one
    frame back; None where the track missed the source frames around that moment (a frame at it is enough): as a
    missing frame t - k on a constant rate, a gap leaves no comparison."""
    assert cur.time is not None
    target = cur.time - lag_s
    pos = max((n for n, f in enumerate(hist) if f.time is not None and f.time <= target + TIME_EPS_S), default=None)
    if pos is None:
        return None  # the track is younger than the lag
    a = hist[pos]
    b = hist[pos + 1] if pos + 1 < len(hist) else cur
    if a.time is None or b.time is None:
        return None
    if b.index != a.index + 1:  # unseen frames between: one of them may be nearer, unless a is at the moment
        return a if target - a.time <= TIME_EPS_S else None
    base, when = (b, b.time) if b is not cur and b.time - target < target - a.time else (a, a.time)
    # a pause in the recording (frame times seconds apart): nothing near the moment to compare with
    return base if cur.time - when <= max(PAUSE_S, 2 * lag_s) + TIME_EPS_S else None


def mask_blink(m: MicroMotion, blinking: bool) -> MicroMotion:
    """Apply a blink (in the frame or its baseline frame) to a micro-motion reading: the eyelids and the cheek
    action are NaN and `motion` reads only what a blink leaves alone (nose, mouth, chin)."""
    if not blinking:
        return m
    regions = dict(m.regions)
    regions["eyes"] = float("nan")
    aus = dict(m.aus)
    if 6 in aus:
        aus[6] = float("nan")  # the lower lid and the cheek move with a blink
    motion = m.motion if np.isnan(m.motion) else spotting_signal(regions, True)
    return MicroMotion(regions, motion, True, m.head_turn, aus, m.base)
