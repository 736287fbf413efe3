"""The bundled demo clip: a 20 s synthetic "interview" with known micro-expressions, built frame by frame.

One still face (the public-domain astronaut, see `source.py`) on a plain 640x480 background; its landmarks are
found once with Face Mesh. Each frame is rendered as

    still -> AU displacement warp (micro-expressions) -> blink -> head similarity -> lighting -> sensor noise

with the timeline below: six AU-specific micro-expressions of 8-14 frames (onset -> apex -> offset ramps), slow
head drift (translation, roll, scale) throughout, one fast head turn that is not an expression, one blink and
one lighting flicker. Ground truth goes beside the video: `truth.csv` (one row per expression) and `frames.csv`
(per-frame AU amplitudes, head pose, blink and light gain). Event timing is fixed; `seed` changes the noise and
the phases of the head drift.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from merstudio.atomic import atomic_path
from merstudio.errors import OutputError
from merstudio.interrupts import stop_if_interrupted
from merstudio.synth import warps as W
from merstudio.synth.source import BACKGROUND, astronaut_cutout, compose, detect_landmarks

WIDTH, HEIGHT, FPS, N_FRAMES = 640, 480, 30, 600
FOURCC = "mp4v"  # MPEG-4 part 2: written and read back by the cv2 wheel's FFmpeg (no H.264 encoder there)
FACE_SCALE = 1.45  # cut-out -> canvas; inter-ocular distance ~62 px
NOISE_SIGMA = 1.5  # grey levels
TRUTH_COLUMNS = ("onset", "apex", "offset", "aus", "emotion", "face_id")


@dataclass(frozen=True)
class Expression:
    """One micro-expression: AU amplitudes ramping 0 -> apex -> 0 over [onset, offset] (0-based frames)."""

    onset: int
    apex: int
    offset: int
    aus: dict[int, float]
    emotion: str  # FACS objective class (Davison et al. 2018), see shared/reference/datasets.md

    @property
    def au_string(self) -> str:
        return "+".join(str(a) for a in sorted(self.aus))

    def ramp(self, frame: int) -> float:
        """0 outside (onset, offset), 1 at apex; raised-cosine rise and fall."""
        if frame <= self.onset or frame >= self.offset:
            return 0.0
        if frame <= self.apex:
            return float(np.sin(0.5 * np.pi * (frame - self.onset) / (self.apex - self.onset)) ** 2)
        return float(np.cos(0.5 * np.pi * (frame - self.apex) / (self.offset - self.apex)) ** 2)


EXPRESSIONS: tuple[Expression, ...] = (
    Expression(45, 50, 57, {12: 1.4}, "happiness"),  # class I
    Expression(120, 125, 133, {4: 1.4}, "anger"),  # class III
    Expression(195, 198, 202, {1: 1.3, 2: 1.3}, "surprise"),  # class II
    Expression(300, 305, 312, {14: 1.5}, "others"),  # class VII (AU14 is in no objective class)
    Expression(460, 465, 473, {15: 1.4, 17: 1.4}, "sadness"),  # class V
    Expression(535, 538, 542, {10: 1.4}, "disgust"),  # class IV
)
BLINK = (270, 273, 275, 279)  # start closing, closed, start opening, open again
HEAD_TURN = (330, 338, 350, 358)  # fast roll + shift: ramp up, hold, ramp down
HEAD_TURN_ANGLE, HEAD_TURN_SHIFT = 8.0, 20.0  # degrees, pixels
FLICKER = (400, 24)  # start frame, length: 7.5 Hz, 12 % depth
FLICKER_HZ, FLICKER_DEPTH = 7.5, 0.12


def _trapezoid(frame: int, knots: tuple[int, int, int, int]) -> float:
    """Smooth 0 -> 1 between knots 0..1, 1 until knot 2, 1 -> 0 by knot 3."""
    a, b, c, d = knots
    if frame <= a or frame >= d:
        return 0.0
    if frame < b:
        return float(np.sin(0.5 * np.pi * (frame - a) / (b - a)) ** 2)
    if frame <= c:
        return 1.0
    return float(np.cos(0.5 * np.pi * (frame - c) / (d - c)) ** 2)


@dataclass(frozen=True)
class FrameState:
    """What frame i shows, before noise."""

    aus: dict[int, float]
    blink: float
    dx: float
    dy: float
    angle_deg: float
    scale: float
    gain: float


class DemoRenderer:
    """Renders any frame of the demo on demand (deterministic for a seed; no state between frames)."""

    def __init__(self, seed: int = 0, landmarks: np.ndarray | None = None) -> None:
        self.seed = int(seed)
        crop, alpha = astronaut_cutout()
        self.still, _ = compose(crop, alpha, (WIDTH, HEIGHT), (WIDTH / 2, HEIGHT / 2 + 8), FACE_SCALE, BACKGROUND)
        # Face Mesh once on the still face; tests may pass landmarks in to skip it.
        self.landmarks = detect_landmarks(self.still, "demo still") if landmarks is None else landmarks
        self.centre = W.face_frame(self.landmarks).centre
        rng = np.random.default_rng([self.seed, 1])
        self._phases = rng.uniform(0, 2 * np.pi, 6)

    def state(self, frame: int) -> FrameState:
        t = frame / FPS
        p = self._phases
        aus: dict[int, float] = {}
        for ex in EXPRESSIONS:
            r = ex.ramp(frame)
            if r > 0:
                for au, amp in ex.aus.items():
                    aus[au] = aus.get(au, 0.0) + r * amp
        blink = _trapezoid(frame, BLINK)
        turn = _trapezoid(frame, HEAD_TURN)
        # Slow drift: about 0.1 px and 0.02 degrees per frame at most.
        dx = 8.0 * np.sin(2 * np.pi * t / 17.0 + p[0]) + 3.0 * np.sin(2 * np.pi * t / 7.3 + p[1])
        dy = 5.0 * np.sin(2 * np.pi * t / 11.0 + p[2])
        angle = 2.0 * np.sin(2 * np.pi * t / 13.0 + p[3])
        scale = 1.0 + 0.03 * np.sin(2 * np.pi * t / 19.0 + p[4])
        gain = 1.0 + 0.03 * np.sin(2 * np.pi * t / 9.0 + p[5])
        gain *= W.flicker_gain(frame, FPS, FLICKER[0], FLICKER[1], FLICKER_DEPTH, FLICKER_HZ)
        return FrameState(
            aus=aus,
            blink=blink,
            dx=float(dx + HEAD_TURN_SHIFT * turn),
            dy=float(dy),
            angle_deg=float(angle + HEAD_TURN_ANGLE * turn),
            scale=float(scale),
            gain=float(gain),
        )

    def frame(self, frame: int, expressions: bool = True, noise: bool = True) -> np.ndarray:
        """RGB uint8 (480, 640, 3) of frame `frame`; `expressions=False` renders it without the AU warps."""
        s = self.state(frame)
        img = self.still
        if expressions and s.aus:
            img = W.warp(img, W.au_displacement(self.landmarks, img.shape, s.aus))
        if s.blink > 0:
            img = W.blink(img, self.landmarks, s.blink)
        img = W.head_motion(img, s.dx, s.dy, s.angle_deg, s.scale, centre=self.centre)
        img = W.lighting(img, gain=s.gain)
        if noise:
            img = W.sensor_noise(img, NOISE_SIGMA, np.random.default_rng([self.seed, 2, frame]))
        return img

    def landmarks_at(self, frame: int) -> np.ndarray:
        """Where the still face's landmarks are in frame `frame` (head motion only; AU motion is ignored)."""
        s = self.state(frame)
        m = W.similarity_matrix(self.centre, s.dx, s.dy, s.angle_deg, s.scale)
        return W.transform_points(self.landmarks, m)


