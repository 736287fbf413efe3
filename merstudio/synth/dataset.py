"""Synthetic micro-expression training sets (the starter model's data): many identities, known AUs and labels.

Each *subject* is a synthetic identity made from the public-domain astronaut cut-out (`source.py`): mirrored or
not, a random face-shape warp (eye spacing and height, brows, nose length and width, mouth width and height,
chin, jaw, forehead; 4-8 % of the inter-ocular distance), random skin tone / brightness / contrast / gamma, a
random plain or gradient background, then placed at the canonical aligned layout (`face.align`, 128 px) with a
random scale (±6 %), roll (±4°) and offset (±3 px). Each *sample* is a short clip (a frame folder, `frames`
images `img00.jpg`..) in which one AU combination ramps onset -> apex -> offset (raised cosine; amplitude
0.7-1.5 per AU, see `warps.py`) under small head jitter, sensor noise and light drift; now and then a blink.

Labels follow the FACS objective classes (shared/reference/datasets.md) mapped to the composite's three classes:
happiness -> positive; surprise -> surprise; anger, disgust, sadness, fear -> negative; AU14 (contempt, which
SAMM maps to negative) -> negative. A fourth class `none` has no facial action at all, only what a long
interview is full of: head drift and quick head moves, blinks, lighting flicker and noise. Its `aus` cell is
`0` (FACS "neutral"), which the loaders read as "coded, no AUs" (an empty cell would mean "not coded").

The table (`samples.csv`, the generic sample table of issue 5) has the columns
`subject,sample,label,path,onset,apex,offset,aus,dataset` with frame numbers 0-based (= the numbers in the frame
file names) and `path` relative to the table. Everything is deterministic for a seed (per-subject and per-sample
random streams, so the set does not depend on generation order).

Writing: each clip's frames go into a hidden temporary folder beside the clip's (`.<sample>.<token>.part`), renamed
to the clip's folder once all its frames are written: one rename per clip rather than a temporary and a rename per
frame, and a reader (or a killed run) never sees a clip with some of its frames. The frames are not fsynced (the set
is made again from its seed); the table and synthetic.json go through atomic_path. A run holds a claim on the folder
(`.synthetic.lock`), so a second run into it is refused, and removes what a killed run left.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from merstudio.atomic import TEMP_SUFFIX, ClaimedElsewhere, FileClaim, atomic_path, write_text_atomic
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.face import landmarks as L
from merstudio.interrupts import stop_if_interrupted
from merstudio.synth import warps as W
from merstudio.synth.source import astronaut_cutout, detect_landmarks

TABLE_COLUMNS = ("subject", "sample", "label", "path", "onset", "apex", "offset", "aus", "dataset")
CLASSES = ("negative", "positive", "surprise", "none")
DATASET_NAME = "synthetic"
SYNTH_VERSION = 1  # bump when the generated images change for the same seed

# AU combinations per class with the emotion they stand for (objective classes I-VI; AU14 = contempt).
COMBOS: dict[str, tuple[tuple[tuple[int, ...], str], ...]] = {
    "positive": (
        ((12,), "happiness"), ((6, 12), "happiness"), ((6, 7, 12), "happiness"), ((7, 12), "happiness"),
        ((6,), "happiness"),
    ),
    "surprise": (((1, 2), "surprise"), ((5,), "surprise")),
    "negative": (
        ((4,), "anger"), ((4, 7), "anger"), ((4, 5), "anger"), ((4, 5, 7), "anger"), ((4, 6, 7), "anger"),
        ((9,), "disgust"), ((10,), "disgust"), ((4, 9), "disgust"), ((4, 7, 9), "disgust"),
        ((4, 9, 17), "disgust"), ((4, 7, 10), "disgust"), ((7, 10), "disgust"),
        ((1,), "sadness"), ((15,), "sadness"), ((1, 4), "sadness"), ((6, 15), "sadness"), ((15, 17), "sadness"),
        ((1, 2, 4), "fear"), ((14,), "contempt"),
    ),
    "none": (((), "none"),),
}


class SynthCancelled(MerstudioError):
    """make_synthetic_set() was cancelled (no table is left behind)."""


@dataclass(frozen=True)
class Identity:
    """One synthetic subject: its neutral face at the aligned size and the landmarks on it."""

    image: np.ndarray  # RGB uint8 (size, size, 3)
    landmarks: np.ndarray  # (468, 2) float64


@lru_cache(maxsize=2)
def _base(mirrored: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cut-out (crop, alpha, landmarks), mirrored or not; Face Mesh runs once per variant and process."""
    crop, alpha = astronaut_cutout()
    if mirrored:
        crop, alpha = crop[:, ::-1].copy(), alpha[:, ::-1].copy()
    still = (crop.astype(np.float32) * alpha[..., None] + 128.0 * (1 - alpha[..., None])).astype(np.uint8)
    return crop, alpha, detect_landmarks(still, "astronaut cut-out")


