"""Synthetic facial motion: FACS-like AU displacement fields, head motion, blinks, lighting and sensor noise.

Everything works on one still face image and its 468 Face Mesh landmarks (pixel x/y, from
`merstudio.face.detector.FaceMeshDetector`). Used by the bundled demo clip and the synthetic training sets.

Conventions
-----------
- A displacement field is float32 ``(H, W, 2)``: ``[..., 0]`` = dx, ``[..., 1]`` = dy in pixels, defined in the
  coordinates of the *source* image. ``warp(image, d)`` moves the content at source point ``p`` to ``p + d(p)``
  ("points move BY the displacement"). It is a backward warp (cv2.remap) whose sampling map is the inverse of
  ``p -> p + d(p)``, found by a short fixed-point iteration (exact to well under 0.1 px for these smooth fields).
- Directions are in the *face frame*, not the image frame, so they stay right on a rotated head:
  ``right`` = unit vector from the subject's right eye centre to the left eye centre (image left -> right for a
  frontal face), ``up`` = ``right`` rotated by -90 degrees in image coordinates (towards the forehead).
  "In" means towards the face midline, "out" away from it.
- Unit: amplitude 1.0 moves the centre of each AU's main handle by ``AU_UNIT`` (4 %) of the inter-ocular
  distance D (eye centre to eye centre); e.g. about 2.8 px at D = 70 px. That is a clear but micro-sized movement.
  Amplitudes scale linearly (0 = identity) and several AUs add up.

AU directions (magnitudes in AU_UNIT for amplitude 1.0)
-------------------------------------------------------
AU1  inner brow raiser   inner brow points up 1.0 (outer brow 0.3)
AU2  outer brow raiser   outer brow points up 1.0 (middle 0.6)
AU4  brow lowerer        whole brow down 0.7; inner brow additionally in 0.8 (brows down and together)
AU5  upper lid raiser    upper lid up 1.0
AU6  cheek raiser        infraorbital cheek up 1.0, lower lid up 0.6
AU7  lid tightener       lower lid up 1.0, upper lid down 0.5 (aperture narrows)
AU9  nose wrinkler       nose wings up 1.0, upper lip up 0.4, inner brow down 0.3
AU10 upper lip raiser    upper lip (philtrum and lip peaks) up 1.0, nose wings up 0.3
AU12 lip corner puller   mouth corners up 0.6 and out 0.8 (oblique, magnitude 1.0), cheek up 0.3
AU14 dimpler             mouth corners in 0.9 (tightened back), up 0.1
AU15 lip corner depressor mouth corners down 1.0, out 0.2
AU17 chin raiser         chin boss up 1.0, lower lip up 0.5

Each handle is an isotropic Gaussian (sigma a fraction of D) around a landmark; within one AU the handles
are blended (normalised where they overlap) so a handle's centre moves by about its vector (close opposing
handles, AU7's lids, share: the upper lid moves ~0.25 down), and the AUs add.
The eye corners and the nose bridge (`STABLE_POINTS`, used for alignment) are pinned: the field is
multiplied by a mask that is 0 exactly there and ~1 beyond 15 % of D, as these points barely move in real AUs.
Fields stay fold-free (a one-to-one warp) up to amplitude 1.5 per AU (tested); 2 folds AU5 near the eye corners.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.face import landmarks as L

AU_UNIT = 0.04  # displacement of an AU's main handle at amplitude 1.0, as a fraction of inter-ocular distance
SUPPORTED_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17)


@dataclass(frozen=True)
class FaceFrame:
    """The face's own axes (unit vectors in image coordinates) and scale, from its landmarks."""

    right: np.ndarray  # subject's right eye -> left eye
    up: np.ndarray  # towards the forehead
    iod: float  # inter-ocular distance (eye centres), pixels
    centre: np.ndarray  # mean of the stable points (eyes + nose bridge)


