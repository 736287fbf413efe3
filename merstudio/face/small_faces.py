"""Faces too small in the frame for Face Mesh's own detector, found on tiles and followed in crops.

Face Mesh looks for faces with MediaPipe's short-range detector, which sees the whole frame at 128 px: measured,
it finds no face of 13 % of the frame's height or less (a 96-px face in 1280x720, a 193-px face in 3840x2160)
and 1 of the 5 faces of a 1000x667 group photo. Here MediaPipe's full-range detector looks at the frame and, on a
frame larger than TILE px, at overlapping TILE-px tiles of it (a face of MIN_FACE_PX is then ~8 px at the
detector's 192-px input, near its limit). The mesh then runs on a square crop around each face found, scaled so
the face fills about half of it as the mesh expects, and its landmarks map back to frame pixels. A face so found is
followed crop by crop until it is lost or the full-frame mesh sees it, by a crop mesh of its own that its owner
lends (merstudio.face.detector: in video mode a tracking mesh on a window that follows the face).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

import cv2
import numpy as np

from merstudio.face.boxes import Box
from merstudio.face.mp_import import mediapipe
from merstudio.native_logs import native_logs_filtered

if TYPE_CHECKING:
    from merstudio.face.detector import FaceObservation

TILE = 768            # px: frames larger than this are also searched in tiles of this size
TILE_OVERLAP = 0.25   # of a tile: a face on a tile edge is whole in the next tile
MIN_FACE_PX = 32      # detector box side below which a face is too small for landmarks worth having
CROP_SIZE = 256       # px: the crop the mesh sees
CROP_SCALE = 1.8      # crop side / face box side (the face fills about half the crop)
MAX_MISSES = 3        # consecutive frames a followed face may go unseen before it is dropped
SEARCH_EVERY = 30     # frames between searches in video mode (1 s at 30 fps; the first frame always searches)


class CropFitter(Protocol):
    """A mesh on the crop around a box: the face at its centre, in frame pixels, or None."""

    def fit(self, rgb: np.ndarray, box: Box) -> FaceObservation | None: ...


class CropFitters(Protocol):
    """Lends a CropFitter to each followed face (it may keep state about that face) and takes it back."""

    def acquire(self) -> CropFitter: ...

    def release(self, fitter: CropFitter) -> None: ...


@dataclass(frozen=True)
class Crop:
    """A square part of a frame scaled to `size` px: frame = crop pixel * scale + (x0, y0)."""

    x0: int
    y0: int
    scale: float
    size: int


def crop_square(rgb: np.ndarray, cx: float, cy: float, side: float, size: int = CROP_SIZE) -> tuple[np.ndarray, Crop]:
    """The square of `side` px centred on (cx, cy), scaled to size x size; parts outside the frame are black."""
    h, w = rgb.shape[:2]
    s = max(int(math.ceil(side)), 8)
    x0, y0 = int(round(cx - s / 2)), int(round(cy - s / 2))
    sub = rgb[max(y0, 0):min(y0 + s, h), max(x0, 0):min(x0 + s, w)]
    pad = (max(0, -y0), max(0, y0 + s - h), max(0, -x0), max(0, x0 + s - w))
    if sub.size == 0:
        sub = np.zeros((s, s, 3), np.uint8)
    elif any(pad):
        sub = cv2.copyMakeBorder(sub, *pad, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    interp = cv2.INTER_AREA if s > size else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(sub, (size, size), interpolation=interp)), Crop(x0, y0, s / size, size)


def tiles(w: int, h: int, tile: int = TILE, overlap: float = TILE_OVERLAP) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) of the whole frame, then, for a frame larger than `tile`, a grid of overlapping tiles."""
    out = [(0, 0, w, h)]
    if max(w, h) <= tile:
        return out
    step = tile * (1.0 - overlap)

    def starts(n: int) -> list[int]:
        if n <= tile:
            return [0]
        k = math.ceil((n - tile) / step) + 1
        return [round(i * (n - tile) / (k - 1)) for i in range(k)]

    out += [(x, y, min(x + tile, w), min(y + tile, h)) for y in starts(h) for x in starts(w)]
    return out


