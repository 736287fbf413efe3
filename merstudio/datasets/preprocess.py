"""Turn a Sample into the network input (T, C, size, size) float32, computed once and cached on disk.

Frame folders / videos: read the onset frame and T target frames, align the face once on the onset frame
(FaceMeshDetector + FaceAligner; the same transform is applied to every frame of the sample, so the
alignment itself adds no motion), compute optical flow onset -> target and its optical strain at the aligned
size (128), resize to `size`, and min-max normalise each channel to 0..1 over the whole sample, as the
published 0-255 flow images are. Without alignment, or when no face is found, the largest centred square is
used instead (reported in `info`). An image-file sample is a precomputed input: its RGB channels are read as
(u, v, strain), 0-255 -> 0..1.

Channels: flow = (u, v, strain); grey = (aligned grey of the target frame); both = (u, v, strain, grey).
Cache: one .npz per sample in <cache>/prep-<settings hash>/, cache = `cache_dir`, $MERSTUDIO_CACHE,
$XDG_CACHE_HOME/merstudio, or ~/.cache/merstudio. An entry is only ever a copy: one that cannot be read (0 bytes
after a power cut, cut short by a sync tool, another program's file) is computed again and overwritten; one that
cannot be written (a full disk) leaves the input computed, and prepare() says so once per run (info "unwritten").
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from merstudio.atomic import atomic_path
from merstudio.datasets.sample import DatasetWarning, Sample
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.features.flow import FLOW_METHODS, compute_flow, optical_strain
from merstudio.io.images import read_whole_image
from merstudio.model.inputs import SPACINGS, Box, parse_framing, shrink, step_indices

PREPROCESS_VERSION = 2  # bump when the computation changes: old cache entries then stop matching (2: brightness-matched flow)
WORK_SIZE = 128  # aligned face size flow is computed at (merstudio.face.align.ALIGNED_SIZE)
MODALITIES = ("flow", "grey", "both")
# every method inference computes, one list: a dis_fast checkpoint's inputs are rebuilt for fine-tuning and
# evaluation as inference builds them (a list of its own here refused dis_fast: "bad input settings")
FLOWS = FLOW_METHODS


class PreprocessCancelled(MerstudioError):
    """prepare() was cancelled."""


@dataclass(frozen=True)
class PreprocessSettings:
    modality: str = "flow"  # flow | grey | both
    size: int = 28  # output height = width (>= 28 for the network)
    T: int = 1  # time steps: T=1 is the single onset -> apex flow image
    flow: str = "dis"  # dis | dis_fast | tvl1 | farneback
    align: bool = True  # detect + align the face; off = centre square
    span: str = "apex"  # T targets over (onset, apex] or (onset, offset]
    spacing: str = "even"  # how they lie over it: model.inputs.step_indices ("even" or "late")
    # framing, model.inputs.parse_framing: clips and videos are cropped to this part of the aligned face; for
    # precomputed flow images it records the framing they have (they are used as they are)
    framing: Box | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "framing", parse_framing(self.framing))  # a name or a list -> the tuple
        if self.modality not in MODALITIES:
            raise InputError(f"modality: '{self.modality}' is not one of {', '.join(MODALITIES)}")
        if self.flow not in FLOWS:
            raise InputError(f"flow: '{self.flow}' is not one of {', '.join(FLOWS)}")
        if not isinstance(self.size, int) or self.size < 8:
            raise InputError(f"size: must be an integer >= 8, got {self.size!r}")
        if not isinstance(self.T, int) or self.T < 1:
            raise InputError(f"T: must be an integer >= 1, got {self.T!r}")
        if self.span not in ("apex", "offset"):
            raise InputError(f"span: must be apex or offset, got {self.span!r}")
        if self.spacing not in SPACINGS:
            raise InputError(f"spacing: must be {' or '.join(SPACINGS)}, got {self.spacing!r}")

    @property
    def channels(self) -> int:
        return {"flow": 3, "grey": 1, "both": 4}[self.modality]

    def key(self) -> str:
        """Hash of everything that changes the output (and the code version)."""
        d = asdict(self)
        if d["spacing"] == "even" or self.T == 1:  # the same steps as before the field existed: keep those caches
            del d["spacing"]
        if d["framing"] is None:  # likewise the whole face
            del d["framing"]
        blob = json.dumps({**d, "version": PREPROCESS_VERSION, "work": WORK_SIZE}, sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CACHE_ENTRIES = "prep-*"  # a cache's folders, one per input setting (prep-<PreprocessSettings.key()>)


def default_cache_dir() -> Path:
    """$MERSTUDIO_CACHE, else $XDG_CACHE_HOME/merstudio, else ~/.cache/merstudio."""
    env = os.environ.get("MERSTUDIO_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # the XDG Base Directory spec: a relative path there is invalid and to be ignored
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "merstudio"
    return Path.home() / ".cache" / "merstudio"


def _sample_id(s: Sample) -> str:
    """Identity of a sample's inputs: key, files, frame numbers and the source's modification time."""
    parts: list[Any] = [s.key, str(s.path), s.onset, s.apex, s.offset, s.onset_pos, s.apex_pos, s.offset_pos]
    if s.meta.get("face_box") is not None:  # which face of the frame (a project's event): another face, another input
        parts.append([round(float(v), 1) for v in s.meta["face_box"]])
    if s.frames:
        parts += [str(s.frames[0]), str(s.frames[-1]), len(s.frames)]
    # the files themselves: a frame rewritten in place changes the input but not its folder's time
    for f in [s.path, *(s.frames or [])]:
        try:
            st = f.stat()
            parts += [st.st_mtime_ns, st.st_size if f.is_file() else 0]
        except OSError:
            pass
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:24]


class _FrameReader:
    """Frames of a sample by 0-based position into its clip (frame list) or video index."""

    def __init__(self, s: Sample) -> None:
        self.s = s
        self._src: Any = None

    def get(self, pos: int) -> np.ndarray:
        if self.s.frames is not None:
            return read_whole_image(self.s.frames[pos])
        if self._src is None:
            from merstudio.io import open_source

            self._src = open_source(self.s.path)
        return np.asarray(self._src.frame(pos))

    def close(self) -> None:
        if self._src is not None:
            self._src.close()


def _positions(s: Sample, settings: PreprocessSettings) -> tuple[int, list[int]]:
    """Onset position and the T target positions (into frames, or video indices)."""
    if s.frames is not None:
        onset = s.onset_pos or 0
        apex = s.apex_pos if s.apex_pos is not None else len(s.frames) // 2
        end = s.offset_pos if settings.span == "offset" and s.offset_pos is not None else apex
    else:
        if s.onset is None or s.offset is None:
            raise InputError(f"{s.source}: video sample {s.sample} needs onset and offset")
        onset = s.onset
        apex = s.apex if s.apex is not None else (s.onset + s.offset + 1) // 2
        end = s.offset if settings.span == "offset" else apex
    if end <= onset:
        # A one-frame clip (or apex == onset): the flow is zero; keep the shape honest rather than fail.
        return onset, [onset] * settings.T
    return onset, step_indices(onset, end, settings.T, settings.spacing)  # the steps per-frame inference takes


def _centre_square(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    return np.array([[WORK_SIZE / side, 0, -x0 * WORK_SIZE / side], [0, WORK_SIZE / side, -y0 * WORK_SIZE / side]])


MAX_FACES = 4  # faces looked for on an onset frame (a video of several people: the one asked for is among them)
SAME_FACE_IOU = 0.3  # a detected face is the one asked for when their boxes overlap this much


def pick_face(faces: Sequence[Any], near: Sequence[float] | None = None) -> Any:
    """Of the faces found on a frame (anything with a ``bbox``): the largest, or with ``near`` the one whose box
    overlaps it most (at least SAME_FACE_IOU; else None: the person asked for is not there)."""
    if not faces:
        return None
    if near is None:
        return max(faces, key=lambda f: (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]))
    from merstudio.face.boxes import box_iou

    box = tuple(near)
    best = max(faces, key=lambda f: box_iou(f.bbox, box))
    return best if box_iou(best.bbox, box) >= SAME_FACE_IOU else None


class _Aligner:
    """Face detector + aligner shared over a prepare() run (MediaPipe start-up is slow)."""

    def __init__(self) -> None:
        self._dets: dict[int, Any] = {}  # by the number of faces looked for
        self._al: Any = None

    def matrix(self, rgb: np.ndarray, near: Sequence[float] | None = None) -> np.ndarray | None:
        """The alignment of the largest face, or with ``near`` (a pixel box) of the face on it (None: no such
        face)."""
        # a dataset clip has one face: looking for more would search every onset frame in tiles for small ones
        n = 1 if near is None else MAX_FACES
        if n not in self._dets:
            from merstudio.face.align import FaceAligner
            from merstudio.face.detector import FaceMeshDetector

            self._dets[n] = FaceMeshDetector(max_faces=n, video_mode=False)
            self._al = self._al or FaceAligner(size=WORK_SIZE, smoothing=0.0)
        face = pick_face(self._dets[n].detect(rgb), near)
        if face is None:
            return None
        try:
            return np.asarray(self._al.raw_matrix(face.landmarks), dtype=np.float64)
        except InputError:
            return None

    def close(self) -> None:
        for det in self._dets.values():
            det.close()
        self._dets.clear()


def _warp_grey(rgb: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # Replicated borders: a black edge would look like motion to optical flow.
    return cv2.warpAffine(grey, matrix, (WORK_SIZE, WORK_SIZE), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _minmax(x: np.ndarray) -> np.ndarray:
    """Per-channel min-max to 0..1 over (T, H, W): x is (T, C, H, W)."""
    lo = x.min(axis=(0, 2, 3), keepdims=True)
    hi = x.max(axis=(0, 2, 3), keepdims=True)
    return ((x - lo) / np.maximum(hi - lo, 1e-8)).astype(np.float32)


def _from_image(s: Sample, settings: PreprocessSettings) -> np.ndarray:
    if settings.modality != "flow":
        raise InputError(f"{s.path}: a precomputed image sample gives a flow input only, not modality "
                         f"'{settings.modality}'")
    rgb = read_whole_image(s.path)
    if rgb.shape[:2] != (settings.size, settings.size):
        interp = cv2.INTER_AREA if rgb.shape[0] > settings.size else cv2.INTER_LINEAR
        rgb = cv2.resize(rgb, (settings.size, settings.size), interpolation=interp)
    x = rgb.astype(np.float32).transpose(2, 0, 1) / 255.0  # R, G, B = u, v, strain
    return np.repeat(x[None], settings.T, axis=0)  # T > 1: the one image at every step


def compute_input(s: Sample, settings: PreprocessSettings, aligner: Any = None) -> tuple[np.ndarray, dict]:
    """The input for one sample, uncached: ((T, C, size, size) float32, {"aligned": bool, "note": str})."""
    if s.kind == "image":
        return _from_image(s, settings), {"aligned": False, "note": "precomputed image"}
    onset_pos, targets = _positions(s, settings)
    reader = _FrameReader(s)
    own = aligner is None and settings.align
    al = _Aligner() if own else aligner
    try:
        first = reader.get(onset_pos)
        near = s.meta.get("face_box")
        matrix = al.matrix(first, near) if settings.align else None
        info = {"aligned": matrix is not None, "note": ""}
        if matrix is None:
            info["note"] = "alignment off" if not settings.align else \
                "the event's face was not found on the onset frame" if near is not None else \
                "no face found on the onset frame"
            matrix = _centre_square(first)
        g0 = _warp_grey(first, matrix)
        cache: dict[int, np.ndarray] = {onset_pos: g0}
        for t in targets:
            if t not in cache:
                cache[t] = _warp_grey(reader.get(t), matrix)
    finally:
        reader.close()
        if own and al is not None:
            al.close()
    return input_from_aligned(g0, [cache[t] for t in targets], settings), info


def input_from_aligned(onset: np.ndarray, targets: Sequence[np.ndarray], settings: PreprocessSettings) -> np.ndarray:
    """The network input from aligned grey uint8 faces (WORK_SIZE x WORK_SIZE): the onset face and the T target
    faces -> (T, C, size, size) float32, normalised as for training. Inference on video uses this too, so the
    two cannot drift apart."""
    if len(targets) != settings.T:
        raise InputError(f"input: {settings.T} target frames expected, got {len(targets)}")
    steps: list[np.ndarray] = []
    for g1 in targets:
        chans: list[np.ndarray] = []
        if settings.modality in ("flow", "both"):
            flow = compute_flow(onset, g1, settings.flow)
            chans += [flow[..., 0], flow[..., 1], optical_strain(flow)]
        if settings.modality in ("grey", "both"):
            chans.append(np.asarray(g1, dtype=np.float32))
        small = [shrink(np.asarray(c, dtype=np.float32), settings.size, settings.framing) for c in chans]
        steps.append(np.stack(small))
    x = np.stack(steps).astype(np.float32)  # (T, C, size, size)
    if settings.modality in ("flow", "both"):
        x[:, :3] = _minmax(x[:, :3])
    if settings.modality in ("grey", "both"):
        x[:, -1:] /= 255.0
    return x


WRITE_FAILED = "cannot write the preprocessing cache"  # atomic_path's `what`: "<file>: <this> (<reason>)"


def _read_cached(path: Path, settings: PreprocessSettings) -> tuple[np.ndarray, dict] | None:
    """A cache entry's (x, meta), or None where there is none of the right shape or it cannot be read."""
    if not path.is_file():
        return None
    try:
        # the file opened here, not by np.load: on a file that is no zip np.load leaves its own handle open
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
            x = z["x"]
            meta = dict(json.loads(str(z["meta"])))
        if x.shape != (settings.T, settings.channels, settings.size, settings.size):
            return None
        return x.astype(np.float32, copy=False), meta
    except Exception:  # noqa: BLE001 - a copy that cannot be read is made again, whatever the damage
        # np.load on a torn or foreign file raises, by what is left of it: EOFError (0 bytes), BadZipFile (cut
        # short, bad CRC), zlib.error, ValueError (a pickle, a bad .npy header), tokenize.TokenError (a cut
        # header), NotImplementedError (a garbled zip version), KeyError, OSError; json.loads and dict() more
        return None