def face_frame(landmarks: np.ndarray) -> FaceFrame:
    """Face axes and inter-ocular distance from (468, 2) landmarks."""
    lm = _check_landmarks(landmarks)
    r_eye = lm[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(axis=0)
    l_eye = lm[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(axis=0)
    v = l_eye - r_eye
    iod = float(np.hypot(*v))
    if iod < 4.0:
        raise InputError(f"landmarks: inter-ocular distance {iod:.1f} px is too small for a face")
    right = v / iod
    up = np.array([right[1], -right[0]])
    centre = lm[list(L.STABLE_POINTS)].mean(axis=0)
    return FaceFrame(right=right, up=up, iod=iod, centre=centre)


def _check_landmarks(landmarks: np.ndarray) -> np.ndarray:
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.shape != (L.N_LANDMARKS, 2) or not np.all(np.isfinite(lm)):
        raise InputError(f"landmarks: expected finite ({L.N_LANDMARKS}, 2) array, got shape {lm.shape}")
    return lm


# Landmark groups beyond the named points of face/landmarks.py (Face Mesh indices, subject's right then left).
_R_UPPER_LID = (159, 158, 160)
_L_UPPER_LID = (386, 385, 387)
_R_LOWER_LID = (145, 144, 153)
_L_LOWER_LID = (374, 373, 380)
_R_CHEEK_HIGH = (50, 101, 118)
_L_CHEEK_HIGH = (280, 330, 347)
_UPPER_LIP = (L.UPPER_LIP_OUTER, 37, 267, L.UPPER_LIP_INNER)
_LOWER_LIP = (L.LOWER_LIP_OUTER, 84, 314)
_CHIN_BOSS = (L.CHIN_BOSS, 175, 200)

_MIRROR = {
    L.R_BROW_INNER: L.L_BROW_INNER,
    66: 296,
    105: 334,
    63: 293,
    L.R_BROW_OUTER: L.L_BROW_OUTER,
    L.R_NOSE_WING: L.L_NOSE_WING,
    L.R_MOUTH_CORNER: L.L_MOUTH_CORNER,
    L.R_CHEEK: L.L_CHEEK,
    **dict(zip(_R_UPPER_LID, _L_UPPER_LID, strict=True)),
    **dict(zip(_R_LOWER_LID, _L_LOWER_LID, strict=True)),
    **dict(zip(_R_CHEEK_HIGH, _L_CHEEK_HIGH, strict=True)),
}


def _sym(idx: tuple[int, ...], out: float, up: float, sigma: float) -> list[tuple[int, float, float, float]]:
    """Handles on the subject's right side and their mirror images; `out` = away from the midline, which is
    -right on the subject's right side and +right on the left."""
    handles = []
    for i in idx:
        handles.append((i, -out, up, sigma))
        handles.append((_MIRROR[i], out, up, sigma))
    return handles


def _mid(idx: tuple[int, ...], up: float, sigma: float) -> list[tuple[int, float, float, float]]:
    return [(i, 0.0, up, sigma) for i in idx]


# Per AU: list of (landmark, right, up, sigma/D), with `right` in face-frame units (positive = towards the
# subject's left). `_sym(idx, out, up, s)` takes "out" (away from the midline) for convenience.
_HANDLES: dict[int, list[tuple[int, float, float, float]]] = {
    1: _sym((L.R_BROW_INNER, 66), 0.0, 1.0, 0.12) + _sym((L.R_BROW_OUTER,), 0.0, 0.3, 0.12),
    2: _sym((63, L.R_BROW_OUTER), 0.0, 1.0, 0.12) + _sym((105,), 0.0, 0.6, 0.12),
    4: _sym((L.R_BROW_INNER, 66), -0.8, -0.7, 0.12) + _sym((105, 63, L.R_BROW_OUTER), 0.0, -0.7, 0.12),
    5: _sym(_R_UPPER_LID, 0.0, 1.0, 0.09),
    6: _sym(_R_CHEEK_HIGH, 0.0, 1.0, 0.14) + _sym(_R_LOWER_LID, 0.0, 0.6, 0.07),
    7: _sym(_R_LOWER_LID, 0.0, 1.0, 0.08) + _sym(_R_UPPER_LID, 0.0, -0.5, 0.08),
    9: _sym((L.R_NOSE_WING,), 0.0, 1.0, 0.12) + _mid(_UPPER_LIP, 0.4, 0.10) + _sym((L.R_BROW_INNER,), 0.0, -0.3, 0.1),
    10: _mid(_UPPER_LIP, 1.0, 0.10) + _sym((L.R_NOSE_WING,), 0.0, 0.3, 0.10),
    12: _sym((L.R_MOUTH_CORNER,), 0.8, 0.6, 0.12) + _sym((L.R_CHEEK,), 0.0, 0.3, 0.14),
    14: _sym((L.R_MOUTH_CORNER,), -0.9, 0.1, 0.10),
    15: _sym((L.R_MOUTH_CORNER,), 0.2, -1.0, 0.12),
    17: _mid(_CHIN_BOSS, 1.0, 0.14) + _mid(_LOWER_LIP, 0.5, 0.10),
}


def au_handles(landmarks: np.ndarray, aus: Mapping[int, float]) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """The Gaussian handles of the requested AUs as (point (2,), displacement (2,) px, sigma px), grouped
    in the order of `aus`. Exposed so tests and the demo can predict where a landmark goes."""
    return [h for group in _au_groups(landmarks, aus) for h in group]


def _au_groups(
    landmarks: np.ndarray, aus: Mapping[int, float]
) -> list[list[tuple[np.ndarray, np.ndarray, float]]]:
    lm = _check_landmarks(landmarks)
    ff = face_frame(lm)
    unit = AU_UNIT * ff.iod
    groups = []
    for au, amp in aus.items():
        if int(au) not in _HANDLES:
            raise InputError(f"aus: AU{au} is not supported (supported: {', '.join(map(str, SUPPORTED_AUS))})")
        amp = float(amp)
        if not np.isfinite(amp):
            raise InputError(f"aus: amplitude of AU{au} is not finite")
        if amp == 0.0:
            continue
        group = []
        for idx, r, u, s in _HANDLES[int(au)]:
            vec = amp * unit * (r * ff.right + u * ff.up)
            group.append((lm[idx].copy(), vec, s * ff.iod))
        groups.append(group)
    return groups


def au_displacement(landmarks: np.ndarray, shape: tuple[int, int], aus: Mapping[int, float]) -> np.ndarray:
    """Smooth displacement field (H, W, 2) float32 in pixels for AU amplitudes `aus` ({AU: amplitude}).

    `shape` is the image's (H, W) (extra trailing dims are ignored). Amplitude 1.0 = the micro-sized movement
    documented in the module docstring; negative amplitudes reverse the motion.
    """
    h, w = int(shape[0]), int(shape[1])
    if h <= 0 or w <= 0:
        raise InputError(f"shape: expected a positive (H, W), got {tuple(shape)}")
    field = np.zeros((h, w, 2), dtype=np.float32)
    groups = _au_groups(landmarks, aus)
    for group in groups:
        field += _blend_group(group, h, w)
    if groups:
        _pin(field, _check_landmarks(landmarks))
    return field


def _pin(field: np.ndarray, lm: np.ndarray) -> None:
    """Hold the alignment points (eye corners, nose bridge) still: multiply the field by
    prod_k (1 - exp(-r_k^2 / 2 s^2)), s = 6 % of D, which is 0 at each point and ~1 beyond 2.5 s."""
    ff = face_frame(lm)
    s = 0.06 * ff.iod
    h, w = field.shape[:2]
    for p in lm[list(L.STABLE_POINTS)]:
        patch = _gaussian_patch(p, s, h, w)
        if patch is not None:
            box, g = patch
            field[box] *= (1.0 - g)[..., None]


def _gaussian_patch(p: np.ndarray, sigma: float, h: int, w: int) -> tuple[tuple[slice, slice], np.ndarray] | None:
    """exp(-r^2 / 2 sigma^2) around point p (x, y) in its 4-sigma box clipped to the (h, w) image: (the box's
    (rows, columns) slices, the weights); None when the box lies outside the image. Beyond 4 sigma the weight is
    below 4e-4: computing it only in the box keeps a handle's cost independent of the image size."""
    r = int(np.ceil(4 * sigma))
    x0, x1 = max(int(p[0]) - r, 0), min(int(p[0]) + r + 1, w)
    y0, y1 = max(int(p[1]) - r, 0), min(int(p[1]) + r + 1, h)
    if x0 >= x1 or y0 >= y1:
        return None
    xs = np.arange(x0, x1, dtype=np.float32) - np.float32(p[0])
    ys = np.arange(y0, y1, dtype=np.float32) - np.float32(p[1])
    g = np.exp(-(ys[:, None] ** 2 + xs[None, :] ** 2) / np.float32(2 * sigma * sigma))
    return (slice(y0, y1), slice(x0, x1)), g


def handles_displacement(
    handles: list[tuple[np.ndarray, np.ndarray, float]], shape: tuple[int, int]
) -> np.ndarray:
    """Displacement field (H, W, 2) of custom Gaussian handles [(point (2,), vector (2,) px, sigma px)], blended
    like one AU's handles (normalised where they overlap). Used e.g. for identity (face shape) warps."""
    return _blend_group(handles, int(shape[0]), int(shape[1]))


def sample_field(field: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The displacement (N, 2) at sub-pixel points (N, 2), bilinear (0 outside the image)."""
    p = np.asarray(points, dtype=np.float32).reshape(1, -1, 2)
    out = cv2.remap(field, p[..., 0], p[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return out.reshape(-1, 2).astype(np.float64)


def _blend_group(group: list[tuple[np.ndarray, np.ndarray, float]], h: int, w: int) -> np.ndarray:
    """Sum of Gaussian-weighted vectors, normalised where handles overlap (sum of weights > 1) so that
    neighbouring handles of one AU do not pile up. Computed only in each handle's 4-sigma box."""
    num = np.zeros((h, w, 2), dtype=np.float32)
    den = np.zeros((h, w), dtype=np.float32)
    for p, vec, sigma in group:
        patch = _gaussian_patch(p, sigma, h, w)
        if patch is None:
            continue
        box, g = patch
        num[box] += g[..., None] * vec.astype(np.float32)
        den[box] += g
    return num / np.maximum(den, 1.0)[..., None]


def warp(image: np.ndarray, displacement: np.ndarray, border: int = cv2.BORDER_REFLECT101) -> np.ndarray:
    """Move image content BY `displacement`: the pixel at source point p lands at p + d(p).

    Backward warp with cv2.remap: for each output pixel y we need the source x with x + d(x) = y, found by the
    fixed-point iteration x <- y - d(x) (3 steps; converges because these fields are smooth, |grad d| < 1).
    """
    img = np.asarray(image)
    d = np.asarray(displacement, dtype=np.float32)
    if d.shape != (*img.shape[:2], 2):
        raise InputError(f"displacement: shape {d.shape} does not match image {img.shape[:2]} (expected (H, W, 2))")
    if not np.any(d):
        return img.copy()
    h, w = img.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    mx, my = gx - d[..., 0], gy - d[..., 1]
    for _ in range(2):
        dd = cv2.remap(d, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        mx, my = gx - dd[..., 0], gy - dd[..., 1]
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=border)


def similarity_matrix(
    centre: tuple[float, float] | np.ndarray, dx: float, dy: float, angle_deg: float, scale: float
) -> np.ndarray:
    """2x3 forward matrix: rotate by `angle_deg` (counter-clockwise on screen) and scale about `centre`,
    then translate by (dx, dy) pixels. Apply to points as ``pts @ M[:, :2].T + M[:, 2]``."""
    if not (np.isfinite(scale) and scale > 0):
        raise InputError(f"scale: must be a positive number, got {scale}")
    # float64 already; asarray only tells the type checker (cv2 types it as any numeric array)
    m = np.asarray(cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), float(angle_deg), float(scale)),
                   dtype=np.float64)
    m[:, 2] += (dx, dy)
    return m


def head_motion(
    image: np.ndarray,
    dx: float,
    dy: float,
    angle_deg: float,
    scale: float,
    centre: tuple[float, float] | np.ndarray | None = None,
    border: int = cv2.BORDER_REPLICATE,
) -> np.ndarray:
    """Whole-image similarity (rigid head motion) about `centre` (default: image centre; pass the face centre,
    e.g. `face_frame(lm).centre`). Same output size; uncovered borders replicate the edge (plain backgrounds)."""
    img = np.asarray(image)
    h, w = img.shape[:2]
    c = (w / 2.0, h / 2.0) if centre is None else centre
    m = similarity_matrix(c, dx, dy, angle_deg, scale)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=border)


