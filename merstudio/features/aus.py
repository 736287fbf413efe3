"""Training-free action-unit activations from optical flow on the aligned face.

Per track, the estimator keeps a neutral REFERENCE frame. Each new aligned face is compared with it by dense
optical flow; the flow is averaged in small patches around named mesh points (FACS regions), the residual rigid
motion (what the alignment left, measured at stable points) is subtracted, and each AU reads one direction rule
in the face's own axes, in units of the inter-ocular distance (IOD). docs/aus.md lists every region and rule,
the scale, and what this method cannot see.

Scale: one intensity unit = ``UNIT_IOD`` (0.04 IOD, about 2.5 mm on an adult face) of movement along the AU's
direction; intensity is clipped to 0..5. Presence (``_c``) switches on at ``PRESENCE_ON`` and off below
``PRESENCE_OFF`` (hysteresis, per track).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.face import landmarks as L
from merstudio.features.flow import FlowComputer

AUS: tuple[int, ...] = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17)
AU_NAMES: dict[int, str] = {
    1: "inner brow raiser",
    2: "outer brow raiser",
    4: "brow lowerer",
    5: "upper lid raiser",
    6: "cheek raiser",
    7: "lid tightener",
    9: "nose wrinkler",
    10: "upper lip raiser",
    12: "lip corner puller",
    14: "dimpler",
    15: "lip corner depressor",
    17: "chin raiser",
}

UNIT_IOD = 0.04  # displacement (fraction of inter-ocular distance) for one intensity unit
MAX_INTENSITY = 5.0
PRESENCE_ON = 0.5  # intensity at which AUxx_c becomes 1 ...
PRESENCE_OFF = 0.3  # ... and below which it returns to 0 (hysteresis)


def au_r(au: int) -> str:
    """Intensity column name, OpenFace style: ``au_r(1) == "AU01_r"``."""
    return f"AU{int(au):02d}_r"


def au_c(au: int) -> str:
    """Presence column name, OpenFace style: ``au_c(12) == "AU12_c"``."""
    return f"AU{int(au):02d}_c"


def au_columns(kind: str = "both", aus: Iterable[int] = AUS) -> list[str]:
    """Column names: ``kind`` "r" (intensities), "c" (presences) or "both" (all _r, then all _c)."""
    aus = tuple(aus)
    if kind == "r":
        return [au_r(a) for a in aus]
    if kind == "c":
        return [au_c(a) for a in aus]
    if kind == "both":
        return [au_r(a) for a in aus] + [au_c(a) for a in aus]
    raise InputError(f"au_columns: kind '{kind}' must be 'r', 'c' or 'both'")


class AlignedLike(Protocol):
    """What the estimator needs from merstudio.face.align.AlignedFace."""

    image: np.ndarray  # grey uint8 (S, S)
    landmarks: np.ndarray  # (468, 2) in aligned pixel coordinates


@dataclass(frozen=True)
class AUActivation:
    """One face in one frame. `intensity` 0..5 and `presence` 0/1 for every AU in AUS; `motion` is the mean
    non-rigid displacement of the face regions (eyelids excluded) in intensity units, the spotting signal;
    `displacement` the signed movement along each AU's rule in IOD units (before clipping)."""

    intensity: dict[int, float]
    presence: dict[int, int]
    motion: float
    displacement: dict[int, float] = field(default_factory=dict)
    reference_age: int = 0  # frames since this track's reference was taken (0 = this frame is the reference)


# --- regions ----------------------------------------------------------------------------------------------
# (subject's right-side points, their left-side mirror partners, midline points). Sides matter for "in"/"out".
REGIONS: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
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
# Eyelid regions are left out of the motion signal: blinks dominate them and are not expressions.
MOTION_REGIONS = ("brow_inner", "brow_outer", "cheek", "nose_wing", "upper_lip", "mouth_corner", "chin")
# Points that facial action barely moves (nose dorsum, inner eye corners, upper forehead, temples, zygomatic
# arch near the ear): the flow there is the rigid residual left by the alignment (fitted robustly).
STABLE_FLOW_POINTS = (168, 6, 197, 195, 5, 133, 362, 10, 109, 338, 67, 297, 34, 264, 227, 447, 132, 361)
# Region points whose landmark shape feeds the "typical face" median (reference choice).
_SHAPE_POINTS = tuple(sorted({i for r in REGIONS.values() for part in r for i in part}))
_SHAPE_GROUPS = [np.array([_SHAPE_POINTS.index(i) for i in part]) for r in REGIONS.values() for part in r if part]


