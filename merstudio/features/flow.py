"""Dense optical flow between two grey images (OpenCV DIS, Farneback, TV-L1) and optical strain.

Creating an OpenCV flow object costs far more than running it on a 128x128 face, so `FlowComputer` keeps one
object per method and `compute_flow` reuses a per-thread cached instance (OpenCV algorithm objects are not
safe to share between threads).

Methods (`FLOW_METHODS`):
- ``dis``       DIS optical flow tuned for small aligned faces: MEDIUM preset but estimated down to full
                resolution (finest scale 0, patch 8 px, stride 4, 2 variational refinement iterations):
                ~1.5-2 ms on a 128x128 face on one core; the default. The stock preset stops at half resolution
                and there loses about half of a 2-3 px local movement (measured on synthetic AU warps).
- ``dis_fast``  DIS, stock FAST preset: ~0.2 ms, coarse (underestimates small local motion several-fold).
- ``farneback`` polynomial-expansion flow (3 levels, 15 px window): ~2 ms.
- ``tvl1``      Dual TV-L1 (opencv-contrib ``cv2.optflow``): the most accurate, ~100+ ms; a setting for offline work.

An analysis (`merstudio analyze --flow`, `merstudio spotting --flow`) offers `ANALYSIS_FLOW_METHODS`, all but
``dis_fast``; every method is a model input a checkpoint may record, which inference computes whatever the
analysis' own flow, and `merstudio datasets prepare --flow` fills the cache with. Both lists are defined in
merstudio.names (with why dis_fast is not an analysis' flow), where the command line's parsers read them without cv2.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.names import ANALYSIS_FLOW_METHODS as ANALYSIS_FLOW_METHODS
from merstudio.names import FLOW_METHODS as FLOW_METHODS


def _check_method(method: str) -> str:
    m = str(method).strip().lower().replace("-", "_")
    if m not in FLOW_METHODS:
        raise InputError(f"flow method '{method}': unknown (choose one of {', '.join(FLOW_METHODS)})")
    return m


class FlowComputer:
    """A reusable dense flow estimator for one method: ``fc(prev, nxt) -> (H, W, 2) float32`` (dx, dy in pixels,
    defined on `prev`'s grid: the content at p in `prev` is at p + flow(p) in `nxt`)."""

    def __init__(self, method: str = "dis") -> None:
        self.method = _check_method(method)
        self._impl: cv2.DenseOpticalFlow | None
        if self.method == "dis":
            dis = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
            dis.setFinestScale(0)
            dis.setPatchSize(8)
            dis.setPatchStride(4)
            dis.setVariationalRefinementIterations(2)
            self._impl = dis
        elif self.method == "dis_fast":
            self._impl = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        elif self.method == "tvl1":
            if not hasattr(cv2, "optflow"):
                raise InputError("flow method 'tvl1': needs opencv-contrib-python (cv2.optflow is missing)")
            self._impl = cv2.optflow.DualTVL1OpticalFlow.create()
        else:
            self._impl = None  # Farneback is a plain function

    def __call__(self, prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
        a, b = as_grey_u8(prev, "flow: prev"), as_grey_u8(nxt, "flow: nxt")
        if a.shape != b.shape:
            raise InputError(f"flow: image shapes differ ({a.shape} vs {b.shape})")
        if a.shape[0] < 8 or a.shape[1] < 8:
            raise InputError(f"flow: images of {a.shape} are too small (need at least 8x8)")
        if self._impl is None:
            flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
        else:
            flow = self._impl.calc(a, b, None)  # type: ignore[call-overload]  # cv2's stub omits flow=None
        return np.asarray(flow, dtype=np.float32)


def as_grey_u8(img: np.ndarray, what: str = "image") -> np.ndarray:
    """Grey uint8 (H, W) from grey or RGB, uint8 or float (0..1 floats are scaled); InputError otherwise."""
    a = np.asarray(img)
    if a.ndim == 3 and a.shape[2] == 3:
        a = cv2.cvtColor(np.ascontiguousarray(a, dtype=np.uint8), cv2.COLOR_RGB2GRAY)
    if a.ndim != 2:
        raise InputError(f"{what} must be a grey (H, W) or RGB (H, W, 3) image, got shape {a.shape}")
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating) and a.size and float(np.nanmax(a)) <= 1.0:
            a = a * 255.0  # float images in 0..1
        a = np.clip(np.nan_to_num(a), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a)


_local = threading.local()


def flow_computer(method: str = "dis") -> FlowComputer:
    """The calling thread's cached `FlowComputer` for `method`."""
    m = _check_method(method)
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    if m not in cache:
        cache[m] = FlowComputer(m)
    return cache[m]


def compute_flow(prev: np.ndarray, nxt: np.ndarray, method: str = "dis") -> np.ndarray:
    """Dense flow (H, W, 2) float32 from `prev` to `nxt` (grey uint8; RGB and 0..1 floats are converted), with `prev`
    first brought to `nxt`'s brightness (match_brightness): the learned model's flow (its inputs in training and per
    frame, its motion and release gates)."""
    a = as_grey_u8(prev, "flow: prev")
    b = as_grey_u8(nxt, "flow: nxt")
    return flow_computer(method)(match_brightness(a, b), b)


def match_brightness(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Grey uint8 `a` scaled so that its mean is `b`'s. A change of light between two frames (flicker, an exposure
    step) is not motion, yet flow reads it as some: the bundled demo's 7.5 Hz, 12 % flicker gave windows 0.05-0.07 of
    strain over the AU regions, twice its quiet windows and above the face's motion gate (a composite-trained model
    then read 8 of those frames as negative or positive); matched, 0.03-0.045, as quiet, while the windows of its
    expressions change by 3 % at most. A gain, not an offset: light scales what the skin reflects."""
    ma, mb = float(a.mean()), float(b.mean())
    if not ma > 0 or ma == mb:
        return a
    return np.clip(np.rint(a.astype(np.float32) * (mb / ma)), 0, 255).astype(np.uint8)


def optical_strain(flow: np.ndarray) -> np.ndarray:
    """Magnitude of the infinitesimal strain tensor of a flow field, (H, W) float32.

    With u, v the flow components: e_xx = du/dx, e_yy = dv/dy, e_xy = (du/dy + dv/dx) / 2 and
    |e| = sqrt(e_xx^2 + e_yy^2 + 2 e_xy^2) (the Frobenius norm; the usual "optical strain" of the
    micro-expression literature). Rigid translation gives 0; a pure rotation gives 0 as well (its
    antisymmetric part is not strain).
    """
    f = np.asarray(flow, dtype=np.float32)
    if f.ndim != 3 or f.shape[2] != 2 or f.shape[0] < 2 or f.shape[1] < 2:
        raise InputError(f"optical_strain: expected a (H, W, 2) flow with H, W >= 2, got shape {f.shape}")
    du_dy, du_dx = np.gradient(f[..., 0])
    dv_dy, dv_dx = np.gradient(f[..., 1])
    exy = 0.5 * (du_dy + dv_dx)
    return np.sqrt(du_dx * du_dx + dv_dy * dv_dy + 2.0 * exy * exy).astype(np.float32)
