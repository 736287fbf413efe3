"""Small synthetic clips for pipeline and CLI tests (public-domain astronaut face, known AU12 movement)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

W, H, FPS = 320, 240, 30
AU12_FRAMES = range(30, 38)  # onset..offset of the smile


@lru_cache(maxsize=1)
def _face() -> tuple[np.ndarray, np.ndarray]:
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    img = data.astronaut()[20:260, 120:360]  # the face, 240x240
    img = cv2.resize(img, (200, 200))
    canvas = np.full((H, W, 3), 90, np.uint8)
    canvas[20:220, 60:260] = img
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(canvas)
    assert faces, "test face not found"
    return canvas, faces[0].landmarks


def write_clip(path: Path, n: int = 60, blank: range = range(0), au12: float = 3.0) -> Path:
    """A clip of one still face with an AU12 ramp in AU12_FRAMES and blank (no face) frames in `blank`."""
    from merstudio.synth.warps import au_displacement, warp

    canvas, lm = _face()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    first, last = AU12_FRAMES.start, AU12_FRAMES.stop - 1
    apex = (first + last) // 2
    for i in range(n):
        img = canvas
        if i in blank:
            img = np.full_like(canvas, 90)
        elif first <= i <= last:
            amp = au12 * (1 - abs(i - apex) / (apex - first + 1))
            img = warp(canvas, au_displacement(lm, canvas.shape[:2], {12: amp}))
        writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def write_warped_frames(folder: Path, names: list[str], warps: tuple[tuple[int, int], ...]) -> Path:
    """Frame images `names` (in order) of one still face with an AU12 rise and fall over each (first, last) position
    of `warps`: a long video with known micro-movements for the spotting tests."""
    from merstudio.synth.warps import au_displacement, warp

    canvas, lm = _face()
    folder.mkdir(parents=True, exist_ok=True)
    for pos, name in enumerate(names):
        img = canvas
        for a, b in warps:
            if a <= pos <= b:
                apex = (a + b) // 2
                img = warp(canvas, au_displacement(lm, canvas.shape[:2], {12: 3.0 * (1 - abs(pos - apex) /
                                                                                     (apex - a + 1))}))
        assert cv2.imwrite(str(folder / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return folder


def write_frame_images(video: Path, folder: Path, pattern: str, start: int = 0, limit: int | None = None) -> int:
    """The video's frames, as OpenCV decodes them, written into `folder` (made) as pattern.format(k) for k = start,
    start + 1, ... (the first `limit` frames where given): how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    cap = cv2.VideoCapture(str(video))
    written = 0
    while limit is None or written < limit:
        ok, img = cap.read()
        if not ok:
            break
        cv2.imwrite(str(folder / pattern.format(start + written)), img)
        written += 1
    cap.release()
    return written


def grey_image(path: Path, w: int = 32, h: int = 24) -> Path:
    """A flat grey (120) w x h image file at `path` (its folders made), in the format its suffix names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((h, w, 3), 120, np.uint8))
    return path


def noise_clip(path: Path, seed: int) -> Path:
    """A small MJPG clip (6 frames, 64x48, 25 fps) of its own random pictures: a video whose content differs by seed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    for _ in range(6):
        w.write(rng.integers(0, 255, (48, 64, 3), np.uint8))
    w.release()
    return path
