"""The streaming analysis pipeline: frames in, OpenFace-style per-frame rows out.

One implementation serves the CLI (`merstudio analyze`) and the GUI's worker. It never holds more than the current
frame (plus the model's short sliding window, and the faces of the few frames a cover decision reads ahead or a face
back over the frame's edge takes to be told, at most 3 s); rows are yielded as soon as they are known, and the
per-track motion signal (one float per frame) is kept for spotting at the end.

A segment (`Analysis(..., span=(start, stop), warmup=W)`, see merstudio.analysis.segments) runs frames
[start - W, stop) and yields the rows of [start, stop) only: the warm-up frames bring tracking, alignment
smoothing, the micro-motion baseline, AU6's median and presence hysteresis to the state an unsplit run has at
`start`. It also reads its tail, the frames after `stop` that an unsplit run has read when its rows up to `stop`
leave (the blink look-ahead and AU6's centred window finish a face from the frames after it), their rows dropped.
Three choices make that state reachable from a fresh start (they apply to unsplit runs too):
- MediaPipe's face mesh tracks each face from the previous frame's landmarks, and two runs that started at
  different frames do not converge to the same landmarks (sub-pixel differences persist for seconds). So every
  run restarts the per-face state on a fixed grid of frames, `restart_frames` (every `keyframe_s`, 60 s, `warmup`
  frames before each grid point): the mesh and hand graphs are rebuilt (the faces are detected afresh, as
  MediaPipe does whenever the number of tracked faces changes), the alignment smoothing, the AU presence
  hysteresis, the model's motion-gate noise floor and the tracker's re-identification signatures start over; track ids, continuity, the micro-motion
  baseline and AU6's 0.25 s median carry on (the warm-up refills them). A face gone before a restart and back after
  it gets its id back by the tracks' records (merstudio.face.tracker.ReturnLabels: decided as each track begins, on
  faces seen after a restart; a split run's merge decides the same on the segments' records); the rows carry that
  id, the per-face stages inside keep the tracker's. A segment that starts at a grid point
  begins its warm-up at such a restart, so from there its state is the unsplit run's (merstudio.analysis.segments).
  The price in an unsplit run: the faces are detected afresh twice (at the restart and when the tracker lowers
  the mesh's capacity 10 frames later, as at the start of every video), each time fitted until the fit settles
  (merstudio.face.detector). On the real test clip with a restart every second (72 frames) against none: motion
  within 0.03 units (below its noise floor), pose within 0.005 rad, AU intensities within 0.10, no presence
  value flipped, no spot added. `keyframe_s=None` turns restarts off (then a split run is not exact);
- hands are looked for on frames that are multiples of `every` (and on every frame while a hand is seen), not
  `every` frames after the last look, whose phase would depend on the whole history;
- the blendshape network never runs on a batch of one face (numpy's matrix-vector path rounds differently from
  the matrix-matrix path a batch of 2..8 takes): a lone face is evaluated with a copy of itself.
"""

from __future__ import annotations

import bisect
import inspect
import math
import os
import queue
import threading
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from merstudio.analysis.proposals import RISE, describe_interval, release
from merstudio.analysis.revision import ANALYSIS_REVISION as ANALYSIS_REVISION
from merstudio.analysis.revision import analysis_revision as analysis_revision
from merstudio.errors import InputError
from merstudio.face.boxes import Box, box_area
from merstudio.face.landmarks import LANDMARK_X, LANDMARK_Y, N_LANDMARKS, landmark_columns
from merstudio.face.orientation import TURNS

if TYPE_CHECKING:  # the tracker itself is imported where an analysis runs (start-up cost)
    from merstudio.face.tracker import TrackedFace
from merstudio.features.aus import (
    AUS,
    MICRO_COLUMNS,
    MOTION_COLUMNS,
    POSE_COLUMNS,
    PRESENCE_ON,
    STILL_UNRELIABLE_AU,
    au6_window,
    au_c,
    au_r,
    au_side,
    covered_notes,
    side_columns,
)
from merstudio.features.blendshape_aus import SIDED
from merstudio.features.micromotion import MICRO_AUS, MOTION_REGIONS, extend_interval, transient_signal
from merstudio.features.spotting import Interval, spot, too_long
from merstudio.io import FrameSource, open_source
from merstudio.names import FACE_LIMIT_AUTO as FACE_LIMIT_AUTO
from merstudio.names import PHOTO_MAX_FACES as PHOTO_MAX_FACES
from merstudio.names import VIDEO_MAX_FACES as VIDEO_MAX_FACES
from merstudio.threads import single_threaded_numerics

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

BASE_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")
# The micro-motion signal's floor on a still real face (0.05-0.1 units: flow noise and landmark jitter); spot
# scores are in units of max(noise, this).
MOTION_NOISE = 0.03


@dataclass
class AnalysisSettings:
    """What the pipeline computes. Defaults are what `merstudio analyze` uses."""

    flow: str = "dis"  # dis | farneback | tvl1
    # faces analysed per frame; None: VIDEO_MAX_FACES in a video, PHOTO_MAX_FACES in a photo (see face_limit)
    max_faces: int | None = None
    landmarks: bool = False  # add mp_x_0..mp_x_467, mp_y_0..mp_y_467 (frame pixels; face.landmarks.landmark_columns)
    checkpoint: Path | None = None  # learned model: adds p_<class> and AUxx_p columns
    device: str | None = None  # None = CUDA when available, else CPU
    # hands over the face, covers over the lips or eyes, regions beyond the frame's edge: their AUs read NaN (~3.5 ms
    # per frame)
    occlusion: bool = True
    # degrees clockwise the frames are turned before faces are found (0, 90, 180, 270; landmarks are turned back);
    # None: chosen from the faces of a few frames (merstudio.face.orientation.choose_turn)
    turn: int | None = None
    motion_lag_s: float = 0.2  # micro-motion baseline lag (merstudio.features.micromotion)
    # the per-face state restarts every keyframe_s seconds (module docstring), so that a run split into segments
    # at these points gives the rows of an unsplit run; None: never (then a split run is not exact)
    keyframe_s: float | None = 60.0
    # the learned model judges only frames whose movement stands out from the face's noise floor (the rest NaN:
    # merstudio.model.inference, motion gate); False: every face frame
    model_gate: bool = True


# ANALYSIS_REVISION (bump it there) and analysis_revision live in merstudio.analysis.revision: readers of a stored
# run's revision (`merstudio project show`) need none of this module's libraries


PAST_LIMIT = ": more faces than the limit: "  # the run's line for faces left unanalysed (Analysis.limit_warning)
# VIDEO_MAX_FACES, PHOTO_MAX_FACES and FACE_LIMIT_AUTO are defined in merstudio.names (`analyze --help` says them)


def face_limit(settings: AnalysisSettings, frame_count: int) -> int:
    """The most faces analysed per frame: the setting, or by default 4 in a video and 16 in a photo (one frame)."""
    if settings.max_faces is not None:
        return settings.max_faces
    return PHOTO_MAX_FACES if frame_count == 1 else VIDEO_MAX_FACES


# While a video's faces fill the limit, the face finder looks for more every this many frames (one pass over the
# frame and its tiles, as the small-face search does below the limit): once a run is enough to say it.
LIMIT_LOOK_EVERY = 30


WARMUP_S = 1.0  # seconds of frames a segment runs before its first row (at least warmup_frames' minimum)
# seconds of frames a segment reads whole past its end, at most: its last faces' AUs wait for the frames after them
# (Analysis._read_stop); the run stops reading once its last row has left
SEGMENT_TAIL_S = 2.0


def warmup_frames(fps: float, motion_lag_s: float = 0.2) -> int:
    """Frames of warm-up before a segment's first row (and between a restart and its grid point): they must cover
    the micro-motion baseline (lag k), the tracker's coasting (5 frames) and AU6's median window."""
    k = max(1, int(round(motion_lag_s * fps)))
    return max(int(math.ceil(WARMUP_S * fps)), k + 5 + au6_window(fps) + 2)


def keyframe_frames(settings: AnalysisSettings, fps: float) -> int | None:
    """The grid of restarts and possible seams, in frames (None: no restarts)."""
    if settings.keyframe_s is None or not settings.keyframe_s > 0:
        return None
    return max(1, int(round(settings.keyframe_s * fps)))