def _cached_input(s: Sample, settings: PreprocessSettings, cache_dir: str | Path | None,
                  aligner: Any) -> tuple[np.ndarray, dict]:
    """preprocess() without its warning: a failed cache write is info["cache_error"] (atomic_path's one line)."""
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    folder = folder / f"prep-{settings.key()}"
    path = folder / f"{_sample_id(s)}.npz"
    hit = _read_cached(path, settings)
    if hit is not None:
        return hit[0], {**hit[1], "cached": True}
    x, meta = compute_input(s, settings, aligner)  # none, or a torn or foreign file: recompute and overwrite
    try:
        # atomic_path: a temporary beside the file, then rename, so parallel workers never read half a file.
        with atomic_path(path, WRITE_FAILED) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, x=x, meta=np.array(json.dumps(meta)))
    except OutputError as exc:
        return x, {**meta, "cached": False, "cache_error": str(exc)}
    return x, {**meta, "cached": False}


def preprocess(s: Sample, settings: PreprocessSettings, cache_dir: str | Path | None = None,
               aligner: Any = None) -> tuple[np.ndarray, dict]:
    """The cached input of one sample: ((T, C, size, size) float32, info with "aligned", "note", "cached", and
    "cache_error" where it could not be written to the cache, which is also warned)."""
    x, meta = _cached_input(s, settings, cache_dir, aligner)
    if "cache_error" in meta:
        warnings.warn(meta["cache_error"], DatasetWarning, stacklevel=2)
    return x, meta


