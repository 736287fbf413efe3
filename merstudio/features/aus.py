"""Per-frame action units of one face: the learned AU lane, the micro-motion lane, head pose, confidence.

`AUEstimator.update` combines, per face and frame:
- AU intensities (0..5, OpenFace 2's 17 AUs, left/right where the model has sides) from MediaPipe's learned
  blendshape model on the refined mesh (merstudio.face.blendshapes, merstudio.features.blendshape_aus):
  absolute, so photographs and the first frame of a track read their expression, not zeros;
- the micro-motion lane (merstudio.features.micromotion): optical flow against a short local baseline per FACS
  region, the spotting signal;
- head pose (merstudio.face.pose);
- occlusion: AUs of a face region that a hand covers read NaN (unreliable), and `confidence` drops with the
  covered share of the face.
docs/aus.md has the tables, the calibration and how reliable each AU is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import numpy as np

from merstudio.errors import InputError
from merstudio.face import blendshapes as bs
from merstudio.face.pose import head_pose
from merstudio.features.blendshape_aus import (
    AU_MAP,
    AUS,
    SIDED,
    AUReading,
    aus_from_blendshapes,
    combine_au6,
)
from merstudio.features.blendshape_aus import (
    MAX_INTENSITY as MAX_INTENSITY,  # the AU scale's top, defined there
)
from merstudio.features.blinks import BlinkMarker, Marked
from merstudio.features.micromotion import MICRO_AUS, MicroMotion, MicroMotionEstimator, mask_blink
from merstudio.features.micromotion import REGIONS as MOTION_REGION_NAMES

__all__ = ["AUS", "AU_NAMES", "AUActivation", "AUEstimator", "au_c", "au_columns", "au_r", "au_side", "is_presence",
           "presences_as_ints", "side_columns"]

AU_NAMES: dict[int, str] = {
    1: "inner brow raiser", 2: "outer brow raiser", 4: "brow lowerer", 5: "upper lid raiser",
    6: "cheek raiser", 7: "lid tightener", 9: "nose wrinkler", 10: "upper lip raiser", 12: "lip corner puller",
    14: "dimpler", 15: "lip corner depressor", 17: "chin raiser", 20: "lip stretcher", 23: "lip tightener",
    25: "lips part", 26: "jaw drop", 45: "blink",
}
PRESENCE_ON = 1.0  # intensity at which AUxx_c becomes 1 (FACS's A-B boundary) ...
PRESENCE_OFF = 0.6  # ... and below which it returns to 0 (hysteresis, per track)
# AU6's eye evidence holds its last value on the frames near a blink (merstudio.features.blinks: shut for no longer
# than a blink lasts, 0.1-0.4 s, and the closing and opening frames beside it). Lids kept low for longer are not
# blinking: a broad smile narrows the eyes that far (a Duchenne smile's slits read 0.5 and more), and their
# narrowing is the cheek raise, read from its first frame.
LIDS_CLOSED = 0.5  # blink score above which AU5 (lid raiser) and AU7 (lid tightener) read NaN
# AU6's eye evidence (how much the eye narrows) is median-filtered over 0.25 s centred on the frame (au6_window:
# 3 frames either side at 30 fps), then gated by the frame's own lip-corner raise (blendshape_aus.au6_gate): the
# closing and opening frames of a blink that never quite shuts (the eye already narrowed) are outliers in that
# window, a cheek raise (which lasts) is not. Centred, it costs no lag: the estimator holds each face back for the
# blink look-ahead anyway (BlinkMarker.delay, 15 frames at 30 fps), and waits 3 frames more for the frames after it.
# A median of the last 0.25 s, gated before it, put AU6 on the real smile 3 frames after AU12 and kept it present a
# frame after the lips had closed (AU12 0). On a blink's frames the window is the frames before it (held). With
# nothing in the window (a still photo) the frame's own evidence is all there is, blink or not; but a blink that the
# frames after it show to be one (the lids open again), at the start of a track or after a gap (a cut back to a
# person), has no evidence to hold and its lids say nothing of the cheeks: AU6 reads unknown.
# On a variable-rate video (frame times given) the window is the frames less than 0.125 s from the frame's time and
# the next frame either way, not a count from the mean rate: 7 frames at 30 fps, 3 at 10 (a frame 0.125 s away to
# the millisecond, as container times are rounded, is out: 15 at 60 fps); a blink's holds the frames less than
# 0.25 s older than the newest before it, at least 3.
AU6_MEDIAN_S = 0.25
# On a still (one frame) the brow lowerer cannot be told from relaxed brows that sit low: the blendshape model reads
# both as browDown, and one frame has no neutral frames to calibrate on. Measured on 44 faces with relaxed brows in
# 30 photographs (none AU-coded; brows judged by eye), 27 read AU4 1 or more, 20 of them 2.5 or more (docs/aus.md).
STILL_UNRELIABLE_AU = 4
# AUs of other regions that read unknown wherever a region is covered (COVERED_FRACTION of it, by anything).
# AU6 with the mouth: its eye narrowing counts only beside a lip-corner raise (combine_au6), so a covered mouth hides
# half of its evidence (NaN rather than a measured 0 or 5 from a hand's blendshapes).
# The brows (1, 2, 4) with the mouth or the eyes, as where the frame's edge cuts the mouth off
# (merstudio.face.occlusion.outside_regions): the mesh fitted to a face whose mouth or eyes it cannot see sits
# differently against the brows, which the blendshapes read as the brows moving. The real smile clip's neutral frames
# (0.00 bare) under a grey block over the mouth read AU1 0.98-1.55 (present on all 17), under a scarf 0.49-1.60, and
# AU1 fell to 0 at the hidden smile's onset (a brow event that never happened); the demo's AU4, present on all of its
# first 150 frames, read present on 9; behind painted dark lenses the clip's neutral frames read AU2 0.47-1.20
# (present on 10). The micro-motion lane's brows stay: flow against a baseline 0.2 s back cancels a steady misfit
# (the clip's motion_brows mean 0.15 covered or bare; the demo's brow lowering at 4.1 s reads the same curve).
ALSO_HIDDEN: dict[str, tuple[int, ...]] = {"mouth": (1, 2, 4, 6), "eyes": (1, 2, 4)}
# The parts of its own side each side of a sided AU is read from, by the name of their points in `covered`
# ("<part>_<side>": merstudio.face.occlusion.SIDE_POINTS, where the frame's edge cuts one off): a side whose part is
# cut off reads unknown, and the AU's intensity, the mean of its sides, with it; the other side is still read. AU6's
# eye narrowing counts beside its side's lip-corner raise (combine_au6), and its cheek is its own. The real smile
# clip leaning out over the left edge read AU20 present (up to 2.71; it never shows AU20) from a lip corner the mesh
# guessed with 21 % of the mouth's points out, under COVERED_FRACTION, and AU6 5.0 as its eye corner came back in.
SIDE_NEEDS: dict[int, tuple[str, ...]] = {au: (AU_MAP[au].region,) for au in SIDED} | {6: ("eyes", "cheek", "mouth")}


def au6_window(fps: float) -> int:
    """AU6's median window in frames: the odd count nearest AU6_MEDIAN_S at this rate, at least 3 (the fewest a
    median outvotes a frame with): 3 at 15 fps, 7 at 30, 15 at 60, centred on the frame. A blink's frames hold
    the window before them: one rounded up to at least 5 frames (0.33 s at 15 fps) put AU6's onset on the real smile
    at 15 fps 0.3 s after 30 fps's, a blink just after the onset holding the lagging value (docs/aus.md)."""
    return max(3, 2 * int(round((AU6_MEDIAN_S * fps - 1) / 2)) + 1)