def _shape_deviation(shape: np.ndarray, median: np.ndarray) -> float:
    """How far a landmark shape is from the typical one: the largest mean displacement of one side of one
    region (IOD units). A single region that moved counts fully, however small the rest of the face."""
    d = shape - median
    return max(float(np.hypot(*d[g].mean(axis=0))) for g in _SHAPE_GROUPS)

PATCH_IOD = 0.06  # half-size of the averaging patch around each point, fraction of IOD
_S2 = 1.0 / np.sqrt(2.0)
# Cross-talk between neighbouring AUs sharing a region (see docs/aus.md): AU2 lifts the inner brow a little
# and AU1 the outer brow; AU10 lifts the nose wings a little and AU9 the upper lip.
_BROW_SPILL = 0.3
_NOSE_LIP_SPILL = 0.35


def _unmix(a: float, b: float, spill_ab: float, spill_ba: float) -> tuple[float, float]:
    """Solve [a, b] = [[1, spill_ba], [spill_ab, 1]] @ [x, y] for the two AU movements x, y."""
    det = 1.0 - spill_ab * spill_ba
    return (a - spill_ba * b) / det, (b - spill_ab * a) / det


def rules(f: dict[str, np.ndarray]) -> dict[int, float]:
    """The direction rules: signed AU movements (IOD units) from region features.

    `f[name]` = (out, up) mean displacement of region `name`, IOD units, in face axes ("out" = away from the
    midline, "up" = towards the forehead); midline points count 0 towards out/in."""
    bi_out, bi_up = f["brow_inner"]
    _, bo_up = f["brow_outer"]
    au1, au2 = _unmix(bi_up, bo_up, _BROW_SPILL, _BROW_SPILL)
    au4 = (-bi_out - bi_up) * _S2  # inner brow down and towards the midline (45 deg)
    _, ul_up = f["upper_lid"]
    _, ll_up = f["lower_lid"]
    _, ch_up = f["cheek"]
    # Raised brows drag the skin above the upper lid up with them (about 0.3 of their lift at the lid).
    au5 = ul_up - 0.3 * max(0.5 * (bi_up + bo_up), 0.0)
    au6 = ch_up
    # The lower lid rises with the cheek in AU6 (about 0.6 of it); on a small face the flow smears a raised
    # upper lid (AU5) onto the lower lid; a blink brings the upper lid far down while the lower lid rises a
    # little. None of these is lid tightening.
    au7 = ll_up - 0.6 * max(ch_up, 0.0) - 0.75 * max(ul_up, 0.0) - 0.5 * max(-ul_up - ll_up, 0.0)
    _, nw_up = f["nose_wing"]
    _, lip_up = f["upper_lip"]
    au9, au10 = _unmix(nw_up, lip_up, _NOSE_LIP_SPILL, _NOSE_LIP_SPILL)
    mc_out, mc_up = f["mouth_corner"]
    au12 = 0.8 * mc_out + 0.6 * mc_up  # up and out, 37 deg above horizontal
    au14 = -mc_out - 0.5 * abs(mc_up)  # drawn in, mostly horizontally
    au15 = 0.26 * mc_out - 0.97 * mc_up  # down, slightly out (15 deg from vertical)
    _, chin_up = f["chin"]
    au17 = chin_up
    return {1: au1, 2: au2, 4: au4, 5: au5, 6: au6, 7: au7, 9: au9, 10: au10, 12: au12, 14: au14, 15: au15,
            17: au17}


# --- geometry of one reference ----------------------------------------------------------------------------
@dataclass
class _Geometry:
    """Sampling positions and face axes, fixed for the life of one reference frame."""

    iod: float
    right: np.ndarray  # unit vector, subject's right eye -> left eye
    up: np.ndarray  # unit vector towards the forehead
    ksize: int  # box-filter size for the patches
    pts: np.ndarray  # (M, 2) float, all region sample points
    xy: tuple[np.ndarray, np.ndarray]  # integer (x, y) of pts, clipped into the image
    side: np.ndarray  # (M,) -1 subject's right, +1 left, 0 midline (out = side * right-component)
    region_of: dict[str, np.ndarray]  # region -> indices into pts
    groups: list[tuple[str, np.ndarray]]  # (region, indices into pts) per side of each region
    motion_groups: np.ndarray  # indices into groups that make up the motion signal
    region_avg: np.ndarray  # (regions, M) averaging matrix
    group_avg: np.ndarray  # (groups, M) averaging matrix
    stable: np.ndarray  # (K, 2) stable points inside the image
    stable_xy: tuple[np.ndarray, np.ndarray]
    shape: np.ndarray  # (P, 2) normalised landmark shape (for the typical-face median)


