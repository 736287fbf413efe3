"""Which parts of a face are covered: by a hand (MediaPipe Hands, Apache-2.0, in the wheel, against the face mesh),
and over the mouth or the eyes by anything (a mask, dark glasses: judged from the lips' and the eyes' own contrast,
below).

The face mesh keeps fitting a plausible face under a hand (its points stay inside the image, and it exposes no
per-point visibility), so the AUs of a covered mouth would read confidently. We find hands and test the mesh
points of each face region against each hand's outline (the convex hull of its 21 points, widened by 15% for
the fingers' width). Hand detection costs about 10 ms per frame on one core, so while no hand is in view it runs
on every `every`-th frame (default 6: five times a second at 30 fps; a hand that arrives is seen within 0.2 s),
and on every frame while a hand is tracked.

Hands are looked for in a square window round the faces (`hand_window`) where the whole frame would show them
small: MediaPipe's palm detector sees its input at 192 px, and a real clip's hands at the face, found on 11 of 14
frames at full size, were found on 3 with the clip shrunk to half in the same frame and on none at a quarter. The
window stays put while the faces stay near its middle (tracking needs one image frame); when it moves, the tracker
forgets its hands and detects afresh there. A close-up, where the window would not show the hands at least
WINDOW_GAIN times as large, is looked at whole. Faces far apart (two people in a wide shot) get a window and a
hand tracker each (`hand_windows`; docs/aus.md, Occlusion).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np

from merstudio.face.boxes import Box
from merstudio.face.detector import SIZE_SLACK, WINDOW_SLACK, started
from merstudio.face.landmarks import (
    L_BROW,
    L_CHEEK,
    L_EYE_INNER,
    L_EYE_LOWER,
    L_EYE_OUTER,
    L_EYE_UPPER,
    L_MOUTH_CORNER,
    L_NOSE_WING,
    R_BROW,
    R_CHEEK,
    R_EYE_INNER,
    R_EYE_LOWER,
    R_EYE_OUTER,
    R_EYE_UPPER,
    R_MOUTH_CORNER,
    R_NOSE_WING,
)
from merstudio.face.mp_import import mediapipe
from merstudio.face.small_faces import Crop, crop_square
from merstudio.native_logs import native_logs_filtered

# Face regions as the AU table names them (merstudio.features.blendshape_aus), by mesh points.
REGION_POINTS: dict[str, tuple[int, ...]] = {
    "brows": (107, 66, 105, 63, 70, 336, 296, 334, 293, 300, 55, 285),
    "eyes": (33, 133, 159, 145, 160, 144, 263, 362, 386, 374, 387, 373),
    "nose": (1, 4, 5, 129, 358, 64, 294, 2, 98, 327),
    "mouth": (0, 13, 14, 17, 61, 291, 37, 267, 84, 314, 40, 270, 91, 321),
    "jaw": (152, 175, 199, 200, 208, 428, 148, 377),
}
COVERED_FRACTION = 0.3  # a region with this share of its points under a hand is covered
# Each side's own points (the subject's left / right, as in the AUxx_L / AUxx_R columns), keyed "<part>_<side>" beside
# the regions in the shares `outside_regions` gives: a sided AU reads each side from its half of the face, and one
# point of it beyond the frame's edge is that side guessed while its region's share stays small. The real smile
# clip leaning out over the left edge read AU20_R up to 5.0 (present) from a guessed lip corner with 21 % of the
# mouth's points out, and AU6 5.0 with one eye corner out (features.aus.SIDE_NEEDS says which AU needs which).
SIDE_POINTS: dict[str, tuple[int, ...]] = {
    "brows_L": L_BROW, "brows_R": R_BROW,
    "eyes_L": (L_EYE_OUTER, L_EYE_INNER, L_EYE_UPPER, L_EYE_LOWER),
    "eyes_R": (R_EYE_OUTER, R_EYE_INNER, R_EYE_UPPER, R_EYE_LOWER),
    "cheek_L": (L_CHEEK,), "cheek_R": (R_CHEEK,),
    "nose_L": (L_NOSE_WING,), "nose_R": (R_NOSE_WING,),
    "mouth_L": (L_MOUTH_CORNER,), "mouth_R": (R_MOUTH_CORNER,),
}
HAND_MARGIN = 0.75  # the hand window reaches this many face sizes beyond the faces on each side (0.5 found a little
# more on a real clip, hands over the mouth; a palm at the cheek or below the chin needs the room)
WINDOW_GAIN = 1.2  # look in a window only where it shows the hands at least this much larger than the whole frame

Window = tuple[float, float, float]  # centre x, centre y, side (frame pixels)
MAX_HAND_WINDOWS = 2  # hand trackers (a Hands graph each): two groups of faces far apart, e.g. both sides of a call
JOIN_RATIO = 1.5  # faces share a window while it is at most this much larger than their own (found up to 1.4x:
# a real clip's hands at the face were found about as often in a window 1.4 times the size, and not at all at 3.5)


def hand_window(shape: tuple[int, ...], faces: Sequence[Box]) -> Window | None:
    """The square to look for hands in: the faces' boxes with HAND_MARGIN face sizes round them; None (the whole
    frame) without faces, or where the square would not show the hands WINDOW_GAIN times larger than the frame."""
    if not faces:
        return None
    h, w = shape[:2]
    size = max(max(b[2] - b[0], b[3] - b[1]) for b in faces)
    x0, y0 = min(b[0] for b in faces), min(b[1] for b in faces)
    x1, y1 = max(b[2] for b in faces), max(b[3] for b in faces)
    side = max(x1 - x0, y1 - y0) + 2 * HAND_MARGIN * size
    if not (math.isfinite(side) and side > 0) or side * WINDOW_GAIN > max(w, h):
        return None
    return (x0 + x1) / 2, (y0 + y1) / 2, side


def hand_windows(shape: tuple[int, ...], faces: Sequence[Box]) -> list[Window | None]:
    """Where to look for hands: one window per group of neighbouring faces, a face joining its neighbour's group
    while their joint window stays within JOIN_RATIO of the larger of their own (people side by side share one,
    two people far apart in a wide shot get one each: a joint square there shows the hands as small as the whole
    frame does); with more groups than MAX_HAND_WINDOWS, one window round all the faces (`hand_window`: None, the
    whole frame, where it would not serve)."""
    if len(faces) < 2:
        return [hand_window(shape, faces)]
    groups: list[list[Box]] = []
    for b in sorted(faces, key=lambda b: (b[0] + b[2], b[1] + b[3])):  # left to right: neighbours join
        if groups and _joins(shape, groups[-1], b):
            groups[-1].append(b)
        else:
            groups.append([b])
    if len(groups) == 1 or len(groups) > MAX_HAND_WINDOWS:
        return [hand_window(shape, faces)]
    windows = [hand_window(shape, g) for g in groups]
    return [hand_window(shape, faces)] if None in windows else windows  # a close-up among them: as before


def _joins(shape: tuple[int, ...], group: list[Box], face: Box) -> bool:
    own, alone = hand_window(shape, group), hand_window(shape, [face])
    if own is None or alone is None:
        return True  # a close-up: no window serves it, the whole frame for all, as for one face
    joint = hand_window(shape, [*group, face])
    return joint is not None and joint[2] <= JOIN_RATIO * max(own[2], alone[2])


def _keeps(current: Window | None, wanted: Window | None) -> bool:
    """Whether the current window still serves: the same choice of whole frame, or faces near its middle at about
    its size (the detector's crop windows' rule)."""
    if current is None or wanted is None:
        return current is wanted
    return (math.hypot(wanted[0] - current[0], wanted[1] - current[1]) <= WINDOW_SLACK * current[2]
            and abs(wanted[2] / current[2] - 1) <= SIZE_SLACK)


class _Looker:
    """One hand tracker (a MediaPipe Hands graph) and the window it looks in; it tracks in that window's pixels."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.window: Window | None = None
        self.outlines: list[np.ndarray] = []
        self.shape: tuple[int, ...] | None = None  # the last image looked at, for forget()
        self.due = False  # look on the next frame whatever the schedule: it held hands when its window moved

    def move(self, window: Window | None) -> None:
        if self.outlines:
            self.forget()  # tracked in the old window's pixels (without hands the tracker holds nothing)
            self.due = True  # the hands are likely still there: look for them in the new window at once
        self.window = window

    def look(self, rgb: np.ndarray) -> None:
        crop: Crop | None = None
        if self.window is None:
            image = np.ascontiguousarray(rgb)
        else:
            image, crop = crop_square(rgb, *self.window, size=math.ceil(self.window[2]))
        self.shape = image.shape
        self.due = False
        h, w = image.shape[:2]
        res = self.graph.process(image)
        self.outlines = []
        for hand in res.multi_hand_landmarks or []:
            pts = np.array([(p.x * w, p.y * h) for p in hand.landmark], dtype=np.float32)
            if crop is not None:  # window pixels -> frame pixels
                pts = pts * np.float32(crop.scale) + np.array([crop.x0, crop.y0], np.float32)
            hull = cv2.convexHull(pts).reshape(-1, 2)
            c = hull.mean(axis=0)
            self.outlines.append(((hull - c) * 1.15 + c).astype(np.float32))

    def forget(self) -> None:
        """The next look runs the palm detector, as a new graph's first would. A blank frame through the same graph
        does it; rebuilding the graph instead leaves 25-30 MB of MediaPipe's native memory behind each time."""
        if self.shape is not None:
            self.graph.process(np.zeros(self.shape, dtype=np.uint8))
        self.outlines = []