def _eye_centres(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return lm[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(axis=0), lm[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(axis=0)


def _identity_handles(lm: np.ndarray, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Random face-shape changes as Gaussian handles (point, vector px, sigma px)."""
    ff = W.face_frame(lm)
    d, right, up = ff.iod, ff.right, ff.up
    u = lambda a: rng.uniform(-a, a) * d  # noqa: E731 - a short local helper reads best here
    handles: list[tuple[np.ndarray, np.ndarray, float]] = []

    def sym(r_pt: np.ndarray, l_pt: np.ndarray, out: float, dy: float, sigma: float) -> None:
        handles.append((r_pt, -out * right + dy * up, sigma * d))
        handles.append((l_pt, out * right + dy * up, sigma * d))

    r_eye, l_eye = _eye_centres(lm)
    sym(r_eye, l_eye, u(0.05), u(0.04), 0.2)  # eye spacing and height
    sym(lm[105], lm[334], u(0.02), u(0.05), 0.2)  # brow height
    sym(lm[L.R_NOSE_WING], lm[L.L_NOSE_WING], u(0.04), 0.0, 0.15)  # nose width
    handles.append((lm[L.NOSE_TIP], -u(0.05) * up, 0.18 * d))  # nose length
    mouth_dy = u(0.05)
    sym(lm[L.R_MOUTH_CORNER], lm[L.L_MOUTH_CORNER], u(0.06), mouth_dy, 0.2)  # mouth width and height
    handles.append((lm[L.UPPER_LIP_INNER], mouth_dy * up, 0.2 * d))
    handles.append((lm[L.CHIN], -u(0.08) * up, 0.3 * d))  # chin length
    sym(lm[L.R_FACE_EDGE], lm[L.L_FACE_EDGE], u(0.06), 0.0, 0.3)  # face width
    sym(lm[172], lm[397], u(0.06), 0.0, 0.3)  # jaw angle
    handles.append((lm[L.FOREHEAD], u(0.06) * up, 0.35 * d))  # forehead height
    return handles


def _tone(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random skin tone (channel gains), brightness, contrast and gamma."""
    x = rgb.astype(np.float32) / 255.0
    darkness = rng.uniform(0.0, 1.0)
    gains = np.array([1.0, 0.93 - 0.1 * darkness, 0.88 - 0.18 * darkness], np.float32)
    gains *= rng.uniform(0.95, 1.05, 3).astype(np.float32) * np.float32(1.05 - 0.55 * darkness)
    x = x * gains
    mean = x.mean(axis=(0, 1), keepdims=True)
    x = (x - mean) * np.float32(rng.uniform(0.8, 1.2)) + mean
    x = np.clip(x, 0, 1) ** np.float32(rng.uniform(0.8, 1.25))
    return np.clip(x * 255.0, 0, 255).astype(np.uint8)


def _background(size: int, rng: np.random.Generator) -> np.ndarray:
    """A plain colour or a gentle vertical/horizontal gradient between two colours."""
    c0 = rng.uniform(30, 230, 3)
    c1 = c0 + rng.uniform(-40, 40, 3) if rng.random() < 0.5 else c0
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)
    ramp = t[:, None] if rng.random() < 0.5 else t[None, :]
    ramp = np.broadcast_to(ramp, (size, size))[..., None]
    return np.clip(c0 * (1 - ramp) + c1 * ramp, 0, 255).astype(np.float32)


def make_identity(seed: int, subject: int, size: int = 128) -> Identity:
    """Subject `subject`'s neutral face (deterministic for (seed, subject))."""
    from merstudio.face.align import canonical_stable_points, estimate_similarity

    rng = np.random.default_rng([seed, 10, subject])
    crop, alpha, lm = _base(bool(rng.integers(2)))
    d = W.handles_displacement(_identity_handles(lm, rng), crop.shape[:2])
    crop = W.warp(crop, d, border=cv2.BORDER_REPLICATE)
    alpha = W.warp(alpha, d, border=cv2.BORDER_REPLICATE)
    lm = lm + W.sample_field(d, lm)
    fg = _tone(crop, rng)
    m = estimate_similarity(lm[list(L.STABLE_POINTS)], canonical_stable_points(size))
    jitter = W.similarity_matrix(
        (size / 2, size / 2), rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-4, 4), rng.uniform(0.94, 1.06)
    )
    lin, shift = jitter[:, :2] @ m[:, :2], jitter[:, :2] @ m[:, 2] + jitter[:, 2]
    m = np.hstack([lin, shift[:, None]])
    flags = cv2.INTER_AREA if abs(np.linalg.det(m[:, :2])) < 1 else cv2.INTER_LINEAR
    fg_s = cv2.warpAffine(fg, m, (size, size), flags=flags, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    a = cv2.warpAffine(alpha, m, (size, size), flags=cv2.INTER_LINEAR)[..., None]
    img = fg_s * a + _background(size, rng) * (1 - a)
    return Identity(np.clip(img, 0, 255).round().astype(np.uint8), W.transform_points(lm, m))


@dataclass(frozen=True)
class ClipSpec:
    """What one synthetic clip shows (all frame numbers 0-based)."""

    label: str
    emotion: str
    aus: dict[int, float]  # AU -> amplitude at apex
    onset: int
    apex: int
    offset: int
    frames: int

    @property
    def au_string(self) -> str:
        return "+".join(str(a) for a in sorted(self.aus)) if self.aus else "0"

    def ramp(self, t: int) -> float:
        if t <= self.onset or t >= self.offset:
            return 0.0
        if t <= self.apex:
            return float(np.sin(0.5 * np.pi * (t - self.onset) / (self.apex - self.onset)) ** 2)
        return float(np.cos(0.5 * np.pi * (t - self.apex) / (self.offset - self.apex)) ** 2)


DEFAULT_AMPLITUDE = (0.7, 1.5)  # apex amplitude range of a clip's AUs (warps.py's units)


def _clip_spec(label: str, frames: int, rng: np.random.Generator,
               amplitude: tuple[float, float] = DEFAULT_AMPLITUDE) -> ClipSpec:
    combos = COMBOS[label]
    aus_t, emotion = combos[int(rng.integers(len(combos)))]
    base = rng.uniform(*amplitude)
    aus = {a: float(base * rng.uniform(0.85, 1.15)) for a in aus_t}
    onset = int(rng.integers(0, max(1, frames // 6) + 1))
    rise = int(rng.integers(max(2, frames // 5), max(3, frames // 2) + 1))
    apex = min(onset + rise, frames - 2)
    offset = min(frames - 1, apex + int(rng.integers(2, max(3, frames - apex))))
    return ClipSpec(label, emotion, aus, onset, apex, offset, frames)


def _trapezoid(t: float, a: float, b: float, c: float, d: float) -> float:
    if t <= a or t >= d:
        return 0.0
    if t < b:
        return float(np.sin(0.5 * np.pi * (t - a) / (b - a)) ** 2)
    if t <= c:
        return 1.0
    return float(np.cos(0.5 * np.pi * (t - c) / (d - c)) ** 2)


def render_clip(
    identity: Identity, spec: ClipSpec, rng: np.random.Generator
) -> list[np.ndarray]:
    """The frames (RGB uint8) of one clip. Random nuisances come from `rng`; `none` clips get more of them."""
    img0, lm = identity.image, identity.landmarks
    n = spec.frames
    field = W.au_displacement(lm, img0.shape, spec.aus) if spec.aus else None  # linear: scale per frame
    centre = W.face_frame(lm).centre
    calm = spec.label != "none"
    # Head: linear drift + a little wobble; `none` clips drift more and may jerk (a quick move).
    drift = rng.normal(0, 0.05 if calm else 0.2, 4) * np.array([1.0, 1.0, 0.3, 0.002])
    wob = rng.normal(0, 0.15 if calm else 0.4, 2)
    phase = rng.uniform(0, 2 * np.pi, 2)
    jerk = None if calm or rng.random() < 0.6 else (rng.uniform(1, n - 3), rng.normal(0, 1.5, 2), rng.normal(0, 1.5))
    blink_at = rng.uniform(1, n - 4) if rng.random() < (0.1 if calm else 0.4) else None
    flicker = not calm and rng.random() < 0.3
    noise = rng.uniform(0.5, 2.5)
    gain0, gain_slope = rng.uniform(0.95, 1.05), rng.normal(0, 0.003)
    out = []
    for t in range(n):
        img = img0
        r = spec.ramp(t)
        if field is not None and r > 0:
            img = W.warp(img, r * field)
        if blink_at is not None:
            c = _trapezoid(t, blink_at - 1.5, blink_at, blink_at + 0.5, blink_at + 2.5)
            if c > 0:
                img = W.blink(img, lm, c)
        dx, dy, ang, sc = drift * t
        dx += wob[0] * np.sin(2 * np.pi * t / n + phase[0])
        dy += wob[1] * np.sin(2 * np.pi * t / n + phase[1])
        if jerk is not None:
            k = _trapezoid(t, jerk[0] - 1, jerk[0] + 1, n + 10, n + 11)
            dx, dy, ang = dx + k * jerk[1][0], dy + k * jerk[1][1], ang + k * jerk[2]
        if dx or dy or ang or sc:
            img = W.head_motion(img, dx, dy, ang, 1.0 + sc, centre=centre)
        gain = gain0 + gain_slope * t
        if flicker and t % 2:
            gain *= 0.9
        img = W.lighting(img, gain=gain)
        out.append(W.sensor_noise(img, noise, rng))
    return out


def _schedule(samples: int, rng: np.random.Generator) -> list[str]:
    """Class of each of a subject's samples: as even as possible over CLASSES, shuffled."""
    labels = [CLASSES[i % len(CLASSES)] for i in range(samples)]
    rng.shuffle(labels)
    return labels


def make_synthetic_set(
    out_dir: str | os.PathLike[str],
    n_subjects: int = 16,
    samples_per_subject: int = 24,
    seed: int = 0,
    frames: int = 12,
    size: int = 128,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    amplitude: tuple[float, float] = DEFAULT_AMPLITUDE,
    apex_coded: bool = True,
) -> Path:
    """Generate the set into `out_dir` (frames/<subject>/<sample>/imgNN.jpg, samples.csv, synthetic.json) and
    return the path of samples.csv. Rows are written as samples finish; the table is moved into place at the end.

    `amplitude`: the range each clip's apex strength is drawn from (lower: weaker, nearer real micro-expressions).
    `apex_coded=False` leaves the apex cells blank, as SMIC's annotations are (the loaders then take the middle
    frame of onset..offset, as they do for SMIC); the frames are the same either way."""
    lo, hi = (float(a) for a in amplitude)
    if not 0 < lo <= hi <= DEFAULT_AMPLITUDE[1]:  # stronger warps can fold the face (warps.py)
        raise InputError(f"amplitude: need 0 < low <= high <= {DEFAULT_AMPLITUDE[1]}, got {lo}, {hi}")
    if n_subjects < 1 or samples_per_subject < 1:
        raise InputError(f"n_subjects and samples_per_subject must be >= 1, got {n_subjects}, {samples_per_subject}")
    if not 6 <= frames <= 100:
        raise InputError(f"frames: a clip needs 6..100 frames, got {frames}")
    if size < 64:
        raise InputError(f"size: the aligned face needs at least 64 px, got {size}")
    out = Path(out_dir)
    try:
        (out / "frames").mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{out}: cannot create the output folder ({e.strerror})") from None
    table = out / "samples.csv"
    try:
        claim = FileClaim.acquire(out / ".synthetic.lock")
    except ClaimedElsewhere as exc:
        who = f"pid {exc.pid}" if exc.pid else "another process"
        raise OutputError(f"{out}: a synthetic set is being made here by {who}") from None
    with claim:
        _remove_temp_folders(out / "frames")
        with atomic_path(table) as tmp:  # rows are written as samples finish; the table lands whole at the end
            _generate(out, tmp, n_subjects, samples_per_subject, seed, frames, size, progress, cancel, (lo, hi),
                      apex_coded)
    meta = {
        "generator": "merstudio.synth.dataset.make_synthetic_set",
        "version": SYNTH_VERSION,
        "seed": seed,
        "n_subjects": n_subjects,
        "samples_per_subject": samples_per_subject,
        "frames": frames,
        "size": size,
        "amplitude": [lo, hi],
        "apex_coded": apex_coded,
        "classes": list(CLASSES),
        "source_image": "skimage.data.astronaut() (NASA, public domain)",
    }
    write_text_atomic(out / "synthetic.json", json.dumps(meta, indent=2) + "\n")
    return table


def subject_name(seed: int, index: int) -> str:
    """The id of subject `index` (from 0) of the set made with `seed`: other seeds make other identities, so their
    subjects are other people and named so ("synth_s1_01"); `merstudio evaluate` falls back to ids where a
    checkpoint's record cannot tell inputs apart, and a held-out set named "synth01" like the training set's was
    called training-set fit. Seed 0 keeps "synth01": the starter (resources/models) was trained on it and records
    those ids."""
    return f"synth{index + 1:02d}" if seed == 0 else f"synth_s{seed}_{index + 1:02d}"


def _generate(
    out: Path,
    tmp: Path,
    n_subjects: int,
    samples_per_subject: int,
    seed: int,
    frames: int,
    size: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    amplitude: tuple[float, float] = DEFAULT_AMPLITUDE,
    apex_coded: bool = True,
) -> None:
    total, done = n_subjects * samples_per_subject, 0
    with open(tmp, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(TABLE_COLUMNS)
        for s in range(n_subjects):
            subject = subject_name(seed, s)
            place = f"synth{s + 1:02d}"  # its frames' folder: by index, so a rerun with another seed replaces them
            ident = make_identity(seed, s, size)
            labels = _schedule(samples_per_subject, np.random.default_rng([seed, 20, s]))
            for k, label in enumerate(labels):
                if cancel is not None and cancel():
                    raise SynthCancelled(f"{out}: generation cancelled")
                rng = np.random.default_rng([seed, 30, s, k])
                spec = _clip_spec(label, frames, rng, amplitude)
                name = f"{subject}_{k:03d}"
                folder = out / "frames" / place / f"{place}_{k:03d}"
                _write_clip(folder, render_clip(ident, spec, rng))
                rel = folder.relative_to(out).as_posix()
                apex = spec.apex if apex_coded else ""
                w.writerow([subject, name, label, rel, spec.onset, apex, spec.offset, spec.au_string, DATASET_NAME])
                done += 1
                if progress:
                    progress(done, total)


def _temp_folder(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _write_clip(folder: Path, images: list[np.ndarray]) -> None:
    """The clip's frames into a temporary folder beside `folder`, renamed to `folder` when all are written (an
    earlier clip of that name is replaced)."""
    tmp = _temp_folder(folder)
    try:
        tmp.mkdir(parents=True)
        for t, img in enumerate(images):
            name = f"img{t:02d}.jpg"
            if not cv2.imwrite(str(tmp / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95]):
                raise OutputError(f"{folder / name}: cannot write the image")
        stop_if_interrupted()  # after a Ctrl-C (maybe dropped in C) an earlier clip stays as it was
        if folder.exists():  # a folder cannot be renamed over a full one: move the old one aside first
            old = _temp_folder(folder)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{folder}: cannot write the clip ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_temp_folders(frames: Path) -> None:
    """Remove the clips' temporary folders a killed run left (`frames/<subject>/.<sample>.<token>.part`). Only
    under the folder's claim: no other run can be writing them."""
    for subject in (frames.iterdir() if frames.is_dir() else ()):
        if not subject.is_dir():
            continue
        for entry in subject.iterdir():
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m merstudio.synth.dataset OUT [--subjects N] [--samples N] [--seed S] [--frames F]
    [--amplitude LO HI] [--no-apex]`."""
    import argparse
    import sys

    from tqdm import tqdm

    ap = argparse.ArgumentParser(prog="python -m merstudio.synth.dataset", description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="output folder (samples.csv and frames/ go here)")
    ap.add_argument("--subjects", type=int, default=16)
    ap.add_argument("--samples", type=int, default=24, help="samples per subject")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--frames", type=int, default=12, help="frames per clip")
    ap.add_argument("--amplitude", type=float, nargs=2, metavar=("LO", "HI"), default=DEFAULT_AMPLITUDE,
                    help=f"range of the clips' apex strength (default {DEFAULT_AMPLITUDE[0]} {DEFAULT_AMPLITUDE[1]}; "
                    "e.g. 0.3 0.6 for weaker movements)")
    ap.add_argument("--no-apex", action="store_true",
                    help="leave the apex column blank, as SMIC's annotations are (loaders use the middle frame)")
    args = ap.parse_args(argv)
    try:
        with tqdm(total=args.subjects * args.samples, unit="clip", desc="synthetic set") as bar:
            table = make_synthetic_set(args.out, args.subjects, args.samples, args.seed, args.frames,
                                       progress=lambda done, total: bar.update(done - bar.n),
                                       amplitude=tuple(args.amplitude), apex_coded=not args.no_apex)
    except MerstudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
