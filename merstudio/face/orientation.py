"""Footage that is not upright: a camera mounted upside down, a phone held sideways whose file carries no rotation
flag, a photo scanned the wrong way round.

MediaPipe's face detector finds a face at any roll, but its key points assume an upright face beyond about 90°:
on the real clip turned 180° the mesh was fitted as if the face were upright (head pose roll 0), and the smile
read as a frown (AU12 0, AU15 1.1, AU4 1.2). A still photograph turned 90° fails the same way. The fix is a
player's rotate: the frames are turned by quarter turns before the faces are found, and the landmarks are turned
back, so that every output stays in the file's own pixel coordinates (the overlay, the landmark columns, the
boxes) and the head pose reads the roll the camera really saw.

Which turn: the short-range face detector's best score on a few frames spread over the whole input (the same
frames for every segment of a split run), at each of the four turns. An upright face scores 0.90-0.96 on the
faces we have, turned 180° 0.58-0.80 and 90° 0.59-0.91; the input is turned only when another turn beats
leaving it as it is by TURN_MARGIN on average and scores TURN_MIN_SCORE (on upright inputs no other turn came
within 0.01 above; a group photo of small faces, which scores about 0.6 at best, is left as it is).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

TURN_MARGIN = 0.1  # mean detector score a turn must gain over none to be used
TURN_MIN_SCORE = 0.8  # ... and reach: a face seen clearly upright (a group of small faces scores ~0.6: left alone)
TURN_SAMPLES = 5  # frames looked at, spread over the input
TURNS = (0, 90, 180, 270)  # degrees clockwise the frames are turned to make the faces upright

_T = TypeVar("_T")


def turn(rgb: np.ndarray, degrees: int) -> np.ndarray:
    """The frame turned clockwise by `degrees` (a multiple of 90)."""
    k = (degrees // 90) % 4
    return rgb if k == 0 else np.ascontiguousarray(np.rot90(rgb, -k))


def unturn_points(pts: np.ndarray, degrees: int, width: int, height: int) -> np.ndarray:
    """Points (N, 2+) found in a frame turned clockwise by `degrees`, back in the coordinates of the original
    frame (width x height). Pixel centres at +0.5, as MediaPipe's normalised coordinates put them."""
    k = (degrees // 90) % 4
    if k == 0:
        return pts
    out = np.array(pts, copy=True)
    x, y = pts[:, 0], pts[:, 1]
    if k == 1:  # turned clockwise: the original's left column is the turned frame's top row
        out[:, 0], out[:, 1] = y, height - x
    elif k == 2:
        out[:, 0], out[:, 1] = width - x, height - y
    else:
        out[:, 0], out[:, 1] = width - y, x
    return out


def unturn_observation(obs: _T, degrees: int, width: int, height: int) -> _T:
    """A FaceObservation found in a turned frame, in the original frame's coordinates (landmarks, refined mesh,
    box; the relative depth z is the same)."""
    if (degrees // 90) % 4 == 0:
        return obs
    o: Any = obs
    lm = unturn_points(o.landmarks, degrees, width, height)
    refined = unturn_points(o.refined, degrees, width, height) if o.refined is not None else None
    (x0, y0), (x1, y1) = lm[:, :2].min(axis=0), lm[:, :2].max(axis=0)
    return dataclasses.replace(o, landmarks=lm, refined=refined,
                               bbox=(float(x0), float(y0), float(x1), float(y1)))


def choose_turn(frames: Iterable[np.ndarray], detector: Any = None) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the faces of these frames upright: the turn whose mean best
    detection score beats no turn by TURN_MARGIN and reaches TURN_MIN_SCORE, else 0. `detector`: a MediaPipe
    FaceDetection (made here when None)."""
    own = detector is None
    if own:
        import mediapipe as mp

        from merstudio.face.detector import started
        from merstudio.native_logs import native_logs_filtered

        with native_logs_filtered():
            detector = started(mp.solutions.face_detection.FaceDetection(model_selection=0,
                                                                         min_detection_confidence=0.3))
    try:
        scores = []
        for rgb in frames:
            row = []
            for deg in TURNS:
                res = detector.process(turn(np.ascontiguousarray(rgb), deg))
                row.append(max((float(d.score[0]) for d in res.detections or []), default=0.0))
            scores.append(row)
    finally:
        if own:
            detector.close()
    if not scores:
        return 0
    mean = np.mean(np.array(scores), axis=0)
    best = int(np.argmax(mean))
    return TURNS[best] if mean[best] - mean[0] >= TURN_MARGIN and mean[best] >= TURN_MIN_SCORE else 0


def sample_frames(frame_count: int, n: int = TURN_SAMPLES) -> list[int]:
    """`n` frame indices spread evenly over the input (its middle for n = 1, frame 0 for a photo)."""
    if frame_count <= 0:
        return []
    n = min(n, frame_count)
    return sorted({int((k + 0.5) * frame_count / n) for k in range(n)})