@dataclass(frozen=True)
class DemoPaths:
    video: Path
    truth: Path
    frames: Path


def truth_rows() -> list[dict[str, int | str]]:
    """The rows of truth.csv (one per expression, frames 0-based, single face 0)."""
    return [
        {"onset": e.onset, "apex": e.apex, "offset": e.offset, "aus": e.au_string, "emotion": e.emotion, "face_id": 0}
        for e in EXPRESSIONS
    ]


def frame_digest(img: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(img).tobytes()).hexdigest()[:16]


def build_demo(
    out_dir: str | os.PathLike[str],
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    n_frames: int = N_FRAMES,
) -> DemoPaths:
    """Render the demo into `out_dir`: interview.mp4, truth.csv, frames.csv. Streams frame by frame; each file is
    written under a temporary name and moved into place when complete."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{out}: cannot create the demo folder ({e.strerror})") from None
    renderer = DemoRenderer(seed)
    paths = DemoPaths(out / "interview.mp4", out / "truth.csv", out / "frames.csv")
    tmp_video = out / ".interview.tmp.mp4"
    writer = cv2.VideoWriter(str(tmp_video), cv2.VideoWriter.fourcc(*FOURCC), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise OutputError(f"{tmp_video}: OpenCV cannot write {FOURCC} video here")
    try:
        # cv2 picks the container from the name's suffix, so the video's temporary keeps ".mp4" (not atomic_path's
        # ".part"); it is moved into place just before frames.csv, once both are complete
        with atomic_path(paths.frames) as tmp_frames, open(tmp_frames, "w", newline="") as fh:
            w = csv.writer(fh)
            au_cols = [f"AU{a:02d}" for a in W.SUPPORTED_AUS]
            w.writerow(["frame", "timestamp", *au_cols, "blink", "dx", "dy", "angle_deg", "scale", "light_gain"])
            for i in range(n_frames):
                s = renderer.state(i)
                writer.write(cv2.cvtColor(renderer.frame(i), cv2.COLOR_RGB2BGR))
                w.writerow(
                    [i, f"{i / FPS:.6f}", *(f"{s.aus.get(a, 0.0):.4f}" for a in W.SUPPORTED_AUS), f"{s.blink:.4f}",
                     f"{s.dx:.4f}", f"{s.dy:.4f}", f"{s.angle_deg:.4f}", f"{s.scale:.5f}", f"{s.gain:.4f}"]
                )
                if progress:
                    progress(i + 1, n_frames)
            writer.release()
            stop_if_interrupted()  # as atomic_path does: after a Ctrl-C an earlier demo video stays
            os.replace(tmp_video, paths.video)
    finally:
        writer.release()
        tmp_video.unlink(missing_ok=True)
    with atomic_path(paths.truth) as tmp_truth, open(tmp_truth, "w", newline="") as fh:
        truth = csv.DictWriter(fh, fieldnames=TRUTH_COLUMNS)
        truth.writeheader()
        truth.writerows(r for r in truth_rows() if int(r["offset"]) < n_frames)
    return paths