POSE_COLUMNS = ("pose_Rx", "pose_Ry", "pose_Rz")
MOTION_COLUMNS = ("motion", *(f"motion_{r}" for r in MOTION_REGION_NAMES), "blink")
MICRO_COLUMNS = tuple(f"AU{a:02d}_m" for a in MICRO_AUS)  # directed micro-motion per AU (motion units)
REGION_WEIGHT = {"brows": 0.2, "eyes": 0.25, "nose": 0.15, "mouth": 0.3, "jaw": 0.1}  # for `confidence`


# The micro-motion regions by the parts whose sides the frame's edge marks ("<part>_<side>",
# merstudio.face.occlusion.SIDE_POINTS). A region's motion is the mean of its two sides' (micromotion.region_motion):
# one side beyond the edge is half of it read from the mesh's guess and the black border. The real smile clip leaning
# out over the left edge read motion_cheeks 3-11 on frames 43-101, with most of its face beyond the edge (the cheeks
# have no region share of their own; in view 0.1-0.3), and motion_mouth 4.9, motion_chin 6.7 as its lip corner went.
MOTION_SIDE_PARTS = {"brows": "brows", "eyes": "eyes", "cheeks": "cheek", "nose": "nose", "mouth": "mouth"}


def _hidden_regions(covered: dict[str, float]) -> frozenset[str]:
    """The micro-motion regions a cover hides (COVERED_FRACTION of a face region, 0.3): brows, eyes, nose and mouth
    by name, the chin under a covered jaw or mouth (the lips' check sees only the lips; what hides them, a hand, a
    mask, a box, reaches the chin: its edge read motion_chin 6-8 over a still chin); and a region with a side beyond
    the frame's edge (MOTION_SIDE_PARTS; its chin with the mouth's)."""
    hidden = {r for r in ("brows", "eyes", "nose", "mouth") if covered.get(r, 0.0) >= 0.3}
    hidden |= {r for r, part in MOTION_SIDE_PARTS.items()
               if any(covered.get(f"{part}_{s}", 0.0) >= 0.3 for s in ("L", "R"))}
    if covered.get("jaw", 0.0) >= 0.3 or "mouth" in hidden:
        hidden.add("chin")
    return frozenset(hidden)


