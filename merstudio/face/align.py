"""Per-track alignment of a face to the canonical face: a similarity transform (translation, rotation, uniform
scale) estimated each frame from STABLE_POINTS, smoothed over time per track with a one-euro filter.

Only points that facial action does not move (eye corners, nose bridge) drive the transform, so head motion is
removed while brows, lids and mouth keep their own motion in the aligned image. docs/face.md has the details.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.face.detector import check_rgb
from merstudio.face.landmarks import N_LANDMARKS, STABLE_POINTS
from merstudio.face.template import mean_shape

CANONICAL_SIZE = 128
ALIGNED_SIZE = CANONICAL_SIZE  # the name DEVELOPERS.md uses
# Placement of the mean shape in the aligned crop, as fractions of its size: eye centres at x = 0.33 and 0.67,
# eye line at y = 0.38. Then the brows lie near y = 0.25, the mouth corners near 0.68 and the chin near 0.95.
EYE_Y = 0.38
EYE_DISTANCE = 0.34

_STABLE = list(STABLE_POINTS)
# The smoothing counts time in ticks of 1/REFERENCE_FPS s, so that its lag in seconds is the same at any frame rate
# (counted in frames, it halved at 60 fps and doubled at 15, and with it the aligned image's lag that the
# micro-motion lane reads) and a 30 fps input's transform is the one the parameters were chosen on, to the bit (one
# frame is one tick).
REFERENCE_FPS = 30.0
# A gap between two frames' times within this of a whole number of frames at the input's nominal rate is that many
# frames: the container's rounding of the times (an mkv's whole milliseconds: 33, 34, 33 ms at 30 fps) and float
# noise then leave the filter's steps, and so a constant-rate input's transforms, as when the frames were counted.
# Well under a variable-rate video's steps from the mean rate its header gives (38.7 ms against 33.3).
SNAP_S = 0.0011


def canonical_landmarks(size: int = CANONICAL_SIZE) -> np.ndarray:
    """The canonical face's 468 landmarks (float64 (468, 2)) in the pixel coordinates of a size x size aligned
    image: where each mesh point of a neutral, frontal face lands after alignment (use it to place AU regions)."""
    shape = mean_shape()
    eye_centre_y = float(shape[_STABLE[:4], 1].mean())
    return (shape - np.array([0.0, eye_centre_y])) * (EYE_DISTANCE * size) + np.array([0.5, EYE_Y]) * size


def canonical_stable_points(size: int = CANONICAL_SIZE) -> np.ndarray:
    """The STABLE_POINTS of the canonical face (float64 (6, 2)) in aligned pixel coordinates."""
    return canonical_landmarks(size)[_STABLE]


def estimate_similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (no reflection) mapping points src (N, 2) onto dst (N, 2); returns 2x3."""
    s = src[:, 0] + 1j * src[:, 1]
    d = dst[:, 0] + 1j * dst[:, 1]
    sc, dc = s - s.mean(), d - d.mean()
    denom = float(np.sum(np.abs(sc) ** 2))
    if denom <= 1e-12:
        raise InputError("landmarks: the stable points coincide; cannot align this face")
    a = np.sum(dc * np.conj(sc)) / denom  # scale * e^(i * angle)
    b = d.mean() - a * s.mean()
    return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag]])