def centre_inside(box: Box, other: Box) -> bool:
    """Whether the centre of `box` lies inside `other`."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return other[0] <= cx <= other[2] and other[1] <= cy <= other[3]


def detections_in(detector: Any, rgb: np.ndarray,
                  windows: list[tuple[int, int, int, int]]) -> list[tuple[Any, Box, tuple[int, int]]]:
    """What a MediaPipe FaceDetection finds in each window (x0, y0, x1, y1) of `rgb` (the whole frame, `tiles`):
    (the detection, its box in the frame's pixels, the window's width and height, which its relative keypoints
    are of)."""
    out = []
    for x0, y0, x1, y1 in windows:
        tw, th = x1 - x0, y1 - y0
        for d in detector.process(np.ascontiguousarray(rgb[y0:y1, x0:x1])).detections or []:
            b = d.location_data.relative_bounding_box
            box = (x0 + b.xmin * tw, y0 + b.ymin * th, x0 + (b.xmin + b.width) * tw, y0 + (b.ymin + b.height) * th)
            out.append((d, box, (tw, th)))
    return out


def merged(boxes: list[Box]) -> list[int]:
    """Which of `boxes` (indexes, in their order) stay when one whose centre lies inside a box kept before it, or
    that holds the centre of one, is taken for the same face seen again (overlapping tiles): the caller orders
    them."""
    kept: list[int] = []
    for i, box in enumerate(boxes):
        if not any(centre_inside(box, boxes[k]) or centre_inside(boxes[k], box) for k in kept):
            kept.append(i)
    return kept


@dataclass
class _Followed:
    box: Box          # last seen face box (landmark extent), frame px
    fitter: CropFitter
    misses: int = 0


class SmallFaces:
    """Finds faces the full-frame mesh misses and follows them in crops (see the module docstring).

    Not thread-safe, like the detector that owns it."""

    def __init__(self, fitters: CropFitters, min_confidence: float = 0.5, search_every: int = SEARCH_EVERY,
                 min_face_px: int = MIN_FACE_PX) -> None:
        self.fitters = fitters
        self.min_confidence = float(min_confidence)
        self.search_every = int(search_every)
        self.min_face_px = int(min_face_px)
        self._followed: list[_Followed] = []
        self._since_search: int | None = None  # None: search on the next frame
        self._finder: Any = None
        self.stats = {"searches": 0, "tiles": 0, "crops": 0}

    def reset(self) -> None:
        """Forget the followed faces (a seek); the next frame searches afresh."""
        for f in self._followed:
            self.fitters.release(f.fitter)
        self._followed = []
        self._since_search = None

    def close(self) -> None:
        if self._finder is not None:
            self._finder.close()
            self._finder = None

    def search(self, rgb: np.ndarray) -> list[Box]:
        """Face boxes (x0, y0, x1, y1) from the full-range detector over the frame and its tiles, duplicates merged."""
        if self._finder is None:
            mp = mediapipe()

            from merstudio.face.detector import started

            with native_logs_filtered():
                self._finder = started(mp.solutions.face_detection.FaceDetection(
                    model_selection=1, min_detection_confidence=self.min_confidence))
        h, w = rgb.shape[:2]
        windows = tiles(w, h)
        self.stats["searches"] += 1
        self.stats["tiles"] += len(windows)
        found = [box for _, box, _ in detections_in(self._finder, rgb, windows)
                 if min(box[2] - box[0], box[3] - box[1]) >= self.min_face_px]
        # the largest first: a face cut by a tile's edge gives a smaller box inside the whole face's, and joins it
        found.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
        return [found[i] for i in merged(found)]

    def update(self, rgb: np.ndarray, faces: list[FaceObservation], max_faces: int) -> list[FaceObservation]:
        """The faces found in crops this frame, beside `faces` (the full-frame mesh's observations, which take
        over a followed face they cover)."""
        out: list[FaceObservation] = []
        kept: list[_Followed] = []
        for f in self._followed:
            if any(centre_inside(f.box, o.bbox) for o in faces):  # the full-frame mesh has it now
                self.fitters.release(f.fitter)
                continue
            obs = self._follow(rgb, f.box, faces + out, f.fitter)
            if obs is not None:
                out.append(obs)
                kept.append(_Followed(obs.bbox, f.fitter))
            elif f.misses + 1 < MAX_MISSES:
                kept.append(_Followed(f.box, f.fitter, f.misses + 1))
            else:
                self.fitters.release(f.fitter)
                self._since_search = None  # lost (moved fast, or turned away): look for it again at once
        self._followed = kept
        due = self._since_search is None or self._since_search + 1 >= self.search_every
        self._since_search = 0 if due else (self._since_search or 0) + 1
        if due and len(faces) + len(out) < max_faces:
            known = [o.bbox for o in faces + out] + [f.box for f in self._followed]
            for box in self.search(rgb):
                if len(faces) + len(out) >= max_faces:
                    break
                if any(centre_inside(box, k) for k in known):
                    continue
                fitter = self.fitters.acquire()
                obs = self._follow(rgb, box, faces + out, fitter)
                if obs is None:
                    self.fitters.release(fitter)
                    continue
                out.append(obs)
                self._followed.append(_Followed(obs.bbox, fitter))
                known.append(obs.bbox)
        return out

    def _follow(self, rgb: np.ndarray, box: Box, others: list[FaceObservation],
                fitter: CropFitter) -> FaceObservation | None:
        self.stats["crops"] += 1
        obs = fitter.fit(rgb, box)
        if obs is None or any(centre_inside(obs.bbox, o.bbox) for o in others):
            return None
        return replace(obs, cropped=True)


def crop_for(box: Box) -> tuple[float, float, float]:
    """Centre and side of the crop around a face box."""
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, CROP_SCALE * max(box[2] - box[0], box[3] - box[1])


__all__ = ["SmallFaces", "CropFitter", "CropFitters", "crop_square", "crop_for", "tiles", "centre_inside", "Crop"]