def _unseen_sides(covered: Mapping[str, float]) -> frozenset[tuple[int, str]]:
    """The (AU, side) pairs whose side a cut-off part of its own side hides (SIDE_NEEDS)."""
    return frozenset((au, s) for au, parts in SIDE_NEEDS.items() for s in ("L", "R")
                     if any(covered.get(f"{part}_{s}", 0.0) >= 0.3 for part in parts))


def _au6_unseen(covered: Mapping[str, float]) -> bool:
    """Whether a cover hides AU6 on both sides (its region, the eyes, or ALSO_HIDDEN's)."""
    return any(covered.get(r, 0.0) >= 0.3 for r in (AU_MAP[6].region, *(r for r, aus in ALSO_HIDDEN.items() if 6 in aus)))


def _seen_blink(scores: np.ndarray, covered: Mapping[str, float], both: float) -> float:
    """The frame's blink score from the eyes in view: `both` (the larger of the two eyes' eyeBlink scores) where
    neither eye is beyond the frame's edge, else the eye in view's (SIDE_NEEDS[45]: its corners and lids), NaN (not
    shut) where neither is. The mesh's guess of an eye beyond the edge closes as it likes: its score marked blinks
    the eye in view never made, and masked the micro-motion lane and the model's eyes around them."""
    unseen = _unseen_sides(covered)
    if (45, "L") not in unseen and (45, "R") not in unseen:
        return both
    m = AU_MAP[45]
    seen = [float(scores[bs.INDEX[name]]) for s, name in (("L", m.left), ("R", m.right))
            if name is not None and (45, s) not in unseen]
    return max(seen) if seen else float("nan")


def _median_seen(window: Iterable[tuple[float, float]]) -> np.ndarray:
    """AU6's eye evidence (L, R) over its window, each side the median of the frames that saw it (NaN: none)."""
    table = np.array(list(window), dtype=np.float64)
    if not np.isnan(table).any():
        return np.median(table, axis=0)
    return np.array([np.median(col[np.isfinite(col)]) if np.isfinite(col).any() else float("nan")
                     for col in table.T])


def _in_order(acts: list[AUActivation]) -> list[AUActivation]:
    """Finished faces in frame order across tracks (each track's are already), as the blink marker gives them."""
    return sorted(acts, key=lambda a: (a.frame_index, a.track_id))


def au_r(au: int) -> str:
    """Intensity column name, OpenFace style: ``au_r(1) == "AU01_r"``."""
    return f"AU{int(au):02d}_r"


def au_c(au: int) -> str:
    """Presence column name, OpenFace style: ``au_c(12) == "AU12_c"``."""
    return f"AU{int(au):02d}_c"


def is_presence(column: object) -> bool:
    """Whether a per-frame column is an AU presence (``AUxx_c``): 0 / 1, unknown where its intensity is."""
    name = str(column)
    return name.startswith("AU") and name.endswith("_c")


def presences_as_ints(frames: Any) -> Any:
    """A DataFrame with every AUxx_c column the nullable Int8, so that a CSV holds 0 / 1 / empty (unknown), never
    1.0 (pandas reads a presence column with unknowns as floats)."""
    import pandas as pd

    pres = [c for c in frames.columns if is_presence(c) and frames[c].dtype != "Int8"]
    if not pres:
        return frames
    out = frames.copy()
    for c in pres:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int8")
    return out


def au_side(au: int, side: str) -> str:
    """Per-side intensity column (subject's left/right, as coders write L12 / R6): ``au_side(12, "L")``."""
    return f"AU{int(au):02d}_{side}"


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


# Why an input can give no face at all, said by the CLI summary and the app's status bar alike.
NO_FACE_REASON = "faces turned far from the camera, smaller than about 32 px or mostly hidden are missed"