class HandOcclusion:
    """Hands on each frame: looked for on multiples of `every` and, by each tracker, on every frame while it holds
    a hand; in the windows `hand_windows` picks (a second tracker only for faces far apart)."""

    def __init__(self, every: int = 6, min_confidence: float = 0.5) -> None:
        self.every = max(1, int(every))
        self.min_confidence = min_confidence
        self._lookers = [_Looker(self._graph())]
        self._in_use = 1  # lookers[:in_use] have a window this frame; the others are idle

    def _graph(self) -> Any:
        mp = mediapipe()

        with native_logs_filtered():  # TFLite/absl start-up lines, which users read as errors
            return started(mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=2, model_complexity=0,
                                                    min_detection_confidence=self.min_confidence,
                                                    min_tracking_confidence=0.5))

    def _place(self, wanted: list[Window | None]) -> None:
        """Give each wanted window a tracker: the one already looking there (it goes on tracking), else one that
        is free (it forgets its hands) or a new one; trackers left over forget theirs and idle."""
        free = list(self._lookers)
        placed: list[_Looker | None] = []
        for w in wanted:
            lk = next((lk for lk in free if lk in self._lookers[:self._in_use] and _keeps(lk.window, w)), None)
            if lk is not None:
                free.remove(lk)
            placed.append(lk)
        for k, w in enumerate(wanted):
            if placed[k] is None:
                lk = free.pop(0) if free else _Looker(self._graph())
                lk.move(w)
                placed[k] = lk
        for lk in free:
            if lk.outlines:
                lk.forget()
        self._lookers = [lk for lk in placed if lk is not None] + free
        self._in_use = len(wanted)

    def update(self, frame_index: int, rgb: np.ndarray, faces: Sequence[Box] = ()) -> list[np.ndarray]:
        """Hand outlines (convex polygons, (K, 2) float32 frame pixels) for this frame; `faces`: the boxes of the
        faces in it (frame pixels), which place the windows the hands are looked for in (module docstring)."""
        self._place(hand_windows(rgb.shape, faces))
        out: list[np.ndarray] = []
        for lk in self._lookers[:self._in_use]:
            if lk.outlines or lk.due or frame_index % self.every == 0:
                lk.look(rgb)
            out += lk.outlines
        return out

    def forget(self) -> None:
        """Forget the tracked hands (every tracker's): the next look detects afresh."""
        for lk in self._lookers:
            lk.forget()
            lk.window, lk.due = None, False
        self._in_use = 1

    def close(self) -> None:
        for lk in self._lookers:
            lk.graph.close()