def transform_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Apply a 2x3 affine matrix to (N, 2) points."""
    p = np.asarray(points, dtype=np.float64)
    return p @ matrix[:, :2].T + matrix[:, 2]


def _eye_geometry(lm: np.ndarray, outer: int, inner: int, upper: int, lower: int):
    """Eye centre, unit axis along the eye, unit 'up' normal, half width, upper/lower lid heights."""
    c = (lm[outer] + lm[inner]) / 2.0
    axis = lm[inner] - lm[outer]
    a = float(np.hypot(*axis)) / 2.0
    axis = axis / max(2 * a, 1e-6)
    up = np.array([axis[1], -axis[0]])
    if (lm[upper] - lm[lower]) @ up < 0:  # eye axis direction depends on the side; 'up' must face the brow
        up = -up
    h_u = max(float((lm[upper] - c) @ up), 0.5)
    h_l = max(float((c - lm[lower]) @ up), 0.5)
    return c, axis, up, a, h_u, h_l


_EYES = (
    (L.R_EYE_OUTER, L.R_EYE_INNER, L.R_EYE_UPPER, L.R_EYE_LOWER),
    (L.L_EYE_OUTER, L.L_EYE_INNER, L.L_EYE_UPPER, L.L_EYE_LOWER),
)


def _blink_knots(t_rel: np.ndarray, p: np.ndarray, h_u: float, h_l: float, c: float):
    """Per-pixel knots of the lid map along the eye's 'up' axis: the aperture [t_l, t_u] (lid curve
    p = 1 - (u/a)^2) is squeezed towards the meeting line 20 % above the lower lid; skin within a margin m
    outside it follows linearly. Returns (src knots, dst knots), each a list of 4 arrays."""
    t_u, t_l = h_u * p, -h_l * p
    o = t_u - t_l
    m = 0.6 * (h_u + h_l) + 1.0
    src = [t_l - m, t_l, t_u, t_u + m]
    dst = [t_l - m, t_l + 0.2 * c * o, t_u - 0.8 * c * o, t_u + m]
    return src, dst


def _pwl(x: np.ndarray, xs: list[np.ndarray], ys: list[np.ndarray]) -> np.ndarray:
    """Piecewise-linear map through per-pixel knots (xs increasing), identity outside [xs[0], xs[-1]]."""
    out = x.copy()
    for k in range(len(xs) - 1):
        x0, x1, y0, y1 = xs[k], xs[k + 1], ys[k], ys[k + 1]
        sel = (x >= x0) & (x < x1) & (x1 > x0)
        f = np.where(sel, (x - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0)
        out = np.where(sel, y0 + f * (y1 - y0), out)
    return out


def _blink_field(lm: np.ndarray, shape: tuple[int, int], closure: float, inverse: bool) -> np.ndarray:
    """Forward displacement (inverse=False) or backward sampling offset (inverse=True, source = out + offset)."""
    h, w = int(shape[0]), int(shape[1])
    field = np.zeros((h, w, 2), dtype=np.float32)
    # 0.97 at most: a fully degenerate squeeze has no inverse; 3 % of the aperture is invisible anyway.
    c = float(np.clip(closure, 0.0, 1.0)) * 0.97
    if c == 0.0:
        return field
    for outer, inner, upper, lower in _EYES:
        centre, axis, up, a, h_u, h_l = _eye_geometry(lm, outer, inner, upper, lower)
        r = int(np.ceil(a + 2 * (h_u + h_l) + 3))
        x0, x1 = max(int(centre[0]) - r, 0), min(int(centre[0]) + r + 1, w)
        y0, y1 = max(int(centre[1]) - r, 0), min(int(centre[1]) + r + 1, h)
        if x0 >= x1 or y0 >= y1:
            continue
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        rel = np.stack([xs - centre[0], ys - centre[1]], axis=-1)
        u, t = rel @ axis, rel @ up
        p = np.clip(1.0 - (u / a) ** 2, 0.0, None)
        src, dst = _blink_knots(t, p, h_u, h_l, c)
        t_new = _pwl(t, dst, src) if inverse else _pwl(t, src, dst)
        dt = (t_new - t)[..., None] * up
        field[y0:y1, x0:x1] += dt.astype(np.float32)
    return field


def blink_displacement(landmarks: np.ndarray, shape: tuple[int, int], closure: float) -> np.ndarray:
    """Eyelid closing as a forward displacement field: `closure` 0 = open, 1 = closed. Along each eye's
    normal, the upper lid comes down 80 % of the opening and the lower lid up 20 % (meeting at 1.0); the eye
    between them is squeezed, skin just outside follows. This strongly compressive field is not inverted
    well by `warp`'s fixed-point step near full closure: use `blink` to render it."""
    return _blink_field(_check_landmarks(landmarks), shape, closure, inverse=False)