def one_side_present(value: Callable[[str], float | None], au: int, c: float | None) -> str:
    """The side ("L" / "R") of a sided AU read on that side alone: its presence `c` unknown (``AUxx_c`` NaN or no
    column), the other side not measured (NaN: beyond the frame's edge, SIDE_NEEDS) and this side at PRESENCE_ON or
    more; "" otherwise (a side measured and low is the AU absent there, not unknown)."""
    if au not in SIDED or (c is not None and c == c):  # c == c: a known presence, 0 or 1
        return ""
    sides = {s: value(au_side(au, s)) for s in ("L", "R")}
    for s, other in (("L", "R"), ("R", "L")):
        v, o = sides[s], sides[other]
        if v is not None and o is not None and o != o and v >= PRESENCE_ON:
            return s
    return ""


def face_note(value: Callable[[str], float | None], still: bool = False) -> str:
    """What a face shows in one frame, as a coder writes it: the AUs marked present (``AUxx_c``), then the face
    regions whose AUs are all unknown (NaN: covered by a hand, a mask, …). ``value(column)``: that column's value for
    the face and frame, None where the table has no such column. "AU 6+12+25", "AU 6  mouth hidden", "".
    An AU whose other side is not measured (beyond the frame's edge) and whose side in view reads present is
    written with that side, as coders write a unilateral AU (merstudio.facs): "AU R12+25  brows, eyes hidden" (its
    AUxx_c is unknown, the mean of a side and a NaN; before 2026-12-07 it was left out).
    still: the frame is a photo's, where AU4 is written "4?" (STILL_UNRELIABLE_AU)."""
    present = []
    for a in AUS:
        c = value(au_c(a))
        side = one_side_present(value, a, c)
        if side or c == 1:
            present.append(f"{side}{a}?" if still and a == STILL_UNRELIABLE_AU else f"{side}{a}")
    hidden = []
    for region in REGION_WEIGHT:
        vals = [value(au_r(a)) for a, m in AU_MAP.items() if m.region == region]
        if vals and all(v is not None and v != v for v in vals):  # v != v: NaN, for any number type
            hidden.append(region)
    parts = ([f"AU {'+'.join(present)}"] if present else []) + ([f"{', '.join(hidden)} hidden"] if hidden else [])
    return "  ".join(parts)


def covered_notes(faces: Mapping[int, np.ndarray], most: float = 0.5) -> list[str]:
    """What a video's run says of its covers, one line per face whose regions read unknown (all of a region's AUs
    NaN, as `face_note` counts them) on more than `most` of its frames that were read at all (a frame with every AU
    unknown, no mesh, is not a cover): "face 0: AUs unknown on most of its frames (covered: a mask, dark glasses, a
    hand or the frame's edge): mouth on 72 of 72, brows on 72 of 72". `faces`: per face id, its frames' AU
    intensities (frames, len(AUS)) in AUS order. A photo says it per face in `face_note`."""
    out = []
    for fid in sorted(faces):
        table = np.asarray(faces[fid], dtype=np.float64)
        read = table[np.isfinite(table).any(axis=1)]
        if fid < 0 or not len(read):
            continue
        counts = []
        for region in REGION_WEIGHT:
            own = [AUS.index(a) for a, m in AU_MAP.items() if m.region == region and a in AUS]
            n = int(np.isnan(read[:, own]).all(axis=1).sum()) if own else 0
            if n > most * len(read):
                counts.append((n, region))
        if counts:
            counts.sort(key=lambda c: (-c[0], c[1] == "brows"))  # the most often first; the brows, unknown with
            # the mouth or the eyes (ALSO_HIDDEN), after the region covered
            parts = ", ".join(f"{region} on {n} of {len(read)}" for n, region in counts)
            out.append(f"face {int(fid)}: AUs unknown on most of its frames (covered: a mask, dark glasses, a hand or "
                       f"the frame's edge): {parts}")
    return out


def side_columns() -> list[str]:
    return [au_side(a, s) for a in SIDED for s in ("L", "R")]


class AlignedLike(Protocol):
    image: np.ndarray  # grey uint8 (S, S)
    landmarks: np.ndarray  # (468, 2) in aligned pixel coordinates


class ObservationLike(Protocol):
    landmarks: np.ndarray  # (468, 2) frame pixels
    refined: np.ndarray | None  # (478, 2) frame pixels (irises included)
    z: np.ndarray | None