def restart_frames(settings: AnalysisSettings, fps: float, first: int, stop: int) -> set[int]:
    """The frames in [first, stop) before which the per-face state restarts: `warmup` frames before each grid
    point m * keyframe (m >= 1)."""
    grid = keyframe_frames(settings, fps)
    if grid is None:
        return set()
    w = warmup_frames(fps, settings.motion_lag_s)
    points = (m * grid - w for m in range(max(1, (first + w) // grid), (stop + w) // grid + 2))
    return {r for r in points if max(first, 1) <= r < stop}


@dataclass
class SpotRow:
    face_id: int
    onset: int
    apex: int
    offset: int
    score: float
    onset_time: float
    apex_time: float
    offset_time: float


_N_SIG = len(MOTION_REGIONS) + 3 + len(AUS) + len(MICRO_AUS)  # regions, motion, blink, turn, AUs, micro AUs
_AU0 = len(MOTION_REGIONS) + 3  # the first learned-AU column of a _TrackSignals table


class _TrackSignals:
    """Per-frame values of one track, appended in frame order as float32 (a 3-hour video at 30 fps, one face:
    about 30 MB), read back as arrays over the processed frames."""

    def __init__(self) -> None:
        self.frames = array("i")
        self.values = array("f")

    def add(self, frame: int, regions: list[float], motion: float, blink: bool, turn: bool,
            aus: list[float], micro_aus: list[float]) -> None:
        self.frames.append(frame)
        self.values.extend([*regions, motion, float(blink), float(turn), *aus, *micro_aus])

    def keep_before(self, n: int) -> None:
        """Forget the values of frames n and later (a run stopped part-way: frames whose rows never left)."""
        f = np.frombuffer(self.frames, dtype=np.int32)
        keep = f < n
        if keep.all():
            return
        v = np.frombuffer(self.values, dtype=np.float32).reshape(-1, _N_SIG)[keep]
        self.frames, self.values = array("i", f[keep].tobytes()), array("f", v.tobytes())

    def table(self, n: int) -> np.ndarray:
        """(n, _N_SIG) over frames 0..n-1, NaN where the track has no row."""
        out = np.full((n, _N_SIG), np.nan)
        f = np.frombuffer(self.frames, dtype=np.int32)
        v = np.frombuffer(self.values, dtype=np.float32).reshape(-1, _N_SIG)
        keep = f < n
        out[f[keep]] = v[keep]
        return out


@dataclass
class Analysis:
    """One run of the pipeline over one source. Iterate `rows()`; afterwards `spots()` and the counters are set.
    `rows()` again runs afresh (a notebook cell run twice): the counters, warnings and spots are the new run's.

    `source`: a FrameSource (`merstudio.io.open_source`; the caller closes it), or a path, which is opened here
    and closed when `rows()` ends (and opened again by the next `rows()`). `settings`: an AnalysisSettings. For the
    whole table at once: `merstudio.analysis.frame_table`."""

    source: FrameSource
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    # frames analysed; after a run stopped part-way, the frames whose rows were all given (spots() covers these)
    frames_done: int = 0
    cancelled: bool = False  # stopped before the end: by `cancel()`, or rows() closed part-way or Ctrl-C
    device: str = "cpu"
    class_names: list[str] = field(default_factory=list)
    model_aus: list[int] = field(default_factory=list)
    checkpoint_sha256: str = ""  # of the checkpoint file loaded (the result records it: a rerun sees it changed)
    # a segment: yield the rows of frames [start, stop) only, after `warmup` frames before start (None = all)
    span: tuple[int, int] | None = None
    warmup: int = 0
    # a segment's face boxes (frame, track id, bbox) in its warm-up and its last `keep_boxes` frames: what the
    # merge matches track ids by; a photo's (one frame) face boxes: which face is which in its plots
    keep_boxes: int = 0
    boxes: list[tuple[int, int, Box]] = field(default_factory=list)
    # per track, the frame where its face box was largest inside the frame (keep_portrait), and that box (file
    # pixels): a picture of who each track is, for the face sheet of `merstudio analyze --plot` (a few numbers)
    portraits: dict[int, tuple[int, Box]] = field(default_factory=dict)
    # per track, compact (4 bytes a value): what spotting reads after the stream (frames counted from `start`)
    _signals: dict[int, _TrackSignals] = field(default_factory=dict)
    _lag: int = 1
    turned: int | None = None  # the turn used (settings.turn, or the one chosen): known once rows() has started
    warnings: list[str] = field(default_factory=list)  # what a user should know about this run (a turned input)
    # the tracker's TrackRecords (merstudio.face.tracker) of the frames before a segment's stop: what its merge gives
    # a face back across a restart by (an unsplit run does it as it goes: `_labels`)
    tracks: dict[int, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        # counts, not contents: the dataclass's repr printed every face's track record and signals (8 KB after a
        # 72-frame run, more for each minute and face)
        if self._runs == 0:
            ran = "not run yet"
        else:
            faces = len(self.portraits)
            ran = (f"{self.frames_done} frame{'s' * (self.frames_done != 1)} done, {faces} face{'s' * (faces != 1)}"
                   + (", cancelled" if self.cancelled else "") + (", running" if not self._ended else ""))
        span = "" if self.span is None else f", span={self.span}"
        return f"Analysis({self.source!r}, {ran}{span}, settings={self.settings!r})"

    def __post_init__(self) -> None:
        if self.settings is None:  # type: ignore[comparison-overlap]  # callers from Python: the defaults
            self.settings = AnalysisSettings()
        if not isinstance(self.settings, AnalysisSettings):
            hint = ": for a dict d, AnalysisSettings(**d)" if isinstance(self.settings, dict) else ""
            raise TypeError(f"Analysis: settings must be an AnalysisSettings{hint}, got "
                            f"{type(self.settings).__name__}")
        if not isinstance(self.source, FrameSource | str | os.PathLike) or isinstance(self.source, bytes):
            raise TypeError(f"Analysis: source must be a FrameSource (merstudio.io.open_source) or a path, got "
                            f"{type(self.source).__name__}")
        if self.span is not None and not 0 <= self.span[0] <= self.span[1]:  # before the source is opened
            raise ValueError(f"span {self.span}: expected 0 <= start <= stop")
        if self.settings.turn is not None and self.settings.turn not in TURNS:
            raise InputError(f"turn {self.settings.turn}: expected one of {', '.join(map(str, TURNS))} "
                             "(degrees clockwise)")
        self._predictor: Any = None  # merstudio.model.inference.FramePredictor, one per run
        self._checkpoint: Any = None  # (model, meta) of settings.checkpoint
        self._run: weakref.ref[Generator[dict, None, None]] | None = None  # the latest rows() generator
        self._runs = 0  # rows() calls: a second one starts the per-run state afresh
        self._ended = False  # the latest rows() has ended (read to the end, cancelled, closed or failed)
        self._in_flight: _InFlight | None = None  # the latest run's rows waiting to leave (while it runs)
        self._source_closed = False  # a source opened here, closed when a run ended: the next run opens it again
        self._labels: Any = None  # merstudio.face.tracker.ReturnLabels of an unsplit run: the ids its rows carry
        self._timed_from: int | None = None  # the first frame the reader read while the source was variable-rate
        # faces past the limit (`_look_past_limit`): the frame last looked at, and (frame, time, faces analysed,
        # faces seen) once more were seen
        self._limit_looked: int | None = None
        self._past_limit: tuple[int, float, int, int] | None = None
        # face frames the model judged, of those it was given, the ones its release gate turned away, the blinks
        # and the partly covered faces its motion gate turned away (motion read without the eyes or the covered
        # parts), the ones over a turning head, and the ones with no frame a span back (a face's first span, back
        # from a gap: FramePrediction.no_onset, with the gate or without); the rest: its motion gate
        self.model_frames = [0, 0, 0, 0, 0, 0, 0]
        checkpoint = None
        if self.settings.checkpoint is not None:
            from merstudio.analysis.outputs import file_digest
            from merstudio.model.checkpoint import load_checkpoint

            checkpoint = load_checkpoint(self.settings.checkpoint)  # a missing or bad file: CheckpointError
            self.checkpoint_sha256 = file_digest(Path(self.settings.checkpoint))  # ~1 MB: read whole
        # a path is opened here (after the checks, so a refusal leaves nothing open) and closed when rows() ends
        self._owns_source = not isinstance(self.source, FrameSource)
        self._path = None if isinstance(self.source, FrameSource) else self.source
        if not isinstance(self.source, FrameSource):
            self.source = open_source(self.source)
        if checkpoint is not None:
            self._checkpoint = checkpoint
            self._predictor = self._new_predictor()
            self.device = str(self._predictor.device)
            self.class_names = list(self._predictor.class_names)
            self.model_aus = list(self._predictor.aus)

    def _new_predictor(self) -> Any:
        """The model's predictor for a run (it keeps each face's windows and noise floor)."""
        from merstudio.model.inference import DEFAULT_MOTION_THRESHOLD, FramePredictor

        model, meta = self._checkpoint
        gate = DEFAULT_MOTION_THRESHOLD if self.settings.model_gate else 0.0  # 0: every face frame
        return FramePredictor(model, meta, device=self.settings.device, fps=self.source.fps, motion_threshold=gate)

    # -- columns -----------------------------------------------------------------------------------------------
    def columns(self) -> list[str]:
        """The per-frame table's column names, in order: the keys of the rows from `rows()` and the per-frame
        CSV's header (README, `merstudio analyze`): frame, face_id, timestamp, confidence, success, landmarks
        (with `settings.landmarks`), pose, AUxx_r / AUxx_c, side columns, motion and micro-motion, and a
        checkpoint's p_<class> and AUxx_p."""
        cols = list(BASE_COLUMNS)
        if self.settings.landmarks:
            cols += landmark_columns()
        cols += list(POSE_COLUMNS)
        cols += [au_r(a) for a in AUS] + [au_c(a) for a in AUS] + side_columns()
        cols += list(MOTION_COLUMNS) + list(MICRO_COLUMNS)
        if self._predictor is not None:
            cols += list(self._predictor.columns)
        return cols

    @property
    def start(self) -> int:
        return self.span[0] if self.span is not None else 0

    @property
    def stop(self) -> int:
        return self.span[1] if self.span is not None else self.source.frame_count

    # -- the stream --------------------------------------------------------------------------------------------
    def rows(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> Iterator[dict]:
        """Stream the per-frame rows: a dict per face and frame, keyed by `columns()` (a frame without a face: one
        row, face_id -1, success 0), in frame order, each as soon as it is known. Unknown values are NaN (an
        AUxx_c's: None). `progress(done, total)` after each frame read (done: the frames whose rows have all been
        given; the last call comes after the last row); `cancel()` is asked before each (True: stop, `cancelled`
        set). Read it to the end or `close()` it (a partly read generator holds the reader thread and
        process-wide thread limits until then); afterwards `spots()`, `warnings` and the counters are set. A
        source opened from a path here is closed when it ends.

        Each call starts afresh: the counters, warnings, face records and spots are this run's alone (a notebook
        cell run again). A call while an earlier rows() of this Analysis is still open (read part-way and kept,
        e.g. by a traceback after Ctrl-C) is refused: `close()` the Analysis first. A run stopped part-way (the
        generator closed, Ctrl-C, an error) keeps what its caller got: `frames_done` counts the frames whose rows
        were all given, and `spots()`, `face_frames()` and `face_ids()` cover those frames only; closed or Ctrl-C
        also sets `cancelled`."""
        earlier = self._run() if self._run is not None else None
        if earlier is not None and inspect.getgeneratorstate(earlier) == inspect.GEN_CREATED:
            earlier.close()  # made but never read: nothing of it to keep
        elif earlier is not None and inspect.getgeneratorstate(earlier) != inspect.GEN_CLOSED:
            raise RuntimeError("Analysis.rows(): an earlier rows() of this Analysis is still open (read part-way); "
                               "close it first (run.close()), or make a new Analysis")
        self._begin()
        run = self._delivered(progress, cancel)
        self._run = weakref.ref(run)
        return run

    def close(self) -> None:
        """Stop a rows() of this Analysis still open (its reader thread ends; the run counts as cancelled, with the
        frames it gave), and close a source opened here from a path. A later rows() opens it again."""
        run = self._run() if self._run is not None else None
        if run is not None:
            run.close()
        if self._owns_source and not self._source_closed:
            self.source.close()
            self._source_closed = True

    def _begin(self) -> None:
        """The per-run state afresh (a second rows()), but the input's turn, which is the input's: its warning is
        said again."""
        self._runs += 1
        self._ended = False
        self.frames_done, self.cancelled = 0, False
        self.boxes, self.portraits, self._signals, self.tracks = [], {}, {}, {}
        self.warnings = [_turned_warning(self.turned)] if self.turned and self.settings.turn is None else []
        self.model_frames = [0, 0, 0, 0, 0, 0, 0]
        self._limit_looked = self._past_limit = None
        self._labels = self._timed_from = None
        if self._runs > 1 and self._checkpoint is not None:
            self._predictor = self._new_predictor()

    def _delivered(self, progress: ProgressFn | None, cancel: CancelFn | None) -> Generator[dict, None, None]:
        """`_stream`'s rows, noting the frame of the last one given: a run stopped part-way (closed, Ctrl-C, an
        error) keeps the frames its caller got (`stopped_after`)."""
        last: int | None = None
        ended = False
        stream = self._stream(progress, cancel)
        try:
            for row in stream:
                last = row["frame"]
                yield row
            ended = True
        except (GeneratorExit, KeyboardInterrupt):
            self.cancelled = True
            raise
        finally:
            stream.close()  # (closed early) the reader thread is stopped before the state is read
            if not ended:
                self.stopped_after(last)
            self._in_flight = None
            self._ended = True

    def stopped_after(self, last: int | None) -> None:
        """A run stopped part-way (or its writer kept fewer rows than it got: a full disk): `frames_done` the
        frames whose rows all left (`last`: the frame of the last row given or kept; its frame is whole unless a
        row of it is still waiting), and the spotting signals, face records and portraits cut to those frames."""
        n = 0
        if last is not None:
            waiting = self._in_flight.pending if self._in_flight is not None else {}
            n = last - self.start + (0 if waiting and next(iter(waiting))[1] == last else 1)
        self.frames_done = n = max(0, n)
        for fid in list(self._signals):
            self._signals[fid].keep_before(n)
            if not len(self._signals[fid].frames):
                del self._signals[fid]
        self.portraits = {k: v for k, v in self.portraits.items() if k in self._signals}

    def _stream(self, progress: ProgressFn | None, cancel: CancelFn | None) -> Generator[dict, None, None]:
        """The rows of one run (rows())."""
        from merstudio.face.occlusion import COVERED_FRACTION, covered_regions

        if self._source_closed and self._path is not None:  # opened here from a path, closed when a run ended
            self.source = open_source(self._path)
            self._source_closed = False
        tracker, aligner, estimator, hands = self._stages()
        start, stop = self.start, self.stop
        first, restarts = self._plan(start, stop)
        total = stop - start
        photo = self.source.frame_count == 1  # its face boxes are kept: the face map of `merstudio analyze --plot`
        flight = self._in_flight = _InFlight(COVERED_FRACTION)
        frames, halt, looker, reader = self._reader(tracker, aligner, hands, restarts, covered_regions, first)
        # The threads are the parallelism: numpy's BLAS and OpenCV spreading each small call over the cores as
        # well only competes with them (merstudio.threads).
        unseen = False  # the frames before this one were stale (damaged data before them): unknown
        with single_threaded_numerics():
            reader.start()
            try:
                while True:
                    if cancel is not None and cancel():
                        self.cancelled = True
                        break
                    item = frames.get()
                    if item is _END:
                        break
                    if isinstance(item, _Failed):
                        raise item.error
                    i, t, faces, looking = item
                    if faces is _STALE:
                        self._no_face(flight, estimator, i, t, known=False)
                        unseen = True
                    else:
                        if looking is not None:
                            _add_hands(faces, looking.result(), covered_regions)
                        if i in restarts or unseen:
                            self._restart(flight, estimator, i, forget=unseen)
                        unseen = False
                        if not faces:
                            self._no_face(flight, estimator, i, t)
                        # in the order of the ids the rows carry (a face given an earlier one's id: rule 2c)
                        for face in sorted(faces, key=lambda f: self._id(f[0].track_id)):
                            self._push_face(flight, estimator, i, t, face, start, stop, photo)
                    yield from _drain(flight.pending, flight.ready, start, (flight.au_done, flight.model_done),
                                      stop)
                    self.frames_done = min(max(0, i + 1 - start), total)
                    if progress is not None:  # the frames whose rows have left, not those read: these ran ~1 s
                        # ahead, 100 % with the last rows to come (a109)
                        progress(min(flight.given(i, start), total), total)
                    if i >= stop and (not flight.pending or next(iter(flight.pending))[1] >= stop):
                        break  # a segment's tail (`_read_stop`): its last row has left
            finally:
                self._stop_reading(frames, halt, reader, tracker, looker, hands)
            # Not in a `finally`: a generator closed early (break, GeneratorExit) must not yield again.
            yield from self._finish(flight, estimator, start)
            if progress is not None:
                progress(self.frames_done, total)

    def _stages(self) -> tuple[Any, Any, Any, _HandSchedule | None]:
        """The per-run stages of `rows()`: face tracker, aligner, AU estimator, and the hand schedule (None without
        cover checks). Made per run: each holds the state of the faces it has seen."""
        from merstudio.face.align import FaceAligner
        from merstudio.face.tracker import FaceTracker
        from merstudio.features.aus import AUEstimator

        # gaps in seconds, the frames' own times (a variable-rate video's)
        tracker = FaceTracker(max_faces=face_limit(self.settings, self.source.frame_count),
                              frame_time=self.source.timestamp)
        # its smoothing's lag in seconds, not frames: it steps by each frame's time (`_read`), the rate only tells
        # whole frames of a constant-rate video (a variable-rate one's header rate is only the mean)
        aligner = FaceAligner(fps=self.source.fps)
        estimator = AUEstimator(flow=self.settings.flow, fps=self.source.fps, lag_s=self.settings.motion_lag_s)
        estimator.model = _NoLoneBatch(estimator.model)  # type: ignore[assignment]
        self._lag = estimator.micro.k
        # Hands: looked for on the frames `_HandSchedule` picks.
        hands = _HandSchedule(max(1, int(round(self.source.fps / 5)))) if self.settings.occlusion else None
        return tracker, aligner, estimator, hands

    def _read_stop(self, stop: int | None, ahead: int = 0) -> int | None:
        """Where the reader stops: the input's end (None), or past a segment's `stop` by its tail: the frames an
        unsplit run has read when its rows up to `stop` leave. The AU estimator finishes a face once the frames
        after it tell a blink (BlinkMarker.delay, 0.5 s) and fill AU6's centred window (0.125 s), a batch of faces at
        a time; a cover's decision reads `ahead` frames more, and a face back over the frame's edge waits up to
        LATE_WINDOW_S for its id (rule 2d). `rows()` halts the reader once the segment's last row has left, so this
        is a bound, not the frames read."""
        from merstudio.face.tracker import LATE_WINDOW_S

        if self.span is None or stop is None or self.source.frame_count <= 0:
            return stop
        fps = self.source.fps if math.isfinite(self.source.fps) and self.source.fps > 0 else 30.0
        late = math.ceil(LATE_WINDOW_S * fps) + 1
        return min(stop + max(late, math.ceil(SEGMENT_TAIL_S * fps)) + ahead, self.source.frame_count)

    def _plan(self, start: int, stop: int) -> tuple[int, set[int]]:
        """The first frame read (a segment's warm-up before `start`) and the frames where the per-face state
        restarts (module docstring; in a segment's tail too, as the unsplit run restarts there); a run that starts
        mid-video starts the model's noise floor there too."""
        first = max(0, start - max(0, int(self.warmup)))
        tail = self.source.frame_count if self.span is not None and self.source.frame_count > stop else stop
        restarts = restart_frames(self.settings, self.source.fps, first + 1, tail)
        if first > 0 and self._predictor is not None:
            self._predictor.restart_floor(first)
        return first, restarts

    def _reader(self, tracker, aligner, hands: _HandSchedule | None, restarts: set[int],  # noqa: ANN001
                covered_regions, first: int,  # noqa: ANN001
                ) -> tuple[queue.Queue, threading.Event, ThreadPoolExecutor | None, threading.Thread]:
        """The reader thread (not started yet), its frame queue and halt flag, and the hands' thread (None without
        cover checks). Chooses the input's turn first (`resolve_turn`): the reader turns the frames."""
        # Two stages on two threads: `rows()` turns faces into AUs and rows while a reader thread decodes, finds
        # faces and aligns the next frames (OpenCV and MediaPipe release the GIL, so the two overlap on two
        # cores). The queue is short: memory stays a few frames.
        frames: queue.Queue = queue.Queue(maxsize=4)
        halt = threading.Event()
        self._timed_from = None
        self.turned = self.resolve_turn()
        # Hands are looked for on a third thread, in frame order, while the reader goes on: a look costs about as
        # much as the Face Mesh, and while a hand is seen it runs on every frame (a face touched while crying: the
        # reader's work doubled). The consumer takes each frame's outlines when it gets to the frame.
        looker = ThreadPoolExecutor(1, thread_name_prefix="merstudio-hands") if hands is not None else None
        reader = threading.Thread(target=self._read, name="merstudio-reader", daemon=True,
                                  args=(frames, halt, tracker, aligner, hands, looker, restarts, covered_regions,
                                        first, self.span[1] if self.span is not None else None))
        return frames, halt, looker, reader

    def _restart(self, flight: _InFlight, estimator, i: int,  # noqa: ANN001 - features.aus.AUEstimator
                 forget: bool = False) -> None:
        """At a restart frame (module docstring): AU presence hysteresis starts over, after finishing what is
        queued, and so does the model's noise floor. `forget`: the first frame after stale ones (damaged data):
        the model's windows start afresh too, so that none spans the gap (the micro-motion baseline and AU6's
        window find no frame in it by themselves)."""
        self._complete(flight, estimator.flush())
        for state in estimator._tracks.values():
            state.presence = dict.fromkeys(state.presence, 0)
        if self._predictor is not None:
            self._predictor.restart_floor(i)
            if forget:
                self._predictor.reset()

    def _no_face(self, flight: _InFlight, estimator, i: int, t: float,  # noqa: ANN001
                 known: bool = True) -> None:
        """A frame without a face: its empty row, ready at once. Nobody in view: the faces seen before need no
        later face to move on (the AU batch runs, the blink look-ahead counts this frame, the model's batch runs),
        so their rows, and the empty ones after them, keep coming instead of waiting for a face or the end.
        `known` False: a stale frame (damaged data before it, merstudio.io.keyframes), not looked at: its row has
        no values at all, not the zero AUs of a frame seen empty."""
        flight.pending[(-1, i)] = self._empty_row(i, t) if known else self._unknown_row(i, t)
        flight.ready.add((-1, i))
        self._complete(flight, estimator.idle(i, t if self._timed(i) else None))
        if self._predictor is not None:
            self._predicted(flight, self._predictor.flush())

    def _push_face(self, flight: _InFlight, estimator, i: int, t: float, face: tuple,  # noqa: ANN001
                   start: int, stop: int, photo: bool) -> None:
        """One face of frame `i`: its box kept where a segment's merge or a photo's plots need it, its portrait
        updated, its row started (frame, face, time, confidence, landmarks) and its aligned face given to the AU
        estimator, which completes the rows of the faces it has finished."""
        tf, aligned, covered = face
        if (self.span is not None and (i < start or stop - self.keep_boxes <= i < stop)) or photo:
            self.boxes.append((i, tf.track_id, tf.obs.bbox))
        if start <= i < stop:
            keep_portrait(self.portraits, self._id(tf.track_id), i, tf.obs.bbox, getattr(self.source, "size", None))
        row = {"frame": i, "face_id": self._id(tf.track_id), "timestamp": t,
               "confidence": float(tf.obs.confidence), "success": 1}
        if self.settings.landmarks:
            pts = tf.obs.landmarks
            row.update({f"{LANDMARK_X}{k}": round(float(pts[k, 0]), 2) for k in range(N_LANDMARKS)})
            row.update({f"{LANDMARK_Y}{k}": round(float(pts[k, 1]), 2) for k in range(N_LANDMARKS)})
        flight.pending[(tf.track_id, i)] = row
        if self._predictor is not None:
            flight.faces_waiting[(tf.track_id, i)] = aligned.image
        # A variable-rate video's frame times: the micro-motion baseline is the frame nearest lag_s before, not k
        # frames back at the mean rate (a constant rate counts frames, as its times are the frames' grid). From the
        # frame the reader read first as variable, not from when this thread learns it: the reader runs a few
        # frames ahead, and the frames it read as constant-rate before a hole lost their motion at the switch.
        vfr_time = t if self._timed(i) else None
        self._complete(flight, estimator.push(tf.track_id, tf.obs, aligned, i, covered, vfr_time,
                                             seen_as=tf.seen_as))

    def _complete(self, flight: _InFlight, acts: list) -> None:
        """Fill the rows of the faces the AU estimator has finished; each is ready once the model has judged it
        too, or is given to the model now, with what covers the face (a hand, a mask, the frame's edge), its pose
        and whether a blink is near."""
        for act in acts:
            key = (act.track_id, act.frame_index)
            self._fill(flight.pending[key], act)
            flight.au_done.add(key)
            if self._predictor is None or key in flight.model_done:
                flight.ready.add(key)
            elif key in flight.faces_waiting:
                hidden = [part for part, share in act.covered.items() if share >= flight.covered_fraction]
                # a variable-rate video's windows go by the frames' times, from where the micro-motion's do
                timed = self._timed(act.frame_index)
                self._predicted(flight, self._predictor.push(
                    act.track_id, act.frame_index, flight.faces_waiting.pop(key), act.near_blink, hidden, act.pose,
                    time=flight.pending[key]["timestamp"] if timed else None))

    def _id(self, track: int) -> int:
        """The id a track's rows carry: the tracker's, or, in an unsplit run, that of the face it came back as
        across a restart (merstudio.face.tracker.ReturnLabels; a split run's merge gives the same)."""
        return self._labels.final.get(track, track) if self._labels is not None else track

    def _timed(self, i: int) -> bool:
        """Whether frame i goes by its time (a variable-rate video, from the frame the reader first read as one)."""
        return self._timed_from is not None and i >= self._timed_from

    def _predicted(self, flight: _InFlight, predictions: list) -> None:
        """Fill the model's predictions into their rows; each is ready once its AUs are in too."""
        for key in self._resolve(flight.pending, predictions):
            flight.model_done.add(key)
            if key in flight.au_done:
                flight.ready.add(key)

    def _stop_reading(self, frames: queue.Queue, halt: threading.Event, reader: threading.Thread,
                      tracker, looker: ThreadPoolExecutor | None,  # noqa: ANN001
                      hands: _HandSchedule | None) -> None:
        """Stop the reader and hands threads and free what the run opened, however `rows()` ends."""
        halt.set()
        while reader.is_alive():  # unblock a reader waiting on a full queue, then wait for it
            try:
                frames.get(timeout=0.05)
            except queue.Empty:
                pass
        reader.join()
        tracker.close()  # MediaPipe's graphs: never freed otherwise (~90 MB per run, kept by the process)
        if looker is not None:
            looker.shutdown(wait=True, cancel_futures=True)
        if hands is not None:
            hands.close()
        if self._owns_source:  # opened from a path by __post_init__: the caller cannot close it
            self.source.close()
            self._source_closed = True

    def _finish(self, flight: _InFlight, estimator, start: int) -> Iterator[dict]:  # noqa: ANN001
        """The rows still in flight after the last frame (the AU estimator's and the model's last batches; a row
        the model never judged leaves with its AUs), then the warnings of the whole input."""
        self._complete(flight, estimator.flush())
        if self._predictor is not None:
            self._predicted(flight, self._predictor.flush())
        # the model may not predict every row
        flight.ready.update(k for k in flight.pending if k in flight.au_done or k[0] == -1)
        yield from _drain(flight.pending, flight.ready, start, (flight.au_done, flight.model_done), self.stop)
        limit = self.limit_warning()
        if limit is not None:
            self.warnings.append(limit)
        if self.span is None and not self.cancelled:  # a split run's merge says it for the whole input
            self.warnings += held_warnings(held_aus(self._signals, self.frames_done, self.source.fps))
            self.warnings += cover_warnings(self._signals, self.frames_done)
            if self.source.frame_count == 1:
                self.warnings += still_brow_warnings(still_brows(self._signals))

    def _read(self, out: queue.Queue, halt: threading.Event, tracker, aligner, hands,  # noqa: ANN001
              looker: ThreadPoolExecutor | None, restarts: set[int], covered_regions,  # noqa: ANN001
              first: int, stop: int | None) -> None:
        """The reader thread: (frame, timestamp, [(tracked face, aligned face, covered regions)], the hands' look
        at the frame: a Future of their outlines or None) per frame of [first, stop), then _END; an exception is
        passed on as _Failed so that the consumer raises it. Covered regions here: the frame's edge, the lips' and
        eyes' checks; the consumer adds the hands'."""
        def put(item: object) -> bool:
            while not halt.is_set():
                try:
                    out.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        # Whatever else covers a mouth (a mask, a cup) or the eyes (dark glasses): judged from the lips' contrast and
        # the eyes' lightness spread, with the hands' switch
        from merstudio.face.occlusion import EyesVisibility, MouthVisibility, outside_regions
        from merstudio.face.orientation import turn, unturn_observation

        fps = self.source.fps
        checks = {"mouth": MouthVisibility(fps), "eyes": EyesVisibility(fps)} if self.settings.occlusion else {}
        # A frame's cover decision reads the few frames after it (CoverCheck: centred, so it does not lag a cover's
        # edges): frames wait here until then, or until the end, which decides on the frames so far. A segment
        # reads those frames past its end (its tail, below), so its last frames are decided as in an unsplit
        # run; across the periodic restarts the judgements carry on (CoverCheck.restart).
        # Frames also wait while the tracker may still give a face that came back over the frame's edge a lost
        # face's id (rule 2d, merstudio.face.tracker: once enough of it is in view, at most LATE_WINDOW_S): its rows
        # carry that id from its first frame (`final_id`), and so do the stages after this thread (its first frames
        # were a track of their own here). A segment reads as far past its end as either needs, and passes the
        # frames of its tail (`_read_stop`) on whole: the AU estimator finishes a frame once it has the frames
        # after it (the blink look-ahead, AU6's centred window), and `rows()` stops it when its last row has left.
        ahead = max((check.lookahead for check in checks.values()), default=0)
        beyond = self._read_stop(stop, ahead)
        held: deque[tuple[int, float, Any, Any]] = deque()  # faces: a list, or _STALE

        def release(upto: int | None) -> bool:
            undecided = tracker.undecided_from()
            if upto is not None and undecided is not None:
                upto = min(upto, undecided - 1)
            while held and (upto is None or held[0][0] <= upto):
                j, tj, items, looking = held.popleft()
                for tf, _aligned, covered in _faces(items):
                    for region, check in checks.items():
                        covered[region] = max(covered[region], check.decide(tf.track_id, j))
                if items is not _STALE:
                    items = [(_as_final(tf, tracker.final_id(tf.track_id)), aligned, covered)
                             for tf, aligned, covered in items]
                    if self._labels is not None:  # a new track, by the id its rows carry
                        k = bisect.bisect_right(planned, j) - 1
                        self._labels.arrive(j, sorted(tf.track_id for tf, _a, _c in items
                                                      if tracker.records[tf.track_id].first == j),
                                            tracker.records, planned[k] if k >= 0 else None)
                if not put((j, tj, items, looking)):
                    return False
            for check in checks.values():  # the tracks of the frames still waiting
                check.forget({tf.track_id for _j, _t, items, _l in held for tf, _a, _c in _faces(items)})
            return True

        deg = self.turned or 0

        def faces_at(i: int, rgb: np.ndarray, t: float | None = None) -> list:
            """The tracked faces of frame i, in the frame's own pixels (found in it turned by `deg`). `t`: a frame of
            the run's own (its timestamp), where faces filling the limit are looked past (`_look_past_limit`)."""
            seen = turn(rgb, deg) if deg else rgb
            faces = tracker.update(i, seen)
            if t is not None:
                self._look_past_limit(tracker, i, t, seen, faces)
            if not deg:
                return faces
            h, w = rgb.shape[:2]
            return [replace(tf, obs=unturn_observation(tf.obs, deg, w, h)) for tf in faces]

        unseen = 0  # stale frames in a row just before this one (damaged data: merstudio.io.keyframes)
        # a face back across a restart: an unsplit run gives it its id as the new track begins; a segment keeps
        # the tracks' records up to its stop (the frames after it are only judged) for its merge to do the same
        from merstudio.face.tracker import ReturnLabels

        self._labels = ReturnLabels(self.source.timestamp, tracker.coast_frames,
                                    tracker.geometry_max) if self.span is None else None
        planned = sorted(restarts)  # the grid's, as a split run's merge reads it (a stale frame's too)
        self.tracks = {}
        kept = False  # self.tracks holds the records up to the stop
        try:
            for i, rgb in self.source.iter_frames(first, beyond):
                if halt.is_set():
                    return
                if self.source.stale(i):  # its picture is not the frame's: not looked at, its row unknown
                    unseen += 1
                    held.append((i, self.source.timestamp(i), _STALE, None))
                    if not release(i - ahead):
                        return
                    continue
                if unseen:  # the first frame after them: faces are found afresh where they were
                    tracker.unseen(unseen)
                    aligner.reset()
                    if looker is not None:
                        looker.submit(hands.restart)
                    for check in checks.values():
                        check.restart()
                    unseen = 0
                tail = stop is not None and i >= stop  # past a segment's end: its rows are not the segment's
                if tail and not kept:
                    self.tracks, kept = {k: r.copy() for k, r in tracker.records.items()}, True
                t = self.source.timestamp(i)  # cheap inside a pass (no index build, even on VFR)
                if self._timed_from is None and self.source.is_vfr:
                    self._timed_from = i  # before the frame is passed on: the consumer reads it after
                if i in restarts:
                    _restart_tracker(tracker)
                    aligner.reset()
                    if looker is not None:  # in order with the looks
                        looker.submit(hands.restart)
                    for check in checks.values():
                        check.restart()
                faces = faces_at(i, rgb, None if tail else t)  # the tail's faces are not counted in its limit
                looking = (looker.submit(hands.update, i, rgb, [tf.obs.bbox for tf in faces])
                           if looker is not None and faces else None)
                items = []
                for tf in faces:
                    covered = covered_regions([], tf.obs.landmarks)  # every region 0: no hands here
                    if self.settings.occlusion:  # the frame's edge covers what lies beyond it
                        h, w = rgb.shape[:2]
                        for region, share in outside_regions(tf.obs.landmarks, (w, h)).items():
                            covered[region] = max(covered[region], share)
                    for check in checks.values():  # decided when the frames after this one are judged
                        check.judge(tf.track_id, i, rgb, tf.obs.landmarks)
                    items.append((tf, aligner.align(tf.track_id, tf.obs.landmarks, rgb, frame_index=i, time_s=t),
                                  covered))
                held.append((i, t, items, looking))
                if not release(i - ahead):
                    return
            if not kept:
                self.tracks = {k: r.copy() for k, r in tracker.records.items()}
            if release(None):
                put(_END)
        except BaseException as e:  # noqa: BLE001 - handed to the consuming thread, which raises it
            put(_Failed(e))

    def _look_past_limit(self, tracker, i: int, t: float, rgb: np.ndarray,  # noqa: ANN001 - face.tracker's
                         faces: list) -> None:
        """On a frame whose faces fill the limit, whether the finder sees more (the reader thread; `_finish` says
        it): a photo's one frame, a video's every LIMIT_LOOK_EVERY frames while at the limit, until it has."""
        if self._past_limit is not None or len(faces) < tracker.max_faces:
            return
        if self._limit_looked is not None and i - self._limit_looked < LIMIT_LOOK_EVERY:
            return
        self._limit_looked = i
        seen = tracker.faces_present(rgb, faces)
        if seen > len(faces):
            self._past_limit = (i, t, len(faces), seen)

    def limit_warning(self) -> str | None:
        """The run's line for faces left unanalysed past the limit (None: none seen), naming the input."""
        if self._past_limit is None:
            return None
        i, t, analysed, seen = self._past_limit
        # the input's path first, as the reader's notes: the app's status line shows the clause after it
        said = (f"{analysed} analysed, {seen} seen in the picture" if self.source.frame_count == 1 else
                f"{analysed} a frame analysed, {seen} seen first at frame {i} ({t:.2f} s)")
        return (f"{self.source.path}{PAST_LIMIT}{said}; raise --max-faces (in the app: Analysis > "
                "Faces per frame)")

    def resolve_turn(self) -> int:
        """The turn for this input: settings.turn, or the one its faces ask for (a few frames spread over the
        whole input, so every segment of a split run chooses the same). A chosen turn adds a warning."""
        if self.settings.turn is not None:
            return self.settings.turn
        if self.turned is not None:
            return self.turned
        from merstudio.face.orientation import choose_turn, sample_frames

        frames = []
        for i in sample_frames(self.source.frame_count):
            try:
                frames.append(self.source.frame(i))
            except (InputError, OSError, ValueError):  # a frame that does not decode says nothing
                continue
        deg = choose_turn(frames)
        if deg:
            self.warnings.append(_turned_warning(deg))
        self.turned = deg
        return deg

    def _fill(self, row: dict, act) -> None:  # noqa: ANN001 - merstudio.features.aus.AUActivation
        """Complete a face's row with its AU activation (and keep what spotting reads)."""
        if self.start <= act.frame_index < self.stop:  # warm-up and tail frames are not this segment's
            self._signals.setdefault(self._id(act.track_id), _TrackSignals()).add(
                act.frame_index - self.start, [act.micro.regions[r] for r in MOTION_REGIONS], act.motion, act.micro.blink,
                act.micro.head_turn, [act.intensity[a] for a in AUS],
                [act.micro.aus.get(a, np.nan) for a in MICRO_AUS])
        row["confidence"] = round(row["confidence"] * act.confidence, 3)
        for c, v in zip(POSE_COLUMNS, act.pose, strict=True):
            row[c] = round(float(v), 4)
        for a in AUS:
            row[au_r(a)] = round(float(act.intensity[a]), 3)
        for a in AUS:  # None where the intensity is unknown (a cover, lids shut): empty in the CSV, not 0 (absent)
            row[au_c(a)] = int(act.presence[a]) if np.isfinite(act.intensity[a]) else None
        for a in SIDED:
            for side in ("L", "R"):
                row[au_side(a, side)] = round(float(act.sides.get((a, side), float("nan"))), 3)
        row["motion"] = round(float(act.micro.motion), 4)
        for r, v in act.micro.regions.items():
            row[f"motion_{r}"] = round(float(v), 4)
        row["blink"] = int(act.micro.blink)
        for a, v in act.micro.aus.items():
            row[f"AU{a:02d}_m"] = round(float(v), 3)

    def _resolve(self, pending: dict[tuple[int, int], dict], predictions: list) -> list[tuple[int, int]]:
        keys = []
        for p in predictions:
            key = (p.track_id, p.frame_index)
            row = pending.get(key)
            if row is not None:
                row.update({k: round(v, 4) for k, v in p.as_row(self.class_names, self.model_aus).items()})
                keys.append(key)
                self.model_frames[0] += not p.gated
                self.model_frames[1] += 1
                self.model_frames[2] += p.released
                self.model_frames[3] += p.gated and p.blink and not p.released and not p.covered
                self.model_frames[4] += p.gated and p.covered and not p.released and not p.turned
                self.model_frames[5] += p.turned
                self.model_frames[6] += p.no_onset
        return keys

    def _unknown_row(self, i: int, t: float) -> dict:
        """A stale frame's row: face_id -1 and success 0 as a frame without a face, every value unknown."""
        row = self._empty_row(i, t)
        for a in AUS:
            row[au_r(a)] = float("nan")
            row[au_c(a)] = None
        return row

    def _empty_row(self, i: int, t: float) -> dict:
        # As OpenFace: a frame without a face is a row with success 0 and zero AUs; pose and motion are unknown.
        row: dict = {"frame": i, "face_id": -1, "timestamp": t, "confidence": 0.0, "success": 0}
        row.update({c: float("nan") for c in POSE_COLUMNS})
        for a in AUS:
            row[au_r(a)] = 0.0
            row[au_c(a)] = 0
        row.update({c: float("nan") for c in side_columns()})
        row.update({c: float("nan") for c in (*MOTION_COLUMNS, *MICRO_COLUMNS)})
        row["blink"] = 0
        return row

    # -- after the stream --------------------------------------------------------------------------------------
    def _table(self, face_id: int) -> np.ndarray:
        sig = self._signals.get(face_id)
        return sig.table(self.frames_done) if sig is not None else np.full((self.frames_done, _N_SIG), np.nan)

    def spot_signal(self, face_id: int, two_sided: bool = True) -> np.ndarray:
        """The micro-motion signal spotting reads (merstudio.features.micromotion.transient_signal; by the frames'
        times on a variable-rate video, as `spots`)."""
        t = self._table(face_id)
        r = len(MOTION_REGIONS)
        times = spot_times(self.source.timestamps, self.frames_done, self.source.fps)
        return transient_signal(t[:, :r], np.nan_to_num(t[:, r + 1]) > 0, np.nan_to_num(t[:, r + 2]) > 0,
                                self._lag, two_sided=two_sided, times=times, lag_s=self.settings.motion_lag_s)

    def motion(self, face_id: int) -> np.ndarray:
        """The per-frame `motion` column of one track over the processed frames (NaN where the face was absent)."""
        return self._table(face_id)[:, len(MOTION_REGIONS)].astype(np.float32)

    def au_table(self, face_id: int) -> np.ndarray:
        """(frames, len(AUS)) learned AU intensities of one track (NaN where absent or unreliable)."""
        return self._table(face_id)[:, _AU0:_AU0 + len(AUS)]

    def face_ids(self) -> list[int]:
        """The face tracks of the run's rows so far (none before a run)."""
        return sorted(self._signals)

    def face_frames(self) -> dict[int, int]:
        """On how many frames each face track was seen in the run's rows so far (none before a run)."""
        return track_frames(self._signals)

    def spots(self) -> list[SpotRow]:
        """Candidate micro-expression intervals per face track, from the motion signal of the frames analysed
        (`frames_done`). Only after a run: before it (an empty list read as "no micro-expressions") or while its
        rows() is still being read, a RuntimeError says so."""
        run = self._run() if self._run is not None else None
        if not self._ended and run is not None and inspect.getgeneratorstate(run) in (inspect.GEN_SUSPENDED,
                                                                                      inspect.GEN_RUNNING):
            raise RuntimeError("Analysis.spots(): rows() is still being read: read it to the end, or stop it with "
                               "run.close() (the spots then cover the frames whose rows it gave)")
        if not self._ended:
            raise RuntimeError("Analysis.spots(): not run yet: iterate rows() first (e.g. rows = list(run.rows())), "
                               "then ask for the spots")
        return spot_tracks(self._signals, self.frames_done, self.source.fps, self.source.timestamps, self._lag,
                           self.settings.motion_lag_s)


# An AU marked present through nearly all of a face's frames, over a long stretch, is that person's resting face
# (relaxed brows that sit low read AU4), not an expression: what the neutral calibration is for (docs/aus.md).
HELD_SHARE = 0.9
HELD_MIN_S = 10.0


def held_aus(signals: dict[int, _TrackSignals], n: int, fps: float) -> dict[int, list[int]]:
    """Per face track seen for at least HELD_MIN_S, the AUs marked present (intensity >= PRESENCE_ON) in at least
    HELD_SHARE of the frames where the AU is known, when those are HELD_MIN_S or more: a hand over the brows for a
    while does not hide a brow lowerer held all along, and an AU known on a few frames says nothing of a rest."""
    out: dict[int, list[int]] = {}
    least = HELD_MIN_S * max(fps, 1.0)
    for fid in sorted(signals):
        f = np.frombuffer(signals[fid].frames, dtype=np.int32)
        if len(f) < least:
            continue
        table = signals[fid].table(n)[np.unique(f[f < n]), _AU0:_AU0 + len(AUS)]
        known = np.isfinite(table).sum(axis=0)  # unknown (NaN: covered, lids shut) is neither present nor absent
        with np.errstate(invalid="ignore"):
            present = (table >= PRESENCE_ON).sum(axis=0)
        held = [au for au, k, p in zip(AUS, known, present, strict=True) if k >= least and p / k >= HELD_SHARE]
        if held:
            out[fid] = held
    return out


def track_frames(signals: dict[int, _TrackSignals]) -> dict[int, int]:
    """On how many frames each face track was seen (an unsplit run's signals, or the merged segments')."""
    return {fid: len(sig.frames) for fid, sig in sorted(signals.items())}


# A portrait box with this share of its area in the frame or more counts as in view: a sliver beyond the edge is
# a thin black strip in the crop, while the larger box of a face leaning out showed it half black.
PORTRAIT_IN_VIEW = 0.95


def _portrait_rank(box: Box, size: tuple[int, int] | None) -> tuple[bool, float]:
    """How good a picture of its face a box gives: first whether it lies (mostly) inside the frame, then its area
    (of a box partly outside, the area inside). ``size``: the frame's (w, h); None: only its left and top edges are
    known (a box past them starts below 0)."""
    area = box_area(box)
    if area <= 0:
        return False, 0.0
    w, h = (float("inf"), float("inf")) if size is None else size
    inside = box_area((max(box[0], 0.0), max(box[1], 0.0), min(box[2], w), min(box[3], h)))
    in_view = inside >= PORTRAIT_IN_VIEW * area
    return in_view, area if in_view else inside


def keep_portrait(portraits: dict[int, tuple[int, Box]], track: int, frame: int, box: Box,
                  size: tuple[int, int] | None = None) -> None:
    """Keep (frame, box) as the track's portrait when it shows the face better than the one kept: a box inside the
    frame (``size``: its (w, h)) before one past its edge, whose part beyond the mesh only guesses and the face
    sheet's crop shows black, then the larger (the nearest, clearest view of that face; the earlier frame on a
    tie). Landmark confidence is not weighed: the kept portrait does not store it."""
    kept = portraits.get(track)
    if kept is None or _portrait_rank(box, size) > _portrait_rank(kept[1], size):
        x0, y0, x1, y1 = (float(v) for v in box)
        portraits[track] = (frame, (x0, y0, x1, y1))


def portrait_image(rgb: np.ndarray, box: Box, turned: int = 0,
                   size: int = 192) -> np.ndarray:
    """A face's picture: a square ``size`` crop around its box (with some room: the whole head), turned upright
    as the run turned the frames (boxes are in the file's pixels). The face sheet and the app's face list."""
    from merstudio.face.orientation import turn
    from merstudio.face.small_faces import crop_square

    x0, y0, x1, y1 = box
    crop, _ = crop_square(rgb, (x0 + x1) / 2, (y0 + y1) / 2, 1.4 * max(x1 - x0, y1 - y0), size)
    return turn(crop, turned) if turned else crop


def cover_warnings(signals: dict[int, _TrackSignals], n: int) -> list[str]:
    """A video's faces whose mouth, eyes or brows read unknown on most of their frames (a mask, dark glasses: the
    curves are empty, and the run says why; features.aus.covered_notes). None for a photo: its note says it."""
    if n <= 1:
        return []
    tables = {}
    for fid in sorted(signals):
        f = np.frombuffer(signals[fid].frames, dtype=np.int32)
        tables[fid] = signals[fid].table(n)[np.unique(f[f < n]), _AU0:_AU0 + len(AUS)]
    return covered_notes(tables)


def held_warnings(held: dict[int, list[int]]) -> list[str]:
    return [f"face {fid}: AU {'+'.join(map(str, aus))} present in over {HELD_SHARE:.0%} of its frames, likely this "
            "person's resting face: calibrate on their neutral frames (Analysis > Neutral frames; merstudio neutral)"
            for fid, aus in held.items()]


def still_brows(signals: dict[int, _TrackSignals]) -> list[int]:
    """The faces of a photo (one frame) whose AU4 reads present."""
    col = _AU0 + AUS.index(STILL_UNRELIABLE_AU)
    with np.errstate(invalid="ignore"):  # unknown (NaN): not present
        return [fid for fid in sorted(signals) if signals[fid].table(1)[0, col] >= PRESENCE_ON]


def still_brow_warnings(faces: list[int]) -> list[str]:
    if not faces:
        return []
    which = f"face{'s' if len(faces) > 1 else ''} {', '.join(map(str, faces))}"
    return [f"{which}: AU{STILL_UNRELIABLE_AU} on a photo is unreliable: relaxed brows that sit low read as lowered, "
            "and a photo has no neutral frames to calibrate on (docs/aus.md)"]


def spot_times(timestamps: np.ndarray, n: int, fps: float) -> np.ndarray | None:
    """The times (seconds) of frames 0..n-1 where spotting goes by them: a variable-rate video's, whose frames stray
    from the rate's grid by more than a quarter frame (merstudio.io.timebase.detect_vfr's margin: an interval, or a
    time off the grid through the first frame); None on a constant rate, where it counts frames, holes that damaged
    data left included (so its spots stay as they were)."""
    ts = np.asarray(timestamps, dtype=np.float64)[:n]
    if n < 2 or len(ts) < n or not fps > 0 or not np.isfinite(ts).all():
        return None
    d = np.diff(ts)
    if (d < 0).any():  # times that go back: no order to go by
        return None
    dt = 1.0 / fps
    tol = 0.25 * dt + 0.0011
    off_grid = np.abs(d - np.maximum(1.0, np.round(d / dt)) * dt) > tol
    # ... or whose times leave the rate's grid where no interval shows it (a clean 30 -> 24 fps switch under a
    # header rate of 30: each interval is exactly the quarter frame off, the times drift by half a frame and more);
    # a hole keeps its frames on the grid
    phase = (ts - ts[0]) / dt
    drift = np.abs(phase - np.round(phase)) * dt > tol
    return ts if bool(off_grid.any() or drift.any()) else None



def spot_tracks(signals: dict[int, _TrackSignals], n: int, fps: float, timestamps: np.ndarray, lag: int,
                lag_s: float) -> list[SpotRow]:
    """Candidate micro-expression intervals per face track from the kept per-frame values of frames 0..n-1
    (an unsplit run's, or the merged segments' of a split run). On a variable-rate video (`spot_times`) the signal's
    look ahead, the widening and the durations go by the frames' times, with the micro-motion lag `lag_s` (seconds;
    `lag` in frames): the same movement spots at the same times whatever the rate around it (the demo with a
    stretch at half rate: apexes 0.04 s off on average before, none off after)."""
    out: list[SpotRow] = []
    r = len(MOTION_REGIONS)
    a = r + 3
    learned = [a + k for k, au in enumerate(AUS) if au != 45]  # the levels a merged interval is cut by (blinks aside)
    times = spot_times(timestamps, n, fps)
    lag_t = float(lag_s)
    for fid in sorted(signals):
        table = signals[fid].table(n)

        def spot_signal(two_sided: bool, table: np.ndarray = table) -> np.ndarray:
            return transient_signal(table[:, :r], np.nan_to_num(table[:, r + 1]) > 0,
                                    np.nan_to_num(table[:, r + 2]) > 0, lag, two_sided=two_sided,
                                    times=times, lag_s=lag_t)

        sig = spot_signal(True)
        if np.isfinite(sig).sum() < 3:
            continue
        # Gaps (no face, no baseline yet, head turns) stay NaN: spot() leaves them out of every interval
        # and out of the noise estimate (filling them with a constant shrank the noise to nothing once,
        # and a face returning after a gap then scored 48,000 sigma).
        past = spot_signal(False)
        pv = past[np.isfinite(past)]
        p_med = float(np.median(pv))
        low = p_med + max(3 * 1.4826 * float(np.median(np.abs(pv - p_med))), MOTION_NOISE)
        aus = table[:, a:a + len(AUS)]
        # two expressions under 0.2 s apart merge in the signal: cut where the learned AUs fall back between them
        for iv in spot(sig, fps, min_sigma=MOTION_NOISE, times=times, levels=table[:, learned], min_rise=RISE):
            if iv.merged is None:
                on, off = extend_interval(iv.onset, iv.apex, iv.offset, past, lag, low, times=times, lag_s=lag_t)
                if too_long(on, off, fps, times=times):  # widened past a micro-expression's length
                    on, off = iv.onset, iv.offset
                span = on, off
            else:  # a part of two: its ends are where the AUs fell back, and the face comes back after the two
                on, off = iv.onset, iv.offset
                span = iv.merged
            if not returns(aus, *span, lag):
                continue  # the face did not come back: the start (or end) of a held expression
            if release(_interval_rows(table, max(0, on - 2 * lag), off), on, iv.apex, lag):
                continue  # the face going back to rest after an expression (the reason: proposals.release)
            if not describe_interval(_interval_rows(table, on, off), apex=iv.apex).aus:
                continue  # no action unit moved: a glitch or motion of nothing a coder could code
            out.append(_spot_row(fid, Interval(on, iv.apex, off, iv.score), timestamps, fps))
    out.sort(key=lambda s: (s.onset, s.face_id))
    return out


def _interval_rows(table: np.ndarray, onset: int, offset: int) -> pd.DataFrame:
    """The columns proposals read (AUxx_r, AUxx_m) over one interval, from the kept per-frame values."""
    part = table[onset:offset + 1]
    cols = {"frame": np.arange(onset, offset + 1)}
    cols.update({au_r(au): part[:, _AU0 + k] for k, au in enumerate(AUS)})
    cols.update({f"AU{au:02d}_m": part[:, _AU0 + len(AUS) + k] for k, au in enumerate(MICRO_AUS)})
    return pd.DataFrame(cols)


RETURN_TOL = 1.5  # AU intensity units


def returns(aus: np.ndarray, onset: int, offset: int, lag: int) -> bool:
    """Whether the face comes back after an interval: the learned AUs `lag` frames after it are within
    RETURN_TOL of those `lag` frames before it (AU45, blinks, left out). A micro-expression goes
    onset -> apex -> offset and back; a macro-expression's start (a smile that is then held) does not come
    back. Unknown (no face, or NaN AUs, on either side) counts as coming back."""
    n = len(aus)
    before, after = onset - lag, offset + lag
    if before < 0 or after >= n:
        return True
    keep = [k for k, a in enumerate(AUS) if a != 45]
    d = np.abs(aus[after, keep] - aus[before, keep])
    return not bool(np.nanmax(d, initial=0.0) > RETURN_TOL) if np.isfinite(d).any() else True


_END = object()
_STALE = object()  # in place of a frame's faces: its picture is stale (damaged data before it), not looked at


def _as_final(tf: TrackedFace, final: int) -> TrackedFace:
    """A tracked face under the id its track finally carries (`seen_as`: the id it was first given), itself where
    that is its own."""
    return tf if final == tf.track_id else replace(tf, track_id=final, seen_as=tf.track_id)


def _faces(items: Any) -> list:
    """A held frame's faces (none for a stale one)."""
    return [] if items is _STALE else items


@dataclass
class _Failed:
    error: BaseException


@dataclass(slots=True)
class _InFlight:
    """The rows of `Analysis.rows()` waiting in frame order until complete: the AU estimator finishes faces in
    batches (the blendshape network is much cheaper per face in a batch) and a model's predictions lag; they
    leave in order (`_drain`). `au_done` / `model_done`: the keys whose part has arrived."""

    covered_fraction: float  # merstudio.face.occlusion.COVERED_FRACTION (its module loads MediaPipe: not here)
    pending: dict[tuple[int, int], dict] = field(default_factory=dict)
    ready: set[tuple[int, int]] = field(default_factory=set)
    au_done: set[tuple[int, int]] = field(default_factory=set)
    model_done: set[tuple[int, int]] = field(default_factory=set)
    # The model gets each face (with what covers it, its pose and whether a blink is near) once the AU estimator
    # has finished it, which waits for the frames that tell a blink (features.blinks): a window over a blink is
    # judged without the eyes (merstudio.model.inference). Aligned faces wait here until then.
    faces_waiting: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def given(self, last: int, start: int) -> int:
        """The frames from `start` whose rows have all left, `last` the last frame read: those before the first
        frame still waiting (~1 s of frames wait for the AU batch, the blink look-ahead and the model)."""
        return max(0, (next(iter(self.pending))[1] if self.pending else last + 1) - start)


def _add_hands(faces: list, outlines: list, covered_regions) -> None:  # noqa: ANN001 - face.occlusion's
    """Add the hands' share of what covers each face region to the reader's (the frame's edge, the lips' and
    eyes' checks): the hands are looked for on their own thread, so their outlines join the frame here."""
    for tf, _aligned, covered in faces:
        for region, share in covered_regions(outlines, tf.obs.landmarks).items():
            covered[region] = max(covered[region], share)


def _drain(pending: dict[tuple[int, int], dict], ready: set[tuple[int, int]], start: int = 0,
           done: tuple[set[tuple[int, int]], ...] = (), stop: int | None = None) -> Iterator[dict]:
    """Yield rows from the front of `pending` (insertion = frame order) while they are complete; rows of frames
    before `start` (a segment's warm-up) or from `stop` on (its tail) are dropped. A row that leaves is forgotten by
    `ready` and the `done` sets too, so that they hold the few rows in flight, not every frame of a long video."""
    while pending:
        key = next(iter(pending))
        if key not in ready:
            return
        ready.discard(key)
        for keys in done:
            keys.discard(key)
        row = pending.pop(key)
        if key[1] >= start and (stop is None or key[1] < stop):
            yield row


class _HandSchedule:
    """Which frames look for hands: multiples of `every` (five times a second), and every frame while a hand was
    seen at the last look. Depends on the frame index and the last look only, so a segment's warm-up reaches the
    schedule an unsplit run has. Owns the hand tracker (MediaPipe Hands, created at the first look). A restart makes
    it forget its hands rather than building a new graph: a new graph at every restart (once a minute) grew the
    process by 25-30 MB each time (MediaPipe's native memory, not returned), 606 -> 753 MB over a 20-minute clip.
    Static mode (no tracking) would need no restart but lost a hand over the mouth that tracking keeps."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.seen = False
        self._hands: Any = None  # merstudio.face.occlusion.HandOcclusion

    def update(self, i: int, rgb: np.ndarray, faces: Sequence[Box] = ()) -> list[np.ndarray]:
        """The hands' outlines on frame i, looked for round the `faces` (boxes) if i is a frame to look on."""
        if not self.seen and i % self.every:
            return []
        if self._hands is None:
            from merstudio.face.occlusion import HandOcclusion

            self._hands = HandOcclusion(every=self.every)  # the same rule, per hand tracker (one per window)
        outlines = self._hands.update(i, rgb, faces)
        self.seen = bool(outlines)
        return outlines

    def restart(self) -> None:
        """Forget the tracked hands; back to looking five times a second (as an unsplit run does here)."""
        if self._hands is not None:
            self._hands.forget()
        self.seen = False

    def close(self) -> None:
        if self._hands is not None:
            self._hands.close()
            self._hands = None


def _restart_tracker(tracker) -> None:  # noqa: ANN001 - merstudio.face.tracker.FaceTracker
    """The tracker's part of a restart (module docstring): a new mesh graph that detects the faces afresh, the
    detector's search schedule from the start, and re-identification signatures rebuilt from here; ids and
    continuity carry on."""
    tracker._detector_reset()
    tracker._search_interval = tracker.search_every
    for t in tracker._tracks.values():
        t.geometry = t.appearance = None
        t.n_sig = 0


class _NoLoneBatch:
    """The blendshape model, never called on a batch of one (numpy's matrix-vector path rounds differently from the
    matrix-matrix path of batches of 2 and more): so a face's scores do not depend on how the batches fell."""

    def __init__(self, model) -> None:  # noqa: ANN001 - merstudio.face.blendshapes.BlendshapeModel
        self.model = model

    def __call__(self, meshes: np.ndarray) -> np.ndarray:
        if meshes.ndim == 3 and len(meshes) == 1:
            return self.model(np.concatenate([meshes, meshes]))[:1]
        return self.model(meshes)


def _turned_warning(deg: int) -> str:
    return (f"the faces are upright only with the frames turned {deg}° clockwise: analysed so (the landmarks stay in "
            "the file's own coordinates)")


def _spot_row(fid: int, iv: Interval, ts: np.ndarray, fps: float) -> SpotRow:
    def t(i: int) -> float:
        return float(ts[i]) if 0 <= i < len(ts) else i / fps

    return SpotRow(fid, int(iv.onset), int(iv.apex), int(iv.offset), round(float(iv.score), 4),
                   round(t(iv.onset), 6), round(t(iv.apex), 6), round(t(iv.offset), 6))
