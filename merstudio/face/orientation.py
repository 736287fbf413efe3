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
faces we have, turned 180° 0.58-0.80 and 90° 0.59-0.91; the input is turned when another turn beats
leaving it as it is by TURN_MARGIN on average and scores TURN_MIN_SCORE (on upright inputs no other turn came
within 0.01 above).

Faces of a group photo or a wide shot are too small for the short-range detector on the whole frame (faces of 17 %
of a 1600x700 photo's height score 0 at every turn, upright included). Where it sees no face clearly (it keeps the
frames as they are, and they score under TURN_MIN_SCORE), the full-range detector is asked: on the whole frames,
then, where that does not tell, on small_faces' 768-px tiles. It finds faces upright and hardly turned (the upright
photo: 0.94 / 0 / 0.67 / 0.66 at the four turns), but in a tile one face of a group on its side scored 0.9, as
the best upright face did; so a turn must beat no turn by TURN_MARGIN in the mean over as many faces as the turn
that finds most finds (a face it misses counting 0: 0.84 against 0.54 then), and its best face must score
TURN_MIN_SCORE. Measured on 48 photos of 2-5 faces of 15-20 % of the height (the astronaut, LFW faces,
the demo's frames; 1000x667 to 2400x1000, on grey and on pictures): none upright turned, 132 of the 144 turned
ones turned back, none the wrong way (before: none).

A face on its side often scores nearly as well as upright (the detector tolerates one direction of roll better
than the other: 0.91 against 0.96 on the real clip), so the score alone missed 18 of 38 sideways inputs. There
the detector's own key points say it: on the frames as they are, the direction from its mouth point to the
middle of its eye points lies 55-92° from up on a face lying on its side and within 20° on upright faces (which
includes a head turned 45° away). Past about 90° of roll they are not trusted (fitted as if upright: about 0° on
an upside-down face, and once +73° on a face rolled 120°), so the turn they point at must also score
TURN_MIN_SCORE, no worse than no turn, and within TURN_MARGIN / 2 of the best turn (docs/face.md: 32 of the 38
found, no upright input turned).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import numpy as np

from merstudio.face.mp_import import mediapipe
from merstudio.face.small_faces import TILE, detections_in, merged, tiles

TURN_MARGIN = 0.1  # mean detector score a turn must gain over none to be used
TURN_MIN_SCORE = 0.8  # ... and reach: a face seen clearly upright
TURN_SAMPLES = 5  # frames looked at, spread over the input
TURNS = (0, 90, 180, 270)  # degrees clockwise the frames are turned to make the faces upright
SIDEWAYS_ANGLE = 60.0  # degrees from up of the detector's mouth -> eyes direction that say the face lies on its side

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


def choose_turn(frames: Iterable[np.ndarray], detector: Any = None, finder: Any = None) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the faces of these frames upright: the turn whose mean best
    detection score beats no turn by TURN_MARGIN and reaches TURN_MIN_SCORE, else 0 (see the module's docstring).
    `detector`: a MediaPipe short-range FaceDetection, `finder`: a full-range one, for faces the first does not
    see (each made here when None, the finder only when needed)."""
    frames = [np.ascontiguousarray(f) for f in frames]
    if not frames:
        return 0
    with _detector(detector, model=0) as det:
        mean, _, angle = _scores(det, frames, tiled=False)
    deg = pick_turn(mean, angle)
    if deg or mean[0] >= TURN_MIN_SCORE:
        return deg
    # no face seen clearly upright nor turned: a group, a wide shot; the whole frames first, their tiles only
    # where that does not tell (module docstring)
    with _detector(finder, model=1) as det:
        for tiled in (False, True):
            if tiled and all(max(f.shape[:2]) <= TILE for f in frames):
                break  # no tiles: the whole frame was all there is
            best, group, _ = _scores(det, frames, tiled)
            k = int(np.argmax(group))  # the group's turn, if its best face is seen clearly
            if group[k] - group[0] >= TURN_MARGIN and best[k] >= TURN_MIN_SCORE:
                return TURNS[k]
            if best[0] >= TURN_MIN_SCORE:
                return 0
    return 0


@contextlib.contextmanager
def _detector(given: Any, model: int) -> Iterator[Any]:
    """`given`, or a MediaPipe FaceDetection (0: short-range, 1: full-range) made here and closed after."""
    if given is not None:
        yield given
        return
    mp = mediapipe()

    from merstudio.face.detector import started
    from merstudio.native_logs import native_logs_filtered

    with native_logs_filtered():
        det = started(mp.solutions.face_detection.FaceDetection(model_selection=model, min_detection_confidence=0.3))
    try:
        yield det
    finally:
        det.close()


def _scores(detector: Any, frames: list[np.ndarray], tiled: bool) -> tuple[np.ndarray, np.ndarray, float | None]:
    """The mean over the frames of the best detection score at each of TURNS (on the whole frame, and with
    `tiled` on its small_faces tiles too); the same with a frame's score at a turn the mean over as many faces as
    the turn that finds most finds, a face missed counting 0 (one face of a group seen on its side scores as well as
    an upright one: 0.9 in a 768-px tile); and the median up_angle of each frame's best face as it is."""
    scores, groups, angles = [], [], []
    for rgb in frames:
        found: list[list[float]] = []
        for deg in TURNS:
            img = turn(rgb, deg)
            h, w = img.shape[:2]
            # the best first: a face seen in two overlapping tiles counts once, at its best score
            faces = sorted(detections_in(detector, img, tiles(w, h) if tiled else [(0, 0, w, h)]),
                           key=lambda f: -float(f[0].score[0]))
            found.append([float(faces[i][0].score[0]) for i in merged([box for _, box, _ in faces])])
            if deg == 0 and faces:
                d, _, (tw, th) = faces[0]
                angles.append(up_angle(d, tw, th))
        n = max(1, max(len(f) for f in found))
        scores.append([max(f, default=0.0) for f in found])
        groups.append([sum(f[:n]) / n for f in found])
    return (np.mean(np.array(scores), axis=0), np.mean(np.array(groups), axis=0),
            float(np.median(angles)) if angles else None)


def up_angle(detection: Any, width: int, height: int) -> float:
    """Degrees from up (clockwise positive, in the image) of the direction from a MediaPipe face detection's mouth
    key point to the middle of its eye key points: ~0 on an upright face, ~+90 on a face whose top points right."""
    k = detection.location_data.relative_keypoints  # 0 right eye, 1 left eye, 2 nose tip, 3 mouth centre
    ex, ey = (k[0].x + k[1].x) / 2 * width, (k[0].y + k[1].y) / 2 * height
    return float(np.degrees(np.arctan2(ex - k[3].x * width, k[3].y * height - ey)))


def pick_turn(mean_scores: np.ndarray, angle: float | None) -> int:
    """The turn (degrees clockwise) from the mean best detector score at each of TURNS and the median up_angle of
    the frames as they are (None: no face there); see the module's docstring."""
    mean = np.asarray(mean_scores, dtype=float)
    if angle is not None and abs(angle) >= SIDEWAYS_ANGLE:
        k = TURNS.index(270 if angle > 0 else 90)  # a top pointing right is turned back anticlockwise
        if mean[k] >= TURN_MIN_SCORE and mean[k] >= mean[0] and mean[k] >= mean.max() - TURN_MARGIN / 2:
            return TURNS[k]
    best = int(np.argmax(mean))
    return TURNS[best] if mean[best] - mean[0] >= TURN_MARGIN and mean[best] >= TURN_MIN_SCORE else 0


def sample_frames(frame_count: int, n: int = TURN_SAMPLES) -> list[int]:
    """`n` frame indices spread evenly over the input (its middle for n = 1, frame 0 for a photo)."""
    if frame_count <= 0:
        return []
    n = min(n, frame_count)
    return sorted({int((k + 0.5) * frame_count / n) for k in range(n)})