@dataclass(frozen=True)
class AUActivation:
    """One face in one frame. `intensity` 0..5 (NaN = unreliable: the region is covered, or the mesh has no
    irises for the blendshape model) and `presence` 0/1 for every AU in AUS; `sides` per (AU, "L"|"R")."""

    intensity: dict[int, float]
    presence: dict[int, int]
    micro: MicroMotion
    sides: dict[tuple[int, str], float] = field(default_factory=dict)
    pose: tuple[float, float, float] = (float("nan"),) * 3
    blendshapes: np.ndarray | None = None
    confidence: float = 1.0  # 1 - the weighted share of the face under a hand
    covered: dict[str, float] = field(default_factory=dict)
    track_id: int = 0
    frame_index: int = 0
    # the frame's blink score (0..1, the larger eyeBlink score of the eyes in view: NaN with both beyond the frame's
    # edge; 0 without a mesh)
    blink: float = 0.0
    # a blink's shut frames lie within BLINK_MARGIN_S of this frame (merstudio.features.blinks): the model leaves
    # its eyes out
    near_blink: bool = False

    @property
    def motion(self) -> float:
        """The micro-motion lane's `motion` (NaN when there is no baseline or the head turns)."""
        return self.micro.motion


@dataclass
class _Track:
    presence: dict[int, int]
    # AU6's eye evidence of the frames read outside a blink, (frame, time or None, (L, R) narrowing ungated), the
    # frames its held frames' windows reach
    au6_eye: deque = field(default_factory=deque)
    # the frames marked whose AU6 waits for the frames after them (its centred window): _Held, frame order
    held: deque = field(default_factory=deque)
    last_frame: int | None = None  # the frame it was last read on: after a gap the evidence window starts afresh
    seen_as: int | None = None  # the tracker's id on that frame, where it differs (_Pending.seen_as)
    # frame -> whether it is one of a blink's shut frames (BlinkMarker), from the oldest baseline frame still to
    # come (lag frames back; on a variable rate the last frame lag_s or more before the newest)
    blinks: dict[int, bool] = field(default_factory=dict)
    # frame -> the micro-motion regions a cover hid there (_hidden_regions), the frames `blinks` keeps: a frame whose
    # baseline frame was covered compares the face with the cover (a hand lowered from the mouth read motion_mouth 20)
    hidden: dict[int, frozenset[str]] = field(default_factory=dict)
    times: dict[int, float] = field(default_factory=dict)  # frame -> time, the frames `blinks` keeps (variable rate)


class _Held(NamedTuple):
    """A marked frame whose micro-motion is finished and whose AU6 waits for the frames after it."""

    marked: Marked[_Read]
    micro: MicroMotion
    unseen: frozenset[tuple[int, str]]


class _Read(NamedTuple):
    pending: _Pending
    scores: np.ndarray | None  # the blendshape scores (None without a mesh)
    reading: AUReading | None


@dataclass
class _Pending:
    track_id: int
    frame_index: int
    mesh: np.ndarray | None
    pose: tuple[float, float, float]
    micro: MicroMotion
    covered: dict[str, float]
    time: float | None = None  # the frame's time on a variable-rate source (None: constant rate)
    seen_as: int | None = None  # the tracker's id on the frame, where it later gave the face another (TrackedFace)