def covered_regions(outlines: list[np.ndarray], mesh: np.ndarray) -> dict[str, float]:
    """Share (0..1) of each face region's points that lie under a hand outline. The sides (SIDE_POINTS) read 0: a
    hand is judged by region, its outline (the hull widened for the fingers) too rough to hide one point by; they are
    there for `outside_regions`' shares to be added in."""
    out = {r: 0.0 for r in (*REGION_POINTS, *SIDE_POINTS)}
    if not outlines:
        return out
    for region, idx in REGION_POINTS.items():
        pts = mesh[list(idx)]
        inside = np.zeros(len(pts), dtype=bool)
        for poly in outlines:
            inside |= np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in pts])
        out[region] = float(inside.mean())
    return out


def outside_regions(mesh: np.ndarray, size: tuple[int, int]) -> dict[str, float]:
    """Share (0..1) of each face region's points outside a frame of `size` (w, h): a face cut by the frame's edge,
    whose missing part the mesh guesses (a region COVERED_FRACTION or more outside reads unknown, as under a hand).
    Measured on 51 faces in 30 photographs: only the two cut by the edge have a region point outside.

    The brows take the mouth's share. A face cut off at the mouth is fitted differently in the half in view (its
    mid-face, nose and lower lids, a pixel or two off against the brows and eyes; 2-4° more pitch), which the
    blendshapes read as the brows moving: the real smile clip's neutral face read AU1 0.5-1.9 cut at the mouth or
    below the nose (cut at 240 px, the mouth's line: up to 3.05, AU2 1.06), under 0.5 cut at the chin; the NASA
    portrait's AU4 went 0.71 -> 0.02. No alignment or normaliser of ours is involved (the blendshape model sees the
    mesh only turned upright): the uncut lower face put on the cut mesh still read AU1 2.0.

    Each side of SIDE_POINTS reads 1.0 where any of its points lies outside (that side is guessed), else 0.0."""
    w, h = size
    pts = mesh[:, :2]
    inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    out = {r: float(1.0 - inside[list(idx)].mean()) for r, idx in REGION_POINTS.items()}
    out["brows"] = max(out["brows"], out["mouth"])
    out.update({side: 0.0 if inside[list(idx)].all() else 1.0 for side, idx in SIDE_POINTS.items()})
    return out