def _reason(error: str) -> str:
    """The "(<reason>)" of atomic_path's "<file>: cannot write the preprocessing cache (<reason>)"."""
    _, sep, rest = error.partition(f": {WRITE_FAILED} (")
    return rest[:-1] if sep and rest.endswith(")") else error


def prepare(samples: Sequence[Sample], settings: PreprocessSettings | None = None, *,
            progress: Callable[[int, int], None] | None = None, cancel: Callable[[], bool] | None = None,
            cache_dir: str | Path | None = None, skip_bad: bool = False) -> tuple[np.ndarray, dict[str, Any]]:
    """Inputs for many samples: X (N, T, C, size, size) float32 and info:
    {"settings", "settings_hash", "cache_dir", "computed", "cached", "aligned" (list of bool),
    "centre_cropped" (list of (sample key, why)), "failed" (list of (index, sample key, why)), "unwritten" (how
    many computed inputs the cache did not take), "cache_error" (one line: the folder and why; None when all were
    written)}. A sample whose frames cannot be read raises InputError, or with ``skip_bad`` (--allow-missing) is
    left out of X and listed in "failed". Inputs the cache cannot take (a full disk) are still returned, and
    warned once (DatasetWarning), not once per sample."""
    settings = settings or PreprocessSettings()
    samples = list(samples)
    n = len(samples)
    X = np.zeros((n, settings.T, settings.channels, settings.size, settings.size), dtype=np.float32)
    info: dict[str, Any] = {"settings": settings.to_dict(), "settings_hash": settings.key(),
                            "cache_dir": str(Path(cache_dir).expanduser() if cache_dir else default_cache_dir()),
                            "computed": 0, "cached": 0, "aligned": [], "centre_cropped": [], "failed": [],
                            "unwritten": 0, "cache_error": None}
    folder = Path(info["cache_dir"]) / f"prep-{info['settings_hash']}"
    aligner = _Aligner() if settings.align else None
    try:
        for i, s in enumerate(samples):
            if cancel is not None and cancel():
                raise PreprocessCancelled("preprocessing cancelled")
            try:
                x, meta = _cached_input(s, settings, cache_dir, aligner)
            except InputError as exc:
                if not skip_bad:
                    raise
                info["failed"].append((i, s.key, str(exc)))
                continue
            X[i] = x
            info["cached" if meta.get("cached") else "computed"] += 1
            if "cache_error" in meta:
                info["unwritten"] += 1
                info["cache_error"] = info["cache_error"] or f"{folder}: {WRITE_FAILED} ({_reason(meta['cache_error'])})"
            info["aligned"].append(bool(meta.get("aligned")))
            if s.kind != "image" and not meta.get("aligned"):
                info["centre_cropped"].append((s.key, meta.get("note", "")))
            if progress is not None:
                progress(i + 1, n)
    finally:
        if aligner is not None:
            aligner.close()
    if info["failed"]:
        X = np.delete(X, [i for i, _, _ in info["failed"]], axis=0)
    if info["unwritten"]:  # one line for the run: a full disk fails every sample's write alike
        warnings.warn(f"{info['cache_error']}: {info['unwritten']} of {info['computed']} inputs computed are not "
                      "kept and will be computed again next time", DatasetWarning, stacklevel=2)
    if info["centre_cropped"] and settings.align:
        warnings.warn(f"{len(info['centre_cropped'])} of {n} samples had no face found and were centre-cropped "
                      f"(first: {info['centre_cropped'][0][0]})", DatasetWarning, stacklevel=2)
    return X, info
