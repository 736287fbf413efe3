"""Stable face track ids across frames.

Each frame: (1) detections are matched to the tracks seen in the last few frames by box overlap and landmark
distance (greedy on a combined cost, which is exact for the few faces a frame holds), unless the face's appearance
says it is someone else (a cut to another person in the same place, where MediaPipe goes on tracking: the frame is
then fitted afresh; a face one half of which still looks like the track's is a cover over the rest, not a cut); (2) a detection left over is given the id of a lost track only when it is clearly the same
person: geometry signature and appearance both agree, the gap is short (max_gap_s, in seconds) and the position
plausible; (2b) one left over after that takes the id of a track gone longer (a screen share, a cut away) only when
its face matches that track's, and no other known face, far above what different people reach; (3) anything
else gets a new id. Ids are never reused. (2c) The analysis restarts the signatures every keyframe_s, so a face
gone across a restart is given its earlier id by `ReturnLabels`, on the tracks' `TrackRecord`s (`records`), with
rule 2b's bars; the rows carry that id. (2d) A track begun on a face cut by the frame's edge, too little in view for
rule 2, is compared with the lost tracks it may be once it is in view, and takes the matching one's id from then on;
so is a track begun near a face lost under a cover (an object or another face over it), while rule 2 may give that
face back, against the face as it was before the cover, and one begun on a face whose eyes or mouth are covered,
against any face lost before it; once such a face is gone longer than max_gap_s (a hand over the face for 10-20 s),
by rule 2b's bars. A track's running means take in only frames with its eyes and mouth in view (`face_seen`) that
look like them, so a face back after a cover is compared with itself, not with the cover.
A face back over the frame's edge is told only once EDGE_MIN of it is in view (smile_man coming in at 6-16 px a
frame: 4-11 frames after its first): `undecided_from` says from which frame rule 2d may still decide (at most
LATE_WINDOW_S), and `final_id` gives such a track's frames the id it was given, for a caller that holds them until
then (the analysis does: its rows carry that id from the face's first frame back). A track begun cut by the edge is
compared so even when its first frame is in view enough for rule 2, which the first fit of a face coming in may
fail (its geometry 0.09 off: it kept a new id for good), and one whose face rule 2 gives, on its next frame, to a
track it may be was that track (a one-frame track).
A face moving over the frame's edge is kept by rule 1 on its place alone (its crop says nothing of who it is).
docs/face.md states the rule and its thresholds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol, cast

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.face.align import canonical_stable_points, estimate_similarity
from merstudio.face.boxes import box_iou
from merstudio.face.detector import FaceMeshDetector, FaceObservation, check_rgb
from merstudio.face.landmarks import STABLE_POINTS
from merstudio.face.occlusion import EYE_CONTRAST_MIN, LIP_CONTRAST_MIN, eye_contrast, lip_contrast
from merstudio.face.small_faces import centre_inside

# Rigid mesh points (eye corners, nose, face outline, forehead): facial action barely moves them, so the ratios of
# their 3-D distances describe the face's build, not its expression or pose.
SIGNATURE_POINTS = (33, 133, 362, 263, 168, 6, 195, 4, 1, 129, 358, 234, 454, 127, 356, 162, 389, 10, 151)
_PAIRS = np.array(list(itertools.combinations(range(len(SIGNATURE_POINTS)), 2)))
_SIG_IDX = list(SIGNATURE_POINTS)
_APPEARANCE_SIZE = 32
# A live track keeps a detection found where it was only while the face's aligned crop correlates at least this
# well with the track's running mean crop or with its crop in the frame before (the better of the two: a hand
# passing over the face changes the crop gradually, a cut changes it at once). It is the re-identification's own
# bar (appearance_min). Measured, this correlation between a tracked face and its next frame:
#   same person: >= 0.861 on a real clip of a woman crying with her hands over her face (the frame a hand leaves
#       it; 0.744 against the running mean alone), 0.929 on two real faces side by side, 0.949 on smile_man.mp4,
#       0.985 on the demo (a blink, a fast head turn, lighting flicker);
#   the first frame after a cut to another person in the same place: 0.539-0.574 (four posed people, the same
#       framing); 84 cuts between 7 people pasted at the same box: median 0.36, 4 at or above the bar (0.77, 0.78:
#       two pairs of similar-looking faces, which this crop cannot tell apart; they stay one track).
IDENTITY_MIN = 0.75
# A face covered in part (a hand, a mask, a box over the mouth) stays in place but its crop changes at once, as on a
# cut: the whole crop correlated 0.69-0.72 with the track's at a dark box over smile_man.mp4's mouth. Its uncovered
# half does not change: the live track also keeps a face one of whose halves (upper, lower, left, right) correlates
# at least this well with the same half of the track's crop (0.955-0.99 there). The best half of another person's
# crop: <= 0.897 over 9,504 ordered pairs of different people among 98 crops put at one box (the astronaut, 95 LFW
# faces, smile_man at two frames), median 0.49. A cover over the eyes moves the eye corners the crop is aligned on,
# so every aligned half changes: the frame is also cropped where the face last was, and a half of that crop kept at
# PART_MIN keeps the track (a hand over the real clip's eyes: lower half 0.854 aligned, 0.95 in place; another
# person's best half in place <= 0.903 over 8,930 ordered pairs of 95 LFW faces at one box, median 0.52). A cover
# over more than half the face (a dark bar 0.5 inter-ocular distances tall over the eyes: 0.68) starts a new track.
PART_MIN = 0.93
# A face cut by the frame's edge: its landmarks beyond the edge are MediaPipe's guesses, and so is the alignment of
# its crop. With under this share of its crop inside the frame the same person's crop read as low as another
# person's (smile_man sliding out over the frame's edge and back in three clips, 115 frames: 0.43-0.99 with 40-70 %
# of the crop inside, median 0.81-0.94; >= 0.84 with 70 % and more), so there it says nothing: a live track keeps
# such a face on continuity alone (its place), as it keeps one under 40 % inside; and a track begun on such a face
# is compared with the track lost where it came in once 70 % of it is in view (rule 2d).
EDGE_MIN = 0.7
# Rule 2b, a face back after longer than max_gap_s (a screen share, a cut away): nothing says where it comes back,
# so appearance alone decides, far above what different people reach. Measured on real frames (the running mean
# crop of smile_man.mp4 against each of its frames): the same face at other sizes, crops and places (a call tile,
# a quarter-size tile, a speaker-view close-up, the right tile) >= 0.935 (median 0.99); its mirror image, which this
# crop reads as another person, <= 0.252; the demo's face <= 0.135; look-alike pairs of different people reach 0.78
# (IDENTITY_MIN's note). The best track must also beat every other known face by RETURN_MARGIN, except earlier
# tracks of the same look never seen at the same time as it (one person split before, e.g. by a close-up: the one
# seen last takes the face back).
RETURN_MIN = 0.90
RETURN_MARGIN = 0.10
# Rule 2d, a face that came back over the frame's edge too little in view for rule 2 to measure (it got a new track):
# compared with the track lost there on its first LATE_TRIES frames with EDGE_MIN of its crop in view, within
# LATE_WINDOW_S of its start, and given that track's id from then on where rule 2's bars hold.
LATE_TRIES = 5
LATE_WINDOW_S = 3.0
# A track lost under a cover (its crop, inside the frame, no longer looked like its running mean, or its eyes or mouth
# read covered: a cover sliding over it slowly is followed by rule 1 from frame to frame) is compared by the signature
# it had at its last frame whose crop did (`_Track.known`), by rule 2 and by rule 2d on every frame in view while rule
# 2 may give it back (the mesh found the face still under the cover: it would have been compared so had it found it
# only once the cover was off). Measured on a95's cross.mp4 made 7 s long (a tile sliding over smile_man's face and
# off it): the face back uncovered read 0.59-0.64 against the running mean at its loss, 0.87-0.97 against the
# signature before the cover. The running means no longer take a cover in (`face_seen`, `_SETTLE`): a grey tile over
# smile_man's mouth for 7 s, which the mesh followed, had moved them to 0.82 of the face before it (below RETURN_MIN:
# back after 7 s away, a new id). A face lost under a cover for longer than max_gap_s, or covered over the eyes at
# once (a track of its own, which rule 1 kept once the cover was off), is compared by rule 2b's bars on the first
# LATE_TRIES frames its new track passes rule 2's (none under the cover: the tile over the eyes read 0.0-0.17 as eyes
# on most frames, as eyes 0.65-1.7 on some with the mesh fitted to the lower face, whose crop is far below rule 2's).
# Tracks gone longer than max_gap_s are kept this long (seconds), at most this many, for rule 2b.
RETURN_MEMORY_S = 600.0
RETURN_TRACKS = 32
_EPS_S = 1e-6  # frame times are floats: a gap of exactly max_gap_s is within it
_SETTLE = 30  # frames a track's running means average plainly before they move slowly
_HALVES = (np.s_[:_APPEARANCE_SIZE // 2], np.s_[_APPEARANCE_SIZE // 2:],
           np.s_[:, :_APPEARANCE_SIZE // 2], np.s_[:, _APPEARANCE_SIZE // 2:])


class Detector(Protocol):
    """What FaceTracker needs of a face detector."""

    def detect(self, rgb: np.ndarray) -> list[FaceObservation]: ...


class AdaptiveDetector(Detector, Protocol):
    """A detector whose tracking capacity FaceTracker can steer (FaceMeshDetector)."""

    @property
    def capacity(self) -> int: ...

    def set_capacity(self, n: int) -> None: ...

    def reset(self, capacity: int | None = None) -> None: ...

    def find_faces(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]: ...


@dataclass(frozen=True)
class TrackedFace:
    track_id: int
    obs: FaceObservation
    # the id the tracker gave the face on its frame where rule 2d later gave it another (`final_id`), else None:
    # per-track state read over time (AU6's window) starts afresh where a face's frames change from one to the other
    seen_as: int | None = None


def _visible(obs: FaceObservation, shape: tuple[int, ...], idx: list[int]) -> np.ndarray:
    h, w = shape[:2]
    p = obs.landmarks[idx]
    return (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)


def geometry_signature(obs: FaceObservation) -> np.ndarray:
    """Distances between SIGNATURE_POINTS (3-D where the detector gives depth), divided by their mean."""
    pts = obs.landmarks[_SIG_IDX].astype(np.float64)
    if obs.z is not None:
        pts = np.column_stack([pts, obs.z[_SIG_IDX]])
    d = np.linalg.norm(pts[_PAIRS[:, 0]] - pts[_PAIRS[:, 1]], axis=1)
    return d / max(float(d.mean()), 1e-9)


def signature_distance(a: np.ndarray, b: np.ndarray, pairs: np.ndarray | None = None) -> float:
    """Mean absolute log-ratio of two geometry signatures (0.02 = distances differ by 2 % on average), over the
    point pairs selected by the boolean mask `pairs` (all by default), each renormalised over that subset."""
    if pairs is not None:
        a, b = a[pairs], b[pairs]
    a = np.maximum(a / max(float(a.mean()), 1e-9), 1e-9)
    b = np.maximum(b / max(float(b.mean()), 1e-9), 1e-9)
    return float(np.mean(np.abs(np.log(a / b))))


_STABLE_IDX = list(STABLE_POINTS)


def appearance_patch(obs: FaceObservation, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The face aligned to a 32x32 canonical crop (grey float32) and the mask of its pixels that come from inside
    the frame."""
    return _crop(rgb, _alignment(obs, rgb.shape))