def _face_axes(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    r_eye = lm[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(axis=0)
    l_eye = lm[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(axis=0)
    v = l_eye - r_eye
    iod = float(np.hypot(*v))
    right = v / max(iod, 1e-6)
    return right, np.array([right[1], -right[0]]), iod


def _normalised_shape(lm: np.ndarray, right: np.ndarray, up: np.ndarray, iod: float) -> np.ndarray:
    c = lm[list(L.STABLE_POINTS)].mean(axis=0)
    d = lm[list(_SHAPE_POINTS)] - c
    return np.stack([d @ right, d @ up], axis=1) / iod


def _geometry(lm: np.ndarray, size: tuple[int, int]) -> _Geometry:
    h, w = size
    right, up, iod = _face_axes(lm)
    if not iod >= 8.0:
        raise InputError(f"aligned face: inter-ocular distance {iod:.1f} px is too small (need >= 8 px)")
    r = max(1, int(round(PATCH_IOD * iod)))
    idx: list[int] = []
    side: list[int] = []
    region_of: dict[str, np.ndarray] = {}
    groups: list[tuple[str, np.ndarray]] = []
    for name, (rs, ls, ms) in REGIONS.items():
        start = len(idx)
        for pts, s in ((rs, -1), (ls, 1), (ms, 0)):
            if pts:
                groups.append((name, np.arange(len(idx), len(idx) + len(pts))))
            idx += list(pts)
            side += [s] * len(pts)
        region_of[name] = np.arange(start, len(idx))
    motion_groups = np.array([k for k, (name, _) in enumerate(groups) if name in MOTION_REGIONS])
    region_avg = np.zeros((len(region_of), len(idx)))
    for k, ix in enumerate(region_of.values()):
        region_avg[k, ix] = 1.0 / len(ix)
    group_avg = np.zeros((len(groups), len(idx)))
    for k, (_, ix) in enumerate(groups):
        group_avg[k, ix] = 1.0 / len(ix)
    pts = lm[idx].astype(np.float64)
    xy = (np.clip(np.round(pts[:, 0]), 0, w - 1).astype(np.intp), np.clip(np.round(pts[:, 1]), 0, h - 1).astype(np.intp))
    st = lm[list(STABLE_FLOW_POINTS)].astype(np.float64)
    inside = (st[:, 0] >= r) & (st[:, 0] < w - r) & (st[:, 1] >= r) & (st[:, 1] < h - r)
    st = st[inside]
    st_xy = (np.round(st[:, 0]).astype(np.intp), np.round(st[:, 1]).astype(np.intp))
    return _Geometry(iod, right, up, 2 * r + 1, pts, xy, np.array(side, dtype=np.float64), region_of, groups,
                     motion_groups, region_avg, group_avg, st, st_xy,
                     _normalised_shape(lm, right, up, iod))


def _fit_similarity(p: np.ndarray, v: np.ndarray, tol: float) -> np.ndarray:
    """Robust least-squares similarity (a, b, tx, ty) with p + v ~= [[a, -b], [b, a]] p + t.

    Two re-weighting rounds drop points whose residual exceeds max(2.5 x median residual, tol), so a stable
    point that facial action does move (or that the flow got wrong) does not tilt the fit."""
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


def _rigid_flow(params: np.ndarray, p: np.ndarray) -> np.ndarray:
    a, b, tx, ty = params
    return np.column_stack([(a - 1) * p[:, 0] - b * p[:, 1] + tx, b * p[:, 0] + (a - 1) * p[:, 1] + ty])


def normalise_illumination(grey: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    """Local contrast normalisation (subtract a Gaussian-blurred mean, divide by the local standard deviation)
    so that a global or smooth lighting change does not look like motion to the flow. Returns uint8."""
    g = grey.astype(np.float32)
    mean = cv2.GaussianBlur(g, (0, 0), sigma)
    hp = g - mean
    std = np.sqrt(cv2.GaussianBlur(hp * hp, (0, 0), sigma))
    # The floor keeps flat skin flat instead of amplifying sensor noise into texture.
    out = hp / np.maximum(std, 6.0)
    return np.clip(out * 48.0 + 128.0, 0, 255).astype(np.uint8)


# --- the estimator ----------------------------------------------------------------------------------------
@dataclass
class _Track:
    ref: np.ndarray  # normalised grey reference image
    geom: _Geometry
    age: int = 0
    history: deque = field(default_factory=deque)  # recent feature vectors, for the stillness test
    shapes: deque = field(default_factory=deque)  # subsampled landmark shapes, for the typical-face median
    median_shape: np.ndarray | None = None
    frames: int = 0
    presence: dict[int, int] = field(default_factory=lambda: {a: 0 for a in AUS})


class AUEstimator:
    """Per-track AU activations relative to a robustly updated neutral reference frame.

    Reference policy (per track): the first frame is the reference. Later, the reference is replaced by the
    current frame only when the face has been still for `still_s` (region displacements varied by less than
    `still_tol` IOD) AND the current landmark shape is at least as typical as the reference's, "typical" being
    the median shape over the last `typical_s` seconds: so a track that starts mid-expression moves to the
    neutral face once that dominates, lighting drift is absorbed during still neutral stretches, and a brief
    expression never becomes the baseline. `set_reference` fixes a reference by hand (per-person neutral).
    """

    def __init__(
        self,
        flow: str = "dis",
        fps: float = 30.0,
        still_s: float = 1.0,
        still_tol: float = 0.012,
        typical_s: float = 30.0,
        typical_tol: float = 0.02,
        auto_reference: bool = True,
        normalise: bool = True,
    ) -> None:
        if not (np.isfinite(fps) and fps > 0):
            raise InputError(f"fps: must be a positive number, got {fps}")
        self.flow = FlowComputer(flow)
        self.fps = float(fps)
        self.still_frames = max(2, int(round(still_s * fps)))
        self.still_tol = float(still_tol)
        self.typical_tol = float(typical_tol)
        self._shape_every = max(1, int(round(fps / 4)))  # 4 shapes per second feed the median
        self._shape_len = max(4, int(round(typical_s * 4)))
        self.auto_reference = bool(auto_reference)
        self.normalise = bool(normalise)
        self._tracks: dict[int, _Track] = {}

    # -- public ------------------------------------------------------------------------------------------
    def update(self, track_id: int, aligned: AlignedLike) -> AUActivation:
        """AU activations of one aligned face of track `track_id` (the first face of a track becomes its
        reference and reads all zeros)."""
        img, lm = self._check(aligned)
        t = self._tracks.get(track_id)
        if t is None:
            t = self._tracks[track_id] = self._new_track(img, lm)
            t.frames = 1
            self._push_shape(t, t.geom.shape)
            return self._activation(t, {a: 0.0 for a in AUS}, 0.0)
        t.frames += 1
        t.age += 1
        disp, motion, feat = self._measure(t, img)
        act = self._activation(t, disp, motion)
        if self.auto_reference:
            self._maybe_refresh(t, img, lm, feat)
        return act

    def set_reference(self, track_id: int, aligned: AlignedLike) -> None:
        """Use this face as the track's neutral reference from now on (a per-person baseline); with
        `auto_reference=False` it is never replaced."""
        img, lm = self._check(aligned)
        old = self._tracks.get(track_id)
        t = self._new_track(img, lm)
        if old is not None:
            t.frames, t.shapes, t.median_shape, t.presence = old.frames, old.shapes, old.median_shape, old.presence
        self._tracks[track_id] = t

    def forget(self, track_id: int) -> None:
        """Drop a track's state (its face left for good)."""
        self._tracks.pop(track_id, None)

    def reset(self) -> None:
        self._tracks.clear()

    @property
    def track_ids(self) -> list[int]:
        return sorted(self._tracks)

    # -- internals ---------------------------------------------------------------------------------------
    def _check(self, aligned: AlignedLike) -> tuple[np.ndarray, np.ndarray]:
        img = np.asarray(getattr(aligned, "image", None))
        lm = np.asarray(getattr(aligned, "landmarks", None), dtype=np.float64)
        if img.ndim == 3 and img.shape[2] == 3:
            img = cv2.cvtColor(np.ascontiguousarray(img, dtype=np.uint8), cv2.COLOR_RGB2GRAY)
        if img.ndim != 2 or min(img.shape) < 32:
            raise InputError(f"aligned face: expected a grey (S, S) image with S >= 32, got shape {img.shape}")
        if img.dtype != np.uint8:
            scale = 255.0 if img.size and float(np.nanmax(img)) <= 1.0 else 1.0
            img = np.clip(np.nan_to_num(img.astype(np.float32) * scale), 0, 255).astype(np.uint8)
        if lm.shape != (L.N_LANDMARKS, 2) or not np.all(np.isfinite(lm)):
            raise InputError(f"aligned face: expected finite ({L.N_LANDMARKS}, 2) landmarks, got shape {lm.shape}")
        if self.normalise:
            img = normalise_illumination(img)
        return np.ascontiguousarray(img), lm

    def _new_track(self, img: np.ndarray, lm: np.ndarray) -> _Track:
        return _Track(ref=img, geom=_geometry(lm, img.shape), history=deque(maxlen=self.still_frames),
                      shapes=deque(maxlen=self._shape_len))

    def _measure(self, t: _Track, img: np.ndarray) -> tuple[dict[int, float], float, np.ndarray]:
        g = t.geom
        if img.shape != t.ref.shape:
            raise InputError(f"aligned face: size changed from {t.ref.shape} to {img.shape} within one track")
        flow = self.flow(t.ref, img)
        fb = cv2.blur(flow, (g.ksize, g.ksize))
        v_st = fb[g.stable_xy[1], g.stable_xy[0]].astype(np.float64)
        params = _fit_similarity(g.stable, v_st, tol=0.01 * g.iod)
        v = fb[g.xy[1], g.xy[0]].astype(np.float64) - _rigid_flow(params, g.pts)
        comp = np.column_stack([(v @ g.right) * g.side, v @ g.up]) / g.iod  # (out, up) per point, IOD units
        region_means = g.region_avg @ comp
        feats = dict(zip(g.region_of, region_means, strict=True))
        # Per-side mean vectors (image axes) for motion and stillness, so left and right do not cancel.
        vecs = (g.group_avg @ v) / g.iod
        mags = np.hypot(vecs[:, 0], vecs[:, 1])
        motion = float(mags[g.motion_groups].mean()) / UNIT_IOD
        return rules(feats), motion, vecs.reshape(-1)

    def _activation(self, t: _Track, disp: dict[int, float], motion: float) -> AUActivation:
        intensity: dict[int, float] = {}
        for a in AUS:
            val = float(np.clip(disp[a] / UNIT_IOD, 0.0, MAX_INTENSITY))
            intensity[a] = val
            on = t.presence[a]
            t.presence[a] = int(val >= PRESENCE_ON or (on and val >= PRESENCE_OFF))
        return AUActivation(intensity, dict(t.presence), float(motion), {a: float(disp[a]) for a in AUS}, t.age)

    def _push_shape(self, t: _Track, shape: np.ndarray) -> None:
        t.shapes.append(shape)
        t.median_shape = np.median(np.stack(t.shapes), axis=0)

    def _maybe_refresh(self, t: _Track, img: np.ndarray, lm: np.ndarray, feat: np.ndarray) -> None:
        right, up, iod = _face_axes(lm)
        shape = _normalised_shape(lm, right, up, iod)
        if t.frames % self._shape_every == 0:
            self._push_shape(t, shape)
        t.history.append(feat)
        if len(t.history) < self.still_frames:
            return
        h = np.stack(t.history)
        if float(np.abs(h - h.mean(axis=0)).max()) > self.still_tol:
            return  # not still: an expression or head movement is under way
        med = t.median_shape if t.median_shape is not None else shape
        dev_now = _shape_deviation(shape, med)
        dev_ref = _shape_deviation(t.geom.shape, med)
        if dev_now <= max(dev_ref, self.typical_tol):
            fresh = self._new_track(img, lm)
            t.ref, t.geom, t.age = fresh.ref, fresh.geom, 0
            t.history.clear()
