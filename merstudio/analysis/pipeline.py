"""The streaming analysis pipeline: frames in, OpenFace-style per-frame rows out.

One implementation serves the CLI (`merstudio analyze`) and the GUI's worker. It never holds more than the current
frame (plus the model's short sliding window); rows are yielded as soon as they are known, and the per-track motion
signal (one float per frame) is kept for spotting at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from merstudio.face.landmarks import N_LANDMARKS
from merstudio.features.aus import AUS, au_c, au_r
from merstudio.features.spotting import Interval, spot
from merstudio.io import FrameSource

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

BASE_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")


@dataclass
class AnalysisSettings:
    """What the pipeline computes. Defaults are what `merstudio analyze` uses."""

    flow: str = "dis"  # dis | farneback | tvl1
    max_faces: int = 4
    landmarks: bool = False  # add x_0..x_467, y_0..y_467 (frame pixels)
    checkpoint: Path | None = None  # learned model: adds p_<class> and AUxx_p columns
    device: str | None = None  # None = CUDA when available, else CPU


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


@dataclass
class Analysis:
    """One run of the pipeline over one source. Iterate `rows()`; afterwards `spots()` and the counters are set."""

    source: FrameSource
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    frames_done: int = 0
    cancelled: bool = False
    device: str = "cpu"
    class_names: list[str] = field(default_factory=list)
    model_aus: list[int] = field(default_factory=list)
    _motion: dict[int, dict[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._predictor = None
        if self.settings.checkpoint is not None:
            from merstudio.model.checkpoint import load_checkpoint
            from merstudio.model.inference import FramePredictor

            model, meta = load_checkpoint(self.settings.checkpoint)
            self._predictor = FramePredictor(model, meta, device=self.settings.device, fps=self.source.fps)
            self.device = str(self._predictor.device)
            self.class_names = list(self._predictor.class_names)
            self.model_aus = list(self._predictor.aus)

    # -- columns -----------------------------------------------------------------------------------------------
    def columns(self) -> list[str]:
        cols = list(BASE_COLUMNS)
        if self.settings.landmarks:
            cols += [f"x_{k}" for k in range(N_LANDMARKS)] + [f"y_{k}" for k in range(N_LANDMARKS)]
        cols += [au_r(a) for a in AUS] + [au_c(a) for a in AUS]
        if self._predictor is not None:
            cols += list(self._predictor.columns)
        return cols

    # -- the stream --------------------------------------------------------------------------------------------
    def rows(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> Iterator[dict]:
        from merstudio.face.align import FaceAligner
        from merstudio.face.tracker import FaceTracker
        from merstudio.features.aus import AUEstimator

        tracker = FaceTracker(max_faces=self.settings.max_faces)
        aligner = FaceAligner()
        estimator = AUEstimator(flow=self.settings.flow, fps=self.source.fps)
        total = self.source.frame_count
        # With a model, rows wait here (in frame order) for its lagging predictions; they leave in order.
        pending: dict[tuple[int, int], dict] = {}
        ready: set[tuple[int, int]] = set()
        for i, rgb in self.source.iter_frames():
            if cancel is not None and cancel():
                self.cancelled = True
                break
            t = self.source.timestamp(i)  # cheap inside a pass (no index build, even on VFR)
            faces = tracker.update(i, rgb)
            if not faces:
                if self._predictor is None:
                    yield self._empty_row(i, t)
                else:
                    pending[(-1, i)] = self._empty_row(i, t)
                    ready.add((-1, i))
            for tf in faces:
                aligned = aligner.align(tf.track_id, tf.obs.landmarks, rgb, frame_index=i)
                act = estimator.update(tf.track_id, aligned)
                self._motion.setdefault(tf.track_id, {})[i] = float(act.motion)
                row = {"frame": i, "face_id": tf.track_id, "timestamp": round(t, 6),
                       "confidence": round(float(tf.obs.confidence), 3), "success": 1}
                if self.settings.landmarks:
                    pts = tf.obs.landmarks
                    row.update({f"x_{k}": round(float(pts[k, 0]), 2) for k in range(N_LANDMARKS)})
                    row.update({f"y_{k}": round(float(pts[k, 1]), 2) for k in range(N_LANDMARKS)})
                for a in AUS:
                    row[au_r(a)] = round(float(act.intensity[a]), 3)
                for a in AUS:
                    row[au_c(a)] = int(act.presence[a])
                if self._predictor is None:
                    yield row
                else:
                    pending[(tf.track_id, i)] = row
                    self._resolve(pending, ready, self._predictor.push(tf.track_id, i, aligned.image))
            yield from _drain(pending, ready)
            self.frames_done = i + 1
            if progress is not None:
                progress(self.frames_done, total)
        if self._predictor is not None:
            # Not in a `finally`: a generator closed early (break, GeneratorExit) must not yield again.
            self._resolve(pending, ready, self._predictor.flush())
            ready.update(pending)  # whatever the model could not predict leaves without p_ columns
            yield from _drain(pending, ready)

    def _resolve(self, pending: dict[tuple[int, int], dict], ready: set[tuple[int, int]],
                 predictions: list) -> None:
        for p in predictions:
            key = (p.track_id, p.frame_index)
            row = pending.get(key)
            if row is not None:
                row.update({k: round(v, 4) for k, v in p.as_row(self.class_names, self.model_aus).items()})
                ready.add(key)

    def _empty_row(self, i: int, t: float) -> dict:
        row: dict = {"frame": i, "face_id": -1, "timestamp": round(t, 6), "confidence": 0.0, "success": 0}
        for a in AUS:
            row[au_r(a)] = 0.0
            row[au_c(a)] = 0
        return row

    # -- after the stream --------------------------------------------------------------------------------------
    def motion(self, face_id: int) -> np.ndarray:
        """The per-frame motion signal of one track over the processed frames (NaN where the face was absent)."""
        sig = np.full(self.frames_done, np.nan, dtype=np.float32)
        for i, m in self._motion.get(face_id, {}).items():
            if i < self.frames_done:
                sig[i] = m
        return sig

    def face_ids(self) -> list[int]:
        return sorted(self._motion)

    def spots(self) -> list[SpotRow]:
        """Candidate micro-expression intervals per face track, from the motion signal."""
        ts = self.source.timestamps
        out: list[SpotRow] = []
        for fid in self.face_ids():
            sig = self.motion(fid)
            present = ~np.isnan(sig)
            if present.sum() < 3:
                continue
            # Gaps (face absent) are filled with the track's median so they do not look like motion.
            filled = np.where(present, sig, np.nanmedian(sig))
            for iv in spot(filled, self.source.fps):
                out.append(_spot_row(fid, iv, ts, self.source.fps))
        out.sort(key=lambda s: (s.onset, s.face_id))
        return out


def _drain(pending: dict[tuple[int, int], dict], ready: set[tuple[int, int]]) -> Iterator[dict]:
    """Yield rows from the front of `pending` (insertion = frame order) while they are complete."""
    while pending:
        key = next(iter(pending))
        if key not in ready:
            return
        ready.discard(key)
        yield pending.pop(key)


def _spot_row(fid: int, iv: Interval, ts: np.ndarray, fps: float) -> SpotRow:
    def t(i: int) -> float:
        return float(ts[i]) if 0 <= i < len(ts) else i / fps

    return SpotRow(fid, int(iv.onset), int(iv.apex), int(iv.offset), round(float(iv.score), 4),
                   round(t(iv.onset), 6), round(t(iv.apex), 6), round(t(iv.offset), 6))