def apply_matrix(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points (N, 2) mapped by a 2x3 affine matrix."""
    return pts @ matrix[:, :2].T + matrix[:, 2]


@dataclass(frozen=True)
class AlignedFace:
    image: np.ndarray  # grey uint8 (size, size)
    landmarks: np.ndarray  # (468, 2) float32, in aligned pixel coordinates
    matrix: np.ndarray  # 2x3 float64 similarity, frame pixels -> aligned pixels (the smoothed one)
    rgb: np.ndarray | None = None  # RGB uint8 (size, size, 3) when FaceAligner(keep_rgb=True)
    # RMS distance (aligned pixels) of this frame's stable points from the canonical ones under `matrix`: large
    # values mean a bad fit (strong head turn, landmark failure) or lag of the smoothing during fast motion.
    residual: float = 0.0


class OneEuro:
    """One-euro filter (Casiez et al., CHI 2012) on a vector, with time `dt` measured in ticks (FaceAligner: of
    1/REFERENCE_FPS s): smooth when the signal is still (cutoff `min_cutoff` per tick), following quickly when it
    moves (cutoff grows by `beta` per unit/tick)."""

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float = 0.07) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.x: np.ndarray | None = None
        self.dx: np.ndarray | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
        tau = 1.0 / (2 * math.pi * np.maximum(cutoff, 1e-9))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, dt: float = 1.0) -> np.ndarray:
        if self.x is None or self.dx is None:
            self.x, self.dx = x.copy(), np.zeros_like(x)
            return self.x.copy()
        dx = (x - self.x) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        self.dx = a_d * dx + (1 - a_d) * self.dx
        a = self._alpha(self.min_cutoff + self.beta * np.abs(self.dx), dt)
        self.x = a * x + (1 - a) * self.x
        return self.x.copy()


@dataclass
class _TrackState:
    filt: OneEuro
    unit: float  # aligned pixels per frame pixel when the track started: puts all parameters in aligned pixels
    last_frame: int | None = None
    last_time: float | None = None  # seconds, where align() was given the frame's time
    angle: float = 0.0


class FaceAligner:
    """Aligns each track's face to the canonical face.

    smoothing: 0 = use each frame's transform as is; s in (0, 1) = while the head is still, each new frame
    contributes a fraction 1 - s to the transform (exponential smoothing), rising towards 1 as the head moves
    (one-euro filter; `beta` says how fast, per aligned pixel/frame of motion). The defaults cut the transform's
    frame-to-frame jitter by more than half and lag under 0.4 aligned pixels at 1.6 px/frame (docs/face.md).

    fps: the input's (nominal) frame rate. Smoothing, `beta` and `max_gap` are stated per frame at REFERENCE_FPS
    (30) and the filter runs on the frames' time, so that its lag in seconds is the same at any rate: at 60 fps a
    new frame contributes less, at 15 fps more, and a face may be missed for max_gap / 30 s (1/6 s) before the
    smoothing restarts. Without the frames' own times (align's time_s) the time is frame_index / fps, which a
    variable-rate video's mean rate gets wrong. None: REFERENCE_FPS.
    """

    def __init__(self, size: int = CANONICAL_SIZE, smoothing: float = 0.7, beta: float = 1.0,
                 keep_rgb: bool = False, max_gap: int = 5, fps: float | None = None) -> None:
        if size < 32:
            raise InputError(f"size: the aligned face needs at least 32 pixels, got {size}")
        if not 0.0 <= smoothing < 1.0:
            raise InputError(f"smoothing: must be in [0, 1), got {smoothing}")
        if fps is not None and not (isinstance(fps, int | float) and math.isfinite(fps) and fps > 0):
            raise InputError(f"fps: must be a positive number of frames per second, got {fps!r}")
        self.size = int(size)
        self.fps = REFERENCE_FPS if fps is None else float(fps)
        # ticks of 1/REFERENCE_FPS s per frame: exactly 1.0 at 30 fps, so those inputs are smoothed as before
        self.ticks_per_frame = 1.0 if fps is None else REFERENCE_FPS / float(fps)
        self.smoothing = float(smoothing)
        self.beta = float(beta)
        self.keep_rgb = keep_rgb
        self.max_gap = int(max_gap)
        self._dst = canonical_stable_points(self.size)
        self._dst_centre = self._dst.mean(axis=0)
        self._tracks: dict[int, _TrackState] = {}

    # -- state -------------------------------------------------------------------------------------------------
    def reset(self, track_id: int | None = None) -> None:
        """Forget the smoothing state of one track, or of all (after a seek)."""
        if track_id is None:
            self._tracks.clear()
        else:
            self._tracks.pop(track_id, None)

    def _min_cutoff(self) -> float:
        # A still signal is smoothed as x <- a*x_new + (1-a)*x with a = 1 - smoothing; invert the one-euro alpha.
        a = 1.0 - self.smoothing
        return a / max(1.0 - a, 1e-9) / (2 * math.pi)

    # -- the transform -----------------------------------------------------------------------------------------
    def raw_matrix(self, landmarks: np.ndarray) -> np.ndarray:
        """This frame's unsmoothed frame -> aligned similarity (2x3) from the stable points."""
        return estimate_similarity(landmarks[_STABLE].astype(np.float64), self._dst)

    def _ticks(self, st: _TrackState, frame_index: int | None, time_s: float | None) -> float | None:
        """Ticks (1/REFERENCE_FPS s) from the track's last frame to this one, or None where its state says nothing
        about this frame: a seek (back), or the face gone longer than max_gap ticks."""
        if frame_index is not None and st.last_frame is not None and frame_index <= st.last_frame:
            return None
        if time_s is not None and st.last_time is not None:
            gap_s = time_s - st.last_time
            if not gap_s > 0:
                return None
            frames = round(gap_s * self.fps)
            if frames >= 1 and abs(gap_s - frames / self.fps) <= min(SNAP_S, 0.25 / self.fps):
                ticks = frames * self.ticks_per_frame  # whole frames at the nominal rate: counted as they were
            else:  # a variable-rate step (a hole too); to the microtick, so that 5/30 s is 5 ticks, not 5 + 1e-15,
                ticks = max(round(gap_s * REFERENCE_FPS, 6), 1e-6)  # and never 0 (the filter divides by it)
        elif frame_index is not None and st.last_frame is not None:
            ticks = (frame_index - st.last_frame) * self.ticks_per_frame
        else:
            return self.ticks_per_frame  # nothing to tell the gap by: the next frame
        return None if ticks > self.max_gap else ticks

    def _smoothed(self, track_id: int, raw: np.ndarray, src_centre: np.ndarray,
                  frame_index: int | None, time_s: float | None = None) -> np.ndarray:
        scale = math.hypot(raw[0, 0], raw[1, 0])
        angle = math.atan2(raw[1, 0], raw[0, 0])
        st = self._tracks.get(track_id)
        ticks = self.ticks_per_frame
        if st is not None:
            step = self._ticks(st, frame_index, time_s)
            if step is None:
                st = None  # a seek or a long absence: the old state says nothing about this frame
            else:
                ticks = step
        if st is None or self.smoothing == 0.0:
            st = _TrackState(OneEuro(self._min_cutoff(), self.beta), unit=scale)
            self._tracks[track_id] = st
        angle = st.angle + math.remainder(angle - st.angle, 2 * math.pi)  # unwrap
        half = self.size / 2
        # The transform as (where the stable-point centre is in the frame, log scale, angle), each in aligned
        # pixels of displacement it causes, so that one cutoff/beta suits all four.
        v = np.array([src_centre[0] * st.unit, src_centre[1] * st.unit, math.log(scale) * half, angle * half])
        if self.smoothing > 0.0:
            v = st.filt(v, dt=ticks)
        st.last_frame, st.last_time = frame_index, time_s
        st.angle = float(v[3] / half)
        if frame_index is not None and frame_index % 1000 == 0:
            # Tracks long gone (their ids are never reused) would otherwise pile up over a long video.
            self._tracks = {k: s for k, s in self._tracks.items()
                            if s.last_frame is None or abs(frame_index - s.last_frame) <= 1000}
        cx, cy = v[0] / st.unit, v[1] / st.unit
        s, th = math.exp(v[2] / half), v[3] / half
        a = np.array([[s * math.cos(th), -s * math.sin(th)], [s * math.sin(th), s * math.cos(th)]])
        t = self._dst_centre - a @ np.array([cx, cy])
        return np.column_stack([a, t])

    def align(self, track_id: int, landmarks: np.ndarray, rgb: np.ndarray,
              frame_index: int | None = None, time_s: float | None = None) -> AlignedFace:
        """Align one face. landmarks: (468, 2) frame pixels (FaceObservation.landmarks); rgb: the whole frame.

        Give frame_index where you have it: a non-consecutive index (a seek, or the face gone more than max_gap
        frames) restarts the track's smoothing instead of blending unrelated frames. Give time_s (the frame's time,
        seconds; FrameSource.timestamp) too on a video: the filter then steps by the frames' own times, so that a
        variable-rate video is smoothed as its frames were shown (not at its header's mean rate), and a hole longer
        than max_gap / 30 s restarts the smoothing as a missing face does."""
        rgb = check_rgb(rgb)
        landmarks = np.asarray(landmarks, dtype=np.float64)
        if landmarks.shape != (N_LANDMARKS, 2) or not np.all(np.isfinite(landmarks)):
            raise InputError(f"landmarks: expected finite ({N_LANDMARKS}, 2) pixel coordinates, got {landmarks.shape}")
        raw = self.raw_matrix(landmarks)
        if time_s is not None and not math.isfinite(time_s):
            raise InputError(f"time_s: the frame's time must be a finite number of seconds, got {time_s!r}")
        matrix = self._smoothed(track_id, raw, landmarks[_STABLE].mean(axis=0), frame_index,
                                None if time_s is None else float(time_s))
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        dsize = (self.size, self.size)
        # Replicated borders: a black edge inside the crop would look like a moving edge to optical flow.
        image = cv2.warpAffine(grey, matrix, dsize, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        colour = None
        if self.keep_rgb:
            colour = cv2.warpAffine(rgb, matrix, dsize, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        pts = apply_matrix(matrix, landmarks)
        residual = float(np.sqrt(np.mean(np.sum((pts[_STABLE] - self._dst) ** 2, axis=1))))
        return AlignedFace(image, pts.astype(np.float32), matrix, colour, residual)