class AUEstimator:
    """AU lanes for many tracks. One instance per analysis.

    `push` a face per track and frame (in frame order); activations come back in frame order, `batch` faces at a
    time, because the blendshape network costs far less per face in a batch (one pass of numpy calls, larger
    matrix products), and about half a second late (`BlinkMarker.delay`), once the frames after a face tell
    whether its lids are shut in a blink or for longer (eyes squeezed shut: the micro-motion lane reads them),
    and AU6's centred window 0.125 s more (`delay`). `flush` at the end returns the rest. `update` is push + flush for one face (then a closure counts as ended
    at the last frame).
    """

    def __init__(self, flow: str = "dis", fps: float = 30.0, lag_s: float = 0.2, batch: int = 8) -> None:
        if not (np.isfinite(fps) and fps > 0):
            raise InputError(f"fps: must be a positive number, got {fps}")
        self.model = bs.shared_model()
        self.micro = MicroMotionEstimator(fps=fps, flow=flow, lag_s=lag_s)
        self.batch = max(1, int(batch))
        self._au6_window = au6_window(fps)
        self._tracks: dict[int, _Track] = {}
        self._pushed: dict[int, int] = {}  # track -> the last frame pushed (the frames a finished face had after it)
        self._queue: list[_Pending] = []
        self._marker: BlinkMarker[_Read] = BlinkMarker(fps, blink_on=self.micro.blink_on)

    @property
    def delay(self) -> int:
        """How many frames a face waits (on top of its batch) for the frames that tell whether it is in a blink."""
        return self._marker.delay + self._au6_window // 2  # and AU6's centred window the frames after it

    def reset(self) -> None:
        self._tracks.clear()
        self._pushed.clear()
        self._queue.clear()
        self._marker.reset()
        self.micro.reset()

    @property
    def track_ids(self) -> list[int]:
        return sorted(self._tracks)

    def update(self, track_id: int, obs: ObservationLike, aligned: AlignedLike, frame_index: int,
               covered: dict[str, float] | None = None, time: float | None = None) -> AUActivation:
        out = self.push(track_id, obs, aligned, frame_index, covered, time) + self.flush()
        return out[-1]

    def push(self, track_id: int, obs: ObservationLike, aligned: AlignedLike, frame_index: int,
             covered: dict[str, float] | None = None, time: float | None = None,
             seen_as: int | None = None) -> list[AUActivation]:
        """Queue one face; returns the activations that are complete (possibly none). `time`: the frame's time in
        seconds on a variable-rate source, so that the micro-motion baseline and AU6's window go by time (None on a
        constant rate: they count frames). `seen_as`: the id the tracker gave the face on this frame where it later
        gave it `track_id` (a face back over the frame's edge, merstudio.face.tracker rule 2d), else None."""
        pose = head_pose(obs.landmarks, obs.z)
        mesh = None
        if obs.refined is not None and len(obs.refined) >= 478:
            mesh = np.asarray(obs.refined, dtype=np.float64)
        # the micro-motion baseline of a face back over the edge, as AU6's window (_mark): its relabelled first frames
        # go by the tracker's id (retired once relabelled), so that its first frames tracked as itself find no
        # half-visible frame to compare with (smile_man back over the top edge read motion_nose 14 there, NaN before)
        micro = self.micro.update(track_id if seen_as is None else seen_as, frame_index, aligned.image,
                                  aligned.landmarks, None, pose, time)
        self._pushed[track_id] = frame_index
        self._queue.append(_Pending(track_id, frame_index, mesh, pose, micro, dict(covered or {}), time, seen_as))
        return self._run_batch() if len(self._queue) >= self.batch else []

    def flush(self) -> list[AUActivation]:
        """Finish every face pushed so far (in frame order)."""
        out = self._run_batch()
        for m in self._marker.flush():
            out += self._mark(m, None)
        return _in_order(out + self._finish_all())

    def idle(self, frame_index: int, time: float | None = None) -> list[AUActivation]:
        """No face in this frame: finish the queued faces, and those that this frame makes old enough to leave the
        blink look-ahead (as a face in it would), so that results keep coming while nobody is in view."""
        out = self._run_batch()
        for m in self._marker.advance(frame_index, time):
            out += self._mark(m, frame_index)
        return _in_order(out)

    def _run_batch(self) -> list[AUActivation]:
        """Read the queued faces (one pass of the blendshape network) and hand them to the blink marker; returns
        the faces it releases, finished."""
        queue, self._queue = self._queue, []
        if not queue:
            return []
        with_mesh = [p for p in queue if p.mesh is not None]
        meshes = [p.mesh for p in with_mesh if p.mesh is not None]
        scores = self.model(np.stack(meshes)) if meshes else np.zeros((0, 52))
        by_id = {id(p): s for p, s in zip(with_mesh, scores, strict=True)}
        out = []
        for p in queue:
            r = self._read(p, by_id.get(id(p)))
            blink = r.reading.blink if r.reading is not None else 0.0
            if p.covered.get("eyes", 0.0) >= 0.3:  # COVERED_FRACTION, as below
                # the mesh's lids behind dark lenses or a hand are a guess: the blink is unknown (NaN: not shut),
                # not one marked where the guess dips (the real clip behind painted lenses read false blinks at
                # 23-24 and 35-38, not its own at 26-28) and masking the motion lane there
                blink = float("nan")
            # a variable-rate video's frame times: a blink's margin and length go by them (features.blinks)
            marked = self._marker.push(p.track_id, p.frame_index, blink, r, time=p.time)
            for m in marked:
                out += self._mark(m, p.frame_index)
        return _in_order(out)

    def _read(self, p: _Pending, scores: np.ndarray | None) -> _Read:
        """A face's blendshape reading; `_mark` finishes it once the frames after it are known."""
        if scores is None or p.mesh is None:
            return _Read(p, scores, None)
        reading = aus_from_blendshapes(scores, p.mesh)
        reading.blink = _seen_blink(scores, p.covered, reading.blink)
        return _Read(p, scores, reading)

    def _mark(self, m: Marked[_Read], now: int | None) -> list[AUActivation]:
        """Take a face (frame order per track) once the blink marker knows whether its lids are shut in a blink:
        its micro-motion is finished here, its AUs once AU6's centred window has the frames after it (`_finish`);
        returns the faces that are finished. `now`: the frame being read (None: the end, everything is finished).

        In the micro-motion lane, a blink's shut frame, or one whose baseline frame (lag frames earlier, marked
        before it) is, reads the eyes as NaN. A covered region reads NaN."""
        p, scores, reading = m.item
        t = self._tracks.setdefault(m.track, _Track({a: 0 for a in AUS}))
        covered = p.covered
        nan = float("nan")
        out: list[AUActivation] = []
        if t.last_frame is not None and (not 0 < m.frame - t.last_frame <= 1 or p.seen_as != t.seen_as):
            # a gap (the face away, a seek, a person re-identified after a cut): older eye evidence is another
            # moment's, maybe another look-alike's; AU6's median window starts again. So it does where a face back
            # over the frame's edge, its first frames given its old id (rule 2d), is first tracked as that face: the
            # half-visible frames' eye evidence (5.0 on smile_man back over the top edge) is not the whole face's,
            # and read as before rule 2d relabelled them (a track of their own)
            out += self._finish_track(t, everything=True)
            t.au6_eye.clear()
        t.last_frame, t.seen_as = m.frame, p.seen_as
        unseen = _unseen_sides(covered)
        if reading is not None and not m.blink:
            # a side's evidence where a cover hides it is the mesh's guess: left out of the window, so that
            # AU6 after the cover is read from what was seen (it held 5.0 from a face back from beyond the edge)
            hide_all = _au6_unseen(covered)
            t.au6_eye.append((m.frame, p.time, tuple(nan if hide_all or (6, s) in unseen else v
                                                     for s, v in zip(("L", "R"), reading.au6_narrow, strict=True))))
        lag = self.micro.k
        base = m.frame - lag if p.micro.base is None else p.micro.base  # the baseline frame (k frames back)
        t.blinks[m.frame] = m.shut
        t.hidden[m.frame] = _hidden_regions(covered)
        keep = m.frame - lag
        if p.time is not None:
            t.times[m.frame] = p.time
            # a later frame's baseline is never before this one's, the last frame lag_s or more before it (none yet:
            # every frame kept may be one)
            keep = max((f for f, ft in t.times.items() if ft <= p.time - self.micro.lag_s), default=min(t.times))
        for d in (t.blinks, t.hidden, t.times):
            for old in [f for f in d if f < keep or f > m.frame]:
                del d[old]
        micro = mask_blink(p.micro, m.shut or t.blinks.get(base, False))
        # A hand moving over the face, or leaving it (the baseline frame covered), is not facial motion.
        hidden = t.hidden[m.frame] | t.hidden.get(base, frozenset())
        if hidden or (covered and any(covered.get(r, 0.0) > 0 for r in REGION_WEIGHT)):
            regions = {r: nan if r in hidden else v for r, v in micro.regions.items()}
            micro = MicroMotion(regions, nan, micro.blink, micro.head_turn, {a: nan for a in micro.aus})
        t.held.append(_Held(m, micro, unseen))
        # the track's last frame read, and a later frame being read: a frame of it after this one comes after a
        # gap, in a window of its own, so the frames held for this one's window are complete
        ended = now is None or (self._pushed.get(m.track) == m.frame and now > m.frame + 1)
        return out + self._finish_track(t, everything=ended)

    def _finish_all(self) -> list[AUActivation]:
        out: list[AUActivation] = []
        for t in self._tracks.values():
            out += self._finish_track(t, everything=True)
        return out

    def _finish_track(self, t: _Track, everything: bool) -> list[AUActivation]:
        """Finish the held frames of a track whose AU6 window is complete (all of them: `everything`)."""
        out: list[AUActivation] = []
        half = self._au6_window // 2
        while t.held:
            m = t.held[0].marked
            if not everything:
                last = t.held[-1].marked
                tf, tl = m.item.pending.time, last.item.pending.time
                if tf is None or tl is None:
                    if last.frame - m.frame < half:
                        break
                elif last.frame == m.frame or tl - tf < AU6_MEDIAN_S / 2 - 1e-3:
                    break
            out.append(self._finish(t, t.held.popleft()))
        # forget the evidence no frame's window reaches any more: that before the oldest held frame (or the next
        # frame to come) beyond the window a blink there holds (which holds more than a frame's centred window)
        upto = t.held[0].marked.frame if t.held else (t.last_frame if t.last_frame is not None else 0) + 1
        before = sum(1 for e in t.au6_eye if e[0] < upto)
        newest = next((e[1] for e in reversed(t.au6_eye) if e[0] < upto), None)
        while before > self._au6_window and (newest is None or t.au6_eye[0][1] is None
                                              or t.au6_eye[0][1] <= newest - AU6_MEDIAN_S + 1e-3):
            t.au6_eye.popleft()
            before -= 1
        return out

    def _au6_window_of(self, t: _Track, m: Marked[_Read]) -> list[tuple[float, float]]:
        """The eye evidence AU6 reads at a frame: the frames read round it (AU6_MEDIAN_S centred on it: 3 frames
        either side at 30 fps; by the frames' times on a variable rate, and the next frame either way); at a frame in
        a blink, whose lids say nothing of the cheeks, the window of frames before it (held, as the cheek raise
        lasts: the last au6_window frames read, by time the last AU6_MEDIAN_S and at least 3)."""
        f, tf = m.frame, m.item.pending.time
        if not m.blink:
            half = self._au6_window // 2

            def near(e: tuple[int, float | None, tuple[float, float]]) -> bool:
                if tf is None or e[1] is None:  # a constant rate: frames
                    return abs(e[0] - f) <= half
                return abs(e[0] - f) <= 1 or abs(e[1] - tf) <= AU6_MEDIAN_S / 2 - 1e-3

            return [e[2] for e in t.au6_eye if near(e)]
        before = [e for e in t.au6_eye if e[0] < f]
        if tf is None or not before or before[-1][1] is None:
            return [e[2] for e in before[-self._au6_window:]]
        newest = before[-1][1]
        return [e[2] for i, e in enumerate(before)
                if len(before) - i <= 3 or (e[1] is not None and e[1] > newest - AU6_MEDIAN_S + 1e-3)]

    def _finish(self, t: _Track, held: _Held) -> AUActivation:
        """A face's AUs, once the frames round it are known.

        A blink's lids say nothing about the cheeks: AU6's eye evidence holds on the frames near one (its closing
        and opening included), and with nothing to hold (a track that begins or comes back in a blink) AU6 reads
        NaN until the eyes are read again; lids kept low for longer than a blink lasts (a broad smile's slits, eyes
        squeezed shut) are read from their first frame on. The eye narrowing is median-filtered round the frame,
        then gated by the frame's own lip-corner raise: AU6 from the eyes begins and ends with AU12."""
        m, micro, unseen = held
        p, scores, reading = m.item
        covered = p.covered
        nan = float("nan")
        if reading is not None:
            intensity, sides, blink = reading.intensity, reading.sides, reading.blink
            window = self._au6_window_of(t, m)
            if window:
                eye = _median_seen(window) * np.asarray(reading.au6_gate)
            elif self._pushed.get(m.track, m.frame) > m.frame:
                # a blink with nothing before it to hold (the track begins or comes back in it), told from narrowed
                # eyes by the frames after it: AU6 unknown, not the lids' narrowing read as a cheek raise
                eye = np.array([nan, nan])
            else:  # a photo, or nothing after it yet: the frame's own narrowing, blink or not
                eye = np.asarray(reading.au6_eye)
            combine_au6(reading, (float(eye[0]), float(eye[1])))
            if blink > LIDS_CLOSED:  # the lids are shut: how wide or tight they are cannot be read
                for au in (5, 7):
                    intensity[au] = float("nan")
                    sides[(au, "L")] = sides[(au, "R")] = float("nan")
        else:
            intensity, sides, blink = {a: nan for a in AUS}, {}, 0.0
        for au, mp in AU_MAP.items():
            if covered.get(mp.region, 0.0) >= 0.3 or (au == 45 and covered.get("eyes", 0.0) >= 0.3) or \
                    any(au in aus and covered.get(r, 0.0) >= 0.3 for r, aus in ALSO_HIDDEN.items()):
                intensity[au] = nan
                for s in ("L", "R"):
                    if (au, s) in sides:
                        sides[(au, s)] = nan
        for au, s in unseen:  # one side cut off: that side, and the mean of the two
            intensity[au] = nan
            if (au, s) in sides:
                sides[(au, s)] = nan
        presence = {}
        for a in AUS:
            v = intensity[a]
            on = t.presence[a]
            t.presence[a] = int(np.isfinite(v) and (v >= PRESENCE_ON or (on and v >= PRESENCE_OFF)))
            presence[a] = t.presence[a]
        conf = 1.0 - sum(REGION_WEIGHT[r] * min(1.0, covered.get(r, 0.0)) for r in REGION_WEIGHT)
        shares = {r: v for r, v in covered.items() if r in REGION_WEIGHT}  # the sides (SIDE_NEEDS) served above
        return AUActivation(intensity, presence, micro, sides, p.pose, scores, max(0.0, conf), shares, p.track_id,
                            p.frame_index, blink, m.blink)