def _alignment(obs: FaceObservation, shape: tuple[int, ...]) -> np.ndarray:
    """The similarity (2x3) that puts the face on the canonical crop."""
    # Aligned on the stable points inside the frame: those of a face cut by the frame's edge are guesses.
    vis = _visible(obs, shape, _STABLE_IDX)
    use = vis if vis.sum() >= 3 else np.ones_like(vis)
    return estimate_similarity(obs.landmarks[_STABLE_IDX][use].astype(np.float64),
                               canonical_stable_points(_APPEARANCE_SIZE)[use])


def _crop(rgb: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 32x32 grey crop of the frame under the similarity m, and the mask of its pixels inside the frame."""
    size = (_APPEARANCE_SIZE, _APPEARANCE_SIZE)
    grey = cv2.cvtColor(cv2.warpAffine(rgb, m, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE),
                        cv2.COLOR_RGB2GRAY)
    h, w = rgb.shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    inside = np.zeros(size, np.uint8)
    quad = corners @ m[:, :2].T + m[:, 2]
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    return grey.astype(np.float32), inside.astype(bool)


def appearance_similarity(patch: np.ndarray, valid: np.ndarray, ref: np.ndarray) -> float:
    """Normalised correlation of a patch with a reference patch over the valid pixels (-1 when under 40 % are)."""
    if valid.mean() < 0.4:
        return -1.0
    a = patch[valid].astype(np.float64)
    b = ref[valid].astype(np.float64)
    a -= a.mean()
    b -= b.mean()
    den = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / den) if den > 1e-9 else -1.0


def face_seen(rgb: np.ndarray, obs: FaceObservation) -> bool:
    """Whether the face's eyes and mouth are in view by their own contrast (merstudio.face.occlusion: under any cover,
    a hand, a tile, a mask, they read flat); True where they cannot be judged (too small, closing, outside the
    frame)."""
    eyes = eye_contrast(rgb, obs.landmarks)
    if eyes is not None and eyes < EYE_CONTRAST_MIN:
        return False
    lips = lip_contrast(rgb, obs.landmarks)
    return lips is None or lips >= LIP_CONTRAST_MIN


def _centre(b: tuple[float, ...]) -> np.ndarray:
    return np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2])


def _size(b: tuple[float, ...]) -> float:
    return max(b[2] - b[0], b[3] - b[1], 1.0)


@dataclass
class _Track:
    track_id: int
    obs: FaceObservation
    last_frame: int
    continuous: bool = True  # False after a seek: only re-identification may pick it up again
    geometry: np.ndarray | None = None  # running mean geometry signature
    appearance: np.ndarray | None = None  # running mean aligned 32x32 grey patch
    last_patch: tuple[np.ndarray, np.ndarray] | None = None  # the aligned patch and its valid mask, last frame seen
    last_matrix: np.ndarray | None = None  # the alignment of that patch (where the face was in the frame)
    n_sig: int = 0
    hits: int = 1
    # ids of the tracks seen in the same frame (other people) since its signature started
    together: set[int] = field(default_factory=set)
    # Frames in which it was matched (for tests and debugging: how often the re-id rule fired).
    reidentified: list[int] = field(default_factory=list)
    # Rule 2d: begun on a face cut by the frame's edge, the lost tracks it may be (near where they were lost,
    # within max_gap_s), compared on its first LATE_TRIES frames well enough in view (`late_tries` left)
    late: set[int] = field(default_factory=set)
    late_tries: int = 0
    first_frame: int = 0
    # The signature (running mean crop, geometry) at its last frame whose crop, inside the frame, looked like it
    # (identity_min), and whether its last frame's did not or its eyes or mouth were covered (`covered`; the running
    # means take such frames in only while they hold no frame with both in view, `blind`, or are still forming): lost
    # so, rules 2 and 2d compare it by `known`.
    known: tuple[np.ndarray, np.ndarray] | None = None
    covered: bool = False
    # Rule 2d: begun near tracks lost under a cover (or on a face whose eyes or mouth were covered: any track lost
    # before it), those: compared by rule 2 on every frame in view while rule 2 may give them back; once gone longer,
    # by rule 2b's bars on the frames it passes rule 2's for one of them (`uncover_tries` left)
    uncover: set[int] = field(default_factory=set)
    uncover_tries: int = 0
    # Whether its running means hold no frame with its eyes and mouth in view yet (begun under a cover): the first
    # such frame starts them again
    blind: bool = True


@dataclass
class TrackRecord:
    """What rule 2c (a face back across a restart, `ReturnLabels`) reads of one track: its face when it was first
    seen (crop, mask, geometry and the point pairs inside the frame), the best correlation of that crop with another
    face the tracker knew then (`rival`: this restart interval's), and, at its last frame, its running mean crop and
    geometry (since the last restart: None without a whole face since) and the tracks it was ever seen with."""

    first: int
    patch: np.ndarray
    valid: np.ndarray
    geometry: np.ndarray
    pairs: np.ndarray
    rival: float
    last: int = -1
    appearance: np.ndarray | None = None
    geometry_end: np.ndarray | None = None
    met: set[int] = field(default_factory=set)

    def copy(self) -> TrackRecord:
        return replace(self, met=set(self.met))


class FaceTracker:
    """Detects faces (MediaPipe Face Mesh in video mode by default) and gives each a track id that stays the
    same across frames.

    max_faces: at most this many faces per frame. detector: anything with `detect(rgb) -> list[FaceObservation]`;
    when it also has `set_capacity`, `find_faces` and `reset` (FaceMeshDetector does), the tracker keeps MediaPipe's
    capacity at the number of faces present, so its face detector does not run on every frame, and looks for
    newcomers with the cheap detector every `search_every` frames. Gaps are in seconds: `frame_time(i)` gives
    frame i's time (a variable-rate video's own), i / `fps` without it; `max_gap` (frames at `fps`) is the older
    spelling of `max_gap_s`. See docs/face.md for the other thresholds.
    """

    def __init__(self, max_faces: int = 4, detector: Detector | None = None, *, iou_min: float = 0.3,
                 coast_frames: int = 5, max_gap: int | None = None, max_gap_s: float = 5.0,
                 geometry_max: float = 0.05, appearance_min: float = 0.75, search_every: int = 10,
                 identity_min: float = IDENTITY_MIN, fps: float = 30.0,
                 frame_time: Callable[[int], float] | None = None) -> None:
        if max_faces < 1:
            raise InputError(f"max_faces: must be at least 1, got {max_faces}")
        self.max_faces = int(max_faces)
        self._own_detector = detector is None
        self.detector: Detector = (FaceMeshDetector(max_faces=self.max_faces, video_mode=True) if detector is None
                                   else detector)
        self.iou_min, self.coast_frames = iou_min, int(coast_frames)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.max_gap_s = float(max_gap_s) if max_gap is None else int(max_gap) / self.fps
        self._frame_time = frame_time
        self.geometry_max, self.appearance_min = geometry_max, appearance_min
        self.identity_min = identity_min
        self.search_every = int(search_every)
        # The same detector, when its capacity can be steered (checked by duck typing, as for any detector).
        self._adaptive: AdaptiveDetector | None = (
            cast(AdaptiveDetector, self.detector)
            if all(hasattr(self.detector, a) for a in ("set_capacity", "find_faces", "capacity", "reset")) else None)
        self._tracks: dict[int, _Track] = {}
        # every track's TrackRecord (never forgotten: rule 2c reads them after the run, or at each new track)
        self.records: dict[int, TrackRecord] = {}
        self._next_id = 0
        self._last_index: int | None = None
        self._since_search = 0
        self._search_interval = self.search_every
        self._short_frames = 0  # consecutive frames with fewer faces than the detector's capacity
        # splits: new tracks started on a detection that a live track's position matched but its appearance refused
        # refits: frames detected afresh for such a split (FaceMeshDetector.detect_afresh; not those the detector
        # had just detected afresh itself)
        # covers: faces a live track kept on one half of their crop only (PART_MIN: a cover over part of the face)
        # late: faces given a lost track's id by rule 2d (after a track of their own, begun at the frame's edge or
        # under a cover)
        # rule 2d's decisions on tracks begun at the frame's edge: the new track's id -> the lost track's it was
        # given (`final_id`)
        self.merged: dict[int, int] = {}
        self.stats = {"frames": 0, "mesh_calls": 0, "searches": 0, "rebuilds": 0, "seeks": 0, "splits": 0,
                      "refits": 0, "covers": 0, "late": 0}

    # -- public ------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Start afresh, as a new tracker would (ids restart at 0, the detector forgets its tracking)."""
        self._tracks.clear()
        self.records.clear()
        self._next_id = 0
        self._last_index = None
        self._search_interval = self.search_every
        self._detector_reset()

    def unseen(self, frames: int) -> None:
        """`frames` frames just before the next one could not be seen (decoded from damaged data: their picture is
        stale, merstudio.io.keyframes): the tracks carry across them as across one frame, so a face where it was
        keeps its id, and the detector fits the next frame afresh (the face may have moved meanwhile)."""
        if frames <= 0:
            return
        for t in self._tracks.values():
            t.last_frame += frames
        if self._last_index is not None:
            self._last_index += frames
        self._detector_reset()

    def close(self) -> None:
        if self._own_detector and hasattr(self.detector, "close"):
            self.detector.close()

    def __enter__(self) -> FaceTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, frame_index: int, rgb: np.ndarray) -> list[TrackedFace]:
        """The faces in this frame with their track ids, sorted by id.

        Frames normally come in order. A jump back, or forward by more than coast_frames, is taken as a seek: the
        detector's tracking state is dropped and earlier tracks can only come back through re-identification
        (gap = |jump|)."""
        if isinstance(frame_index, bool) or not isinstance(frame_index, int | np.integer) or frame_index < 0:
            raise InputError(f"frame_index: expected an integer >= 0, got {frame_index!r}")
        frame_index = int(frame_index)
        rgb = check_rgb(rgb)
        if self._last_index is not None:
            step = frame_index - self._last_index
            if step <= 0 or step > self.coast_frames:
                self._seek()
        self._last_index = frame_index
        self.stats["frames"] += 1
        observations = self._detect(rgb, frame_index)[: self.max_faces]
        appearance = [appearance_patch(o, rgb) for o in observations]
        pairs, refused = self._continuity(frame_index, observations, appearance, rgb)
        refit = getattr(self.detector, "detect_afresh", None)  # FaceMeshDetector's
        # (not when the detector has just fitted this frame afresh itself: after a blank, or a cut on which the mesh
        # lost every face; a second fresh fit would give the same faces at the cost of a settled fit)
        if ((refused.keys() - {p[3] for p in pairs} or any(p[0] == 2 for p in pairs)) and refit is not None
                and not getattr(self.detector, "fresh", False)):
            # A cut to someone else where a tracked face was: MediaPipe fitted the newcomer in the region of the
            # last person's landmarks. Fit the frame afresh (as on a new face, settled), so the new track starts
            # from a proper fit and its next frame, tracked from it, still looks like it. Likewise a face kept only
            # where it was (a cover over the eyes coming or going: the landmarks tracked through it are off).
            fresh = refit(rgb)
            self.stats["refits"] += 1
            self.stats["mesh_calls"] += 1
            if len(fresh) >= sum(not o.cropped for o in observations):
                observations = (fresh + [o for o in observations if o.cropped])[: self.max_faces]
                appearance = [appearance_patch(o, rgb) for o in observations]
                pairs, refused = self._continuity(frame_index, observations, appearance, rgb)
        return self._associate(frame_index, rgb, observations, appearance, pairs, refused)

    def faces_present(self, rgb: np.ndarray, faces: list[TrackedFace]) -> int:
        """How many faces `rgb` holds: `faces` (this frame's, from `update`) plus the face finder's boxes outside
        them. One finder pass (the small-face search: full range, tiles; else the short-range finder) that `update`
        does not pay: for a frame where the tracker is at max_faces, to say that some went unanalysed."""
        small = getattr(self.detector, "small", None)
        find = small.search if small is not None else getattr(self.detector, "find_faces", None)
        if find is None:
            return len(faces)
        rgb = check_rgb(rgb)
        return len(faces) + sum(not any(centre_inside(b, f.obs.bbox) or centre_inside(f.obs.bbox, b) for f in faces)
                                for b in find(rgb))

    def final_id(self, tid: int) -> int:
        """The id a track's frames carry once rule 2d has decided (module docstring): for a track begun at the
        frame's edge, the id of the lost track it was given; else its own."""
        while tid in self.merged:
            tid = self.merged[tid]
        return tid

    def undecided_from(self) -> int | None:
        """The first frame seen so far whose `final_id` may still change (a track begun at the frame's edge that
        rule 2d still compares with the tracks it may be: at most LATE_WINDOW_S after its first frame), None where
        none may."""
        if self._last_index is None:
            return None
        now = self._time(self._last_index)
        return min((t.first_frame for t in self._tracks.values() if t.late and t.late_tries > 0
                    and now - self._time(t.first_frame) <= LATE_WINDOW_S + _EPS_S), default=None)

    @property
    def track_ids(self) -> list[int]:
        """Ids of all tracks still remembered (seen within max_gap_s, or longer ago for rule 2b)."""
        return sorted(self._tracks)

    def _time(self, frame_index: int) -> float:
        return self._frame_time(frame_index) if self._frame_time is not None else frame_index / self.fps

    def _gap_s(self, frame_index: int, t: _Track) -> float:
        return abs(self._time(frame_index) - self._time(t.last_frame))

    # -- detection with the capacity kept at the number of faces present ---------------------------------------
    def _detector_reset(self) -> None:
        self._since_search = self._short_frames = 0
        if self._adaptive is not None:
            self._adaptive.reset(capacity=self.max_faces)  # after a seek any number of faces may be in view
        elif hasattr(self.detector, "reset"):
            self.detector.reset()

    def _seek(self) -> None:
        self.stats["seeks"] += 1
        for t in self._tracks.values():
            t.continuous = False
        self._detector_reset()

    def _awaited(self, frame_index: int) -> bool:
        """Whether a track that rule 2 may still give back its id missed the frame before (it left the frame, or
        the mesh lost it)."""
        return any(t.continuous and t.last_frame < frame_index - 1 and self._may_return(frame_index, t, t.obs.bbox)
                   for t in self._tracks.values())

    def _detect(self, rgb: np.ndarray, frame_index: int) -> list[FaceObservation]:
        faces = self.detector.detect(rgb)
        self.stats["mesh_calls"] += 1
        det = self._adaptive
        if det is None:
            return faces
        # the mesh's own faces steer its capacity; faces followed in crops (small faces) are not its to track
        n, cap = sum(not f.cropped for f in faces), det.capacity
        if n < cap:
            # MediaPipe runs its face detector on every frame while it tracks fewer faces than its capacity.
            # Accept that for a short while (a face may be coming back), then lower the capacity.
            self._short_frames += 1
            if n >= 1 and self._short_frames >= self.search_every:
                det.set_capacity(n)
                self.stats["rebuilds"] += 1
                self._short_frames = 0
            return faces
        self._short_frames = 0
        if cap >= self.max_faces:
            return faces
        self._since_search += 1
        # While a face that rule 2 could give its id back to is gone, look every frame (the finder alone, about 1 ms):
        # one back 2 s after it left was found 9 frames late by the search every 10. Not while searches back off
        # from a box the mesh cannot confirm (each would rebuild the graph).
        interval = (1 if self._search_interval == self.search_every and self._awaited(frame_index)
                    else self._search_interval)
        if self._since_search < interval:
            return faces
        self._since_search = 0
        self.stats["searches"] += 1
        new = [b for b in det.find_faces(rgb) if not any(centre_inside(b, f.bbox) for f in faces)]
        if not new:
            return faces
        det.set_capacity(n + len(new))
        self.stats["rebuilds"] += 1
        more = det.detect(rgb)  # the rebuilt graph detects afresh, newcomers included
        self.stats["mesh_calls"] += 1
        # ... but it may miss a face the graph before it had fitted in this very frame (the demo's face beside one
        # coming back, in a95's clips): that face stays in the frame, and the newcomer counts as confirmed.
        more += [f for f in faces if not f.cropped and not any(
            centre_inside(f.bbox, g.bbox) or centre_inside(g.bbox, f.bbox) for g in more)]
        # A finder box the mesh cannot confirm (profile, occlusion): search less often to avoid rebuild churn.
        self._search_interval = (self.search_every if sum(not f.cropped for f in more) > n
                                 else min(self._search_interval * 2, 8 * self.search_every))
        return more

    # -- association -------------------------------------------------------------------------------------------
    def _same_person(self, t: _Track, patch: np.ndarray, valid: np.ndarray, rgb: np.ndarray | None = None) -> str:
        """Whether a face found where track t was can be t's face: "same" when its crop correlates with t's running
        mean crop or with t's last crop by at least identity_min (see IDENTITY_MIN); "covered" when only one half of
        it does, by at least PART_MIN (a cover over part of the face), or, with the frame `rgb`, one half of the
        frame cropped where t's face last was (a cover over the eyes moves the eye corners the crop is aligned
        on: the uncovered half read 0.85 aligned, 0.95 in place), "in place" then; "other" otherwise. Too little of
        it inside the frame to compare (under 40 % of the crop) counts as "same": nothing says otherwise; so does a
        face moving over the frame's edge (under EDGE_MIN of its crop inside, and t's last crop cut by the edge too:
        the crop of a face cut off says nothing of who it is)."""
        if valid.mean() < EDGE_MIN and t.last_patch is not None and not t.last_patch[1].all():
            return "same"
        refs = []
        if t.appearance is not None:
            refs.append((t.appearance, valid))
        if t.last_patch is not None:
            refs.append((t.last_patch[0], valid & t.last_patch[1]))
        known = [s for s in (appearance_similarity(patch, v, ref) for ref, v in refs) if s > -1.0]  # -1: too few
        if not known or max(known) >= self.identity_min:
            return "same"
        halves = (appearance_similarity(patch[h], v[h], ref[h]) for ref, v in refs for h in _HALVES)
        if max(halves) >= PART_MIN:
            return "covered"
        if rgb is not None and t.last_matrix is not None and t.last_patch is not None:
            here, inside = _crop(rgb, t.last_matrix)
            last, seen = t.last_patch
            if max(appearance_similarity(here[h], (inside & seen)[h], last[h]) for h in _HALVES) >= PART_MIN:
                return "in place"
        return "other"

    def _continuity(self, frame_index: int, observations: list[FaceObservation],
                    appearance: list[tuple[np.ndarray, np.ndarray]], rgb: np.ndarray,
                    ) -> tuple[list[tuple[int, float, int, int]], dict[int, set[int]]]:
        """Rule 1's candidates: (part, cost, track id, observation index) for each track seen within coast_frames
        and each detection near it (overlap or landmark distance) that looks like it, wholly (part 0) or by one
        half only, aligned (1) or where the face was (2: its landmarks may be off), taken in that order; and, by
        observation index, the live tracks a detection was near but does not look like (another person in the
        same place: a cut)."""
        pairs = []
        refused: dict[int, set[int]] = {}
        for tid, t in self._tracks.items():
            gap = frame_index - t.last_frame
            if not t.continuous or not 0 < gap <= self.coast_frames:
                continue
            size = _size(t.obs.bbox)
            for j, o in enumerate(observations):
                iou = box_iou(t.obs.bbox, o.bbox)
                dist = float(np.mean(np.linalg.norm(o.landmarks - t.obs.landmarks, axis=1))) / size
                if iou >= self.iou_min or dist <= 0.25:
                    same = self._same_person(t, *appearance[j], rgb)
                    if same in ("covered", "in place") and any(
                            other.appearance is not None and other_id != tid
                            and self._gap_s(frame_index, other) <= self.max_gap_s + _EPS_S
                            and appearance_similarity(*appearance[j], other.appearance) >= self.identity_min
                            for other_id, other in self._tracks.items()):
                        # wholly another known face, by one half this one's: a cover lifting off a face whose
                        # cover began a track of its own. Refused, so the frame is fitted afresh and the face
                        # re-identified (rule 2), not kept on the cover's track with the cover's landmarks.
                        same = "other"
                    if same == "other":
                        refused.setdefault(j, set()).add(tid)
                    else:
                        part = {"same": 0, "covered": 1, "in place": 2}[same]
                        pairs.append((part, (1.0 - iou) + dist, tid, j))
        return pairs, refused

    def _reid_cost(self, frame_index: int, t: _Track, o: FaceObservation, patch: tuple[np.ndarray, np.ndarray],
                   vis: np.ndarray) -> float | None:
        """Rule 2 for one track and one detection (`patch`: its crop and mask, `vis`: which signature points lie
        inside the frame): the cost of giving the detection the track's id, None where it is not clearly the same
        person (docs/face.md)."""
        if not self._may_return(frame_index, t, o.bbox):
            return None
        return self._identity_cost(t, o, patch, vis)

    def _may_return(self, frame_index: int, t: _Track, box: tuple[float, ...]) -> bool:
        """Rule 2's time and place: a face at `box` in frame `frame_index` may be lost track t's (a signature to
        compare, the gap within max_gap_s, the face's centre within reach of where t was last seen)."""
        if t.geometry is None or t.appearance is None:
            return False
        gap = self._gap_s(frame_index, t)  # 0 when the same frame is shown again after a seek
        if gap > self.max_gap_s + _EPS_S:
            return False
        # 0.05 face sizes a frame at 30 fps
        return bool(np.linalg.norm(_centre(box) - _centre(t.obs.bbox)) <= _size(t.obs.bbox) * (1.0 + 1.5 * gap))

    def _identity_cost(self, t: _Track, o: FaceObservation, patch: tuple[np.ndarray, np.ndarray],
                       vis: np.ndarray) -> float | None:
        """Rule 2's identity: the cost of the detection being t's face, None unless its geometry and appearance
        both agree with t's signature: its running means or, for t lost under a cover, also those before the cover
        (`known`: the running means took the cover in), the better of the two."""
        before = self._before_cover(t)
        sigs = [(t.appearance, t.geometry)] + ([before] if before is not None else [])
        costs = [c for app, geo in sigs if (c := self._signature_cost(app, geo, o, patch, vis)) is not None]
        return min(costs, default=None)

    @staticmethod
    def _before_cover(t: _Track) -> tuple[np.ndarray, np.ndarray] | None:
        """t's signature before a cover, where it was lost (or is) under one; None where not, or where its signature
        was cleared since (the analysis's restart: a split run's segment, begun there, never knew it)."""
        return t.known if t.covered and t.known is not None and t.appearance is not None else None

    def _signature_cost(self, app: np.ndarray | None, geo: np.ndarray | None, o: FaceObservation,
                        patch: tuple[np.ndarray, np.ndarray], vis: np.ndarray) -> float | None:
        """_identity_cost against one signature (running mean crop `app`, geometry `geo`)."""
        if geo is None or app is None:
            return None
        g = self._geometry_distance(geo, o, vis)
        if g is None:
            return None
        a = appearance_similarity(*patch, app)
        if g <= self.geometry_max and a >= self.appearance_min:
            return g / self.geometry_max + (1.0 - a)
        return None

    @staticmethod
    def _geometry_distance(geometry: np.ndarray | None, o: FaceObservation, vis: np.ndarray) -> float | None:
        """signature_distance of the detection to a track's geometry signature over the point pairs inside the frame
        (a face coming back over the frame edge), None when under 30 % of them are."""
        pair_ok = vis[_PAIRS[:, 0]] & vis[_PAIRS[:, 1]]
        if pair_ok.mean() < 0.3 or geometry is None:
            return None
        return signature_distance(geometry_signature(o), geometry, pair_ok)

    def _returns(self, frame_index: int, observations: list[FaceObservation],
                 appearance: list[tuple[np.ndarray, np.ndarray]], sig_visible: dict[int, np.ndarray],
                 free_obs: set[int], matched: dict[int, int], refused: dict[int, set[int]]) -> dict[int, int]:
        """Rule 2b: detection index -> the id of a track gone longer than max_gap_s, where the face is clearly that
        track's (RETURN_MIN, RETURN_MARGIN); a track two detections ask for goes to neither. Tracks gone while the
        frames came in order only (no seek since)."""
        present = set(matched.values())
        # not across a seek: frames skipped unseen may hold anyone (rule 2 with gap = |jump| still applies)
        gone = {tid for tid, t in self._tracks.items()
                if tid not in present and t.continuous and t.appearance is not None and t.geometry is not None
                and self._gap_s(frame_index, t) > self.max_gap_s + _EPS_S}
        if not gone:
            return {}
        asked: dict[int, list[int]] = {}
        for j in sorted(free_obs):
            tid = self._return_choice(observations[j], appearance[j], sig_visible[j], gone - refused.get(j, set()))
            if tid is not None:
                asked.setdefault(tid, []).append(j)
        return {js[0]: tid for tid, js in asked.items() if len(js) == 1}

    def _return_choice(self, o: FaceObservation, patch: tuple[np.ndarray, np.ndarray], vis: np.ndarray,
                       cands: set[int], itself: int | None = None) -> int | None:
        """Rule 2b's decision for one face (`patch`: its crop and mask, `vis`: which signature points lie inside the
        frame) among the tracks `cands` gone longer than max_gap_s: the id it clearly is (RETURN_MIN, the geometry,
        RETURN_MARGIN over every other known face but `itself`, the face's own track), None where none."""
        score = {tid: appearance_similarity(*patch, t.appearance) for tid, t in self._tracks.items()
                 if t.appearance is not None and tid != itself}
        ok = {tid for tid in cands if tid in score and score[tid] >= RETURN_MIN
              and (g := self._geometry_distance(self._tracks[tid].geometry, o, vis)) is not None
              and g <= self.geometry_max}
        if not ok:
            return None
        best = max(ok, key=lambda tid: score[tid])
        full = np.ones((_APPEARANCE_SIZE, _APPEARANCE_SIZE), bool)
        ref = cast(np.ndarray, self._tracks[best].appearance)
        kin = {tid for tid in ok if tid == best or (
            tid not in self._tracks[best].together
            and appearance_similarity(cast(np.ndarray, self._tracks[tid].appearance), full, ref) >= RETURN_MIN)}
        if any(s > score[best] - RETURN_MARGIN for tid, s in score.items() if tid not in kin):
            return None  # another known face looks nearly as much like it
        return max(kin, key=lambda tid: self._tracks[tid].last_frame)

    def _associate(self, frame_index: int, rgb: np.ndarray, observations: list[FaceObservation],
                   appearance: list[tuple[np.ndarray, np.ndarray]], pairs: list[tuple[int, float, int, int]],
                   refused: dict[int, set[int]]) -> list[TrackedFace]:
        matched: dict[int, int] = {}  # observation index -> track id
        free_obs = set(range(len(observations)))

        # (1) continuity: tracks seen within coast_frames, by overlap and landmark distance, when the face looks
        # like the track's (a cut to another person in the same place is followed by MediaPipe without a break).
        # Whole matches first, then those on one half only (a covered face).
        sig_visible = {j: _visible(o, rgb.shape, _SIG_IDX) for j, o in enumerate(observations)}
        seen = [face_seen(rgb, o) for o in observations]
        for part, _, tid, j in sorted(pairs):
            if j in free_obs and tid not in matched.values():
                matched[j] = tid
                free_obs.discard(j)
                self.stats["covers"] += part > 0

        # (2) re-identification of lost tracks, only where it is clearly the same person.
        if free_obs:
            taken = set(matched.values())
            cands = []
            for tid, t in self._tracks.items():
                if tid in taken:
                    continue
                for j in free_obs:
                    if tid in refused.get(j, ()):
                        continue
                    cost = self._reid_cost(frame_index, t, observations[j], appearance[j], sig_visible[j])
                    if cost is not None:
                        cands.append((cost, tid, j))
            for _, tid, j in sorted(cands):
                if j in free_obs and tid not in matched.values() and tid in self._tracks:
                    matched[j] = tid
                    free_obs.discard(j)
                    self._tracks[tid].reidentified.append(frame_index)
                    self._uncovered(self._tracks[tid], observations[j], appearance[j], sig_visible[j])
                    # a track begun at the edge that may be tid, whose face in its place (refused: the crop of its
                    # first fit) rule 2 gives tid: its frames were tid's (a one-frame track)
                    for r in refused.get(j, ()):
                        u = self._tracks.get(r)
                        if u is not None and tid in u.late and u.late_tries > 0 and r not in matched.values():
                            self._absorb(r, tid)
                            self.merged[r] = tid

        # (2b) a face back after longer than max_gap_s (a screen share): only where it is clearly that track's.
        if free_obs:
            for j, tid in self._returns(frame_index, observations, appearance, sig_visible, free_obs, matched,
                                        refused).items():
                matched[j] = tid
                free_obs.discard(j)
                self._tracks[tid].reidentified.append(frame_index)

        # (3) new tracks.
        taken = set(matched.values())
        for j in sorted(free_obs):
            if j in refused:
                self.stats["splits"] += 1
            tid = self._next_id
            self._next_id += 1
            t = self._tracks[tid] = _Track(tid, observations[j], frame_index, hits=0, first_frame=frame_index)
            matched[j] = tid
            vis = sig_visible[j]
            if not self._measurable(appearance[j][1], vis) or not appearance[j][1].all():
                # (2d) cut by the frame's edge: rule 2 could not tell who it is (or the first fit of a face coming
                # in read off); the lost tracks it may be are compared again once it is in view
                t.late = {k for k, u in self._tracks.items() if k != tid and k not in taken and u.continuous
                          and u.last_frame < frame_index and k not in refused.get(j, ())
                          and self._may_return(frame_index, u, observations[j].bbox)}
                t.late_tries = LATE_TRIES
            # (2d) near a face lost under a cover: found still (partly) under it, it may be that face; and a face
            # found with its eyes or mouth covered may be any face lost before it (the one it split from too: that
            # refusal saw the cover), there or gone longer than max_gap_s
            hidden = not seen[j]
            t.uncover = {k for k, u in self._tracks.items() if k != tid and k not in taken and u.continuous
                         and u.last_frame < frame_index and (hidden or (u.covered and k not in refused.get(j, ())))
                         and (self._may_return(frame_index, u, observations[j].bbox)
                              or (u.appearance is not None and u.geometry is not None
                                  and self._gap_s(frame_index, u) > self.max_gap_s + _EPS_S))}
            t.uncover_tries = LATE_TRIES
            self.records[tid] = TrackRecord(
                frame_index, *appearance[j], geometry_signature(observations[j]), vis[_PAIRS[:, 0]] & vis[_PAIRS[:, 1]],
                max((appearance_similarity(*appearance[j], t.appearance) for t in self._tracks.values()
                     if t.appearance is not None), default=-1.0))

        # (2d) a face that came back over the frame's edge or from under a cover, now in view: its lost track's id
        # from here on.
        self._late_returns(frame_index, observations, appearance, sig_visible, seen, matched)

        out = []
        ids = set(matched.values())
        for tid in ids:
            t = self._tracks[tid]
            if t.n_sig == 0:  # counted from where its signature (re)starts: a restart clears both, as a new run has
                t.together.clear()
            t.together.update(ids - {tid})
        for j, tid in matched.items():
            t = self._tracks[tid]
            o = observations[j]
            t.obs, t.last_frame, t.continuous = o, frame_index, True
            t.hits += 1
            t.last_patch = appearance[j]
            t.last_matrix = _alignment(o, rgb.shape)
            # A face in view that no longer looks like the track's running mean, or whose eyes or mouth are covered,
            # is under a cover: once the means hold a frame with its eyes and mouth in view they take in only such
            # frames that also look like them (or the first 30 of them: still forming), so that a face back after a
            # long cover is compared with itself (rule 2b: a cover taken in read below its bar) and the track lost
            # under a cover with the face before it. Until then (a track begun under a cover, dark glasses) they
            # take in every frame, and the first such frame starts them again.
            whole = (t.appearance is None or appearance[j][1].mean() < EDGE_MIN
                     or appearance_similarity(*appearance[j], t.appearance) >= self.identity_min)
            if t.blind and seen[j]:
                t.n_sig = 0
            if t.n_sig == 0 or t.blind or (seen[j] and (whole or t.n_sig < _SETTLE)):
                before = t.n_sig
                self._update_signature(t, o, appearance[j][0])
                if t.n_sig > before:
                    t.blind = not seen[j] and (before == 0 or t.blind)
            t.covered = not (whole and seen[j])
            if whole and t.appearance is not None and t.geometry is not None:
                t.known = (t.appearance, t.geometry)
            rec = self.records[tid]
            rec.last, rec.appearance, rec.geometry_end = frame_index, t.appearance, t.geometry
            rec.met.update(ids - {tid})
            out.append(TrackedFace(tid, o))
        # Forget tracks too old to be re-identified (keeps memory flat over long videos): past max_gap_s those
        # rule 2b cannot take (no signature: a restart clears them; a seek since), past RETURN_MEMORY_S all, and all
        # but the RETURN_TRACKS seen last.
        gone = sorted(((self._gap_s(frame_index, t), tid) for tid, t in self._tracks.items()
                       if self._gap_s(frame_index, t) > self.max_gap_s + _EPS_S))
        kept = 0
        for gap, tid in gone:
            t = self._tracks[tid]
            if (t.appearance is None or t.geometry is None or not t.continuous or gap > RETURN_MEMORY_S
                    or kept >= RETURN_TRACKS):
                del self._tracks[tid]
            else:
                kept += 1
        return sorted(out, key=lambda f: f.track_id)

    @staticmethod
    def _measurable(valid: np.ndarray, vis: np.ndarray) -> bool:
        """Whether a face's crop (`valid`: its pixels inside the frame) and geometry (`vis`: its signature points
        inside) are in view enough to tell who it is: EDGE_MIN of the crop, 30 % of the point pairs."""
        return bool(valid.mean() >= EDGE_MIN and (vis[_PAIRS[:, 0]] & vis[_PAIRS[:, 1]]).mean() >= 0.3)

    def _late_returns(self, frame_index: int, observations: list[FaceObservation],
                      appearance: list[tuple[np.ndarray, np.ndarray]], sig_visible: dict[int, np.ndarray],
                      seen: list[bool], matched: dict[int, int]) -> None:
        """Rule 2d: a track begun on a face cut by the frame's edge (`late`: the lost tracks it may be), on one of
        its first LATE_TRIES frames in view within LATE_WINDOW_S, or begun under a cover (`uncover`: near faces lost
        under one, or any lost face where its eyes or mouth were covered), on any frame in view while rule 2 may give
        them back (gap and place), takes the id of the one of them that rule 2's bars say it is, from this frame on
        (its earlier frames keep the id they had); of those gone longer than max_gap_s (a cover of more than 5 s), the
        one rule 2b's bars say it is, on the first LATE_TRIES frames with its eyes and mouth seen (`seen`) on which it
        passes rule 2's bars for one of them.
        That track must still be gone since before the new one began and never seen with it, and a track two such
        faces ask for goes to neither. `matched` is updated."""
        present = set(matched.values())
        asked: dict[int, list[tuple[float, int]]] = {}
        edge: dict[int, set[int]] = {}  # detection -> the tracks lost where it came in over the edge (`late`)
        for j, tid in matched.items():
            t = self._tracks[tid]
            if not t.late and not t.uncover:
                continue
            if t.late and self._time(frame_index) - self._time(t.first_frame) > LATE_WINDOW_S + _EPS_S:
                t.late.clear()
            near = {k for k in t.uncover if k in self._tracks
                    and self._gap_s(frame_index, self._tracks[k]) <= self.max_gap_s + _EPS_S}
            far = {k for k in t.uncover - near if k in self._tracks} if t.uncover_tries > 0 else set()
            t.uncover = near | far
            if not self._measurable(appearance[j][1], sig_visible[j]):
                continue
            edge[j] = set(t.late)
            cands = set(t.late) | {k for k in near if self._may_return(frame_index, self._tracks[k], observations[j].bbox)}
            if t.late:
                t.late_tries -= 1
                if t.late_tries <= 0:
                    t.late.clear()
            costs = [(c, k) for k in cands if k in self._tracks and k not in present and k not in t.together
                     and self._tracks[k].last_frame < t.first_frame
                     and (c := self._identity_cost(self._tracks[k], observations[j], appearance[j],
                                                   sig_visible[j])) is not None]
            if costs:
                cost, k = min(costs)
                asked.setdefault(k, []).append((cost, j))
                continue
            far = {k for k in far if k not in present and k not in t.together
                   and self._tracks[k].last_frame < t.first_frame}
            # a try: a frame on which it passes rule 2's bars for one of them (never under the cover: those frames
            # read below them)
            if far and seen[j] and any(self._identity_cost(self._tracks[k], observations[j], appearance[j],
                                                           sig_visible[j]) is not None for k in far):
                t.uncover_tries -= 1
                back = self._return_choice(observations[j], appearance[j], sig_visible[j], far, itself=tid)
                if back is not None:
                    asked.setdefault(back, []).append((0.0, j))
        for k, js in asked.items():
            if len(js) != 1:
                continue
            j = js[0][1]
            tid = matched[j]
            old = self._absorb(tid, k)
            matched[j] = k
            old.reidentified.append(frame_index)
            if k in edge.get(j, ()):
                self.merged[tid] = k
            self._uncovered(old, observations[j], appearance[j], sig_visible[j])
            self.stats["late"] += 1

    def _absorb(self, tid: int, k: int) -> _Track:
        """Track tid was track k's face (rule 2d): tid is dropped, and whom it was seen with, k was. Returns k's."""
        new = self._tracks.pop(tid)
        old = self._tracks[k]
        old.together |= new.together
        self.records[k].met |= self.records[tid].met
        for u in self._tracks.values():
            if tid in u.together:
                u.together.add(k)
            u.late.discard(tid)
            u.uncover.discard(tid)
        for r in self.records.values():
            if tid in r.met:
                r.met.add(k)
        return old

    def _uncovered(self, t: _Track, o: FaceObservation, patch: tuple[np.ndarray, np.ndarray], vis: np.ndarray) -> None:
        """t, lost under a cover, was just given back its face (rule 2 or 2d): where that looks more like t's face
        before the cover than like its running means (which took the cover in), that is its signature again."""
        known = self._before_cover(t)
        if known is None:
            return
        before = self._signature_cost(*known, o, patch, vis)
        now = self._signature_cost(t.appearance, t.geometry, o, patch, vis)
        if before is not None and (now is None or before <= now):
            t.appearance, t.geometry = known
            t.covered = False

    @staticmethod
    def _update_signature(t: _Track, o: FaceObservation, a: np.ndarray) -> None:
        # Only faces wholly inside the frame: MediaPipe guesses the landmarks of a cut-off face.
        if o.confidence < 0.99:
            return
        g = geometry_signature(o)
        t.n_sig += 1
        w = 1.0 / min(t.n_sig, _SETTLE)  # running mean over the first 30 frames, then a slow moving average
        t.geometry = g if t.geometry is None else (1 - w) * t.geometry + w * g
        t.appearance = a if t.appearance is None else (1 - w) * t.appearance + w * a