# -- A covered mouth, whatever covers it ---------------------------------------------------------------------------
# Hands are found by their own detector; a mask, a scarf, a cup or a finger the hand model misses are not. Lips
# always differ from the skin around them: redder, and darker (or, on some faces and over a moustache, lighter).
# Under an occluder the mesh's lip ring and the band around it lie on the same material and that contrast vanishes.
LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
LIPS_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
BAND_IOD = 0.08  # the skin band around the lips: this share of the inter-ocular distance wide
MIN_RING_PX = 12  # fewer lip pixels than this (a tiny face): no judgement
JUDGE_IOD = 64.0  # larger faces are judged scaled down to this inter-ocular distance (px)
# Smaller faces are not judged (px between the eyes): lips and eyes a few pixels across, blurred, in the dark. In 18
# real photographs the one false cover (lips 0.014 on a laughing 22-px face in a dim bar) was below it; from 24 px up
# the lips of 45 faces read 0.51 and more (docs/aus.md, Occlusion).
JUDGE_MIN_IOD = 24.0
# Contrast below which the lips are not seen. Measured (docs/aus.md, Occlusion): uncovered lips 0.14-2.6 per frame on
# two real clips (also darkened, greyscale, blurred, JPEG q15, rolled 45°) and six photographs; a painted mask
# 0.000-0.014, a skin-coloured bar over the mouth median 0.003.
LIP_CONTRAST_MIN = 0.05
# A frame's cover decision is the median of the judgements (every frame's) within this either side of it: one frame
# at 15 fps, two at 30, four at 60 (CoverCheck)
COVER_HALF_S = 1 / 15