def blink(image: np.ndarray, landmarks: np.ndarray, closure: float) -> np.ndarray:
    """The image with the eyes `closure` (0..1) closed (exact inverse of `blink_displacement`)."""
    img = np.asarray(image)
    off = _blink_field(_check_landmarks(landmarks), img.shape[:2], closure, inverse=True)
    if not np.any(off):
        return img.copy()
    h, w = img.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(img, gx + off[..., 0], gy + off[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)


def lighting(image: np.ndarray, gain: float = 1.0, bias: float = 0.0, gradient: float = 0.0) -> np.ndarray:
    """Global illumination change: out = in * (gain + gradient * x_norm) + bias, with x_norm in [-1, 1] across
    the width (a side light when `gradient` != 0). Clipped to uint8."""
    img = np.asarray(image, dtype=np.float32)
    w = img.shape[1]
    g = np.float32(gain) + np.float32(gradient) * np.linspace(-1.0, 1.0, w, dtype=np.float32)
    g = g[None, :, None] if img.ndim == 3 else g[None, :]
    return np.clip(img * g + np.float32(bias), 0, 255).round().astype(np.uint8)


def flicker_gain(frame: int, fps: float, start: int, length: int, depth: float = 0.15, hz: float = 8.0) -> float:
    """Gain of a lighting flicker (mains/monitor-like square-ish wave of `hz`) active in frames
    [start, start + length): alternates between 1 and 1 - depth; 1.0 outside."""
    if not (start <= frame < start + length):
        return 1.0
    phase = ((frame - start) / fps * hz) % 1.0
    return 1.0 - depth if phase < 0.5 else 1.0


def sensor_noise(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Additive Gaussian sensor noise of standard deviation `sigma` grey levels."""
    img = np.asarray(image, dtype=np.float32)
    noise = rng.standard_normal(img.shape, dtype=np.float32) * np.float32(sigma)
    return np.clip(img + noise, 0, 255).round().astype(np.uint8)