class ReturnLabels:
    """Rule 2c: a face back across a restart (the analysis's, every keyframe_s, which clears the signatures rule 2b
    reads) takes the id of a face gone before that restart, by the TrackRecords of both, decided when the new
    track is first seen: what an unsplit run decides as it goes, and a split run's merge decides on the segments'
    records (the same records: every one is computed from frames after a restart).

    `final`: each track's id (tracks numbered from 0 in the order they are first seen, less those given an earlier
    face's id). A face gone before the latest restart (and more than coast_frames ago: it cannot come back by
    continuity) is a candidate while RETURN_MEMORY_S lasts, the RETURN_TRACKS seen last; its face is the running
    mean crop and geometry at its last frame. The new track's first crop must correlate >= RETURN_MIN with it, the
    geometry agree, and every other face, gone (its id's latest crop) or known to the tracker when the new track
    began (its `rival`), correlate at least RETURN_MARGIN less; earlier ids of the same look never seen in a frame
    with the best one are the same person split before, and the one seen last takes the face. A face two new
    tracks of one frame ask for goes to neither. Faces seen in one frame are never given one id: a candidate was
    gone before the new track began."""

    def __init__(self, time: Callable[[int], float], coast_frames: int = 5, geometry_max: float = 0.05) -> None:
        self._time, self.coast_frames, self.geometry_max = time, int(coast_frames), geometry_max
        self.final: dict[int, int] = {}
        self._members: dict[int, list[int]] = {}  # id given -> the tracks under it, in the order first seen
        self._next = 0

    def arrive(self, frame: int, new: list[int], records: dict[int, TrackRecord], restart: int | None) -> None:
        """Give `new` (the tracks first seen at `frame`, in the tracker's order) their ids; `restart`: the latest
        restart at or before `frame` (None: none yet)."""
        if not new:
            return
        gone = self._gone(frame, records, restart) if restart is not None else {}
        asked: dict[int, list[int]] = {}
        for tid in new:
            target = self._choose(records[tid], gone, records)
            if target is not None:
                asked.setdefault(target, []).append(tid)
        given = {js[0]: gid for gid, js in asked.items() if len(js) == 1}
        for tid in new:
            gid = given.get(tid)
            if gid is None:
                gid = self._next
                self._next += 1
            self.final[tid] = gid
            self._members.setdefault(gid, []).append(tid)

    def _gone(self, frame: int, records: dict[int, TrackRecord], restart: int) -> dict[int, TrackRecord]:
        """Id -> the record of its track seen last, for the ids all of whose tracks were last seen before
        `restart` (and coast_frames before `frame`) with a face to compare, within RETURN_MEMORY_S."""
        out = {}
        for gid, tids in self._members.items():
            recs = [records[t] for t in tids]
            last = max(recs, key=lambda r: r.last)
            if (last.last < restart and last.last < frame - self.coast_frames and last.appearance is not None
                    and last.geometry_end is not None
                    and self._time(frame) - self._time(last.last) <= RETURN_MEMORY_S + _EPS_S):
                out[gid] = last
        kept = sorted(out, key=lambda g: -out[g].last)[:RETURN_TRACKS]
        return {g: out[g] for g in sorted(kept)}

    def _choose(self, new: TrackRecord, gone: dict[int, TrackRecord], records: dict[int, TrackRecord]) -> int | None:
        if not gone or new.pairs.mean() < 0.3:
            return None
        score = {gid: appearance_similarity(new.patch, new.valid, cast(np.ndarray, r.appearance))
                 for gid, r in gone.items()}
        cands = [gid for gid, r in gone.items() if score[gid] >= RETURN_MIN and signature_distance(
            new.geometry, cast(np.ndarray, r.geometry_end), new.pairs) <= self.geometry_max]
        if not cands:
            return None
        best = max(cands, key=lambda g: score[g])
        full = np.ones((_APPEARANCE_SIZE, _APPEARANCE_SIZE), bool)
        ref = cast(np.ndarray, gone[best].appearance)
        kin = {g for g in cands if g == best or (not self._met(g, best, records) and appearance_similarity(
            cast(np.ndarray, gone[g].appearance), full, ref) >= RETURN_MIN)}
        if new.rival > score[best] - RETURN_MARGIN or any(
                s > score[best] - RETURN_MARGIN for g, s in score.items() if g not in kin):
            return None  # another face looks nearly as much like it
        return max(kin, key=lambda g: gone[g].last)

    def _met(self, a: int, b: int, records: dict[int, TrackRecord]) -> bool:
        """Whether a track of id a was ever seen in a frame with one of id b."""
        others = set(self._members[b])
        return any(records[t].met & others for t in self._members[a])


__all__ = ["FaceTracker", "ReturnLabels", "TrackRecord", "TrackedFace", "geometry_signature", "signature_distance",
           "appearance_patch", "appearance_similarity"]