def lip_contrast(rgb: np.ndarray, mesh: np.ndarray) -> float | None:
    """How visible the lips are: the lip ring's mean against the band around it, in CIE Lab a* (redness) and L*
    (lightness), each in units of that channel's SD over the face, summed as max(Δa*, 0) + |ΔL*|. None when the
    lips are too small to judge or lie outside the frame."""
    h, w = rgb.shape[:2]
    pts = mesh[:, :2].astype(np.float32)
    iod = float(np.linalg.norm(pts[33] - pts[263]))
    pad = BAND_IOD * iod + 2
    outer = pts[list(LIPS_OUTER)]
    x0, y0 = np.floor(outer.min(axis=0) - pad).astype(int)
    x1, y1 = np.ceil(outer.max(axis=0) + pad).astype(int)
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h or iod < JUDGE_MIN_IOD:
        return None
    # A large face is judged at JUDGE_IOD px between the eyes: the same statistics, a fraction of the work
    k = min(1.0, JUDGE_IOD / iod)
    roi = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    if k < 1.0:
        size = (max(1, round((x1 - x0) * k)), max(1, round((y1 - y0) * k)))
        roi = cv2.resize(roi, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(roi, cv2.COLOR_RGB2LAB).astype(np.float32)
    off = np.array([x0, y0], np.float32)
    lips = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(lips, [np.round((outer - off) * k).astype(np.int32)], 1)
    ring = lips.copy()
    cv2.fillPoly(ring, [np.round((pts[list(LIPS_INNER)] - off) * k).astype(np.int32)], 0)
    r = max(2, int(round(BAND_IOD * iod * k)))
    band = cv2.dilate(lips, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
    band &= lips == 0
    ring_b = ring > 0
    if ring_b.sum() < MIN_RING_PX or band.sum() < MIN_RING_PX:
        return None
    sd = _face_sd(rgb, pts)
    d_light = (lab[..., 0][ring_b].mean() - lab[..., 0][band].mean()) / sd[0]
    d_red = (lab[..., 1][ring_b].mean() - lab[..., 1][band].mean()) / sd[1]
    return float(max(d_red, 0.0) + abs(d_light))


def _face_sd(rgb: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Each Lab channel's SD over the face box (every few pixels: a statistic, not an image), + 1 Lab unit: a flat
    channel (a grey video's a*) says nothing."""
    h, w = rgb.shape[:2]
    fx0, fy0 = np.clip(np.floor(pts.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    fx1, fy1 = np.clip(np.ceil(pts.max(axis=0)).astype(int) + 1, 1, [w, h])
    step = max(1, int(max(fx1 - fx0, fy1 - fy0) // 64))
    face = cv2.cvtColor(np.ascontiguousarray(rgb[fy0:fy1:step, fx0:fx1:step]), cv2.COLOR_RGB2LAB).astype(np.float32)
    return face.reshape(-1, 3).std(axis=0) + 1.0


# -- Eyes behind dark lenses ---------------------------------------------------------------------------------------
# An open eye shows white sclera, a dark iris and pupil, lashes: its lightness spreads widely. Behind dark glasses the
# mesh still fits plausible eyes, but what lies inside its eye outlines is lens, nearly flat.
EYE_OUTLINES = ((33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7),
                (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249))
EYE_LIDS = ((159, 145), (386, 374))  # upper, lower lid midpoints of each eye
EYE_OPEN_MIN = 0.05  # lid gap / inter-ocular distance below which an eye is closing (a blink): not judged
# Spread below which the eyes are not seen. Measured (docs/aus.md, Occlusion), the mean of the two eyes: 42 open-eyed
# real faces of JUDGE_MIN_IOD or more in 18 photographs, clear glasses, dim rooms and deep-set shadowed eyes included,
# 1.09 and up; the real clips per frame 0.94 (darkened) and up; real dark sunglasses 0.41; lenses painted on real
# faces 0.00.
EYE_CONTRAST_MIN = 0.6


def eye_contrast(rgb: np.ndarray, mesh: np.ndarray) -> float | None:
    """How visible the eyes are: the spread of lightness inside each eye outline of the mesh (the 90th minus the
    10th percentile of CIE L*), in units of L*'s SD over the face, the mean of the two eyes. None when the eyes are
    closing (a blink says nothing about a cover), too small to judge, or outside the frame."""
    h, w = rgb.shape[:2]
    pts = mesh[:, :2].astype(np.float32)
    iod = float(np.linalg.norm(pts[33] - pts[263]))
    if iod < JUDGE_MIN_IOD:
        return None
    if min(float(np.linalg.norm(pts[a] - pts[b])) for a, b in EYE_LIDS) / iod < EYE_OPEN_MIN:
        return None
    rings = [pts[list(e)] for e in EYE_OUTLINES]
    both = np.vstack(rings)
    x0, y0 = np.floor(both.min(axis=0) - 2).astype(int)
    x1, y1 = np.ceil(both.max(axis=0) + 2).astype(int)
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
        return None
    k = min(1.0, JUDGE_IOD / iod)  # a large face is judged scaled down, as the lips are
    roi = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    if k < 1.0:
        roi = cv2.resize(roi, (max(1, round((x1 - x0) * k)), max(1, round((y1 - y0) * k))),
                         interpolation=cv2.INTER_AREA)
    light = cv2.cvtColor(roi, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    off = np.array([x0, y0], np.float32)
    spreads = []
    for ring in rings:
        inside = np.zeros(light.shape, np.uint8)
        cv2.fillPoly(inside, [np.round((ring - off) * k).astype(np.int32)], 1)
        v = light[inside > 0]
        if v.size < MIN_RING_PX:
            return None
        lo, hi = np.percentile(v, [10, 90])
        spreads.append(float(hi - lo))
    return float(np.mean(spreads)) / float(_face_sd(rgb, pts)[0])


class CoverCheck:
    """Per track: is a region covered (1.0) or seen (0.0) on a frame? `judge` measures every frame of a track;
    `decide` says for a frame once the `lookahead` frames after it are judged: the median of `measure` over the
    track's judged frames within `half` of it on either side (COVER_HALF_S), against `minimum`. Centred, the
    decision turns on a cover's first and off on its last frame (a median of past judgements lagged a cover by half
    its window at both edges: six frames at 15 fps); a dip of up to `half` frames (motion blur) is outvoted. A
    frame with no judgement near it (the eyes closing in a blink) keeps the track's last decision. A judgement costs
    about 0.5 ms (docs/aus.md, Occlusion)."""

    def __init__(self, measure: Callable[[np.ndarray, np.ndarray], float | None], minimum: float,
                 fps: float = 30.0, half_s: float = COVER_HALF_S) -> None:
        self.measure, self.minimum = measure, float(minimum)
        self.half = max(1, round(half_s * fps)) if math.isfinite(fps) and fps > 0 else 1
        self._judged: dict[int, dict[int, float]] = {}  # track -> frame -> measure (the frames a decision may read)
        self._last: dict[int, float] = {}  # track -> its last decision
        self._age: dict[int, int] = {}  # track -> frames `update` has seen

    @property
    def lookahead(self) -> int:
        """How many frames after a frame its decision reads."""
        return self.half

    def judge(self, track_id: int, frame: int, rgb: np.ndarray, mesh: np.ndarray) -> None:
        """Measure a track's frame (frame order per track)."""
        judged = self._judged.setdefault(track_id, {})
        c = self.measure(rgb, mesh)
        if c is not None:
            judged[frame] = c

    def decide(self, track_id: int, frame: int) -> float:
        """Whether the region is covered on `frame` (frame order per track; the frames up to frame + lookahead
        judged, or as many as there are: the track's or the run's end)."""
        judged = self._judged.get(track_id, {})
        for f in [f for f in judged if f < frame - self.half]:  # later decisions do not read them
            del judged[f]
        near = [v for f, v in judged.items() if f <= frame + self.half]
        if near:
            self._last[track_id] = 1.0 if float(np.median(near)) < self.minimum else 0.0
        return self._last.get(track_id, 0.0)

    def update(self, track_id: int, rgb: np.ndarray, mesh: np.ndarray) -> float:
        """Judge a track's next frame and decide it at once, from the frames so far (a photo: its one frame)."""
        age = self._age.get(track_id, 0)
        self._age[track_id] = age + 1
        self.judge(track_id, age, rgb, mesh)
        return self.decide(track_id, age)

    def forget(self, keep: set[int]) -> None:
        """Drop the tracks not in `keep` (ended tracks whose frames are all decided; ids are not reused)."""
        for tid in [t for t in {*self._judged, *self._last, *self._age} if t not in keep]:
            self._judged.pop(tid, None)
            self._last.pop(tid, None)
            self._age.pop(tid, None)

    def reset(self) -> None:
        self._judged.clear()
        self._last.clear()
        self._age.clear()

    def restart(self) -> None:
        """The analysis' periodic restart of the per-face state (analysis.pipeline.restart_frames): the last
        decisions start over, as a segment that begins there has none; the judgements stay, so the frames just
        before the restart are still decided on the frames round them (a segment's first emitted frame lies more
        than `lookahead` frames after its restart: it reads none of them)."""
        self._last.clear()
        self._age.clear()


class MouthVisibility(CoverCheck):
    """A mask, a scarf, a cup over the mouth: lip_contrast below LIP_CONTRAST_MIN."""

    def __init__(self, fps: float = 30.0) -> None:
        super().__init__(lip_contrast, LIP_CONTRAST_MIN, fps)


class EyesVisibility(CoverCheck):
    """Dark glasses: eye_contrast below EYE_CONTRAST_MIN (closing eyes are not judged: the last decision holds)."""

    def __init__(self, fps: float = 30.0) -> None:
        super().__init__(eye_contrast, EYE_CONTRAST_MIN, fps)
